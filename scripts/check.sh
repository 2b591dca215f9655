#!/bin/bash
# make check: every test of the project, ending with one summary line
# "N passed, N failed, N skipped".  Assumes `make kernel tools` ran.
#
#  0. the test kernels on this host: the FP state size each UML kernel
#     found is the host's, and the vector state survives task switches
#     (scripts/uml-host-check.sh); the VM runner's self-test
#  1. userspace unit tests of the pure engine code (host)
#  2. KUnit suites tun_rss_* inside the patched kernel
#  3. kselftests (drivers/net/tun_rss and the base tree's net/tun) through
#     the standard kselftest runner inside the patched kernel
#  3b. upstream's RSS API selftest (rss_api.py from Debian sid's
#      linux-source-7.2) on a multi-queue tap in the patched kernel
#  3c. e2e: QEMU (bookworm's 7.2 with qemu-patches/) as an unprivileged VMM,
#      a Debian 6.12 guest's RSS served by the tap (scripts/e2e.sh)
#  4. libFuzzer targets, 20 s each
#  4b. the patched ethtool and ip inside the unpatched base kernel
#  4c. an SMP x86_64 guest under qemu (TCG): KUnit again, the tests that
#     race readers, detaches and reconfiguration on more than one CPU, and
#     devlink.sh, whose per-queue tx_maxrate needs XPS (UML has one CPU)
#  5. make lint: the exported series through checkpatch --strict, kernel-doc,
#     the YNL spec check and yamllint, and the x86_64 W=1 + sparse build
# Every VM run also fails on a kernel log splat (scripts/vm.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
TREE=$B/linux
R=$B/results
rm -rf "$R"; mkdir -p "$R"
sum_args=()
t0=$(date +%s)

stage() { echo; echo "=== $* ($(( $(date +%s) - t0 ))s)"; }

# A VM run that timed out, died, or left a splat/leak in the kernel log is
# a failure of its own, whatever the TAP inside says.
vm_verdict() {	# label vm-output-file
	local why
	why=$(grep -m1 '^vm: FAIL' "$2" | sed 's/^vm: FAIL: //; s/command exited with status [0-9]*;\? \?//')
	if [ -n "$why" ]; then
		sed -n '/^vm: FAIL/,$p' "$2" | head -n 80
		echo "not ok 1 $1 VM run: $why" > "$R/$1-vm.tap"
	else
		echo "ok 1 $1 VM run: clean kernel log" > "$R/$1-vm.tap"
	fi
	sum_args+=(--label "$1" "$R/$1-vm.tap")
}

"$top/scripts/uapi.sh"
KHDR="-isystem $B/uapi/include"

# runner_selftest LABEL [vm.sh options]: the runner must pass a passing
# command, propagate a failing status and fail on a kernel WARN; a runner
# that cannot fail would make every later result meaningless.
runner_selftest() {
	local label=$1

	shift
	{
		VM_KMEMLEAK=0 "$top/scripts/vm.sh" "$@" -t 300 -- true >/dev/null 2>&1 &&
			echo "ok 1 $label: true passes" || echo "not ok 1 $label: true passes"
		VM_KMEMLEAK=0 "$top/scripts/vm.sh" "$@" -t 300 -- false >/dev/null 2>&1 &&
			echo "not ok 2 $label: false fails" || echo "ok 2 $label: false fails"
		VM_KMEMLEAK=0 VM_LOG_LINES=0 "$top/scripts/vm.sh" "$@" -t 300 -- \
			'echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT' > "$R/$label-warn.log" 2>&1
		if [ $? -ne 0 ] && grep -q "kernel log shows a splat" "$R/$label-warn.log"; then
			echo "ok 3 $label: a kernel WARN fails the run"
		else
			echo "not ok 3 $label: a kernel WARN fails the run"
		fi
	} > "$R/$label.tap"
	cat "$R/$label.tap"
	sum_args+=(--label "$label" "$R/$label.tap")
}

# kunit LABEL [vm.sh options]: the tun_rss_* suites at boot, their KTAP
kunit() {
	local label=$1

	shift
	"$top/scripts/vm.sh" "$@" -t 900 -a "kunit.enable=1 kunit.filter_glob=tun_rss*" -- true \
		> "$R/$label.vm" 2>&1
	echo "$label vm: exit $?"
	cp "$B/vm/last/dmesg" "$R/$label.dmesg" 2>/dev/null
	# Keep the KTAP lines only (everything KUnit printed after its header).
	sed -n '/KTAP version/,$p' "$R/$label.dmesg" | sed -E 's/^\[ *[0-9]+\.[0-9]+\] ?//' > "$R/$label.ktap"
	vm_verdict "$label" "$R/$label.vm"
	sum_args+=(--ktap "$label" "$R/$label.ktap")
}

