# SPDX-License-Identifier: GPL-2.0
#
# TAP output and small helpers shared by the shell tests of this
# directory.  A sourcing test sets TEST (its TAP prefix) and DIR.

KSFT_SKIP=4

# first_of PATH...: the first PATH that exists, resolved
first_of() {
	local f

	for f; do
		[ -e "$f" ] && { realpath "$f"; return 0; }
	done
	return 1
}

# ---- TAP ----

N=0
FAILED=0
WHY=

ok() { N=$((N + 1)); echo "ok $N $TEST.$1"; }
skip() { N=$((N + 1)); echo "ok $N $TEST.$1 # SKIP $2"; }
not_ok() {
	N=$((N + 1)); FAILED=$((FAILED + 1))
	echo "not ok $N $TEST.$1"
	[ -n "$WHY" ] && echo "$WHY" | sed 's/^/#   /'
}
# check NAME CMD...: CMD sets WHY when it fails
check() {
	local name=$1

	shift
	WHY=
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
fail() { WHY=$(printf '%s\n' "$@"); return 1; }
