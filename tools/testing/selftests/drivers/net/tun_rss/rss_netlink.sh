#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RSS over ethtool netlink on a multi-queue tap (SPEC §6): RSS_GET with
# ETHTOOL_A_RSS_FLOW_HASH, RSS_SET, RSS_CREATE_ACT, RSS_DELETE_ACT and
# their notifications, numbered as upstream, driven by the tree's YNL CLI.
# Every change is read back over netlink and through the ioctl view and
# checked by where frames land; the ioctl path must notify as well.
# Debian sid's ethtool (7.x, scripts/fetch-sid-ethtool.sh) is run against
# the kernel when it is there.  Bad input: rss_netlink_bad.sh.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=rss_netlink
DEV=rssnl0
source "$DIR/rss_netlink_lib.sh"

# ---- tests ----

t_spec_valid() {
	python3 "$YNL_CLI" --spec "$YNL_SPEC" --list-msgs > /dev/null 2>&1 ||
		fail "the spec does not pass the YNL schema"
}

t_get_do() {
	rss_get 0 || fail "$OUT" || return
	[ "$(field_of "$GET" '.indir | length')" = 128 ] || fail "indir: $GET" || return
	[ "$(field_of "$GET" '.hkey | length')" = 80 ] || fail "hkey: $GET" || return
	[ "$(field_of "$GET" .hfunc)" = 1 ] || fail "hfunc: $GET" || return
	# tcp4/udp4 sdfn, ip4 sd (SPEC §4), reported per flow type
	[ "$(field_of "$GET" '.["flow-hash"] | [.tcp4, .udp4, .ip4, .udp6]')" = \
		"[240,240,48,240]" ] || fail "flow-hash: $(field_of "$GET" '.["flow-hash"]')"
}

t_get_dump() {
	ynl dump:rss-get "{$(hdr)}" || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -c '[.[] | .context // 0]')" = "[0]" ] ||
		fail "dump: contexts $(echo "$OUT" | jq -c '[.[] | .context // 0]')"
}

t_set_indir() {
	ynl --subscribe rss-set "{$(hdr),\"indir\":\"$(indir_hex 1 2 3 0)\"}" \
		rss-get "$(get_json 0)" || fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:0" ] || fail "notifications: '$(ntfs)'" || return
	# The notification carries the new state, as RSS_GET reports it
	[ "$(echo "$OUT" | tail -n1 | jq -c '.[0].msg')" = "$(reply 1)" ] ||
		fail "notification: $(echo "$OUT" | tail -n1)" || return
	[ "$(indir_of "$(reply 1)")" = "$(indir_128 1 2 3 0)" ] ||
		fail "netlink: $(reply 1)" || return
	[ "$(ioctl_indir 0)" = "$(indir_128 1 2 3 0)" ] || fail "ioctl: $(ioctl_indir 0)"
}

t_set_nochange() {
	ynl --subscribe rss-set "{$(hdr),\"indir\":\"$(indir_hex 1 2 3 0)\",\"hfunc\":1}" ||
		fail "$OUT" || return
	[ -z "$(ntfs)" ] || fail "notifications for no change: '$(ntfs)'"
}

t_set_key() {
	KEY=$(printf '%02x' $(seq 1 40))
	ynl --subscribe rss-set "{$(hdr),\"hkey\":\"$KEY\"}" rss-get "$(get_json 0)" ||
		fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:0" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(field_of "$(reply 1)" .hkey)" = "\"$KEY\"" ] || fail "netlink: $(reply 1)" || return
	[ "$(ioctl_key 0)" = "$KEY" ] || fail "ioctl: $(ioctl_key 0)"
}

t_set_xfrm() {
	ynl --subscribe rss-set "{$(hdr),\"input-xfrm\":\"sym-xor\"}" rss-get "$(get_json 0)" ||
		fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:0" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(field_of "$(reply 1)" '.["input-xfrm"]')" = '["sym-xor"]' ] ||
		fail "netlink: $(reply 1)" || return
	ynl rss-set "{$(hdr),\"input-xfrm\":0}" rss-get "$(get_json 0)" || fail "$OUT" || return
	[ "$(field_of "$(reply 1)" '.["input-xfrm"]')" = null ] || fail "not cleared: $(reply 1)"
}

