#!/bin/bash
# make x86: the touched kernel objects compile for x86_64 with W=1 and
# sparse (C=1) and add no warning.  The tree is prepared once; afterwards
# only drivers/net/tun.o, drivers/net/tun_rss/ and net/ethtool/ are built.
# Warnings are compared with the same objects of the pristine base (built
# once into build/kbuild-x86-base), so only new ones fail the check.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
# One x86 build at a time: two would race on the same object directory.
if [ -z "${TUNRSS_X86_LOCKED:-}" ]; then
	mkdir -p "$B"
	TUNRSS_X86_LOCKED=1 exec flock "$B/.kbuild-x86.lock" "$0" "$@"
fi
export CCACHE_DIR=${CCACHE_DIR:-$B/ccache}
objs=(drivers/net/tun.o net/ethtool/)
[ -d "$B/linux/drivers/net/tun_rss" ] && objs+=(drivers/net/tun_rss/)

build() {	# tree objdir log
	"$top/scripts/kconfig.sh" x86_64 "$2" "$top/config/x86.config" "$1" 2>/dev/null
	make -s -C "$1" O="$2" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" prepare >/dev/null
	# Force the objects to rebuild so warnings are seen every time.
	for o in "${objs[@]}"; do
		case $o in */) find "$2/$o" -name '*.o' -delete 2>/dev/null || true ;;
		*) rm -f "$2/$o" ;; esac
	done
	make -C "$1" O="$2" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" W=1 C=1 \
		"${objs[@]}" > "$3" 2>&1
}

# Normalise a warning so base and patched lines compare: drop the line
# numbers, which move when code is added above.
norm() { { grep -E 'warning:|error:' "$1" || true; } | sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort -u; }

if [ ! -f "$B/kbuild-x86-base/warnings" ]; then
	echo "x86: building the base objects once for the warning baseline"
	objs_save=("${objs[@]}"); objs=(drivers/net/tun.o net/ethtool/)
	build "$B/base/linux" "$B/kbuild-x86-base" "$B/kbuild-x86-base/build.log"
	norm "$B/kbuild-x86-base/build.log" > "$B/kbuild-x86-base/warnings"
	objs=("${objs_save[@]}")
fi
build "$B/linux" "$B/kbuild-x86" "$B/kbuild-x86/build.log" || {
	cat "$B/kbuild-x86/build.log"; echo "x86: build FAILED"; exit 1; }
norm "$B/kbuild-x86/build.log" > "$B/kbuild-x86/warnings"
new=$(comm -13 "$B/kbuild-x86-base/warnings" "$B/kbuild-x86/warnings")
if [ -n "$new" ]; then
	echo "x86: new warnings with W=1 C=1:"
	echo "$new"
	exit 1
fi
echo "x86: ${objs[*]} build with W=1 C=1, no new warnings ($(wc -l < "$B/kbuild-x86-base/warnings") in the base)"
