#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tun's steering state in its link info (IFLA_TUN_STEERING,
# _NUM_RSS_CONTEXTS, _NUM_FLOW_RULES, _HASH_REPORT, _VNET_HDR_SZ), as the
# patched iproute2 prints it: "ip -d link show" and "ip -j -d link show".
# A multi-queue tap (tap_hold) goes through automq, RSS (ethtool -X), an
# additional context, flow rules, a steering eBPF program and the hash
# report, and back; after every change both outputs must show what the
# test configured, and where frames land confirms the steering mode.  The
# tree's rt_link YNL spec must decode the same state, and the ioctls that
# change it must send RTM_NEWLINK ("ip -d monitor link").
#
# Against the stock iproute2 6.1 (STOCK_IP), the patched ip adds exactly
# these keys and changes nothing else.  With --base, on a kernel without
# the tun-rss series ("make kernel-base"), the patched ip must print
# exactly what the stock one does:
#   VM_KERNEL=build/kbuild-um-base/linux scripts/vm.sh -- \
#	'cd build/kselftest/drivers/net/tun_rss && ./iplink.sh --base'
#
# Environment: IP (default: the project's build/tools/sbin/ip), STOCK_IP
# (default /usr/sbin/ip), ETHTOOL (default /usr/sbin/ethtool: the stock
# 6.1, over ioctl).

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=iplink
DEV=tunip0
source "$DIR/rss_netlink_lib.sh"

# In build/kselftest (installed), or in the kernel tree build/linux
IP=${IP:-$(first_of "$DIR/../../../../tools/sbin/ip" \
		    "$DIR/../../../../../../../tools/sbin/ip")}
STOCK_IP=${STOCK_IP:-/usr/sbin/ip}
RT_LINK_SPEC=${YNL_SPEC:+$(dirname "$YNL_SPEC")/rt_link.yaml}
BASE=0
[ "${1:-}" = --base ] && BASE=1
NEW_KEYS='del(.[0].linkinfo.info_data | .steering, .rss_contexts, .flow_rules, .hash_report, .vnet_hdr_sz, .delegate)'

# hold CMD: a tap_hold command answered by "ok" (steer, vnet)
hold() {
	local line

	echo "$*" >&"${HOLD[1]}"
	read -r -t 30 -u "${HOLD[0]}" line || fail "tap_hold: no answer to $*" || return
	[ "$line" = ok ] || fail "tap_hold: $*: $line"
}

# run CMD...: CMD must succeed; OUT holds its output
run() {
	OUT=$("$@" 2>&1) || fail "$* failed: $OUT"
}

# The value after KEY on the tun line of "ip -d link show" ("" if none)
text_val() {
	echo "$TXT" | awk -v k="$1" '
		/^ *tun type / {
			for (i = 1; i < NF; i++)
				if ($i == k) { print $(i + 1); exit }
		}'
}

