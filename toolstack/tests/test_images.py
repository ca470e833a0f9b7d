#!/usr/bin/env python3
"""Domain builder on generated images (TAP): ELF32/ELF64 Xen guests, broken
ELFs that must be refused, bzImages with xz, gzip and zstd payloads, and the
PVH and PV start-of-day layouts.
usage: test_images.py KINFO MKIMAGES"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

kinfo, mkimages = os.path.abspath(sys.argv[1]), sys.argv[2]
d = tempfile.mkdtemp()
subprocess.run([sys.executable, mkimages, d], check=True)
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def run(*args):
    p = subprocess.run([kinfo, *args], capture_output=True, text=True)
    kv = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        kv[k] = v
    return p.returncode, kv


def img(name):
    return os.path.join(d, name)


# ELF64 with every kind of note
rc, kv = run("-t", "pvh", "-m", "64", img("elf64.elf"))
check("ELF64 loads", rc == 0 and kv.get("elf.class") == "64", kv.get("error", ""))
expect_notes = {"GUEST_OS": "tessera-test", "XEN_VERSION": "xen-3.0", "LOADER": "generic",
                "FEATURES": "!writable_page_tables", "ENTRY": "0xffffffff80100000",
                "VIRT_BASE": "0xffffffff80000000", "PADDR_OFFSET": "0x0",
                "HYPERCALL_PAGE": "0xffffffff80102000", "SUPPORTED_FEATURES": "0x8801",
                "PHYS32_ENTRY": "0x100000", "MOD_START_PFN": "0x1"}
for k, v in expect_notes.items():
    check("ELF64 note %s" % k, kv.get("note." + k) == v, kv.get("note." + k, "missing"))
check("only Xen notes are read", sum(1 for k in kv if k.startswith("note.")) == len(expect_notes))
check("two segments", kv.get("elf.segments") == "2")
check("PVH segment 0 with its bss", kv.get("plan.0") == "gpa:0x100000 len:0x1000 zero:0x1000 kernel segment")
check("PVH segment 1", kv.get("plan.1") == "gpa:0x103000 len:0x100 zero:0xf00 kernel segment")


def placement(kv, what):
    """The gpa of the placement named WHAT, or None."""
    for k, v in kv.items():
        if k.startswith("plan.") and v.endswith(" " + what):
            return int(v.split()[0][4:], 16)
    return None


MIB = 1 << 20
check("special pages: the last two pages of RAM",
      placement(kv, "xenstore ring") == 64 * MIB - 0x2000 and
      placement(kv, "console ring") == 64 * MIB - 0x1000)
check("hvm_start_info after the kernel", placement(kv, "hvm_start_info") == 0x104000
      and kv.get("plan.rbx") == "0x104000")
check("PVH entry point", kv.get("plan.rip") == "0x100000")
si = bytes.fromhex(kv.get("start_info.hex", ""))
check("hvm_start_info is 56 bytes + four e820 entries", len(si) == 56 + 4 * 24)
if len(si) >= 56 + 4 * 24:
    f = struct.unpack_from("<IIIIQQQQI", si)
    check("magic, version 1, no modules, no cmdline, no rsdp",
          f[:7] == (0x336EC578, 1, 0, 0, 0, 0, 0))
    check("memmap right after the struct", f[7] == 0x104000 + 56 and f[8] == 4)
    check("e820: RAM, the ISA hole reserved, RAM, the special pages reserved",
          [struct.unpack_from("<QQI", si, 56 + 24 * i) for i in range(4)] ==
          [(0, 0xA0000, 1), (0xA0000, 0x60000, 2), (0x100000, 63 * MIB - 0x2000, 1),
           (64 * MIB - 0x2000, 0x2000, 2)])

# PVH with an initrd, a command line and memory above the MMIO hole
initrd = img("elf32.elf")
ilen = os.path.getsize(initrd)
rc, kv = run("-t", "pvh", "-m", "5120", "-r", initrd, "-c", "console=hvc0", img("elf64.elf"))
si = bytes.fromhex(kv.get("start_info.hex", ""))
check("PVH with initrd and 5 GiB", rc == 0 and len(si) > 56, kv.get("error", ""))
if len(si) > 56:
    f = struct.unpack_from("<IIIIQQQQI", si)
    base = int(kv["plan.rbx"], 16)
    store = 0xF0000000 - 0x2000
    initrd_at = store - ((ilen + 0xfff) & ~0xfff)
    check("special pages at the end of RAM below the MMIO hole",
          placement(kv, "xenstore ring") == store)
    check("initrd placed high, page-aligned, right below the special pages",
          placement(kv, "initrd") == initrd_at)
    check("start info after the kernel", base == 0x104000)
    check("one module without a command line", f[3] == 1 and
          struct.unpack_from("<QQQQ", si, f[4] - base) == (initrd_at, ilen, 0, 0))
    end = si.index(b"\0", f[5] - base)
    check("command line", si[f[5] - base:end] == b"console=hvc0")
    check("five e820 entries: RAM below the MMIO hole, RAM above 4 GiB", f[8] == 5 and
          struct.unpack_from("<QQI", si, f[7] - base + 48) == (0x100000, store - 0x100000, 1) and
          struct.unpack_from("<QQI", si, f[7] - base + 72) == (store, 0x2000, 2) and
          struct.unpack_from("<QQI", si, f[7] - base + 96) ==
          (1 << 32, (5120 << 20) - 0xF0000000, 1))

# PV layout and start_info
pt_file = os.path.join(d, "pt")
rc, kv = run("-P", pt_file, "-t", "pv", "-m", "64", "-r", initrd, "-c", "root=/dev/xvda1",
             img("elf64.elf"))
check("PV plan", rc == 0, kv.get("error", ""))
whats = [v.split(" ", 3)[3] for k, v in sorted(kv.items()) if k.startswith("plan.") and k[5:].isdigit()]
check("PV layout order", whats == ["kernel segment", "kernel segment", "initrd",
                                   "p2m list (backend fills)", "start_info", "xenstore ring",
                                   "console ring", "page tables", "boot stack"], whats)
check("PV entry = XEN_ELFNOTE_ENTRY", kv.get("plan.rip") == "0xffffffff80100000")
si = bytes.fromhex(kv.get("start_info.hex", ""))
if len(si) >= 1168:
    check("start_info magic", si[:32].rstrip(b"\0") == b"xen-3.0-x86_64")
    nr_pages, = struct.unpack_from("<Q", si, 32)
    check("nr_pages", nr_pages == 64 * 256)
    flags, = struct.unpack_from("<I", si, 48)
    pt_base, nr_pt, mfn_list, mod_start, mod_len = struct.unpack_from("<QQQQQ", si, 88)
    check("SIF_MOD_START_PFN and initrd pfn (MOD_START_PFN note)", flags == 8 and mod_start == 0x104)
    check("mod_len", mod_len == os.path.getsize(initrd))
    check("mfn_list is the p2m's virtual address", mfn_list == 0xffffffff80000000 + 0x105000)
    check("cmd_line at offset 128", si[128:128 + 16] == b"root=/dev/xvda1\0")
    si_virt = int(kv["plan.rsi"], 16)
    check("%rsi = start_info's virtual address", si_virt == 0xffffffff80000000 + 0x105000 + 0x20000)
    check("page tables after the rings", pt_base == si_virt + 3 * 4096 and nr_pt == 4)
    check("stack top after the page tables", int(kv["plan.rsp"], 16) == pt_base + (nr_pt + 1) * 4096)
    # Walk the initial page tables as the CPU would.
    pt = open(pt_file, "rb").read() if os.path.exists(pt_file) else b""
    pt_pfn = (pt_base - 0xffffffff80000000) >> 12

    def walk(va):
        frame = pt_pfn
        for shift in (39, 30, 21, 12):
            off = (frame - pt_pfn) * 4096 + ((va >> shift) & 511) * 8
            if not 0 <= off < len(pt):
                return None
            e, = struct.unpack_from("<Q", pt, off)
            if not e & 1:
                return None
            frame = e >> 12
        return frame, e & 0xfff

    check("page tables dumped", len(pt) == nr_pt * 4096)
    check("ENTRY maps to the kernel's frame", walk(0xffffffff80100000) == (0x100, 0x67))
    check("start_info mapped read-write", walk(si_virt) == ((si_virt - 0xffffffff80000000) >> 12, 0x67))
    check("the page tables are mapped read-only", all(
        walk(pt_base + i * 4096) == (pt_pfn + i, 0x65) for i in range(nr_pt)))
    top = int(kv["plan.rsp"], 16)
    check("the stack and 512 KiB beyond are mapped", walk(top - 8) is not None and
          walk(top + (512 << 10) - 4096) is not None)
    check("nothing is mapped below VIRT_BASE", walk(0xffffffff80000000 - 4096) is None)
else:
    check("start_info present", False)

# ELF32 with machine x86-64
rc, kv = run("-t", "pvh", img("elf32.elf"))
check("ELF32 x86-64 loads for PVH", rc == 0 and kv.get("elf.class") == "32" and
      kv.get("plan.rip") == "0x100000", kv.get("error", ""))
rc, kv = run("-t", "pv", img("elf32.elf"))
check("ELF32 refused for PV", rc != 0 and kv.get("error") == "32-bit PV guests are not supported")
rc, kv = run("-t", "pv", img("pvh-only.elf"))
check("PVH-only kernel refused for PV", rc != 0 and "no PV entry point" in kv.get("error", ""))
rc, kv = run("-t", "pv", img("pv-bad-virt.elf"))
check("PV kernel with a VIRT_BASE at the top of memory refused", rc != 0 and kv.get("error") ==
      "VIRT_BASE is not page-aligned or leaves no room to map the guest's memory", kv.get("error"))
rc, kv = run("-t", "pvh", img("pv-only.elf"))
check("PV-only kernel refused for PVH", kv.get("error") ==
      'the kernel has no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY): boot it with type="pv"')
rc, kv = run("-t", "pvh", "-m", "1", img("elf64.elf"))
check("kernel larger than guest memory", rc != 0 and
      kv.get("error") == "kernel segment at 0x100000 does not fit in 1 MiB of guest memory")

refused = {
    "noxen.elf": "Not a Xen-ELF image: No ELF notes or '__xen_guest' section found",
    "elf32-i386.elf": "ELF image is not for x86-64",
    "truncated-headers.elf": "ELF program headers out of bounds (truncated image?)",
    "truncated-segment.elf": "ELF segment out of bounds (truncated image?)",
    "overlap.elf": "ELF segments overlap",
    "filesz-gt-memsz.elf": "ELF segment sizes are inconsistent",
    "notes-oob.elf": "ELF notes out of bounds (truncated image?)",
    "note-desc-oob.elf": "ELF note out of bounds",
    "note-bad-size.elf": "Xen ELF note PHYS32_ENTRY has a bad size 3",
    "not-elf.bin": "not an ELF image",
    "bz-lz4ish.bzimage": "bzImage payload compression not supported (xz, gzip and zstd are)",
    "bz-old.bzimage": "bzImage boot protocol 2.06 is older than 2.08 (no payload fields)",
    "bz-truncated.bzimage": "bzImage payload out of bounds (truncated image?)",
    "bz-corrupt.bzimage": "bzImage xz payload: lzma: corrupt data",
    "bz-bad-trailer.bzimage": "bzImage xz payload: size 4880 differs from the trailer's 4881",
}
for name, err in refused.items():
    rc, kv = run(img(name))
    check("%s refused: %s" % (name, err), rc != 0 and kv.get("error", "").startswith(err),
          kv.get("error", "accepted"))

original = open(img("elf64.elf"), "rb").read()
for fmt in ("xz", "gzip", "zstd"):
    out = os.path.join(d, "out-" + fmt)
    rc, kv = run("-o", out, "-t", "pvh", img("bz-%s.bzimage" % fmt))
    check("bzImage with %s payload" % fmt, rc == 0 and kv.get("bzimage.format") == fmt and
          kv.get("bzimage.uncompressed_size") == str(len(original)), kv.get("error", ""))
    check("bzImage %s payload decompresses to the ELF" % fmt,
          os.path.exists(out) and open(out, "rb").read() == original)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name,
                            "" if ok or not detail else " # %s" % (detail,)))
shutil.rmtree(d, ignore_errors=True)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
