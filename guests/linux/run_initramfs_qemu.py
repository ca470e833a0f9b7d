#!/usr/bin/env python3
"""Boots Debian's vmlinux with the test guest's initramfs straight on QEMU
(no hypervisor: QEMU enters the kernel's PVH entry point) and checks what
the guest's /init does there. TAP output.

usage: run_initramfs_qemu.py VMLINUX INITRAMFS.gz

1. tessera.test=smp on 2 CPUs: the kernel's boot log, cpus=0-1, the
   marker, xenstore-read failing with a clear line (no Xen), poweroff.
2. tessera.test=fuzz: xen-privcmd.ko refuses to load off Xen and hcfuzz
   says why it cannot run; the guest still powers off.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '../../services/init/tests'))
from run_xl_session import Tap  # noqa: E402


def boot(vmlinux, initramfs, cmdline, cpus):
    """Runs QEMU to its exit; returns (exit status, serial output, seconds)."""
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'max', '-smp', str(cpus),
           '-m', '512', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
           '-no-reboot', '-kernel', vmlinux, '-initrd', initramfs,
           '-append', 'console=ttyS0 panic=-1 ' + cmdline]
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=50)
        status, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        status, out = 'timeout', (e.stdout or b'')
    return status, out.decode(errors='replace').replace('\r', ''), time.monotonic() - start


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vmlinux, initramfs = sys.argv[1], sys.argv[2]
    t = Tap()

    status, out, secs = boot(vmlinux, initramfs, 'tessera.test=smp', 2)
    print('# smp boot: %.1f s' % secs)
    t.ok('Linux version 6.' in out and 'Run /init as init process' in out,
         'the kernel boots from its PVH entry and runs /init', out[-3000:])
    t.ok('\ncpus=0-1\n' in out, 'tessera.test=smp: both CPUs online (cpus=0-1)', out[-2000:])
    t.ok('\nGUEST_MARKER_linux_UP\n' in out and 'marker tsc=' in out,
         'the marker line, with the TSC next to it', out[-2000:])
    t.ok('XENSTORE read failed: xenstore-read: ' in out,
         'off Xen, xenstore-read fails with a clear line (the library closure loads)',
         out[-2000:])
    t.ok(status == 0 and 'reboot: Power down' in out, 'poweroff -f ends QEMU', out[-2000:])

    status, out, secs = boot(vmlinux, initramfs, 'quiet tessera.test=fuzz tessera.iters=100', 1)
    print('# fuzz boot: %.1f s' % secs)
    t.ok('hcfuzz: /dev/xen/privcmd: No such file or directory' in out
         and 'fuzz: hcfuzz exited with status 1' in out,
         'tessera.test=fuzz off Xen: no privcmd, hcfuzz says so', out[-2000:])
    t.ok(status == 0 and 'reboot: Power down' in out, 'the fuzz guest powers off', out[-2000:])

    print('1..%d' % t.n)
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
