#!/usr/bin/env python3
"""Checks the domain builder on Debian's own linux-image-amd64 kernel (TAP).

Every expected value comes from an independent source: the bzImage header
parsed here in Python, the payload decompressed by `xz -dc`, the Xen notes
listed by binutils' `readelf -n`. Skips when the kernel cannot be fetched.
usage: test_debian_kernel.py KINFO FETCH_SCRIPT"""
import os
import shutil
import re
import struct
import subprocess
import sys
import tempfile

kinfo, fetch = os.path.abspath(sys.argv[1]), sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def run_kinfo(*args):
    p = subprocess.run([kinfo, *args], capture_output=True, text=True)
    kv = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        kv[k] = v
    return p.returncode, kv, p.stderr


try:
    kernel = subprocess.run(["sh", fetch], capture_output=True, text=True,
                            check=True, timeout=280).stdout.strip()
except (subprocess.SubprocessError, OSError) as e:
    print("1..0 # SKIP cannot fetch Debian's kernel: %s" % e)
    sys.exit(0)

data = open(kernel, "rb").read()
tmp = tempfile.mkdtemp()
elf_out = os.path.join(tmp, "vmlinux")

# 1. bzImage header, parsed independently
setup_sects = data[0x1F1] or 4
version, = struct.unpack_from("<H", data, 0x206)
payload_off, payload_len = struct.unpack_from("<II", data, 0x248)
abs_off = (setup_sects + 1) * 512 + payload_off
trailer, = struct.unpack_from("<I", data, abs_off + payload_len - 4)
rc, kv, err = run_kinfo("-o", elf_out, "-t", "pvh", "-m", "512",
                        "-r", kernel, "-c", "console=hvc0 quiet", kernel)
check("kinfo loads the bzImage and plans a PVH boot", rc == 0, err + kv.get("error", ""))
check("boot protocol version", int(kv.get("bzimage.version", "0"), 16) == version)
check("setup_sects", int(kv.get("bzimage.setup_sects", "-1")) == setup_sects)
check("payload offset", int(kv.get("bzimage.payload_offset", "0"), 16) == abs_off)
check("payload length", int(kv.get("bzimage.payload_length", "0")) == payload_len)
check("payload is xz (Debian builds with KERNEL_XZ)",
      kv.get("bzimage.format") == "xz" and data[abs_off:abs_off + 6] == b"\xfd7zXZ\x00")
check("size trailer", int(kv.get("bzimage.uncompressed_size", "0")) == trailer)

# 2. our xz decoder (with BCJ x86) against xz itself
ref = subprocess.run(["xz", "-dc"], input=data[abs_off:abs_off + payload_len],
                     capture_output=True).stdout   # xz exits 1 on the trailer
mine = open(elf_out, "rb").read() if os.path.exists(elf_out) else b""
check("decompressed ELF size equals the trailer", len(mine) == trailer)
check("decompressed ELF equals `xz -dc` output", mine == ref and len(ref) > 0)
check("payload is an ELF64", mine[:5] == b"\x7fELF\x02")
e_entry, = struct.unpack_from("<Q", mine, 24) if len(mine) > 32 else (None,)
check("ELF entry", int(kv.get("elf.entry", "0"), 16) == e_entry)

# 3. Xen notes against readelf -n
named = {"NT_VERSION (version)": 1, "NT_ARCH (architecture)": 2, "GO BUILDID": 4}
string_notes = {0, 5, 6, 7, 8, 9, 10, 11}
names = ["INFO", "ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET",
         "XEN_VERSION", "GUEST_OS", "GUEST_VERSION", "LOADER", "PAE_MODE",
         "FEATURES", "BSD_SYMTAB", "HV_START_LOW", "L1_MFN_VALID",
         "SUSPEND_CANCEL", "INIT_P2M", "MOD_START_PFN", "SUPPORTED_FEATURES",
         "PHYS32_ENTRY"]
out = subprocess.run(["readelf", "-n", elf_out], capture_output=True, text=True).stdout
expect = {}
lines = out.splitlines()
for i, line in enumerate(lines):
    m = re.match(r"\s+Xen\s+0x[0-9a-f]+\s+(.*)$", line)
    if not m:
        continue
    desc = m.group(1).strip()
    t = named.get(desc)
    m2 = re.search(r"\(0x([0-9a-f]+)\)", desc)
    if t is None and m2:
        t = int(m2.group(1), 16)
    d = re.search(r"description data: (.*)", lines[i + 1]) if i + 1 < len(lines) else None
    if t is None or t >= len(names) or d is None:
        continue
    raw = bytes(int(x, 16) for x in d.group(1).split())
    if t in string_notes:
        expect[names[t]] = raw.split(b"\0")[0].decode()
    elif t == 13:
        expect[names[t]] = "0x%x" % int.from_bytes(raw[:8], "little")
    else:
        expect[names[t]] = "0x%x" % int.from_bytes(raw, "little")
