#!/usr/bin/env python3
"""Benchmark of xl create in Domain-0 (QEMU with -icount shift=0, so the
TSC counts guest instructions: 1 ms = 10^6 instructions).

usage: bench_xl_create.py APPLIANCE.iso [--count N]

1. `time xl create /etc/xen/demo.cfg`: from the command to the demo's first
   console line (the demo prints its TSC uptime), and the command itself.
2. N paused demo domains created one after another (all stay alive): the
   cost of the 1st and the Nth create, to show that it stays flat.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_xl_session import PROMPT, Console, start_qemu  # noqa: E402


def timed(con, line):
    out = con.command('time ' + line, timeout=60)
    m = re.search(r'^real (\d+)\.(\d+)s \(started at (\d+) us\)', out or '', re.M)
    if not m:
        sys.exit('no timing for %r:\n%s' % (line, out))
    return int(m.group(1)) * 1000000 + int(m.group(2)), int(m.group(3)), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('iso')
    ap.add_argument('--count', type=int, default=100)
    args = ap.parse_args()
    proc = start_qemu(args.iso, 2048, icount=True)	# room for 100 guests of 8 MiB
    con = Console(proc)
    try:
        if con.expect(r'xl: domain demo \(3\) stopped', 120) is None:
            sys.exit('the appliance did not boot:\n' + con.text[-3000:])
        con.expect(re.escape(PROMPT), 10)
        wall = time.monotonic()
        us, start, _ = timed(con, 'xl create /etc/xen/demo.cfg')
        hello = con.expect(r'demo: hello from a Tessera guest created by xl \(uptime (\d+) us\)', 30)
        wall = time.monotonic() - wall
        first_line = int(re.search(r'uptime (\d+) us', hello).group(1)) - start
        print('xl create -> demo\'s first console line: %d us of guest time '
              '(%.1f M instructions), %.2f s wall; the create command itself %d us'
              % (first_line, first_line / 1000, wall, us))
        con.expect(r'xl: domain demo \(\d+\) stopped', 30)
        con.expect(re.escape(PROMPT), 10)
        costs = []
        for i in range(1, args.count + 1):
            us, _, out = timed(con, "xl create -p /etc/xen/demo.cfg name='bench-%d'" % i)
            if 'xl: create' in out:
                sys.exit('bench-%d was not created:\n%s' % (i, out))
            costs.append(us)
        print('%d paused demo domains created one after another: 1st %d us, %dth %d us, '
              'median %d us (guest time)' % (args.count, costs[0], args.count, costs[-1],
                                            sorted(costs)[len(costs) // 2]))
        info = con.command('xl info') or ''
        free = re.search(r'^free_memory\s*:\s*(\d+)', info, re.M)
        print('free memory with %d domains alive: %s MiB' % (args.count,
                                                            free.group(1) if free else '?'))
    finally:
        proc.kill()
        proc.wait()


if __name__ == '__main__':
    main()
