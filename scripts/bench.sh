#!/bin/bash
# make bench: per-frame steering cost of the tun RSS engine next to the
# alternatives (issue 9), one table with time and instructions per frame,
# the goals judged, a PNG plot, and the results appended to
# bench/RESULTS.md.  About half a minute on 2 CPUs; not part of `make check`.
#
#  1. Userspace, on the engine's own sources (tools/testing/tun_rss/bench):
#     ns/frame, the median of interleaved runs pinned to one CPU, and
#     instructions/frame from callgrind, exact: (Ir(2N) - Ir(N)) / N.
#  2. In the patched kernel (UML): frames per second through a tap.
#     Not yet: see the marked place below.
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
# >>> The in-kernel half of issue 9 goes here: boot the patched UML kernel
# >>> (scripts/vm.sh), AF_PACKET sendmmsg of 64-byte UDP frames from many
# >>> flows into a 4-queue tap with readers on every queue, for automq,
# >>> RSS, RSS + 1024 rules and the steering eBPF Toeplitz program, each
# >>> run alternately several times; write $O/pps.tsv and teach report.py
# >>> to add its table.  UML has no BPF JIT: say so next to that figure.
# <<< end of the in-kernel place

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
