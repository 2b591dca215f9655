#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's ethtool 6.1 (ethtool-patches/, installed by "make tools" in
# build/tools/sbin) against a multi-queue tap: -x/-X (table, key, hfunc,
# xfrm, contexts), -n/-N (rules, rx-flow-hash), --json of -x and -n, and
# --dev-fd run by an unprivileged holder of a queue of the tap.
#
# Every change is checked by where frames land (tap_hold) and through the
# stock ethtool 6.1 (ETHTOOL, ioctl only) or the tree's YNL CLI, never by
# the patched ethtool's own view alone.  That netlink was used is proved
# by running the patched ethtool under ioctl_deny (a seccomp filter that
# fails SIOCETHTOOL; the stock ethtool fails under it) and by the
# notification a monitor-group listener receives.
#
# Environment: ETHTOOL_PATCHED (default: build/tools/sbin/ethtool of this
# tree); see rss_netlink_lib.sh for the rest.  The fallback of the same
# binary to the ioctl on a kernel without the messages is
# ethtool_fallback.sh.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
TEST=ethtool_patched
DEV=etp0
source "$DIR/rss_netlink_lib.sh"

# Installed in build/kselftest/..., in build/linux/tools/..., or in the repo
EP=${ETHTOOL_PATCHED:-$(first_of "$DIR/../../../../tools/sbin/ethtool" \
			       "$DIR/../../../../../../../tools/sbin/ethtool" \
			       "$DIR/../../../../../../build/tools/sbin/ethtool")}
DENY=$DIR/ioctl_deny
FD_DEV=etpfd0
FD_UID=65534

if [ -z "$EP" ] || ! "$EP" --version 2> /dev/null | grep -q '^ethtool version 6.1$'; then
	echo "1..0 # SKIP the patched ethtool 6.1 is not built (make tools, or set ETHTOOL_PATCHED)"
	exit $KSFT_SKIP
fi
if ! "$EP" -h | grep -q -- '--dev-fd'; then
	echo "1..0 # SKIP $EP is not the patched ethtool (no --dev-fd)"
	exit $KSFT_SKIP
fi

OPS=" $(python3 "$DIR/genl_ops.py") "
has_op() { case $OPS in *" $1 "*) return 0 ;; esac; return 1; }
HAS_RSS_SET=0; has_op 48 && has_op 49 && has_op 50 && HAS_RSS_SET=1
HAS_RULES=0; has_op 52 && has_op 53 && has_op 54 && HAS_RULES=1
# Rule notifications are checked through YNL when its spec has them
SPEC_RULES=0
grep -q 'name: flow-rule-get' "$YNL_SPEC" 2> /dev/null && SPEC_RULES=1

# ---- helpers ----

# ep ARGS...: the patched ethtool without the ioctl; OUT: stdout+stderr
ep() { OUT=$("$DENY" "$EP" "$@" 2>&1); }
# stock ARGS...: the stock ethtool (ioctl)
stock() { OUT=$("$ETHTOOL" "$@" 2>&1); }

listen_stop() {	# NTF: the notifications seen, as one JSON list
	kill -TERM "$LPID" 2> /dev/null
	wait "$LPID"
	NTF=$(tail -n1 "$LFILE" | jq -c "[.[] | select(.msg.header[\"dev-name\"] == \"$1\")]")
	rm -f "$LFILE"
}
ntf_names() { echo "$NTF" | jq -r '[.[] | "\(.name):\(.msg.context // .msg.location // 0)"] | join(" ")'; }

# The stock view of a context's table, as expected: ENTRIES... repeated
want_table() { indir_128 "$@"; }

# The table a weight list gives (ethtool's rule, computed here): entry i
# goes to the first queue j with i < size * (w0 + ... + wj) / sum
weight_table() {
	local sum=0 w i j part out=()

	for w; do sum=$((sum + w)); done
	for ((i = 0; i < 128; i++)); do
		part=0
		j=0
		for w; do
			part=$((part + w))
			[ $((i * sum)) -lt $((128 * part)) ] && break
			j=$((j + 1))
		done
		out+=("$j")
	done
	echo "${out[*]}"
}

# ---- the control: ioctl_deny stops the ioctl ----

