#!/bin/bash
# Assemble the kernel tree under build/linux from
#   1. the pristine base (build/base/linux, see fetch-sources.sh),
#   2. the fixes the test kernels need on the host (host-patches/*.patch,
#      not part of the series: see host-patches/README.md),
#   3. the patches to existing kernel files (kernel-patches/*.patch, in
#      the order of kernel-patches/series),
#   4. the project's new files, copied to their kernel paths.
#
# With --base, assemble build/base-um/linux instead: the base and the
# host patches only, for the unpatched UML kernel of `make kernel-base`.
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
only_host=0
if [ "${1:-}" = --base ]; then
	tree=$B/base-um/linux
	manifest=$B/base-um/linux.manifest
	only_host=1
fi
# Files the host patches manage, apart from the series' (series.sh
# compares the series with $manifest alone).
host_manifest=$manifest.host

[ -d "$base/.git" ] || "$top/scripts/fetch-sources.sh"
if [ ! -d "$tree" ]; then
	echo "assemble: creating $tree from the base"
	mkdir -p "$(dirname "$tree")"
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

host=()
for p in "$top"/host-patches/*.patch; do
	[ -f "$p" ] && host+=("$p")
done
series=()
if [ $only_host = 0 ] && [ -f "$top/kernel-patches/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*|'@'*|'+'*) continue ;; esac
		p=${p%% *}
		series+=("$top/kernel-patches/$p")
	done < "$top/kernel-patches/series"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Files touched by the patches start from their pristine content.
touched() {
	for p in "$@"; do
		grep -E '^\+\+\+ b/' "$p" | sed 's|^+++ b/||; s|\t.*||'
	done | sort -u
}
touched "${series[@]}" > "$scratch/patched"
touched "${host[@]}" > "$scratch/host"
if [ -n "$(comm -12 "$scratch/patched" "$scratch/host")" ]; then
	echo "assemble: the series and host-patches/ touch the same files:" >&2
	comm -12 "$scratch/patched" "$scratch/host" | sed 's/^/  /' >&2
	exit 1
fi
while read -r f; do
	[ -n "$f" ] || continue
	mkdir -p "$scratch/t/$(dirname "$f")"
	[ -f "$base/$f" ] && cp "$base/$f" "$scratch/t/$f"
done < <(cat "$scratch/patched" "$scratch/host")

for p in "${host[@]}" "${series[@]}"; do
	if ! out=$(patch -d "$scratch/t" -p1 -F0 -N -s --no-backup-if-mismatch -r - < "$p" 2>&1); then
		echo "assemble: FAILED to apply $(basename "$p")" >&2
		echo "$out" | sed 's/^/  /' >&2
		exit 1
	fi
done

if [ $only_host = 0 ]; then new_files; fi > "$scratch/new"
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
sort -u "$scratch/manifest" "$scratch/host" > "$scratch/all"
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
done < "$scratch/all"

# Restore what an earlier assembly managed and this one does not (a tree
# assembled before host-patches/ existed has no host manifest).
if [ -f "$manifest" ]; then
	[ -f "$host_manifest" ] || : > "$host_manifest"
	sort -u "$manifest" "$host_manifest" |
	comm -23 - "$scratch/all" | while read -r f; do
		if [ -f "$base/$f" ]; then cp "$base/$f" "$tree/$f"; else rm -f "$tree/$f"; fi
	done
fi
cp "$scratch/manifest" "$manifest"
cp "$scratch/host" "$host_manifest"
echo "assemble: $tree: ${#host[@]} host patches, ${#series[@]} patches, $(wc -l < "$scratch/new") new files, $changed updated"
