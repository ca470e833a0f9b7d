#!/usr/bin/env python3
"""Builds a copy of the real-Xen reference ISO whose dom0 also holds the
Tessera Linux appliance's files (/boot/vmlinux, /boot/initramfs.gz,
/etc/xen/linux*.cfg), so that the same guests run under real Xen 4.17.

usage: xenref_iso.py OUT.iso XEN_REF_DIR FILES.cpio

XEN_REF_DIR is where /work/shared/xen-reference/10-build.sh left its ISO
tree (iso/boot/{xen.gz,vmlinuz,dom0-initrd.gz}, iso/boot/grub/grub.cfg).
The files archive is appended to dom0's initramfs inside its one gzip
stream (Linux unpacks concatenated cpio archives one after the other; Xen
hands a PV dom0 only the first member of a multi-member gzip file).
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    out, ref, files = argv[1], argv[2], argv[3]
    src = os.path.join(ref, 'iso')
    if not os.path.isfile(os.path.join(src, 'boot', 'grub', 'grub.cfg')):
        sys.exit('xenref_iso: no ISO tree in %s (run /work/shared/xen-reference/10-build.sh)'
                 % ref)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as tmp:
        tree = os.path.join(tmp, 'iso')
        shutil.copytree(src, tree)
        initrd = os.path.join(tree, 'boot', 'dom0-initrd.gz')
        with gzip.open(initrd, 'rb') as f:
            archives = f.read()
        with open(files, 'rb') as f:
            archives += b'\0' * (-len(archives) % 4) + f.read()
        with open(initrd, 'wb') as f:
            f.write(gzip.compress(archives, compresslevel=1, mtime=0))
        result = subprocess.run(['grub-mkrescue', '-o', out, tree],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            sys.stderr.write(result.stdout.decode(errors='replace'))
            sys.exit('xenref_iso: grub-mkrescue failed')


if __name__ == '__main__':
    main(sys.argv)
