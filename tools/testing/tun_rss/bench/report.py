#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge tun_rss_bench's timings with callgrind's counts, judge the goals
of issue 9, print one table, plot it, append it to bench/RESULTS.md.

  report.py --timing T.tsv --callgrind C.tsv [--functions F.tsv]
            [--plot OUT.png] [--results RESULTS.md] [--meta KEY=VALUE ...]

timing.tsv (tun_rss_bench --tsv): case, median ns, min, max, frames per
run, runs, what; or "skip", reason.
callgrind.tsv (scripts/bench.sh): case, N, Ir(N), Ir(2N), Ir per frame.
functions.tsv (scripts/bench.sh): case, function, Ir per frame (self).

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


def plot(cases, order, path, title):
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
    fig, axes = plt.subplots(1, len(panels), squeeze=False, sharey=True,
                             figsize=(7 * len(panels),
                                      0.42 * len(names) + 1.8))
    axes = axes[0]
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
    met = sum(1 for _, v in summary if v == "met")
    print()
    print("goals (by time): %d met, %d not met, %d not measured"
          % (met, sum(1 for _, v in summary if v == "NOT MET"),
             sum(1 for _, v in summary if v == "not measured")))

    title = "tun_rss_bench %s, %s" % (meta.get("date", ""),
                                      meta.get("cpu", ""))
    note = plot(cases, order, args.plot, title) if args.plot else None
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
            f.write("\nGoals (by time): %s.\n"
                    % "; ".join("%s: %s" % kv for kv in summary))
        print("results appended to %s" % args.results)


if __name__ == "__main__":
    main()
