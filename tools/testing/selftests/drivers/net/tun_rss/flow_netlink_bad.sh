#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input to ntuple flow rules over ethtool netlink (SPEC §7): every
# invalid FLOW_RULE_ADD, FLOW_RULE_DEL or FLOW_RULE_GET gets a precise errno
# and an extack message naming the offending attribute, changes no rule and
# notifies nothing.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=flow_netlink_bad
DEV=flownl1
source "$DIR/flow_netlink_lib.sh"

# A spec with attributes the kernel does not know or types it does not
# take, to send what the real spec cannot
bad_spec() {
	BAD_SPEC=$(mktemp --suffix=.yaml)
	python3 - "$YNL_SPEC" "$BAD_SPEC" <<-'EOF'
	import sys, yaml
	spec = yaml.safe_load(open(sys.argv[1]))
	for s in spec['attribute-sets']:
	    if s['name'] == 'flow-match':
	        s['attributes'] += [
	            {'name': 'unknown', 'type': 'u32', 'value': 100},
	            {'name': 'dst-port-u32', 'type': 'u32', 'value': 11},
	        ]
	    if s['name'] == 'flow-rule':
	        s['attributes'].append({'name': 'location-u8', 'type': 'u8',
	                                'value': 2})
	for op in spec['operations']['list']:
	    if op['name'] == 'flow-rule-add':
	        op['do']['request']['attributes'].append('location-u8')
	with open(sys.argv[2], 'w') as f:
	    f.write('# SPDX' + '-License-Identifier: GPL-2.0\n')  # the spec's own tag
	    yaml.safe_dump(spec, f, sort_keys=False)
	EOF
}

# bad_raw: bad with the spec that has the extra attributes
bad_raw() {
	local spec=$YNL_SPEC ret

	YNL_SPEC=$BAD_SPEC
	bad "$@"
	ret=$?
	YNL_SPEC=$spec
	return $ret
}

t_bad_block_start() {
	bad_spec
	add "\"location\":5,$U4,\"match\":{\"dst-port\":5},$Q1" || fail "$OUT" || return
	BEFORE=$(rules) || fail "$OUT" || return
	listen_start
}

t_bad_unknown_attr() {
	bad_raw flow-rule-add ",$U4,\"match\":{\"unknown\":1},$Q1" 22 "" .match.unknown
}

t_bad_attr_len() {
	bad_raw flow-rule-add ",$U4,\"match\":{\"dst-port-u32\":1},$Q1" 22 \
		"invalid attribute length" .match.dst-port-u32
}

t_bad_attr_type() {
	bad_raw flow-rule-add ",\"location-u8\":1,$U4,$Q1" 22 \
		"invalid attribute length" .location-u8
}

t_bad_field_for_type() {
	bad flow-rule-add ",\"flow-type\":\"tcp-v4-flow\",\"match\":{\"src-ip6\":\"fd000000000000000000000000000001\"},$Q1" \
		22 "flow type tcp4 has no such field" .match.src-ip6
}

t_bad_spi_for_udp() {
	bad flow-rule-add ",$U4,\"match\":{\"spi\":1},$Q1" 22 \
		"flow type udp4 has no such field" .match.spi
}

t_bad_mask_alone() {
	bad flow-rule-add ",$U4,\"match\":{\"dst-port-mask\":255},$Q1" 22 \
		"mask without its value" .match.dst-port-mask
}

t_bad_value_outside_mask() {
	bad flow-rule-add ",$U4,\"match\":{\"dst-port\":256,\"dst-port-mask\":255},$Q1" 22 \
		"value has bits outside its mask" .match.dst-port
}

t_bad_flow_type() {
	bad flow-rule-add ",\"flow-type\":99,$Q1" 22 "unknown flow type 0x63" .flow-type
}

t_bad_flow_type_flag() {	# FLOW_EXT is said by the match, not the type
	bad flow-rule-add ",\"flow-type\":$((0x80000002)),$Q1" 22 \
		"unknown flow type 0x80000002" .flow-type
}

