#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""QEMU end to end: a guest's virtio-net RSS served by the tap (TAP output).

Runs inside the patched kernel (scripts/e2e.sh).  The privileged parent
(this script) creates a 4-queue tap, grants delegation, and starts QEMU
as nobody with no capabilities, handing it the queue fds (and vhost-net
fds with --vhost).  The guest (tools/testing/qemu-e2e/guest-init.sh)
configures RSS with ethtool; for each of its phases this script sends
frames of every flow type into the tap and checks, for every frame, the
queue it arrived on in the guest and the hash the guest's kernel holds
against the independent reference Toeplitz below, for the key, table and
hash fields the guest set.
"""
import argparse
import ctypes
import fcntl
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import tempfile
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI, IFF_MULTI_QUEUE, IFF_VNET_HDR = 0x2, 0x1000, 0x100, 0x4000
NOBODY = 65534
GUEST_MAC = "52:54:00:12:34:56"
HOST_MAC = "02:00:00:00:00:01"
NQ = 4


class Tap:
    """TAP (Test Anything Protocol) output with a plan at the end"""

    def __init__(self):
        self.n = 0
        self.fails = 0
        self.skips = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        if not cond:
            self.fails += 1
            for d in (diag or []):
                print("# " + d)
        print(("ok" if cond else "not ok") + " %d %s" % (self.n, what),
              flush=True)
        return cond

    def skip(self, what, why):
        self.n += 1
        self.skips += 1
        print("ok %d %s # SKIP %s" % (self.n, what, why), flush=True)

    def done(self):
        print("1..%d" % self.n)
        print("# %d passed, %d failed, %d skipped" %
              (self.n - self.fails - self.skips, self.fails, self.skips))
        return 1 if self.fails else 0


# --- the reference: Toeplitz as the virtio spec defines it -------------------

def toeplitz(key, data):
    """32-bit Toeplitz hash of data (bytes) with key (bytes), bit by bit"""
    kbits = int.from_bytes(key, "big")
    klen = len(key) * 8
    h = 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                pos = i * 8 + b
                # the 32 key bits starting at bit pos
                h ^= (kbits >> (klen - 32 - pos)) & 0xFFFFFFFF
    return h


def expected(frame, key, fields, table):
    """(hash or None, queue) virtio's RSS gives frame (a dict)"""
    ft = frame["ft"]
    if ft == "raw":
        return None, 0          # unclassified: queue 0 (Linux's choice)
    f = fields[ft]
    if f == "":
        return None, 0
    data = frame["src"] + frame["dst"]
    if f == "sdfn":
        data += struct.pack("!HH", frame["sport"], frame["dport"])
    h = toeplitz(key, data)
    return h, table[h % len(table)]


# --- frames -------------------------------------------------------------------

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def make_frame(ft, fid, rnd):
    """One test frame of flow type ft with id fid, random addresses/ports"""
    payload = b"TRSS" + struct.pack("!I", fid) + bytes(16)
    fr = {"ft": ft, "id": fid}
    eth = mac(GUEST_MAC) + mac(HOST_MAC)
    v6 = ft.endswith("6")
    if ft == "raw":
        fr["bytes"] = eth + struct.pack("!H", 0x88B5) + payload + bytes(20)
        return fr
    proto = {"tcp": 6, "udp": 17, "oth": 253}[ft[:3]]
    sport, dport = rnd.randrange(1, 65536), rnd.randrange(1, 65536)
    if ft.startswith("tcp"):
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x10,
                         65535, 0, 0) + payload
    elif ft.startswith("udp"):
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    else:
        l4 = payload
    if v6:
        src = bytes([0xfd, 0]) + rnd.randbytes(14)
        dst = bytes([0xfd, 1]) + rnd.randbytes(14)
        ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + src + dst
        fr["bytes"] = eth + struct.pack("!H", 0x86DD) + ip + l4
    else:
        src = bytes([10]) + rnd.randbytes(3)
        dst = bytes([10]) + rnd.randbytes(3)
        hdr = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), fid & 0xFFFF,
                          0, 64, proto, 0) + src + dst
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        fr["bytes"] = eth + struct.pack("!H", 0x0800) + hdr + l4
    fr.update(src=src, dst=dst, sport=sport, dport=dport)
    if ft.startswith("oth"):
        fr["ft"] = "ip6" if v6 else "ip4"
    return fr


