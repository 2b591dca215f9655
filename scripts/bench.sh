#!/bin/bash
# make bench: per-frame steering cost of the tun RSS engine next to the
# alternatives (issue 9), one table with time and instructions per frame,
# the goals judged, a PNG plot, and the results appended to
# bench/RESULTS.md.  Not part of `make check`.  Half a minute for the
# userspace half; the kernel half builds a UML kernel of its own (about
# ten minutes the first time, incremental after) and runs for two.
#
#  1. Userspace, on the engine's own sources (tools/testing/tun_rss/bench):
#     ns/frame, the median of interleaved runs pinned to one CPU, and
#     instructions/frame from callgrind, exact: (Ir(2N) - Ir(N)) / N.
#  2. In the patched kernel (UML): frames per second through a 4-queue tap
#     (tools/testing/tun_rss/bench/tun_pps.c) for automq, RSS, RSS + 1024
#     rules and a steering eBPF program doing Toeplitz
#     (toeplitz_steer.bpf.c), alternated round after round.  The kernel is
#     config/uml.config with the debug options off (config/uml-bench.config),
#     built in build/kbuild-um-bench; `make check`'s kernel is left alone.
#
# Environment:
#   KSRC            kernel tree for the UAPI headers (default: build/linux,
#                   else build/base/linux, fetched when missing)
#   BENCH_RUNS      timed runs per case (default 21)
#   BENCH_MS        length of one timed run in ms (default 20)
#   BENCH_CG_ITERS  N for callgrind, a multiple of 256 (default 4096)
#   BENCH_CPU       CPU to pin to (default: the last one allowed)
#   BENCH_CALLGRIND 0 to skip the instruction counts
#   BENCH_RESULTS   file to append to (default bench/RESULTS.md; empty: none)
#   BENCH_PPS       0 to skip the in-kernel half
#   BENCH_PPS_ROUNDS  rounds of the four configurations (default 7)
#   BENCH_PPS_SECS  measured seconds per run (default 3)
#   BENCH_NICE      niceness of the builds and the VM (default 10)
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
O=$B/bench
BENCH_DIR=$top/tools/testing/tun_rss/bench
RUNS=${BENCH_RUNS:-21}
MS=${BENCH_MS:-20}
CG_ITERS=${BENCH_CG_ITERS:-4096}
RESULTS=${BENCH_RESULTS-$top/bench/RESULTS.md}
mkdir -p "$O"

if [ $((CG_ITERS % 256)) -ne 0 ] || [ "$CG_ITERS" -le 0 ]; then
	echo "bench: BENCH_CG_ITERS must be a positive multiple of 256" >&2
	exit 2
fi

# ---- build ---------------------------------------------------------------
if [ -z "${KSRC:-}" ]; then
	if [ -f "$B/linux/Makefile" ]; then
		KSRC=$B/linux
	else
		[ -f "$B/base/linux/Makefile" ] || "$top/scripts/fetch-sources.sh"
		KSRC=$B/base/linux
	fi
fi
echo "bench: building tun_rss_bench (UAPI from $KSRC)"
make -s -C "$BENCH_DIR" O="$O" KSRC="$KSRC" > "$O/build.log" 2>&1 ||
	{ cat "$O/build.log"; exit 1; }
BENCH=$O/tun_rss_bench
"$BENCH" --check

# Pin to one CPU: the last one this process may use.
PIN=()
if command -v taskset >/dev/null; then
	cpu=${BENCH_CPU:-$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' |
			   tail -n1 | sed 's/.*-//')}
	PIN=(taskset -c "$cpu")
	pinned="pinned to CPU $cpu (taskset)"
else
	pinned="not pinned (no taskset)"
fi

# ---- 1a. time per frame ----------------------------------------------------
echo "bench: timing, $RUNS runs of ~$MS ms per case, $pinned"
"${PIN[@]}" "$BENCH" --tsv -r "$RUNS" -t "$MS" > "$O/timing.tsv"

# ---- 1c. the classifier's control path (issue 17) ---------------------------
# Time per rule add and delete with 0, 1024 and 4095 rules installed, the
# worst rule set a delegate can build (cls_ctl.c); in the kernel below too.
: > "$O/ctl.tsv"
if [ -x "$O/cls_ctl" ]; then
	echo "bench: classifier control path (cls_ctl)"
	"${PIN[@]}" "$O/cls_ctl" > "$O/ctl.tsv"
fi

