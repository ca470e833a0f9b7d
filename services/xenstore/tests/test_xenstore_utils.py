#!/usr/bin/env python3
"""Debian's xenstore-utils (libxenstore 4.17) against our host daemon.

The daemon runs on a temporary socket; libxenstore finds it through
XENSTORED_PATH. Clients of the control-domain socket are dom0. Denials are
shown by pointing XENSTORED_PATH at the daemon's test-only domain sockets
(-U 1:PATH, -U 2:PATH), whose clients act as unprivileged domains 1 and 2.
Output is TAP.
"""
import os
import shutil
import subprocess
import sys

from xs_testlib import ok, run_daemon

TOOLS = ["xenstore-write", "xenstore-read", "xenstore-ls", "xenstore-list",
         "xenstore-rm", "xenstore-chmod", "xenstore-exists", "xenstore-watch"]


class Store:
    def __init__(self, tmp):
        self.sock = {0: os.path.join(tmp, "sock"),
                     1: os.path.join(tmp, "sock1"),
                     2: os.path.join(tmp, "sock2")}

    def run(self, *args, dom=0, timeout=10):
        env = dict(os.environ, XENSTORED_PATH=self.sock[dom])
        return subprocess.run(list(args), env=env, capture_output=True,
                              text=True, timeout=timeout)


def main():
    daemon = sys.argv[1]
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f"1..0 # SKIP xenstore-utils not installed ({' '.join(missing)})")
        return 0
    def args(tmp):
        sock = Store(tmp).sock
        return ["-s", sock[0], "-U", f"1:{sock[1]}", "-U", f"2:{sock[2]}",
                "-l", os.path.join(tmp, "log"), "--quota", "nodes=6"]

    return run_daemon(daemon, "xs-utils-", args,
                      lambda tmp: Store(tmp).sock.values(),
                      lambda tmp: run_tests(Store(tmp),
                                            os.path.join(tmp, "log")))


