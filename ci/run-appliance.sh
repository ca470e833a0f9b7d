#!/bin/sh
# Sets up and builds Tessera, then boots the appliance ISO in QEMU with the
# serial console on this terminal: Domain-0's xl shell, with the demo guest
# of /etc/xen/auto started at boot (try xl list, xl create /etc/xen/demo.cfg,
# xl info, xl dmesg). Quit QEMU with Ctrl-A X.
set -eu
cd "$(dirname "$0")/.."
sh ci/setup.sh
sh ci/configure.sh
exec qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024 -display none \
  -serial mon:stdio -no-reboot -cdrom build/stubdoms/demo/tessera.iso
