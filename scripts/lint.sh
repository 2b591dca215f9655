#!/bin/bash
# make lint: what netdev would run on the series, as TAP lines.
#  - scripts/checkpatch.pl --strict --codespell on every patch of
#    `make series` (run first) and on every new file
#  - scripts/kernel-doc -none on the new C files and headers
#  - the ethtool YNL spec loads and validates against its schema, and
#    passes yamllint (default rules, warnings are errors)
#  - the x86_64 W=1 + sparse compile of the touched objects (make x86)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
T=$B/linux
n=0 fail=0
res() {	# ok|fail description [details-file]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		fail=1
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | head -n 40
	fi
}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
cp_args=(--strict --quiet --codespell --codespellfile "$dict" --show-types)

if "$top/scripts/series.sh" > "$out/series" 2>&1; then
	res ok "make series: exports and applies with git am to a fresh base"
else
	res fail "make series" "$out/series"
fi
: > "$B/lint-exceptions.txt"
for p in "$B"/series/out/0*.patch; do
	case $p in *0000-cover-letter*) continue ;; esac
	(cd "$T" && scripts/checkpatch.pl "${cp_args[@]}" "$p") 2>&1 |
		python3 "$top/scripts/checkpatch-filter.py" --justify \
		> "$out/cp" 2>> "$B/lint-exceptions.txt"
	# "does MAINTAINERS need updating?" for a patch adding files: not
	# when every new file already has a MAINTAINERS section of its own
	# (not only THE REST), which get_maintainer.pl tells.
	if [ "$(grep -cE '^(ERROR|WARNING|CHECK)' "$out/cp")" = 1 ] &&
	   grep -q '^WARNING:FILE_PATH_CHANGES' "$out/cp"; then
		covered=1 nf=0
		: > "$out/secs"
		for f in $(awk '/^diff --git / { f = substr($4, 3) }
				/^new file mode/ { print f }' "$p"); do
			sec=$(cd "$T" && scripts/get_maintainer.pl --no-git --sections -f "$f" 2>/dev/null |
			      awk 'prev == "" && /^[A-Z]/ && $0 != "THE REST" { print } { prev = $0 }' |
			      head -n1)
			[ -n "$sec" ] || { covered=0; break; }
			echo "$sec" >> "$out/secs"
			nf=$((nf + 1))
		done
		if [ $covered = 1 ]; then
			echo "$(basename "$p"): FILE_PATH_CHANGES: its $nf new files all have a MAINTAINERS section ($(sort -u "$out/secs" | paste -sd '/' -))" \
				>> "$B/lint-exceptions.txt"
			: > "$out/cp"
		fi
	fi
	if grep -qE '^(ERROR|WARNING|CHECK)' "$out/cp"; then
		res fail "checkpatch --strict: $(basename "$p")" "$out/cp"
	else
		res ok "checkpatch --strict: $(basename "$p")"
	fi
done

kfiles=$(cd "$top" && git ls-files 'drivers/net/tun_rss/*.[ch]' 'net/ethtool/*.[ch]')
for f in $kfiles; do
	(cd "$T" && scripts/kernel-doc -none -Wall "$f") > "$out/kd" 2>&1
	if [ -s "$out/kd" ]; then
		res fail "kernel-doc: $f" "$out/kd"
	else
		res ok "kernel-doc: $f"
	fi
done

if (cd "$T/tools/net/ynl" && python3 -c '
import sys
from lib import SpecFamily
SpecFamily(sys.argv[1])' "$T/Documentation/netlink/specs/ethtool.yaml") > "$out/ynl" 2>&1; then
	res ok "YNL spec ethtool.yaml validates"
else
	res fail "YNL spec ethtool.yaml validates" "$out/ynl"
fi

if yamllint -s "$T/Documentation/netlink/specs/ethtool.yaml" > "$out/yl" 2>&1; then
	res ok "yamllint ethtool.yaml"
else
	res fail "yamllint ethtool.yaml" "$out/yl"
fi

if "$top/scripts/x86-check.sh" > "$out/x86" 2>&1; then
	res ok "x86_64 W=1 C=1: $(tail -n1 "$out/x86" | sed 's/^x86: //')"
else
	grep -v '^  [A-Z]' "$out/x86" > "$out/x86.short"
	res fail "x86_64 W=1 C=1 compile of the touched objects" "$out/x86.short"
fi
echo "1..$n"
exit $fail
