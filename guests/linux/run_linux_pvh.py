#!/usr/bin/env python3
"""Boots the Linux appliance ISO in QEMU and runs Debian's Linux kernel as
PVH guests of Tessera through Domain-0's xl shell. TAP output.

usage: run_linux_pvh.py TESSERA-LINUX.iso [--timeout SECONDS]

1. xl create -c /etc/xen/linux.cfg: Linux's boot log on its console, the
   marker, unbacked MMIO read and written with devmem (all ones, the write
   dropped, logged once), its XenStore name read by xenstore-read,
   poweroff; then it is gone from xl list and free memory is back.
2. linux-bz.cfg: the same kernel from the bzImage (xl extracts its xz
   payload) reaches its marker and powers off.
   linux-smp.cfg: a 2-vCPU guest brings up both vCPUs (cpus=0-1).
3. Event-channel ping-pong between two guests (evtping): the pong guest
   serves the port it binds for the ping guest, found through XenStore.
4. A hold guest runs while a fuzz guest issues random hypercalls (hcfuzz):
   the fuzz guest may finish or die, but Tessera and the hold guest must
   not notice: the shell answers, the hold guest is listed and still echoes
   its console, and every page comes back when both are gone.
"""
import argparse
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '../../services/init/tests'))
from run_xl_session import (BASE, PROMPT, Console, Tap, field, names,  # noqa: E402
                            start_qemu)

# Room for Domain-0's boot archive (the 66 MB vmlinux, 8 MB vmlinuz) and
# two 256 MiB guests.
QEMU_MEM = 2048
CTRL_RBRACKET = b'\x1d'


def typed(con, text):
    con.proc.stdin.write(text)
    con.proc.stdin.flush()


def stopped(name):
    return r'xl: domain %s \(\d+\) stopped: ' % re.escape(name)


def detach(con):
    """Ctrl-] leaves xl console; returns True once the prompt is back."""
    typed(con, CTRL_RBRACKET)
    return con.expect(re.escape(PROMPT), 20) is not None


def echo_check(con, t, word, what):
    """Attaches to the hold guest, types a word and expects it echoed."""
    typed(con, b'xl console hold\r')
    con.expect(r'^hold: type a line, it comes back$', 10)	# Tessera replays recent output
    time.sleep(1)
    typed(con, word.encode() + b'\r')
    back = con.expect(r'^hold: %s$' % re.escape(word), 60)
    t.ok(back is not None, what, con.text[-2000:])
    t.ok(detach(con), 'Ctrl-] detaches from the hold guest', con.text[-1000:])


def create_console(con, line, name, timeout=300):
    """xl create -c ...: the output up to the prompt after the guest ended,
    or None; a guest still running at the timeout is left and destroyed."""
    start = time.monotonic()
    out = con.command(line, timeout)
    print('# %s: %.1f s' % (line, time.monotonic() - start))
    if out is None:
        detach(con)
        con.command('xl destroy ' + name, 60)
    return out


def boot_guest(con, t, free0):
    out = create_console(con, 'xl create -c /etc/xen/linux.cfg', 'linux')
    t.ok(out is not None and re.search(r'Linux version 6\.\d+', out) is not None
         and 'Xen' in out, 'Linux boots as a PVH guest: its boot log on xl console', out
         or con.text[-3000:])
    t.ok(out is not None and re.search(r'^GUEST_MARKER_linux_UP', out, re.M) is not None,
         'it runs /init from the initramfs: GUEST_MARKER_linux_UP', out)
    t.ok(out is not None and re.search(r'^MMIO 0xfed00000=0xFFFFFFFF, after a write 0xFFFFFFFF',
                                       out, re.M) is not None,
         'devmem in the guest: unbacked MMIO reads all ones, a write to it is dropped', out)
    said = re.findall(r'xl: guest linux \(domid \d+\): a 4-byte read at 0xfed00000 ', out or '')
    t.ok(len(said) == 1 and (out or '').count('where it has no RAM and no device') == 1,
         'the VMM logs the first unbacked MMIO access only', out)
    t.ok(out is not None and '\nXENSTORE name=linux\n' in out,
         'xenstore-read name in the guest: XENSTORE name=linux', out)
    t.ok(out is not None and re.search(stopped('linux') + r'poweroff', out) is not None,
         'poweroff -f in the guest: stopped: poweroff', out)
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'the Linux guest is gone from xl list', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0,
         'xl info: free memory back to %s MiB' % free0, info)


def bzimage_guest(con, t, free0):
    out = create_console(con, 'xl create -c /etc/xen/linux-bz.cfg', 'linux-bz')
    t.ok(out is not None and re.search(r'^GUEST_MARKER_pvh_UP', out, re.M) is not None,
         'a bzImage guest (kernel = "/boot/vmlinuz") runs /init: GUEST_MARKER_pvh_UP',
         out or con.text[-3000:])
    t.ok(out is not None and re.search(stopped('linux-bz') + r'poweroff', out) is not None,
         'the bzImage guest powers off', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'free memory back after the bzImage guest', info)


def smp_guest(con, t, free0):
    out = create_console(con, 'xl create -c /etc/xen/linux-smp.cfg', 'linux-smp')
    t.ok(out is not None and re.search(r'^cpus=0-1(?![0-9])', out, re.M) is not None and
         'GUEST_MARKER_smp_UP' in out,
         'a 2-vCPU guest brings up both vCPUs: cpus=0-1', out or con.text[-3000:])
    t.ok(out is not None and re.search(stopped('linux-smp') + r'poweroff', out) is not None,
         'the 2-vCPU guest powers off', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'free memory back after the 2-vCPU guest', info)