t_deny_works() {
	"$DENY" "$ETHTOOL" -x "$DEV" > /dev/null 2>&1 &&
		fail "the stock ethtool (ioctl) still works under ioctl_deny"
	"$ETHTOOL" -x "$DEV" > /dev/null 2>&1 || fail "stock ethtool -x fails"
}

# ---- -x ----

t_show() {
	ep -x "$DEV" || fail "$OUT" || return
	[ "$(echo "$OUT" | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) printf "%s ", $i }' |
		sed 's/ $//')" = "$(ioctl_indir 0)" ] || fail "table: $OUT" || return
	[ "$(echo "$OUT" | awk '/^RSS hash key:/ { getline; gsub(":", ""); print }')" = \
		"$(ioctl_key 0)" ] || fail "key: $OUT" || return
	echo "$OUT" | grep -q "^RX flow hash indirection table for $DEV with $NQ RX ring(s):$" ||
		fail "header: $OUT" || return
	echo "$OUT" | grep -qx '    toeplitz: on' || fail "hfunc: $OUT" || return
	echo "$OUT" | grep -qx '    symmetric-xor: off' || fail "xfrm: $OUT"
}

t_show_json() {
	local j

	OUT=$("$DENY" "$EP" --json -x "$DEV" 2>&1) || fail "$OUT" || return
	j=$(echo "$OUT" | jq -c '.[0]') || fail "not JSON: $OUT" || return
	[ "$(echo "$j" | jq -r '.ifname')" = "$DEV" ] || fail "$j" || return
	[ "$(echo "$j" | jq -r '.["rx-rings"]')" = "$NQ" ] || fail "$j" || return
	[ "$(echo "$j" | jq -r '.["rss-indirection-table"] | map(tostring) | join(" ")')" = \
		"$(ioctl_indir 0)" ] || fail "table: $j" || return
	[ "$(echo "$j" | jq -r '.["rss-hash-key"] | map(.) | .[]' | xargs printf '%02x')" = \
		"$(ioctl_key 0)" ] || fail "key: $j" || return
	[ "$(echo "$j" | jq -r '.["rss-hash-function"]')" = toeplitz ] || fail "$j" || return
	[ "$(echo "$j" | jq -c '.["rss-input-transformation"]')" = "[]" ] || fail "$j"
}

# ---- -X ----

t_equal() {
	listen_start || return
	ep -X "$DEV" equal 2 || { listen_stop "$DEV"; fail "$OUT"; return; }
	listen_stop "$DEV"
	# one notification, carrying the new table
	[ "$(ntf_names)" = "rss-ntf:0" ] || fail "notifications: $(ntf_names)" || return
	[ "$(echo "$NTF" | jq -r '.[0].msg.indir | map(tostring) | join(" ")')" = \
		"$(want_table 0 1)" ] || fail "notification: $NTF" || return
	[ "$(ioctl_indir 0)" = "$(want_table 0 1)" ] || fail "ioctl: $(ioctl_indir 0)" || return
	frames_within 128 "0 1"
}

t_weight() {
	ep -X "$DEV" weight 0 1 0 3 || fail "$OUT" || return
	[ "$(ioctl_indir 0)" = "$(weight_table 0 1 0 3)" ] ||
		fail "ioctl: $(ioctl_indir 0)" "want: $(weight_table 0 1 0 3)" || return
	frames_within 256 "1 3"
}

t_start() {
	ep -X "$DEV" start 2 equal 2 || fail "$OUT" || return
	[ "$(ioctl_indir 0)" = "$(want_table 2 3)" ] || fail "ioctl: $(ioctl_indir 0)" || return
	frames_within 128 "2 3"
}

t_hkey() {
	local key

	key=$(printf '%02x:' $(seq 41 80))
	key=${key%:}
	ep -X "$DEV" hkey "$key" || fail "$OUT" || return
	[ "$(ioctl_key 0)" = "$(echo "$key" | tr -d :)" ] || fail "ioctl: $(ioctl_key 0)" || return
	# a key of the wrong length is refused before anything is sent
	ep -X "$DEV" hkey 01:02 && { fail "a 2-byte key was accepted"; return; }
	echo "$OUT" | grep -q "Key is too short" || fail "$OUT"
}

