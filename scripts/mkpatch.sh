#!/bin/bash
# Turn edits made in the assembled tree (build/linux) into a patch of the
# series: the diff of FILE... between the base and build/linux, with the
# commit message in MSGFILE (first line: subject), written as a git
# format-patch file kernel-patches/NAME.  The patch is added to
# kernel-patches/series when new.  Each file must belong to one patch.
#
#   scripts/mkpatch.sh NAME.patch MSGFILE FILE...
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
name=$1 msg=$2; shift 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in "$@"; do
	mkdir -p "$tmp/a/$(dirname "$f")" "$tmp/b/$(dirname "$f")"
	cp "$B/base/linux/$f" "$tmp/a/$f"
	cp "$B/linux/$f" "$tmp/b/$f"
done
(cd "$tmp" && git diff --no-index --patch a b > diff || true)
# git diff --no-index names the sides a/a/FILE and b/b/FILE: drop the
# scratch directory level so the patch applies with -p1 in a kernel tree.
sed -i -E 's@^diff --git a/a/(\S+) b/b/(\S+)$@diff --git a/\1 b/\2@; s@^--- a/a/@--- a/@; s@^\+\+\+ b/b/@+++ b/@' "$tmp/diff"
(cd "$tmp" && git apply --stat diff | sed "s/ *$//" > stat)
{
	echo "From: $(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"
	echo "Date: $(date -R)"
	echo "Subject: [PATCH] $(head -n1 "$top/$msg")"
	echo
	tail -n +3 "$top/$msg"
	echo
	echo "Signed-off-by: $(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"
	echo "---"
	cat "$tmp/stat"
	echo
	cat "$tmp/diff"
	echo "-- "
	echo "tun-rss"
} > "$top/kernel-patches/$name"
grep -qxF "$name" "$top/kernel-patches/series" || echo "$name" >> "$top/kernel-patches/series"
echo "mkpatch: kernel-patches/$name ($(grep -c '^diff --git' "$tmp/diff") files)"
