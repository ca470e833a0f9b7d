#!/usr/bin/env python3
"""Builds the Linux test guest's initramfs: a gzip-compressed newc cpio.

usage: mkinitramfs.py OUT.cpio.gz ARCHIVE_PATH=FILE...

Each FILE goes to ARCHIVE_PATH (mode 0755 if FILE is executable, else
0644), with the directories leading to it. A dynamically linked program
brings its shared libraries (ldd's closure, the loader included) at the
paths ldd names. The archive also holds /proc, /sys, /dev, /dev/console and
/tmp. Entries are sorted and dated 0, so the output depends only on the
inputs.
"""
import gzip
import os
import re
import stat
import subprocess
import sys


def shared_libraries(program):
    """Absolute paths of the libraries ldd resolves for program ([] if static)."""
    out = subprocess.run(['ldd', program], capture_output=True, text=True)
    if out.returncode != 0:		# "not a dynamic executable"
        return []
    libs = []
    for line in out.stdout.splitlines():
        if 'not found' in line:
            sys.exit('mkinitramfs: %s: %s' % (program, line.strip()))
        m = re.search(r'(?:=>\s*)?(/\S+)\s+\(0x', line)
        if m:
            libs.append(m.group(1))
    return libs


class Newc:
    """A newc (SVR4, no CRC) cpio archive written to a byte list."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def entry(self, name, mode, body=b'', rdev=(0, 0)):
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(body),
                  0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        self.data += b'070701' + b''.join(b'%08x' % f for f in fields)
        self.data += name.encode() + b'\0'
        self._pad()
        self.data += body
        self._pad()

    def _pad(self):
        self.data += b'\0' * (-len(self.data) % 4)

    def trailer(self):
        self.entry('TRAILER!!!', 0)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    files = {}
    for pair in argv[2:]:
        path, _, src = pair.partition('=')
        if not src or not os.path.isfile(src):
            sys.exit('mkinitramfs: %s: no such file' % pair)
        files[path.strip('/')] = src
        if os.access(src, os.X_OK):
            for lib in shared_libraries(src):
                files.setdefault(lib.strip('/'), os.path.realpath(lib))
    dirs = {'proc', 'sys', 'dev', 'tmp'}
    for path in files:
        parent = os.path.dirname(path)
        while parent:
            dirs.add(parent)
            parent = os.path.dirname(parent)
    archive = Newc()
    for name in sorted(dirs | set(files) | {'dev/console'}):
        if name in dirs:
            archive.entry(name, stat.S_IFDIR | 0o755)
        elif name == 'dev/console':
            archive.entry(name, stat.S_IFCHR | 0o600, rdev=(5, 1))
        else:
            with open(files[name], 'rb') as f:
                body = f.read()
            mode = 0o755 if os.access(files[name], os.X_OK) else 0o644
            archive.entry(name, stat.S_IFREG | mode, body)
    archive.trailer()
    with open(argv[1], 'wb') as out:
        out.write(gzip.compress(bytes(archive.data), compresslevel=9, mtime=0))


if __name__ == '__main__':
    main(sys.argv)
