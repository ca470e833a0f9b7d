#!/bin/busybox sh
# /init of the Linux test guest's initramfs (busybox-static).
# Prints GUEST_MARKER_<marker>_UP (marker=<x> on the kernel command line,
# default "linux": the same line as the Xen reference guest's), reads the
# guest's XenStore key `name` with Debian's xenstore-read and powers off.
# tessera.test=<mode> selects what happens in between:
#   smp   print the online CPUs (cpus=0-1) before the marker
#   hold  stay up and echo each console line back as "hold: <line>"
#         (hold=1, the reference guest's switch, does the same)
#   fuzz  load xen-privcmd.ko and run hcfuzz with tessera.seed=<n>
#         tessera.iters=<n> (defaults 1 and 10000)
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# The value of KEY=value on the kernel command line (empty if absent).
arg() {
	for word in $(cat /proc/cmdline); do
		case $word in "$1"=*) echo "${word#*=}"; return;; esac
	done
}

mode=$(arg tessera.test)
[ "$(arg hold)" = 1 ] && mode=hold
marker=$(arg marker)
[ "$mode" = smp ] && echo "cpus=$(cat /sys/devices/system/cpu/online)"
tsc=$(/bin/tsc)
echo "GUEST_MARKER_${marker:-linux}_UP"
echo "marker tsc=$tsc"

if name=$(/usr/bin/xenstore-read name 2>&1); then
	echo "XENSTORE name=$name"
else
	echo "XENSTORE read failed: $name"
fi

case $mode in
hold)
	echo "hold: type a line, it comes back"
	while read -r line; do echo "hold: $line"; done
	while :; do sleep 3600; done
	;;
fuzz)
	insmod /lib/modules/xen-privcmd.ko unrestricted=1 ||
		echo "fuzz: cannot load xen-privcmd.ko"
	seed=$(arg tessera.seed)
	iters=$(arg tessera.iters)
	/bin/hcfuzz "${seed:-1}" "${iters:-10000}"
	echo "fuzz: hcfuzz exited with status $?"
	;;
esac
echo "poweroff"
poweroff -f
