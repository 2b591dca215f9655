# SPDX-License-Identifier: GPL-2.0
#
# Shared by flow_netlink.sh and flow_netlink_bad.sh: ntuple flow rules over
# ethtool netlink (FLOW_RULE_GET/ADD/DEL, proposed) on top of
# rss_netlink_lib.sh (YNL CLI, ioctl view, tap_hold frames, listener).
# A sourcing test sets TEST and DEV first.

source "$DIR/rss_netlink_lib.sh"

LOC_ANY=4294967295
LOC_FIRST=4294967294
LOC_LAST=4294967293
TABLE=4096		# tun's rule table (TUN_RSS_MAX_RULES)

# 10.200.0.1: destination of tap_hold's flow 0; 10.0.0.0: its source /24
IP_D=$(( (10 << 24) | (200 << 16) | 1 ))
IP_S=$(( 10 << 24 ))

U4='"flow-type":"udp-v4-flow"'
Q1='"action":{"queue":1}'

# add JSON: FLOW_RULE_ADD with JSON (fields after the header); LOC holds
# the location of the reply
add() {
	ynl flow-rule-add "{$(hdr),$1}" || return 1
	LOC=$(echo "$OUT" | head -n1 | jq -r .location)
}

# add_many JSON...: one request with several FLOW_RULE_ADD; LOCS holds
# the locations of the replies
add_many() {
	local args=() j

	for j; do
		args+=(flow-rule-add "{$(hdr),$j}")
	done
	ynl "${args[@]}" || return 1
	LOCS=$(echo "$OUT" | head -n1 | jq -r 'map(.location | tostring) | join(" ")')
}

rule_get() {	# rule_get LOC: RULE holds the reply
	ynl flow-rule-get "{$(hdr),\"location\":$1}" || return 1
	RULE=$(echo "$OUT" | head -n1)
}

del() { ynl flow-rule-del "{$(hdr),\"location\":$1}"; }

# The rules of DEV, as the dump reports them (without the header)
rules() {
	ynl dump:flow-rule-get "{$(hdr)}" || return 1
	echo "$OUT" | jq -c 'map(select(.header["dev-name"] == "'$DEV'") | del(.header))'
}

# Delete every rule of DEV, in one request
flush() {
	local args=() l

	for l in $(rules | jq -r '.[].location'); do
		args+=(flow-rule-del "{$(hdr),\"location\":$l}")
	done
	[ ${#args[@]} = 0 ] || ynl "${args[@]}"
}

# ioctl view of one rule
ioctl_rule() { "$ETHTOOL" -n "$DEV" rule "$1" 2>&1; }

has_line() {	# has_line TEXT LINE: TEXT has LINE (leading blanks ignored)
	echo "$1" | sed 's/^[[:space:]]*//' | grep -qxF "$2" ||
		fail "no line '$2' in:" "$1"
}

# Notifications after a --subscribe request: "name:location ..."
rule_ntfs() {
	echo "$OUT" | tail -n +2 |
		jq -r '.[] | "\(.name):\(.msg.location)"' | tr '\n' ' ' | sed 's/ $//'
}

# check_clean NAME FN: check, and after a failure remove what it left
check_clean() {
	local failed=$FAILED

	check "$@"
	[ "$FAILED" = "$failed" ] || flush > /dev/null 2>&1
}
