#!/bin/busybox sh
# /init of the Linux test guest's initramfs (busybox-static).
# Prints GUEST_MARKER_<marker>_UP (marker=<x> on the kernel command line,
# default "linux": the same line as the Xen reference guest's), reads the
# guest's XenStore key `name` with Debian's xenstore-read and powers off.
# Without a mode it first reads, writes and reads again 0xfed00000 through
# /dev/mem (busybox devmem): nothing is there in a PVH guest, so both
# reads must give all ones. tessera.test=<mode> selects what happens in
# between:
#   smp   print the online CPUs (cpus=0-1) before the marker
#   hold  stay up and echo each console line back as "hold: <line>"
#         (hold=1, the reference guest's switch, does the same)
#   fuzz  load xen-privcmd.ko and run hcfuzz with tessera.seed=<n>
#         tessera.iters=<n> (defaults 1 and 10000); tessera.verbose=1
#         prints each hypercall before it is issued
#   pong  event-channel ping-pong server: lets any domain write
#         data/evtping/client in its home, binds a port for that domain,
#         writes it to data/evtping/port and answers events forever
#   ping  its client: tessera.peer=<server domid>, tessera.rounds=<n>
#         (default 10000); prints EVTPING rounds=... ns_per_round_trip=...
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
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

if [ -z "$mode" ]; then
	before=$(devmem 0xfed00000 32 2>&1)
	devmem 0xfed00000 32 0x12345678
	echo "MMIO 0xfed00000=$before, after a write $(devmem 0xfed00000 32 2>&1)"
fi

if name=$(xenstore-read name 2>&1); then
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
	# Since XSA-482 privcmd serves a domU only its target domain's calls
	# unless loaded with unrestricted=1.
	insmod /lib/modules/xen-privcmd.ko unrestricted=1 ||
		echo "fuzz: cannot load xen-privcmd.ko"
	seed=$(arg tessera.seed)
	iters=$(arg tessera.iters)
	[ "$(arg tessera.verbose)" = 1 ] && verbose=1
	/bin/hcfuzz "${seed:-1}" "${iters:-10000}" ${verbose:+verbose}
	echo "fuzz: hcfuzz exited with status $?"
	;;
pong)
	insmod /lib/modules/xen-evtchn.ko
	me=$(xenstore-read domid)
	# Owned by this domain, readable and writable by every other one.
	err=$(xenstore-write data/evtping/ready 1 2>&1 && xenstore-chmod data/evtping "b$me" 2>&1) ||
		echo "pong: data/evtping: $err"
	echo "pong: waiting for a client to write data/evtping/client"
	until client=$(xenstore-read data/evtping/client 2>/dev/null); do sleep 0.1; done
	evtping serve "$client" > /tmp/evtping &
	server=$!
	until grep -q '^port=' /tmp/evtping || ! kill -0 $server 2>/dev/null; do sleep 0.1; done
	port=$(sed -n 's/^port=//p' /tmp/evtping)
	[ -n "$port" ] && xenstore-write data/evtping/port "$port" &&
		echo "pong: serving domain $client on port $port"
	wait $server
	cat /tmp/evtping
	;;
ping)
	insmod /lib/modules/xen-evtchn.ko
	server=$(arg tessera.peer)
	rounds=$(arg tessera.rounds)
	[ -n "$server" ] || { echo "ping: no tessera.peer=<server domid>"; poweroff -f; }
	# The server's data/evtping is writable once it has set it up.
	until err=$(xenstore-write "/local/domain/$server/data/evtping/client" \
			"$(xenstore-read domid)" 2>&1); do
		[ -n "$said" ] || echo "ping: waiting for $server's data/evtping: $err"
		said=1
		sleep 0.1
	done
	until port=$(xenstore-read "/local/domain/$server/data/evtping/port" 2>/dev/null); do
		sleep 0.1
	done
	/bin/evtping ping "$server" "$port" "${rounds:-10000}"
	;;
esac
echo "poweroff"
poweroff -f