def run_tests(s, log):
    r = s.run("xenstore-write", "/vm/a", "hello world")
    ok(r.returncode == 0, "xenstore-write", r.stderr)
    r = s.run("xenstore-read", "/vm/a")
    ok(r.returncode == 0 and r.stdout == "hello world\n",
       "xenstore-read returns the written value", repr(r.stdout))

    r = s.run("xenstore-write", "/vm/b", "2", "/vm/c/d", "4")
    ok(r.returncode == 0, "xenstore-write of two pairs (in a transaction)",
       r.stderr)
    r = s.run("xenstore-read", "/vm/b", "/vm/c/d")
    ok(r.stdout == "2\n4\n", "xenstore-read of two paths", repr(r.stdout))
    r = s.run("xenstore-read", "-p", "/vm/b")
    ok(r.stdout == "/vm/b: 2\n", "xenstore-read -p", repr(r.stdout))

    r = s.run("xenstore-read", "/vm/none")
    ok(r.returncode == 1 and "couldn't read path /vm/none" in r.stderr,
       "xenstore-read of a missing path fails", r.stderr)

    r = s.run("xenstore-list", "/vm")
    ok(r.stdout == "a\nb\nc\n", "xenstore-list", repr(r.stdout))

    r = s.run("xenstore-ls", "/vm")
    want = 'a = "hello world"\nb = "2"\nc = ""\n d = "4"\n'
    ok(r.returncode == 0 and r.stdout == want, "xenstore-ls tree layout",
       repr(r.stdout))
    r = s.run("xenstore-ls", "-f", "/vm")
    want = ('/vm/a = "hello world"\n/vm/b = "2"\n/vm/c = ""\n'
            '/vm/c/d = "4"\n')
    ok(r.stdout == want, "xenstore-ls -f full paths", repr(r.stdout))

    # A listing over 4096 bytes: libxenstore falls back to DIRECTORY_PART.
    pairs = []
    for i in range(400):
        pairs += [f"/big/entry-number-{i:04}", str(i)]
    r = s.run("xenstore-write", *pairs)
    r2 = s.run("xenstore-list", "/big")
    names = r2.stdout.split()
    ok(r.returncode == 0 and r2.returncode == 0 and
       names == [f"entry-number-{i:04}" for i in range(400)],
       "xenstore-list of 400 children (DIRECTORY_PART)",
       r.stderr + r2.stderr + str(len(names)))
    r = s.run("xenstore-rm", "/big")
    ok(r.returncode == 0 and s.run("xenstore-exists", "/big").returncode == 1,
       "xenstore-rm of the 400 children", r.stderr)

    r1 = s.run("xenstore-exists", "/vm/c/d")
    r2 = s.run("xenstore-exists", "/vm/nothing")
    ok(r1.returncode == 0 and r2.returncode == 1,
       "xenstore-exists exit status", f"{r1.returncode} {r2.returncode}")

    r = s.run("xenstore-rm", "/vm/c")
    r2 = s.run("xenstore-exists", "/vm/c/d")
    ok(r.returncode == 0 and r2.returncode == 1,
       "xenstore-rm removes the subtree", r.stderr)

    # Permissions: owner dom0, nobody else; then read access for domain 1.
    r = s.run("xenstore-ls", "-p", "/vm")
    ok(r.returncode == 0 and "(n0)" in r.stdout, "xenstore-ls -p shows n0",
       r.stdout)
    r = s.run("xenstore-read", "/vm/a", dom=1)
    ok(r.returncode == 1 and "couldn't read path" in r.stderr,
       "domain 1 cannot read a dom0-only node", r.stderr)
    r = s.run("xenstore-ls", "/vm", dom=1)
    ok(r.returncode == 1 and "Permission denied" in r.stderr,
       "xenstore-ls by domain 1 shows the denial", r.stderr)
    r = s.run("xenstore-chmod", "/vm/a", "n0", "r1")
    ok(r.returncode == 0, "xenstore-chmod n0 r1", r.stderr)
    r = s.run("xenstore-ls", "-p", "/vm")
    ok('a = "hello world"' in r.stdout and "(n0,r1)" in r.stdout,
       "xenstore-ls -p shows the new permissions", r.stdout)
    r = s.run("xenstore-read", "/vm/a", dom=1)
    ok(r.returncode == 0 and r.stdout == "hello world\n",
       "domain 1 reads with its r1 entry", r.stderr)
    r = s.run("xenstore-write", "/vm/a", "changed", dom=1)
    r2 = s.run("xenstore-read", "/vm/a")
    ok(r.returncode == 1 and "could not write path" in r.stderr and
       r2.stdout == "hello world\n",
       "domain 1 cannot write; the value is unchanged", r.stderr)
    r = s.run("xenstore-read", "/vm/a", dom=2)
    ok(r.returncode == 1, "domain 2 still cannot read", r.stderr)
    r = s.run("xenstore-rm", "/vm/a", dom=2)
    r2 = s.run("xenstore-exists", "/vm/a")
    ok(r.returncode == 1 and r2.returncode == 0,
       "domain 2 cannot remove; the node stays", r.stderr)
    r = s.run("xenstore-chmod", "-r", "/vm", "b0")
    r2 = s.run("xenstore-ls", "-p", "/vm")
    ok(r.returncode == 0 and r2.stdout.count("(b0)") == 2,
       "xenstore-chmod -r applies to the subtree", r2.stdout)

    # Guest home and relative paths.
    s.run("xenstore-write", "/local/domain/1/name", "guest1")
    s.run("xenstore-chmod", "-r", "/local/domain/1", "n1")
    r = s.run("xenstore-read", "name", dom=1)
    ok(r.returncode == 0 and r.stdout == "guest1\n",
       "a guest reads relative paths below its home", r.stderr)
    r = s.run("xenstore-write", "data/x", "1", dom=1)
    r2 = s.run("xenstore-ls", "-p", "/local/domain/1")
    ok(r.returncode == 0 and 'x = "1"' in r2.stdout and "(n1)" in r2.stdout,
       "a guest creates nodes it owns", r2.stdout)

    # Quota (the daemon runs with --quota nodes=6): refused and logged.
    results = [s.run("xenstore-write", f"data/n{i}", "v", dom=1).returncode
               for i in range(6)]
    with open(log) as f:
        logged = "quota: domain 1 refused nodes" in f.read()
    ok(0 in results and results[-1] == 1 and logged,
       "a guest over its node quota is refused, and the log says so",
       results)

    # Watches: the first event is the watch's own path, then the changes.
    env = dict(os.environ, XENSTORED_PATH=s.sock[0])
    w = subprocess.Popen(["xenstore-watch", "-n", "3", "/vm/w"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    first = w.stdout.readline()
    s.run("xenstore-write", "/vm/w/x", "1")
    s.run("xenstore-write", "/vm/other", "1")
    s.run("xenstore-rm", "/vm/w")
    try:
        rest, err = w.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        w.kill()
        rest, err = w.communicate()
    ok(first == "/vm/w\n" and rest == "/vm/w/x\n/vm/w\n",
       "xenstore-watch sees its path, the write, then the removal",
       repr(first + rest) + err)

    w = subprocess.Popen(["xenstore-watch", "-n", "2", "@introduceDomain"],
                         env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    first = w.stdout.readline()
    intro = subprocess.run([sys.executable, "-c", INTRODUCE, s.sock[0]],
                           capture_output=True, text=True, timeout=10)
    try:
        rest, err = w.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        w.kill()
        rest, err = w.communicate()
    ok(first == "@introduceDomain\n" and rest == "@introduceDomain\n" and
       intro.stdout == "OK\n",
       "xenstore-watch @introduceDomain sees an INTRODUCE",
       repr(first + rest) + err + intro.stdout + intro.stderr)


# xenstore-utils has no INTRODUCE command: a raw wire request, type 8.
INTRODUCE = r"""
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
body = b"5\x004096\x003\x00"
s.sendall(struct.pack("<IIII", 8, 1, 0, len(body)) + body)
hdr = s.recv(16)
t, r, x, n = struct.unpack("<IIII", hdr)
print(s.recv(n).rstrip(b"\x00").decode())
"""

if __name__ == "__main__":
    sys.exit(main())