stage "the test kernels on this host: FP state size, vector state kept"
"$top/scripts/uml-host-check.sh" "$R" > "$R/uml-host.tap" 2>&1
echo "uml-host: exit $?"; grep -E '^(not )?ok |^# (host|patched|base)' "$R/uml-host.tap"
sum_args+=(--label uml-host "$R/uml-host.tap")

stage "VM runner self-test"
runner_selftest runner

stage "userspace unit tests (tools/testing/tun_rss)"
if [ -f "$TREE/tools/testing/tun_rss/Makefile" ]; then
	make -s -C "$TREE/tools/testing/tun_rss" O="$B/unit" run \
		> "$R/unit.tap" 2> "$R/unit.err"
	echo "unit: exit $?"; tail -n 3 "$R/unit.tap"
	cat "$R/unit.err" >&2
	sum_args+=(--label unit "$R/unit.tap")
fi

stage "libFuzzer: parser+hash, classifier, configuration (20 s each)"
"$top/scripts/fuzz.sh" 20 > "$R/fuzz.tap" 2>&1
echo "fuzz: exit $?"; grep -E '^(not )?ok ' "$R/fuzz.tap"
sum_args+=(--label fuzz "$R/fuzz.tap")

stage "KUnit (tun_rss_*) in the patched kernel"
kunit kunit

# The UML kernel has one CPU, so the VM stages from here to e2e leave the
# second core idle for some 15 minutes.  Lint (mostly single-threaded:
# checkpatch, kernel-doc) and e2e's builds (QEMU, the guest's initramfs)
# run meanwhile, niced.  e2e waits for them (its own builds are then
# no-ops, or report the failure) and the lint stage reports lint's TAP.
(
	nice -n 10 "$top/scripts/lint.sh" > "$R/lint.tap" 2>&1
	echo $? > "$R/lint.rc"
	nice -n 10 "$top/scripts/qemu-build.sh" > "$R/qemu-prebuild.log" 2>&1
	nice -n 10 "$top/scripts/guest-build.sh" > "$R/guest-prebuild.log" 2>&1
) &
bg_pid=$!

stage "kselftests in the patched kernel"
KS=$B/kselftest
if ! "$top/scripts/selftests-build.sh" > "$R/selftests-build.log" 2>&1; then
	cat "$R/selftests-build.log"
	echo "not ok 1 selftests build" > "$R/ksft-build.tap"
	sum_args+=(--label build "$R/ksft-build.tap")
fi
"$top/scripts/vm.sh" -t 1800 -- "cd $KS && ./run_kselftest.sh" > "$R/kselftest.tap" 2>&1
rc=$?
echo "kselftest vm: exit $rc"
grep -E '^(not )?ok ' "$R/kselftest.tap"
vm_verdict kselftest "$R/kselftest.tap"
sum_args+=(--label kselftest "$R/kselftest.tap")

stage "upstream's rss_api.py (Debian sid's linux-source-7.2) on a tap"
# Upstream's own RSS API selftest, unmodified, against a held multi-queue
# tap in the patched kernel (scripts/upstream-rss-api.sh); a skip says why
# when the package could not be fetched (build/sid-src/REASON).
"$top/scripts/upstream-rss-api.sh" > "$R/upstream-rss-api.tap" 2>&1
echo "upstream-rss-api: exit $?"
grep -E '^(not )?ok ' "$R/upstream-rss-api.tap"
if ! grep -q '^ok 1 rss_api # SKIP' "$R/upstream-rss-api.tap"; then
	vm_verdict upstream-rss-api "$R/upstream-rss-api.tap"
fi
sum_args+=(--label upstream-rss-api "$R/upstream-rss-api.tap")

