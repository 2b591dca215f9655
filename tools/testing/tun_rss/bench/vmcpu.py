#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host CPU time of a UML guest, sampled when the guest asks.

  vmcpu.py KERNEL MARKS OUT

On a shared host the guest's wall clock measures its CPU share as much as
its speed.  tun_pps (in the guest) appends a line to MARKS, a file on the
host seen through hostfs, right before and right after each measured
interval ("start|end <TAB> config <TAB> round"); this script, on the host,
sees each new line and appends it to OUT with the CPU time (user + system,
in clock ticks) that every host process running KERNEL (the UML kernel and
the processes of its guest's address spaces) has used so far, and the host
time.  The difference between an end and its start is the host CPU time
the guest used in that interval.  A line "quit" ends it.
"""
import os
import sys
import time


def uml_ticks(kernel):
    """utime + stime of every live process whose argv[0] is KERNEL."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid, "rb") as f:
                stat = f.read()
            # comm is the executable's name, cut to 15 bytes
            comm = stat[stat.index(b"(") + 1:stat.rindex(b")")]
            if comm != os.path.basename(kernel).encode()[:15]:
                continue
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv0 = f.read().split(b"\0")[0]
            if argv0 != kernel.encode():
                continue
            fields = stat[stat.rindex(b")") + 2:].split()
            total += int(fields[11]) + int(fields[12])	# utime, stime
        except (OSError, ValueError, IndexError):
            continue	# gone meanwhile
    return total


def main():
    kernel, marks, out = sys.argv[1:4]
    pos = 0
    buf = b""
    with open(out, "a") as o:
        o.write("# clk_tck\t%d\n" % os.sysconf("SC_CLK_TCK"))
        o.flush()
        while True:
            try:
                with open(marks, "rb") as f:
                    f.seek(pos)
                    new = f.read()
            except OSError:
                new = b""
            if not new:
                time.sleep(0.001)
                continue
            pos += len(new)
            buf += new
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.decode(errors="replace").strip()
                if line == "quit":
                    return
                if line:
                    o.write("%s\t%d\t%.6f\n" % (line, uml_ticks(kernel),
                                                time.monotonic()))
                    o.flush()


if __name__ == "__main__":
    main()
