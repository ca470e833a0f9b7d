#!/usr/bin/env python3
"""Benchmark: `xl create -c` of Debian's Linux as a PVH guest, to the
guest's marker line, on Tessera and (when its ISO exists) on real Xen 4.17
under the same QEMU, one after the other in the same time window.

usage: bench_linux_pvh.py TESSERA-LINUX.iso [--runs N] [--icount]
                          [--xen-iso PATH] [--no-xen]

Tessera: `time xl create -c CFG` for /etc/xen/linux-bz.cfg (the bzImage,
as the reference's pvh.cfg loads it) and /etc/xen/linux.cfg with `quiet`
(the extracted vmlinux). Two numbers per run: host seconds from typing the
command to the marker, and guest-TSC microseconds from Domain-0's `time`
start to the TSC the guest's /init printed next to its marker (the same
counter: QEMU's TSC; with --icount, 1 us = 1000 guest instructions).
Real Xen: `xl create -c pvh.cfg` in its dom0 to GUEST_MARKER_pvh_UP, host
seconds (xen-reference/README.md: the ISO is ${EXT:-~/xen-ref}/xen.iso,
built by /work/shared/xen-reference/10-build.sh; never rebuilt here).
Timings on this machine drift: compare medians of runs made together.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '../../services/init/tests'))
from run_xl_session import PROMPT, Console, field, start_qemu  # noqa: E402

XEN_PROMPT = 'dom0# '
QEMU_MEM = 2048


def tessera_runs(iso, runs, icount):
    """[(cfg label, host s, guest us)] for each run of each configuration."""
    proc = start_qemu(iso, QEMU_MEM, icount=icount)
    con = Console(proc)
    results = []
    try:
        if con.expect(r'Domain-0: xl shell on the serial console', 300) is None:
            sys.exit('Tessera: the appliance did not boot:\n' + con.text[-3000:])
        con.expect(re.escape(PROMPT), 20)
        khz = field(con.command('xl info'), 'cpu_mhz')
        khz = int(khz.replace('.', '')) if khz else 0
        cases = [('linux-bz.cfg (bzImage)', 'xl create -c /etc/xen/linux-bz.cfg',
                  'GUEST_MARKER_pvh_UP'),
                 ('linux.cfg quiet (vmlinux)', 'xl create -c /etc/xen/linux.cfg '
                  '"extra=\'console=hvc0 quiet marker=linux\'"', 'GUEST_MARKER_linux_UP')]
        for _ in range(runs):
            for label, line, marker in cases:
                con.proc.stdin.write(('time ' + line + '\r').encode())
                con.proc.stdin.flush()
                wall = time.monotonic()
                up = con.expect(r'^%s$|%s' % (marker, re.escape(PROMPT)), 600)
                wall = time.monotonic() - wall
                if up is None or up.endswith(PROMPT):
                    sys.exit('Tessera: %s gave no %s:\n%s' % (line, marker, con.text[-3000:]))
                out = con.expect(re.escape(PROMPT), 600) or ''
                tsc = re.search(r'^marker tsc=(\d+)$', out, re.M)
                started = re.search(r'\(started at (\d+) us\)', out)
                us = None
                if tsc and started and khz:
                    us = int(tsc.group(1)) * 1000 // khz - int(started.group(1))
                    if us <= 0:
                        us = None	# the guest's TSC is not Domain-0's (offset)
                results.append((label, wall, us))
    finally:
        proc.kill()
        proc.wait()
    return results


def xen_runs(iso, runs):
    """[('Xen 4.17 pvh.cfg (bzImage)', host s, None)] for each run."""
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'EPYC,-monitor', '-smp', '2',
           '-m', str(QEMU_MEM), '-display', 'none', '-monitor', 'none', '-no-reboot',
           '-serial', 'stdio', '-cdrom', iso, '-boot', 'd']
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    con = Console(proc)
    results = []
    try:
        if con.expect(re.escape(XEN_PROMPT), 300) is None:
            sys.exit('Xen: dom0 did not boot:\n' + con.text[-3000:])
        for _ in range(runs):
            con.proc.stdin.write(b'xl create -c pvh.cfg\r')
            con.proc.stdin.flush()
            wall = time.monotonic()
            if con.expect(r'GUEST_MARKER_pvh_UP', 600) is None:
                sys.exit('Xen: no marker:\n' + con.text[-3000:])
            results.append(('Xen 4.17 pvh.cfg (bzImage)', time.monotonic() - wall, None))
            con.expect(re.escape(XEN_PROMPT), 600)
    finally:
        proc.kill()
        proc.wait()
    return results


def report(results):
    for label in dict.fromkeys(r[0] for r in results):
        walls = [r[1] for r in results if r[0] == label]
        uss = [r[2] for r in results if r[0] == label and r[2] is not None]
        line = '%-28s host s: min %.2f / median %.2f / max %.2f' % (
            label, min(walls), statistics.median(walls), max(walls))
        if uss:
            line += '; guest-TSC us: min %d / median %d / max %d' % (
                min(uss), statistics.median(uss), max(uss))
        print(line + ' (%d runs)' % len(walls))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('iso')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--icount', action='store_true',
                    help='QEMU -icount shift=0 for Tessera (the TSC counts instructions)')
    ap.add_argument('--xen-iso', default=os.path.join(os.environ.get('EXT') or
                                                      os.path.expanduser('~/xen-ref'), 'xen.iso'))
    ap.add_argument('--no-xen', action='store_true')
    args = ap.parse_args()
    print('xl create -c -> the Linux guest\'s marker, %d runs each' % args.runs)
    results = tessera_runs(args.iso, args.runs, args.icount)
    if args.no_xen:
        pass
    elif os.path.isfile(args.xen_iso):
        results += xen_runs(args.xen_iso, args.runs)
    else:
        print('real Xen: %s is missing; build it with `bash /work/shared/xen-reference/'
              '00-host-setup.sh && bash /work/shared/xen-reference/10-build.sh` '
              '(see its README.md), then rerun' % args.xen_iso)
    report(results)


if __name__ == '__main__':
    main()