# shows NAME STEERING CONTEXTS RULES HASH_REPORT VNET_HDR_SZ: both views
# of NAME say so; VNET_HDR_SZ "-" when the device has no vnet header (not
# printed then)
shows() {
	local name=$1 st=$2 nctx=$3 nrules=$4 hr=$5 sz=$6 k got want json jwant

	TXT=$("$IP" -d link show dev "$name" 2>&1) || fail "ip -d: $TXT" || return
	got=
	for k in vnet_hdr_sz steering rss_contexts flow_rules hash_report; do
		got="$got $k $(text_val $k)"
	done
	want=" vnet_hdr_sz ${sz#-} steering $st rss_contexts $nctx flow_rules $nrules hash_report $hr"
	[ "$got" = "$want" ] || fail "ip -d link show:" "  got:${got}" "  want:$want" \
		"$(echo "$TXT" | grep 'tun type')" || return

	json=$("$IP" -j -d link show dev "$name" 2>&1) || fail "ip -j -d: $json" || return
	json=$(echo "$json" | jq -c '.[0].linkinfo.info_data |
		[.steering, .rss_contexts, .flow_rules, .hash_report, .vnet_hdr_sz]') ||
		fail "ip -j -d: not JSON: $json" || return
	[ "$hr" = on ] && hr=true || hr=false
	[ "$sz" = - ] && sz=null
	jwant="[\"$st\",$nctx,$nrules,$hr,$sz]"
	[ "$json" = "$jwant" ] || fail "ip -j -d link show: info_data" \
		"  got:  $json" "  want: $jwant"
}

# Every frame of N UDP flows to DPORT on the queues of a set ("2 3")
dport_within() {
	local n=$1 dport=$2 set=$3 i c used=""

	send "$n" "$dport" || return 1
	i=0
	for c in $QUEUES; do
		[ "$c" != 0 ] && used="$used $i"
		i=$((i + 1))
	done
	[ "${used# }" = "$set" ] || fail "frames per queue: $QUEUES, want queues $set"
}

# ---- the states, in order; each leaves the device as the next expects ----

t_fresh() {
	shows "$DEV" automq 0 0 off 10
}

t_rss() {
	run "$ETHTOOL" -X "$DEV" equal 2 || return
	shows "$DEV" rss 0 0 off 10 || return
	frames_within 64 "0 1"
}

t_context() {
	run "$ETHTOOL" -X "$DEV" context new start 2 equal 2 || return
	CTX=$(echo "$OUT" | sed -n 's/^New RSS context is //p')
	[ -n "$CTX" ] || fail "no context id in: $OUT" || return
	shows "$DEV" rss 1 0 off 10
}

t_rule_queue() {
	run "$ETHTOOL" -N "$DEV" flow-type udp4 dst-port 4000 action 3 || return
	RULE_Q=$(echo "$OUT" | sed -n 's/.*rule with ID \([0-9]*\).*/\1/p')
	[ -n "$RULE_Q" ] || fail "no rule id in: $OUT" || return
	shows "$DEV" rss 1 1 off 10 || return
	frames_on 16 3 4000
}

t_rule_context() {
	run "$ETHTOOL" -N "$DEV" flow-type udp4 dst-port 4001 context "$CTX" || return
	RULE_C=$(echo "$OUT" | sed -n 's/.*rule with ID \([0-9]*\).*/\1/p')
	[ -n "$RULE_C" ] || fail "no rule id in: $OUT" || return
	shows "$DEV" rss 1 2 off 10 || return
	dport_within 64 4001 "2 3"
}

# The rt_link YNL spec decodes the same state (names, enum, types)
t_ynl_spec() {
	local got want='["rss",1,2,0,10,0]'

	got=$(python3 "$YNL_CLI" --spec "$RT_LINK_SPEC" --output-json \
		--do getlink --json "{\"ifname\":\"$DEV\"}" 2>&1) ||
		fail "ynl getlink: $got" || return
	got=$(echo "$got" | jq -c '.linkinfo.data | [.steering,
		."num-rss-contexts", ."num-flow-rules", ."hash-report",
		."vnet-hdr-sz", .delegate]') || fail "ynl getlink: not JSON" || return
	[ "$got" = "$want" ] || fail "ynl getlink linkinfo data: $got, want $want"
}

t_rules_deleted() {
	run "$ETHTOOL" -N "$DEV" delete "$RULE_Q" || return
	shows "$DEV" rss 1 1 off 10 || return
	run "$ETHTOOL" -N "$DEV" delete "$RULE_C" || return
	shows "$DEV" rss 1 0 off 10
}

t_context_deleted() {
	run "$ETHTOOL" -X "$DEV" context "$CTX" delete || return
	shows "$DEV" rss 0 0 off 10
}

t_rss_default() {
	run "$ETHTOOL" -X "$DEV" default || return
	shows "$DEV" automq 0 0 off 10
}

t_ebpf() {
	hold steer 2 || return
	shows "$DEV" ebpf 0 0 off 10 || return
	frames_on 16 2
}

t_ebpf_detached() {
	hold steer -1 || return
	shows "$DEV" automq 0 0 off 10
}

# SPEC §5: the report needs rxhash, a header of at least 20 bytes and a
# little-endian header; each alone is not enough
t_hash_report() {
	run "$ETHTOOL" -K "$DEV" rxhash on || return
	shows "$DEV" automq 0 0 off 10 || return
	hold vnet 20 be || return
	shows "$DEV" automq 0 0 off 20 || return
	hold vnet 20 le || return
	shows "$DEV" automq 0 0 on 20
}

t_hash_report_with_rss() {
	run "$ETHTOOL" -X "$DEV" equal 3 || return
	shows "$DEV" rss 0 0 on 20 || return
	frames_within 64 "0 1 2" || return
	run "$ETHTOOL" -X "$DEV" default || return
	shows "$DEV" automq 0 0 on 20
}

t_hash_report_off() {
	run "$ETHTOOL" -K "$DEV" rxhash off || return
	shows "$DEV" automq 0 0 off 20 || return
	hold vnet 10 le || return
	shows "$DEV" automq 0 0 off 10
}

# wait_for FILE PATTERN: up to 10 s for PATTERN to show in FILE
wait_for() {
	local t

	for ((t = 0; t < 100; t++)); do
		grep -q "$2" "$1" && return 0
		sleep 0.1
	done
	fail "no '$2' from ip monitor:" "$(cat "$1")"
}

# RTM_NEWLINK from the ioctls that change what the link info reports
# (eBPF steering, vnet header size and endianness): each one notifies,
# with the new state.  MTU changes bracket the ioctls, so that every
# notification between them is theirs.
t_notify() {
	local f pid k got want ret=0

	f=$(mktemp)
	"$IP" -d monitor link > "$f" 2>&1 &
	pid=$!
	# until the monitor listens, events are not seen: retry the marker
	for ((k = 0; k < 20; k++)); do
		"$IP" link set dev "$DEV" mtu $((1400 + k))
		grep -q 'mtu 14[0-9][0-9]' "$f" && break
		sleep 0.5
	done
	wait_for "$f" 'mtu 14[0-9][0-9]' || ret=1
	# it listens now: after this marker, every earlier event is in
	"$IP" link set dev "$DEV" mtu 1450
	[ $ret = 0 ] && { wait_for "$f" 'mtu 1450' || ret=1; }
	k=$(grep -c 'tun type' "$f")
	if [ $ret = 0 ]; then
		hold steer 2 && hold steer -1 && hold vnet 20 le &&
			hold vnet 10 le || ret=1
	fi
	"$IP" link set dev "$DEV" mtu 1500
	[ $ret = 0 ] && { wait_for "$f" 'mtu 1500' || ret=1; }
	kill "$pid"
	wait "$pid" 2> /dev/null
	if [ $ret = 0 ]; then
		# the notifications between the markers
		got=$(grep 'tun type' "$f" | tail -n +$((k + 1)) | head -n -1 |
			awk '{ for (i = 1; i < NF; i++) {
				if ($i == "vnet_hdr_sz") sz = $(i + 1)
				if ($i == "steering") st = $(i + 1) }
			       printf "%s %s,", sz, st }')
		# steer 2, steer -1; vnet: TUNSETVNETHDRSZ, TUNSETVNETLE, _BE each
		want="10 ebpf,10 automq,20 automq,20 automq,20 automq,10 automq,10 automq,10 automq,"
		[ "$got" = "$want" ] || fail "notifications (vnet_hdr_sz steering):" \
			"  got:  $got" "  want: $want" || ret=1
	fi
	rm -f "$f"
	return $ret
}