FLOW_TYPES = ["tcp4", "udp4", "oth4", "tcp6", "udp6", "oth6", "raw"]


def frames_for(nper, base, rnd):
    out = []
    for ft in FLOW_TYPES:
        for _ in range(nper if ft != "raw" else max(1, nper // 4)):
            out.append(make_frame(ft, base + len(out), rnd))
    return out


# --- the privileged parent ----------------------------------------------------

def sh(cmd, check=True):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError("%s: %s" % (cmd, r.stderr.strip()))
    return r


def tap_open(name, n):
    fds = []
    for _ in range(n):
        fd = os.open("/dev/net/tun", os.O_RDWR)
        ifr = struct.pack("16sH", name.encode(),
                          IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_VNET_HDR)
        fcntl.ioctl(fd, TUNSETIFF, ifr)
        fds.append(fd)
    return fds


def grant_delegation(ip, tap):
    """What libvirt would do: let the queue files' holder configure RSS.
    Kernels and iproute2 without the explicit grant imply it: ignore
    "unknown" answers from them."""
    r = sh("%s link set dev %s type tun delegate on" % (ip, tap), check=False)
    if r.returncode and not any(w in (r.stdout + r.stderr).lower()
                                for w in ("unknown", "garbage", "usage",
                                          "not supported")):
        raise RuntimeError("delegate on: " + r.stderr.strip())


def drop_privileges():
    """In the QEMU child: nobody, no capabilities, no way to regain any"""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 38, 24
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def caps_of(pid):
    caps = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
                     "Uid"):
                caps[k] = v.split()
    return caps


def tap_state(ip, tap):
    r = sh("%s -j -d link show dev %s" % (ip, tap))
    return json.loads(r.stdout)[0].get("linkinfo", {}).get("info_data", {})


def hmp(path, cmds, wait_for=None, timeout=120):
    """Run HMP commands on a monitor socket; returns what it printed"""
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(1)
    out = b""
    for c in cmds:
        s.sendall(c.encode() + b"\n")
        time.sleep(0.3)
    end = time.time() + timeout
    while time.time() < end:
        try:
            d = s.recv(65536)
            if not d:
                break
            out += d
        except socket.timeout:
            if wait_for is None:
                break
            if wait_for.encode() in out:
                break
            s.sendall(b"info migrate\n")
    s.close()
    return out.decode(errors="replace")


def parse_table(lines):
    """The indirection table of ethtool -x output: "  8:  0 1 2 3 ..." rows"""
    table = []
    for ln in lines:
        m = re.match(r"^\s*\d+:((\s+\d+)+)\s*$", ln)
        if m:
            table += [int(x) for x in m.group(1).split()]
    return table


class Guest:
    def __init__(self, proc):
        self.p = proc
        self.buf = b""
        self.log = []

    def line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if not r:
                return None
            d = os.read(self.p.stdout.fileno(), 65536)
            if not d:
                return None
            self.buf += d
        ln, _, self.buf = self.buf.partition(b"\n")
        s = ln.decode(errors="replace").rstrip("\r")
        self.log.append(s)
        return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--guest", required=True, help="dir with vmlinuz, initramfs.gz")
    ap.add_argument("--tools", required=True, help="patched ip and ethtool")
    ap.add_argument("--vhost", action="store_true")
    ap.add_argument("--hash", default="on", help="virtio-net hash=on|off")
    ap.add_argument("--flows", type=int, default=40, help="frames per flow type and phase")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--label", default="e2e")
    ap.add_argument("--phases", default="rss,udp4sd,weight,reset")
    ap.add_argument("--log", default=None)
    ap.add_argument("--qemu-args", default="", help="more QEMU options")
    ap.add_argument("--migrate", action="store_true",
                    help="phases rss,migrate: save the VM, reset the tap, "
                    "restore into a second QEMU")
    ap.add_argument("--root", action="store_true",
                    help="QEMU as root opens the tap by name (ifname=) "
                    "and configures it by index; the tap does not delegate")
    args = ap.parse_args()
    t = Tap()
    lab = args.label
    ip = os.path.join(args.tools, "ip")
    ethtool = os.path.join(args.tools, "ethtool")
    rnd = random.Random(int.from_bytes(os.urandom(8), "big"))
    key = rnd.randbytes(40)
    keystr = ":".join("%02x" % b for b in key)
    phases = args.phases.split(",")
    if args.migrate:
        phases = ["rss", "migrate"]
    tmp = tempfile.mkdtemp(prefix="e2e-")
    os.chmod(tmp, 0o777)
    nframes = len(frames_for(args.flows, 0, random.Random(0)))
    print("# %s: key %s, %d frames per phase, phases %s" %
          (lab, keystr, nframes, " ".join(phases)), flush=True)

    tapname = "e2etap0"
    vfds = []
    if args.root:
        # the libvirt-less model: QEMU creates and attaches the queues
        fds = []
    else:
        fds = tap_open(tapname, NQ)
        grant_delegation(ip, tapname)
        sh("%s link set dev %s up" % (ip, tapname))
    if args.vhost and not args.root:
        if not os.path.exists("/dev/vhost-net"):
            t.skip("%s: vhost" % lab, "no /dev/vhost-net")
            return t.done()
        vfds = [os.open("/dev/vhost-net", os.O_RDWR) for _ in range(NQ)]
    for fd in fds + vfds:
        os.set_inheritable(fd, True)
    if args.root:
        netdev = "tap,id=n0,ifname=%s,script=no,downscript=no,queues=%d" % \
            (tapname, NQ)
        netdev += ",vhost=on" if args.vhost else ",vhost=off"
    else:
        netdev = "tap,id=n0,fds=%s" % ":".join(map(str, fds))
        netdev += (",vhost=on,vhostfds=%s" % ":".join(map(str, vfds))) \
            if vfds else ",vhost=off"
    cmd = [args.qemu, "-nodefaults", "-display", "none", "-no-reboot",
           "-M", "pc", "-accel", "tcg,tb-size=64", "-m", "256", "-smp", "1",
           "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
           "-serial", "stdio", "-monitor", "none",
           "-kernel", os.path.join(args.guest, "vmlinuz"),
           "-initrd", os.path.join(args.guest, "initramfs.gz"),
           "-append", "console=ttyS0 quiet panic=-1 e2e.phases=%s e2e.key=%s "
           "e2e.frames=%d" % (",".join(phases), keystr, nframes),
           "-netdev", netdev,
           "-device", "virtio-net-pci,netdev=n0,mq=on,vectors=10,rss=on,"
           "hash=%s,tap-rss=on,romfile=,mac=%s" % (args.hash, GUEST_MAC)]
    cmd += args.qemu_args.split()
    if args.migrate:
        cmd[cmd.index("-m") + 1] = "128"
    base_cmd = list(cmd)
    cmd += ["-monitor", "unix:%s/mon0,server=on,wait=off" % tmp]
    print("# " + " ".join(cmd), flush=True)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, pass_fds=fds + vfds,
                         preexec_fn=None if args.root else drop_privileges)
    if not args.migrate:
        for fd in fds + vfds:
            os.close(fd)
    g = Guest(p)
    time.sleep(0.5)
    c = caps_of(p.pid)
    if args.root:
        end = time.time() + 60
        while sh("%s link show dev %s" % (ip, tapname), check=False).returncode \
                and time.time() < end and p.poll() is None:
            time.sleep(0.5)
        sh("%s link set dev %s up" % (ip, tapname))
        st = tap_state(ip, tapname)
        t.ok(c.get("Uid", ["1"])[0] == "0" and not st.get("delegate", False)
             and st.get("numqueues", 0) + st.get("numdisabled", 0) == NQ,
             "%s: qemu runs as root with the %d queues it opened; the tap "
             "does not delegate" % (lab, NQ),
             ["Uid: %s" % " ".join(c.get("Uid", [])),
              "tap info_data: %s" % json.dumps(st)])
    else:
        t.ok(c.get("Uid", ["0"])[0] == str(NOBODY) and
             all(int(c.get(k, ["1"])[0], 16) == 0
                 for k in ("CapPrm", "CapEff", "CapBnd", "CapAmb")),
             "%s: qemu runs as nobody with no capabilities" % lab,
             ["%s: %s" % (k, " ".join(v)) for k, v in c.items()])

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((tapname, 0))
    deadline = time.time() + args.timeout
    boot_deadline = time.time() + 180
    fields = {"tcp4": "sdfn", "udp4": "sdfn", "ip4": "sd",
              "tcp6": "sdfn", "udp6": "sdfn", "ip6": "sd"}
    phase, table, xlines, base = None, [], [], 0
    checked = []
    hash_report = False
    results = {}
    started = False
    while True:
        ln = g.line(deadline if started else min(deadline, boot_deadline))
        if ln is None:
            break
        if "qemu-system" in ln or re.match(r"^(\d+@)?[\d.]*:?(tap|virtio_net)_", ln):
            print("# " + ln, flush=True)
        if not ln.startswith(("e2e:", "F ", "Q ", "rxq:")):
            continue
        if ln.startswith("e2e: features "):
            bits = ln.split()[2]
            hash_report = len(bits) > 57 and bits[57] == "1"
            rss = len(bits) > 60 and bits[60] == "1"
            t.ok(rss, "%s: the guest negotiated VIRTIO_NET_F_RSS" % lab)
            if not hash_report:
                print("# %s: no VIRTIO_NET_F_HASH_REPORT" % lab)
            continue
        if ln.startswith("e2e: phase "):
            started = True
            phase = ln.split()[2]
            xlines, results = [], {}
            if phase == "udp4sd":
                fields["udp4"] = "sd"
            continue
        if ln.startswith("e2e: x: "):
            xlines.append(ln[len("e2e: x: "):])
            continue
        if ln.startswith("e2e: error") or ln.startswith("e2e: insmod"):
            t.ok(False, "%s: guest: %s" % (lab, ln[5:]))
            continue
        if ln == "e2e: reset done":
            time.sleep(1)
            try:
                st = tap_state(ip, tapname)
            except RuntimeError as e:
                st = {"error": str(e), "qemu exit": p.poll()}
            t.ok(st.get("steering") == "automq",
                 "%s: device reset in the guest returns the tap to automq" % lab,
                 ["tap info_data: %s" % json.dumps(st)])
            continue
        if ln == "rxq: ready" and phase == "migrate":
            p = migrate(t, lab, p, base_cmd, tmp, fds, vfds, ip, ethtool,
                        tapname)
            g.p, g.buf = p, b""
        if ln == "rxq: ready":
            table = parse_table(xlines)
            if phase == "rss":
                t.ok(table == [i % NQ for i in range(len(table))] and table,
                     "%s: guest table is equal 4 (%d entries)" % (lab, len(table)))
                st = tap_state(ip, tapname)
                t.ok(st.get("steering") == "rss",
                     "%s: the tap steers by RSS after the guest's ethtool -X" % lab,
                     ["tap info_data: %s" % json.dumps(st)])
                r = sh("%s -x %s" % (ethtool, tapname), check=False)
                t.ok(keystr in r.stdout.lower(),
                     "%s: the tap holds the guest's key" % lab,
                     r.stdout.splitlines()[-8:])
            frames = frames_for(args.flows, base, rnd)
            base += len(frames)
            sent = {fr["id"]: fr for fr in frames}
            for fr in frames:
                sock.send(fr["bytes"])
            continue
        if ln.startswith("F "):
            _, fid, q, h = ln.split()
            results[int(fid)] = (int(q), int(h, 16))
            continue
        if ln.startswith("rxq: ") and ln.endswith("test frames"):
            check_phase(t, lab, phase, sent, results, key, fields, table,
                        hash_report)
            checked.append(phase)
            continue
        if ln == "e2e: end":
            break
    want = [ph for ph in phases if ph != "reset"]
    t.ok(started and checked == want,
         "%s: the guest ran its phases (%s checked of %s)" %
         (lab, ",".join(checked) or "none", ",".join(want)), g.log[-30:])
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if args.log:
        try:
            with open(args.log, "w") as f:
                f.write("\n".join(g.log) + "\n")
        except OSError as e:
            print("# %s: cannot write the console log: %s" % (lab, e))
    return t.done()


