#!/usr/bin/env python3
"""Benchmark: load Debian's bzImage (xz + BCJ decompression, ELF and notes)
and build its PVH plan, 3 times; prints min/median/max wall-clock seconds.
usage: bench_kernel.py KINFO FETCH_SCRIPT"""
import os
import subprocess
import sys
import time

kinfo, fetch = os.path.abspath(sys.argv[1]), sys.argv[2]
kernel = subprocess.run(["sh", fetch], capture_output=True, text=True,
                        check=True).stdout.strip()
times = []
for _ in range(3):
    t = time.monotonic()
    subprocess.run([kinfo, "-t", "pvh", "-m", "512", kernel], check=True,
                   stdout=subprocess.DEVNULL)
    times.append(time.monotonic() - t)
times.sort()
size = os.path.getsize(kernel)
print("debian bzImage %s (%d bytes): load + PVH plan min/median/max %.3f/%.3f/%.3f s"
      % (os.path.basename(kernel), size, times[0], times[1], times[2]))