t_hfunc() {
	local before

	ep -X "$DEV" hfunc toeplitz || fail "$OUT" || return
	before=$(ioctl_indir 0)
	ep -X "$DEV" hfunc xor && { fail "hfunc xor accepted"; return; }
	# the kernel's extack reaches the user
	echo "$OUT" | grep -q "^netlink error: .*Toeplitz" || fail "$OUT" || return
	[ "$(ioctl_indir 0)" = "$before" ] || fail "table changed"
}

t_xfrm() {
	ep -X "$DEV" xfrm symmetric-xor || fail "$OUT" || return
	rss_get 0 || fail "$OUT" || return
	[ "$(field_of "$GET" '.["input-xfrm"]')" = '["sym-xor"]' ] || fail "YNL: $GET" || return
	# an -X that does not name it leaves it alone
	ep -X "$DEV" equal 4 || fail "$OUT" || return
	rss_get 0 || fail "$OUT" || return
	[ "$(field_of "$GET" '.["input-xfrm"]')" = '["sym-xor"]' ] || fail "lost: $GET" || return
	ep -X "$DEV" xfrm none || fail "$OUT" || return
	rss_get 0 || fail "$OUT" || return
	[ "$(field_of "$GET" '.["input-xfrm"]')" = null ] || fail "YNL: $GET"
}

t_default() {
	ep -X "$DEV" default || fail "$OUT" || return
	[ "$(ioctl_indir 0)" = "$(want_table 0 1 2 3)" ] || fail "ioctl: $(ioctl_indir 0)" || return
	frames_within 256 "0 1 2 3"
}

# ---- contexts ----

t_ctx_new() {
	listen_start || return
	ep -X "$DEV" context new equal 2 start 1 || { listen_stop "$DEV"; fail "$OUT"; return; }
	listen_stop "$DEV"
	CTX=$(echo "$OUT" | sed -n 's/^New RSS context is \([0-9]*\)$/\1/p')
	[ -n "$CTX" ] || fail "no context ID: $OUT" || return
	[ "$(ntf_names)" = "rss-create-ntf:$CTX" ] || fail "notifications: $(ntf_names)" || return
	[ "$(ioctl_indir "$CTX")" = "$(want_table 1 2)" ] || fail "ioctl: $(ioctl_indir "$CTX")"
}

t_ctx_set() {
	ep -X "$DEV" context "$CTX" weight 1 0 0 1 || fail "$OUT" || return
	[ "$(ioctl_indir "$CTX")" = "$(weight_table 1 0 0 1)" ] ||
		fail "ioctl: $(ioctl_indir "$CTX")" || return
	[ "$(ioctl_indir 0)" = "$(want_table 0 1 2 3)" ] || fail "context 0 changed"
}

t_ctx_show() {
	ep -x "$DEV" context "$CTX" || fail "$OUT" || return
	[ "$(echo "$OUT" | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) printf "%s ", $i }' |
		sed 's/ $//')" = "$(ioctl_indir "$CTX")" ] || fail "$OUT" || return
	OUT=$("$DENY" "$EP" --json -x "$DEV" context "$CTX" 2>&1) || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -r '.[0]["rss-context"]')" = "$CTX" ] || fail "$OUT"
}

t_ctx_bad() {
	ep -X "$DEV" context 63 delete && { fail "deleted a missing context"; return; }
	echo "$OUT" | grep -q "^netlink error:" || fail "no extack: $OUT"
}

# ---- rules ----

t_rule_ctx() {
	listen_start || return
	ep -N "$DEV" flow-type udp4 dst-port 4242 context "$CTX" ||
		{ listen_stop "$DEV"; fail "$OUT"; return; }
	listen_stop "$DEV"
	RULE=$(echo "$OUT" | sed -n 's/^Added rule with ID \([0-9]*\)$/\1/p')
	[ -n "$RULE" ] || fail "no rule ID: $OUT" || return
	if [ $SPEC_RULES = 1 ]; then
		[ "$(ntf_names)" = "flow-rule-ntf:$RULE" ] ||
			fail "notifications: $(ntf_names)" || return
	fi
	stock -n "$DEV" rule "$RULE" || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "Dest port: 4242 mask: 0x0" || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "RSS Context ID: $CTX" || fail "stock: $OUT" || return
	# context CTX: queues 0 and 3 (t_ctx_set)
	send 64 4242 || return
	set -- $QUEUES
	[ "$2" = 0 ] && [ "$3" = 0 ] && [ $(($1 + $4)) = 64 ] ||
		fail "frames per queue: $QUEUES, want queues 0 3 only"
}

