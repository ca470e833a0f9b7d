#!/usr/bin/env python3
"""Boots a Tessera ISO in QEMU (TCG) and reports what its serial line says.

--tap (system tests): the ring-3 test root task prints "ok N - name" and
"not ok N - name" lines; they are renumbered and printed as TAP with a final
plan, every other serial line becomes a TAP comment. A run that does not
reach the end marker (timeout, QEMU exit, kernel crash) adds a failing test.

--raw (benchmarks): the serial output is copied through; the exit status is
0 only if the end marker was seen.
"""
import argparse
import queue
import re
import subprocess
import sys
import threading
import time

TEST_LINE = re.compile(r'(?:^|\s)(not ok|ok) \d+ - (.*)$')
PRINTED = re.compile(r'done, (\d+) tests')


def qemu_command(args):
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'max', '-smp', str(args.smp),
           '-m', str(args.mem), '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
           '-no-reboot', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
           '-cdrom', args.iso]
    if args.icount:
        cmd += ['-icount', 'shift=0']
    return cmd


def read_lines(stream, lines):
    for raw in iter(stream.readline, b''):
        lines.put(raw.decode('utf-8', errors='replace').rstrip('\r\n'))
    lines.put(None)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('iso')
    ap.add_argument('--smp', type=int, default=2)
    ap.add_argument('--mem', type=int, default=512)
    ap.add_argument('--timeout', type=float, default=300)
    ap.add_argument('--icount', action='store_true', help='-icount shift=0 (benchmarks)')
    ap.add_argument('--raw', action='store_true', help='copy the output (benchmarks), no TAP')
    ap.add_argument('--end-marker', default='tessera-tests: done')
    args = ap.parse_args()

    start = time.monotonic()
    proc = subprocess.Popen(qemu_command(args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = queue.Queue()
    threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True).start()

    count = failed = 0
    printed = None      # how many test lines the guest says it printed
    finished = False
    reason = None
    while True:
        left = start + args.timeout - time.monotonic()
        if left <= 0:
            reason = 'timeout after %d s' % args.timeout
            break
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            continue
        if line is None:
            break
        if args.raw:
            print(line, flush=True)
        else:
            m = TEST_LINE.search(line)
            if m:
                count += 1
                failed += m.group(1) == 'not ok'
                print('%s %d - %s' % (m.group(1), count, m.group(2)), flush=True)
            else:
                print('# ' + line, flush=True)
        if args.end_marker in line:
            finished = True
            m = PRINTED.search(line)
            printed = int(m.group(1)) if m else None
            break

    try:
        status = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
    elapsed = time.monotonic() - start
    if reason is None and not finished:
        reason = 'QEMU exited with status %d before the end' % status

    if args.raw:
        print('# %s in %.1f s' % ('finished' if finished else reason, elapsed))
        return 0 if finished else 1
    if not finished:
        count += 1
        failed += 1
        print('not ok %d - the test run reached its end (%s)' % (count, reason))
    elif printed is not None and printed != count:
        count += 1
        failed += 1
        print('not ok %d - all %d test lines the guest printed arrived intact (read %d)'
              % (count, printed, count - 1))
    print('# %d tests, %d failed, %.1f s of QEMU TCG time (-smp %d)' % (count, failed, elapsed, args.smp))
    print('1..%d' % count)
    return 0


if __name__ == '__main__':
    sys.exit(main())
