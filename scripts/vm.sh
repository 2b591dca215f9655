#!/bin/bash
# Run one command inside the patched UML kernel and propagate its exit
# status.  The guest boots on the host's root through hostfs, so it sees
# the host's binaries and this checkout.
#
#   scripts/vm.sh [-x] [-t timeout_s] [-k kernel] [-a "extra kernel args"] -- cmd...
#
# -x (or VM_ARCH=x86_64) boots the SMP x86_64 kernel of `make kernel-x86vm`
# instead, under qemu (TCG: no KVM needed; VM_CPUS vCPUs, default 2), with
# the host's root over 9p: what UML cannot give, more than one CPU.
#
# Fails (non-zero) when the command fails, the VM does not finish within
# the timeout, or the kernel log shows a KASAN report, lockdep splat,
# WARN, BUG, Oops or a kmemleak leak.  The kernel log is printed on
# failure, and always kept in build/vm/last/dmesg.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
timeout=600
arch=${VM_ARCH:-um}
kernel=${VM_KERNEL:-}
args=${VM_ARGS:-}
mem=${VM_MEM:-1536M}
while getopts "xt:k:a:" o; do
	case $o in
	x) arch=x86_64 ;;
	t) timeout=$OPTARG ;;
	k) kernel=$OPTARG ;;
	a) args="$args $OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [-x] [-t s] [-k kernel] [-a args] -- cmd..." >&2; exit 2; }
case $arch in
um)	kernel=${kernel:-$top/build/kbuild-um/linux}; target=kernel ;;
x86_64)	kernel=${kernel:-$top/build/kbuild-x86vm/arch/x86/boot/bzImage}
	target=kernel-x86vm
	command -v qemu-system-x86_64 >/dev/null ||
		{ echo "vm: qemu-system-x86_64 missing (make deps)" >&2; exit 2; } ;;
*)	echo "vm: unknown VM_ARCH $arch" >&2; exit 2 ;;
esac
[ -f "$kernel" ] || { echo "vm: no kernel at $kernel (make $target)" >&2; exit 2; }

mkdir -p "$top/build/vm"
run=$(mktemp -d "$top/build/vm/run.XXXXXX")
printf '%s\n' "$*" > "$run/cmd"
pwd > "$run/cwd"

init_args="init=$top/scripts/vm-init.sh TUNRSS_RUN=$run TUNRSS_KMEMLEAK=${VM_KMEMLEAK:-1}"
if [ "$arch" = um ]; then
	# UML keeps guest memory in a file under TMPDIR; give it a private
	# one (VM_TMPDIR: another directory, e.g. a tmpfs when $run is on 9p).
	export TMPDIR=${VM_TMPDIR:-$run}
	timeout -k 10 "$timeout" "$kernel" mem="$mem" rootfstype=hostfs rootflags=/ rw \
		$init_args con=null con0=fd:0,fd:1 quiet panic=-1 $args \
		</dev/null 2>"$run/console" | tr -d '\r' | tee "$run/out"
	rc=${PIPESTATUS[0]}
else
	# The console is the serial port on stdout; vm-init.sh ends with an
	# immediate reboot, which -no-reboot turns into qemu's exit, as it
	# does a panic.  acpi=noirq: ACPI finds the CPUs, but evaluating the
	# PCI interrupt links costs 17 s of boot under TCG with KASAN.
	# VM_QEMU_CPU: another CPU model (e.g. max: AVX2 without AVX-512).
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi \
		${VM_QEMU_CPU:+-cpu "$VM_QEMU_CPU"} \
		-smp "${VM_CPUS:-2}" -m "${VM_MEM_X86:-2G}" -nographic -no-reboot \
		-monitor none -serial stdio -nodefaults -kernel "$kernel" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap \
		-append "console=ttyS0 root=hostroot rootfstype=9p rw $init_args \
rootflags=trans=virtio,version=9p2000.L,msize=524288,cache=loose \
TUNRSS_EXIT=reboot acpi=noirq quiet panic=-1 oops=panic $args" \
		</dev/null 2>"$run/console" | tr -d '\r' | tee "$run/out"
	rc=${PIPESTATUS[0]}
fi

# why_no_init LOG: when UML dies before or while starting init, say in one
# line what went wrong and what to do, from what it printed.
why_no_init() {
	local log=$1 size init
	if grep -Eq 'set fp regs failed|get_fp_registers failed|put_fp_registers returned|restore its own .* XSTATE|Failed to initialize default registers' "$log"; then
		size=$("$top/build/uml-host/xstate_size" 2>/dev/null || echo "ptrace=? cpuid=?")
		echo "UML cannot save and restore this host's FP state (XSTATE sizes: $size): the kernel lacks host-patches/0001 (run make kernel / make kernel-base again) or the host refuses its own regset"
	elif grep -Eq 'check_ptrace|check_sysemu|PTRACE_SYSEMU|ptrace failed' "$log"; then
		echo "the host does not give UML the ptrace it needs (PTRACE_SYSEMU): run outside a seccomp or ptrace-restricting sandbox (kernel.yama.ptrace_scope, container profile)"
	elif grep -Eq 'check_tmpexec|mmap.*Operation not permitted|Failed to create temporary' "$log"; then
		echo "UML cannot map executable memory in TMPDIR ($run): mount it without noexec"
	elif grep -Eq 'VFS: Unable to mount root|hostfs' "$log" && ! grep -q 'Run /' "$log"; then
		echo "UML could not mount the host's root through hostfs (CONFIG_HOSTFS, rootflags=/)"
	elif grep -Eq 'Requested init .* failed|No working init found' "$log"; then
		init=$(sed -n 's/.*Requested init \([^ ]*\) failed.*/\1/p' "$log" | head -n 1)
		echo "UML could not run its init (${init:-$top/scripts/vm-init.sh}): check that it exists, is executable and that /bin/bash exists"
	elif grep -Eq 'Attempted to kill init' "$log"; then
		echo "UML's init died (see the log above): on an unknown host CPU or kernel, run tools/testing/uml-host's checks (make check runs them first)"
	elif grep -Eq 'Out of memory|Kernel panic' "$log"; then
		echo "UML panicked: $(grep -m1 -E 'Out of memory|Kernel panic' "$log" | sed 's/^.*\] //')"
	fi
}

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
	[ -f "$run/dmesg" ] || cat "$run/console" > "$run/dmesg"
	cat "$run/dmesg" "$run/out" > "$run/died" 2>/dev/null
	why=$(why_no_init "$run/died")
	[ -n "$why" ] && fail="$fail: $why"
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
