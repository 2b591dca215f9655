#!/bin/sh
# PID 1 inside the UML test kernel (see scripts/vm.sh).  Sets up a fresh
# minimal userspace on the host's root (hostfs), runs the one command from
# $TUNRSS_RUN/cmd in $TUNRSS_RUN/cwd, records its exit status and the
# kernel log, and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8
run=$TUNRSS_RUN

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
# What udev would create: tools write to /dev/stdout (kselftest's runner)
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
# A fresh /tmp and /run, unless this checkout lives there (a clone in /tmp
# would vanish under the tmpfs): then the host's are used as they are.
case "$run" in /tmp/*) ;; *) mount -t tmpfs tmp /tmp ;; esac
case "$run" in /run/*) ;; *) mount -t tmpfs run /run ;; esac
mount -t debugfs debugfs /sys/kernel/debug
ip link set lo up

cd "$(cat "$run/cwd")" || cd /
start=$(date +%s)
sh "$run/cmd"
echo $? > "$run/status.tmp"

if [ -w /sys/kernel/debug/kmemleak ] && [ "${TUNRSS_KMEMLEAK:-1}" = 1 ]; then
	# kmemleak only reports objects older than 5 s: let the test's
	# objects age, then scan twice so transient references settle.
	el=$(( $(date +%s) - start ))
	[ $el -lt 6 ] && sleep $((6 - el))
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$run/kmemleak"
fi
dmesg > "$run/dmesg"
mv "$run/status.tmp" "$run/status"
sync
# UML powers off; qemu (scripts/vm.sh -x, TUNRSS_EXIT=reboot, -no-reboot)
# exits on an immediate reboot, the orderly power-off would first run the
# host's /sbin/poweroff
if [ "${TUNRSS_EXIT:-}" = reboot ]; then
	echo b > /proc/sysrq-trigger
else
	echo o > /proc/sysrq-trigger
fi
sleep 10
