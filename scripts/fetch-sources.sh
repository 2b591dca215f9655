#!/bin/bash
# Extract the pristine bases under build/:
#   build/base/linux      Linux 6.12 from Debian's linux-source-6.12 (a git
#                         repository with one commit tagged "base")
#   build/src/ethtool-*   ethtool 6.1 upstream tarball (bookworm source)
#   build/src/iproute2-*  iproute2 6.1.0 upstream tarball (bookworm source)
# Versions used are recorded in build/VERSIONS.  Re-running is a no-op.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
mkdir -p "$B/base" "$B/src"

kver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
if ! git -C "$B/base/linux" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	echo "fetch: extracting linux-source-6.12 $kver"
	rm -rf "$B/base/linux" "$B/base/linux-source-6.12"
	tar -C "$B/base" -xf /usr/src/linux-source-6.12.tar.xz
	mv "$B/base/linux-source-6.12" "$B/base/linux"
	# gc.auto=0: the commit's automatic gc would pack the 90k loose
	# objects in the background while assemble copies the tree.
	(cd "$B/base/linux" &&
	 git init -q && git config gc.auto 0 && git add -A -f . &&
	 git -c user.name=base -c user.email=base@localhost \
		commit -q -m "Linux 6.12 (Debian linux-source-6.12 $kver)" &&
	 git tag base)
fi

# Userspace: pristine upstream tarballs through a private apt configuration
# that only knows bookworm's deb-src; the host's sources are left alone.
apt_dir=$B/apt
if [ ! -e "$apt_dir/.updated" ]; then
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.list.d" "$apt_dir/cache/archives/partial"
	cat > "$apt_dir/sources.list" <<SRC
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
SRC
	apt-get -q -o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" update >/dev/null
	touch "$apt_dir/.updated"
fi
apt_src() {
	(cd "$B/src" && apt-get -q -o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		source --download-only "$1=$2" >/dev/null)
}
for pv in ethtool:1:6.1-1 iproute2:6.1.0-3; do
	p=${pv%%:*}; v=${pv#*:}; uv=${v#*:}; uv=${uv%-*}
	if [ ! -d "$B/src/$p-$uv" ]; then
		ls "$B/src/${p}_$uv.orig.tar."* >/dev/null 2>&1 || apt_src "$p" "$v"
		tar -C "$B/src" -xf "$(ls "$B/src/${p}_$uv.orig.tar."* | grep -v '\.asc$' | head -1)"
	fi
done

{
	echo "linux-source-6.12 $kver"
	echo "ethtool $(ls "$B/src"/ethtool_*.dsc | sed 's/.*ethtool_//;s/\.dsc//') (upstream tarball ethtool-6.1)"
	echo "iproute2 $(ls "$B/src"/iproute2_*.dsc | sed 's/.*iproute2_//;s/\.dsc//') (upstream tarball iproute2-6.1.0)"
} > "$B/VERSIONS"
cat "$B/VERSIONS"
