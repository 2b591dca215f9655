#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge tun_rss_bench's timings with callgrind's counts, judge the goals
of issue 9, print one table, plot it, append it to bench/RESULTS.md.

  report.py --timing T.tsv --callgrind C.tsv [--functions F.tsv]
            [--pps P.tsv [--pps-cpu C.tsv]] [--plot OUT.png]
            [--results RESULTS.md]
            [--meta KEY=VALUE ...]

timing.tsv (tun_rss_bench --tsv): case, median ns, min, max, frames per
run, runs, what; or "skip", reason.
callgrind.tsv (scripts/bench.sh): case, N, Ir(N), Ir(2N), Ir per frame.
functions.tsv (scripts/bench.sh): case, function, Ir per frame (self).
pps.tsv (tun_pps in the UML kernel, optional): "run", config, round,
frames/s, frames, seconds, dropped, misplaced, sender yields.
pps-cpu.tsv (vmcpu.py, optional): "start"|"end", config, round, host CPU
ticks the VM had used, host time; "# clk_tck", ticks per second.

The plot needs matplotlib; without it the reason is printed instead.
Standard library only otherwise.
"""
import argparse
import os
import sys

# (label, numerator case, denominator case, kind, target): kind "min"
# means numerator/denominator must reach target (a speed-up), "max"
# that it must not exceed it (a cost ratio).
GOALS = [
    ("table-driven vs bit-serial, IPv4", "toeplitz/bit-serial/ipv4",
     "toeplitz/table/ipv4", "min", 10.0),
    ("table-driven vs bit-serial, IPv6", "toeplitz/bit-serial/ipv6",
     "toeplitz/table/ipv6", "min", 10.0),
    ("table-driven vs set-bit, IPv4", "toeplitz/set-bits/ipv4",
     "toeplitz/table/ipv4", "min", 3.0),
    ("table-driven vs set-bit, IPv6", "toeplitz/set-bits/ipv6",
     "toeplitz/table/ipv6", "min", 3.0),
    ("table-driven / jhash, IPv4", "toeplitz/table/ipv4", "jhash/ipv4",
     "max", 2.0),
    ("table-driven / jhash, IPv6", "toeplitz/table/ipv6", "jhash/ipv6",
     "max", 2.0),
    ("RSS select / automq-like, IPv4", "select/rss/ipv4",
     "select/automq/ipv4", "max", 1.2),
    ("RSS select / automq-like, IPv6", "select/rss/ipv6",
     "select/automq/ipv6", "max", 1.2),
    ("1024 rules, 8 masks / 1 rule", "cls/1024-rules-8-masks",
     "cls/1-rule-1-mask", "max", 3.0),
]

# Shown with the goals, judged against nothing: automq as 6.12 hashes,
# and RSS with the bounce buffer steer.c zeroes per frame today.
INFO = [
    ("RSS select + steer.c buffer / automq-like, IPv4",
     "select/rss-skb-buf/ipv4", "select/automq/ipv4"),
    ("RSS select + steer.c buffer / automq-like, IPv6",
     "select/rss-skb-buf/ipv6", "select/automq/ipv6"),
    ("RSS select / automq SipHash (6.12), IPv4", "select/rss/ipv4",
     "select/automq-siphash/ipv4"),
    ("RSS select / automq SipHash (6.12), IPv6", "select/rss/ipv6",
     "select/automq-siphash/ipv6"),
]


# Harness 2 (tun_pps, in the kernel): configurations in run order, what
# each is, and the goals on frames per second (num / den).
PPS_CONFIGS = [
    ("automq", "tun's automq, nothing configured"),
    ("rss", "Toeplitz RSS, udp4 on the 4-tuple, table equal 4"),
    ("rss+1024-rules", "the same + 1024 udp4 rules, 8 masks, all missed"),
    ("ebpf-toeplitz", "steering eBPF: Toeplitz on the 4-tuple + 128-entry "
     "table (interpreted: UML has no BPF JIT)"),
]
PPS_GOALS = [
    ("RSS / automq", "rss", "automq", "min", 0.95),
    ("RSS / eBPF Toeplitz", "rss", "ebpf-toeplitz", "min", 1.0),
]
PPS_INFO = [
    ("RSS + 1024 rules / RSS", "rss+1024-rules", "rss"),
    ("RSS + 1024 rules / automq", "rss+1024-rules", "automq"),
    ("eBPF Toeplitz / automq", "ebpf-toeplitz", "automq"),
]


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def load_pps(path, cpu_path=None):
    """Per configuration: frames/s (wall) and, with the host CPU samples,
    frames per host CPU second, each per round, and their summaries."""
    ticks, tck = {}, 100.0
    for r in read_tsv(cpu_path):
        if r[0] == "# clk_tck":
            tck = float(r[1])
        elif r[0] in ("start", "end") and len(r) >= 4:
            ticks[(r[0], r[1], r[2])] = float(r[3])
    runs = {}
    for r in read_tsv(path):
        if r[0] != "run":
            continue
        d = runs.setdefault(r[1], {"fps": {}, "cpu": {}, "share": [],
                                   "dropped": 0, "misplaced": 0,
                                   "yields": 0})
        rnd = int(r[2])
        d["fps"][rnd] = float(r[3])
        t0, t1 = ticks.get(("start", r[1], r[2])), ticks.get(("end", r[1],
                                                                r[2]))
        if t0 is not None and t1 is not None and t1 > t0:
            cpu_s = (t1 - t0) / tck
            d["cpu"][rnd] = int(r[4]) / cpu_s
            d["share"].append(cpu_s / float(r[5]))
        d["dropped"] += int(r[6])
        d["misplaced"] += int(r[7])
        d["yields"] += int(r[8])
    out = {}
    for c, d in runs.items():
        e = {"runs": len(d["fps"]), "dropped": d["dropped"],
             "misplaced": d["misplaced"], "yields": d["yields"]}
        for k in ("fps", "cpu"):
            v = list(d[k].values())
            e[k + "_round"] = d[k]
            if v and (k == "fps" or len(v) == len(d["fps"])):
                e[k] = median(v)
                e[k + "_min"], e[k + "_max"] = min(v), max(v)
        if d["share"]:
            e["share"] = median(d["share"])
        out[c] = e
    return out


def paired(pps, num, den, key):
    """Ratios num/den within each round (runs next to each other)."""
    a, b = pps[num].get(key + "_round", {}), pps[den].get(key + "_round", {})
    return [a[r] / b[r] for r in sorted(a) if r in b and b[r]]


def pps_tables(pps):
    """The frames/s table and the goal table; and the goal verdicts.
    Goals are judged on frames per host CPU second when the host CPU
    samples are there (the guest's wall clock also counts the time the
    host gave to others), else on frames/s."""
    known = [c for c, _ in PPS_CONFIGS]
    names = [c for c in known if c in pps] + \
        sorted(c for c in pps if c not in known)
    what = dict(PPS_CONFIGS)
    key = "cpu" if all("cpu" in pps[c] for c in names) else "fps"
    base = pps.get("automq", {}).get(key)
    t = ["| configuration | frames per host CPU s (median) | min .. max | "
         "frames/s wall (median) | min .. max | VM CPU share | runs | "
         "%s | vs automq | dropped | misplaced | what |"
         % ("us of host CPU/frame" if key == "cpu" else "us/frame"),
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for c in names:
        d = pps[c]
        if "cpu" in d:
            cpu = "%.0f" % d["cpu"]
            cpur = "%.0f .. %.0f" % (d["cpu_min"], d["cpu_max"])
        else:
            cpu = cpur = "-"
        us = 1e6 / d[key] if d.get(key) else 0
        delta = "%+.2f us" % (us - 1e6 / base) if base else "-"
        t.append("| %s | %s | %s | %.0f | %.0f .. %.0f | %s | %d | %.2f | "
                 "%s | %d | %d | %s |"
                 % (c, cpu, cpur, d["fps"], d["fps_min"], d["fps_max"],
                    "%.0f%%" % (100 * d["share"]) if "share" in d else "-",
                    d["runs"], us, delta, d["dropped"], d["misplaced"],
                    what.get(c, "")))
    unit = "frames per host CPU s" if key == "cpu" else "frames/s"
    g = ["| goal (%s) | target | ratio of medians | verdict | "
         "per-round ratio: median (min .. max) | same, frames/s wall |"
         % unit, "|---|---:|---:|---|---:|---:|"]
    summary = []

    def pr(num, den, k):
        v = paired(pps, num, den, k)
        return "%.3fx (%.2f .. %.2f)" % (median(v), min(v), max(v)) \
            if v else "-"
    for label, num, den, kind, target in PPS_GOALS:
        tgt = "%s%.2fx" % (">= " if kind == "min" else "<= ", target)
        if num not in pps or den not in pps:
            g.append("| %s | %s | - | not measured | - | - |" % (label, tgt))
            summary.append((label, "not measured"))
            continue
        r = pps[num][key] / pps[den][key]
        v = verdict(r, kind, target)
        g.append("| %s | %s | %.3fx | %s | %s | %s |"
                 % (label, tgt, r, v, pr(num, den, key),
                    pr(num, den, "fps")))
        summary.append((label, v))
    for label, num, den in PPS_INFO:
        if num in pps and den in pps:
            g.append("| %s | (info) | %.3fx | | %s | %s |"
                     % (label, pps[num][key] / pps[den][key],
                        pr(num, den, key), pr(num, den, "fps")))
    return names, t, g, summary


def read_tsv(path):
    rows = []
    if not path or not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                rows.append(line.split("\t"))
    return rows


def load(args):
    cases, order, skips = {}, [], []
    for r in read_tsv(args.timing):
        if r[0] == "skip":
            skips.append(r[1])
            continue
        cases[r[0]] = {"ns": float(r[1]), "min": float(r[2]),
                       "max": float(r[3]), "what": r[6]}
        order.append(r[0])
    for r in read_tsv(args.callgrind):
        cases.setdefault(r[0], {"what": ""})["ir"] = float(r[4])
        if r[0] not in order:
            order.append(r[0])
    funcs = {}
    for r in read_tsv(args.functions):
        funcs.setdefault(r[0], []).append((r[1], float(r[2])))
    return cases, order, skips, funcs


def ratio(cases, num, den, key):
    a, b = cases.get(num, {}).get(key), cases.get(den, {}).get(key)
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(r, kind, target):
    if r is None:
        return "n/a"
    ok = r >= target if kind == "min" else r <= target
    return "met" if ok else "NOT MET"


def fmt_ratio(r):
    return "-" if r is None else "%.2fx" % r


def case_table(cases, order):
    out = ["| case | ns/frame (median) | min .. max | instr/frame | what |",
           "|---|---:|---:|---:|---|"]
    for c in order:
        d = cases[c]
        ns = "%.2f" % d["ns"] if "ns" in d else "-"
        rng = "%.2f .. %.2f" % (d["min"], d["max"]) if "ns" in d else "-"
        ir = "%.1f" % d["ir"] if "ir" in d else "-"
        out.append("| %s | %s | %s | %s | %s |" % (c, ns, rng, ir,
                                                  d.get("what", "")))
    return out


def goal_table(cases):
    out = ["| goal | target | time ratio | time | instr ratio | instr |",
           "|---|---:|---:|---|---:|---|"]
    summary = []
    for label, num, den, kind, target in GOALS:
        if num not in cases or den not in cases:
            out.append("| %s | %s%.1fx | - | not measured | - | - |"
                       % (label, ">= " if kind == "min" else "<= ", target))
            summary.append((label, "not measured"))
            continue
        rt = ratio(cases, num, den, "ns")
        ri = ratio(cases, num, den, "ir")
        vt, vi = verdict(rt, kind, target), verdict(ri, kind, target)
        out.append("| %s | %s%.1fx | %s | %s | %s | %s |"
                   % (label, ">= " if kind == "min" else "<= ", target,
                      fmt_ratio(rt), vt, fmt_ratio(ri), vi))
        summary.append((label, vt))
    for label, num, den in INFO:
        if num in cases and den in cases:
            out.append("| %s | (info) | %s | | %s | |"
                       % (label, fmt_ratio(ratio(cases, num, den, "ns")),
                          fmt_ratio(ratio(cases, num, den, "ir"))))
    return out, summary


def function_table(funcs, which):
    out = []
    for c in which:
        if c not in funcs:
            continue
        parts = ["%s %.1f" % (f, ir) for f, ir in funcs[c] if ir >= 0.5]
        out.append("- `%s`: %s" % (c, ", ".join(parts)))
    return out


def plain(md):
    """A markdown table as aligned text for the terminal."""
    rows = [[x.strip() for x in l.strip("|").split("|")] for l in md
            if not l.startswith("|---")]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip()
            for r in rows]


def plot_pps(ax, pps, names):
    """Harness 2 on its own axis: median and min..max, per host CPU second
    when measured, else per second of wall time."""
    k = "cpu" if all("cpu" in pps[c] for c in names) else "fps"
    vals = [pps[c][k] for c in names]
    lo = [pps[c][k] - pps[c][k + "_min"] for c in names]
    hi = [pps[c][k + "_max"] - pps[c][k] for c in names]
    col = ["tab:gray" if c == "automq" else "tab:red" if c.startswith("ebpf")
           else "tab:green" for c in names]
    bars = ax.barh(range(len(names)), vals, color=col,
                   edgecolor=["black" if c.startswith("rss") else "none"
                              for c in names])
    ax.errorbar(vals, range(len(names)), xerr=[lo, hi], fmt="none",
                ecolor="black", capsize=2, linewidth=0.8)
    for b, c in zip(bars, names):
        ax.text(pps[c][k + "_max"] * 1.01, b.get_y() + b.get_height() / 2,
                "%.0f" % pps[c][k], va="center", fontsize=8)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(["kernel: " + c for c in names], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(pps[c][k + "_max"] for c in names) * 1.15)
    ax.set_xlabel("frames per %s through a 4-queue tap in UML (median; "
                  "whiskers min..max; eBPF interpreted, no JIT)"
                  % ("host CPU second" if k == "cpu" else "second"))
    ax.grid(axis="x", alpha=0.3)


def plot(cases, order, path, title, pps=None):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        return "no plot: matplotlib is not available to %s (%s)" % (
            sys.executable, e)
    names = [c for c in order if "ns" in cases[c] or "ir" in cases[c]]
    colors = {"toeplitz": "tab:blue", "jhash": "tab:gray",
              "select": "tab:green", "cls": "tab:orange"}
    col = [colors.get(c.split("/")[0], "tab:purple") for c in names]
    # The engine's own rows stand out from the baselines.
    engine = ["/table/" in c or c.startswith(("select/rss", "cls/"))
              for c in names]
    panels = [(k, label) for k, label in
              (("ns", "ns per frame (median; whiskers min..max; log)"),
               ("ir", "instructions per frame (callgrind, log)"))
              if any(k in cases[c] for c in names)]
    pnames = []
    if pps:
        pnames = [c for c, _ in PPS_CONFIGS if c in pps] + \
            sorted(c for c in pps if c not in dict(PPS_CONFIGS))
    fig = plt.figure(figsize=(7 * len(panels),
                              0.42 * (len(names) + len(pnames)) +
                              (3.0 if pnames else 1.8)))
    gs = fig.add_gridspec(2 if pnames else 1, len(panels),
                          height_ratios=[len(names), len(pnames) + 1.5]
                          if pnames else None)
    axes = [fig.add_subplot(gs[0, 0])]
    for i in range(1, len(panels)):
        axes.append(fig.add_subplot(gs[0, i], sharey=axes[0]))
        plt.setp(axes[i].get_yticklabels(), visible=False)
    if pnames:
        plot_pps(fig.add_subplot(gs[1, :]), pps, pnames)
    for ax, (key, label) in zip(axes, panels):
        vals = [cases[c].get(key, 0) for c in names]
        bars = ax.barh(range(len(names)), vals, color=col,
                       edgecolor=["black" if e else "none" for e in engine])
        if key == "ns":
            lo = [cases[c]["ns"] - cases[c]["min"] if "ns" in cases[c]
                  else 0 for c in names]
            hi = [cases[c]["max"] - cases[c]["ns"] if "ns" in cases[c]
                  else 0 for c in names]
            ax.errorbar(vals, range(len(names)), xerr=[lo, hi], fmt="none",
                        ecolor="black", capsize=2, linewidth=0.8)
        for b, v, c in zip(bars, vals, names):
            if v:
                # Right of the error bar, not on it.
                x = cases[c]["max"] if key == "ns" else v
                ax.text(x * 1.08, b.get_y() + b.get_height() / 2,
                        "%.1f" % v, va="center", fontsize=8)
        ends = [cases[c].get("max", 0) if key == "ns" else cases[c].get(key, 0)
                for c in names]
        ax.set_xscale("log")
        if max(ends) > 0:
            ax.set_xlim(right=max(ends) * 2.5)
        ax.set_xlabel(label)
        ax.grid(axis="x", which="both", alpha=0.3)
    axes[0].set_yticks(range(len(names)))
    axes[0].set_yticklabels(names, fontsize=9)
    axes[0].invert_yaxis()
    fig.suptitle(title + "  (outlined: the engine)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return "plot: %s" % path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timing")
    ap.add_argument("--callgrind")
    ap.add_argument("--functions")
    ap.add_argument("--pps")
    ap.add_argument("--pps-cpu")
    ap.add_argument("--plot")
    ap.add_argument("--results")
    ap.add_argument("--meta", action="append", default=[])
    args = ap.parse_args()
    meta = dict(m.split("=", 1) for m in args.meta)

    cases, order, skips, funcs = load(args)
    if not order:
        sys.exit("report.py: no results")
    ctab = case_table(cases, order)
    gtab, summary = goal_table(cases)
    ftab = function_table(funcs, [c for c in order
                                  if c.startswith(("select/", "cls/"))
                                  or c in ("toeplitz/table/ipv4",
                                           "toeplitz/table/ipv6",
                                           "jhash/ipv4", "jhash/ipv6")])

    print()
    print("\n".join(plain(ctab)))
    for s in skips:
        print("skipped: " + s)
    print()
    print("\n".join(plain(gtab)))
    if ftab:
        print()
        print("instructions per frame by function (self, callgrind):")
        print("\n".join(ftab))
    pps = load_pps(args.pps, args.pps_cpu) if args.pps else {}
    psummary = []
    if pps:
        _, ptab, pgtab, psummary = pps_tables(pps)
        print()
        print("in the kernel (%s): frames through a 4-queue tap"
              % meta.get("pps_kernel", "UML"))
        print("\n".join(plain(ptab)))
        print()
        print("\n".join(plain(pgtab)))
        print("eBPF: %s" % meta.get("pps_bpf", "interpreted"))
    elif args.pps:
        print()
        print("in the kernel: no frames/s results (%s)" % args.pps)
    summary = summary + psummary
    met = sum(1 for _, v in summary if v == "met")
    print()
    print("goals: %d met, %d not met, %d not measured"
          % (met, sum(1 for _, v in summary if v == "NOT MET"),
             sum(1 for _, v in summary if v == "not measured")))

    title = "tun_rss_bench %s, %s" % (meta.get("date", ""),
                                      meta.get("cpu", ""))
    note = plot(cases, order, args.plot, title, pps) if args.plot else None
    if note:
        print(note)

    if args.results:
        new = not os.path.exists(args.results)
        os.makedirs(os.path.dirname(os.path.abspath(args.results)),
                    exist_ok=True)
        with open(args.results, "a") as f:
            if new:
                f.write("# Benchmark results\n\n"
                        "Appended by `scripts/bench.sh` (`make bench`), "
                        "newest last.  Userspace figures come from\n"
                        "`tools/testing/tun_rss/bench/` on the engine's own "
                        "sources: ns/frame is the median\nof interleaved "
                        "runs pinned to one CPU, instr/frame is exact "
                        "(callgrind,\n(Ir(2N) - Ir(N)) / N).  Goals are "
                        "those of issue 9; a goal is judged on time,\n"
                        "the instruction ratio is shown beside it.\n")
            f.write("\n## %s, commit %s\n\n" % (meta.get("date", "?"),
                                                 meta.get("commit", "?")))
            f.write("- Machine: %s, %s CPUs (nproc)%s\n"
                    % (meta.get("cpu", "?"), meta.get("nproc", "?"),
                       ", " + meta["virt"] if meta.get("virt") else ""))
            f.write("- Compiler: %s; code under test built with `%s`\n"
                    % (meta.get("cc", "?"), meta.get("kcflags", "?")))
            f.write("- Timing: %s\n" % meta.get("timing", "?"))
            f.write("- Callgrind: %s\n\n" % meta.get("callgrind", "?"))
            f.write("\n".join(ctab) + "\n")
            for s in skips:
                f.write("\nSkipped: %s\n" % s)
            f.write("\n" + "\n".join(gtab) + "\n")
            if ftab:
                f.write("\nInstructions per frame by function (self):\n\n")
                f.write("\n".join(ftab) + "\n")
            if pps:
                f.write("\n### In the kernel: frames per second through a "
                        "4-queue tap\n\n")
                f.write("- Kernel: %s\n" % meta.get("pps_kernel", "?"))
                f.write("- Method: %s\n" % meta.get("pps_method", "?"))
                f.write("- eBPF: %s\n" % meta.get("pps_bpf", "?"))
                f.write("- Tools: %s\n\n" % meta.get("pps_tools", "?"))
                f.write("\n".join(ptab) + "\n\n")
                f.write("\n".join(pgtab) + "\n")
            f.write("\nGoals (userspace by time; kernel by frames per host "
                    "CPU second when measured): %s.\n"
                    % "; ".join("%s: %s" % kv for kv in summary))
        print("results appended to %s" % args.results)


if __name__ == "__main__":
    main()
