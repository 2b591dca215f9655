#!/bin/bash
# Build ethtool 6.1 and iproute2 6.1.0 from their pristine tarballs with
# ethtool-patches/ and iproute2-patches/ applied, and install them into
# build/tools/sbin (never over the host's binaries).
#
# A package's source tree is re-created from the tarball only when its
# patch set changes; otherwise the build is incremental.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
out=$B/tools
mkdir -p "$out/sbin" "$out/src"
[ -d "$B/src/ethtool-6.1" ] && [ -d "$B/src/iproute2-6.1.0" ] || "$top/scripts/fetch-sources.sh"

prepare() {	# name pristine-dir patch-dir
	local name=$1 pristine=$2 pdir=$3 dst=$out/src/$1 sum p
	sum=$( (cat "$pdir"/*.patch 2>/dev/null || true) | sha256sum | cut -d' ' -f1)
	if [ "$(cat "$dst/.patches.sha" 2>/dev/null)" != "$sum" ]; then
		echo "tools: preparing $name"
		rm -rf "$dst"
		cp -a "$pristine" "$dst"
		for p in "$pdir"/*.patch; do
			[ -e "$p" ] || continue
			if ! patch -d "$dst" -p1 -F0 -N -s --no-backup-if-mismatch < "$p"; then
				echo "tools: FAILED to apply $p" >&2
				exit 1
			fi
		done
		echo "$sum" > "$dst/.patches.sha"
	fi
}

prepare ethtool "$B/src/ethtool-6.1" "$top/ethtool-patches"
(
	cd "$out/src/ethtool"
	[ -f Makefile ] || ./configure -q --prefix="$out" >/dev/null
	make -s -j"$(nproc)" ethtool >/dev/null
	install -m755 ethtool "$out/sbin/ethtool"
)

prepare iproute2 "$B/src/iproute2-6.1.0" "$top/iproute2-patches"
(
	cd "$out/src/iproute2"
	[ -f config.mk ] || ./configure >/dev/null
	make -s -j"$(nproc)" SUBDIRS="lib ip devlink" >/dev/null
	install -m755 ip/ip "$out/sbin/ip"
	install -m755 devlink/devlink "$out/sbin/devlink"
)
echo "tools: $("$out/sbin/ethtool" --version), $("$out/sbin/ip" -V)"

# Debian sid's ethtool (7.x), unpacked in build/sid, for the upstream
# compatibility check of rss_netlink.sh; never fails (build/sid/REASON)
"$top/scripts/fetch-sid-ethtool.sh"

# Debian sid's linux-source-7.2, the parts upstream's rss_api.py needs, in
# build/sid-src/linux (scripts/upstream-rss-api.sh); never fails
# (build/sid-src/REASON)
"$top/scripts/fetch-sid-linux-source.sh"
