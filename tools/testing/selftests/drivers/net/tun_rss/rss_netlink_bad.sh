#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input to RSS over ethtool netlink on a multi-queue tap (SPEC §7):
# every invalid RSS_SET, RSS_CREATE_ACT or RSS_DELETE_ACT gets a precise
# errno and an extack message naming the offending attribute, changes
# nothing (hash fields the driver took before refusing a later one are put
# back) and notifies nothing.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=rss_netlink_bad
DEV=rssnl1
source "$DIR/rss_netlink_lib.sh"

# steer Q / steer -1: attach or detach tap_hold's steering eBPF program
steer() {
	local line

	echo "steer $1" >&"${HOLD[1]}"
	read -r -t 30 -u "${HOLD[0]}" line || { WHY="# tap_hold: no answer"; return 1; }
	[ "$line" = ok ] || { WHY="# tap_hold: $line"; return 1; }
}

# SPEC §3: RSS and a steering eBPF program exclude each other; over
# netlink the refusal carries tun's extack message.
t_bad_ebpf_attached() {
	local before after ret

	before=$(snapshot) || fail "$OUT" || return
	steer 1 || return 1
	bad rss-set ",\"indir\":\"$(indir_hex 0 1)\"" 16 \
		"a steering eBPF program is attached; detach it to configure RSS" ""
	ret=$?
	steer -1 || return 1
	[ $ret = 0 ] || return $ret
	after=$(snapshot) || fail "$OUT" || return
	[ "$after" = "$before" ] || fail "before: $before" "after: $after"
}

# The patched ip shows the steering mode (IFLA_TUN_STEERING); optional
IP=${IP:-$(first_of "$DIR/../../../../tools/sbin/ip" \
		    "$DIR/../../../../../../../tools/sbin/ip")}

# steering_is MODE: ip -d link says MODE, and a steering eBPF program can
# attach exactly when it is not rss (SPEC §3: they exclude each other)
steering_is() {
	local mode

	if [ -n "$IP" ]; then
		mode=$("$IP" -j -d link show dev "$DEV" |
			jq -r '.[0].linkinfo.info_data.steering') ||
			fail "ip -d link show dev $DEV failed" || return
		[ "$mode" = "$1" ] || fail "steering $mode, want $1" || return
	fi
	if [ "$1" = rss ]; then
		steer 1 && { steer -1; fail "eBPF attached while steering by RSS"; return; }
		return 0
	fi
	steer 1 || return
	steer -1
}

# refused OP JSON ERRNO MSG ATTR: bad() on the automq device, which must be
# left exactly as it was, steering mode included (issue 18: the undo of a
# partly applied request used to mark the device user-configured)
refused() {
	local after

	bad "$@" || return
	after=$(snapshot) || fail "$OUT" || return
	[ "$after" = "$AUTOMQ" ] || fail "before: $AUTOMQ" "after: $after" || return
	steering_is automq
}

# Each request below carries an attribute the device takes and one it
# refuses, in every order the core applies them in: hash fields, then
# the key, table, function and transform in one driver call.
t_refused_fields_fields() {
	refused rss-set ",\"flow-hash\":{\"tcp4\":[\"ip-src\",\"ip-dst\"],\"udp4\":[\"gtp-teid\"]}" \
		22 "unsupported hash fields" .flow-hash.udp4
}

t_refused_fields_hfunc() {
	refused rss-set ",\"flow-hash\":{\"tcp4\":[\"ip-src\",\"ip-dst\"]},\"hfunc\":2" \
		95 "tun supports only the Toeplitz hash function" ""
}

t_refused_fields_indir() {
	refused rss-set ",\"flow-hash\":{\"udp6\":[]},\"indir\":\"$(indir_hex 0 4)\"" \
		22 "entry 1: queue out of range (4, 4 queues)" .indir
}

t_refused_key_hfunc() {
	refused rss-set ",\"hkey\":\"$(printf '%02x' $(seq 1 40))\",\"hfunc\":2" \
		95 "tun supports only the Toeplitz hash function" ""
}

t_refused_key_indir() {
	refused rss-set ",\"hkey\":\"$(printf '%02x' $(seq 1 40))\",\"indir\":\"$(indir_hex 0 1 2)\"" \
		22 "size (3) mismatch with device indir table (128)" .indir
}

t_refused_xfrm_fields() {
	refused rss-set ",\"input-xfrm\":\"sym-xor\",\"flow-hash\":{\"tcp4\":[\"ip-src\"]}" \
		22 "conflict with the symmetric input transformation" .flow-hash.tcp4
}

