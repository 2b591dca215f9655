#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# genl_ops.py [FAMILY]: print the command numbers the kernel's generic
# netlink FAMILY (default: ethtool) offers, space separated, from
# CTRL_CMD_GETFAMILY; nothing when the family does not exist.

import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_OPS = 6
CTRL_ATTR_OP_ID = 1
NLM_F_REQUEST = 1
NLMSG_ERROR = 2


def attrs(buf):
    while len(buf) >= 4:
        ln, ty = struct.unpack("HH", buf[:4])
        if ln < 4:
            break
        yield ty & 0x3fff, buf[4:ln]
        buf = buf[(ln + 3) & ~3:]


def main():
    name = (sys.argv[1] if len(sys.argv) > 1 else "ethtool").encode() + b"\0"
    attr = struct.pack("HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b"\0" * ((4 - len(attr) % 4) % 4)
    payload = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.send(struct.pack("IHHII", 16 + len(payload), GENL_ID_CTRL,
                       NLM_F_REQUEST, 1, 0) + payload)
    data = s.recv(65536)
    if struct.unpack("H", data[4:6])[0] == NLMSG_ERROR:
        return
    ops = []
    for ty, val in attrs(data[20:]):
        if ty == CTRL_ATTR_OPS:
            for _, op in attrs(val):
                for oty, oval in attrs(op):
                    if oty == CTRL_ATTR_OP_ID:
                        ops.append(struct.unpack("I", oval)[0])
    print(" ".join(map(str, ops)))


if __name__ == "__main__":
    main()