def migrate(t, lab, p, base_cmd, tmp, fds, vfds, ip, ethtool, tapname):
    """Save the VM to a file, reset the tap to automq behind QEMU's back,
    and restore it into a second QEMU holding the same fds: the tap's RSS
    must come back from post_load alone."""
    out = hmp("%s/mon0" % tmp, ["stop", 'migrate "exec:cat > %s/state"' % tmp],
              wait_for="Migration status: completed", timeout=300)
    ok = "completed" in out
    hmp("%s/mon0" % tmp, ["quit"])
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    t.ok(ok, "%s: the VM state was saved" % lab,
         [x for x in out.splitlines() if "status" in x.lower() or
          "error" in x.lower() or "total" in x.lower()][-6:])
    sh("%s -X %s default" % (ethtool, tapname))
    st = tap_state(ip, tapname)
    t.ok(st.get("steering") == "automq",
         "%s: the tap is back to automq before the restore" % lab,
         ["tap info_data: %s" % json.dumps(st)])
    cmd = base_cmd + ["-monitor", "unix:%s/mon1,server=on,wait=off" % tmp,
                      "-incoming", "exec:cat %s/state" % tmp]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, pass_fds=fds + vfds,
                         preexec_fn=drop_privileges)
    for fd in fds + vfds:
        os.close(fd)
    end = time.time() + 120
    status = ""
    while time.time() < end:
        time.sleep(1)
        try:
            status = hmp("%s/mon1" % tmp, ["info status"])
        except OSError:
            continue
        if "running" in status:
            break
        if "paused" in status and "inmigrate" not in status:
            # the source was stopped for the save: resume as it would have
            hmp("%s/mon1" % tmp, ["cont"])
    t.ok("running" in status, "%s: the VM runs in the second QEMU" % lab,
         status.splitlines()[-3:])
    st = tap_state(ip, tapname)
    t.ok(st.get("steering") == "rss",
         "%s: post_load programmed the tap's RSS again" % lab,
         ["tap info_data: %s" % json.dumps(st)])
    return p


