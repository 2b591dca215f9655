#!/bin/bash
# make series: export the kernel work as a git format-patch series against
# the pristine base, in the order of kernel-patches/series:
#   NAME.patch              a patch to existing files, applied with git am
#   @ MSG PATH...           commit the project's new files under PATH...
#                           with the commit message kernel-patches/MSG
#                           (-FILE: not here; FILE=EARLY: an earlier version)
#   + PATH...               add these new files to the next patch's commit
# Every new file must be named by some "@" line.  The series is then
# applied with git am to a fresh clone of the base, and the result must
# equal the assembled tree (build/linux) file for file.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
S=$B/series
rm -rf "$S"; mkdir -p "$S"
git clone -q "$B/base/linux" "$S/work"
cd "$S/work"
git config user.name "$(git -C "$top" config user.name)"
git config user.email "$(git -C "$top" config user.email)"

# commit_files PATH...: stage the project's new files under each PATH;
# "-FILE" leaves FILE out (a later line brings it), "FILE=EARLY" stages the
# content of EARLY (a path in the repo) as FILE (an earlier version of a
# file a later line brings in full).
stage_files() {
	local p f skip=()

	for p in "$@"; do
		case $p in -*) skip+=("${p#-}") ;; esac
	done
	for p in "$@"; do
		case $p in
		-*) ;;
		*=*)
			f=${p%%=*}
			mkdir -p "$(dirname "$f")"; cp "$top/${p#*=}" "$f"; git add -f "$f" ;;
		*)
			(cd "$top" && git ls-files --cached --others --exclude-standard -- "$p") |
			while read -r f; do
				printf '%s\n' "${skip[@]}" | grep -qxF "$f" && continue
				mkdir -p "$(dirname "$f")"; cp "$top/$f" "$f"; git add -f "$f"
			done ;;
		esac
	done
}

pending=()
while read -r first rest; do
	case "$first" in ''|'#'*) continue ;; esac
	if [ "$first" = @ ]; then
		read -r msg paths <<< "$rest"
		stage_files $paths
		git commit -q -s -F "$top/kernel-patches/$msg"
	elif [ "$first" = + ]; then
		# new files that belong to the next patch's commit
		read -r -a pending <<< "$rest"
	else
		git am -q --whitespace=nowarn "$top/kernel-patches/$first" ||
			{ echo "series: $first does not apply" >&2; exit 1; }
		if [ ${#pending[@]} -gt 0 ]; then
			stage_files "${pending[@]}"
			git commit -q --amend --no-edit
			pending=()
		fi
	fi
done < "$top/kernel-patches/series"

n=$(git rev-list --count base..HEAD)
[ "$n" -gt 0 ] || { echo "series: empty"; exit 0; }
git format-patch -q --cover-letter -o "$S/out" base..HEAD
"$top/scripts/cover-letter.py" "$S/out/0000-cover-letter.patch"

# Completeness: the series must reproduce the assembled tree exactly.
git diff --name-only base HEAD | sort > "$S/files"
sort "$B/linux.manifest" > "$S/manifest"
if ! diff -u "$S/manifest" "$S/files" > "$S/files.diff"; then
	echo "series: the series and the assembled tree touch different files:" >&2
	cat "$S/files.diff" >&2; exit 1
fi
while read -r f; do
	cmp -s "$f" "$B/linux/$f" || { echo "series: $f differs from build/linux" >&2; exit 1; }
done < "$S/files"

# It applies with git am to a fresh clone of the base.
git clone -q "$B/base/linux" "$S/verify"
(cd "$S/verify" && git -c user.name=v -c user.email=v@localhost am -q \
	$(ls "$S"/out/*.patch | grep -v 0000-cover-letter)) ||
	{ echo "series: git am onto a fresh base FAILED" >&2; exit 1; }
[ -z "$(git -C "$S/verify" diff HEAD --stat)" ] && \
	[ "$(git -C "$S/verify" rev-parse HEAD^{tree})" = "$(git rev-parse HEAD^{tree})" ] ||
	{ echo "series: git am onto a fresh base gives a different tree" >&2; exit 1; }
rm -rf "$S/verify"
echo "series: $n patches in build/series/out (applied with git am to a fresh base: OK)"
ls "$S/out"
