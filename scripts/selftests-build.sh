#!/bin/bash
# Build and install the kselftests into build/kselftest: the project's
# drivers/net/tun_rss target through the standard kselftest install, plus
# the base tree's net/tun test as a no-regression guard.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
TREE=$B/linux
KS=$B/kselftest
"$top/scripts/uapi.sh"
KHDR="-isystem $B/uapi/include"
rm -rf "$KS"
make -s -C "$TREE/tools/testing/selftests" TARGETS="drivers/net/tun_rss" \
	KHDR_INCLUDES="$KHDR" O="$B/selftests" KSFT_INSTALL_PATH="$KS" install
mkdir -p "$KS/net"
gcc -O2 -Wall $KHDR -I"$TREE/tools/testing/selftests" \
	-o "$KS/net/tun" "$TREE/tools/testing/selftests/net/tun.c"
echo "net:tun" >> "$KS/kselftest-list.txt"