# ---- 1b. instructions per frame --------------------------------------------
# Two runs per case doing N and 2N frames after the same setup and checks:
# the difference is N frames of the loop and nothing else, so the count
# is exact and the same on every run (no sampling, no timer).  The
# per-function split is the same difference taken per function.
cg_total() {
	sed -n 's/^summary: *//p' "$1" | head -n1
}
cg_functions() {	# file -> "source:function<TAB>Ir" (self cost), sorted
	callgrind_annotate --auto=no --inclusive=no --threshold=100 "$1" \
		2>/dev/null | sed -n '/file:function/,/^$/p' |
		sed -nE 's/^ *([0-9,]+) \([ 0-9.]+%\)  (.*)$/\1\t\2/p' |
		sed -E 's/ \[[^]]*\]$//; s/ \([0-9,]+x\)$//' |
		awk -F'\t' '{ gsub(",", "", $1); print $2 "\t" $1 }' |
		sort -t $'\t' -k1,1
}
: > "$O/callgrind.tsv"
: > "$O/functions.tsv"
cg_note="not run"
if [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
	echo "bench: callgrind, N = $CG_ITERS and 2N frames per case"
	mkdir -p "$O/callgrind"
	n2=$((2 * CG_ITERS))
	"$BENCH" --list | while IFS=$'\t' read -r name _; do
		[ "$name" = skip ] && continue
		f=$O/callgrind/$(echo "$name" | tr '/' '_')
		for n in "$CG_ITERS" "$n2"; do
			valgrind --tool=callgrind --callgrind-out-file="$f.$n.out" \
				"$BENCH" -n "$n" "$name" > "$f.$n.log" 2>&1 ||
				{ cat "$f.$n.log"; exit 1; }
		done
		ir1=$(cg_total "$f.$CG_ITERS.out")
		ir2=$(cg_total "$f.$n2.out")
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$CG_ITERS" "$ir1" "$ir2" \
			"$(awk -v a="$ir1" -v b="$ir2" -v n="$CG_ITERS" \
				'BEGIN { printf "%.2f", (b - a) / n }')" \
			>> "$O/callgrind.tsv"
		join -t $'\t' -a2 -e 0 -o '0,1.2,2.2' \
			<(cg_functions "$f.$CG_ITERS.out") \
			<(cg_functions "$f.$n2.out") |
			awk -F'\t' -v n="$CG_ITERS" -v c="$name" \
				'{ d = ($3 - $2) / n; sub(/.*:/, "", $1)
				   if (d >= 0.05)
				   printf "%s\t%s\t%.2f\n", c, $1, d }' |
			sort -t $'\t' -k3,3 -g -r >> "$O/functions.tsv"
	done
	cg_note="valgrind $(valgrind --version | sed 's/valgrind-//'), N = $CG_ITERS, (Ir(2N) - Ir(N)) / N, includes the harness loop (a few instructions per frame, the same in every case)"
