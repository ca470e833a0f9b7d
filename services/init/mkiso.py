#!/usr/bin/env python3
"""Builds a BIOS-bootable GRUB2 ISO: the kernel plus boot modules.

usage: mkiso.py OUT.iso KERNEL.elf KERNEL_CMDLINE [MODULE CMDLINE]...

Each module becomes one `module2` line; its cmdline is what the kernel
passes on as the module's command line (the first module is the root task).
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) < 4 or (len(argv) - 4) % 2:
        sys.exit(__doc__)
    out, kernel, cmdline = argv[1], argv[2], argv[3]
    modules = list(zip(argv[4::2], argv[5::2]))
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as tree:
        boot = os.path.join(tree, 'boot')
        os.makedirs(os.path.join(boot, 'grub'))
        shutil.copy(kernel, os.path.join(boot, 'tessera.elf'))
        lines = ['set timeout=0',
                 'serial --unit=0 --speed=115200',
                 'terminal_input serial',
                 'terminal_output serial',
                 'menuentry "Tessera" {',
                 '  multiboot2 /boot/tessera.elf ' + cmdline]
        for i, (path, args) in enumerate(modules):
            name = 'mod%d-%s' % (i, os.path.basename(path))
            shutil.copy(path, os.path.join(boot, name))
            lines.append(('  module2 /boot/%s %s' % (name, args)).rstrip())
        lines += ['  boot', '}', '']
        with open(os.path.join(boot, 'grub', 'grub.cfg'), 'w') as f:
            f.write('\n'.join(lines))
        result = subprocess.run(['grub-mkrescue', '-o', out, tree],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            sys.stderr.write(result.stdout.decode(errors='replace'))
            sys.exit('grub-mkrescue failed')


if __name__ == '__main__':
    main(sys.argv)
