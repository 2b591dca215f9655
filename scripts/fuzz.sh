#!/bin/bash
# Fuzz the tun RSS engine in userspace (issue 10, SPEC §7): build the
# libFuzzer targets of tools/testing/tun_rss/fuzz (clang, ASan, UBSan,
# LeakSanitizer) and run each for a bounded time.
#
#   scripts/fuzz.sh [seconds-per-target]     (default 60)
#
# The targets are built in build/fuzz/bin/.  Per target,
# build/fuzz/<target>/ holds the run's log, the corpus it
# grew (kept across runs; the committed seeds in fuzz/corpus/<target>/
# are read, never written) and, after a finding, the reproducer
# crash-*/leak-*/timeout-*/oom-* (replay: build/fuzz/bin/<target> <file>).
# Reproducers of an earlier run are moved to build/fuzz/<target>/previous/.
#
# Output: "# " lines with each target's numbers, then TAP, one line per
# target ("ok N - fuzz_parse: 123456 runs, no crash").  Exit status 1 on
# any crash, leak, sanitizer report, failed check or timeout, 2 when the
# targets do not build.
#
# Environment:
#   KSRC          kernel tree for the UAPI headers (default: build/linux,
#                 else build/base/linux, fetched when missing)
#   FUZZ_TARGETS  targets to run (default: fuzz_parse fuzz_cls fuzz_config)
#   FUZZ_FRESH    1: start from the committed seeds only (drop the grown
#                 corpus first)
#   FUZZ_ARGS     extra libFuzzer options, e.g. "-seed=1"
#   FUZZ_COVERAGE 1: then print the line and branch coverage of the
#                 engine's sources that the seeds and grown corpora reach
#                 (llvm-cov; annotated source in build/fuzz/bin/cov/)
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
O=$B/fuzz
BIN=$O/bin
DIR=$top/tools/testing/tun_rss/fuzz
SECS=${1:-60}
TARGETS=${FUZZ_TARGETS:-fuzz_parse fuzz_cls fuzz_config}

case $SECS in
''|*[!0-9]*|0) echo "usage: $0 [seconds-per-target]" >&2; exit 2 ;;
esac
mkdir -p "$O"

# ---- build -------------------------------------------------------------------
if [ -z "${KSRC:-}" ]; then
	if [ -f "$B/linux/Makefile" ]; then
		KSRC=$B/linux
	else
		[ -f "$B/base/linux/Makefile" ] || "$top/scripts/fetch-sources.sh"
		KSRC=$B/base/linux
	fi
fi
echo "# fuzz: building $TARGETS (clang, ASan + UBSan; UAPI from $KSRC)"
if ! make -s -C "$DIR" O="$BIN" KSRC="$KSRC" all > "$O/build.log" 2>&1; then
	sed 's/^/# /' "$O/build.log"
	n=0
	for t in $TARGETS; do
		n=$((n + 1))
		echo "not ok $n - $t: does not build (build/fuzz/build.log)"
	done
	exit 2
fi

# ---- run ---------------------------------------------------------------------
# The last value of "<name>: <value>" in a libFuzzer status or stat line
lf_stat() {	# log name
	sed -n "s/.*[ :]$2: *\([0-9]*\).*/\1/p" "$1" | tail -n1
}

# A finding's first line; then its details: the harness's data lines
# ("| "), sanitizer reports without libFuzzer's own frames.
FIRST='check failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error'
DETAIL='^\| |check failed|runtime error|ERROR: |^(READ|WRITE) of|^Direct leak|^SUMMARY'
DETAIL+='|^    #[0-9]+ .* in (tun_rss|fz_|LLVMFuzzerTestOneInput)'

n=0
fail=0
tap=()
for t in $TARGETS; do
	n=$((n + 1))
	W=$O/$t
	mkdir -p "$W/corpus"
	[ "${FUZZ_FRESH:-0}" = 1 ] && find "$W/corpus" -type f -delete
	shopt -s nullglob
	old=("$W"/crash-* "$W"/leak-* "$W"/timeout-* "$W"/oom-*)
	if [ ${#old[@]} -gt 0 ]; then
		mkdir -p "$W/previous"
		mv -f "${old[@]}" "$W/previous/"
	fi
	shopt -u nullglob

	echo "# fuzz: $t for $SECS s"
	# New inputs go to the first directory; the seeds are only read.
	# shellcheck disable=SC2086
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$BIN/$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$W/" ${FUZZ_ARGS:-} \
		"$W/corpus" "$DIR/corpus/$t" > "$W/log" 2>&1
	rc=$?

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/log")
	[ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\)\t.*/\1/p' "$W/log" | tail -n1)
	runs=${runs:-0}
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$W/log")
	cov=$(lf_stat "$W/log" cov)
	ft=$(lf_stat "$W/log" ft)
	corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' "$W/log" | tail -n1)
	seeds=$(find "$DIR/corpus/$t" -type f | wc -l)
	shopt -s nullglob
	found=("$W"/crash-* "$W"/leak-* "$W"/timeout-* "$W"/oom-*)
	shopt -u nullglob
	echo "# $t: $runs runs (${eps:-?}/s), cov ${cov:-?} edges," \
	     "ft ${ft:-?}, corpus ${corp:-?} inputs (${seeds} seeds)," \
	     "crashes ${#found[@]}, exit $rc"

	if [ "$rc" -eq 0 ] && [ ${#found[@]} -eq 0 ]; then
		tap+=("ok $n - $t: $runs runs, no crash")
		continue
	fi
	fail=1
	# What went wrong: the harness's data lines and its check, or the
	# sanitizer's report without libFuzzer's own frames; then the input.
	why=$(grep -m1 -E "$FIRST" "$W/log" |
	      sed -E 's/^==[0-9]+== ?//; s/^[^ ]*fuzz\/([a-z_]*\.c)/\1/')
	grep -E "$DETAIL" "$W/log" | head -n 30 | sed 's/^/# /'
	repro=${found[0]:-none}
	repro=${repro#"$top"/}
	log=${W#"$top"/}/log
	tap+=("not ok $n - $t: ${why:-exit status $rc} after $runs runs; reproducer $repro (log $log)")
done

if [ "${FUZZ_COVERAGE:-0}" = 1 ]; then
	echo "# fuzz: engine coverage of the seeds and the grown corpora"
	make -s -C "$DIR" O="$BIN" KSRC="$KSRC" \
		COV_CORPUS="$DIR/corpus/% $O/%/corpus" coverage \
		> "$O/coverage.log" 2>&1 || echo "# (coverage failed: build/fuzz/coverage.log)"
	# llvm-cov report: name, then regions, functions, lines, branches as
	# count, missed, cover (functions: count, missed, executed)
	grep -E '^([a-z_]+\.c|TOTAL) ' "$O/coverage.log" |
		awk 'BEGIN { printf "# %-12s %8s %8s %8s %8s\n", "coverage", "regions",
			     "funcs", "lines", "branches" }
		     { printf "# %-12s %8s %8s %8s %8s\n", $1, $4, $7, $10, $13 }'
fi

echo "1..$n"
printf '%s\n' "${tap[@]}"
exit $fail
