#!/usr/bin/env python3
"""Benchmark: Debian's Linux as a PVH guest on Tessera and on real Xen 4.17,
the same guests (kernel, initramfs, xl.cfg files) under the same QEMU, one
after the other in the same time window.

usage: bench_linux_pvh.py TESSERA-LINUX.iso LINUX-FILES.cpio [--runs N]
                          [--icount] [--xen-ref DIR] [--no-xen]

Per run, on each side:
  `time xl create -c /etc/xen/linux-bz.cfg` (the bzImage, as the reference's
  pvh.cfg loads it) and `.../linux.cfg` with quiet (the extracted vmlinux),
  to the marker: host seconds from typing the command; on Tessera also
  guest-TSC microseconds from Domain-0's `time` start to the TSC the guest's
  /init printed next to its marker (with --icount, 1 us = 1000 guest
  instructions);
  event-channel ping-pong between a pong and a ping guest: the ping guest's
  own clock, ns per round trip.
Real Xen: the reference ISO tree in DIR (default ${EXT:-~/xen-ref}, built by
/work/shared/xen-reference/10-build.sh, never rebuilt here) plus this
appliance's files (xenref_iso.py). Timings on this machine drift: compare
medians of runs made together.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '../../services/init/tests'))
from run_xl_session import PROMPT, Console, field, start_qemu  # noqa: E402

QEMU_MEM = 2048
PING_ROUNDS = 1000
CREATE_CASES = [
    ('create->marker linux-bz.cfg (bzImage)', 'xl create -c /etc/xen/linux-bz.cfg',
     'GUEST_MARKER_pvh_UP'),
    ('create->marker linux.cfg quiet (vmlinux)', 'xl create -c /etc/xen/linux.cfg '
     '"extra=\'console=hvc0 quiet marker=linux\'"', 'GUEST_MARKER_linux_UP'),
]


class Side:
    """One hypervisor under QEMU (proc): its Domain-0 prompt, booted."""

    def __init__(self, name, proc, prompt, booted):
        self.name, self.prompt, self.proc = name, prompt, proc
        self.con = Console(proc)
        if self.con.expect(booted, 300) is None:
            self.stop()
            sys.exit('%s did not boot:\n%s' % (name, self.con.text[-3000:]))
        self.con.expect(re.escape(prompt), 20)

    def type(self, line):
        self.proc.stdin.write(line.encode() + b'\r')
        self.proc.stdin.flush()

    def command(self, line, timeout=600):
        self.type(line)
        return self.con.expect(re.escape(self.prompt), timeout) or ''

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def create_to_marker(side, line, marker, khz):
    """(host seconds, guest-TSC us or None) from the command to the marker;
    (None, None) if the guest never showed it (said why: the case is left
    out, the other cases still run)."""
    side.type('time ' + line)
    wall = time.monotonic()
    start = len(side.con.text)
    up = side.con.expect(r'^%s$|%s' % (marker, re.escape(side.prompt)), 300)
    wall = time.monotonic() - wall
    if up is None or up.endswith(side.prompt):
        print('%s: %s gave no %s, left out:\n%s' % (side.name, line, marker,
                                                   side.con.text[start:][-1500:]))
        if up is None:  # still on its console: leave it (Ctrl-])
            side.proc.stdin.write(b'\x1d')
            side.proc.stdin.flush()
            side.con.expect(re.escape(side.prompt), 60)
        return None, None
    out = side.con.expect(re.escape(side.prompt), 600) or ''
    tsc = re.search(r'^marker tsc=(\d+)$', out, re.M)
    started = re.search(r'\(started at (\d+) us\)', out)	# Tessera's `time` only
    if not (tsc and started and khz):
        return wall, None
    us = int(tsc.group(1)) * 1000 // khz - int(started.group(1))
    return wall, us if us > 0 else None	# <= 0: the guest's TSC is offset


def ping_pong(side):
    """ns per event-channel round trip between two guests (the ping guest's clock)."""
    side.type('xl create -c /etc/xen/linux-pong.cfg')
    if side.con.expect(r'^pong: waiting for a client', 300) is None:
        sys.exit('%s: the pong guest did not start:\n%s' % (side.name, side.con.text[-3000:]))
    side.proc.stdin.write(b'\x1d')
    side.proc.stdin.flush()
    side.con.expect(re.escape(side.prompt), 20)
    domid = re.findall(r'^(\d+)$', side.command('xl domid pong', 60), re.M)
    out = side.command('xl create -c /etc/xen/linux-ping.cfg "extra=\'console=hvc0 quiet '
                       'marker=ping tessera.test=ping tessera.peer=%s tessera.rounds=%d\'"'
                       % (domid[-1] if domid else '?', PING_ROUNDS))
    side.command('xl destroy pong', 60)
    m = re.search(r'^EVTPING rounds=\d+ total_us=\d+ ns_per_round_trip=(\d+)$', out, re.M)
    if m is None:
        sys.exit('%s: no ping-pong result:\n%s' % (side.name, out[-3000:]))
    return int(m.group(1))


def measure(side, runs):
    """[(what, side, value, unit)] for every run of every case."""
    info = side.command('xl info', 60)
    mhz = field(info, 'cpu_mhz')
    khz = int(float(mhz) * 1000) if mhz else 0
    results = []
    for _ in range(runs):
        for what, line, marker in CREATE_CASES:
            wall, us = create_to_marker(side, line, marker, khz)
            if wall is None:
                continue
            results.append((what, side.name, wall, 'host s'))
            if us is not None:
                results.append((what, side.name, us, 'guest-TSC us'))
        results.append(('event-channel ping-pong', side.name, ping_pong(side),
                        'ns per round trip'))
    return results


def run_side(side, runs):
    try:
        return measure(side, runs)
    finally:
        side.stop()


def tessera(iso, runs, icount):
    return run_side(Side('Tessera', start_qemu(iso, QEMU_MEM, icount=icount), PROMPT,
                         r'Domain-0: xl shell on the serial console'), runs)


def xen(ref, files, runs, icount):
    with tempfile.TemporaryDirectory() as tmp:
        iso = os.path.join(tmp, 'xen-linux.iso')
        subprocess.run([sys.executable, os.path.join(HERE, 'xenref_iso.py'), iso, ref, files],
                       check=True)
        cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'EPYC,-monitor', '-smp', '2',
               '-m', str(QEMU_MEM), '-display', 'none', '-monitor', 'none', '-no-reboot',
               '-serial', 'stdio', '-cdrom', iso, '-boot', 'd']
        cmd += ['-icount', 'shift=0'] if icount else []
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        return run_side(Side('Xen 4.17', proc, 'dom0# ', r'DOM0_INIT_DONE'), runs)


