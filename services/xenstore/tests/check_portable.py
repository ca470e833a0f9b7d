#!/usr/bin/env python3
"""The xenstored library must run in a stub domain on Newlib: its objects
may only call ISO C library functions (and each other). Lists what the
library (argv[2]) leaves undefined, with nm (argv[1]), and fails on
anything else: sockets, poll, threads, files."""
import subprocess
import sys

ISO_C = {
    # <stdlib.h>
    "malloc", "calloc", "realloc", "free",
    # <string.h>; compilers emit bcmp for memcmp() == 0 (Newlib has it)
    "memchr", "memcmp", "memcpy", "memmove", "memset", "bcmp",
    "strcat", "strcmp", "strcpy", "strcspn", "strlen", "strncmp", "strncpy",
    # <stdio.h> formatting into buffers only
    "snprintf", "vsnprintf",
}


def main():
    nm, lib = sys.argv[1], sys.argv[2]
    out = subprocess.run([nm, "-u", "--format=posix", lib], check=True,
                         capture_output=True, text=True).stdout
    used = {line.split()[0] for line in out.splitlines()
            if line.strip() and not line.endswith(":")}
    foreign = sorted(s for s in used if s not in ISO_C and not s.startswith("xs_"))
    print("1..1")
    if foreign:
        print("not ok 1 - library calls beyond ISO C: " + " ".join(foreign))
        return 1
    print(f"ok 1 - library calls only ISO C ({' '.join(sorted(used & ISO_C))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
