#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# dev_fd_hold.py NAME QUEUES UID: create the multi-queue tap NAME with
# QUEUES queues (as root), grant the delegation of its configuration to
# the holders of its queues (TUNSETDELEGATE 1, as a VMM manager does before
# handing the fds; a kernel without it is told nothing), print "ready",
# then serve one command per line on stdin until EOF, when the device goes
# away:
#
#   delegate N          TUNSETDELEGATE N (0 revokes, 1 grants), as root;
#                       print "rc 0" or "rc -ERRNO"
#
#   run OUT SHELL-CMD   run SHELL-CMD with /bin/sh as UID (no
#                       capabilities, no supplementary groups) with the
#                       first queue's file on fd 3 and /dev/null on fd 4;
#                       its stdout and stderr go to the file OUT (opened
#                       here, as root); print "rc N"
#
# For ethtool --dev-fd tests: the unprivileged holder of a tap queue.

import fcntl
import os
import struct
import sys

TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_MULTI_QUEUE = 0x0100
TUNSETDELEGATE = 0x400454e4     # _IOW('T', 228, int)


def delegate(fd, on):
    try:
        fcntl.ioctl(fd, TUNSETDELEGATE, struct.pack("i", on))
        return 0
    except OSError as e:
        return -e.errno


def main():
    name, nq, uid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    queues = []
    for _ in range(nq):
        fd = os.open("/dev/net/tun", os.O_RDWR)
        ifr = struct.pack("16sH", name.encode(),
                          IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)
        fcntl.ioctl(fd, TUNSETIFF, ifr)
        queues.append(fd)
    delegate(queues[0], 1)
    print("ready", flush=True)

    for line in sys.stdin:
        words = line.rstrip("\n").split(" ", 2)
        if len(words) == 2 and words[0] == "delegate":
            print("rc %d" % delegate(queues[0], int(words[1])), flush=True)
            continue
        if len(words) != 3 or words[0] != "run":
            print("error bad command", flush=True)
            continue
        out = os.open(words[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                      0o644)
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(out, 1)
                os.dup2(out, 2)
                os.dup2(queues[0], 3)
                null = os.open("/dev/null", os.O_RDONLY)
                os.dup2(null, 4)
                os.set_inheritable(3, True)
                os.set_inheritable(4, True)
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                os.execv("/bin/sh", ["sh", "-c", words[2]])
            finally:
                os._exit(127)
        os.close(out)
        _, status = os.waitpid(pid, 0)
        print("rc %d" % os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__":
    main()
