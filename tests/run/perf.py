#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmarks' table, fit and plot, from the guest's @@SAY lines
(said.txt of the bench, scale and DASD boots; see
tests/guest/suites/bench.sh, scale.sh and dasd.sh).

    perf.py table SAID.txt...            print the table
    perf.py plot OUT_DIR SAID.txt...     also write OUT_DIR/sweeps.dat,
                                         sweeps.gp and sweeps.png (gnuplot)

The fit: over every sweep point (chainK and bufK) of one driver, least
squares of  us = base + per_ccw * CCWs + per_page * pages.  The chain
sweep moves CCWs and pages together, the buffer sweep mostly pages, so
the two costs separate.  "worst fit" is the largest relative distance of
a sweep point from the fitted line: a superlinear term would show there
first, at the long end.
"""

import os
import re
import subprocess
import sys

PERF = re.compile(r"^bench (ours|peer) perf (\S+) ccws=(\d+) pages=(\d+) "
                  r"segments=(\d+) us=([0-9.]+) n=(\d+)")
THROUGHPUT = re.compile(r"^scale (ours|peer) (throughput|throughput_cdev) devices=(\d+) ios=(\d+) "
                        r"seconds=(\d+) iops=(\d+)")
PROFILE = re.compile(r"^profile (ours|peer) (\S+) (\S+) calls_per_io=([0-9.]+) us_per_io=([0-9.]+)")
MEMORY = re.compile(r"^scale (ours|peer) memory mdevs=(\d+) create_slab_kb=(-?\d+) "
                    r"create_free_kb=(-?\d+) open_slab_kb=(-?\d+) open_free_kb=(-?\d+)")

# (ours' scenario, upstream's, label)
SCENARIOS = [
    ("p1", "p1", "P1 one SENSE ID, 256 B"),
    ("p2", "p2", "P2 64 chained CCWs, 64 pages"),
    ("p3", "p3", "P3 one CCW, 64 KiB IDAL (16 IDAWs)"),
    ("p4", "p4", "P4 256 chained CCWs, 16 pages"),
    ("p5", "p5", "P5 16 segments joined by TICs"),
    ("p1_container", "p1_container", "P1 through the legacy type1 container"),
    ("p1_cache", "p1", "P1, ours with the pin cache (off by default)"),
    ("p2_cache", "p2", "P2, ours with the pin cache (off by default)"),
    ("p3_cache", "p3", "P3, ours with the pin cache (off by default)"),
    ("p4_cache", "p4", "P4, ours with the pin cache (off by default)"),
    ("p5_cache", "p5", "P5, ours with the pin cache (off by default)"),
]


def read(paths):
    perf = {"ours": {}, "peer": {}}
    scale = {"ours": {}, "peer": {}}
    profile = {"ours": {}, "peer": {}}
    for p in paths:
        if not os.path.exists(p):
            continue
        with open(p) as f:
            for line in f:
                line = line.strip()
                m = PERF.match(line)
                if m:
                    perf[m.group(1)][m.group(2)] = {
                        "ccws": int(m.group(3)), "pages": int(m.group(4)),
                        "segments": int(m.group(5)), "us": float(m.group(6))}
                    continue
                m = PROFILE.match(line)
                if m:
                    profile[m.group(1)].setdefault(m.group(2), []).append(
                        (m.group(3), float(m.group(4)), float(m.group(5))))
                    continue
                m = THROUGHPUT.match(line)
                if m:
                    scale[m.group(1)][m.group(2)] = int(m.group(6))
                    scale[m.group(1)]["devices"] = int(m.group(3))
                    continue
                m = MEMORY.match(line)
                if m:
                    n = int(m.group(2))
                    scale[m.group(1)]["mem"] = {
                        "n": n,
                        "create_slab": int(m.group(3)) / n,
                        "create_free": int(m.group(4)) / n,
                        "open_slab": int(m.group(5)) / n,
                        "open_free": int(m.group(6)) / n}
    return perf, scale, profile


def solve3(a, b):
    """Solve the 3x3 system a x = b (Gaussian elimination, pivoting)."""
    m = [row[:] + [v] for row, v in zip(a, b)]
    for c in range(3):
        p = max(range(c, 3), key=lambda r: abs(m[r][c]))
        if abs(m[p][c]) < 1e-12:
            return None
        m[c], m[p] = m[p], m[c]
        for r in range(3):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][3] / m[i][i] for i in range(3)]


def fit(points):
    """Least squares us = base + per_ccw*ccws + per_page*pages."""
    pts = [(1.0, p["ccws"], p["pages"], p["us"]) for name, p in points.items()
           if name.startswith(("chain", "buf"))]
    if len(pts) < 4:
        return None
    ata = [[sum(p[i] * p[j] for p in pts) for j in range(3)] for i in range(3)]
    atb = [sum(p[i] * p[3] for p in pts) for i in range(3)]
    x = solve3(ata, atb)
    if x is None:
        return None
    worst = max(abs(x[0] + x[1] * c + x[2] * g - us) / us for _, c, g, us in pts)
    return {"base": x[0], "per_ccw": x[1], "per_page": x[2], "worst": worst}


def ratio(o, u):
    # a negative memory delta is noise (other activity freed memory)
    return f"{o / u:.2f}" if o is not None and u is not None and o > 0 and u > 0 else "-"


def fmt(v, unit, digits=2):
    return "-" if v is None else f"{v:.{digits}f} {unit}"


def profile_table(profile, top=12):
    """Where each driver's kernel instructions of an I/O go: the top
    functions by self time under the function profiler, side by side."""
    for scen in sorted(set(profile["ours"]) | set(profile["peer"])):
        o = profile["ours"].get(scen, [])[:top]
        u = profile["peer"].get(scen, [])[:top]
        print(f"\nprofile {scen.upper()}: kernel functions by self time per I/O "
              "(function profiler on, so inflated; calls per I/O)")
        print(f"  {'ours':30} {'us':>7} {'calls':>6}   {'upstream':30} {'us':>7} {'calls':>6}")
        for i in range(max(len(o), len(u))):
            left = f"{o[i][0]:30.30} {o[i][2]:7.2f} {o[i][1]:6.1f}" if i < len(o) else " " * 45
            right = f"{u[i][0]:30.30} {u[i][2]:7.2f} {u[i][1]:6.1f}" if i < len(u) else ""
            print(f"  {left}   {right}")


def table(paths):
    perf, scale, profile = read(paths)
    if not perf["ours"] and not scale["ours"]:
        print("no benchmark figures found")
        return 1
    rows = []
    for key, peer_key, label in SCENARIOS:
        o = perf["ours"].get(key, {}).get("us")
        u = perf["peer"].get(peer_key, {}).get("us")
        if o is None and u is None:
            continue
        rows.append((label + " (us/I/O)", fmt(o, "us"), fmt(u, "us"), ratio(o, u)))
    fo, fu = fit(perf["ours"]), fit(perf["peer"])
    for k, label in (("base", "fit: fixed cost"), ("per_ccw", "fit: per additional CCW"),
                     ("per_page", "fit: per additional pinned page")):
        o = fo[k] if fo else None
        u = fu[k] if fu else None
        rows.append((label + " (us)", fmt(o, "us"), fmt(u, "us"), ratio(o, u)))
    rows.append(("fit: worst sweep point off the line",
                 fmt(fo["worst"] * 100 if fo else None, "%", 1),
                 fmt(fu["worst"] * 100 if fu else None, "%", 1), "-"))
    n = scale["ours"].get("devices") or scale["peer"].get("devices") or 8
    for k, how in (("throughput", "container"), ("throughput_cdev", "cdev")):
        o, u = scale["ours"].get(k), scale["peer"].get(k)
        rows.append((f"throughput, {n} devices at once, {how} (I/O/s, higher is better)",
                     fmt(o, "", 0), fmt(u, "", 0), ratio(o, u)))
    for k, label in (("create_slab", "slab per mdev, created"), ("create_free", "memory per mdev, created"),
                     ("open_slab", "slab per mdev, opened"), ("open_free", "memory per mdev, opened")):
        o = scale["ours"].get("mem", {}).get(k)
        u = scale["peer"].get("mem", {}).get(k)
        rows.append((label + " (KiB)", fmt(o, "KiB", 1), fmt(u, "KiB", 1), ratio(o, u)))
    w = max(len(r[0]) for r in rows)
    print(f"{'benchmark':{w}}  {'ours':>12}  {'upstream':>12}  ours/upstream")
    for r in rows:
        print(f"{r[0]:{w}}  {r[1]:>12}  {r[2]:>12}  {r[3]}")
    print("(us per I/O: guest instructions under -icount shift=0, lower is better; "
          "throughput: wall clock, -smp 2; memory: /proc/meminfo deltas)")
    profile_table(profile)
    print()
    round_trip_table(paths)
    return 0


# The SENSE ID and DASD figures: (@@SAY regex, [(metric, unit, lower is better)])
BENCH_LINES = [
    (r"^bench (ours|peer) senseid round trip: ([0-9.]+) us",
     [("SENSE ID round trip (QEMU, -icount)", "us", True)]),
    (r"^dasd (ours|peer) (\d+) tracks .*: write ([0-9.]+) MB/s, read ([0-9.]+) MB/s",
     [("DASD sequential write (Hercules)", "MB/s", False),
      ("DASD sequential read (Hercules)", "MB/s", False)]),
]


def round_trip_table(paths):
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
        return
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


def plot(out, paths):
    perf, _, _ = read(paths)
    dat = os.path.join(out, "sweeps.dat")
    with open(dat, "w") as f:
        for sweep, x in (("chain", "ccws"), ("buf", "pages")):
            f.write(f"# {sweep}: {x} ours_us upstream_us\n")
            names = sorted((n for n in perf["ours"] if n.startswith(sweep)),
                           key=lambda n: perf["ours"][n][x])
            for n in names:
                u = perf["peer"].get(n, {}).get("us", "NaN")
                kib = perf["ours"][n]["pages"] * 4
                f.write(f"{perf['ours'][n][x]} {perf['ours'][n]['us']} {u} {kib}\n")
            f.write("\n\n")
    gp = os.path.join(out, "sweeps.gp")
    png = os.path.join(out, "sweeps.png")
    with open(gp, "w") as f:
        f.write(f"""set terminal png size 1100,450
set output '{png}'
set multiplot layout 1,2 title 'vfio-ccw: cost per I/O (guest instructions, -icount shift=0)'
set grid
set key top left
# linear axes: a cost linear in the size is a straight line
set xlabel 'command-chained SENSE ID CCWs, one page each'
set ylabel 'us per I/O'
plot '{dat}' index 0 using 1:2 with linespoints title 'ours', \\
     '' index 0 using 1:3 with linespoints title 'upstream'
set xlabel 'buffer (KiB), 16 IDAWs per CCW'
plot '{dat}' index 1 using 4:2 with linespoints title 'ours', \\
     '' index 1 using 4:3 with linespoints title 'upstream'
unset multiplot
""")
    subprocess.run(["gnuplot", gp], check=True)
    print(f"plot: {png}")
    return table(paths)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        return table(sys.argv[2:])
    if len(sys.argv) >= 4 and sys.argv[1] == "plot":
        return plot(sys.argv[2], sys.argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
