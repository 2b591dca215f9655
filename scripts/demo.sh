#!/bin/bash
# make demo: boot the patched kernel and show RSS at work on a 4-queue tap,
# then the VMM client (vmm_client.c): an unprivileged process holding the
# queue fds configures RSS, a context, a rule and the hash report through
# delegation, which the tap's owner granted first (TUNSETDELEGATE), and
# reads the frames with their hash (again from a new user and network
# namespace).
# Assumes `make kernel tools` ran.  Runs the demo program from the
# selftests build (tools/testing/selftests/drivers/net/tun_rss/rss_demo)
# with the built ethtool first on PATH.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
"$top/scripts/selftests-build.sh" >/dev/null
echo "demo: ethtool $("$B/tools/sbin/ethtool" --version | awk '{print $3}') from build/tools, kernel $(cat "$B/kbuild-um/include/config/kernel.release")"
exec "$top/scripts/vm.sh" -t 300 -- \
	"export PATH=$B/tools/sbin:\$PATH; cd $B/kselftest/drivers/net/tun_rss && ./rss_demo && ./vmm_client && ./vmm_client --userns --queues 8 --quiet"
