#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus (see fuzz_xenstore.c for the format)."""
import os
import struct
import sys

TYPES = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4,
             UNWATCH=5, TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8,
             RELEASE=9, GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13,
             SET_PERMS=14, IS_DOMAIN_INTRODUCED=17, RESUME=18, SET_TARGET=19,
             RESET_WATCHES=21, DIRECTORY_PART=22, GET_FEATURE=23,
             SET_FEATURE=24, GET_QUOTA=25, SET_QUOTA=26)


def msg(conn, type_, *args, tx=0, value=None, block=False):
    body = b"".join(a.encode() + b"\0" for a in args)
    if value is not None:
        body += value
    head = bytes([conn | (0x10 if block else 0), TYPES[type_], 1, tx])
    return head + struct.pack("<H", len(body)) + body


RING = 0x20      # record goes to the ring connection (domain 4)
POKE = 0x40      # ... then sets one field of the ring page


def poke(field, value):
    """A ring record without bytes that sets a page field: req_cons,
    req_prod, rsp_cons, rsp_prod, connection, error (0..5)."""
    return bytes([RING | POKE | 8, 0, field]) + struct.pack("<I", value)


def bad_length(conn, type_, length, payload):
    return (bytes([conn | 4, TYPES[type_], 1, 0]) +
            struct.pack("<H", len(payload)) + struct.pack("<I", length) +
            payload)


# "/a/a/.../b", 200 levels deep. (The fuzzer's vocabulary also holds a
# 3072-byte path; a seed full of them would slow every run down.)
DEEP = ("/a" * 200)[:-1] + "b"

SEEDS = {
    "write-read": [msg(0, "WRITE", "/a/b", value=b"hello"),
                   msg(0, "READ", "/a/b"), msg(0, "DIRECTORY", "/a"),
                   msg(0, "RM", "/a")],
    "guest-watch": [msg(0, "MKDIR", "/local/domain/1"),
                    msg(0, "SET_PERMS", "/local/domain/1", "n1"),
                    msg(1, "WATCH", "x", "tok"),
                    msg(1, "WRITE", "x/y", value=b"1"),
                    msg(0, "RM", "/local/domain/1/x")],
    "transaction": [msg(0, "TRANSACTION_START", ""),
                    msg(0, "WRITE", "/t/a", tx=1, value=b"v"),
                    msg(0, "WRITE", "/t/a", value=b"w"),
                    msg(0, "TRANSACTION_END", "T", tx=1)],
    "domains": [msg(0, "INTRODUCE", "1", "4096", "3"),
                msg(0, "SET_TARGET", "1", "2"),
                msg(0, "IS_DOMAIN_INTRODUCED", "1"),
                msg(0, "WATCH", "@releaseDomain", "r"),
                msg(0, "RELEASE", "1")],
    "bad-length": [bad_length(1, "READ", 0xffffffff, b"/a\0"),
                   bad_length(2, "WRITE", 5000, b"/x\0" + b"y" * 40)],
    "guest-flood": [msg(0, "MKDIR", "/local/domain/2"),
                    msg(0, "SET_PERMS", "/local/domain/2", "n2")] +
                   [msg(2, "WRITE", f"n{i}", value=b"v") for i in range(24)] +
                   [msg(2, "WATCH", f"w{i}", "t") for i in range(6)] +
                   [msg(2, "TRANSACTION_START", "") for _ in range(3)],
    "perms": [msg(0, "WRITE", "/p", value=b"s"),
              msg(0, "SET_PERMS", "/p", "n0", "r3"),
              msg(3, "READ", "/p"), msg(3, "WRITE", "/p", value=b"x"),
              msg(3, "GET_PERMS", "/p")],
    "directory-part": [msg(0, "WRITE", f"/d/c{i:03}", value=b"")
                       for i in range(40)] +
                      [msg(0, "DIRECTORY_PART", "/d", "0"),
                       msg(0, "DIRECTORY_PART", "/d", "100")],
    "quota-control": [msg(0, "SET_QUOTA", "1", "nodes", "3"),
                      msg(0, "GET_QUOTA"), msg(0, "CONTROL", "check"),
                      msg(0, "GET_FEATURE", "1")],
    "blocked-output": [msg(1, "WATCH", "/", "all", block=True)] +
                      [msg(0, "WRITE", f"/b{i}", value=b"1")
                       for i in range(12)],
    "deep-paths": [msg(0, "WRITE", DEEP, value=b"bottom"),
                   msg(0, "WATCH", DEEP, "deep"),
                   msg(0, "TRANSACTION_START", ""),
                   msg(0, "RM", "/a", tx=1),
                   msg(0, "TRANSACTION_END", "T", tx=1),
                   msg(0, "READ", "/" + "b" * 3100),
                   msg(1, "WRITE", "c" * 2100, value=b"x")],
    "huge-values": [msg(0, "WRITE", "/h", value=b"H" * 4000),
                    msg(0, "READ", "/h"),
                    msg(0, "MKDIR", "/local/domain/1"),
                    msg(0, "SET_PERMS", "/local/domain/1", "n1"),
                    msg(1, "WRITE", "v", value=b"V" * 3000)],
    "ring-requests": [msg(0, "MKDIR", "/local/domain/4"),
                      msg(0, "SET_PERMS", "/local/domain/4", "n4"),
                      msg(RING, "WRITE", "a", value=b"x" * 1500),
                      msg(RING, "READ", "a"),
                      msg(RING, "WATCH", "a", "t", block=True),
                      msg(0, "WRITE", "/local/domain/4/a/b", value=b"1"),
                      msg(RING, "DIRECTORY", "a")],
    "ring-attack": [msg(RING, "READ", "x"), poke(1, 0x7fffffff),
                    msg(RING, "READ", "y"), poke(2, 0xfffffff0),
                    msg(RING, "READ", "z")],
    "ring-reconnect": [msg(RING, "WATCH", "/", "all"),
                       msg(RING, "TRANSACTION_START", ""),
                       poke(4, 1),
                       msg(RING, "GET_DOMAIN_PATH", "4")],
    "watch-tx-flood": [msg(3, "WATCH", f"/f{i}", "t") for i in range(8)] +
                      [msg(3, "TRANSACTION_START", "") for _ in range(5)] +
                      [msg(3, "UNWATCH", "/f0", "t"),
                       msg(3, "RESET_WATCHES", "")],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "seeds")
    os.makedirs(out, exist_ok=True)
    for name, records in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"".join(records))


if __name__ == "__main__":
    main()
