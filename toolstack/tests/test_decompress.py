#!/usr/bin/env python3
"""The xz, gzip and zstd decoders against streams made by Debian's xz,
gzip and zstd tools at test time (TAP): several inputs and levels, BCJ x86,
every xz check type, multi-block xz, concatenated zstd frames; corrupted,
truncated and oversized streams must be refused.
usage: test_decompress.py DCTOOL"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

dctool = os.path.abspath(sys.argv[1])
d = tempfile.mkdtemp()
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def decode(data, cap=1 << 24):
    src, dst = os.path.join(d, "in"), os.path.join(d, "out")
    with open(src, "wb") as f:
        f.write(data)
    if os.path.exists(dst):
        os.unlink(dst)
    p = subprocess.run([dctool, src, dst, str(cap)], capture_output=True, text=True)
    out = open(dst, "rb").read() if p.returncode == 0 else None
    return p.returncode, out, p.stderr


def tool(args, data):
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


rng = random.Random(4)
text = open(__file__, "rb").read() * 40
inputs = {
    "empty": b"",
    "one byte": b"x",
    "zeros 1 MiB": bytes(1 << 20),
    "text": text,
    "random 200 KiB": bytes(rng.getrandbits(8) for _ in range(200 << 10)),
    "x86-like code": bytes((0xE8 if i % 7 == 0 else rng.getrandbits(8)) for i in range(300 << 10)),
    "mixed runs": b"".join(bytes([rng.getrandbits(8)]) * rng.randint(1, 300) for _ in range(3000)),
}
encoders = {
    "gzip -1": ["gzip", "-1", "-c"], "gzip -6": ["gzip", "-6", "-c"],
    "gzip -9": ["gzip", "-9", "-n", "-c"],
    "zstd -1": ["zstd", "-1", "-q", "-c"], "zstd -19": ["zstd", "-19", "-q", "-c"],
    "zstd --check": ["zstd", "-3", "--check", "-q", "-c"],
    "zstd --no-check": ["zstd", "-3", "--no-check", "-q", "-c"],
    "xz -0": ["xz", "-0", "-c"], "xz -6 crc64": ["xz", "-6", "--check=crc64", "-c"],
    "xz crc32 BCJ x86": ["xz", "--check=crc32", "--x86", "--lzma2=preset=6", "-c"],
    "xz no check": ["xz", "--check=none", "-c"],
    "xz multi-block": ["xz", "--block-size=65536", "-c"],
    "xz lc=4 lp=0 pb=0": ["xz", "--lzma2=lc=4,lp=0,pb=0", "-c"],
    "xz lc=0 lp=4 pb=4": ["xz", "--lzma2=lc=0,lp=4,pb=4", "-c"],
}
streams = {}
for iname, data in inputs.items():
    for ename, args in encoders.items():
        stream = tool(args, data)
        streams[(iname, ename)] = stream
        rc, out, err = decode(stream)
        check("%s: %s" % (ename, iname), rc == 0 and out == data, err.strip())

# Streams with something after them: in_used stops at the end of the stream.
rc, out, err = decode(streams[("text", "xz -0")] + b"\x12\x34\x56\x78")
check("xz followed by a size trailer", rc == 0 and out == inputs["text"], err)
two = tool(["zstd", "-q", "-c"], b"first ") + tool(["zstd", "-q", "-c"], b"second")
rc, out, err = decode(two)
check("two zstd frames", rc == 0 and out == b"first second", err)
skip = b"\x50\x2a\x4d\x18" + (5).to_bytes(4, "little") + b"hello" + tool(["zstd", "-q", "-c"], b"data")
rc, out, err = decode(skip)
check("zstd skippable frame", rc == 0 and out == b"data", err)

# Refusals
for ename in ("gzip -6", "zstd --check", "xz -6 crc64", "xz crc32 BCJ x86"):
    s = streams[("text", ename)]
    rc, out, err = decode(s[:len(s) // 2])
    check("%s truncated is refused" % ename, rc != 0 and "dctool:" in err)
    bad = bytearray(s)
    bad[len(bad) // 2] ^= 0x20
    rc, out, err = decode(bytes(bad))
    check("%s corrupted is refused" % ename, rc != 0 and "dctool:" in err, err)
    rc, out, err = decode(s, cap=1000)
    check("%s larger than the output buffer is refused" % ename, rc != 0 and "dctool:" in err)
bad = bytearray(streams[("text", "gzip -6")])
bad[-8] ^= 1
rc, out, err = decode(bytes(bad))
check("gzip CRC32 mismatch", rc != 0 and "CRC32 of the data does not match" in err, err)
bad = bytearray(streams[("text", "zstd --check")])
bad[-1] ^= 1
rc, out, err = decode(bytes(bad))
check("zstd XXH64 mismatch", rc != 0 and "content checksum mismatch" in err, err)
rc, out, err = decode(b"hello world, not compressed")
check("unknown format", rc != 0 and "unknown compression format" in err)
rc, out, err = decode(tool(["xz", "--check=sha256", "-c"], b"abc"))
check("xz SHA-256 check is reported unsupported", rc != 0 and "SHA-256" in err, err)
rc, out, err = decode(tool(["xz", "--delta", "--lzma2", "-c"], b"abc"))
check("xz delta filter is reported unsupported", rc != 0 and "unsupported filter 0x3" in err, err)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name,
                            "" if ok or not detail else " # %s" % detail))
shutil.rmtree(d, ignore_errors=True)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
