#!/usr/bin/env python3
"""The xl command line (TAP): help texts, option errors, exit codes, dry-run
create, and the honest "not supported yet" of every command that needs a
hypervisor on a host without Tessera's control interface.
usage: test_xl.py XL MKIMAGES"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

xl, mkimages = os.path.abspath(sys.argv[1]), sys.argv[2]
d = tempfile.mkdtemp()
subprocess.run([sys.executable, mkimages, d], check=True)
results = []
NOTSUP = "not supported yet on this host (no Tessera control interface)"


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def run(*args):
    p = subprocess.run([xl, *args], capture_output=True, text=True, cwd=d)
    return p.returncode, p.stdout, p.stderr


def cfg(name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


rc, out, err = run("help")
check("xl help exits 0", rc == 0)
check("xl help lists create", " create              Create a domain from config file <filename>\n" in out)
for c in ["list", "destroy", "shutdown", "reboot", "pause", "unpause", "console", "info",
          "dmesg", "top", "vcpu-list", "vcpu-pin", "vcpu-set", "mem-set", "mem-max",
          "sched-credit", "block-attach", "block-detach", "block-list", "network-attach",
          "network-detach", "network-list", "rename", "domid", "domname", "uptime", "save",
          "restore", "migrate"]:
    check("xl help lists %s" % c, ("\n %-20s" % c) in out)
rc, out, err = run("help", "create")
check("xl help create", rc == 0 and out.startswith(
    "Usage: xl [-vtTfN] create <ConfigFile> [options] [vars]\n\n"
    "Create a domain from config file <filename>.\n\nOptions:\n\n"
    "-c                      Connect to the console after the domain is created.\n"))
rc, out, err = run("help", "destroy")
check("xl help destroy (as xl 4.17)", out ==
      "Usage: xl [-vtTf] destroy [options] <Domain>\n\n\nTerminate a domain immediately.\n\n"
      "Options:\n\n-f                      Permit destroying domain 0, which will only succeed\n"
      "                        when run from disaggregated toolstack domain with a\n"
      "                        hardware domain distinct from domain 0.\n", out)
rc, out, err = run("help", "list")
check("xl help list", out.startswith("Usage: xl [-vtT] list [options] [Domain]\n\n\n"
                                     "List information about all/some domains.\n"), out)
rc, out, err = run()
check("xl without a command exits 2", rc == 2 and "Usage xl" in err)
rc, out, err = run("frobnicate")
check("unknown command exits 2", rc == 2 and 'command "frobnicate" not implemented' in err)
rc, out, err = run("-Q", "list")
check("unknown global option exits 2", rc == 2 and "invalid option -- 'Q'" in err)
rc, out, err = run("list", "--frob")
check("unknown command option exits 2", rc == 2 and "unrecognized option '--frob'" in err)
rc, out, err = run("destroy")
check("missing argument exits 2", rc == 2 and "'xl destroy' requires at least 1 argument.\n" in err)
rc, out, err = run("rename", "a")
check("rename needs 2 arguments", rc == 2 and "'xl rename' requires at least 2 arguments." in err)
rc, out, err = run("create")
check("create without config (as xl 4.17)", rc == 6 and
      err == "Config file not specified and none in save file\n")

pv = cfg("debian1.cfg", """name = "debian1"
kernel = "/boot/vmlinuz-xen"
ramdisk = "/boot/initrd.img-xen"
memory = 512
vcpus = 2
vif = ['mac=00:16:3e:12:23:34, bridge=xenbr0']
disk = ['phy:/dev/vg0/debian1,xvda1,w', 'file:/srv/swap.img,xvda2,w']
root = "/dev/xvda1 ro"
extra = "console=hvc0"
on_poweroff = "destroy"
""")
rc, out, err = run("-N", "create", pv)
check("-N create exits 0", rc == 0, err)
check("-N create says what it parses", err == "Parsing config from %s\n" % pv, err)
try:
    j = json.loads(out)
except ValueError:
    j = {}
check("-N create prints JSON", bool(j))
check("JSON c_info", j.get("c_info") == {"type": "pv", "name": "debian1"})
b = j.get("b_info", {})
check("JSON b_info memory and vcpus", b.get("max_memkb") == 524288 and
      b.get("target_memkb") == 524288 and b.get("max_vcpus") == 2 and b.get("avail_vcpus") == [0, 1])
check("JSON cmdline from root + extra", b.get("cmdline") == "root=/dev/xvda1 ro console=hvc0")
check("JSON disks", [x.get("vdev") for x in j.get("disks", [])] == ["xvda1", "xvda2"])
check("JSON nics", j.get("nics", [{}])[0].get("mac") == "00:16:3e:12:23:34")
check("JSON layout like libxl's (4 spaces, empty objects)",
      '\n    "b_info": {\n        "max_vcpus": 2,' in out and '"type.pv": {\n\n        },' in out)
rc2, out2, _ = run("create", "-n", pv)
check("create -n is the same dry run", rc2 == 0 and out2 == out)
rc, out, err = run("-N", "create", pv, "memory=1024", 'name="debian2"')
check("KEY=VALUE overrides", rc == 0 and '"name": "debian2"' in out and '"target_memkb": 1048576' in out)
rc, out, err = run("-N", "create", "-f", pv, "vcpus=1")
check("-f FILE", rc == 0 and '"max_vcpus": 1' in out)
rc, out, err = run("-N", "create", "-q", pv)
check("-q hides the parsing line", rc == 0 and err == "")

bad = cfg("bad.cfg", 'name = "x"\nmemory = "lots"\nkernel = "/k"\nfrob = 1\n')
rc, out, err = run("-N", "create", bad)
check("invalid value: exit 1, nothing printed", rc == 1 and out == "")
check("invalid value: FILE:LINE: KEY: reason", "%s:2: memory: 'lots' is not a number\n" % bad in err, err)
check("unknown key warns", "warning: %s:4: frob: unknown key, ignored\n" % bad in err, err)
rc, out, err = run("-N", "create", os.path.join(d, "missing.cfg"))
check("missing config file", rc == 1 and "Failed to read config file: " in err and
      "No such file or directory" in err)

pvh = cfg("pvh.cfg", 'name="t1"\ntype="pvh"\nkernel="%s"\nmemory=64\n' % os.path.join(d, "elf64.elf"))
rc, out, err = run("create", pvh)
check("create builds the plan then reports the missing backend", rc == 1 and
      ("xl: create: " + NOTSUP) in err, err)
rc, out, err = run("create", "-p", "-F", "-c", "-d", pvh)
check("create -p -F -c -d reaches the backend", rc == 1 and err.endswith("xl: create: " + NOTSUP + "\n"), err)
for img, msg in [("noxen.elf", "Not a Xen-ELF image"), ("overlap.elf", "ELF segments overlap")]:
    c = cfg("k-" + img + ".cfg", 'name="t1"\ntype="pvh"\nkernel="%s"\n' % os.path.join(d, img))
    rc, out, err = run("create", c)
    check("create refuses %s" % img, rc == 1 and msg in err and NOTSUP not in err, err)
c = cfg("nokernel.cfg", 'name="t1"\nkernel="/nonexistent/vmlinuz"\n')
rc, out, err = run("create", c)
check("create with a missing kernel", rc == 1 and
      "xl: create: kernel /nonexistent/vmlinuz: No such file or directory" in err, err)
c = cfg("hvm.cfg", 'name="w"\ntype="hvm"\n')
rc, out, err = run("create", c)
check("HVM create without firmware_override names what is missing", rc == 1 and
      "xl: create: firmware_override: not set: an HVM guest starts from a firmware ELF" in err, err)
fw = os.path.join(d, "noxen.elf")
c = cfg("hvm-dm.cfg", 'name="w"\ntype="hvm"\nfirmware_override="%s"\nmemory=16\n' % fw)
rc, out, err = run("create", c)
check("HVM create with a device model: refused after the firmware is checked", rc == 1 and
      "HVM guests with emulated devices need a device model, which is not supported yet; "
      "device_model_version=\"none\" runs the firmware" in err and NOTSUP not in err, err)
c = cfg("hvm-bad.cfg", 'name="w"\ntype="hvm"\nfirmware_override="%s"\n' % mkimages)
rc, out, err = run("create", c)
check("HVM create with a firmware that is not an ELF: that error first", rc == 1 and
      ("xl: create: firmware_override %s: not an ELF image" % mkimages) in err, err)
c = cfg("hvm-none.cfg", 'name="w"\ntype="hvm"\nfirmware_override="%s"\nmemory=16\n'
        'device_model_version="none"\n' % fw)
rc, out, err = run("create", c)
check("HVM create with device_model_version=\"none\" builds the plan, reaches the backend",
      rc == 1 and err.endswith("xl: create: " + NOTSUP + "\n"), err)

commands = [
    ("list",), ("list", "-l"), ("info",), ("dmesg",), ("dmesg", "-c"), ("top", "-b"),
    ("vcpu-list",), ("uptime",), ("sched-credit",), ("sched-credit", "-d", "d", "-w", "512"),
    ("destroy", "d"), ("shutdown", "d"), ("shutdown", "-a", "-w"), ("reboot", "d"),
    ("pause", "d"), ("unpause", "d"), ("console", "d"), ("vcpu-pin", "d", "0", "all"),
    ("vcpu-set", "d", "2"), ("mem-set", "d", "256m"), ("mem-max", "d", "1g"),
    ("block-attach", "d", "phy:/dev/cdrom", "xvdc", "r"), ("block-detach", "d", "xvdc"),
    ("block-list", "d"), ("network-attach", "d", "bridge=xenbr0"),
    ("network-detach", "d", "0"), ("network-list", "d"), ("rename", "d", "e"),
    ("domid", "d"), ("domname", "0"), ("save", "d", "/tmp/s"), ("restore", "/tmp/s"),
    ("migrate", "d", "host2"), ("uptime", "-s"), ("save", "-c", "d", "/tmp/s", "/tmp/c"),
    ("restore", "-p", "/tmp/c", "/tmp/s"), ("migrate", "-C", "/tmp/c", "d", "host2"),
    ("shutdown", "-w", "-F", "d"), ("vcpu-set", "-i", "d", "8"),
    ("block-detach", "-f", "d", "xvdc"), ("vcpu-pin", "d", "all", "0-1", "-"),
]
for args in commands:
    rc, out, err = run("-v", *args)
    want = "xl: %s: %s\n" % (args[0], NOTSUP)
    check("xl %s: not supported yet, exit 1" % " ".join(args), rc == 1 and err == want and out == "",
          err)
rc, out, err = run("block-attach", "d", "phy:/dev/cdrom", "xvdc", "x")
check("block-attach checks the spec first", rc == 1 and "invalid access mode" in err and NOTSUP not in err)
rc, out, err = run("network-attach", "d", "mac=zz")
check("network-attach checks the spec first", rc == 1 and "invalid MAC address 'zz'" in err)
rc, out, err = run("mem-set", "d", "lots")
check("mem-set checks the size first", rc == 1 and err == "invalid memory size: lots\n")
rc, out, err = run("vcpu-set", "d", "0")
check("vcpu-set checks the count first", rc == 1 and "Invalid argument 0 as VCPU" in err)
rc, out, err = run("vcpu-pin", "d", "x", "all")
check("vcpu-pin checks the vcpu first", rc == 1 and err == "Invalid vcpu x\n", err)
rc, out, err = run("vcpu-pin", "d", "0", "3-1")
check("vcpu-pin checks the cpu set first", rc == 1 and err == "Invalid cpu set 3-1\n", err)
rc, out, err = run("help", "uptime")
check("xl help uptime", rc == 0 and "-s                      Uptime in short format" in out)
rc, out, err = run("top")
check("top without -b", rc == 1 and "only batch mode (-b)" in err)
rc, out, err = run("console", "-t", "vga", "d")
check("console -t checks the type", rc == 2 and "console type supported are: pv, serial, vuart" in err)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name,
                            "" if ok or not detail else " # %r" % (detail,)))
shutil.rmtree(d, ignore_errors=True)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
