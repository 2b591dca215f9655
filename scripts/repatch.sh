#!/bin/bash
# Regenerate one patch of the series from the assembled tree, so that
# patches can stack on the same files (mkpatch.sh diffs against the
# pristine base and so cannot).
#
#   scripts/repatch.sh NAME.patch [FILE...]
#
# The new NAME.patch is the difference, for its files plus FILE..., between
# the base with every patch listed before NAME in kernel-patches/series
# applied and build/linux.  Its message is kept from the existing patch, or
# for a new patch taken from kernel-patches/msg/NAME.txt (subject line,
# blank line, body); a new patch is appended to the series.  When a
# patch after NAME touches one of the files: those later patches are
# reversed out of a copy of build/linux first, which fails (loudly) only
# when NAME's edits and theirs overlap.
#
# Edit build/linux, then run this at once: scripts/assemble.sh (make
# kernel) rewrites managed files from the series.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
base=$B/base/linux
name=$1; shift
P=$top/kernel-patches/$name
series_file=$top/kernel-patches/series
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

files=()
# patch_files PATCH...: the files the patches touch
patch_files() {
	[ $# -gt 0 ] || return 0
	cat "$@" | grep -E '^\+\+\+ b/' | sed 's|^+++ b/||; s|\t.*||'
}

[ -f "$P" ] && mapfile -t files < <(patch_files "$P")
files+=("$@")
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)

before=() after=() seen=0
while read -r p; do
	case "$p" in ''|'#'*|'@'*|'+'*) continue ;; esac
	p=${p%% *}
	if [ "$p" = "$name" ]; then seen=1; continue; fi
	if [ $seen = 0 ]; then before+=("$p"); else after+=("$p"); fi
done < "$series_file"

# copy_files SRC DST PATCH...: copy from SRC to DST the files NAME and
# the given patches touch (those SRC has)
copy_files() {
	local src=$1 dst=$2 f

	shift 2
	while read -r f; do
		[ -n "$f" ] && [ -f "$src/$f" ] || continue
		mkdir -p "$dst/$(dirname "$f")"
		cp "$src/$f" "$dst/$f"
	done < <({ patch_files "${@/#/$top/kernel-patches/}"
		   printf '%s\n' "${files[@]}"; } | sort -u)
}

# a/: base + the patches before NAME, for every file they touch
copy_files "$base" "$tmp/a" "${before[@]}"
for p in "${before[@]}"; do
	patch -d "$tmp/a" -p1 -F0 -N -s --no-backup-if-mismatch -r - \
		< "$top/kernel-patches/$p" > /dev/null
done
# b/: build/linux with the patches after NAME reversed, for every file
# they or NAME touch
copy_files "$B/linux" "$tmp/b" "${after[@]}"
for ((i = ${#after[@]} - 1; i >= 0; i--)); do
	p=${after[$i]}
	if ! patch -d "$tmp/b" -p1 -R -F0 -s --no-backup-if-mismatch -r - \
		< "$top/kernel-patches/$p" > "$tmp/rev.log" 2>&1; then
		echo "repatch: cannot take $p (later in the series) out of build/linux:" >&2
		cat "$tmp/rev.log" >&2
		exit 1
	fi
done
# Keep only NAME's files on the a/ side
mkdir -p "$tmp/a2"
for f in "${files[@]}"; do
	[ -f "$tmp/a/$f" ] || continue
	mkdir -p "$tmp/a2/$(dirname "$f")"
	cp "$tmp/a/$f" "$tmp/a2/$f"
done
mkdir -p "$tmp/b2"
for f in "${files[@]}"; do
	mkdir -p "$tmp/b2/$(dirname "$f")"
	cp "$tmp/b/$f" "$tmp/b2/$f"
done
(cd "$tmp" && git diff --no-index --patch a2 b2 > diff || true)
sed -i -E 's@^diff --git a/a2/(\S+) b/b2/(\S+)$@diff --git a/\1 b/\2@; s@^--- a/a2/@--- a/@; s@^\+\+\+ b/b2/@+++ b/@' "$tmp/diff"
(cd "$tmp" && git apply --stat diff | sed "s/ *$//" > stat)

if [ -f "$P" ]; then
	# Subject and body of the existing patch
	sed -n 's/^Subject: \[PATCH\] //p' "$P" | head -n1 > "$tmp/msg"
	echo >> "$tmp/msg"
	awk 'body && /^Signed-off-by: / { exit } body { print }
	     /^Subject: / { getline; body = 1 }' "$P" >> "$tmp/msg"
	sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp/msg"
elif [ -f "$top/kernel-patches/msg/${name%.patch}.txt" ]; then
	cp "$top/kernel-patches/msg/${name%.patch}.txt" "$tmp/msg"
else
	echo "repatch: new patch $name needs kernel-patches/msg/${name%.patch}.txt" >&2
	exit 1
fi
{
	echo "From: $(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"
	echo "Date: $(date -R)"
	echo "Subject: [PATCH] $(head -n1 "$tmp/msg")"
	echo
	tail -n +3 "$tmp/msg"
	echo
	echo "Signed-off-by: $(git -C "$top" config user.name) <$(git -C "$top" config user.email)>"
	echo "---"
	cat "$tmp/stat"
	echo
	cat "$tmp/diff"
	echo "-- "
	echo "tun-rss"
} > "$P.new"
mv "$P.new" "$P"
grep -qxF "$name" "$series_file" || echo "$name" >> "$series_file"
echo "repatch: kernel-patches/$name ($(grep -c '^diff --git' "$tmp/diff") files)"
