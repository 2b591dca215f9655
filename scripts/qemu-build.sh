#!/bin/bash
# make qemu: bookworm's QEMU 7.2 with qemu-patches/ applied, a minimal
# x86_64 system emulator (TCG and KVM, i440fx, virtio-net-pci, vhost-net)
# built into build/qemu/obj; the host's QEMU is never touched.
#
#   build/qemu/src   the source: a git repository, commit "base" = Debian's
#                    source, then qemu-patches/*.patch applied with git am
#   build/qemu/obj   the build; the binary is obj/qemu-system-x86_64
#
# Re-running rebuilds incrementally; the source is re-patched only when
# qemu-patches/ changed (only the files the patches touch get new mtimes).
# Exit status 3 when the source cannot be fetched (callers skip).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${QEMU_BUILD_DIR:-$top/build}
Q=$B/qemu
JOBS=${JOBS:-$(nproc)}

"$top/scripts/fetch-qemu.sh" source || exit $?
pristine=$(ls -d "$B"/src/qemu-7.2*/ | head -1)
mkdir -p "$Q"

if [ ! -e "$Q/src/.git/refs/tags/base" ]; then
	echo "qemu: copying $(cat "$B/src/qemu.version")"
	rm -rf "$Q/src"
	cp -a "$pristine" "$Q/src"
	rm -rf "$Q/src/debian"
	# The device set of the test VMs: i440fx and virtio-net-pci only.
	printf 'CONFIG_I440FX=y\nCONFIG_VIRTIO_PCI=y\nCONFIG_VIRTIO_NET=y\n' \
		> "$Q/src/configs/devices/x86_64-softmmu/tunrss.mak"
	(cd "$Q/src" && git init -q && git config gc.auto 0 && git add -A -f . &&
	 git -c user.name=base -c user.email=base@localhost \
		commit -q -m "$(cat "$B/src/qemu.version")" && git tag base)
fi

want=$({ cat "$top"/qemu-patches/*.patch 2>/dev/null || true; } | sha1sum | cut -d" " -f1)
have=$(cat "$Q/.patched" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	echo "qemu: applying qemu-patches/"
	(cd "$Q/src" && { git am --abort >/dev/null 2>&1 || true; } &&
	 git reset -q --hard base &&
	 for p in "$top"/qemu-patches/*.patch; do
		[ -e "$p" ] || continue
		git -c user.name=tunrss -c user.email=tunrss@localhost \
			am -q --keep-cr "$p" || { echo "qemu: $p does not apply" >&2; exit 1; }
	 done)
	echo "$want" > "$Q/.patched"
fi

if [ ! -e "$Q/obj/build.ninja" ]; then
	echo "qemu: configuring"
	mkdir -p "$Q/obj"
	(cd "$Q/obj" && "$Q/src/configure" --target-list=x86_64-softmmu \
		--without-default-features --without-default-devices \
		--with-devices-x86_64=tunrss --meson=/usr/bin/meson \
		--enable-tcg --enable-kvm --enable-vhost-net --enable-vhost-kernel \
		--enable-fdt=system --disable-docs --disable-werror \
		--cc="ccache gcc" --host-cc=gcc \
		--prefix="$Q/install" > "$Q/configure.log" 2>&1) ||
		{ tail -n 30 "$Q/configure.log" >&2; exit 1; }
fi
echo "qemu: building into $Q/obj"
ninja -C "$Q/obj" -j "$JOBS" qemu-system-x86_64 > "$Q/build.log" 2>&1 ||
	{ grep -E -B2 -A8 'error|FAILED' "$Q/build.log" | head -n 60 >&2; exit 1; }
echo "qemu: $Q/obj/qemu-system-x86_64"
