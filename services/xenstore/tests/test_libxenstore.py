#!/usr/bin/env python3
"""Debian's libxenstore 4.17 (the library xl and libxl use), called through
ctypes, against our daemon: the calls the command-line tools do not make —
INTRODUCE, IS_DOMAIN_INTRODUCED, SET_TARGET, RESUME, RELEASE,
GET_DOMAIN_PATH, CONTROL — plus permissions, transactions with EAGAIN and
watches through the library's own reader. Output is TAP."""
import ctypes
import ctypes.util
import errno
import os
import sys

from xs_testlib import ok, run_daemon


class XsPermissions(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint), ("perms", ctypes.c_uint)]


PERM_READ, PERM_WRITE = 1, 2
XBT_NULL = 0


def load():
    lib = ctypes.CDLL("libxenstore.so.4", use_errno=True)
    vp, u, cp = ctypes.c_void_p, ctypes.c_uint, ctypes.c_char_p
    sig = {
        "xs_open": (vp, [ctypes.c_ulong]),
        "xs_close": (None, [vp]),
        "xs_write": (ctypes.c_bool, [vp, u, cp, cp, u]),
        "xs_read": (vp, [vp, u, cp, ctypes.POINTER(u)]),
        "xs_mkdir": (ctypes.c_bool, [vp, u, cp]),
        "xs_rm": (ctypes.c_bool, [vp, u, cp]),
        "xs_directory": (vp, [vp, u, cp, ctypes.POINTER(u)]),
        "xs_get_permissions": (vp, [vp, u, cp, ctypes.POINTER(u)]),
        "xs_set_permissions": (ctypes.c_bool,
                               [vp, u, cp, ctypes.POINTER(XsPermissions), u]),
        "xs_transaction_start": (u, [vp]),
        "xs_transaction_end": (ctypes.c_bool, [vp, u, ctypes.c_bool]),
        "xs_watch": (ctypes.c_bool, [vp, cp, cp]),
        "xs_unwatch": (ctypes.c_bool, [vp, cp, cp]),
        "xs_read_watch": (vp, [vp, ctypes.POINTER(u)]),
        "xs_introduce_domain": (ctypes.c_bool, [vp, u, ctypes.c_ulong, u]),
        "xs_set_target": (ctypes.c_bool, [vp, u, u]),
        "xs_resume_domain": (ctypes.c_bool, [vp, u]),
        "xs_release_domain": (ctypes.c_bool, [vp, u]),
        "xs_is_domain_introduced": (ctypes.c_bool, [vp, u]),
        "xs_get_domain_path": (vp, [vp, u]),
        "xs_control_command": (vp, [vp, cp, vp, u]),
    }
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.free.argtypes = [ctypes.c_void_p]


def take_string(ptr, length=None):
    """Copies a malloc'd result and frees it."""
    if not ptr:
        return None
    s = ctypes.string_at(ptr, length) if length is not None else \
        ctypes.string_at(ptr)
    libc.free(ptr)
    return s


def take_vector(ptr, num):
    """Copies a malloc'd char ** (one block, as libxenstore returns it)."""
    if not ptr:
        return None
    vec = ctypes.cast(ptr, ctypes.POINTER(ctypes.c_char_p))
    items = [vec[i] for i in range(num)]
    libc.free(ptr)
    return items


def main():
    daemon = sys.argv[1]
    try:
        xs = load()
    except OSError as e:
        print(f"1..0 # SKIP libxenstore not available ({e})")
        return 0

    def tests(tmp):
        os.environ["XENSTORED_PATH"] = os.path.join(tmp, "sock")
        h = xs.xs_open(0)
        if not h:
            ok(False, "xs_open")
            return
        run_tests(xs, h)
        xs.xs_close(h)

    return run_daemon(daemon, "xs-lib-",
                      lambda tmp: ["-s", os.path.join(tmp, "sock"),
                                   "-l", os.path.join(tmp, "log")],
                      lambda tmp: [os.path.join(tmp, "sock")], tests)


def read(xs, h, path, t=XBT_NULL):
    n = ctypes.c_uint()
    ptr = xs.xs_read(h, t, path, ctypes.byref(n))
    return take_string(ptr, n.value)


