#!/bin/bash
# Fetch what the QEMU end-to-end test needs, through a private apt
# configuration under build/apt-qemu (bookworm, bookworm-updates and
# bookworm-security, deb and deb-src; the host's apt sources are left alone):
#   build/src/qemu-7.2*     bookworm's QEMU 7.2 source with Debian's patches
#   build/guest/deb/        the Debian 6.12 cloud kernel package for the guest
# Versions are recorded in build/VERSIONS-qemu.  Re-running is a no-op.
# Exit status 3 (with one line saying why) when something cannot be fetched,
# so callers can skip instead of failing.
#
#   scripts/fetch-qemu.sh [source|guest]...   (default: both)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${QEMU_BUILD_DIR:-$top/build}
A=$B/apt-qemu
mkdir -p "$B/src" "$B/guest/deb"

what=${*:-source guest}
skip() { echo "fetch-qemu: SKIP: $*" >&2; exit 3; }

aptq() {	# apt-get|apt-cache args...
	local cmd=$1

	shift
	"$cmd" -q -o Dir::Etc::SourceList="$A/sources.list" \
		-o Dir::Etc::SourceParts="$A/sources.list.d" \
		-o Dir::State::Lists="$A/lists" \
		-o Dir::Cache="$A/cache" \
		-o Dir::State::status="$A/status" \
		-o APT::Architecture=amd64 "$@"
}

if [ ! -e "$A/.updated" ]; then
	mkdir -p "$A/lists/partial" "$A/sources.list.d" "$A/cache/archives/partial"
	: > "$A/status"
	k=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$A/sources.list" <<SRC
deb [signed-by=$k] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$k] http://deb.debian.org/debian bookworm main
deb [signed-by=$k] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=$k] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$k] http://deb.debian.org/debian-security bookworm-security main
deb-src [signed-by=$k] http://deb.debian.org/debian-security bookworm-security main
SRC
	aptq apt-get update >/dev/null 2>&1 || skip "apt-get update through $A failed (no network?)"
	touch "$A/.updated"
fi

for w in $what; do
case $w in
source)
	if ! ls -d "$B"/src/qemu-7.2*/ >/dev/null 2>&1; then
		v=$(aptq apt-cache showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' | sort -V | grep '^1:7\.2' | tail -1 || true)
		[ -n "$v" ] || skip "no qemu 7.2 source in bookworm"
		echo "fetch-qemu: qemu $v source"
		(cd "$B/src" && aptq apt-get source --download-only "qemu=$v" >/dev/null 2>&1) ||
			skip "apt-get source qemu=$v failed"
		dsc=$(ls "$B"/src/qemu_*.dsc | head -1)
		(cd "$B/src" && dpkg-source --no-check -x "$dsc" >/dev/null) ||
			skip "dpkg-source -x $dsc failed"
		echo "qemu $v (bookworm source, Debian patches applied)" > "$B/src/qemu.version"
	fi ;;
guest)
	# The newest 6.12 cloud kernel of bookworm (security updates); virtio
	# drivers are modules, the initramfs carries them.
	if ! ls "$B"/guest/deb/linux-image-6.12*.deb >/dev/null 2>&1; then
		p=$(aptq apt-cache depends linux-image-6.12-cloud-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-6\.12[^ ]*cloud-amd64[^ ]*\).*/\1/p' | head -1 || true)
		[ -n "$p" ] || skip "no linux-image-6.12-cloud-amd64 in bookworm(-security)"
		echo "fetch-qemu: guest kernel $p"
		(cd "$B/guest/deb" && aptq apt-get download "$p" >/dev/null 2>&1) ||
			skip "apt-get download $p failed"
	fi ;;
*)	echo "usage: $0 [source|guest]..." >&2; exit 2 ;;
esac
done

{
	cat "$B/src/qemu.version" 2>/dev/null || true
	for d in "$B"/guest/deb/*.deb; do
		[ -e "$d" ] && echo "guest kernel $(basename "$d")"
	done
} > "$B/VERSIONS-qemu"
cat "$B/VERSIONS-qemu"