elif [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
	echo "bench: valgrind not installed: no instruction counts"
	cg_note="skipped: valgrind not installed"
fi

# ---- 2. in-kernel frames per second (UML) ----------------------------------
# tun_pps in the patched UML kernel: AF_PACKET sendmmsg() of 64-byte UDP
# frames from 4096 flows into a 4-queue tap, a reader thread per queue,
# for automq, RSS, RSS + 1024 rules and the steering eBPF Toeplitz
# program, alternated round after round.  The kernel is the test
# kernel's config without KASAN, lockdep and kmemleak, which would
# otherwise weigh more than what is compared.  UML has no BPF JIT: the
# eBPF program runs in the interpreter, and the results say so.
: > "$O/pps.tsv"
pps_meta=()
NICE=(nice -n "${BENCH_NICE:-10}")
PPS_ROUNDS=${BENCH_PPS_ROUNDS:-7}
PPS_SECS=${BENCH_PPS_SECS:-3}
if [ "${BENCH_PPS:-1}" != 0 ]; then
	KB=$B/kbuild-um-bench
	echo "bench: in-kernel harness: building tun_pps and toeplitz_steer.bpf.o"
	make -s -C "$BENCH_DIR" O="$O" KSRC="$KSRC" pps >> "$O/build.log" 2>&1 ||
		{ cat "$O/build.log"; exit 1; }
	# The kernel as `make kernel` assembles it (the series plus the
	# repo's files), configured from config/uml.config with every
	# option config/uml-bench.config names, and those under it
	# (CONFIG_KASAN_*), replaced by what that file says.
	echo "bench: assembling the tree and building the UML bench kernel in $KB"
	make -s -C "$top" assemble
	sed -nE 's/^(# )?(CONFIG_[A-Za-z0-9_]+)[= ].*/\2/p' \
		"$top/config/uml-bench.config" > "$O/uml-bench.opts"
	{ grep -vE "^(# )?($(paste -sd'|' "$O/uml-bench.opts"))[_=A-Z0-9 ]" \
		"$top/config/uml.config"
	  cat "$top/config/uml-bench.config"; } > "$O/uml-bench.config"
	"$top/scripts/kconfig.sh" um "$KB" "$O/uml-bench.config"
	CCACHE_DIR=${CCACHE_DIR:-$B/ccache} "${NICE[@]}" \
		flock "$B/.kbuild-um-bench.lock" \
		make -s -C "$B/linux" O="$KB" ARCH=um CC="ccache gcc" \
		-j"$(nproc)" linux > "$O/kbuild.log" 2>&1 ||
		{ tail -n 50 "$O/kbuild.log"; exit 1; }
	echo "bench: tun_pps in UML, $PPS_ROUNDS rounds x 4 configurations, ${PPS_SECS} s each"
	# On a shared host the guest's wall clock also counts the time the
	# host gave to others: vmcpu.py records the host CPU time the VM
	# used in each measured interval, which tun_pps marks in pps.marks.
	: > "$O/pps.marks"
	: > "$O/pps-cpu.tsv"
	python3 "$BENCH_DIR/vmcpu.py" "$KB/linux" "$O/pps.marks" \
		"$O/pps-cpu.tsv" &
	vmcpu=$!
	# UML runs one CPU: its kernel and user processes never run at the
	# same time, pinning them together costs nothing.
	rc=0
	VM_KMEMLEAK=0 VM_KERNEL=$KB/linux "${NICE[@]}" "${PIN[@]}" \
		"$top/scripts/vm.sh" \
		-t 1200 -- "uname -r > $O/pps.uname &&
		$O/tun_pps -r $PPS_ROUNDS -t $PPS_SECS -m $O/pps.marks \
		-b $O/toeplitz_steer.bpf.o > $O/pps.tsv" || rc=$?
	sleep 1
	kill "$vmcpu" 2>/dev/null || true
	wait "$vmcpu" 2>/dev/null || true
	[ "$rc" = 0 ] || exit "$rc"
	cat "$O/pps.tsv"
	# One flow rule request in the kernel: the ioctl, under RTNL
	echo "bench: tun_rule_ctl in UML"
	VM_KMEMLEAK=0 VM_KERNEL=$KB/linux "${NICE[@]}" "${PIN[@]}" \
		"$top/scripts/vm.sh" -t 600 -- "$O/tun_rule_ctl >> $O/ctl.tsv"
	cat "$O/ctl.tsv"
	bpf_insns=$(sed -n 's/^info\tebpf_insns\t//p' "$O/pps.tsv")
	pps_meta=(
	--meta "pps_kernel=Linux $(cat "$O/pps.uname") UML (one CPU), 6.12 base + kernel-patches/series + the repo's files (scripts/assemble.sh), config/uml.config without the debug options (config/uml-bench.config)"
	--meta "pps_method=the VM $pinned, host load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; after one unreported run, $PPS_ROUNDS rounds, the four configurations alternated in each (order rotated per round); a run is a fresh 4-queue tap (txqueuelen 1024), 4096 IPv4/UDP flows of 64-byte frames sent by AF_PACKET sendmmsg() (64 per call) with at most 512 in flight, one reader thread per queue doing read(), ${PPS_SECS} s measured after 0.5 s of warm-up. Frames/s wall = frames read / guest seconds; frames per host CPU s = frames read / host CPU time of all the VM's processes in the same interval (vmcpu.py, 10 ms ticks), the figure the goals are judged on, as the wall figure also measures how much CPU the shared host gave the VM (its share is shown). Under RSS, rules and eBPF every frame is checked against the queue of a reference Toeplitz (misplaced: must be 0); \`dropped\` is the tap's tx_dropped"
	--meta "pps_bpf=UML has no BPF JIT (CONFIG_HAVE_EBPF_JIT is not available on um): the steering program runs in the BPF interpreter; ${bpf_insns:-?} instructions, bit-serial Toeplitz over the 12-byte 4-tuple, one array-map lookup for key and table"
	--meta "pps_tools=$(gcc --version | head -n1) (kernel, tun_pps); $(clang --version | head -n1) (-target bpf -O2); libbpf $(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo '?')"
	)
fi

# ---- report ----------------------------------------------------------------
# Debian's python3 is the one python3-matplotlib installs into.
PY=python3
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import matplotlib' 2>/dev/null; then PY=$p; break; fi
done
if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
	echo "bench: installing python3-matplotlib for the plot"
	if { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends python3-matplotlib ||
	     { $SUDO apt-get update -q &&
	       DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends python3-matplotlib; }; } \
		> "$O/apt.log" 2>&1; then
		PY=/usr/bin/python3
	else
		echo "bench: could not install python3-matplotlib (see $O/apt.log)"
	fi
fi

commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$top" status --porcelain -- drivers/net/tun_rss \
	tools/testing/tun_rss 2>/dev/null)" ]; then
	commit="$commit (with uncommitted changes to the measured sources)"
