#!/bin/bash
# (Re)generate the .config of an object directory from defconfig (or
# $KCONFIG_BASE, e.g. tinyconfig) plus the committed fragment, only when
# the fragment changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
arch=$1 obj=$2 frag=$3
tree=${4:-$top/build/linux}
stamp=$obj/.fragment.sha
# Regenerate when the fragment or any Kconfig file the project touches
# changed (new options must reach .config).
kconfigs=$(cat "$top/build/linux.manifest" "$top/build/linux.manifest.host" 2>/dev/null |
	grep -E '(^|/)Kconfig' | sed "s|^|$tree/|" || true)
base=${KCONFIG_BASE:-defconfig}
sum=$( (echo "$base"; cat "$frag" $kconfigs 2>/dev/null || true) | sha256sum | cut -d' ' -f1)
[ -f "$obj/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] && exit 0
mkdir -p "$obj"
make -s -C "$tree" O="$obj" ARCH="$arch" "$base" >/dev/null
KCONFIG_CONFIG="$obj/.config" "$tree/scripts/kconfig/merge_config.sh" \
	-m -O "$obj" "$obj/.config" "$frag" >/dev/null
make -s -C "$tree" O="$obj" ARCH="$arch" olddefconfig >/dev/null
# Report fragment options that did not survive (missing dependencies).
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*) opt=${line%%=*}; val=${line#*=}
		if [ "$val" = n ]; then
			grep -qx "$opt=y" "$obj/.config" && { echo "kconfig: $opt still set" >&2; missing=1; }
		elif ! grep -qx "$line" "$obj/.config"; then
			echo "kconfig: $line not applied (dependency missing?)" >&2; missing=1
		fi ;;
	esac
done < "$frag"
echo "$sum" > "$stamp"
[ $missing -eq 0 ] || echo "kconfig: warning: some options of $frag were not applied" >&2