def report(results):
    for key in dict.fromkeys((r[0], r[1], r[3]) for r in results):
        values = [r[2] for r in results if (r[0], r[1], r[3]) == key]
        fmt = '%.2f' if key[2] == 'host s' else '%d'
        print(('%-42s %-9s %-18s min ' + fmt + ' / median ' + fmt + ' / max ' + fmt
               + ' (%d runs)') % (key[0], key[1], key[2], min(values),
                                  statistics.median(values), max(values), len(values)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('iso')
    ap.add_argument('files', help="the appliance's files archive (linux-files.cpio)")
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--icount', action='store_true',
                    help='QEMU -icount shift=0 on both sides (the TSC counts instructions)')
    ap.add_argument('--xen-ref', default=os.environ.get('EXT') or os.path.expanduser('~/xen-ref'))
    ap.add_argument('--no-xen', action='store_true')
    args = ap.parse_args()
    results = tessera(args.iso, args.runs, args.icount)
    if args.no_xen:
        pass
    elif os.path.isfile(os.path.join(args.xen_ref, 'iso', 'boot', 'grub', 'grub.cfg')):
        results += xen(args.xen_ref, args.files, args.runs, args.icount)
    else:
        print('real Xen: no reference ISO tree in %s; build it with `bash /work/shared/'
              'xen-reference/00-host-setup.sh && bash /work/shared/xen-reference/10-build.sh` '
              '(see its README.md), then rerun' % args.xen_ref)
    report(results)


if __name__ == '__main__':
    main()