t_refused_all() {
	refused rss-set ",\"hkey\":\"$(printf '%02x' $(seq 1 40))\",\"indir\":\"$(indir_hex 3 2 1 0)\",\"hfunc\":1,\"input-xfrm\":0,\"flow-hash\":{\"tcp4\":[\"ip-src\",\"ip-dst\"],\"tcp6\":[],\"udp4\":[\"gtp-teid\"]}" \
		22 "unsupported hash fields" .flow-hash.udp4
}

# AH and ESP share one setting per IP version: conflicting values in one
# request are refused (the last one used to win); one value for all is fine
t_refused_ah_esp() {
	refused rss-set ",\"flow-hash\":{\"ah4\":[\"ip-src\",\"ip-dst\"],\"esp4\":[]}" \
		22 "shares its hash fields with another one" .flow-hash.ah4 || return
	refused rss-set ",\"flow-hash\":{\"esp6\":[],\"ah-esp6\":[\"ip-src\",\"ip-dst\"]}" \
		22 "shares its hash fields with another one" .flow-hash.ah-esp6
}

t_ah_esp_same() {
	ynl rss-set "{$(hdr),\"flow-hash\":{\"ah4\":[],\"esp4\":[],\"ah-esp4\":[]}}" ||
		fail "$OUT" || return
	rss_get 0 || fail "$OUT" || return
	[ "$(field_of "$GET" '.["flow-hash"]["esp4"]')" = 0 ] || fail "esp4: $GET" || return
	steering_is rss || return
	empty_table_noop || return
	table_reset_automq || return
	ynl rss-set "{$(hdr),\"flow-hash\":{\"ah4\":[\"ip-src\",\"ip-dst\"]}}" ||
		fail "$OUT" || return
	empty_table_noop || return
	table_reset_automq
}

# An empty table on a table the user never set, already the default
# spread: nothing changes and nothing is notified, as upstream; the hash
# fields set before keep the device steering by RSS (tuntap.rst)
empty_table_noop() {
	local before after

	before=$(snapshot) || fail "$OUT" || return
	listen_start || return
	ynl rss-set "{$(hdr),\"indir\":\"\"}" || fail "$OUT" || return
	listen_result
	[ -z "$LNTF" ] || fail "notifications: '$LNTF'" || return
	after=$(snapshot) || fail "$OUT" || return
	[ "$after" = "$before" ] || fail "before: $before" "after: $after" || return
	steering_is rss
}

# A table the user set: the empty table resets it, with a notification,
# and the device returns to automq
table_reset_automq() {
	listen_start || return
	ynl rss-set "{$(hdr),\"indir\":\"$(indir_hex 1 0)\"}" || fail "$OUT" || return
	ynl rss-set "{$(hdr),\"indir\":\"\"}" || fail "$OUT" || return
	listen_result
	[ "$LNTF" = "rss-ntf:0 rss-ntf:0" ] || fail "notifications: '$LNTF'" || return
	rss_get 0 || fail "$OUT" || return
	[ "$(indir_of "$GET")" = "$(indir_128 $(seq 0 $((NQ - 1))))" ] ||
		fail "table after the reset: $GET" || return
	steering_is automq
}

# The same on context 1: refused, context 1 and everything else unchanged
t_refused_ctx() {
	local after

	bad rss-set ",\"context\":1,\"flow-hash\":{\"tcp4\":[\"ip-src\",\"ip-dst\"],\"udp4\":[\"gtp-teid\"]}" \
		22 "unsupported hash fields" .flow-hash.udp4 || return
	bad rss-set ",\"context\":1,\"flow-hash\":{\"tcp6\":[]},\"hkey\":\"$(printf '%02x' $(seq 1 40))\",\"hfunc\":2" \
		95 "tun supports only the Toeplitz hash function" "" || return
	bad rss-set ",\"context\":1,\"flow-hash\":{\"ah4\":[],\"ah-esp4\":[\"ip-src\",\"ip-dst\"]}" \
		22 "shares its hash fields with another one" .flow-hash.ah-esp4 || return
	bad rss-create-act ",\"hkey\":\"$(printf '%02x' $(seq 1 40))\",\"hfunc\":2" \
		95 "tun supports only the Toeplitz hash function" "" || return
	after=$(snapshot) || fail "$OUT" || return
	[ "$after" = "$BEFORE" ] || fail "before: $BEFORE" "after: $after"
}

