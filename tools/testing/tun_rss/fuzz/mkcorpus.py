#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpora of the tun RSS fuzz targets.

usage: mkcorpus.py [DIR]    (default: corpus/ next to this script)

Writes DIR/fuzz_parse/, DIR/fuzz_cls/ and DIR/fuzz_config/, one file per
seed, named after what it holds.  The input formats are described at the
top of fuzz_parse.c, fuzz_cls.c, fuzz_config.c and in fuzz.h; the seeds
are real frames (Ethernet, VLAN, QinQ, IPv4 with options and fragments,
IPv6 with extension headers and fragments, truncated ones) and small
rule sets, so that the fuzzer starts from the shapes that matter.  Files
of the same name are overwritten; any other file (a reproducer added
after a finding) is left alone.
"""
import os
import struct
import sys

# ---- frames ----------------------------------------------------------------

MAC_A = bytes.fromhex('525400123456')
MAC_B = bytes.fromhex('525400abcdef')
IP4_A = bytes([192, 168, 1, 10])
IP4_B = bytes([10, 1, 2, 3])
IP6_A = bytes.fromhex('fd000000000000000000000000000001')
IP6_B = bytes.fromhex('20010db8000000000000000000000042')

ETH_IP, ETH_IPV6, ETH_ARP = 0x0800, 0x86dd, 0x0806
ETH_8021Q, ETH_8021AD = 0x8100, 0x88a8
TCP, UDP, SCTP, ICMP, AH, ESP = 6, 17, 132, 1, 51, 50
HOPOPTS, ROUTING, FRAGMENT, DSTOPTS, NONE = 0, 43, 44, 60, 59


def eth(proto, dst=MAC_B, src=MAC_A):
    return dst + src + struct.pack('!H', proto)


def vlan(tci, proto):
    return struct.pack('!HH', tci, proto)


def tcp(sport, dport, payload=b''):
    # ports, seq, ack, data offset 5, SYN, window, checksum, urgent
    return struct.pack('!HHIIBBHHH', sport, dport, 1, 0, 0x50, 0x02,
                       65535, 0, 0) + payload


def udp(sport, dport, payload=b''):
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload


def sctp(sport, dport):
    return struct.pack('!HHII', sport, dport, 0x1234, 0)


def ah(nh, spi):
    # next header, payload length, reserved, SPI, sequence, 4-byte ICV
    return struct.pack('!BBHII', nh, 2, 0, spi, 1) + bytes(4)


def esp(spi):
    return struct.pack('!II', spi, 1) + bytes(8)


def ipv4(proto, payload, src=IP4_A, dst=IP4_B, tos=0, frag=0, options=b'',
         tot_len=None, ihl=None):
    hl = 20 + len(options)
    if ihl is None:
        ihl = hl // 4
    if tot_len is None:
        tot_len = hl + len(payload)
    return struct.pack('!BBHHHBBH', 0x40 | ihl, tos, tot_len, 0x1c46, frag,
                       64, proto, 0) + src + dst + options + payload


def ipv6(nh, payload, src=IP6_A, dst=IP6_B, tclass=0, flow=0, plen=None):
    if plen is None:
        plen = len(payload)
    word = 6 << 28 | tclass << 20 | flow
    return struct.pack('!IHBB', word, plen, nh, 64) + src + dst + payload


def ext6(nh, units=0):
    """An options-format extension header of (units + 1) * 8 bytes."""
    body = bytes([1, 4 + 8 * units]) + bytes(4 + 8 * units)  # PadN
    return bytes([nh, units]) + body


def frag6(nh, offset=0, more=False, ident=0x1234):
    return struct.pack('!BBHI', nh, 0, offset << 3 | more, ident)


# ---- fuzz_parse --------------------------------------------------------------

L2, PROTO_IP6, PROTO_AUTO, PROTO_RAW = 0x01, 0x02, 0x04, 0x06
SYM_XOR, WIDE_INDIR = 0x08, 0x10
FIELDS_DEFAULT = 0
# 2 bits per flow type: 1 none, 2 sd, 3 sdfn
FIELDS_ALL_SD = sum(2 << (2 * i) for i in range(10))
FIELDS_ALL_SDFN = sum(3 << (2 * i) for i in range(10))


def parse_seed(mode, frame, nqueues=4, fields=FIELDS_DEFAULT, key=0,
               proto=0):
    return (bytes([mode, nqueues]) + fields.to_bytes(3, 'little') +
            bytes([key]) + struct.pack('!H', proto) + frame)


def parse_seeds():
    tcp4 = ipv4(TCP, tcp(40000, 80))
    udp6 = ipv6(UDP, udp(5353, 53, b'query'))
    s = {}
    s['eth-ipv4-tcp'] = parse_seed(L2, eth(ETH_IP) + tcp4)
    s['eth-ipv4-udp'] = parse_seed(L2, eth(ETH_IP) +
                                   ipv4(UDP, udp(1234, 53, b'abc')))
    s['eth-ipv4-sctp'] = parse_seed(L2, eth(ETH_IP) +
                                    ipv4(SCTP, sctp(2905, 2905)))
    s['eth-ipv4-icmp'] = parse_seed(L2, eth(ETH_IP) +
                                    ipv4(ICMP, bytes([8, 0, 0, 0, 0, 1, 0, 1])))
    s['eth-ipv4-ah-tcp'] = parse_seed(L2, eth(ETH_IP) +
                                      ipv4(AH, ah(TCP, 0x1001) + tcp(1, 2)))
    s['eth-ipv4-esp'] = parse_seed(L2, eth(ETH_IP) + ipv4(ESP, esp(0x2002)))
    s['eth-ipv4-options-tcp'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(TCP, tcp(22, 50000), options=bytes(
            [0x94, 4, 0, 0, 1, 1, 1, 0])))          # router alert, NOPs
    s['eth-ipv4-frag-first'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(UDP, udp(1000, 2000, bytes(32)), frag=0x2000))
    s['eth-ipv4-frag-later'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(UDP, bytes(24), frag=0x0003))
    s['eth-ipv4-padded'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(UDP, udp(7, 7)) + bytes(18))
    s['eth-ipv4-totlen-short'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(TCP, tcp(1, 2), tot_len=22))
    s['eth-ipv4-bad-ihl'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(TCP, tcp(1, 2), ihl=4))
    s['eth-vlan-ipv4-tcp'] = parse_seed(
        L2, eth(ETH_8021Q) + vlan(0x2064, ETH_IP) + tcp4)
    s['eth-qinq-ipv6-udp'] = parse_seed(
        L2, eth(ETH_8021AD) + vlan(0x0064, ETH_8021Q) + vlan(0x00c8, ETH_IPV6) +
        udp6)
    s['eth-3tags'] = parse_seed(
        L2, eth(ETH_8021AD) + vlan(1, ETH_8021Q) + vlan(2, ETH_8021Q) +
        vlan(3, ETH_IP) + tcp4)
    s['eth-ipv6-tcp'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(TCP, tcp(443, 51000), tclass=0xb8, flow=0xbeef))
    s['eth-ipv6-udp'] = parse_seed(L2, eth(ETH_IPV6) + udp6)
    s['eth-ipv6-sctp'] = parse_seed(L2, eth(ETH_IPV6) +
                                    ipv6(SCTP, sctp(36412, 36412)))
    s['eth-ipv6-ext-udp'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(HOPOPTS, ext6(ROUTING) + ext6(DSTOPTS, 1) +
                                 ext6(UDP) + udp(1, 2)))
    s['eth-ipv6-9ext'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(DSTOPTS, b''.join(ext6(DSTOPTS)
                                                   for _ in range(8)) +
                                 ext6(TCP) + tcp(1, 2)))
    s['eth-ipv6-frag-first'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(FRAGMENT, frag6(UDP, 0, True) +
                                 udp(1000, 2000, bytes(16))))
    s['eth-ipv6-ext-frag-later'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(HOPOPTS, ext6(FRAGMENT) +
                                 frag6(TCP, 185, False) + bytes(16)))
    s['eth-ipv6-ah-esp'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(DSTOPTS, ext6(AH) + ah(ESP, 7) + esp(8)))
    s['eth-ipv6-nonext'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(NONE, bytes(8)))
    s['eth-ipv6-jumbo'] = parse_seed(
        L2, eth(ETH_IPV6) + ipv6(TCP, tcp(5, 6), plen=0))
    s['eth-arp'] = parse_seed(
        L2, eth(ETH_ARP, dst=b'\xff' * 6) +
        bytes.fromhex('0001080006040001') + MAC_A + IP4_A + bytes(6) + IP4_B)
    s['eth-long-ipv4-tcp'] = parse_seed(
        L2, eth(ETH_IP) + ipv4(TCP, tcp(8080, 9090, bytes(range(256)))))
    # Truncated: inside Ethernet, a tag, the IP header, the ports, an
    # extension header.
    s['trunc-eth'] = parse_seed(L2, eth(ETH_IP)[:10])
    s['trunc-vlan'] = parse_seed(L2, eth(ETH_8021Q) + vlan(5, ETH_IP)[:2])
    s['trunc-ipv4'] = parse_seed(L2, (eth(ETH_IP) + tcp4)[:30])
    s['trunc-ipv4-ports'] = parse_seed(L2, (eth(ETH_IP) + tcp4)[:36])
    s['trunc-ipv6-ext'] = parse_seed(
        L2, (eth(ETH_IPV6) + ipv6(HOPOPTS, ext6(TCP, 2) + tcp(1, 2)))[:70])
    s['trunc-ipv6-frag'] = parse_seed(
        L2, (eth(ETH_IPV6) + ipv6(FRAGMENT, frag6(UDP) + udp(1, 2)))[:58])
    # tun frames, at L3
    s['tun-ipv4-udp'] = parse_seed(0, ipv4(UDP, udp(4789, 4789, bytes(8))))
    s['tun-ipv6-tcp'] = parse_seed(PROTO_IP6, ipv6(TCP, tcp(1234, 80)))
    s['tun-auto-ipv6'] = parse_seed(PROTO_AUTO, udp6)
    s['tun-raw-proto'] = parse_seed(PROTO_RAW, tcp4, proto=ETH_IP)
    # Contexts: every field set, the symmetric transform, folding
    s['cfg-sd-symxor'] = parse_seed(L2 | SYM_XOR, eth(ETH_IP) + tcp4,
                                    fields=FIELDS_ALL_SD, key=0x5a)
    s['cfg-sdfn-wide-indir'] = parse_seed(
        L2 | SYM_XOR | WIDE_INDIR, eth(ETH_IPV6) + ipv6(UDP, udp(1, 2)),
        nqueues=3, fields=FIELDS_ALL_SDFN, key=0xa7)
    s['cfg-nofields-noqueues'] = parse_seed(
        L2, eth(ETH_IP) + tcp4, nqueues=0, fields=0x55555)
    return s


# ---- flow specs (fuzz.h) ---------------------------------------------------

TYPES = ['tcp4', 'udp4', 'sctp4', 'ip4', 'tcp6', 'udp6', 'sctp6', 'ip6',
         'ether', 'ah_esp4', 'esp6', 'raw']
LEN = {'tcp4': 13, 'udp4': 13, 'sctp4': 13, 'ip4': 15, 'tcp6': 37,
       'udp6': 37, 'sctp6': 37, 'ip6': 38, 'ether': 14, 'ah_esp4': 13,
       'esp6': 37, 'raw': 52}
EXT, MAC_EXT, RSS, LIKE_PREV = 0x10, 0x20, 0x40, 0x80
DISC, WAKE = 'disc', 'wake'
MASK_NONE, MASK_BITMAP, MASK_RAW, MASK_ALL = 0, 1, 2, 3
SPILL, KEEP_IP_VER, VLAN_ETYPE, USER_DATA = 0x04, 0x08, 0x10, 0x20


def tcpip4(src=bytes(4), dst=bytes(4), psrc=0, pdst=0, tos=0):
    return src + dst + struct.pack('!HHB', psrc, pdst, tos)


def usrip4(src=bytes(4), dst=bytes(4), l4=0, tos=0, proto=0):
    return src + dst + struct.pack('!IBBB', l4, tos, 1, proto)


def tcpip6(src=bytes(16), dst=bytes(16), psrc=0, pdst=0, tclass=0):
    return src + dst + struct.pack('!HHB', psrc, pdst, tclass)


def usrip6(src=bytes(16), dst=bytes(16), l4=0, tclass=0, proto=0):
    return src + dst + struct.pack('!IBB', l4, tclass, proto)


def ether(dst=bytes(6), src=bytes(6), proto=0):
    return dst + src + struct.pack('!H', proto)


def loc_bytes(loc):
    return bytes([loc]) if loc < 0xff else b'\xff' + struct.pack('<I', loc)


def cookie_bytes(cookie):
    if cookie == DISC:
        return b'\xff'
    if cookie == WAKE:
        return b'\xfe'
    if cookie < 0xfd:
        return bytes([cookie])
    return b'\xfd' + struct.pack('<Q', cookie)


def spec(ftype, loc, cookie, value, mask, flags=0, mode=MASK_RAW,
         vlan=None, mac=None, spill=None, raw_type=None):
    """A record: mask is the flow-union mask bytes (MASK_RAW), vlan and mac
    are (value, mask) pairs of FLOW_EXT vlan_tci and FLOW_MAC_EXT h_dest,
    spill is (offset, byte) of a mask byte past the type's fields."""
    n = LEN[ftype]
    op = TYPES.index(ftype) | flags
    op |= (EXT if vlan else 0) | (MAC_EXT if mac else 0)
    b = bytes([op])
    if raw_type is not None:
        b += struct.pack('<I', raw_type)
    b += loc_bytes(loc) + cookie_bytes(cookie)
    b += bytes([mode | (SPILL if spill else 0)])
    if mode & 3 == MASK_RAW:
        b += mask.ljust(n, b'\0')[:n]
    elif mode & 3 == MASK_BITMAP:
        b += mask
    if spill:
        b += bytes(spill)
    if vlan:
        b += struct.pack('!H', vlan[1])
        if mode & VLAN_ETYPE:
            b += b'\x00\x81'
        if mode & USER_DATA:
            b += bytes(7) + b'\x01'
    if mac:
        b += mac[1]
    b += value.ljust(n, b'\0')[:n]
    if vlan:
        b += struct.pack('!H', vlan[0])
    if mac:
        b += mac[0]
    return b


