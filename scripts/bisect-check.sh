#!/bin/bash
# make bisect-check: every patch of the series, applied one by one, builds.
#
# Runs `make series` (build/series/work: the base plus one commit per
# patch), then walks the commits in order in that work tree: each one is
# checked out and the UML kernel built incrementally in its own object
# directory (build/kbuild-bisect, ccache shared with make kernel); a
# commit that touches the tests also builds them (the userspace unit tests
# and the kselftests, against that commit's UAPI headers).  Prints one TAP
# line per commit and writes the summary to kernel-patches/bisect-check.log,
# which is committed as the record of the last run.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
S=$B/series/work
O=$B/kbuild-bisect
log=$B/bisect-check
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$B/ccache}

"$top/scripts/series.sh" > /dev/null || { echo "bisect-check: make series failed" >&2; exit 1; }
rm -rf "$log"; mkdir -p "$log" "$O"
mapfile -t commits < <(git -C "$S" rev-list --reverse base..HEAD)
start=$(date +%s) n=0 fail=0
echo "TAP version 13"
echo "1..${#commits[@]}"
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$S" log -1 --format=%s "$c")
	git -C "$S" checkout -q "$c"
	t0=$(date +%s)
	{
		make -s -C "$S" O="$O" ARCH=um defconfig > /dev/null &&
		KCONFIG_CONFIG="$O/.config" "$S/scripts/kconfig/merge_config.sh" \
			-m -O "$O" "$O/.config" "$top/config/uml.config" > /dev/null &&
		make -s -C "$S" O="$O" ARCH=um olddefconfig > /dev/null &&
		make -s -C "$S" O="$O" ARCH=um CC="ccache gcc" -j"$JOBS" linux
	} > "$log/$n.log" 2>&1
	rc=$?
	what=kernel
	if [ $rc = 0 ] && git -C "$S" diff --name-only "$c^" "$c" |
			grep -q '^tools/testing/\(tun_rss\|selftests/drivers/net/tun_rss\)/'; then
		what="kernel+tests"
		{
			rm -rf "$O/uapi" &&
			make -s -C "$S" O="$O/uapi-obj" ARCH=x86_64 headers_install \
				INSTALL_HDR_PATH="$O/uapi" &&
			{ [ ! -d "$S/tools/testing/tun_rss" ] ||
			  make -s -C "$S/tools/testing/tun_rss" O="$O/unit"; } &&
			{ [ ! -d "$S/tools/testing/selftests/drivers/net/tun_rss" ] ||
			  make -s -C "$S/tools/testing/selftests" TARGETS=drivers/net/tun_rss \
				KHDR_INCLUDES="-isystem $O/uapi/include" O="$O/selftests"; }
		} >> "$log/$n.log" 2>&1
		rc=$?
	fi
	dt=$(( $(date +%s) - t0 ))
	if [ $rc = 0 ]; then
		echo "ok $n - $subj ($what, ${dt}s)"
	else
		fail=1
		echo "not ok $n - $subj ($what, ${dt}s)"
		tail -n 20 "$log/$n.log" | sed 's/^/# /'
	fi
done | tee "$log/tap"
grep -q '^not ok' "$log/tap" && fail=1
{
	echo "# make bisect-check, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(( $(date +%s) - start )) s"
	echo "# main at $(git -C "$top" rev-parse --short HEAD), series of ${#commits[@]} commits"
	cat "$log/tap"
} > "$top/kernel-patches/bisect-check.log"
git -C "$S" checkout -q HEAD@{0} 2>/dev/null
exit $fail