def create_attached(con, cfg, ready, timeout=300):
    """xl create -c CFG up to the guest's line `ready`, then Ctrl-] (it
    keeps running); True if the line came."""
    typed(con, ('xl create -c %s\r' % cfg).encode())
    up = con.expect(r'^%s|%s' % (re.escape(ready), re.escape(PROMPT)), timeout)
    if up is None or not up.endswith(ready):
        return False
    return detach(con)


def ping_pong(con, t, free0, rounds=1000):
    up = create_attached(con, '/etc/xen/linux-pong.cfg',
                         'pong: waiting for a client to write data/evtping/client')
    if not t.ok(up, 'the pong guest waits for a client', con.text[-3000:]):
        return
    server = (con.command('xl domid pong') or '').strip().splitlines()[-1:]
    # Double quotes keep the blanks (in xlsh and sh alike); xl reads 'a string'.
    out = create_console(con, 'xl create -c /etc/xen/linux-ping.cfg "extra=\'console=hvc0 quiet '
                         'marker=ping tessera.test=ping tessera.peer=%s tessera.rounds=%d\'"'
                         % (server[0] if server else '?', rounds), 'ping')
    m = re.search(r'^EVTPING rounds=(\d+) total_us=\d+ ns_per_round_trip=(\d+)', out or '', re.M)
    t.ok(m is not None and int(m.group(1)) == rounds,
         'event-channel ping-pong between two guests: %d round trips' % rounds,
         out or con.text[-3000:])
    if m:
        print('# ping-pong: %s ns per round trip (guest clock)' % m.group(2))
    con.command('xl destroy pong', 60)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'free memory back after the ping-pong', info)


def fuzz_guests(con, t, free0):
    up = create_attached(con, '/etc/xen/linux-hold.cfg', 'hold: type a line, it comes back')
    if not t.ok(up, 'the hold guest is up (Ctrl-] leaves it running)', con.text[-3000:]):
        return
    echo_check(con, t, 'ping-before-fuzz', 'the hold guest echoes its console')

    start = time.monotonic()
    typed(con, b'xl create -c /etc/xen/linux-fuzz.cfg\r')
    end = con.expect(r'^FUZZ_DONE n=\d+|' + stopped('fuzz') + r'.*$|' + re.escape(PROMPT), 300)
    print('# fuzz guest: %.1f s, ended with: %s' % (time.monotonic() - start,
                                                    (end or 'no end (hung)').splitlines()[-1]))
    progress = re.findall(r'^hcfuzz: (\d+) hypercalls', end or con.text, re.M)
    print('# hcfuzz progress lines: %s' % (progress[-1] if progress else 'none'))
    done = end is not None and 'FUZZ_DONE' in end
    crashed = end is not None and re.search(stopped('fuzz'), end) is not None
    # Random hypercalls may also wedge the fuzz guest itself (closing its
    # own timer port, moving its callback vector, ...): that is its own
    # business, as on Xen. What counts is that it got going, and below,
    # that Tessera and the other guest do not notice.
    t.ok(done or crashed or (progress and int(progress[-1]) >= 1000),
         'the fuzz guest issued its hypercalls (finished, crashed, or wedged itself after %s)'
         % (progress[-1] if progress else 'none'), end or con.text[-3000:])
    if done:
        con.expect(stopped('fuzz') + r'.*$', 120)
    if done or crashed:
        con.expect(re.escape(PROMPT), 20)
    elif end is None:
        detach(con)
    out = con.command('xl list')
    if out is not None and 'fuzz' in names(out):
        con.command('xl destroy fuzz', 60)
        out = con.command('xl list')
    t.ok(out is not None and names(out) == BASE + ['hold']
         and re.search(r'^hold\s+\d+\s+256\s+1\s+[-rb]{2}----', out, re.M),
         'Tessera survives the fuzzer: the shell answers, the hold guest runs', out)
    echo_check(con, t, 'ping-after-fuzz', 'the hold guest still echoes after the fuzzer')
    out = con.command('xl destroy hold', 60)
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'xl destroy hold: only Domain-0 and the stub domains left', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'every page back after both guests', info)


def session(con, t):
    boot = con.expect(r'Domain-0: xl shell on the serial console', 180)
    if not t.ok(boot is not None, 'the Linux appliance boots into Domain-0\'s xl shell',
                con.text[-3000:]):
        return
    con.expect(re.escape(PROMPT), 20)
    info = con.command('xl info')
    free0 = field(info, 'free_memory')
    t.ok(free0 is not None and int(free0) >= 1024,
         'xl info: at least 1 GiB free for the Linux guests', info)
    boot_guest(con, t, free0)
    bzimage_guest(con, t, free0)
    smp_guest(con, t, free0)
    ping_pong(con, t, free0)
    fuzz_guests(con, t, free0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('iso')
    ap.add_argument('--timeout', type=int, default=570)
    args = ap.parse_args()
    start = time.monotonic()
    proc = start_qemu(args.iso, QEMU_MEM)
    con = Console(proc)
    t = Tap()

    def stop_qemu():
        """The watchdog: ends QEMU and wakes a waiting expect."""
        proc.kill()
        proc.wait()
        with con.cond:
            con.cond.notify_all()

    watchdog = threading.Timer(args.timeout, stop_qemu)
    watchdog.start()
    try:
        session(con, t)
    except BrokenPipeError:
        t.ok(False, 'the session ended within its %d s watchdog' % args.timeout,
             con.text[-3000:])
    finally:
        watchdog.cancel()
        proc.kill()
        proc.wait()
    print('1..%d' % t.n)
    print('# %d tests, %d failed, %.1f s of QEMU TCG time' % (t.n, t.failed,
                                                             time.monotonic() - start))
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
