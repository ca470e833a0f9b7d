#!/bin/sh
# Sets up and builds Tessera, then boots the appliance ISO (kernel, init and
# two demo domains) in QEMU with the serial console on this terminal.
# Quit QEMU with Ctrl-A X.
set -eu
cd "$(dirname "$0")/.."
sh ci/setup.sh
sh ci/configure.sh
exec qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024 -display none \
  -serial mon:stdio -no-reboot -cdrom build/services/init/tessera.iso
