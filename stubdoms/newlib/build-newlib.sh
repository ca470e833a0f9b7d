#!/bin/sh
# Builds Newlib 3.3.0 for Tessera's user target (run by Meson's custom_target).
#   build-newlib.sh SRC WORKDIR OUTDIR
# SRC: the unpacked newlib-salsa tree; WORKDIR: scratch build and install
# tree; OUTDIR: where libc.a, libm.a and the include/ tree are copied.
# The host gcc acts as the target compiler: x86_64-elf falls in configure's
# generic case, so the system-call stubs are named without underscores
# (write, sbrk, ...) and libos provides them (see docs/stubdoms.md).
set -eu
src=$(cd "$1" && pwd)
work=$2
out=$3
mkdir -p "$work/build" "$out"
work=$(cd "$work" && pwd)
out=$(cd "$out" && pwd)

flags="-O2 -g -fno-pic -fno-pie -mno-red-zone -fno-stack-protector -ffunction-sections"
flags="$flags -fdata-sections -fno-builtin -D_I386MACH_ALLOW_HW_INTERRUPTS"
log="$work/build.log"
(
	cd "$work/build"
	if [ ! -f Makefile ]; then
		CC_FOR_TARGET=gcc AR_FOR_TARGET=ar LD_FOR_TARGET=ld RANLIB_FOR_TARGET=ranlib \
		AS_FOR_TARGET=as NM_FOR_TARGET=nm OBJDUMP_FOR_TARGET=objdump \
		STRIP_FOR_TARGET=strip CFLAGS_FOR_TARGET="$flags" \
		"$src/configure" --prefix="$work/install" --target=x86_64-elf --disable-multilib \
			--enable-newlib-io-long-long --enable-newlib-io-c99-formats \
			--disable-newlib-supplied-syscalls --disable-nls
	fi
	make -j2
	make install
) > "$log" 2>&1 || { tail -40 "$log" >&2; echo "build-newlib: failed, see $log" >&2; exit 1; }

lib="$work/install/x86_64-elf"
cp "$lib/lib/libc.a" "$lib/lib/libm.a" "$out/"
rm -rf "$out/include"
cp -r "$lib/include" "$out/include"
cp "$lib/include/newlib.h" "$out/newlib.h"