# The delegation of the tap to its queue holders: off by default, granted
# and revoked by "ip link set type tun delegate", shown by both views; a
# change of another tun attribute is refused whole, a creation refused
t_delegate() {
	local ret=0

	deleg_is off false || return
	run "$IP" link set dev "$DEV" type tun delegate on || return
	deleg_is on true || ret=1
	run "$IP" link set dev "$DEV" type tun delegate off || ret=1
	deleg_is off false || ret=1
	OUT=$("$IP" link set dev "$DEV" type tun delegate maybe 2>&1) &&
		{ fail "delegate maybe accepted"; ret=1; }
	OUT=$("$IP" link add tunip2 type tun delegate on 2>&1) &&
		{ fail "created a tun over rtnetlink"; ret=1; }
	echo "$OUT" | grep -q "creation via rtnetlink is not supported" ||
		fail "ip link add: $OUT" || ret=1
	deleg_is off false || ret=1
	return $ret
}

# deleg_is TEXT JSON: "delegate TEXT" in ip -d, .delegate JSON in ip -j -d
deleg_is() {
	local got

	TXT=$("$IP" -d link show dev "$DEV" 2>&1) || fail "ip -d: $TXT" || return
	got=$(text_val delegate)
	[ "$got" = "$1" ] || fail "ip -d link show: delegate '$got', want $1" || return
	got=$("$IP" -j -d link show dev "$DEV" | jq -c '.[0].linkinfo.info_data.delegate')
	[ "$got" = "$2" ] || fail "ip -j -d link show: delegate $got, want $2"
}

# A kernel without the series refuses the change and prints nothing
t_base_delegate() {
	OUT=$("$IP" link set dev "$DEV" type tun delegate on 2>&1) &&
		{ fail "the base kernel took delegate on"; return; }
	echo "$OUT" | grep -q "not supported" || fail "$OUT"
}

# A single-queue tun without a vnet header, made by ip itself: the state
# is reported, the header size is not printed
t_plain_tun() {
	local ret

	run "$IP" tuntap add mode tun name tunip1 || return
	shows tunip1 automq 0 0 off -
	ret=$?
	"$IP" tuntap del mode tun name tunip1 || fail "ip tuntap del failed" || ret=1
	return $ret
}

