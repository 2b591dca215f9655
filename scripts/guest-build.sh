#!/bin/bash
# The e2e guest: Debian's 6.12 cloud kernel (bookworm security updates) and
# a busybox initramfs with its virtio_net modules, ethtool and rxq.
#   build/guest/vmlinuz         the kernel
#   build/guest/initramfs.gz    the initramfs
# Exit status 3 when something cannot be had (callers skip).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
G=$B/guest
E=$top/tools/testing/qemu-e2e

"$top/scripts/fetch-qemu.sh" guest >/dev/null || exit $?
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static ||
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
	{ echo "guest: SKIP: no static busybox (busybox-static)" >&2; exit 3; }
deb=$(ls "$G"/deb/linux-image-6.12*.deb | head -1)
stamp="$deb $(sha1sum "$E"/rxq.c "$E"/guest-init.sh | cut -d' ' -f1 | tr '\n' ' ')"
[ -f "$G/initramfs.gz" ] && [ "$(cat "$G/.stamp" 2>/dev/null)" = "$stamp" ] && exit 0

rm -rf "$G/x" "$G/root"
mkdir -p "$G/x" "$G/root"/{bin,sbin,lib/modules,proc,sys,dev,lib64}
dpkg-deb -x "$deb" "$G/x"
cp "$G"/x/boot/vmlinuz-* "$G/vmlinuz"
for m in failover net_failover virtio_net; do
	f=$(find "$G/x/lib/modules" -name "$m.ko*" | head -1)
	case $f in
	*.xz)	xz -dc "$f" > "$G/root/lib/modules/$m.ko" ;;
	*)	cp "$f" "$G/root/lib/modules/$m.ko" ;;
	esac
done
cp /bin/busybox "$G/root/bin/busybox"
ln -s busybox "$G/root/bin/sh"
gcc -static -O2 -Wall -Wextra -o "$G/root/bin/rxq" "$E/rxq.c"
# ethtool from the host (bookworm's 6.1) with the libraries it needs
cp /usr/sbin/ethtool "$G/root/bin/ethtool"
for l in $(ldd /usr/sbin/ethtool | grep -o '/[^ ]*'); do
	mkdir -p "$G/root$(dirname "$l")"
	cp -L "$l" "$G/root$l"
done
cp "$E/guest-init.sh" "$G/root/init"
chmod +x "$G/root/init"
(cd "$G/root" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 > "$G/initramfs.gz"
rm -rf "$G/x"
echo "$stamp" > "$G/.stamp"
echo "guest: $G/vmlinuz $G/initramfs.gz ($(du -k "$G/initramfs.gz" | cut -f1) KiB)"