t_set_flow_hash() {
	ynl --subscribe rss-set "{$(hdr),\"flow-hash\":{\"udp4\":[\"ip-src\",\"ip-dst\"]}}" \
		rss-get "$(get_json 0)" || fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:0" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(field_of "$(reply 1)" '.["flow-hash"].udp4')" = 48 ] ||
		fail "netlink: $(reply 1)" || return
	[ "$(ioctl_fields udp4)" = "IP SA,IP DA" ] || fail "ioctl: $(ioctl_fields udp4)" || return
	ynl rss-set "{$(hdr),\"flow-hash\":{\"udp4\":240}}" || fail "$OUT" || return
	[ "$(ioctl_fields udp4)" = "IP SA,IP DA,L4 bytes 0 & 1 [TCP/UDP src port],L4 bytes 2 & 3 [TCP/UDP dst port]" ] ||
		fail "ioctl after restore: $(ioctl_fields udp4)"
}

t_frames_table() {
	ynl rss-set "{$(hdr),\"indir\":\"$(indir_hex 2)\"}" || fail "$OUT" || return
	frames_on 64 2 || return
	ynl rss-set "{$(hdr),\"indir\":\"$(indir_hex 0 1)\"}" || fail "$OUT" || return
	frames_within 128 "0 1"
}

t_reset() {
	ynl --subscribe rss-set "{$(hdr),\"indir\":\"\"}" rss-get "$(get_json 0)" ||
		fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:0" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(indir_of "$(reply 1)")" = "$(indir_128 0 1 2 3)" ] ||
		fail "netlink: $(reply 1)" || return
	[ "$(ioctl_indir 0)" = "$(indir_128 0 1 2 3)" ] || fail "ioctl: $(ioctl_indir 0)" || return
	# Back to automq (SPEC §3): flows spread over every queue
	frames_within 256 "0 1 2 3"
}

t_create() {
	local r

	ynl --subscribe rss-create-act "{$(hdr),\"indir\":\"$(indir_hex 3)\",\"hkey\":\"$KEY\"}" ||
		fail "$OUT" || return
	r=$(echo "$OUT" | head -n1)
	[ "$(field_of "$r" .context)" = 1 ] || fail "reply: $r" || return
	[ "$(field_of "$r" '.indir | unique')" = "[3]" ] || fail "reply: $r" || return
	[ "$(field_of "$r" .hkey)" = "\"$KEY\"" ] || fail "reply: $r" || return
	[ "$(ntfs)" = "rss-create-ntf:1" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(ioctl_indir 1)" = "$(indir_128 3)" ] || fail "ioctl: $(ioctl_indir 1)"
}

t_create_id() {
	ynl --subscribe rss-create-act "{$(hdr),\"context\":5}" || fail "$OUT" || return
	[ "$(field_of "$(echo "$OUT" | head -n1)" .context)" = 5 ] ||
		fail "reply: $(echo "$OUT" | head -n1)" || return
	[ "$(ntfs)" = "rss-create-ntf:5" ] || fail "notifications: '$(ntfs)'" || return
	# The driver's defaults: a table over every queue
	[ "$(ioctl_indir 5)" = "$(indir_128 0 1 2 3)" ] || fail "ioctl: $(ioctl_indir 5)"
}

t_dump_contexts() {
	ynl dump:rss-get "{$(hdr),\"start-context\":1}" || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -c '[.[] | .context // 0]')" = "[1,5]" ] ||
		fail "dump: $(echo "$OUT" | jq -c '[.[] | .context // 0]')"
}

