#!/bin/bash
# The test kernels on this host (TAP on stdout): every other test runs in
# them, so this goes first in make check.
#
#  - The size of the FP state each UML kernel found at boot ("UML: host FP
#    state is N bytes per thread", host-patches/0001) is the host's XSTATE
#    regset, probed on the host by tools/testing/uml-host/xstate_size; the
#    CPUID(0xD, 0).EBX size is printed beside it.  A size taken from a
#    constant would pass on a small host and kill init on an AMX one.
#  - xstate_test keeps known values in the vector registers of threads and
#    processes across preemption, sched_yield() and signal handlers that
#    clobber them, in each UML kernel (the patched one and the base one).
#  - The same test must fail in a UML that keeps only the FXSAVE area
#    (um_fp_fxsave_only, host-patches/0002): a check that cannot fail
#    proves nothing.
#
# --nested runs the first two checks for the patched kernel only, for a
# run inside the x86_64 guest (scripts/vm.sh -x), whose CPU model qemu
# chooses: there the guest kernel is UML's host.
#
#   scripts/uml-host-check.sh [--nested] [RESULTS_DIR]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
O=$B/uml-host
nested=
if [ "${1:-}" = --nested ]; then
	nested=1
	shift
	# UML's memory file on a tmpfs, not on the guest's 9p root
	export VM_TMPDIR=/tmp VM_MEM=${VM_MEM:-384M}
	XS_ARGS=${XS_ARGS:--t 20 -n 2 -p 1}
fi
R=${1:-$B/results}
mkdir -p "$R"
n=0 failed=0
# xstate_test's options: under qemu's TCG a UML task runs some 50x slower,
# so fewer workers for longer, to reach the minimum of checks it demands
xs_args=${XS_ARGS:--t 3}
ok() { n=$((n + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

if [ -n "$nested" ]; then
	:	# built by the outer run, on the same files
elif ! make -s -C "$top/tools/testing/uml-host" O="$O" > "$R/uml-host-build.log" 2>&1; then
	sed 's/^/# /' "$R/uml-host-build.log"
	notok "build tools/testing/uml-host"
	echo "1..$n"
	exit 1
fi

sizes=$("$O/xstate_size") || { notok "host XSTATE regset size (xstate_size failed)"; sizes=; }
host=$(sed -n 's/^ptrace=\([0-9]*\) .*/\1/p' <<< "$sizes")
cpuid=$(sed -n 's/.* cpuid=\([0-9]*\)$/\1/p' <<< "$sizes")
echo "# host: XSTATE regset ${host:-?} bytes (PTRACE_GETREGSET), CPUID(0xD,0).EBX ${cpuid:-?} bytes"
[ -n "$host" ] && [ -n "$cpuid" ] && [ "$host" != "$cpuid" ] &&
	echo "# note: the host kernel's regset differs from CPUID's XCR0 size (features the host kernel leaves out)"

# detected: the size the last VM run's kernel logged at boot
detected() {
	sed -n 's/.*UML: host FP state is \([0-9]*\) bytes per thread.*/\1/p' \
		"$B/vm/last/dmesg" 2>/dev/null | head -n 1
}

# check_kernel LABEL KERNEL
check_kernel() {
	local label=$1 kernel=$2 rc got

	if [ ! -x "$kernel" ]; then
		notok "$label: no kernel at $kernel"
		return
	fi
	VM_KERNEL=$kernel VM_KMEMLEAK=0 "$top/scripts/vm.sh" -t 300 -- \
		"$O/xstate_test $xs_args" > "$R/uml-host-$label.log" 2>&1
	rc=$?
	got=$(detected)
	echo "# $label UML: FP state ${got:-not logged} bytes per thread"
	if [ -n "$got" ] && [ "$got" = "$host" ]; then
		ok "$label UML: FP state size $got = the host's XSTATE regset"
	else
		notok "$label UML: FP state size ${got:-?} = the host's XSTATE regset (${host:-?})"
	fi
	grep -E '^xstate_test' "$R/uml-host-$label.log" | sed 's/^/# /'
	if grep -q '^SKIP' "$R/uml-host-$label.log"; then
		skip "$label UML: vector state kept" "$(grep -m1 '^SKIP' "$R/uml-host-$label.log")"
	elif [ $rc = 0 ]; then
		ok "$label UML: vector state kept across preemption, yield and signals"
	else
		sed 's/^/# /' "$R/uml-host-$label.log" | tail -n 40
		notok "$label UML: vector state kept across preemption, yield and signals"
	fi
}

if [ -n "$nested" ]; then
	check_kernel nested "$B/kbuild-um/linux"
	echo "1..$n"
	exit $((failed > 0))
fi
check_kernel patched "$B/kbuild-um/linux"
check_kernel base "$B/kbuild-um-base/linux"

# The test must be able to fail: the patched kernel keeping only FXSAVE.
kernel=$B/kbuild-um/linux
if [ -x "$kernel" ]; then
	VM_KERNEL=$kernel VM_KMEMLEAK=0 VM_LOG_LINES=0 "$top/scripts/vm.sh" -t 300 \
		-a um_fp_fxsave_only -- "$O/xstate_test $xs_args" > "$R/uml-host-fxsave.log" 2>&1
	rc=$?
	got=$(detected)
	if grep -q '^SKIP' "$R/uml-host-fxsave.log"; then
		skip "FXSAVE-only UML: xstate_test fails" "$(grep -m1 '^SKIP' "$R/uml-host-fxsave.log")"
	elif [ "$got" != 512 ]; then
		notok "FXSAVE-only UML: xstate_test fails (um_fp_fxsave_only not in effect: ${got:-?} bytes)"
	elif [ $rc != 0 ] && grep -q 'MISMATCH' "$R/uml-host-fxsave.log"; then
		grep -m3 'MISMATCH' "$R/uml-host-fxsave.log" | sed 's/^/# /'
		ok "FXSAVE-only UML: xstate_test fails (the lost state is detected)"
	else
		sed 's/^/# /' "$R/uml-host-fxsave.log" | tail -n 20
		notok "FXSAVE-only UML: xstate_test fails (exit $rc)"
	fi
else
	notok "FXSAVE-only UML: no kernel at $kernel"
fi
echo "1..$n"
exit $((failed > 0))
