#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntuple flow rules over ethtool netlink (FLOW_RULE_GET/ADD/DEL, proposed)
# on a multi-queue tap, driven by the tree's YNL CLI: a rule of every flow
# type tun matches, read back over netlink (do and dump) and through the
# ioctl view (ethtool 6.1 -n), frames landing where the rule says (queue,
# RSS context, drop counted), the RX_CLS_LOC_* locations, delete, and one
# notification per change, ioctl changes included.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=flow_netlink
DEV=flownl0
source "$DIR/flow_netlink_lib.sh"

# ---- one rule per flow type, at locations 10..19 ----

# NAME FLOW-TYPE MATCH-JSON WANT-JQ RULE-TYPE-LINE FIELD-LINE: the rule is
# added with MATCH-JSON; WANT-JQ holds on the match the dump reports, and
# the ioctl view shows both lines
TYPES=(
	"tcp4 tcp-v4-flow {\"dst-ip4\":$IP_D,\"dst-port\":80,\"tos\":16,\"tos-mask\":252}
	 .[\"dst-ip4\"]==\"10.200.0.1\" and .[\"dst-ip4-mask\"]==\"255.255.255.255\" and .[\"dst-port\"]==80 and .[\"dst-port-mask\"]==65535 and .tos==16 and .[\"tos-mask\"]==252 and (has(\"src-ip4\")|not)
	 Rule Type: TCP over IPv4|Dest port: 80 mask: 0x0"
	"udp4 udp-v4-flow {\"src-ip4\":$IP_S,\"src-ip4-mask\":4294967040,\"src-port\":768,\"src-port-mask\":65280}
	 .[\"src-ip4\"]==\"10.0.0.0\" and .[\"src-ip4-mask\"]==\"255.255.255.0\" and .[\"src-port\"]==768 and .[\"src-port-mask\"]==65280
	 Rule Type: UDP over IPv4|Src IP addr: 10.0.0.0 mask: 0.0.0.255"
	"sctp4 sctp-v4-flow {\"dst-port\":9}
	 .[\"dst-port\"]==9 and (keys|length)==2
	 Rule Type: SCTP over IPv4|Dest port: 9 mask: 0x0"
	"ip4 ipv4-user-flow {\"l4-proto\":17,\"l4-4-bytes\":305419896,\"dst-ip4\":$IP_D}
	 .[\"l4-proto\"]==17 and .[\"l4-4-bytes\"]==305419896 and .[\"l4-4-bytes-mask\"]==4294967295
	 Rule Type: Raw IPv4|Protocol: 17 mask: 0x0"
	"tcp6 tcp-v6-flow {\"dst-ip6\":\"fd000d57000000000000000000000001\",\"dst-port\":443}
	 .[\"dst-ip6\"]==\"fd00:d57::1\" and .[\"dst-port\"]==443
	 Rule Type: TCP over IPv6|Dest IP addr: fd00:d57::1 mask: ::"
	"udp6 udp-v6-flow {\"src-ip6\":\"fd0005ee000000000000000000000000\",\"src-ip6-mask\":\"ffffffffffffffff0000000000000000\",\"tos\":8}
	 .[\"src-ip6\"]==\"fd00:5ee::\" and .[\"src-ip6-mask\"]==\"ffff:ffff:ffff:ffff::\" and .tos==8
	 Rule Type: UDP over IPv6|Src IP addr: fd00:5ee:: mask: ::ffff:ffff:ffff:ffff"
	"sctp6 sctp-v6-flow {\"src-port\":5000}
	 .[\"src-port\"]==5000
	 Rule Type: SCTP over IPv6|Src port: 5000 mask: 0x0"
	"ip6 ipv6-user-flow {\"l4-proto\":58}
	 .[\"l4-proto\"]==58
	 Rule Type: Raw IPv6|Protocol: 58 mask: 0x0"
	"ether ether-flow {\"dst-mac\":\"020000000002\",\"ethertype\":34525}
	 .[\"dst-mac\"]==\"02:00:00:00:00:02\" and .[\"dst-mac-mask\"]==\"ff:ff:ff:ff:ff:ff\" and .ethertype==34525
	 Flow Type: Raw Ethernet|Ethertype: 0x86DD mask: 0x0"
	"vlan_and_dst_mac_ext udp-v4-flow {\"vlan-tci\":5,\"vlan-tci-mask\":4095,\"dst-mac\":\"020000000002\"}
	 .[\"vlan-tci\"]==5 and .[\"vlan-tci-mask\"]==4095 and .[\"dst-mac\"]==\"02:00:00:00:00:02\"
	 Rule Type: UDP over IPv4|VLAN: 0x5 mask: 0xf000"
)

# All of them in one request: the replies carry the locations asked for
t_types_add() {
	local reqs=() i=10 t f

	for t in "${TYPES[@]}"; do
		read -r _ f match _ <<< "$(echo "$t" | head -n1)"
		reqs+=("\"location\":$i,\"flow-type\":\"$f\",\"match\":$match,\"action\":{\"queue\":2}")
		i=$((i + 1))
	done
	add_many "${reqs[@]}" || fail "$OUT" || return
	[ "$LOCS" = "$(seq -s ' ' 10 $((i - 1)))" ] || fail "locations: $LOCS"
	DUMP=$(rules) || fail "$OUT"
}

# type_case INDEX: the rule of TYPES[INDEX] in the dump and the ioctl view
type_case() {
	local t=${TYPES[$1]} loc=$((10 + $1)) f want lines rule view line

	f=$(echo "$t" | head -n1 | awk '{ print $2 }')
	want=$(echo "$t" | sed -n 2p)
	lines=$(echo "$t" | sed -n 3p | sed 's/^[[:space:]]*//')
	rule=$(echo "$DUMP" | jq -c ".[] | select(.location == $loc)")
	[ -n "$rule" ] || fail "no rule $loc in the dump: $DUMP" || return
	[ "$(echo "$rule" | jq -r '.["flow-type"]')" = "$f" ] || fail "flow type: $rule" || return
	[ "$(echo "$rule" | jq -c .action)" = '{"queue":2}' ] || fail "action: $rule" || return
	[ "$(echo "$rule" | jq -r '.["table-size"]')" = $TABLE ] || fail "table: $rule" || return
	[ "$(echo "$rule" | jq ".match | $want")" = true ] || fail "match: $rule" || return
	view=$(ioctl_rule $loc)
	while IFS= read -r line; do
		has_line "$view" "$line" || return
	done <<< "$(echo "$lines" | tr '|' '\n')"
	has_line "$view" "Action: Direct to queue 2"
}

# The dump: one message per rule, by ascending location, of one device or
# all; get says the same
t_types_dump() {
	[ "$(echo "$DUMP" | jq -c 'map(.location)')" = "[$(seq -s , 10 19)]" ] ||
		fail "dump: $DUMP" || return
	"$ETHTOOL" -n "$DEV" | grep -q "^Total 10 rules" ||
		fail "ioctl: $("$ETHTOOL" -n "$DEV")" || return
	# without a device: every device's rules, these among them
	ynl dump:flow-rule-get "{}" || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -c 'map(select(.header["dev-name"] == "'$DEV'") | .location)')" = \
		"[$(seq -s , 10 19)]" ] || fail "dump of all devices: $OUT" || return
	rule_get 13 || fail "$OUT" || return
	[ "$(echo "$RULE" | jq -c 'del(.header)')" = "$(echo "$DUMP" | jq -c '.[3]')" ] ||
		fail "get: $RULE" "dump: $(echo "$DUMP" | jq -c '.[3]')"
}

t_types_flush() {
	flush || fail "$OUT" || return
	[ "$(rules)" = "[]" ] || fail "left: $(rules)"
}

# ---- locations, delete ----

t_locations() {
	local r="$U4,\"action\":{\"queue\":0},\"match\":{\"dst-port\""

	add_many "\"location\":0,$r:1}" "\"location\":$LOC_FIRST,$r:2}" \
		"\"location\":$LOC_LAST,$r:3}" "\"location\":$LOC_LAST,$r:4}" \
		"\"location\":$LOC_ANY,$r:5}" "$r:6}" || fail "$OUT" || return
	# FIRST/ANY/none: the lowest free location; LAST: the highest
	[ "$LOCS" = "0 1 4095 4094 2 3" ] || fail "locations: $LOCS, want 0 1 4095 4094 2 3" || return
	[ "$(rules | jq -c 'map([.location, .match["dst-port"]])')" = \
		"[[0,1],[1,2],[2,5],[3,6],[4094,4],[4095,3]]" ] || fail "dump: $(rules)" || return
	flush || fail "$OUT"
}

t_delete() {
	add "\"location\":9,$U4,\"match\":{\"dst-port\":9},$Q1" || fail "$OUT" || return
	del 9 || fail "$OUT" || return
	rule_get 9 && { fail "rule 9 still there: $RULE"; return; }
	echo "$OUT" | grep -q "error: -2$" || fail "get after delete: $OUT" || return
	ioctl_rule 9 | grep -q "^Filter: 9" && { fail "ioctl still shows rule 9"; return; }
	"$ETHTOOL" -n "$DEV" | grep -q "^Total 0 rules" || fail "ioctl: $("$ETHTOOL" -n "$DEV")"
}

# ---- frames ----

# send N DPORT: like send, but dropped frames allowed; QUEUES and LOST set
send_lossy() {
	local line

	echo "send $1 $2" >&"${HOLD[1]}"
	read -r -t 30 -u "${HOLD[0]}" line || { WHY="# tap_hold: no answer"; return 1; }
	case $line in
	queues*) ;;
	*) WHY="# tap_hold: $line"; return 1 ;;
	esac
	QUEUES=$(echo "$line" | sed 's/^queues //; s/ lost.*//')
	LOST=${line##* lost }
}

ntuple_drops() {
	"$ETHTOOL" -S "$DEV" | awk '$1 == "rx_ntuple_drops:" { print $2 }'
}

t_frames_queue() {
	add "$U4,\"match\":{\"dst-port\":4242},\"action\":{\"queue\":2}" || fail "$OUT" || return
	frames_on 32 2 4242 || return
	frames_within 256 "0 1 2 3" || return	# other ports: RSS as before
	del "$LOC" || fail "$OUT"
}

t_frames_ip4_ether() {
	# flow 0 only: 10.0.0.1 -> 10.200.0.1, UDP
	add "\"location\":1,\"flow-type\":\"ipv4-user-flow\",\"match\":{\"dst-ip4\":$IP_D,\"l4-proto\":17},$Q1" ||
		fail "$OUT" || return
	frames_on 1 1 || return
	# the ip4 rule out, an ether rule in, in one request
	ynl flow-rule-del "{$(hdr),\"location\":1}" \
		flow-rule-add "{$(hdr),\"location\":1,\"flow-type\":\"ether-flow\",\"match\":{\"dst-mac\":\"020000000002\",\"ethertype\":2048},\"action\":{\"queue\":3}}" ||
		fail "$OUT" || return
	frames_on 64 3 || return
	del 1 || fail "$OUT"
}

t_frames_context() {
	local ctx

	ynl rss-create-act "{$(hdr),\"indir\":\"$(indir_hex 2 3)\"}" || fail "$OUT" || return
	ctx=$(echo "$OUT" | head -n1 | jq -r .context)
	add "$U4,\"match\":{\"dst-port\":4343},\"action\":{\"context\":$ctx}" || fail "$OUT" || return
	rule_get "$LOC" || fail "$OUT" || return
	[ "$(echo "$RULE" | jq -c .action)" = "{\"queue\":0,\"context\":$ctx}" ] ||
		fail "action: $RULE" || return
	ioctl_rule "$LOC" | grep -q "RSS Context ID: $ctx" || fail "ioctl: $(ioctl_rule "$LOC")" || return
	send 256 4343 || return
	[ "$(echo "$QUEUES" | awk '{ print ($1 == 0 && $2 == 0 && $3 > 0 && $4 > 0) }')" = 1 ] ||
		fail "frames per queue: $QUEUES, want queues 2 3 only" || return
	# the queue is an offset added to the context's queues, now all 0
	ynl flow-rule-del "{$(hdr),\"location\":$LOC}" \
		rss-set "{$(hdr),\"context\":$ctx,\"indir\":\"$(indir_hex 0)\"}" \
		flow-rule-add "{$(hdr),\"location\":$LOC,$U4,\"match\":{\"dst-port\":4343},\"action\":{\"context\":$ctx,\"queue\":1}}" ||
		fail "$OUT" || return
	frames_on 32 1 4343 || return
	ynl flow-rule-del "{$(hdr),\"location\":$LOC}" \
		rss-delete-act "{$(hdr),\"context\":$ctx}" || fail "$OUT"
}

t_frames_drop() {
	local before after

	before=$(ntuple_drops)
	add "$U4,\"match\":{\"dst-port\":666},\"action\":{\"drop\":true}" || fail "$OUT" || return
	send_lossy 40 666 || return
	[ "$QUEUES" = "0 0 0 0" ] && [ "$LOST" = 40 ] ||
		fail "queues $QUEUES lost $LOST, want all 40 dropped" || return
	after=$(ntuple_drops)
	[ $((after - before)) = 40 ] || fail "rx_ntuple_drops $before -> $after, want +40" || return
	del "$LOC" || fail "$OUT" || return
	frames_within 128 "0 1 2 3"
}

# ---- notifications ----

t_ntf_add_del() {
	local ntf

	ynl --subscribe flow-rule-add "{$(hdr),\"location\":12,\"flow-type\":\"tcp-v4-flow\",\"match\":{\"dst-port\":22},\"action\":{\"queue\":3}}" ||
		fail "$OUT" || return
	[ "$(rule_ntfs)" = "flow-rule-ntf:12" ] || fail "notifications: '$(rule_ntfs)'" || return
	ntf=$(echo "$OUT" | tail -n +2 |
		jq -c '.[0].msg | [.["flow-type"], .match["dst-port"], .action.queue, .["table-size"]]')
	[ "$ntf" = "[\"tcp-v4-flow\",22,3,$TABLE]" ] || fail "notification content: $OUT" || return
	ynl --subscribe flow-rule-del "{$(hdr),\"location\":12}" || fail "$OUT" || return
	[ "$(rule_ntfs)" = "flow-rule-del-ntf:12" ] || fail "notifications: '$(rule_ntfs)'"
}

t_ntf_ioctl() {
	local out

	listen_start || return
	out=$("$ETHTOOL" -N "$DEV" flow-type udp4 dst-port 5555 action 1 loc 33 2>&1) ||
		{ listen_result; fail "ethtool -N: $out"; return; }
	"$ETHTOOL" -N "$DEV" delete 33 || { listen_result; fail "ethtool -N delete"; return; }
	kill -TERM "$LPID" 2> /dev/null
	wait "$LPID"
	out=$(tail -n1 "$LFILE" | jq -r '.[] | select(.msg.header["dev-name"] == "'$DEV'") |
		"\(.name):\(.msg.location):\(.msg.match["dst-port"] // "-")"' | tr '\n' ' ')
	rm -f "$LFILE"
	[ "$out" = "flow-rule-ntf:33:5555 flow-rule-del-ntf:33:- " ] ||
		fail "notifications: '$out'"
}

# ---- main ----

rss_nl_setup

check_clean add_one_rule_per_flow_type t_types_add
for i in "${!TYPES[@]}"; do
	check "$(echo "${TYPES[$i]}" | head -n1 | awk '{ print $1 }')_rule_read_back_over_netlink_and_ioctl" \
		type_case "$i"
done
check dump_one_message_per_rule_by_location_and_get t_types_dump
check_clean delete_them_all t_types_flush
check_clean rx_cls_loc_first_last_any t_locations
check_clean delete_rule t_delete
check_clean frames_follow_queue_rule t_frames_queue
check_clean frames_follow_ip4_and_ether_rules t_frames_ip4_ether
check_clean frames_follow_context_rule_and_offset t_frames_context
check_clean drop_rule_drops_and_counts t_frames_drop
check_clean add_and_delete_notify_once t_ntf_add_del
check_clean ioctl_changes_notify_once t_ntf_ioctl

rss_nl_finish