check("readelf lists Xen notes", len(expect) >= 10, "%d notes" % len(expect))
for name, value in sorted(expect.items()):
    check("note %s = %s" % (name, value), kv.get("note." + name) == value,
          "kinfo says %r" % kv.get("note." + name))
check("no note beyond readelf's",
      all(k[5:] in expect for k in kv if k.startswith("note.")))
check("GUEST_OS is linux", kv.get("note.GUEST_OS") == "linux")

# 4. the PVH plan
check("PVH entry = PHYS32_ENTRY", kv.get("plan.rip") == expect.get("PHYS32_ENTRY"))
check("cr0 = PE|ET", kv.get("plan.cr0") == "0x11")
si = bytes.fromhex(kv.get("start_info.hex", ""))
rbx = int(kv.get("plan.rbx", "0"), 16)
if len(si) >= 56:
    magic, ver, flags, nmod, modlist, cmdline, rsdp, memmap, nmap = \
        struct.unpack_from("<IIIIQQQQI", si, 0)
    check("hvm_start_info magic 0x336ec578", magic == 0x336EC578)
    check("hvm_start_info version 1", ver == 1)
    check("one module (the initrd)", nmod == 1)
    mpaddr, msize = struct.unpack_from("<QQ", si, modlist - rbx)
    check("module size = initrd size", msize == len(data))
    check("module lies above the kernel", mpaddr >= int(kv["elf.pend"], 16))
    end = si.index(b"\0", cmdline - rbx)
    check("command line", si[cmdline - rbx:end] == b"console=hvc0 quiet")
    check("no RSDP without ACPI tables", rsdp == 0)
    e820 = [struct.unpack_from("<QQI", si, memmap - rbx + 24 * i) for i in range(nmap)]
    check("e820: RAM, the ISA hole, RAM up to the two special pages at the end of 512 MiB",
          e820 == [(0, 0xA0000, 1), (0xA0000, 0x60000, 2),
                   (0x100000, (512 << 20) - 0x100000 - 0x2000, 1),
                   ((512 << 20) - 0x2000, 0x2000, 2)])
    check("the initrd ends below the special pages",
          mpaddr + msize <= (512 << 20) - 0x2000 and mpaddr % 4096 == 0)
else:
    check("hvm_start_info present", False)
segs = [v for k, v in kv.items() if re.match(r"plan\.\d+$", k) and v.endswith("kernel segment")]
phdrs = [l for l in subprocess.run(["readelf", "-lW", elf_out], capture_output=True,
                                   text=True).stdout.splitlines() if l.strip().startswith("LOAD")]
check("one placement per PT_LOAD", len(segs) == len(phdrs) > 0)
for s, ph in zip(segs, phdrs):
    f = ph.split()
    check("segment at %s" % f[3], ("gpa:0x%x " % int(f[3], 16)) in s, s)

# 5. the PV plan from the same ELF (Debian's kernel is also a PV kernel)
pt_file = os.path.join(tmp, "pt")
rc, pv, err = run_kinfo("-P", pt_file, "-t", "pv", "-m", "512", "-r", kernel,
                        "-c", "console=hvc0", elf_out)
check("PV plan", rc == 0, pv.get("error", ""))
check("PV entry = XEN_ELFNOTE_ENTRY", pv.get("plan.rip") == expect.get("ENTRY"))
psi = bytes.fromhex(pv.get("start_info.hex", ""))
if len(psi) >= 1168:
    check("start_info magic xen-3.0-x86_64", psi[:32].rstrip(b"\0") == b"xen-3.0-x86_64")
    flags, = struct.unpack_from("<I", psi, 48)
    mod_start, mod_len = struct.unpack_from("<QQ", psi, 112)
    mod_pfn = expect.get("MOD_START_PFN") == "0x1"
    check("initrd given as a PFN when MOD_START_PFN says so",
          (flags & 8 != 0) == mod_pfn and mod_len == len(data))
    virt = int(expect.get("VIRT_BASE", "0"), 16)
    check("start_info virtual address in %rsi is above VIRT_BASE",
          int(pv.get("plan.rsi", "0"), 16) > virt)
    pt_base, = struct.unpack_from("<Q", psi, 88)
    pt = open(pt_file, "rb").read() if os.path.exists(pt_file) else b""
    frame = pt_pfn = (pt_base - virt) >> 12
    entry = int(expect.get("ENTRY", "0"), 16)
    for shift in (39, 30, 21, 12):
        off = (frame - pt_pfn) * 4096 + ((entry >> shift) & 511) * 8
        e = struct.unpack_from("<Q", pt, off)[0] if 0 <= off < len(pt) else 0
        frame = e >> 12 if e & 1 else -1
    check("the initial page tables map ENTRY to its frame",
          frame == (entry - virt - int(expect.get("PADDR_OFFSET", "0"), 16)) >> 12,
          "frame %x" % frame)
else:
    check("PV start_info present", False)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name,
                            "" if ok or not detail else " # " + detail))
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