def check_phase(t, lab, phase, sent, results, key, fields, table,
                hash_report):
    bad_q, bad_h, missing = [], [], []
    perq = [0] * NQ
    for fid, fr in sent.items():
        eh, eq = expected(fr, key, fields, table)
        if fid not in results:
            missing.append(fid)
            continue
        q, h = results[fid]
        if 0 <= q < NQ:
            perq[q] += 1
        if q != eq:
            bad_q.append("%s id %d: queue %d, reference %d" % (fr["ft"], fid, q, eq))
        if eh is not None and h != eh and fields[fr["ft"]] == "sdfn":
            bad_h.append("%s id %d: hash %08x, reference %08x" % (fr["ft"], fid, h, eh))
    offs = {}
    for fid, fr in sent.items():
        if fid in results:
            eh, eq = expected(fr, key, fields, table)
            d = offs.setdefault(fr["ft"], {})
            k = (results[fid][0] - eq) % NQ
            d[k] = d.get(k, 0) + 1
    print("# %s %s: queue - reference queue, per flow type: %s" %
          (lab, phase, offs))
    n = len(sent)
    t.ok(not missing, "%s %s: all %d frames reached the guest" % (lab, phase, n),
         ["missing %d: %s" % (len(missing), missing[:10])])
    t.ok(not bad_q and not missing,
         "%s %s: every frame on the reference's queue (per queue %s)" %
         (lab, phase, perq), bad_q[:10])
    l4 = [fid for fid, fr in sent.items() if fr["ft"] != "raw" and
          fields[fr["ft"]] == "sdfn"]
    if not hash_report:
        t.skip("%s %s: the guest's hash of the frames" % (lab, phase),
               "VIRTIO_NET_F_HASH_REPORT not negotiated")
        return
    t.ok(not bad_h and l4 and all(fid in results for fid in l4),
         "%s %s: the guest's hash equals the reference for the %d frames "
         "hashed on ports" % (lab, phase, len(l4)), bad_h[:10])
    # A hash of an L3 type reaches the skb without l4_hash, and the packet
    # socket's skb_get_hash() then computes its own: not observable here.
    l3 = len(sent) - len(l4) - sum(1 for fr in sent.values()
                                   if fr["ft"] == "raw")
    t.skip("%s %s: the guest's hash of the %d frames hashed on addresses "
           "only" % (lab, phase, l3),
           "the guest kernel recomputes an L3 hash for packet sockets "
           "(skb_get_hash); their queues are checked above")


if __name__ == "__main__":
    sys.exit(main())
