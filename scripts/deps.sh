#!/bin/bash
# Install the Debian packages the build and the tests need, when missing.
# Idempotent: does nothing when everything is present.
set -euo pipefail

pkgs=(build-essential flex bison bc libelf-dev libssl-dev libmnl-dev
      pkg-config ccache sparse python3 python3-yaml python3-jsonschema
      xz-utils dpkg-dev libcap-dev libcap-ng-dev ethtool iproute2
      linux-source-6.12 clang llvm lld libclang-rt-14-dev valgrind
      codespell yamllint patch git rsync kmod libbpf-dev python3-matplotlib
      jq qemu-system-x86 meson ninja-build libglib2.0-dev libpixman-1-dev
      libfdt-dev busybox-static seabios)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
