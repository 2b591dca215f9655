#!/bin/bash
# Fetch Debian sid's ethtool binary package into build/sid (never installed
# over the host's): the upstream-compatibility check of rss_netlink.sh runs
# it against the patched kernel.  Through a private apt configuration that
# only knows sid; the host's sources are left alone.
#
# Never fails the build: when the package cannot be fetched or its binary
# does not run here, build/sid/REASON says why and the test skips with it.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
S=$B/sid

[ -x "$S/usr/sbin/ethtool" ] && "$S/usr/sbin/ethtool" --version >/dev/null 2>&1 && exit 0

mkdir -p "$S"
rm -f "$S/REASON"
fail() { echo "$*" > "$S/REASON"; echo "fetch-sid-ethtool: $*" >&2; exit 0; }

. "$top/scripts/sid-apt.sh"
sid_index ethtool || fail "apt-get update of Debian sid failed"
(cd "$S" && rm -f ethtool_*.deb && apt-get "${A[@]}" download ethtool >/dev/null 2>&1) ||
	fail "apt-get download ethtool (Debian sid) failed"
dpkg-deb -x "$S"/ethtool_*.deb "$S" || fail "cannot unpack $(ls "$S"/ethtool_*.deb)"
"$S/usr/sbin/ethtool" --version > "$S/VERSION" 2>&1 ||
	fail "sid's ethtool does not run on this host: $(head -n1 "$S/VERSION")"
echo "fetch-sid-ethtool: $(cat "$S/VERSION") in $S/usr/sbin"