stage "e2e: a real guest's RSS through an unprivileged QEMU (make e2e)"
wait "$bg_pid"	# lint and e2e's builds, started before the kselftests
# bookworm's QEMU 7.2 with qemu-patches/ (built on first use, about 4 min
# of CPU cold), a Debian 6.12 guest, inside the patched kernel; variants
# vhost off and on, QEMU as root by ifname, and a migration.  Skips with the reason when QEMU's source or the guest
# kernel cannot be fetched.
E2E_RESULTS=$R/e2e "$top/scripts/e2e.sh" > "$R/e2e.log" 2>&1
echo "e2e: exit $?"; grep -E '^(not )?ok |^e2e: ' "$R/e2e.log"
if ls "$R"/e2e/*.tap >/dev/null 2>&1; then
	for f in "$R"/e2e/*.tap; do
		sum_args+=(--label "e2e-$(basename "$f" .tap)" "$f")
	done
else
	tail -n 20 "$R/e2e.log"
	echo "not ok 1 e2e did not run (see $R/e2e.log)" > "$R/e2e.tap"
	sum_args+=(--label e2e "$R/e2e.tap")
fi

stage "patched tools against the unpatched base kernel"
# The patched ethtool must fall back to the ioctl and behave as the stock
# one, and the patched ip must print nothing new, on a kernel without the
# series (make kernel-base: the pristine 6.12 with the same config).
if [ -x "$B/kbuild-um-base/linux" ]; then
	VM_KERNEL=$B/kbuild-um-base/linux "$top/scripts/vm.sh" -t 600 -- \
		"cd $KS/drivers/net/tun_rss && ./ethtool_fallback.sh && ./iplink.sh --base" \
		> "$R/base-kernel.tap" 2>&1
	echo "base-kernel vm: exit $?"
	grep -E '^(not )?ok ' "$R/base-kernel.tap"
	vm_verdict base-kernel "$R/base-kernel.tap"
else
	echo "not ok 1 base kernel not built (make kernel-base)" > "$R/base-kernel.tap"
fi
sum_args+=(--label base-kernel "$R/base-kernel.tap")

stage "SMP x86_64 guest (qemu TCG, ${VM_CPUS:-2} vCPUs)"
# UML has one CPU: nothing there runs two readers, or a reader and a
# reconfiguration, at the same time, and without SMP there is no XPS and
# so no tx_maxrate queue attribute.  Under TCG with KASAN a test runs some
# 10x slower than in UML, so the guest gets the tests whose point is
# concurrency (stress: reconfiguration, detach and delete under traffic;
# steering), devlink.sh (rate buckets shared by the CPUs, tx_maxrate) and
# one variant of rss (readers on both CPUs, every frame checked against
# the reference); KUnit again, on a 64-bit SMP kernel.
if [ -f "$B/kbuild-x86vm/arch/x86/boot/bzImage" ]; then
	# The runner's self-test again: qemu must propagate a failure and
	# the kernel-log check must see a WARN on this console too.
	runner_selftest x86-runner -x
	kunit x86-kunit -x

	# The UML FP state check again on another host CPU: UML nested in
	# the guest, whose CPU qemu's TCG emulates (-cpu max: AVX2 without
	# AVX-512, an XSAVE area of another size than this host's).
	VM_QEMU_CPU=max "$top/scripts/vm.sh" -x -t 900 -- \
		"$top/scripts/uml-host-check.sh --nested $R" > "$R/x86-uml-host.tap" 2>&1
	echo "x86 uml-host vm: exit $?"
	grep -E '^(not )?ok |^# (host|nested)' "$R/x86-uml-host.tap"
	vm_verdict x86-uml-host "$R/x86-uml-host.tap"
	sum_args+=(--label x86-uml-host "$R/x86-uml-host.tap")

	sel=
	for t in steering stress devlink.sh; do sel="$sel -t drivers/net/tun_rss:$t"; done
	rm -f "$R/x86-rss.tap"
	"$top/scripts/vm.sh" -x -t 2400 -- "cd $KS && ./run_kselftest.sh -o 900$sel;
		r=\$?; cd drivers/net/tun_rss && ./rss -v udp4_4q > $R/x86-rss.tap 2>&1 || r=1; exit \$r" \
		> "$R/x86-kselftest.tap" 2>&1
	echo "x86 kselftest vm: exit $?"
	grep -E '^(not )?ok ' "$R/x86-kselftest.tap"
	grep -E '^# Totals' "$R/x86-rss.tap" 2>/dev/null | sed 's/^/rss -v udp4_4q: /'
	vm_verdict x86-kselftest "$R/x86-kselftest.tap"
	sum_args+=(--label x86-rss "$R/x86-rss.tap")
else
	echo "not ok 1 x86_64 guest kernel not built (make kernel-x86vm)" > "$R/x86-kselftest.tap"
fi
sum_args+=(--label x86-kselftest "$R/x86-kselftest.tap")

stage "lint: checkpatch, kernel-doc, YNL spec, yamllint, x86 W=1 C=1"
rc=$(cat "$R/lint.rc" 2>/dev/null || echo 'did not finish')
echo "lint: exit $rc"
if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$R/lint.tap"; then
	echo "not ok 999 lint.sh: exit $rc" >> "$R/lint.tap"
fi
grep -E '^(not )?ok ' "$R/lint.tap" | grep -v '^ok ' || echo "lint: all ok"
sum_args+=(--label lint "$R/lint.tap")

stage "summary"
"$top/scripts/tap-summary.py" "${sum_args[@]}" | tee "$R/summary"