def like_prev(ftype, loc, cookie, offset, xor, flags=0):
    """The previous spec's masks and values, one value byte XORed."""
    return (bytes([TYPES.index(ftype) | flags | LIKE_PREV]) + loc_bytes(loc) +
            cookie_bytes(cookie) + bytes([offset, xor]))


FF4 = b'\xff' * 4
FF16 = b'\xff' * 16
PORT = b'\xff\xff'

# ---- fuzz_cls ----------------------------------------------------------------


def cls_seed(rules, lookups, flags=0, seed=0x12345678):
    return (bytes([flags]) + struct.pack('<I', seed) + bytes([len(rules)]) +
            b''.join(rules) + b''.join(lookups))


def near(rule, noise=0, flip=None):
    if flip is None:
        return bytes([0, rule, noise])
    return bytes([4, rule, noise]) + struct.pack('<H', flip)


def frame_key(frame, l2=True, v6=False):
    return bytes([2 | (4 if l2 else 0) | (8 if v6 else 0), len(frame)]) + frame


def cls_seeds():
    s = {}
    tcp80 = eth(ETH_IP) + ipv4(TCP, tcp(40000, 80))
    dns = eth(ETH_IP) + ipv4(UDP, udp(1234, 53, b'q'))
    arp = eth(ETH_ARP) + bytes(28)
    v6 = eth(ETH_IPV6) + ipv6(TCP, tcp(1, 443))
    tagged = eth(ETH_8021Q) + vlan(0x0064, ETH_IP) + ipv4(TCP, tcp(9, 80))
    frames = [frame_key(f) for f in (tcp80, dns, arp, v6, tagged)]

    # rss_demo's rules: a port to a queue, a subnet to a context, a drop
    demo = [
        spec('tcp4', 1, 2, tcpip4(pdst=80), tcpip4(pdst=0xffff)),
        spec('ip4', 2, 1, usrip4(dst=bytes([10, 0, 0, 0])),
             usrip4(dst=bytes([255, 0, 0, 0])), flags=RSS),
        spec('ether', 0, DISC, ether(proto=ETH_ARP), ether(proto=0xffff)),
        spec('udp4', 3, 3, tcpip4(pdst=53), tcpip4(pdst=0xffff)),
    ]
    demo_lookups = frames + [near(0), near(1, 7), near(2, 9, flip=100),
                             near(3, 1)]
    s['port-subnet-drop'] = cls_seed(demo, demo_lookups)
    # The build's first, then second allocation fails.
    s['oom-first'] = cls_seed(demo, demo_lookups, flags=2)
    s['oom-second'] = cls_seed(demo, demo_lookups, flags=4)

    # One mask, many keys (one group), duplicates at other locations
    rules = [spec('tcp4', 40, 1, tcpip4(pdst=1000), tcpip4(pdst=0xffff))]
    for i in range(1, 12):
        rules.append(like_prev('tcp4', 40 - 3 * i, i % 4, 11, i))
    rules.append(like_prev('tcp4', 2, 0, 0, 0x55))   # outside the mask
    s['one-mask-many-keys'] = cls_seed(rules, [near(i, i) for i in
                                               range(len(rules))] + frames)

    # Broad rules at low locations, narrow ones above, and the reverse
    s['overlap'] = cls_seed([
        spec('ip4', 10, 1, usrip4(), usrip4(), mode=MASK_NONE),
        spec('tcp4', 3, 2, tcpip4(dst=IP4_B, pdst=80),
             tcpip4(dst=FF4, pdst=0xffff)),
        spec('ether', 0xfffffff0, 3, ether(), ether(), mode=MASK_NONE),
        spec('tcp6', 7, 0, tcpip6(dst=IP6_B, pdst=443),
             tcpip6(dst=FF16[:8], pdst=0xffff)),
        spec('ip6', 8, 5, usrip6(proto=TCP), usrip6(proto=0xff)),
        spec('udp6', 20, 4, tcpip6(src=IP6_A), tcpip6(src=FF16)),
    ], frames + [near(i, 3 * i) for i in range(6)] +
        [bytes([1]) + bytes(60), bytes([3]), bytes([7, 0x42])])

    # FLOW_EXT (outer TCI) and FLOW_MAC_EXT (destination MAC)
    s['vlan-mac'] = cls_seed([
        spec('tcp4', 5, 1, tcpip4(pdst=80), tcpip4(pdst=0xffff),
             vlan=(0x0064, 0x0fff)),
        spec('ether', 6, 2, ether(proto=ETH_IP), ether(proto=0xffff),
             mac=(MAC_B, b'\xff' * 6)),
        spec('ether', 4, DISC, ether(dst=MAC_B), ether(dst=b'\xff' * 6),
             mac=(MAC_B, b'\xff\xff\xff\x00\x00\x00')),
        spec('ip6', 9, 3, usrip6(l4=0x01bb0001), usrip6(l4=0xffffffff),
             vlan=(0, 0xffff)),
    ], frames + [near(i, i) for i in range(4)])

    # Refused specs among accepted ones; a taken location
    s['refused-mixed'] = cls_seed([
        spec('ah_esp4', 1, 1, bytes(13), FF4),
        spec('tcp4', 2, 1, tcpip4(), tcpip4(), spill=(3, 0x80)),
        spec('ip4', 3, 1, usrip4(), usrip4(), mode=MASK_RAW | KEEP_IP_VER),
        spec('udp4', 4, WAKE, tcpip4(), tcpip4(pdst=0xffff)),
        spec('udp4', 5, 7 << 32 | 1, tcpip4(), tcpip4(pdst=0xffff)),
        spec('tcp4', 6, 1, tcpip4(psrc=1), tcpip4(psrc=0xffff),
             mode=MASK_RAW | VLAN_ETYPE, vlan=(0, 0)),
        spec('udp4', 7, 1, tcpip4(pdst=53), tcpip4(pdst=0xffff)),
        spec('tcp4', 7, 2, tcpip4(pdst=80), tcpip4(pdst=0xffff)),
        spec('raw', 8, 1, bytes(52), bytes(52), raw_type=0x12),
    ], frames + [near(0), near(1)])

    # Everything masked, keys garbled outside their masks before the build
    s['full-masks-garbled'] = cls_seed([
        spec('tcp6', 1, 1, tcpip6(IP6_A, IP6_B, 1, 443, 0), b'',
             mode=MASK_ALL),
        spec('ether', 2, 2, ether(MAC_B, MAC_A, ETH_IPV6), b'',
             mode=MASK_ALL),
        spec('ip4', 3, 3, usrip4(IP4_A, IP4_B, 0x9c400050, 0, TCP),
             bytes([0xff, 0x0f]), mode=MASK_BITMAP),
    ], frames + [near(i, 5 + i) for i in range(3)], flags=1)

    s['no-rules'] = cls_seed([], frames + [bytes([3]), bytes([1]) +
                                           bytes(range(60))])
    return s