t_set_ctx() {
	ynl --subscribe rss-set "{$(hdr),\"context\":1,\"indir\":\"$(indir_hex 1 2)\"}" \
		rss-get "$(get_json 1)" || fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:1" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(indir_of "$(reply 1)")" = "$(indir_128 1 2)" ] || fail "netlink: $(reply 1)" || return
	[ "$(ioctl_indir 1)" = "$(indir_128 1 2)" ] || fail "ioctl: $(ioctl_indir 1)" || return
	[ "$(ioctl_indir 0)" = "$(indir_128 0 1 2 3)" ] || fail "context 0: $(ioctl_indir 0)"
}

t_set_ctx_fields() {
	ynl --subscribe \
		rss-set "{$(hdr),\"context\":1,\"flow-hash\":{\"udp4\":[\"ip-src\",\"ip-dst\"]}}" \
		rss-get "$(get_json 1)" rss-get "$(get_json 0)" || fail "$OUT" || return
	[ "$(ntfs)" = "rss-ntf:1" ] || fail "notifications: '$(ntfs)'" || return
	[ "$(field_of "$(reply 1)" '.["flow-hash"].udp4')" = 48 ] ||
		fail "context 1: $(reply 1)" || return
	[ "$(field_of "$(reply 2)" '.["flow-hash"].udp4')" = 240 ] || fail "context 0: $(reply 2)"
}

# A rule sends frames to context 1 (through the ioctl: rules over netlink
# are a later step)
t_frames_ctx() {
	local out

	ynl rss-set "{$(hdr),\"context\":1,\"indir\":\"$(indir_hex 3)\"}" || fail "$OUT" || return
	out=$("$ETHTOOL" -N "$DEV" flow-type udp4 dst-port 4242 context 1 2>&1) ||
		fail "ethtool -N: $out" || return
	RULE=$(echo "$out" | sed -n 's/.*rule with ID \([0-9]*\).*/\1/p')
	frames_on 32 3 4242 || return
	# The other frames: context 0
	frames_within 128 "0 1 2 3"
}

t_delete_busy() {
	local before

	before=$(snapshot) || fail "$OUT" || return
	ynl rss-delete-act "{$(hdr),\"context\":1}" && { fail "deleted a context in use"; return; }
	echo "$OUT" | grep -q "error: -16$" || fail "$OUT" || return
	echo "$OUT" | grep -q "used by the rule at location" || fail "$OUT" || return
	echo "$OUT" | grep -qF "'bad-attr': '.context'" || fail "$OUT" || return
	[ "$(snapshot)" = "$before" ] || fail "state changed"
	"$ETHTOOL" -N "$DEV" delete "$RULE" > /dev/null 2>&1 || fail "rule $RULE: delete failed"
}

t_delete() {
	ynl --subscribe rss-delete-act "{$(hdr),\"context\":5}" || fail "$OUT" || return
	[ "$(echo "$OUT" | head -n1)" = null ] || fail "reply: $OUT" || return
	[ "$(ntfs)" = "rss-delete-ntf:5" ] || fail "notifications: '$(ntfs)'" || return
	rss_get 5 && { fail "context 5 still there"; return; }
	echo "$OUT" | grep -q "error: -2$" || fail "$OUT" || return
	! "$ETHTOOL" -x "$DEV" context 5 > /dev/null 2>&1 || fail "ioctl still sees context 5"
}

# The ioctl path notifies the same way
t_ntf_ioctl() {
	local ctx

	listen_start || return
	"$ETHTOOL" -X "$DEV" equal 3 > /dev/null || fail "ethtool -X equal 3" || return
	ctx=$("$ETHTOOL" -X "$DEV" context new equal 2 | sed -n 's/^New RSS context is //p')
	"$ETHTOOL" -X "$DEV" context "$ctx" delete || fail "context $ctx delete" || return
	listen_result
	[ "$LNTF" = "rss-ntf:0 rss-create-ntf:$ctx rss-delete-ntf:$ctx" ] ||
		fail "notifications: '$LNTF'"
}

