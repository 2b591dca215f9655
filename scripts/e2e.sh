#!/bin/bash
# make e2e: QEMU as the VMM, end to end, inside the patched UML kernel.
#
# Builds bookworm's QEMU with qemu-patches/ (scripts/qemu-build.sh) and the
# guest (scripts/guest-build.sh), then runs tools/testing/qemu-e2e/e2e.py
# in the patched kernel, once per variant: a 4-queue tap created by the
# privileged parent, QEMU (TCG) as nobody with no capabilities holding
# only the queue fds, a Debian 6.12 guest configuring RSS with ethtool,
# every frame's guest queue and guest-visible hash checked against a
# reference Toeplitz.  Variants: vhost-off, vhost-on; root (QEMU as root
# opens the tap by name itself, the tap does not delegate, QEMU programs
# it by index); migrate (the VM saved to a file, the tap reset behind
# QEMU's back, the VM restored into a second QEMU holding the same fds:
# post_load must program the tap again, checked frame by frame).
#
# Output: TAP per variant in build/e2e/*.tap and a summary line.  When the
# QEMU source or the guest kernel cannot be fetched, every variant is
# reported as skipped with the reason (exit 0).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
R=${E2E_RESULTS:-$B/e2e}
QEMU=${E2E_QEMU:-$B/qemu/obj/qemu-system-x86_64}
variants=${E2E_VARIANTS:-vhost-off vhost-on root migrate}
rm -rf "$R"; mkdir -p "$R"
t0=$(date +%s)

skip_all() {
	local v

	for v in $variants; do
		printf 'ok 1 e2e %s # SKIP %s\n1..1\n' "$v" "$1" > "$R/$v.tap"
		cat "$R/$v.tap"
	done
	exit 0
}

# need STEP: run scripts/STEP-build.sh.  Status 3 means its input could
# not be fetched: every variant is skipped with the reason it printed.
# Any other failure fails every variant.
need() {
	local log=$R/$1-build.log rc v

	"$top/scripts/$1-build.sh" > "$log" 2>&1
	rc=$?
	[ $rc = 0 ] && return 0
	[ $rc = 3 ] && skip_all "$(grep -m1 SKIP "$log" | sed 's/.*SKIP: //')"
	tail -n 20 "$log"
	for v in $variants; do
		printf 'not ok 1 e2e %s: %s build failed (see %s)\n1..1\n' \
			"$v" "$1" "$log" > "$R/$v.tap"
	done
	exit 1
}

[ -n "${E2E_QEMU:-}" ] || need qemu
need guest
echo "e2e: QEMU and guest ready ($(( $(date +%s) - t0 ))s)"

fail=0
for v in $variants; do
	case $v in
	vhost-on)	opt=--vhost ;;
	migrate)	opt=--migrate ;;
	root)		opt=--root ;;
	*)		opt= ;;
	esac
	s=$(date +%s)
	"$top/scripts/vm.sh" -t 900 -- "python3 $top/tools/testing/qemu-e2e/e2e.py \
		--qemu $QEMU --guest $B/guest --tools $B/tools/sbin $opt \
		--label $v --log $R/$v.console --qemu-args '${E2E_QEMU_ARGS:-}'" \
		> "$R/$v.vm" 2>&1
	rc=$?
	grep -E '^(not )?ok |^1\.\.|^# ' "$R/$v.vm" > "$R/$v.tap"
	if [ $rc != 0 ] && ! grep -q '^not ok' "$R/$v.tap"; then
		echo "not ok $(( $(grep -c '^\(not \)\?ok ' "$R/$v.tap") + 1 )) e2e $v: VM run: $(grep -m1 '^vm: FAIL' "$R/$v.vm" | sed 's/^vm: FAIL: //')" >> "$R/$v.tap"
	fi
	[ $rc = 0 ] || fail=1
	grep -E '^(not )?ok ' "$R/$v.tap"
	echo "e2e: $v: $(( $(date +%s) - s ))s, exit $rc"
done
echo "e2e: $(( $(date +%s) - t0 ))s"
exit $fail