# ---- fuzz_config ------------------------------------------------------------

def op_fields(ft, fields):
    if fields & ~0xfe or fields & 1:
        return bytes([0, ft & 0xff, 0x80]) + struct.pack('<Q', fields)
    return bytes([0, ft & 0xff, fields >> 1])


def op_flow_type(t, flags=0):
    if t >= 0x1f:
        return bytes([1, 0x1f | flags]) + struct.pack('<I', t)
    return bytes([1, t | flags])


def op_rule(record, ctx=0, flip=0):
    return bytes([2]) + record + bytes([ctx]) + struct.pack('<H', flip)


def op_key(key, data, nqueues, hash_):
    return (bytes([3]) + key + bytes([len(data)]) + data +
            struct.pack('<HI', nqueues, hash_))


MS_KEY = bytes.fromhex('6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b4'
                       '77cb2da38030f20c6a42b73bbeac01fa')
SD, SDFN = 0x30, 0xf0


def config_seeds():
    s = {}
    s['fields'] = b''.join(
        op_fields(ft, f) for ft in range(-1, 11)
        for f in (0, SD, SDFN, 0x10, 0x70, 0x0e)) + \
        op_fields(0, 1 << 31 | SD) + op_fields(127, SD)
    s['flow-types'] = b''.join(op_flow_type(t, fl) for t in range(0x1f)
                               for fl in (0, 0x20)) + \
        op_flow_type(0x80000001) + op_flow_type(0x7fffffff)
    s['rules-accepted'] = b''.join([
        op_rule(spec('tcp4', 1, 2, tcpip4(IP4_A, IP4_B, 1, 80, 0x10),
                     b'', mode=MASK_ALL), flip=64),
        op_rule(spec('udp4', 2, 3, tcpip4(pdst=53), tcpip4(pdst=0xffff)),
                flip=85),
        op_rule(spec('sctp4', 3, 1, tcpip4(), bytes([0xff, 0xff, 0xff, 0]),
                     mode=MASK_RAW), flip=3),
        op_rule(spec('ip4', 4, 5, usrip4(dst=IP4_B, proto=ESP, l4=0x2002),
                     usrip4(dst=FF4, l4=0xffffffff, proto=0xff)), ctx=7,
                flip=70),
        op_rule(spec('tcp6', 5, 1, tcpip6(IP6_A, IP6_B, 5, 6, 7), b'',
                     mode=MASK_ALL, flags=RSS), ctx=9, flip=200),
        op_rule(spec('udp6', 6, 1, tcpip6(dst=IP6_B), tcpip6(dst=FF16))),
        op_rule(spec('sctp6', 7, 1, tcpip6(psrc=2905), tcpip6(psrc=0xffff))),
        op_rule(spec('ip6', 8, DISC, usrip6(src=IP6_A, tclass=0xb8),
                     usrip6(src=FF16[:6], tclass=0xfc))),
        op_rule(spec('ether', 9, 4, ether(MAC_B, MAC_A, ETH_IP),
                     ether(b'\xff' * 6, proto=0xffff),
                     mac=(MAC_B, b'\xff' * 6), vlan=(0x2064, 0xefff)),
                flip=290),
        op_rule(like_prev('ether', 10, 4, 0, 0x01, flags=MAC_EXT)),
    ])
    s['rules-refused'] = b''.join([
        op_rule(spec('ah_esp4', 1, 1, bytes(13), FF4)),
        op_rule(spec('esp6', 1, 1, bytes(37), FF16)),
        op_rule(spec('tcp4', 1, 1, tcpip4(), tcpip4(), spill=(0, 0x80))),
        op_rule(spec('ip6', 1, 1, usrip6(), usrip6(), spill=(5, 1))),
        op_rule(spec('ip4', 1, 1, usrip4(), usrip4(),
                     mode=MASK_RAW | KEEP_IP_VER)),
        op_rule(spec('udp4', 1, WAKE, tcpip4(), tcpip4(pdst=0xffff))),
        op_rule(spec('udp4', 1, DISC, tcpip4(), tcpip4(pdst=0xffff),
                     flags=RSS)),
        op_rule(spec('udp4', 1, 3 << 32 | 1, tcpip4(), tcpip4(pdst=0xffff))),
        op_rule(spec('udp4', 1, 1 << 40 | 1, tcpip4(), tcpip4(pdst=0xffff))),
        op_rule(spec('tcp4', 1, 1, tcpip4(), tcpip4(pdst=0xffff),
                     mode=MASK_RAW | VLAN_ETYPE, vlan=(0, 0))),
        op_rule(spec('tcp4', 1, 1, tcpip4(), tcpip4(pdst=0xffff),
                     mode=MASK_RAW | USER_DATA, vlan=(0, 0))),
        op_rule(spec('ether', 1, 1, ether(dst=MAC_A), ether(dst=FF4 + PORT),
                     mac=(MAC_B, b'\xff' * 6))),
        op_rule(spec('raw', 1, 1, bytes(52), bytes(52), raw_type=0x18)),
    ])
    s['keys-tables'] = b''.join([
        op_key(MS_KEY, IP4_A + IP4_B, 4, 0x12345678),
        op_key(MS_KEY, IP4_A + IP4_B + struct.pack('!HH', 2794, 1766), 3, 0),
        op_key(MS_KEY, IP6_A + IP6_B, 0, 0xffffffff),
        op_key(MS_KEY, IP6_A + IP6_B + struct.pack('!HH', 1, 2), 65535, 7),
        op_key(bytes(40), b'', 1, 1),
        op_key(b'\xff' * 40, bytes(range(37)), 2, 3),
        op_key(bytes(range(40)), bytes(255), 128, 0x80),
    ])
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')
    for target, seeds in (('fuzz_parse', parse_seeds()),
                          ('fuzz_cls', cls_seeds()),
                          ('fuzz_config', config_seeds())):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(seeds.items()):
            with open(os.path.join(d, name), 'wb') as f:
                f.write(data)
        print(f'{target}: {len(seeds)} seeds in {d}')


if __name__ == '__main__':
    main()
