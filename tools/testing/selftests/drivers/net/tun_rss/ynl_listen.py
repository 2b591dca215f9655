#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl_listen.py CLI SPEC GROUP: join GROUP of the family in SPEC, print
# "ready" once joined, and on SIGTERM print the notifications received
# so far as one JSON list and exit.  Unlike cli.py --sleep, nothing is
# lost to a slow machine: the socket queues whatever arrives until told
# to stop.

import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
from lib import YnlFamily  # noqa: E402


def hexify(obj):
    if isinstance(obj, bytes):
        return obj.hex()
    if isinstance(obj, set):
        return list(obj)
    raise TypeError(type(obj))


def main():
    # Blocked before "ready", so a SIGTERM sent any time after it waits
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    ynl = YnlFamily(sys.argv[2], '')
    ynl.ntf_subscribe(sys.argv[3])
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM})
    ynl.check_ntf()
    print(json.dumps(ynl.async_msg_queue, default=hexify), flush=True)


if __name__ == "__main__":
    main()
