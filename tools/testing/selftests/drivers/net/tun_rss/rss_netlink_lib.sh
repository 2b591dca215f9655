# SPDX-License-Identifier: GPL-2.0
#
# Shared by rss_netlink.sh and rss_netlink_bad.sh: RSS over ethtool netlink
# on a multi-queue tap, driven by the tree's YNL CLI with the tree's spec,
# read back through the ioctl view (the stock ethtool 6.1, which only uses
# SIOCETHTOOL for -x/-n/-X/-N) and checked by where frames land (tap_hold).
# A sourcing test sets TEST (its TAP prefix) and DEV first.
#
# Environment: YNL_CLI, YNL_SPEC (default: the tree's), ETHTOOL (the ioctl
# view, default /usr/sbin/ethtool), SID_ETHTOOL (Debian sid's ethtool,
# default: the one scripts/fetch-sid-ethtool.sh puts in build/sid).

source "$DIR/tap_lib.sh"

NQ=4

# In the kernel tree, or installed in this project's build/kselftest
YNL_CLI=${YNL_CLI:-$(first_of "$DIR/../../../../../net/ynl/cli.py" \
			      "$DIR/../../../../linux/tools/net/ynl/cli.py")}
YNL_SPEC=${YNL_SPEC:-$(first_of \
	"$DIR/../../../../../../Documentation/netlink/specs/ethtool.yaml" \
	"$DIR/../../../../linux/Documentation/netlink/specs/ethtool.yaml")}
SID_DIR=$(first_of "$DIR/../../../../sid" "$DIR/../../../../../../../sid")
SID_ETHTOOL=${SID_ETHTOOL:-${SID_DIR:+$SID_DIR/usr/sbin/ethtool}}
ETHTOOL=${ETHTOOL:-/usr/sbin/ethtool}

# ---- YNL ----

# ynl [--subscribe] OP JSON [OP JSON]...: one request, or several sent
# together (--multi); "dump:OP" dumps.  OUT holds the reply as one JSON
# line ("null" for none; a list of replies for several requests) then,
# with --subscribe, the notifications they caused as a JSON list.  On
# failure OUT holds the error and its extack.
ynl() {
	local args=() sub=()

	if [ "$1" = --subscribe ]; then
		sub=(--subscribe monitor)
		shift
	fi
	if [ $# -gt 2 ]; then
		while [ $# -gt 0 ]; do
			args+=(--multi "$1" "$2")
			shift 2
		done
	else
		case $1 in
		dump:*) args=(--dump "${1#dump:}" --json "$2") ;;
		*) args=(--do "$1" --json "$2") ;;
		esac
	fi
	OUT=$(python3 "$YNL_CLI" --spec "$YNL_SPEC" --no-schema --output-json \
		"${sub[@]}" "${args[@]}" 2>&1)
}

# bad OP JSON ERRNO MSG ATTR: refused with ERRNO, the extack message
# containing MSG and naming ATTR ("" for none)
bad() {
	local op=$1 json=$2 errno=$3 msg=$4 attr=$5

	ynl "$op" "{$(hdr)$json}" && { fail "accepted: $OUT"; return; }
	echo "$OUT" | grep -q "error: -$errno\$" || fail "want errno $errno: $OUT" || return
	[ -z "$msg" ] || echo "$OUT" | grep -qF "$msg" || fail "want '$msg': $OUT" || return
	[ -z "$attr" ] || echo "$OUT" | grep -qF "'bad-attr': '$attr'" ||
		fail "want bad-attr $attr: $OUT"
}

hdr() { echo "\"header\":{\"dev-name\":\"$DEV\"}"; }
ctx_json() { [ "$1" = 0 ] || echo ",\"context\":$1"; }
get_json() { echo "{$(hdr)$(ctx_json "$1")}"; }

# Hex of little-endian u32s: ETHTOOL_A_RSS_INDIR for the CLI
indir_hex() {
	local q

	for q; do printf '%02x000000' "$q"; done
	echo
}

# A device-sized table: the given entries repeated to 128
indir_128() {
	local i=0 out=()

	while [ $i -lt 128 ]; do
		out+=("${@:$((i % $# + 1)):1}")
		i=$((i + 1))
	done
	echo "${out[*]}"
}

# reply N: the N-th reply (from 0) of several requests sent together
reply() { echo "$OUT" | head -n1 | jq -c ".[$1]"; }
indir_of() { echo "$1" | jq -r '.indir | map(tostring) | join(" ")'; }
field_of() { echo "$1" | jq -c "$2"; }

rss_get() {	# rss_get CTX: GET holds its reply
	ynl rss-get "$(get_json "$1")" || return 1
	GET=$(echo "$OUT" | head -n1)
}

# The state of every context of the device, for "changes nothing"
snapshot() {
	ynl dump:rss-get "{$(hdr)}" || return 1
	echo "$OUT" | jq -c 'map(select(.header["dev-name"] == "'$DEV'"))'
}

# Notifications printed after a --subscribe request: "name:context ..."
ntfs() {
	echo "$OUT" | tail -n +2 | jq -r '.[] | "\(.name):\(.msg.context // 0)"' |
		tr '\n' ' ' | sed 's/ $//'
}

# ---- ioctl view (ethtool 6.1) ----