# same_as_stock NAME JQ: the patched ip's JSON, filtered by JQ, and the
# stock ip's are the same; with JQ ".", so is the text
same_as_stock() {
	local name=$1 filter=$2 mine stock

	mine=$("$IP" -j -d link show dev "$name" | jq -cS "$filter") ||
		fail "ip -j -d: $mine" || return
	stock=$("$STOCK_IP" -j -d link show dev "$name" | jq -cS .) ||
		fail "stock ip -j -d: $stock" || return
	[ "$mine" = "$stock" ] || fail "JSON differs from the stock ip's:" \
		"  ip:    $mine" "  stock: $stock" || return
	[ "$filter" = . ] || return 0
	mine=$("$IP" -d link show dev "$name" 2>&1)
	stock=$("$STOCK_IP" -d link show dev "$name" 2>&1)
	[ "$mine" = "$stock" ] || fail "text differs from the stock ip's:" \
		"  ip:    $mine" "  stock: $stock"
}

t_only_new_keys() {
	local ret

	run "$ETHTOOL" -X "$DEV" equal 2 || return
	same_as_stock "$DEV" "$NEW_KEYS"
	ret=$?
	"$ETHTOOL" -X "$DEV" default > /dev/null 2>&1 || fail "-X default failed" || ret=1
	return $ret
}

# On a kernel without the series: nothing new to print, nothing changed
t_base_tap() {
	same_as_stock "$DEV" . || return
	# and no new key at all
	[ "$("$IP" -j -d link show dev "$DEV" | jq -c "$NEW_KEYS")" = \
	  "$("$IP" -j -d link show dev "$DEV" | jq -c .)" ] ||
		fail "new keys printed without the kernel's attributes"
}

t_base_tun() {
	local ret

	run "$IP" tuntap add mode tun name tunip1 || return
	same_as_stock tunip1 .
	ret=$?
	"$IP" tuntap del mode tun name tunip1 || fail "ip tuntap del failed" || ret=1
	return $ret
}

# ---- main ----

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit $KSFT_SKIP
fi
if ! command -v jq > /dev/null; then
	echo "1..0 # SKIP jq not found"
	exit $KSFT_SKIP
fi
if [ -z "$IP" ] || ! "$IP" -V > /dev/null 2>&1; then
	echo "1..0 # SKIP the patched ip (scripts/tools.sh: build/tools/sbin/ip) not found (set IP)"
	exit $KSFT_SKIP
fi
if ! "$ETHTOOL" --version > /dev/null 2>&1; then
	echo "1..0 # SKIP no ethtool at $ETHTOOL"
	exit $KSFT_SKIP
fi
echo "TAP version 13"
echo "# ip: $IP ($("$IP" -V))"
echo "# ethtool: $ETHTOOL ($("$ETHTOOL" --version))"

coproc HOLD { "$DIR/tap_hold" "$DEV" "$NQ" vnet_hdr; }
if ! read -r -t 10 -u "${HOLD[0]}" line || [ "${line%% *}" != ready ]; then
	echo "Bail out! cannot create $DEV with $NQ queues"
	exit 1
fi
trap stop_dev EXIT

if [ $BASE = 1 ]; then
	if ! "$STOCK_IP" -V > /dev/null 2>&1; then
		echo "Bail out! --base needs the stock ip at $STOCK_IP"
		exit 1
	fi
	check base_kernel_tap_as_stock_ip t_base_tap
	check base_kernel_tun_as_stock_ip t_base_tun
	check base_kernel_refuses_delegate t_base_delegate
	echo "1..$N"
	[ $FAILED = 0 ]
	exit
fi

check fresh_tap_is_automq t_fresh
check rss_after_ethtool_X t_rss
check context_counted t_context
check queue_rule_counted t_rule_queue
check context_rule_counted t_rule_context
if [ -n "$YNL_CLI" ] && [ -e "$RT_LINK_SPEC" ]; then
	check ynl_rt_link_spec_decodes_it t_ynl_spec
else
	skip ynl_rt_link_spec_decodes_it "tools/net/ynl/cli.py or rt_link.yaml not found"
fi
check deleted_rules_uncounted t_rules_deleted
check deleted_context_uncounted t_context_deleted
check rss_default_is_automq t_rss_default
check ebpf_steering t_ebpf
check ebpf_detached_is_automq t_ebpf_detached
check hash_report_needs_20_byte_le_header t_hash_report
check hash_report_with_rss t_hash_report_with_rss
check hash_report_off t_hash_report_off
check ioctl_changes_notify t_notify
check plain_tun t_plain_tun
check delegate_granted_and_revoked t_delegate
if "$STOCK_IP" -V > /dev/null 2>&1; then
	check only_new_keys_vs_stock_ip t_only_new_keys
else
	skip only_new_keys_vs_stock_ip "no stock ip at $STOCK_IP"
fi

echo "1..$N"
echo "# $SECONDS s"
[ $FAILED = 0 ]
