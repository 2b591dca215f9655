#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's ethtool 6.1 (ethtool-patches/) on a kernel WITHOUT the
# tun-rss series (the pristine base, "make kernel-base"): where the kernel
# lacks RSS_SET/RSS_CREATE_ACT/RSS_DELETE_ACT, FLOW_RULE_* or the device
# lacks the operation, -x/-X/-n/-N must fall back to the ioctl silently and
# behave exactly as the stock ethtool 6.1 does: same output, same errors,
# same exit status, command by command.  That the fallback went through
# the ioctl is shown by ioctl_deny making both fail the same way.
#
# Not part of the patched kernel's run (there the messages exist); run it
# in the base kernel:
#   VM_KERNEL=build/kbuild-um-base/linux scripts/vm.sh -- \
#	'cd build/kselftest/drivers/net/tun_rss && ./ethtool_fallback.sh'
#
# Environment: ETHTOOL_PATCHED, ETHTOOL as in ethtool_patched.sh.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=ethtool_fallback
source "$DIR/tap_lib.sh"
DEV=etfb0
NQ=4
ETHTOOL=${ETHTOOL:-/usr/sbin/ethtool}

EP=${ETHTOOL_PATCHED:-$(first_of "$DIR/../../../../tools/sbin/ethtool" \
			       "$DIR/../../../../../../../tools/sbin/ethtool" \
			       "$DIR/../../../../../../build/tools/sbin/ethtool")}
DENY=$DIR/ioctl_deny

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit $KSFT_SKIP
fi
if [ -z "$EP" ] || ! "$EP" -h 2> /dev/null | grep -q -- '--dev-fd'; then
	echo "1..0 # SKIP the patched ethtool is not built (make tools, or set ETHTOOL_PATCHED)"
	exit $KSFT_SKIP
fi
if ! "$ETHTOOL" --version 2> /dev/null | grep -q '^ethtool version 6.1$'; then
	echo "1..0 # SKIP no stock ethtool 6.1 at $ETHTOOL"
	exit $KSFT_SKIP
fi
if [ ! -x "$DENY" ] || ! command -v python3 > /dev/null; then
	echo "1..0 # SKIP ioctl_deny or python3 missing"
	exit $KSFT_SKIP
fi
# The point is a kernel without the messages (48: RSS_SET, 52: FLOW_RULE_GET)
OPS=" $(python3 "$DIR/genl_ops.py") "
case $OPS in
*" 48 "* | *" 52 "*)
	echo "1..0 # SKIP this kernel has the tun-rss netlink messages; run under the base kernel (make kernel-base)"
	exit $KSFT_SKIP
	;;
esac


# same NAME ARGS...: the patched and the stock ethtool agree exactly
run() { "$@" > "$T/out" 2>&1; echo "rc $?" >> "$T/out"; cat "$T/out"; }
same() {
	local name=$1 a b

	shift
	a=$(run "$EP" "$@")
	b=$(run "$ETHTOOL" "$@")
	if [ "$a" = "$b" ]; then
		ok "$name"
	else
		fail "ethtool $*" "patched:" "$a" "stock:" "$b"
		not_ok "$name"
	fi
}

T=$(mktemp -d)
echo "TAP version 13"
echo "# kernel $(uname -r), patched ethtool $EP, stock $ETHTOOL"
coproc HOLD { python3 "$DIR/dev_fd_hold.py" "$DEV" "$NQ" 65534; }
if ! read -r -t 10 -u "${HOLD[0]}" line || [ "$line" != ready ]; then
	echo "Bail out! cannot create $DEV"
	exit 1
fi
trap 'exec {HOLD[1]}>&-; wait; rm -rf "$T"' EXIT

same x -x "$DEV"
same x_context -x "$DEV" context 1
same x_json --json -x "$DEV"
same X_equal -X "$DEV" equal 2
same X_weight -X "$DEV" weight 1 2 1 0
same X_default -X "$DEV" default
same X_hkey -X "$DEV" hkey "$(printf '%02x:' $(seq 1 39))28"
same X_hfunc -X "$DEV" hfunc toeplitz
same X_context_new -X "$DEV" context new equal 2
same X_context_delete -X "$DEV" context 1 delete
same X_bad -X "$DEV" equal 2 weight 1 1
same n -n "$DEV"
same n_rule -n "$DEV" rule 0
same n_flow_hash -n "$DEV" rx-flow-hash udp4
same n_json --json -n "$DEV"
same N_rule -N "$DEV" flow-type udp4 dst-port 4242 action 1
same N_rule_loc -N "$DEV" flow-type tcp4 src-ip 10.0.0.1 action 2 loc 3
same N_delete -N "$DEV" delete 3
same N_flow_hash -N "$DEV" rx-flow-hash udp4 sd
same N_bad -N "$DEV" flow-type udp4 bogus 1
same X_nodev -X etfb_none equal 2
# -x goes through RSS_GET, which the base kernel has: a missing device is
# reported by netlink as for every other netlink command, with the same
# status and errno
a=$(run "$EP" -x etfb_none)
b=$(run "$ETHTOOL" -x etfb_none)
if [ "${a##*rc }" = "${b##*rc }" ] && echo "$a" | grep -q "No such device" &&
   echo "$b" | grep -q "No such device"; then
	ok x_nodev
else
	fail "patched:" "$a" "stock:" "$b"; not_ok x_nodev
fi

# The fallback is the ioctl: under ioctl_deny both fail alike
a=$(run "$DENY" "$EP" -X "$DEV" equal 2)
b=$(run "$DENY" "$ETHTOOL" -X "$DEV" equal 2)
if [ "$a" = "$b" ] && echo "$a" | grep -q "Operation not permitted"; then
	ok X_is_ioctl
else
	fail "patched:" "$a" "stock:" "$b"; not_ok X_is_ioctl
fi
a=$(run "$DENY" "$EP" -N "$DEV" delete 3)
b=$(run "$DENY" "$ETHTOOL" -N "$DEV" delete 3)
if [ "$a" = "$b" ] && echo "$a" | grep -q "Operation not permitted"; then
	ok N_is_ioctl
else
	fail "patched:" "$a" "stock:" "$b"; not_ok N_is_ioctl
fi

# --dev-fd needs the kernel's delegation: refused, not silently ignored
a=$(run "$EP" --dev-fd 1 -X "$DEV" equal 2)
if echo "$a" | grep -q "^rc [1-9]"; then
	ok dev_fd_refused
else
	fail "$a"; not_ok dev_fd_refused
fi

echo "1..$N"
[ $FAILED = 0 ]
