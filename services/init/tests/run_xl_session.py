#!/usr/bin/env python3
"""Boots the appliance ISO in QEMU and drives Domain-0's xl shell through
the serial console, checking what an operator would see. TAP output.

usage: run_xl_session.py APPLIANCE.iso [--timeout SECONDS]
"""
import argparse
import re
import subprocess
import sys
import threading
import time

PROMPT = '[root@Domain-0 ~]# '
# Domain-0 and the stub domains its init starts; guests' domids begin at 3.
BASE = ['Domain-0', 'xenstore', 'console']


def start_qemu(iso, mem, icount=False):
    """QEMU with the appliance ISO, its serial line on our pipes."""
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'max', '-smp', '2', '-m', str(mem),
           '-no-reboot', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
           '-cdrom', iso] + (['-icount', 'shift=0'] if icount else [])
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


class Console:
    """The serial line: everything QEMU printed, and a read position."""

    def __init__(self, proc):
        self.proc = proc
        self.text = ''
        self.pos = 0
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            data = self.proc.stdout.read1(4096)
            if not data:
                break
            with self.cond:
                self.text += data.decode(errors='replace').replace('\r', '')
                self.cond.notify_all()

    def expect(self, pattern, timeout):
        """Waits for pattern after the read position; returns the text up to
        the end of the match (and moves past it), or None on timeout."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = regex.search(self.text, self.pos)
                if m:
                    out = self.text[self.pos:m.end()]
                    self.pos = m.end()
                    return out
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.cond.wait(left)

    def command(self, line, timeout=20):
        """Types a command line; returns its output (up to the next prompt)."""
        self.proc.stdin.write((line + '\r').encode())
        self.proc.stdin.flush()
        out = self.expect(re.escape(PROMPT), timeout)
        if out is None:
            return None
        return out[:-len(PROMPT)]

    def resync(self, marker, timeout=20):
        """Types a word the shell refuses and reads up to its answer: the
        output of the last command may itself contain the prompt (xl dmesg
        shows the whole console log)."""
        self.proc.stdin.write((marker + '\r').encode())
        self.proc.stdin.flush()
        return self.expect(re.escape(marker) + r': command not found.*\n' + re.escape(PROMPT),
                           timeout)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, name))
        if not cond and detail is not None:
            for l in str(detail).splitlines()[-30:]:
                print('#   ' + l)
        sys.stdout.flush()
        return cond


def field(out, name):
    m = re.search(r'^%s\s*:\s*(\S+)' % name, out or '', re.M)
    return m.group(1) if m else None


def domain_lines(out):
    return [l for l in (out or '').splitlines()
            if re.match(r'^\S+\s+\d+\s+\d+\s+\d+\s+[-rbpscd]{6}\s+[\d.]+$', l)]


def names(out):
    return [l.split()[0] for l in domain_lines(out)]


def session(con, t):
    boot = con.expect(r'Domain-0: xl shell on the serial console', 60)
    t.ok(boot is not None, 'Domain-0 boots into the xl shell', con.text)
    auto = con.expect(r'xl: domain demo \(3\) stopped: poweroff; on_poweroff=destroy', 30)
    t.ok(auto is not None and 'Starting auto Xen domain /etc/xen/auto/demo.cfg' in auto
         and 'demo: hello from a Tessera guest' in auto,
         'the demo in /etc/xen/auto starts at boot, prints and powers off', con.text[-2000:])
    t.ok(auto is not None and '[demo] demo: hello from a Tessera guest' in auto
         and '[demo] demo: done, poweroff' in auto,
         'its output goes through its PV console and the console service ([demo] lines)',
         con.text[-2000:])
    con.expect(re.escape(PROMPT), 10)

    out = con.command('xl list')
    t.ok(out is not None and re.search(r'^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)$', out, re.M)
         and re.search(r'^Domain-0\s+0\s+\d+\s+1\s+r-----', out, re.M)
         and names(out) == BASE,
         'xl list: Domain-0 and the stub domains once the demo powered off', out)
    t.ok(out is not None and re.search(r'^xenstore\s+1\s+4\s+1\s+-b----', out, re.M)
         and re.search(r'^console\s+2\s+4\s+1\s+-b----', out, re.M),
         'xl list: the xenstore (1) and console (2) stub domains, 4 MiB each, waiting', out)
    t.ok('[xenstore] xenstored: serving' in con.text,
         'the console service prints the xenstore service\'s PV console output', con.text[-2000:])
    out = con.command("xl create /etc/xen/demo.cfg name='xenstore'")
    t.ok(out is not None and 'domain with name "xenstore" already exists' in out,
         'a guest cannot take a stub domain\'s name', out)

    info = con.command('xl info')
    free0 = field(info, 'free_memory')
    t.ok(free0 is not None and int(free0) > 0 and field(info, 'nr_cpus') == '2'
         and int(field(info, 'total_memory') or 0) >= int(free0),
         'xl info: nr_cpus, total and free memory', info)
    t.ok(re.search(r'^virt_caps\s*:\s*hvm hap gnttab-v1$', info or '', re.M) is not None
         and re.search(r'^xen_caps\s*:\s*hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64$',
                       info or '', re.M) is not None,
         'xl info: HVM containers (hvm, hap) with 32-bit, PAE and 64-bit code; no PV', info)

    out = con.command('xl create /etc/xen/demo.cfg')
    t.ok(out is not None and 'Parsing config from /etc/xen/demo.cfg' in out,
         'xl create /etc/xen/demo.cfg', out)
    done = con.expect(r'xl: domain demo \(4\) stopped: poweroff; on_poweroff=destroy', 20)
    t.ok(done is not None and 'demo: done, poweroff' in done,
         'the demo prints its output and exits', done or con.text[-2000:])
    t.ok(done is not None and 'demo: 2048 KiB of fresh memory, 0 non-zero bytes' in done,
         'its memory is zeroed (the autostarted demo left a pattern in the same pages)',
         done)
    t.ok(done is not None and 'demo: xenstore: /local/domain/4, memory/target 8192 KiB' in done,
         'the demo reads its XenStore home, written by xl as domain 0', done)
    t.ok(done is not None and 'demo: xenstore: data/greeting = "hello from domain 4"' in done,
         'the demo writes data/greeting in its home and reads it back', done)
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'the demo is gone from xl list', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0,
         'xl info: free memory back to %s MiB after the demo' % free0, info)

    out = con.command('xl create -p /etc/xen/demo.cfg')
    out = con.command('xl list')
    paused = [l for l in domain_lines(out) if l.startswith('demo ')]
    t.ok(len(paused) == 1 and re.search(r'^demo\s+5\s+8\s+1\s+--p---', paused[0]),
         'xl create -p: the demo is listed paused with 8 MiB', out)
    info = con.command('xl info')
    t.ok(int(field(info, 'free_memory') or 0) == int(free0) - 8,
         'xl info: 8 MiB less free while it exists', info)
    out = con.command('xl rename demo demo-renamed')
    out = con.command('xl list')
    t.ok('demo-renamed' in names(out), 'xl rename', out)
    out = con.command('xl vcpu-list demo-renamed')
    t.ok(out is not None and re.search(r'^demo-renamed\s+5\s+0\s+\d+\s+', out, re.M),
         'xl vcpu-list shows its vCPU', out)
    out = con.command('xl uptime')
    t.ok(out is not None and re.search(r'^Domain-0\s+0\s+\d', out, re.M)
         and re.search(r'^demo-renamed\s+5\s+\d', out, re.M), 'xl uptime', out)
    out = con.command('xl destroy demo-renamed')
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'xl destroy: the paused demo is gone', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'xl info: every page back after destroy', info)

    out = con.command('xl create -p /etc/xen/demo.cfg')
    out = con.command('xl unpause demo')
    done = con.expect(r'xl: domain demo \(6\) stopped: poweroff', 20)
    t.ok(done is not None and 'demo: done, poweroff' in done,
         'xl unpause: the paused demo runs to its end', done or con.text[-2000:])
    con.expect(re.escape(PROMPT), 5)

    out = con.command('xl create /etc/xen/bad.cfg')
    t.ok(out is not None and '/etc/xen/bad.cfg:4: memory:' in out
         and '/etc/xen/bad.cfg:5: vcpus:' in out,
         'a bad config: every error listed with file and line', out)
    out = con.command('xl create /etc/xen/missing.cfg')
    t.ok(out is not None and 'xl: create: kernel /boot/no-such-kernel.elf: No such file' in out,
         'a missing kernel image: clear error', out)
    out = con.command('xl create /etc/xen/nonexistent.cfg')
    t.ok(out is not None and '/etc/xen/nonexistent.cfg' in out and 'No such file' in out,
         'a missing config: clear error', out)
    info = con.command('xl info')
    out = con.command("xl create /etc/xen/demo.cfg extra='wait'")
    wait = con.expect(r'demo: waiting for control/shutdown', 20)
    t.ok(wait is not None, 'a demo with extra=wait watches control/shutdown', con.text[-2000:])
    con.expect(re.escape(PROMPT), 5)
    out = con.command('xl list')
    t.ok('demo' in names(out), 'it is listed while it waits', out)
    con.proc.stdin.write(b'xl console demo\r')
    con.proc.stdin.flush()
    replay = con.expect(r'^demo: waiting for control/shutdown$', 10)
    t.ok(replay is not None and re.search(r'^demo: hello from a Tessera guest', replay, re.M),
         'xl console demo: attaches and replays its recent output', replay or con.text[-2000:])
    con.proc.stdin.write(b'\x1d')
    con.proc.stdin.flush()
    back = con.expect(re.escape(PROMPT), 10)
    t.ok(back is not None, 'xl console: Ctrl-] detaches, back at the prompt', con.text[-1000:])
    out = con.command('xl shutdown demo')
    done = con.expect(r'xl: domain demo \(\d+\) stopped: poweroff; on_poweroff=destroy', 20)
    t.ok(done is not None and 'demo: control/shutdown = poweroff' in done
         and 'demo: done, poweroff' in done,
         'xl shutdown demo: it reads poweroff from control/shutdown and exits', done or con.text[-2000:])
    con.expect(re.escape(PROMPT), 5)
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'xl shutdown: the demo is gone from xl list', out)
    info2 = con.command('xl info')
    t.ok(field(info2, 'free_memory') == field(info, 'free_memory'),
         'xl shutdown: free memory back to its value before the create', info2)
    out = con.command('xl create -c /etc/xen/demo.cfg', 30)
    t.ok(out is not None and re.search(r'^demo: hello from a Tessera guest', out, re.M)
         and 'stopped: poweroff; on_poweroff=destroy' in out,
         'xl create -c: attached to the new demo until it powers off', out)
    out = con.command('xl shutdown Domain-0')
    t.ok(out is not None and 'not supported yet' in out,
         'xl shutdown Domain-0: refused (it stops with the machine)', out)
    out = con.command('ls /')
    t.ok(out is not None and 'command not found' in out, 'a non-xl command is refused', out)

    out = con.command("xl create /etc/xen/demo.cfg extra='reboot' on_reboot='preserve'")
    stop = con.expect(r'xl: domain demo \(\d+\) stopped: reboot; on_reboot=preserve', 20)
    con.expect(re.escape(PROMPT), 5)
    out = con.command('xl list')
    t.ok(stop is not None and re.search(r'^demo\s+\d+\s+8\s+1\s+---s--', out or '', re.M),
         'on_reboot=preserve: a rebooting demo stays, shut down', (stop or '') + (out or ''))
    out = con.command('xl destroy demo')
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'xl destroy of the preserved demo frees it', info)

    out = con.command('xl create /etc/xen/crashy.cfg')
    loop = con.expect(r'xl: domain crashy crashed 3 times within 10 s: stopped, not restarted', 30)
    t.ok(loop is not None and loop.count('crashy: crashing on purpose') == 3
         and 'restarted as domain' in loop,
         'on_crash=restart: a crash loop is stopped with a clear message', loop or con.text[-3000:])
    con.expect(re.escape(PROMPT), 5)
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'the crash-looping guest is gone', out)

    pvh_session(con, t, free0)
    hvm_session(con, t, free0)

    out = (con.command('xl dmesg') or '') + (con.resync('end-of-dmesg') or '')
    t.ok('init: Tessera Domain-0' in out and 'crashy: crashing on purpose' in out,
         'xl dmesg: the kernel log with the guests\' output', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'xl info: free memory back at the end', info)
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'the shell still runs after every error', out)


def pvh_session(con, t, free0):
    """type="pvh": the test guest (toolstack/tests/pvhtest) reports its
    start of day on port 0xe9, then triple-faults or spins."""
    out = con.command('xl create /etc/xen/pvhtest.cfg')
    done = con.expect(r'xl: domain pvhtest \(\d+\) stopped: crash; on_crash=destroy', 20)
    t.ok(done is not None and '[pvhtest] pvhtest: hvm_start_info ok, cmdline: \n' in done,
         'a PVH guest starts at its PHYS32_ENTRY with %ebx = hvm_start_info',
         (out or '') + (done or con.text[-2000:]))
    t.ok(done is not None and '[pvhtest] pvhtest: e820 entries 0x00000004, RAM from 1 MiB '
         '0x00efe000' in done,
         'its e820: the ISA hole and two special pages reserved, RAM from 1 MiB to them', done)
    t.ok(done is not None and '[pvhtest] pvhtest: image pattern intact' in done,
         'its 1.5 MiB image is copied intact across its 2 MiB frames', done)
    t.ok(done is not None and re.search(r'\[pvhtest\] pvhtest: the initrd holds this image, '
                                        r'bytes 0x001[0-9a-f]{5}', done),
         'its initrd, loaded high into 4 KiB frames, is the module of hvm_start_info', done)
    t.ok(done is not None and '[pvhtest] pvhtest: IN from port 0x80 reads eax 0x000012ff' in done,
         'the VMM: an IN from an absent port reads all ones (AL only)', done)
    t.ok(done is not None and '[pvhtest] pvhtest: MMIO at 0xfed00000: movb to ah gives eax '
         '0x1234ff78, movzwl 0x0000ffff, movl after a store 0xffffffff' in done,
         'the VMM: loads from unbacked MMIO read all ones (AH only; MOVZX zero-extends), a store '
         'is dropped', done)
    said = re.findall(r'xl: guest pvhtest \(domid \d+\): a 1-byte read at 0xfed00000 '
                      r'\(rip 0x10[0-9a-f]{4}\), where it has no RAM and no device', done or '')
    t.ok(len(said) == 1 and (done or '').count('where it has no RAM and no device') == 1,
         'the first unbacked MMIO access is reported, once', done)
    t.ok(done is not None and re.search(r'xl: guest pvhtest \(domid \d+\): unhandled exit 0x7f at '
                                        r'rip 0x10[0-9a-f]{4} \(info1 0, info2 0\): triple fault',
                                        done),
         'a triple fault crashes the guest with a clear message; on_crash applies', done)
    con.expect(re.escape(PROMPT), 5)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'the crashed PVH guest\'s memory is back', info)

    out = con.command("xl create /etc/xen/pvhtest.cfg extra='spin'")
    spin = con.expect(r'\[pvhtest\] pvhtest: spinning', 20)
    t.ok(spin is not None and 'cmdline: spin' in spin,
         'extra= becomes the PVH guest\'s command line in hvm_start_info', spin or con.text[-2000:])
    con.expect(re.escape(PROMPT), 5)
    out = con.command('xl list')
    t.ok(re.search(r'^pvhtest\s+\d+\s+16\s+2\s+[-rb]-----', out or '', re.M) is not None,
         'xl list: the running PVH guest with 16 MiB and its 2 vCPUs', out)
    info = con.command('xl info')
    t.ok(int(field(info, 'free_memory') or 0) < int(free0) - 15,
         'xl info: its 16 MiB are taken from the pool', info)
    out = con.command('xl console -t serial pvhtest')
    t.ok(out is not None and 'not supported yet' in out and 'no emulated UART' in out,
         'xl console -t serial: no emulated UART yet', out)
    back = attach_and_detach(con, 'pvhtest')
    t.ok(back is not None and 'not supported' not in back,
         'xl console -t pv: attaches to the PVH guest\'s PV console; Ctrl-] detaches', back)
    out = con.command('xl pause pvhtest')
    out = con.command('xl list')
    t.ok(re.search(r'^pvhtest\s+\d+\s+16\s+2\s+--p---', out or '', re.M) is not None,
         'xl pause of a PVH guest', out)
    con.command('xl unpause pvhtest')
    out = con.command('xl destroy pvhtest')
    out = con.command('xl list')
    t.ok(names(out) == BASE, 'xl destroy: the spinning PVH guest is gone', out)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'xl destroy: every page of the PVH guest back', info)

    out = con.command("xl create /etc/xen/pvhtest.cfg on_crash='restart'")
    loop = con.expect(r'xl: domain pvhtest crashed 3 times within 10 s: stopped, not restarted', 30)
    t.ok(loop is not None and loop.count('[pvhtest] pvhtest: triple fault') == 3
         and 'restarted as domain' in loop,
         'on_crash=restart: the PVH guest is rebuilt from its kernel; a crash loop is stopped',
         loop or con.text[-3000:])
    con.expect(re.escape(PROMPT), 5)
    info = con.command('xl info')
    t.ok(field(info, 'free_memory') == free0, 'the restarted PVH guests\' memory is back', info)


def attach_and_detach(con, name):
    """xl console -t pv NAME, then Ctrl-]: what came until the prompt."""
    con.proc.stdin.write(b'xl console -t pv ' + name.encode() + b'\r')
    con.proc.stdin.flush()
    time.sleep(1)
    con.proc.stdin.write(b'\x1d')
    con.proc.stdin.flush()
    return con.expect(re.escape(PROMPT), 10)


def nothing_left(con, t, free0, what):
    """Only Domain-0 and the stub domains listed, all free memory back."""
    out = con.command('xl list')
    info = con.command('xl info')
    t.ok(names(out) == BASE and field(info, 'free_memory') == free0, what,
         (out or '') + (info or ''))


def hvm_session(con, t, free0):
    """type="hvm": the firmware (toolstack/tests/hvmfw, firmware_override)
    is loaded and checked first; with a device model the guest is then
    refused, with device_model_version="none" it runs its firmware."""
    out = con.command('xl create /etc/xen/hvm.cfg')
    t.ok(out is not None and
         'xl: create: HVM guests with emulated devices need a device model, which is not '
         'supported yet; device_model_version="none" runs the firmware (/boot/hvmfw.elf) '
         'without one' in out,
         'xl create of an HVM guest with a device model: refused after its firmware loaded', out)
    out = con.command("xl create /etc/xen/hvm.cfg firmware_override='/boot/hvmloader'")
    t.ok(out is not None and
         'xl: create: firmware_override /boot/hvmloader: No such file or directory' in out
         and 'device model' not in out,
         'a missing firmware is reported before the device model', out)
    out = con.command("xl create /etc/xen/hvm.cfg firmware_override='/etc/xen/hvm.cfg'")
    t.ok(out is not None and
         'xl: create: firmware_override /etc/xen/hvm.cfg: not an ELF image' in out,
         'a firmware that is not an ELF: a clear error naming the file', out)
    out = con.command("xl create /etc/xen/hvmfw.cfg firmware_override='/boot/pvhtest.elf' "
                      "memory=2")
    t.ok(out is not None and 'xl: create: firmware_override /boot/pvhtest.elf: its segments '
         'end at ' in out and 'above the RAM for it' in out,
         'a firmware whose segments do not fit in guest RAM: a clear error', out)
    nothing_left(con, t, free0, 'the refused HVM guests left no domain behind and took no memory')

    out = con.command('xl create /etc/xen/hvmfw.cfg')
    done = con.expect(r'xl: domain hvmfw \(\d+\) stopped: poweroff; on_poweroff=destroy', 20)
    t.ok(done is not None and '[hvmfw] hvmfw: entered at e_entry in 32-bit flat protected mode, '
         'hvm_start_info magic ok' in done,
         'an HVM guest (device_model_version="none") enters its firmware ELF at e_entry in '
         '32-bit flat protected mode, %ebx = hvm_start_info', (out or '') + (done or con.text[-2000:]))
    t.ok(done is not None and '[hvmfw] hvmfw: 32-bit and PAE paging on' in done,
         'the firmware turns on 32-bit and PAE paging (hvm-3.0-x86_32, _32p)', done)
    t.ok(done is not None and '[hvmfw] hvmfw: no command line\n' in done,
         'no command line unless one is given', done)
    t.ok(done is not None and '[hvmfw] hvmfw: e820 entries 0x00000004, ACPI RSDP at 0x000e0000'
         in done, 'its hvm_start_info: the PVH e820 map and the ACPI tables', done)
    t.ok(done is not None and '[hvmfw] hvmfw: powering off through the ACPI sleep control '
         'register (S5)' in done and 'still running' not in done,
         'it powers off through ACPI S5; on_poweroff applies', done)
    con.expect(re.escape(PROMPT), 5)
    nothing_left(con, t, free0, 'the powered-off HVM guest is gone with every page back')

    out = con.command("xl create /etc/xen/hvmfw.cfg extra='spin'")
    spin = con.expect(r'\[hvmfw\] hvmfw: spinning', 20)
    t.ok(spin is not None and '[hvmfw] hvmfw: command line: spin' in spin,
         'extra= becomes the firmware\'s command line in hvm_start_info', spin or con.text[-2000:])
    con.expect(re.escape(PROMPT), 5)
    out = con.command('xl list')
    t.ok(re.search(r'^hvmfw\s+\d+\s+16\s+1\s+[-rb]-----', out or '', re.M) is not None,
         'xl list: the running HVM guest with 16 MiB and its vCPU', out)
    out = con.command('xl vcpu-list hvmfw')
    t.ok(re.search(r'^hvmfw\s+\d+\s+0\s+\d+\s+', out or '', re.M) is not None,
         'xl vcpu-list: the HVM guest\'s vCPU 0', out)
    back = attach_and_detach(con, 'hvmfw')
    t.ok(back is not None and 'not supported' not in back,
         'xl console: attaches to the HVM guest\'s PV console; Ctrl-] detaches', back)
    con.command('xl destroy hvmfw')
    nothing_left(con, t, free0, 'xl destroy: the HVM guest is gone with every page back')

    out = con.command("xl create /etc/xen/pvhtest.cfg type='hvm' device_model_version='none'")
    done = con.expect(r'xl: domain pvhtest \(\d+\) stopped: crash; on_crash=destroy', 20)
    t.ok(out is not None and 'device_model_version: with kernel= this is Xen 4.9\'s form of a '
         'PVH guest: mapped to type="pvh"' in out and done is not None
         and '[pvhtest] pvhtest: hvm_start_info ok' in done,
         'Xen 4.9\'s HVM guest without a device model and with kernel= boots as a PVH guest',
         (out or '') + (done or con.text[-2000:]))
    con.expect(re.escape(PROMPT), 5)

    out = con.command("xl create /etc/xen/hvmfw.cfg extra='crash' on_crash='restart'")
    loop = con.expect(r'xl: domain hvmfw crashed 3 times within 10 s: stopped, not restarted', 30)
    t.ok(loop is not None and loop.count('[hvmfw] hvmfw: triple fault') == 3
         and loop.count('[hvmfw] hvmfw: entered at e_entry') == 3 and 'restarted as domain' in loop,
         'on_crash=restart: the HVM guest is rebuilt from its firmware; a crash loop is stopped',
         loop or con.text[-3000:])
    con.expect(re.escape(PROMPT), 5)
    nothing_left(con, t, free0, 'the restarted HVM guests are gone with every page back')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('iso')
    ap.add_argument('--timeout', type=int, default=120)
    args = ap.parse_args()
    start = time.monotonic()
    proc = start_qemu(args.iso, 512)
    con = Console(proc)
    t = Tap()
    watchdog = threading.Timer(args.timeout, proc.kill)
    watchdog.start()
    try:
        session(con, t)
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