# None of the refused requests above notified anything
t_refused_ntf() {
	listen_start || return
	t_refused_all > /dev/null
	t_refused_ah_esp > /dev/null
	t_refused_fields_hfunc > /dev/null
	ynl rss-set "{$(hdr),\"context\":1,\"indir\":\"$(indir_hex 1 0)\"}" || fail "$OUT" || return
	listen_result
	[ "$LNTF" = "rss-ntf:1" ] || fail "notifications: '$LNTF'"
}

t_bad_block_end() {
	local after

	after=$(snapshot) || fail "$OUT" || return
	[ "$after" = "$BEFORE" ] || fail "before: $BEFORE" "after: $after"
}

t_bad_key_len() {
	bad rss-set ",\"hkey\":\"$(printf '%02x' $(seq 1 39))\"" 22 \
		"key length (39) mismatch with device key (40)" .hkey
}

t_bad_indir_queue() {
	bad rss-set ",\"indir\":\"$(indir_hex 0 4)\"" 22 \
		"entry 1: queue out of range (4, 4 queues)" .indir
}

t_bad_indir_size() {
	bad rss-set ",\"indir\":\"$(indir_hex 0 1 2)\"" 22 \
		"size (3) mismatch with device indir table (128)" .indir
}

t_bad_indir_oversize() {
	bad rss-set ",\"indir\":\"$(indir_hex $(indir_128 0 1) $(indir_128 0 1))\"" 22 \
		"size (256) mismatch with device indir table (128)" .indir
}

t_bad_indir_bytes() {
	bad rss-set ",\"indir\":\"0000000001\"" 22 "indirection table entries are u32" .indir
}

t_bad_ctx_set() {
	bad rss-set ",\"context\":42,\"indir\":\"$(indir_hex 1)\"" 2 \
		"no such RSS context" .context
}

t_bad_ctx_delete() {
	bad rss-delete-act ",\"context\":42" 2 "no such RSS context" .context
}

t_bad_ctx_reset() {
	bad rss-set ",\"context\":1,\"indir\":\"\"" 22 "can't reset table for a context" .indir
}

t_bad_delete_noctx() {
	bad rss-delete-act "" 22 "'miss-type': 'context'" ""
}

# tun's own check: the driver's message, as for any driver
t_bad_hfunc() {
	bad rss-set ",\"hfunc\":2" 95 "tun supports only the Toeplitz hash function" ""
}

t_bad_hfunc_zero() {
	bad rss-set ",\"hfunc\":0" 34 "" .hfunc
}

t_bad_xfrm() {
	bad rss-set ",\"input-xfrm\":\"sym-or-xor\"" 95 \
		"input transformation not supported by the device" .input-xfrm
}

t_bad_xfrm_range() {
	bad rss-set ",\"input-xfrm\":4" 34 "" .input-xfrm
}

t_bad_fields() {
	bad rss-set ",\"flow-hash\":{\"tcp4\":[\"gtp-teid\"]}" 22 "unsupported hash fields" \
		.flow-hash.tcp4
}

# Bit 9 is the IPv6 flow label: the policy takes it, tun refuses it for
# IPv4; bit 10 is no field at all
t_bad_fields_bits() {
	bad rss-set ",\"flow-hash\":{\"tcp4\":512}" 22 "unsupported hash fields" \
		.flow-hash.tcp4 || return
	bad rss-set ",\"flow-hash\":{\"tcp6\":1024}" 22 "" .flow-hash.tcp6
}

# tcp4 reaches the driver first and is taken; udp4 is refused: tcp4 must
# be put back
t_bad_fields_rollback() {
	bad rss-set ",\"flow-hash\":{\"tcp4\":[\"ip-src\",\"ip-dst\"],\"udp4\":[\"gtp-teid\"]}" 22 \
		"unsupported hash fields" .flow-hash.udp4 || return
	rss_get 0 || fail "$OUT" || return
	[ "$(field_of "$GET" '.["flow-hash"].tcp4')" = 240 ] || fail "tcp4 left changed: $GET"
}

t_bad_fields_sym() {
	ynl rss-set "{$(hdr),\"input-xfrm\":\"sym-xor\"}" || fail "$OUT" || return
	bad rss-set ",\"flow-hash\":{\"tcp4\":[\"ip-src\"]}" 22 \
		"conflict with the symmetric input transformation" .flow-hash.tcp4
	ynl rss-set "{$(hdr),\"input-xfrm\":0}" || fail "$OUT"
}

t_bad_create_range() {
	bad rss-create-act ",\"context\":64" 34 "RSS context ID out of range (max 63)" .context
}

t_bad_create_busy() {
	bad rss-create-act ",\"context\":1" 16 "RSS context ID in use" .context
}

