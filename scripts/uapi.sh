#!/bin/bash
# Export the assembled tree's UAPI headers (x86_64) to build/uapi for the
# userspace tests; re-run only when a header under include/uapi changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
stamp=$B/uapi/.stamp
if [ -f "$stamp" ] && [ -z "$(find "$B/linux/include/uapi" "$B/linux/arch/x86/include/uapi" -newer "$stamp" -print -quit)" ]; then
	exit 0
fi
make -s -C "$B/linux" O="$B/uapi-obj" ARCH=x86_64 headers_install INSTALL_HDR_PATH="$B/uapi"
touch "$stamp"
