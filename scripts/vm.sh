#!/bin/bash
# Run one command inside the patched UML kernel and propagate its exit
# status.  The guest boots on the host's root through hostfs, so it sees
# the host's binaries and this checkout.
#
#   scripts/vm.sh [-t timeout_s] [-k kernel] [-a "extra kernel args"] -- cmd...
#
# Fails (non-zero) when the command fails, the VM does not finish within
# the timeout, or the kernel log shows a KASAN report, lockdep splat,
# WARN, BUG, Oops or a kmemleak leak.  The kernel log is printed on
# failure, and always kept in build/vm/last/dmesg.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
timeout=600
kernel=${VM_KERNEL:-$top/build/kbuild-um/linux}
args=${VM_ARGS:-}
mem=${VM_MEM:-1536M}
while getopts "t:k:a:" o; do
	case $o in
	t) timeout=$OPTARG ;;
	k) kernel=$OPTARG ;;
	a) args="$args $OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [-t s] [-k kernel] [-a args] -- cmd..." >&2; exit 2; }
[ -x "$kernel" ] || { echo "vm: no kernel at $kernel (make kernel)" >&2; exit 2; }

mkdir -p "$top/build/vm"
run=$(mktemp -d "$top/build/vm/run.XXXXXX")
printf '%s\n' "$*" > "$run/cmd"
pwd > "$run/cwd"

# UML keeps guest memory in a file under TMPDIR; give it a private one.
export TMPDIR=$run
timeout -k 10 "$timeout" "$kernel" mem="$mem" rootfstype=hostfs rootflags=/ rw \
	init="$top/scripts/vm-init.sh" TUNRSS_RUN="$run" \
	TUNRSS_KMEMLEAK="${VM_KMEMLEAK:-1}" \
	con=null con0=fd:0,fd:1 quiet panic=-1 $args \
	</dev/null 2>"$run/console" | tr -d '\r'
rc=${PIPESTATUS[0]}

status=
[ -f "$run/status" ] && status=$(cat "$run/status")
fail=
if [ -z "$status" ]; then
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail="timed out after ${timeout}s"
	else
		fail="VM ended without a status (kernel exit $rc)"
	fi
	status=1
	[ -f "$run/dmesg" ] || cp "$run/console" "$run/dmesg"
elif [ "$status" != 0 ]; then
	fail="command exited with status $status"
fi

# Kernel log checks: any of these fails the run whatever the command said.
splat='(BUG:|WARNING:|KASAN|UBSAN|Oops|Kernel panic|general protection|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: possible|INFO: task .* blocked|unreferenced object|list_(add|del) corruption)'
if grep -Eq "$splat" "$run/dmesg" 2>/dev/null; then
	fail="${fail:+$fail; }kernel log shows a splat"
	[ "$status" = 0 ] && status=1
fi
if [ -s "$run/kmemleak" ]; then
	fail="${fail:+$fail; }kmemleak reports leaks"
	[ "$status" = 0 ] && status=1
fi

rm -rf "$top/build/vm/last"
cp -a "$run" "$top/build/vm/last"
rm -f "$top/build/vm/last"/physmem* 2>/dev/null
rm -rf "$run"
if [ -n "$fail" ]; then
	echo "vm: FAIL: $fail" >&2
	echo "---- kernel log (build/vm/last/dmesg) ----" >&2
	tail -n "${VM_LOG_LINES:-200}" "$top/build/vm/last/dmesg" >&2
	[ -s "$top/build/vm/last/kmemleak" ] && head -n 60 "$top/build/vm/last/kmemleak" >&2
	echo "---- end of kernel log ----" >&2
	grep -Eq "$splat" "$top/build/vm/last/dmesg" 2>/dev/null && [ "$status" = 0 ] && status=1
fi
exit "$status"