t_bad_loc_range() {
	bad flow-rule-add ",\"location\":$TABLE,$U4,$Q1" 34 \
		"location $TABLE out of range ($TABLE rules)" .location
}

t_bad_loc_taken() {
	bad flow-rule-add ",\"location\":5,$U4,$Q1" 17 "location 5 in use" .location
}

t_bad_loc_special() {
	bad flow-rule-add ",\"location\":$((0x80000001)),$U4,$Q1" 22 \
		"unknown special location" .location
}

t_bad_context() {
	bad flow-rule-add ",$U4,\"action\":{\"context\":42}" 2 "no such RSS context" \
		.action.context
}

t_bad_queue() {
	bad flow-rule-add ",$U4,\"action\":{\"queue\":$NQ}" 22 \
		"queue $NQ out of range ($NQ queues)" .action.queue
}

t_bad_offset() {
	bad flow-rule-add ",$U4,\"action\":{\"context\":0,\"queue\":$NQ}" 22 \
		"queue $NQ out of range ($NQ queues)" .action.queue
}

t_bad_drop_and_queue() {
	bad flow-rule-add ",$U4,\"action\":{\"drop\":true,\"queue\":1}" 22 \
		"conflicts with the drop or wake action" .action.queue
}

t_bad_drop_and_wake() {
	bad flow-rule-add ",$U4,\"action\":{\"drop\":true,\"wake\":true}" 22 \
		"conflicts with the drop or wake action" .action.wake
}

t_bad_empty_action() {
	bad flow-rule-add ",$U4,\"action\":{}" 22 \
		"action needs a queue, a context, drop or wake" .action
}

t_bad_no_action() {
	bad flow-rule-add ",$U4" 22 "'miss-type': 'action'" ""
}

t_bad_no_type() {
	bad flow-rule-add ",$Q1" 22 "'miss-type': 'flow-type'" ""
}

# tun matches neither AH nor ESP, nor a VLAN TPID: the driver refuses,
# and the core says which part of the request it could not take
t_bad_driver_type() {
	bad flow-rule-add ",\"flow-type\":\"esp-v4-flow\",\"match\":{\"spi\":1},$Q1" 22 \
		"device cannot match this rule" .match
}

t_bad_driver_field() {
	bad flow-rule-add ",$U4,\"match\":{\"vlan-etype\":33024},$Q1" 22 \
		"device cannot match this rule" .match
}

t_bad_nodev() {
	ynl flow-rule-add "{\"header\":{\"dev-name\":\"nosuchdev0\"},$U4,$Q1}" &&
		{ fail "accepted: $OUT"; return; }
	echo "$OUT" | grep -q "error: -19$" || fail "want ENODEV: $OUT" || return
	echo "$OUT" | grep -qF "no device matches name" || fail "extack: $OUT"
}

t_bad_get_empty() {
	bad flow-rule-get ",\"location\":77" 2 "no rule at location 77" .location
}

t_bad_del_empty() {
	bad flow-rule-del ",\"location\":77" 2 "no rule at location 77" .location
}

t_bad_get_no_loc() {
	bad flow-rule-get "" 22 "'miss-type': 'location'" ""
}

t_bad_block_end() {
	local after

	listen_result
	rm -f "$BAD_SPEC"
	after=$(rules) || fail "$OUT" || return
	[ "$after" = "$BEFORE" ] || fail "before: $BEFORE" "after: $after" || return
	[ -z "$LNTF" ] || fail "notifications: '$LNTF'" || return
	del 5 || fail "$OUT"
}

# The ntuple feature off (which flushes tun's rules): adding is refused
t_bad_ntuple_off() {
	local ret

	"$ETHTOOL" -K "$DEV" ntuple off || fail "ntuple off" || return
	bad flow-rule-add ",$U4,$Q1" 95 "the ntuple feature is off" ""
	ret=$?
	"$ETHTOOL" -K "$DEV" ntuple on || fail "ntuple on" || return
	return $ret
}