t_rule_queue() {
	ep -N "$DEV" flow-type udp4 dst-port 5000 action 2 loc 7 || fail "$OUT" || return
	[ -z "$OUT" ] || fail "output for a placed rule: $OUT" || return
	stock -n "$DEV" rule 7 || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "Action: Direct to queue 2" || fail "stock: $OUT" || return
	frames_on 32 2 5000
}

t_rule_drop() {
	ep -N "$DEV" flow-type ip4 dst-ip 10.1.2.3 m 0.0.0.255 action -1 loc 9 ||
		fail "$OUT" || return
	stock -n "$DEV" rule 9 || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "Action: Drop" || fail "stock: $OUT" || return
	# the compared bits: 10.1.2.0/24
	echo "$OUT" | grep -q "Dest IP addr: 10.1.2.0 mask: 0.0.0.255" || fail "stock: $OUT"
}

t_rule_bad() {
	ep -N "$DEV" flow-type udp4 dst-port 1 action 9 && { fail "queue 9 accepted"; return; }
	echo "$OUT" | grep -q "^netlink error:" || fail "no extack: $OUT"
}

# The same text as the stock ethtool prints, rule by rule
t_rules_list() {
	local want

	want=$("$ETHTOOL" -n "$DEV" 2>&1) || fail "stock: $want" || return
	ep -n "$DEV" || fail "$OUT" || return
	[ "$OUT" = "$want" ] || fail "patched:" "$OUT" "stock:" "$want" || return
	want=$("$ETHTOOL" -n "$DEV" rule 9 2>&1)
	ep -n "$DEV" rule 9 || fail "$OUT" || return
	[ "$OUT" = "$want" ] || fail "patched:" "$OUT" "stock:" "$want"
}