fi
cc_version=$(gcc --version | head -n1)
kcflags=$(make -s -C "$BENCH_DIR" O="$O" KSRC="$KSRC" print-kcflags)
virt=$(lscpu | sed -n 's/^Hypervisor vendor: *//p')

"$PY" -B "$BENCH_DIR/report.py" \
	--timing "$O/timing.tsv" --callgrind "$O/callgrind.tsv" \
	--functions "$O/functions.tsv" --plot "$O/tun_rss_bench.png" \
	--pps "$O/pps.tsv" --pps-cpu "$O/pps-cpu.tsv" "${pps_meta[@]}" \
	${RESULTS:+--results "$RESULTS"} \
	--meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
	--meta "commit=$commit" \
	--meta "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n1)" \
	--meta "nproc=$(nproc)" \
	--meta "virt=${virt:+$virt guest}" \
	--meta "cc=$cc_version" \
	--meta "kcflags=$kcflags" \
	--meta "timing=median of $RUNS interleaved runs of ~$MS ms per case, $pinned" \
	--meta "callgrind=$cg_note"

# ---- the control path, appended after the per-frame tables ----------------
ctl_table() {	# ctl_table TAG: markdown rows from ctl.tsv for TAG (ctl, kctl)
	awk -F'\t' -v tag="$1" '$1 == tag { t[$3, $2] = $4; n[$3] = 1 }
		END { for (i in n) print i }' "$O/ctl.tsv" | sort -n |
	while read -r n; do
		awk -F'\t' -v tag="$1" -v n="$n" '
			$1 == tag && $3 == 0 && $2 == "add" { a0 = $4 }
			$1 == tag && $3 == 0 && $2 == "del" { d0 = $4 }
			$1 == tag && $3 == n && $2 == "add" { a = $4 }
			$1 == tag && $3 == n && $2 == "del" { d = $4 }
			END { printf "| %s | %d | %d | %.2fx | %.2fx |\n",
				n, a, d, a / a0, d / d0 }' "$O/ctl.tsv"
	done
}
if [ -s "$O/ctl.tsv" ]; then
	{
		echo
		echo "### Control path: one flow rule add and delete (issue 17)"
		echo
		echo "Installed: the worst set a delegate can build, tcp4 rules over the 32 mask groups (TUN_RSS_MAX_MASKS) at locations 0.., one of them dropping; the rule added and deleted goes to location 4095 with a mask in use (a new group when none is installed). Median over rounds of the mean per operation; goal: 4095 installed within 2x of 0."
		echo
		echo "Classifier (userspace, cls_ctl.c: tun_rss_cls_insert() / tun_rss_cls_remove(), $pinned):"
		echo
		echo "| rules installed | add (ns) | delete (ns) | add / at 0 | delete / at 0 |"
		echo "|---:|---:|---:|---:|---:|"
		ctl_table ctl
		if grep -q '^kctl' "$O/ctl.tsv"; then
			echo
			echo "In the kernel (tun_rule_ctl.c in the UML bench kernel: the ETHTOOL_SRXCLSRLINS / SRXCLSRLDEL ioctl, RTNL held throughout; syscall included):"
			echo
			echo "| rules installed | add (ns) | delete (ns) | add / at 0 | delete / at 0 |"
			echo "|---:|---:|---:|---:|---:|"
			ctl_table kctl
		fi
	} | tee -a ${RESULTS:-/dev/null}
fi
