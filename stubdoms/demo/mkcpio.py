#!/usr/bin/env python3
"""Builds a newc cpio archive from ARCHIVE_PATH=FILE pairs.

usage: mkcpio.py OUT.cpio PATH=FILE...

Directories leading to each path are added, so that the archive lists
/etc, /etc/xen, ... like a file system.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out = os.path.abspath(argv[1])
    with tempfile.TemporaryDirectory(dir=os.path.dirname(out)) as tree:
        for pair in argv[2:]:
            path, _, src = pair.partition('=')
            dest = os.path.join(tree, path.lstrip('/'))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(src, dest)
        names = []
        for root, dirs, files in os.walk(tree):
            for n in dirs + files:
                names.append(os.path.relpath(os.path.join(root, n), tree))
        listing = ''.join('./%s\n' % n for n in sorted(names))
        with open(out, 'wb') as f:
            subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], input=listing.encode(),
                           stdout=f, cwd=tree, check=True)


if __name__ == '__main__':
    main(sys.argv)
