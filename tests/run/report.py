#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the bench's result files into one report.

    report.py kunit-rows KUNIT_JSON OUT.tsv   KUnit JSON (kunit.py parse
                                             --json) -> result rows
    report.py summary ROWS.tsv... [X/excerpt.txt...]
                                             print the report (and the
                                             console excerpts of failed
                                             boots), exit 1 if any of
                                             ours failed
    report.py bench-table SAID.txt...        the benchmark table, ours
                                             beside upstream's, from the
                                             guest's @@SAY lines

A row is: name <TAB> driver (ours|peer) <TAB> PASS|FAIL|SKIP <TAB> reason.
Peer rows (upstream's vfio_ccw.ko in the same boot) are shown beside
ours and summarised on a line of their own; they never count as our
failures.  The last line is "Summary: N passed, N failed".
"""

import json
import re
import sys


def kunit_rows(json_path, out_path):
    with open(json_path) as f:
        root = json.load(f)
    rows = []

    def walk(group, prefix):
        for tc in group.get("test_cases", []):
            rows.append([f"{prefix}.{tc['name']}", "ours", tc["status"], ""])
        for sub in group.get("sub_groups", []):
            walk(sub, f"{prefix}.{sub['name']}")

    for suite in root.get("sub_groups", []):
        walk(suite, f"kunit.{suite['name']}")
    for tc in root.get("test_cases", []):
        rows.append([f"kunit.{tc['name']}", "ours", tc["status"], ""])
    if not rows:
        rows.append(["kunit.parsed", "ours", "FAIL", "no KUnit test found in the KTAP"])
    with open(out_path, "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


def summary(paths):
    ours, peer, order = {}, {}, []
    # Console excerpts of failed boots (vm.py excerpt.txt): printed after
    # the table, where the end of a CI log shows them.
    excerpts = [p for p in paths if p.endswith("excerpt.txt")]
    paths = [p for p in paths if not p.endswith("excerpt.txt")]
    for p in paths:
        with open(p) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 3:
                    continue
                name, driver, verdict = parts[:3]
                reason = parts[3] if len(parts) > 3 else ""
                table = peer if driver == "peer" else ours
                if name not in ours and name not in peer:
                    order.append(name)
                # A name seen twice (two boots) keeps the worse verdict.
                if table.get(name, ("PASS",))[0] != "FAIL":
                    table[name] = (verdict, reason)
    width = max((len(n) for n in order), default=10)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    pcounts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for name in order:
        o = ours.get(name)
        pr = peer.get(name)
        col = f"  [peer: {pr[0]}]" if pr else ""
        if o:
            counts[o[0] if o[0] in counts else "FAIL"] += 1
            why = f"  -- {o[1]}" if o[1] and o[0] != "PASS" else ""
            print(f"{o[0]:4} {name:{width}}{col}{why}")
        else:
            print(f"{'-':4} {name:{width}}{col}  (peer only)")
        if pr:
            pcounts[pr[0] if pr[0] in pcounts else "FAIL"] += 1
            if pr[0] == "FAIL" and pr[1]:
                print(f"     {'':{width}}  peer: {pr[1]}")
    for p in excerpts:
        with open(p, errors="replace") as f:
            print(f.read().rstrip("\n"))
    print(f"peer (upstream vfio_ccw.ko, same boot): {pcounts['PASS']} passed, "
          f"{pcounts['FAIL']} failed, {pcounts['SKIP']} skipped")
    total = counts["PASS"] + counts["FAIL"]
    if total == 0:
        print("Summary: 0 passed, 1 failed")
        return 1
    print(f"Summary: {counts['PASS']} passed, {counts['FAIL']} failed, "
          f"{counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


# @@SAY lines of the bench suites: (regex, [(metric, unit, lower is better)])
BENCH_LINES = [
    (r"^bench (ours|peer) senseid round trip: ([0-9.]+) us",
     [("SENSE ID round trip (QEMU, -icount)", "us", True)]),
    (r"^dasd (ours|peer) (\d+) tracks .*: write ([0-9.]+) MB/s, read ([0-9.]+) MB/s",
     [("DASD sequential write (Hercules)", "MB/s", False),
      ("DASD sequential read (Hercules)", "MB/s", False)]),
]


def bench_table(paths):
    figures = {}
    order = []
    for p in paths:
        try:
            with open(p) as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        for line in lines:
            for pat, metrics in BENCH_LINES:
                m = re.match(pat, line)
                if not m:
                    continue
                driver = m.group(1)
                values = m.groups()[-len(metrics):]
                for (name, unit, lower), v in zip(metrics, values):
                    if name not in order:
                        order.append(name)
                    figures.setdefault(name, {"unit": unit, "lower": lower})[driver] = float(v)
    if not order:
        print("no benchmark figures found")
        return 1
    w = max(len(n) for n in order)
    print(f"{'benchmark':{w}}  {'ours':>12}  {'upstream':>12}  ours/upstream")
    for name in order:
        f = figures[name]
        o, u = f.get("ours"), f.get("peer")
        os_ = f"{o:.2f} {f['unit']}" if o is not None else "-"
        us_ = f"{u:.2f} {f['unit']}" if u is not None else "-"
        ratio = f"{o / u:.2f} ({'lower' if f['lower'] else 'higher'} is better)" \
            if o is not None and u else "-"
        print(f"{name:{w}}  {os_:>12}  {us_:>12}  {ratio}")
    return 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "kunit-rows":
        kunit_rows(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == "summary":
        return summary(sys.argv[2:])
    if len(sys.argv) >= 3 and sys.argv[1] == "bench-table":
        return bench_table(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