def run_tests(xs, h):
    ok(take_string(xs.xs_get_domain_path(h, 7)) == b"/local/domain/7",
       "xs_get_domain_path")
    value = b"bin\x00ary"
    ok(xs.xs_write(h, XBT_NULL, b"/lib/a", value, len(value)) and
       read(xs, h, b"/lib/a") == value, "xs_write / xs_read of a binary value")
    ok(not read(xs, h, b"/lib/none") and ctypes.get_errno() == errno.ENOENT,
       "xs_read of a missing node: ENOENT", ctypes.get_errno())
    xs.xs_mkdir(h, XBT_NULL, b"/lib/d1")
    xs.xs_mkdir(h, XBT_NULL, b"/lib/d2")
    n = ctypes.c_uint()
    names = take_vector(xs.xs_directory(h, XBT_NULL, b"/lib", ctypes.byref(n)),
                        n.value)
    ok(names == [b"a", b"d1", b"d2"], "xs_mkdir and xs_directory", names)

    perms = (XsPermissions * 2)((0, 0), (1, PERM_READ))
    ok(xs.xs_set_permissions(h, XBT_NULL, b"/lib/a", perms, 2),
       "xs_set_permissions n0 r1")
    ptr = xs.xs_get_permissions(h, XBT_NULL, b"/lib/a", ctypes.byref(n))
    got = []
    if ptr:
        arr = ctypes.cast(ptr, ctypes.POINTER(XsPermissions))
        got = [(arr[i].id, arr[i].perms) for i in range(n.value)]
        libc.free(ptr)
    ok(got == [(0, 0), (1, PERM_READ)], "xs_get_permissions reads them back",
       got)

    t = xs.xs_transaction_start(h)
    ok(t != 0 and xs.xs_write(h, t, b"/lib/tx", b"1", 1) and
       read(xs, h, b"/lib/tx") is None and
       xs.xs_transaction_end(h, t, False) and read(xs, h, b"/lib/tx") == b"1",
       "transaction: private until committed")
    t = xs.xs_transaction_start(h)
    read(xs, h, b"/lib/tx", t)
    xs.xs_write(h, XBT_NULL, b"/lib/tx", b"2", 1)
    xs.xs_write(h, t, b"/lib/tx", b"3", 1)
    ctypes.set_errno(0)
    ended = xs.xs_transaction_end(h, t, False)
    ok(not ended and ctypes.get_errno() == errno.EAGAIN and
       read(xs, h, b"/lib/tx") == b"2",
       "conflicting commit: EAGAIN, the transaction's write is not visible",
       ctypes.get_errno())

    ok(xs.xs_watch(h, b"/lib/w", b"tok"), "xs_watch")
    ptr = xs.xs_read_watch(h, ctypes.byref(n))
    first = take_vector(ptr, n.value)
    xs.xs_write(h, XBT_NULL, b"/lib/w/x", b"1", 1)
    second = take_vector(xs.xs_read_watch(h, ctypes.byref(n)), n.value)
    ok(first == [b"/lib/w", b"tok"] and second == [b"/lib/w/x", b"tok"],
       "xs_read_watch: the first event, then the write", (first, second))
    ok(xs.xs_unwatch(h, b"/lib/w", b"tok"), "xs_unwatch")

    ok(xs.xs_introduce_domain(h, 5, 0x12345, 3) and
       xs.xs_is_domain_introduced(h, 5) and
       not xs.xs_is_domain_introduced(h, 6),
       "xs_introduce_domain, xs_is_domain_introduced")
    ok(xs.xs_set_target(h, 5, 6), "xs_set_target")
    ok(xs.xs_resume_domain(h, 5), "xs_resume_domain")
    xs.xs_write(h, XBT_NULL, b"/local/domain/5/name", b"five", 4)
    owner5 = (XsPermissions * 1)((5, 0))
    xs.xs_set_permissions(h, XBT_NULL, b"/local/domain/5", owner5, 1)
    ok(xs.xs_release_domain(h, 5) and not xs.xs_is_domain_introduced(h, 5) and
       read(xs, h, b"/local/domain/5/name") is None,
       "xs_release_domain removes the domain and the nodes it owned")
    ok(not xs.xs_release_domain(h, 5) and ctypes.get_errno() == errno.ENOENT,
       "xs_release_domain again: ENOENT", ctypes.get_errno())

    ok(take_string(xs.xs_control_command(h, b"check", None, 0)) == b"OK",
       "xs_control_command check")
    ok(take_string(xs.xs_control_command(h, b"help", None, 0)) ==
       b"check help print quota trace", "xs_control_command help")


if __name__ == "__main__":
    sys.exit(main())