# A tap with no queue attached has nothing to spread over (SPEC §2)
t_bad_no_queues() {
	local dev=rssnl2 ret=0

	ip tuntap add dev $dev mode tap multi_queue || { fail "ip tuntap add"; return; }
	ynl rss-set "{\"header\":{\"dev-name\":\"$dev\"},\"indir\":\"$(indir_hex 0)\"}" &&
		{ fail "accepted"; ret=1; }
	if [ $ret = 0 ]; then
		echo "$OUT" | grep -q "error: -61$" &&
			echo "$OUT" | grep -qF "cannot read the device's Rx ring count" &&
			echo "$OUT" | grep -qF "'bad-attr': '.indir'" || { fail "$OUT"; ret=1; }
	fi
	ip tuntap del dev $dev mode tap multi_queue
	return $ret
}

# Not an RSS_SET attribute: refused by the policy, and the device the
# header named is released (a leaked reference would hang its removal)
t_bad_set_start_context() {
	bad rss-set ",\"start-context\":1" 22 "" .start-context
}

t_bad_nodev() {
	ynl rss-set '{"header":{"dev-name":"nosuchdev0"},"indir":""}' && { fail "accepted"; return; }
	echo "$OUT" | grep -q "error: -19$" || fail "$OUT" || return
	echo "$OUT" | grep -qF "no device matches name" || fail "$OUT" || return
	echo "$OUT" | grep -qF "'bad-attr': '.header.dev-name'" || fail "$OUT"
}

# Refused requests notify nothing; the one change after them does
t_ntf_errors() {
	listen_start || return
	ynl rss-set "{$(hdr),\"hkey\":\"00\"}"
	ynl rss-set "{$(hdr),\"context\":42,\"indir\":\"$(indir_hex 1)\"}"
	ynl rss-set "{$(hdr),\"flow-hash\":{\"tcp4\":[\"gtp-teid\"]}}"
	ynl rss-set "{$(hdr),\"indir\":\"$(indir_hex 3 2 1 0)\"}" || fail "$OUT" || return
	listen_result
	[ "$LNTF" = "rss-ntf:0" ] || fail "notifications: '$LNTF'"
}

# ---- main ----

rss_nl_setup

# First, on the fresh device (automq, no context: eBPF may attach)
check ebpf_steering_attached_is_ebusy t_bad_ebpf_attached

AUTOMQ=$(snapshot) || AUTOMQ="snapshot failed: $OUT"
check refused_fields_and_fields_leave_automq t_refused_fields_fields
check refused_fields_and_hfunc_leave_automq t_refused_fields_hfunc
check refused_fields_and_table_leave_automq t_refused_fields_indir
check refused_key_and_hfunc_leave_automq t_refused_key_hfunc
check refused_key_and_table_leave_automq t_refused_key_indir
check refused_xfrm_and_fields_leave_automq t_refused_xfrm_fields
check refused_every_attribute_leaves_automq t_refused_all
check ah_esp_conflicting_fields_refused t_refused_ah_esp
check ah_esp_same_fields_accepted t_ah_esp_same

# Context 1 exists: the requests below name it or a missing one
if ! ynl rss-create-act "{$(hdr),\"context\":1}"; then
	echo "Bail out! cannot create RSS context 1: $OUT"
	exit 1
fi
BEFORE=$(snapshot) || BEFORE="snapshot failed: $OUT"

check key_length t_bad_key_len
check table_entry_past_queues t_bad_indir_queue
check table_size t_bad_indir_size
check table_oversize t_bad_indir_oversize
check table_not_u32 t_bad_indir_bytes
check unknown_context_set t_bad_ctx_set
check unknown_context_delete t_bad_ctx_delete
check reset_of_a_context t_bad_ctx_reset
check delete_without_context t_bad_delete_noctx
check hfunc_not_toeplitz t_bad_hfunc
check hfunc_zero t_bad_hfunc_zero
check input_xfrm_unsupported t_bad_xfrm
check input_xfrm_out_of_range t_bad_xfrm_range
check flow_hash_fields t_bad_fields
check flow_hash_unknown_bits t_bad_fields_bits
check flow_hash_partly_applied_is_undone t_bad_fields_rollback
check flow_hash_not_symmetric t_bad_fields_sym
check create_id_out_of_range t_bad_create_range
check create_id_in_use t_bad_create_busy
check no_such_device t_bad_nodev
check table_without_queues t_bad_no_queues
check set_with_a_dump_attribute t_bad_set_start_context
check refused_on_a_context_change_nothing t_refused_ctx
check nothing_changed t_bad_block_end
check nothing_notified t_ntf_errors
check refused_combinations_notify_nothing t_refused_ntf

rss_nl_finish
