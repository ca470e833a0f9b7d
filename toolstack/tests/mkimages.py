#!/usr/bin/env python3
"""Writes the test kernel images into DIR: ELF32/ELF64 Xen guests, broken
ELFs, and bzImages wrapping an ELF in xz (with BCJ x86), gzip and zstd
payloads made by Debian's xz, gzip and zstd tools.
usage: mkimages.py DIR"""
import os
import struct
import subprocess
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

XEN_NOTES = {  # type: value (str for string notes, (size, int) for numbers)
    6: "tessera-test", 5: "xen-3.0", 8: "generic", 10: "!writable_page_tables",
    1: (8, 0xffffffff80100000), 3: (8, 0xffffffff80000000), 4: (8, 0),
    2: (8, 0xffffffff80102000), 17: (4, 0x8801), 18: (4, 0x100000),
    16: (4, 1),
}


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def xen_notes(notes):
    blob = b""
    for t, v in notes.items():
        if isinstance(v, str):
            blob += note("Xen", t, v.encode() + b"\0")
        else:
            size, num = v
            blob += note("Xen", t, num.to_bytes(size, "little"))
    return blob + note("GNU", 3, b"\x01\x02\x03\x04")   # a non-Xen note is skipped


def elf(cls64=True, machine=62, segments=None, notes=None, note_override=None):
    """segments: list of (paddr, vaddr, data, memsz)"""
    if segments is None:
        code = bytes(range(256)) * 16
        segments = [(0x100000, 0xffffffff80100000, code, 0x2000),
                    (0x103000, 0xffffffff80103000, b"DATA" * 64, 0x1000)]
    notes_blob = xen_notes(XEN_NOTES if notes is None else notes)
    ehsize, phsize = (64, 56) if cls64 else (52, 32)
    nph = len(segments) + 1
    off = ehsize + nph * phsize
    body = b""
    phdrs = []
    note_off = off
    body += notes_blob
    for paddr, vaddr, data, memsz in segments:
        o = off + len(body)
        body += data
        phdrs.append((1, o, vaddr, paddr, len(data), memsz))
    n_off, n_size = note_override or (note_off, len(notes_blob))
    phdrs.insert(0, (4, n_off, 0, 0, n_size, n_size))
    entry = 0x100000
    ident = b"\x7fELF" + bytes([2 if cls64 else 1, 1, 1]) + b"\0" * 9
    if cls64:
        hdr = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, entry, ehsize, 0, 0,
                                  ehsize, phsize, nph, 64, 0, 0)
        ph = b"".join(struct.pack("<IIQQQQQQ", t, 5, o, v & (2**64 - 1), p, fs, ms, 0x1000)
                      for t, o, v, p, fs, ms in phdrs)
    else:
        hdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, entry, ehsize, 0, 0,
                                  ehsize, phsize, nph, 40, 0, 0)
        ph = b"".join(struct.pack("<IIIIIIII", t, o, v & 0xffffffff, p, fs, ms, 5, 0x1000)
                      for t, o, v, p, fs, ms in phdrs)
    return hdr + ph + body


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def bzimage(payload, version=0x020F):
    setup_sects = 1
    hdr = bytearray(512 * (setup_sects + 1))
    hdr[0x1F1] = setup_sects
    struct.pack_into("<H", hdr, 0x1FE, 0xAA55)
    hdr[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", hdr, 0x206, version)
    struct.pack_into("<II", hdr, 0x248, 0x40, len(payload))
    return bytes(hdr) + b"\0" * 0x40 + payload


def tool(args, data):
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


good64 = elf()
write("elf64.elf", good64)
write("elf32.elf", elf(cls64=False, segments=[(0x100000, 0x100000, b"\x90" * 512, 0x1000)]))
write("elf32-i386.elf", elf(cls64=False, machine=3))
write("noxen.elf", elf(notes={}))
write("pv-only.elf", elf(notes={k: v for k, v in XEN_NOTES.items() if k != 18}))
write("pv-bad-virt.elf", elf(notes={**XEN_NOTES, 3: (8, 0xfffffffffffff800)}))
write("pvh-only.elf", elf(notes={6: "tessera-test", 18: (4, 0x100000)}))
write("truncated-headers.elf", good64[:100])
write("truncated-segment.elf", good64[:len(good64) - 100])
write("overlap.elf", elf(segments=[(0x100000, 0x100000, b"A" * 64, 0x2000),
                                   (0x101000, 0x101000, b"B" * 64, 0x1000)]))
write("filesz-gt-memsz.elf", elf(segments=[(0x100000, 0x100000, b"A" * 64, 0x10)]))
write("notes-oob.elf", elf(note_override=(len(good64) + 4096, 64)))
# A note whose descriptor size runs past the segment: patch the first note.
img = bytearray(elf())
first = img.index(b"Xen\0") - 12
struct.pack_into("<I", img, first + 4, 0x7fffffff)
write("note-desc-oob.elf", bytes(img))
write("note-bad-size.elf", elf(notes={6: "x", 18: (3, 0x100000)}))
write("not-elf.bin", b"MZ" + b"\0" * 200)

size = struct.pack("<I", len(good64))
write("bz-xz.bzimage", bzimage(tool(["xz", "--format=xz", "--check=crc32", "--x86",
                                     "--lzma2=dict=1MiB", "-c"], good64) + size))
write("bz-gzip.bzimage", bzimage(tool(["gzip", "-9", "-n", "-c"], good64)))
write("bz-zstd.bzimage", bzimage(tool(["zstd", "-19", "-q", "-c"], good64) + size))
write("bz-lz4ish.bzimage", bzimage(b"\x02\x21\x4c\x18" + b"\0" * 64 + size))
write("bz-old.bzimage", bzimage(tool(["gzip", "-c"], good64), version=0x0206))
trunc = bzimage(tool(["gzip", "-9", "-n", "-c"], good64))
write("bz-truncated.bzimage", trunc[:len(trunc) - 40])
xz_payload = tool(["xz", "--check=crc32", "-c"], good64)
corrupt = bytearray(bzimage(xz_payload + size))
corrupt[len(corrupt) - len(xz_payload) // 2] ^= 0x55     # inside the LZMA2 data
write("bz-corrupt.bzimage", bytes(corrupt))
write("bz-bad-trailer.bzimage", bzimage(tool(["xz", "--check=crc32", "-c"], good64)
                                        + struct.pack("<I", len(good64) + 1)))
