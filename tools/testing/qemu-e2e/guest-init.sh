#!/bin/sh
# init of the e2e guest (busybox initramfs built by scripts/guest-build.sh).
# Parameters on the kernel command line:
#   e2e.phases=P1,P2,...  what to do, in order (see below)
#   e2e.key=KEY           the Toeplitz key, 40 bytes as aa:bb:...
#   e2e.frames=N          test frames the host sends per traffic phase
# Phases:
#   rss     ethtool -L eth0 combined 4; ethtool -X eth0 hkey KEY equal 4;
#           ethtool -K eth0 rxhash on
#   weight  ethtool -X eth0 weight 2 1 1 1 (queue 0 keeps table entry 0)
#   udp4sd  ethtool -N eth0 rx-flow-hash udp4 sd
#   reset   unbind virtio_net: the device is reset, RSS is off
#   wait    nothing: the host sends the same traffic again
#   migrate nothing: the host migrates the VM first, then sends traffic
# Each phase prints "e2e: phase NAME", the indirection table and hash
# fields, then (except reset) runs rxq until N test frames arrived; "e2e:
# end" closes the run.  The host drives the traffic from the console.
export PATH=/bin:/sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in failover net_failover virtio_net; do
	insmod /lib/modules/$m.ko || echo "e2e: insmod $m failed"
done

arg() { sed -n "s/.*\<e2e\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
phases=$(arg phases | tr , ' ')
key=$(arg key)
frames=$(arg frames)

i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set eth0 up
echo "e2e: features $(cat /sys/bus/virtio/devices/virtio*/features 2>/dev/null | head -n 1)"

show() {
	ethtool -x eth0 | sed 's/^/e2e: x: /'
	echo "e2e: k: $(ethtool -k eth0 | grep receive-hashing)"
	for t in tcp4 udp4 tcp6 udp6; do
		echo "e2e: n: $t $(ethtool -n eth0 rx-flow-hash $t | tr '\n' ' ')"
	done
}

for p in $phases; do
	echo "e2e: phase $p"
	case $p in
	rss)	ethtool -L eth0 combined 4 || echo "e2e: error ethtool -L"
		ethtool -X eth0 hkey "$key" equal 4 || echo "e2e: error ethtool -X"
		# the kernel takes the device's hash only with rxhash on
		ethtool -K eth0 rxhash on || echo "e2e: error ethtool -K rxhash" ;;
	weight)	ethtool -X eth0 weight 2 1 1 1 || echo "e2e: error ethtool -X weight" ;;
	udp4sd)	ethtool -N eth0 rx-flow-hash udp4 sd || echo "e2e: error ethtool -N" ;;
	reset)	d=$(basename "$(readlink /sys/class/net/eth0/device)")
		echo "$d" > /sys/bus/virtio/drivers/virtio_net/unbind
		echo "e2e: reset done"
		sleep 5	# the host looks at the tap now
		continue ;;
	wait|migrate)	;;
	esac
	show
	/bin/rxq eth0 4 "$frames" 120
done
echo "e2e: end"
poweroff -f