# tun has 32 mask groups (TUN_RSS_MAX_MASKS, Documentation/networking/
# tuntap.rst): a rule with one distinct mask more is refused with ENOSPC,
# its match named, and changes nothing; a rule of a mask in use still
# goes in, and deleting the last rule of a mask frees its group.
MAX_MASKS=32

# A udp4 rule at LOC on 10.0.0.0 with a source prefix of LEN bits
src_prefix() {
	local mask=$(( (0xffffffff << (32 - $2)) & 0xffffffff ))

	echo "\"location\":$1,$U4,\"match\":{\"src-ip4\":$((0x0a000000 & mask)),\"src-ip4-mask\":$mask},$Q1"
}

t_bad_mask_groups() {
	local rules=() i ret before after

	for i in $(seq 1 $MAX_MASKS); do
		rules+=("$(src_prefix $((100 + i)) $i)")
	done
	add_many "${rules[@]}" || fail "$OUT" || return
	before=$(rules) || fail "$OUT" || return
	[ "$(echo "$before" | jq length)" = $MAX_MASKS ] ||
		fail "want $MAX_MASKS rules: $before" || return

	listen_start
	bad flow-rule-add ",\"location\":200,$U4,\"match\":{\"dst-port\":7},$Q1" 28 \
		"every mask group of the device is in use" .match &&
	bad flow-rule-add ",\"location\":200,$U4,$Q1" 28 \
		"every mask group of the device is in use" .flow-type
	ret=$?
	listen_result
	[ $ret = 0 ] || return
	after=$(rules) || fail "$OUT" || return
	[ "$after" = "$before" ] || fail "before: $before" "after: $after" || return
	[ -z "$LNTF" ] || fail "notifications: '$LNTF'" || return

	# A mask in use: /32 again
	add "$(src_prefix 201 32)" || fail "same mask refused: $OUT" || return
	del 201 || fail "$OUT" || return
	# The /1 group goes with its only rule: room for dst-port
	del 101 || fail "$OUT" || return
	add "\"location\":200,$U4,\"match\":{\"dst-port\":7},$Q1" ||
		fail "freed group not reused: $OUT" || return
	# ... and that was the last group again
	bad flow-rule-add ",$(src_prefix 202 1)" 28 \
		"every mask group of the device is in use" .match || return
	flush || fail "$OUT"
}

# ---- main ----

rss_nl_setup

check bad_block_start t_bad_block_start
check bad_unknown_match_attr t_bad_unknown_attr
check bad_match_attr_length t_bad_attr_len
check bad_location_type t_bad_attr_type
check bad_field_not_in_flow_type t_bad_field_for_type
check bad_spi_on_udp4 t_bad_spi_for_udp
check bad_mask_without_value t_bad_mask_alone
check bad_value_outside_mask t_bad_value_outside_mask
check bad_unknown_flow_type t_bad_flow_type
check bad_flow_type_with_flag t_bad_flow_type_flag
check bad_location_out_of_range t_bad_loc_range
check bad_location_taken t_bad_loc_taken
check bad_special_location t_bad_loc_special
check bad_unknown_context t_bad_context
check bad_queue_beyond_queues t_bad_queue
check bad_queue_offset_beyond_queues t_bad_offset
check bad_drop_and_queue t_bad_drop_and_queue
check bad_drop_and_wake t_bad_drop_and_wake
check bad_empty_action t_bad_empty_action
check bad_missing_action t_bad_no_action
check bad_missing_flow_type t_bad_no_type
check bad_driver_cannot_match_esp4 t_bad_driver_type
check bad_driver_cannot_match_vlan_etype t_bad_driver_field
check bad_nonexistent_device t_bad_nodev
check bad_get_empty_location t_bad_get_empty
check bad_delete_empty_location t_bad_del_empty
check bad_get_without_location t_bad_get_no_loc
check bad_input_changed_and_notified_nothing t_bad_block_end
check bad_ntuple_off t_bad_ntuple_off
check bad_mask_groups_exhausted t_bad_mask_groups

rss_nl_finish