# Which interface sid's ethtool used for -X and -x, for the record: it may
# set RSS through the ioctl even where the kernel has RSS_SET
sid_paths() {
	local x=ioctl y=ioctl

	command -v strace > /dev/null || return 0
	strace -f -e trace=sendto,sendmsg "$SID_ETHTOOL" -X "$DEV" equal 2 2>&1 |
		grep -q "AF_NETLINK\|NETLINK\|sendmsg(" && x=netlink
	strace -f -e trace=sendto,sendmsg "$SID_ETHTOOL" -x "$DEV" 2>&1 |
		grep -q "AF_NETLINK\|NETLINK\|sendmsg(" && y=netlink
	echo "# $("$SID_ETHTOOL" --version): -X through the $x, -x through $y"
}

# Debian sid's ethtool (7.x) against this kernel, checked over netlink and
# by where frames land
t_sid_ethtool() {
	local out ctx

	"$SID_ETHTOOL" -X "$DEV" equal 2 || fail "-X equal 2" || return
	sid_paths
	rss_get 0 || fail "$OUT" || return
	[ "$(indir_of "$GET")" = "$(indir_128 0 1)" ] || fail "netlink: $GET" || return
	frames_within 128 "0 1" || return
	out=$("$SID_ETHTOOL" -x "$DEV") || fail "-x: $out" || return
	echo "$out" | grep -q "^ *120: *0 *1 *0 *1 *0 *1 *0 *1$" || fail "-x: $out" || return
	out=$("$SID_ETHTOOL" -X "$DEV" context new weight 0 0 0 1 2>&1) ||
		fail "context new: $out" || return
	ctx=$(echo "$out" | sed -n 's/^New RSS context is //p')
	rss_get "$ctx" || fail "context '$ctx': $OUT" || return
	[ "$(indir_of "$GET")" = "$(indir_128 3)" ] || fail "context $ctx: $GET" || return
	out=$("$ETHTOOL" -N "$DEV" flow-type udp4 dst-port 4343 context "$ctx" 2>&1) ||
		fail "ethtool -N: $out" || return
	frames_on 32 3 4343 || return
	"$ETHTOOL" -N "$DEV" delete "$(echo "$out" | sed -n 's/.*rule with ID \([0-9]*\).*/\1/p')"
	"$SID_ETHTOOL" -X "$DEV" context "$ctx" delete || fail "context $ctx delete" || return
	rss_get "$ctx" && { fail "context $ctx still there"; return; }
	"$SID_ETHTOOL" -X "$DEV" default || fail "-X default" || return
	frames_within 256 "0 1 2 3"
}

# ---- main ----

rss_nl_setup

check spec_passes_ynl_schema t_spec_valid
check get_reports_table_key_and_flow_hash t_get_do
check dump_lists_context_0 t_get_dump
check set_table_replicated_read_back_and_notified t_set_indir
check set_without_change_notifies_nothing t_set_nochange
check set_key t_set_key
check set_input_xfrm t_set_xfrm
check set_flow_hash t_set_flow_hash
check frames_follow_the_table t_frames_table
check empty_table_resets_to_default_and_automq t_reset
check create_replies_with_the_new_context t_create
check create_with_requested_id t_create_id
check dump_from_start_context t_dump_contexts
check set_context_table t_set_ctx
check set_context_flow_hash t_set_ctx_fields
check frames_follow_the_context_table t_frames_ctx
check delete_context_in_use_refused t_delete_busy
check delete_context t_delete
check ioctl_changes_notify t_ntf_ioctl

if [ -z "$SID_ETHTOOL" ] || [ ! -e "$SID_ETHTOOL" ]; then
	skip sid_ethtool_configures_the_tap \
		"Debian sid's ethtool not fetched: $(cat "$SID_DIR/REASON" 2>/dev/null || echo "run scripts/fetch-sid-ethtool.sh")"
elif ! "$SID_ETHTOOL" --version > /dev/null 2>&1; then
	skip sid_ethtool_configures_the_tap "$SID_ETHTOOL does not run here"
else
	check sid_ethtool_configures_the_tap t_sid_ethtool
fi

rss_nl_finish
