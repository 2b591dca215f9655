#!/bin/bash
# Run upstream's RSS API selftest, tools/testing/selftests/drivers/net/hw/
# rss_api.py from Debian sid's linux-source-7.2 (scripts/fetch-sid-linux-
# source.sh, build/sid-src/linux), unmodified, inside the patched kernel
# against a multi-queue tap whose queues are held, and print its KTAP.
#
#   scripts/upstream-rss-api.sh [-q QUEUES] [-- rss_api.py args]
#
# The test runs in its own tree: its lib/py, the 7.2 YNL library and the
# 7.2 ethtool.yaml (not ours: the test then speaks upstream's protocol to
# our kernel, and an attribute our kernel adds or refuses shows), with
# Debian sid's ethtool (build/sid) first in PATH.  Only the environment is
# adapted to a tap in UML:
#  - NETIF names the tap (NetDrvEnv reads it from the environment);
#  - the test counts queues as /sys/class/net/DEV/queues/rx-* directories,
#    which a kernel without CONFIG_RPS (UML: no SMP) does not create; then a
#    tmpfs over that queues/ directory holds one empty rx-N directory for
#    each of the device's real receive queues (read from the kernel over
#    the ethtool ioctl, ETHTOOL_GCHANNELS) and nothing else.
# When the package could not be fetched, prints one skipped result whose
# reason is build/sid-src/REASON, and exits 0.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
S=$B/sid-src
T=$S/linux/tools/testing/selftests/drivers/net/hw
KS=$B/kselftest/drivers/net/tun_rss
DEV=tap0
nq=4

if [ "${1:-}" = --in-vm ]; then
	shift
	nq=$1; shift
	[ "${1:-}" = -- ] && shift
	# tap_hold holds the queues (carrier up) until its stdin closes
	coproc HOLD { "$KS/tap_hold" "$DEV" "$nq"; }
	read -r -t 30 -u "${HOLD[0]}" line
	case $line in
	ready*) ;;
	*) echo "# tap_hold: ${line:-no answer}"; exit 1 ;;
	esac
	if ! ls -d "/sys/class/net/$DEV/queues/rx-"* >/dev/null 2>&1; then
		rxq=$(PATH=$B/sid/usr/sbin:$PATH ethtool --disable-netlink -l "$DEV" |
		      awk '/^Current hardware settings/ { c = 1 } c && /^Combined:/ { print $2; exit }')
		q=$(readlink -f "/sys/class/net/$DEV/queues")
		mount -t tmpfs -o size=64k,mode=755 upstream-rss-api "$q" || exit 1
		for ((i = 0; i < rxq; i++)); do mkdir "$q/rx-$i"; done
		echo "# no CONFIG_RPS: $q is a tmpfs with rx-0..rx-$((rxq - 1)) (ETHTOOL_GCHANNELS: $rxq combined)"
	fi
	cd "$T" || exit 1
	PATH=$B/sid/usr/sbin:$PATH NETIF=$DEV python3 ./rss_api.py "$@"
	rc=$?
	[ -n "${q:-}" ] && umount "$q"
	exec {HOLD[1]}>&-
	wait
	exit $rc
fi

while getopts "q:" o; do
	case $o in
	q) nq=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift

why=
if [ ! -f "$T/rss_api.py" ]; then
	why=$(cat "$S/REASON" 2>/dev/null || echo "not fetched (scripts/fetch-sid-linux-source.sh)")
	why="Debian sid's linux-source-7.2: $why"
elif [ ! -x "$B/sid/usr/sbin/ethtool" ]; then
	why="Debian sid's ethtool: $(cat "$B/sid/REASON" 2>/dev/null || echo "not fetched (scripts/fetch-sid-ethtool.sh)")"
elif [ ! -x "$KS/tap_hold" ]; then
	why="$KS/tap_hold not built (scripts/selftests-build.sh)"
fi
if [ -n "$why" ]; then
	echo "TAP version 13"
	echo "1..1"
	echo "ok 1 rss_api # SKIP $why"
	exit 0
fi
echo "# rss_api.py from $(cat "$S/VERSION"), sid ethtool: $(cat "$B/sid/VERSION" 2>/dev/null)"
exec "$top/scripts/vm.sh" -t "${VM_TIMEOUT:-900}" -- "$top/scripts/upstream-rss-api.sh --in-vm $nq -- $*"
