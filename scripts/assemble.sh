#!/bin/bash
# Assemble the kernel tree under build/linux from
#   1. the pristine base (build/base/linux, see fetch-sources.sh),
#   2. the patches to existing kernel files (kernel-patches/*.patch, in
#      the order of kernel-patches/series),
#   3. the project's new files, copied to their kernel paths.
#
# Incremental: the result is computed in a scratch directory for the
# managed files only and copied into build/linux only where the content
# differs, so an unchanged file keeps its mtime and is not rebuilt.  Files
# managed by a previous assembly but not by this one are restored from the
# base.  A patch that does not apply cleanly fails loudly, naming the file.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
base=$B/base/linux
tree=$B/linux
manifest=$B/linux.manifest

[ -d "$base/.git" ] || "$top/scripts/fetch-sources.sh"
if [ ! -d "$tree" ]; then
	echo "assemble: creating $tree from the base"
	cp -a --reflink=auto "$base" "$tree.tmp"
	rm -rf "$tree.tmp/.git"
	mv "$tree.tmp" "$tree"
fi

# The project's new files at their kernel paths (SPEC §9).
new_files() {
	(cd "$top" && git ls-files --cached --others --exclude-standard -- \
		drivers/net/tun_rss net/ethtool include Documentation \
		tools/testing/selftests tools/testing/tun_rss 2>/dev/null |
	 while read -r f; do [ -f "$f" ] && echo "$f"; done) || true
}

series=()
if [ -f "$top/kernel-patches/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*|'@'*|'+'*) continue ;; esac
		p=${p%% *}
		series+=("$top/kernel-patches/$p")
	done < "$top/kernel-patches/series"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Files touched by the patches start from their pristine content.
for p in "${series[@]}"; do
	grep -E '^\+\+\+ b/' "$p" | sed 's|^+++ b/||; s|\t.*||'
done | sort -u > "$scratch/patched"
while read -r f; do
	[ -n "$f" ] || continue
	mkdir -p "$scratch/t/$(dirname "$f")"
	[ -f "$base/$f" ] && cp "$base/$f" "$scratch/t/$f"
done < "$scratch/patched"

for p in "${series[@]}"; do
	if ! out=$(patch -d "$scratch/t" -p1 -F0 -N -s --no-backup-if-mismatch -r - < "$p" 2>&1); then
		echo "assemble: FAILED to apply $(basename "$p")" >&2
		echo "$out" | sed 's/^/  /' >&2
		exit 1
	fi
done

new_files > "$scratch/new"
while read -r f; do
	[ -n "$f" ] || continue
	if [ -e "$base/$f" ] && grep -qxF "$f" "$scratch/patched"; then
		echo "assemble: $f is both patched and shipped as a file" >&2
		exit 1
	fi
	mkdir -p "$scratch/t/$(dirname "$f")"
	cp "$top/$f" "$scratch/t/$f"
done < "$scratch/new"

sort -u "$scratch/patched" "$scratch/new" > "$scratch/manifest"
changed=0
while read -r f; do
	[ -n "$f" ] || continue
	if [ ! -f "$scratch/t/$f" ]; then	# deleted by a patch
		[ -e "$tree/$f" ] && { rm -f "$tree/$f"; changed=$((changed + 1)); }
		continue
	fi
	if ! cmp -s "$scratch/t/$f" "$tree/$f"; then
		mkdir -p "$tree/$(dirname "$f")"
		cp "$scratch/t/$f" "$tree/$f"
		changed=$((changed + 1))
	fi
done < "$scratch/manifest"

# Restore what an earlier assembly managed and this one does not.
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$scratch/manifest" | while read -r f; do
		if [ -f "$base/$f" ]; then cp "$base/$f" "$tree/$f"; else rm -f "$tree/$f"; fi
	done
fi
cp "$scratch/manifest" "$manifest"
echo "assemble: ${#series[@]} patches, $(wc -l < "$scratch/new") new files, $changed updated"
