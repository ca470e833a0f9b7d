"""Shared by the Python tests: TAP output and the daemon's life."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

count = 0
failed = 0


def ok(cond, name, detail=""):
    global count, failed
    count += 1
    print(f"{'' if cond else 'not '}ok {count} - {name}")
    if not cond:
        failed += 1
        for line in str(detail).splitlines():
            print(f"#   {line}")
    sys.stdout.flush()


def run_daemon(daemon, prefix, args, sockets, tests):
    """Starts the daemon with args in a new temporary directory (passed to
    args(tmp)), waits for its sockets (sockets(tmp)), runs tests(tmp),
    stops it with SIGTERM (a clean exit is one more test) and prints the
    plan. Returns the exit status."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    proc = subprocess.Popen([daemon] + args(tmp))
    try:
        end = time.time() + 10
        while time.time() < end and not all(map(os.path.exists, sockets(tmp))):
            time.sleep(0.02)
        if not all(map(os.path.exists, sockets(tmp))):
            print("Bail out! the daemon did not create its sockets")
            return 1
        tests(tmp)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = -1
        ok(rc == 0, "daemon exits cleanly (no leaks under ASan)", f"rc={rc}")
    print(f"1..{count}")
    if failed == 0:
        shutil.rmtree(tmp)
    return 1 if failed else 0
