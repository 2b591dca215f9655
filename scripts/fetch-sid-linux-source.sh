#!/bin/bash
# Fetch Debian sid's linux-source-7.2 binary package and extract from it,
# into build/sid-src/linux, only what upstream's RSS API selftest
# (tools/testing/selftests/drivers/net/hw/rss_api.py) needs to run in tree:
# the test, its lib/py packages, the kselftest helpers, the YNL library and
# the netlink specs, plus net/ethtool/{rss,ioctl,common}.c and the ethtool headers
# to read beside it.  scripts/upstream-rss-api.sh runs the test inside the
# patched kernel.  Through the private apt configuration of
# scripts/sid-apt.sh (build/apt-sid, only sid); the host's
# sources are left alone.
#
# Never fails the build: when the package cannot be fetched or unpacked,
# build/sid-src/REASON says why and the test stage skips with it.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
S=$B/sid-src
pkg=linux-source-7.2
# Paths inside the source tarball (under linux-source-7.2/)
want=(
	tools/testing/selftests/drivers/net/hw/rss_api.py
	tools/testing/selftests/drivers/net/hw/lib
	tools/testing/selftests/drivers/net/lib/py
	tools/testing/selftests/net/lib/py
	tools/testing/selftests/kselftest
	tools/net/ynl
	Documentation/netlink
	net/ethtool/rss.c
	net/ethtool/ioctl.c
	net/ethtool/common.c
	include/linux/ethtool.h
	include/uapi/linux/ethtool.h
	include/uapi/linux/ethtool_netlink.h
	include/uapi/linux/ethtool_netlink_generated.h
)

[ -f "$S/linux/tools/testing/selftests/drivers/net/hw/rss_api.py" ] &&
	[ -f "$S/VERSION" ] && exit 0

mkdir -p "$S"
rm -f "$S/REASON"
fail() { echo "$*" > "$S/REASON"; echo "fetch-sid-linux-source: $*" >&2; exit 0; }

. "$top/scripts/sid-apt.sh"
sid_index "$pkg" || fail "apt-get update of Debian sid failed"
ls "$S/${pkg}"_*.deb >/dev/null 2>&1 ||
	(cd "$S" && apt-get "${A[@]}" download "$pkg" >/dev/null 2>&1) ||
	fail "apt-get download $pkg (Debian sid) failed"
deb=$(ls "$S/${pkg}"_*.deb | tail -n1)

rm -rf "$S/linux" "$S/$pkg"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
	tar -C "$S" -xJ "${want[@]/#/$pkg/}" 2>"$S/tar.err" && rm -f "$S/tar.err" ||
	fail "cannot extract the selftest from $(basename "$deb"): $(head -n1 "$S/tar.err")"
mv "$S/$pkg" "$S/linux"
[ -f "$S/linux/tools/testing/selftests/drivers/net/hw/rss_api.py" ] ||
	fail "$(basename "$deb") has no tools/testing/selftests/drivers/net/hw/rss_api.py"
dpkg-deb -f "$deb" Package Version | tr '\n' ' ' | sed 's/Package: //;s/ Version://;s/ $/\n/' > "$S/VERSION"
echo "fetch-sid-linux-source: $(cat "$S/VERSION") in $S/linux"