t_rules_json() {
	local j

	OUT=$("$DENY" "$EP" --json -n "$DEV" 2>&1) || fail "$OUT" || return
	j=$(echo "$OUT" | jq -c '.[0]') || fail "not JSON: $OUT" || return
	[ "$(echo "$j" | jq -r '.["rx-rings"]')" = "$NQ" ] || fail "$j" || return
	[ "$(echo "$j" | jq -c '[.rules[].location]')" = "[$RULE,7,9]" ] || fail "$j" || return
	[ "$(echo "$j" | jq -r '.["rule-count"]')" = 3 ] || fail "$j" || return
	[ "$(echo "$j" | jq -c ".rules[] | select(.location == $RULE) |
		[.[\"flow-type\"], .[\"dst-port\"], .[\"dst-port-mask\"], .action, .[\"rss-context\"]]")" = \
		"[\"udp4\",4242,65535,\"context\",$CTX]" ] || fail "$j" || return
	[ "$(echo "$j" | jq -c '.rules[] | select(.location == 7) | [.action, .queue]')" = \
		'["queue",2]' ] || fail "$j" || return
	[ "$(echo "$j" | jq -c '.rules[] | select(.location == 9) |
		[.["flow-type"], .["dst-ip"], .["dst-ip-mask"], .action]')" = \
		'["ip4","10.1.2.0","255.255.255.0","drop"]' ] || fail "$j" || return
	OUT=$("$DENY" "$EP" --json -n "$DEV" rule 7 2>&1) || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -c '[.[0].rules[].location]')" = "[7]" ] || fail "$OUT"
}

t_rule_delete() {
	listen_start || return
	ep -N "$DEV" delete 7 || { listen_stop "$DEV"; fail "$OUT"; return; }
	ep -N "$DEV" delete 9 || { listen_stop "$DEV"; fail "$OUT"; return; }
	ep -N "$DEV" delete "$RULE" || { listen_stop "$DEV"; fail "$OUT"; return; }
	listen_stop "$DEV"
	if [ $SPEC_RULES = 1 ]; then
		[ "$(ntf_names)" = "flow-rule-del-ntf:7 flow-rule-del-ntf:9 flow-rule-del-ntf:$RULE" ] ||
			fail "notifications: $(ntf_names)" || return
	fi
	stock -n "$DEV" || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "^Total 0 rules" || fail "stock: $OUT" || return
	frames_within 256 "0 1 2 3"
}

t_ctx_delete() {
	listen_start || return
	ep -X "$DEV" context "$CTX" delete || { listen_stop "$DEV"; fail "$OUT"; return; }
	listen_stop "$DEV"
	[ "$(ntf_names)" = "rss-delete-ntf:$CTX" ] || fail "notifications: $(ntf_names)" || return
	stock -x "$DEV" context "$CTX" && fail "stock ethtool still sees context $CTX"
	return 0
}

# ---- rx-flow-hash ----

t_flow_hash() {
	local want

	listen_start || return
	ep -N "$DEV" rx-flow-hash udp4 sd || { listen_stop "$DEV"; fail "$OUT"; return; }
	listen_stop "$DEV"
	[ "$(ntf_names)" = "rss-ntf:0" ] || fail "notifications: $(ntf_names)" || return
	[ "$(echo "$NTF" | jq -c '.[0].msg["flow-hash"].udp4')" = 48 ] || fail "$NTF" || return
	[ "$(ioctl_fields udp4)" = "IP SA,IP DA" ] || fail "ioctl: $(ioctl_fields udp4)" || return
	want=$("$ETHTOOL" -n "$DEV" rx-flow-hash udp4 2>&1)
	ep -n "$DEV" rx-flow-hash udp4 || fail "$OUT" || return
	[ "$OUT" = "$want" ] || fail "patched:" "$OUT" "stock:" "$want" || return
	OUT=$("$DENY" "$EP" --json -n "$DEV" rx-flow-hash udp4 2>&1) || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -c '.[0].fields')" = '["ip-src","ip-dst"]' ] || fail "$OUT" || return
	# udp4 hashed on no field: every frame hashes to 0, i.e. to table
	# entry 0 (SPEC 4), queue 0; with the fields, they spread
	ep -N "$DEV" rx-flow-hash udp4 "" || fail "$OUT" || return
	ep -X "$DEV" equal 4 || fail "$OUT" || return
	frames_on 64 0 || return
	ep -N "$DEV" rx-flow-hash udp4 sdfn || fail "$OUT" || return
	[ "$(ioctl_fields udp4)" = "IP SA,IP DA,L4 bytes 0 & 1 [TCP/UDP src port],L4 bytes 2 & 3 [TCP/UDP dst port]" ] ||
		fail "ioctl: $(ioctl_fields udp4)" || return
	frames_within 128 "0 1 2 3" || return
	ep -X "$DEV" default || fail "$OUT"
}

# ---- --dev-fd: an unprivileged holder of a queue of FD_DEV ----

# dev_fd_hold.py talks through two fifos (one coproc at a time in bash)
fd_start() {
	local line

	FD_DIR=$(mktemp -d)
	mkfifo "$FD_DIR/in" "$FD_DIR/out"
	python3 "$DIR/dev_fd_hold.py" "$FD_DEV" 2 "$FD_UID" \
		< "$FD_DIR/in" > "$FD_DIR/out" &
	FD_PID=$!
	exec {FD_W}> "$FD_DIR/in"
	exec {FD_R}< "$FD_DIR/out"
	read -r -t 10 -u "$FD_R" line || return 1
	[ "$line" = ready ]
}

fd_stop() {
	[ -n "${FD_PID:-}" ] || return 0
	exec {FD_W}>&-
	wait "$FD_PID"
	exec {FD_R}<&-
	rm -rf "$FD_DIR"
}

# asuser CMD: run CMD as FD_UID with the queue on fd 3; OUT, return code
asuser() {
	local f line rc

	f=$(mktemp)
	chmod 644 "$f"
	echo "run $f $*" >&"$FD_W"
	read -r -t 30 -u "$FD_R" line || { OUT="dev_fd_hold: no answer"; rm -f "$f"; return 1; }
	OUT=$(cat "$f")
	rm -f "$f"
	rc=${line#rc }
	return "$rc"
}

fd_ioctl_indir() { DEV=$FD_DEV ioctl_indir "$@"; }

t_fd_denied() {
	# the control: without the fd, an unprivileged user may not
	asuser "$EP -X $FD_DEV equal 1" && { fail "changed without privilege"; return; }
	echo "$OUT" | grep -q "Operation not permitted" || fail "$OUT"
}

t_fd_equal() {
	asuser "$EP --dev-fd 3 -X $FD_DEV equal 1" || fail "$OUT" || return
	[ "$(fd_ioctl_indir 0)" = "$(want_table 0)" ] || fail "ioctl: $(fd_ioctl_indir 0)"
}

t_fd_show() {
	asuser "$EP --dev-fd 3 --json -x $FD_DEV" || fail "$OUT" || return
	[ "$(echo "$OUT" | jq -r '.[0]["rss-indirection-table"] | map(tostring) | join(" ")')" = \
		"$(fd_ioctl_indir 0)" ] || fail "$OUT" || return
	# channels: delegated too
	asuser "$EP --dev-fd 3 -l $FD_DEV" || fail "$OUT" || return
	echo "$OUT" | awk '/^Current/ { cur = 1 } cur && /^Combined:/ { print $2 }' |
		grep -qx 2 || fail "$OUT"
}

t_fd_ctx() {
	asuser "$EP --dev-fd 3 -X $FD_DEV context new equal 1 start 1" || fail "$OUT" || return
	FD_CTX=$(echo "$OUT" | sed -n 's/^New RSS context is \([0-9]*\)$/\1/p')
	[ -n "$FD_CTX" ] || fail "$OUT" || return
	[ "$(fd_ioctl_indir "$FD_CTX")" = "$(want_table 1)" ] || fail "ioctl: $(fd_ioctl_indir "$FD_CTX")"
}

t_fd_rule() {
	asuser "$EP --dev-fd 3 -N $FD_DEV flow-type tcp4 dst-port 80 context $FD_CTX loc 3" ||
		fail "$OUT" || return
	stock -n "$FD_DEV" rule 3 || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "RSS Context ID: $FD_CTX" || fail "stock: $OUT" || return
	asuser "$EP --dev-fd 3 -n $FD_DEV rule 3" || fail "$OUT" || return
	echo "$OUT" | grep -q "Dest port: 80 mask: 0x0" || fail "$OUT" || return
	asuser "$EP --dev-fd 3 -N $FD_DEV delete 3" || fail "$OUT" || return
	stock -n "$FD_DEV" rule 3 && fail "rule 3 still there"
	return 0
}

t_fd_flow_hash() {
	asuser "$EP --dev-fd 3 -N $FD_DEV rx-flow-hash tcp4 sd" || fail "$OUT" || return
	[ "$(DEV=$FD_DEV ioctl_fields tcp4)" = "IP SA,IP DA" ] || fail "ioctl: $(DEV=$FD_DEV ioctl_fields tcp4)"
}

t_fd_ctx_delete() {
	asuser "$EP --dev-fd 3 -X $FD_DEV context $FD_CTX delete" || fail "$OUT" || return
	stock -x "$FD_DEV" context "$FD_CTX" && fail "context $FD_CTX still there"
	return 0
}

# Features: rxhash and ntuple may be delegated, nothing else
t_fd_features() {
	asuser "$EP --dev-fd 3 -K $FD_DEV rxhash on" || fail "$OUT" || return
	stock -k "$FD_DEV" || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "^receive-hashing: on" || fail "stock: $OUT" || return
	asuser "$EP --dev-fd 3 -K $FD_DEV rxhash off" || fail "$OUT" || return
	stock -k "$FD_DEV" || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "^receive-hashing: off" || fail "stock: $OUT" || return
	asuser "$EP --dev-fd 3 -K $FD_DEV gro off" && { fail "gro off delegated"; return; }
	stock -k "$FD_DEV" || fail "stock: $OUT" || return
	echo "$OUT" | grep -q "^generic-receive-offload: on" || fail "gro changed: $OUT"
}

t_fd_wrong() {
	local before

	before=$(fd_ioctl_indir 0)
	# fd 4 is /dev/null: grants nothing
	asuser "$EP --dev-fd 4 -X $FD_DEV equal 2" && { fail "/dev/null granted control"; return; }
	echo "$OUT" | grep -q "^netlink error:" || fail "$OUT" || return
	# the fd names another device than the name
	asuser "$EP --dev-fd 3 -X $DEV equal 2" && { fail "changed $DEV through $FD_DEV's fd"; return; }
	# not an open fd: refused before anything is sent
	asuser "$EP --dev-fd 9 -X $FD_DEV equal 2" && { fail "fd 9 accepted"; return; }
	echo "$OUT" | grep -q "^ethtool: --dev-fd 9: Bad file descriptor" || fail "$OUT" || return
	# no netlink implementation, no ioctl fallback with --dev-fd
	asuser "$EP --dev-fd 3 -i $FD_DEV" && { fail "-i ran with --dev-fd"; return; }
	echo "$OUT" | grep -q "needs the netlink implementation" || fail "$OUT" || return
	[ "$(fd_ioctl_indir 0)" = "$before" ] || fail "state changed"
}

# the owner revokes the delegation (dev_fd_hold.py granted it): the same fd
# configures nothing, and granted again it does
t_fd_revoked() {
	local before line

	asuser "$EP --dev-fd 3 -X $FD_DEV equal 1" || fail "$OUT" || return
	before=$(fd_ioctl_indir 0)
	echo "delegate 0" >&"$FD_W"
	read -r -t 10 -u "$FD_R" line && [ "$line" = "rc 0" ] || { fail "revoke: $line"; return; }
	asuser "$EP --dev-fd 3 -X $FD_DEV equal 2" && { fail "changed after the revoke"; return; }
	echo "$OUT" | grep -q "does not delegate" || fail "$OUT" || return
	[ "$(fd_ioctl_indir 0)" = "$before" ] || fail "state changed" || return
	echo "delegate 1" >&"$FD_W"
	read -r -t 10 -u "$FD_R" line && [ "$line" = "rc 0" ] || { fail "grant: $line"; return; }
	asuser "$EP --dev-fd 3 -X $FD_DEV equal 2" || fail "$OUT" || return
	[ "$(fd_ioctl_indir 0)" = "$(want_table 0 1)" ] || fail "ioctl: $(fd_ioctl_indir 0)"
}

# ---- run ----

rss_nl_setup
echo "# ethtool: $EP"
check deny_works t_deny_works
check show t_show
check show_json t_show_json
if [ $HAS_RSS_SET = 1 ]; then
	for t in equal weight start hkey hfunc xfrm default ctx_new ctx_set ctx_show \
		 ctx_bad; do
		check "$t" "t_$t"
	done
	if [ $HAS_RULES = 1 ]; then
		for t in rule_ctx rule_queue rule_drop rule_bad rules_list rules_json \
			 rule_delete; do
			check "$t" "t_$t"
		done
	else
		skip rules "the kernel has no FLOW_RULE messages"
	fi
	check ctx_delete t_ctx_delete
	check flow_hash t_flow_hash
else
	skip rss_set "the kernel has no RSS_SET/RSS_CREATE_ACT/RSS_DELETE_ACT"
fi

# --dev-fd: the kernel knows ETHTOOL_A_HEADER_DEV_FD when it refuses
# the attribute on an operation that cannot be delegated (STRSET_GET)
# with its own extack rather than as an unknown attribute
fd_probe() {
	asuser "$EP --dev-fd 3 -x $FD_DEV" && return 0
	echo "$OUT" | grep -qi "unknown attribute\|attribute type" && return 2
	return 1
}

if [ $HAS_RSS_SET != 1 ]; then
	skip dev_fd "the kernel has no RSS_SET"
elif ! fd_start; then
	echo "not ok $((N + 1)) $TEST.dev_fd # cannot create $FD_DEV"
	N=$((N + 1)); FAILED=$((FAILED + 1))
else
	trap 'fd_stop; stop_dev' EXIT
	check fd_denied t_fd_denied
	fd_probe
	case $? in
	0)
		for t in fd_equal fd_show fd_ctx; do
			check "$t" "t_$t"
		done
		if [ $HAS_RULES = 1 ]; then
			check fd_rule t_fd_rule
		else
			skip fd_rule "the kernel has no FLOW_RULE messages"
		fi
		for t in fd_flow_hash fd_ctx_delete fd_features fd_wrong fd_revoked; do
			check "$t" "t_$t"
		done
		;;
	2)
		skip dev_fd "the kernel does not know ETHTOOL_A_HEADER_DEV_FD: $OUT"
		;;
	*)
		WHY="# $OUT"
		not_ok dev_fd_probe
		;;
	esac
fi

rss_nl_finish