ioctl_indir() {	# ioctl_indir CTX: the 128 entries "ethtool -x" prints
	local ctx=()

	[ "$1" != 0 ] && ctx=(context "$1")
	"$ETHTOOL" -x "$DEV" "${ctx[@]}" 2>/dev/null |
		awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) printf "%s ", $i }' |
		sed 's/ $//'
}

ioctl_key() {	# the key as "ethtool -x" prints it, without colons
	local ctx=()

	[ "$1" != 0 ] && ctx=(context "$1")
	"$ETHTOOL" -x "$DEV" "${ctx[@]}" 2>/dev/null |
		awk '/^RSS hash key:/ { getline; gsub(":", ""); print }'
}

ioctl_fields() {	# ioctl_fields FLOW: "ethtool -n DEV rx-flow-hash FLOW"
	"$ETHTOOL" -n "$DEV" rx-flow-hash "$1" 2>/dev/null |
		grep -E '^(L2|VLAN|L3|IP|L4|GTP)' | tr '\n' ',' | sed 's/,$//'
}

# ---- frames: tap_hold sends flows and says where they landed ----

start_dev() {
	coproc HOLD { "$DIR/tap_hold" "$DEV" "$NQ"; }
	read -r -t 10 -u "${HOLD[0]}" line || return 1
	[ "${line%% *}" = ready ]
}

stop_dev() {
	local pid=${HOLD_PID:-}

	[ -n "$pid" ] || return 0
	exec {HOLD[1]}>&-
	wait "$pid"
}

# send N [DPORT]: QUEUES holds the frames read per queue ("c0 c1 c2 c3")
send() {
	local line

	echo "send $*" >&"${HOLD[1]}"
	read -r -t 30 -u "${HOLD[0]}" line || { WHY="# tap_hold: no answer"; return 1; }
	case $line in
	queues*) ;;
	*) WHY="# tap_hold: $line"; return 1 ;;
	esac
	QUEUES=$(echo "$line" | sed 's/^queues //; s/ lost.*//')
	LOST=${line##* lost }
	[ "$LOST" = 0 ] || { WHY="# $LOST frames lost"; return 1; }
}

# All N frames on queue Q only
frames_on() {
	local n=$1 q=$2 want="" i

	shift 2
	send "$n" "$@" || return 1
	for ((i = 0; i < NQ; i++)); do
		[ $i = "$q" ] && want="$want $n" || want="$want 0"
	done
	[ "$QUEUES" = "${want# }" ] || fail "frames per queue: $QUEUES, want ${want# }"
}

# Frames on exactly the queues of a set ("0 1")
frames_within() {
	local n=$1 set=$2 i c used=""

	send "$n" || return 1
	i=0
	for c in $QUEUES; do
		[ "$c" != 0 ] && used="$used $i"
		i=$((i + 1))
	done
	[ "${used# }" = "$set" ] || fail "frames per queue: $QUEUES, want queues $set"
}

# ---- a listener on the monitor group, for notifications of other paths ----

listen_start() {	# listen_start: notifications from now until listen_result
	local t

	LFILE=$(mktemp)
	python3 "$(dirname "$0")/ynl_listen.py" "$YNL_CLI" "$YNL_SPEC" monitor \
		> "$LFILE" 2>&1 &
	LPID=$!
	for ((t = 0; t < 300; t++)); do
		grep -qx ready "$LFILE" && return 0
		kill -0 "$LPID" 2> /dev/null || break
		sleep 0.1
	done
	kill "$LPID" 2> /dev/null
	fail "listener did not start: $(cat "$LFILE")"
}

listen_result() {	# LNTF: "name:context ..." of what the listener saw
	kill -TERM "$LPID" 2> /dev/null
	wait "$LPID"
	LNTF=$(tail -n1 "$LFILE" | jq -r '.[] | select(.msg.header["dev-name"] == "'$DEV'") |
		"\(.name):\(.msg.context // 0)"' 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
	rm -f "$LFILE"
}

# ---- setup ----

# Skip unless everything is there; create DEV with NQ queues
rss_nl_setup() {
	local need

	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root"
		exit $KSFT_SKIP
	fi
	for need in python3 jq; do
		if ! command -v $need > /dev/null; then
			echo "1..0 # SKIP $need not found"
			exit $KSFT_SKIP
		fi
	done
	if [ -z "$YNL_CLI" ] || [ -z "$YNL_SPEC" ]; then
		echo "1..0 # SKIP tools/net/ynl/cli.py or the ethtool YNL spec not found (set YNL_CLI, YNL_SPEC)"
		exit $KSFT_SKIP
	fi
	if ! "$ETHTOOL" --version > /dev/null 2>&1; then
		echo "1..0 # SKIP no ethtool at $ETHTOOL for the ioctl view"
		exit $KSFT_SKIP
	fi
	echo "TAP version 13"
	echo "# cli: $YNL_CLI"
	echo "# spec: $YNL_SPEC"
	if ! start_dev; then
		echo "Bail out! cannot create $DEV with $NQ queues"
		exit 1
	fi
	trap stop_dev EXIT
}

rss_nl_finish() {
	echo "1..$N"
	echo "# $SECONDS s"
	[ $FAILED = 0 ]
}
