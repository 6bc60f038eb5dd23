#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line coverage of the driver from the coverage boot's gcov data.

    coverage.py BOOTDIR MODBUILD [--ktap FILE]

BOOTDIR is the coverage boot's directory (vm.py wrote gcov.tar.gz
there: the .gcda files of our module, as the guest's kernel kept them);
MODBUILD the directory the module was built in (its .gcno files and
sources, tests/vm/initramfs.sh's modbuild/coverage).  Prints a table of
lines per driver file (vfio_ccw_*.c: executable, run, percentage) and
writes BOOTDIR/coverage.txt (the table) and BOOTDIR/uncovered.txt
(every executable line no test ran, as file:line: source).  With --ktap,
one row per file and a row "total" that fails below the target.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

TARGET = 95.0
GCOV = os.environ.get("VFIO_CCW_GCOV", "s390x-linux-gnu-gcov")
LINE = re.compile(r"^\s*([^:]+):\s*(\d+):(.*)$")


def gcov_lines(objdir, gcda):
    """{(source, line): (count or None, text)} for every line gcov reports."""
    base = os.path.basename(gcda)[:-len(".gcda")]
    out = subprocess.run([GCOV, "-t", "-o", objdir, base + ".c"], cwd=objdir,
                         capture_output=True, text=True, check=True).stdout
    lines, source = {}, None
    for raw in out.splitlines():
        m = LINE.match(raw)
        if not m:
            continue
        count, no, text = m.group(1).strip(), int(m.group(2)), m.group(3)
        if no == 0:
            if text.startswith("Source:"):
                source = os.path.basename(text[len("Source:"):])
            continue
        if count == "-":
            continue
        run = 0 if count in ("#####", "=====") else int(count.rstrip("*"))
        # a line shared by functions comes again in a block per function:
        # the line's own count, first, is the largest
        old = lines.get((source, no))
        lines[(source, no)] = (max(run, old[0]) if old else run, text)
    return lines


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("bootdir")
    p.add_argument("modbuild")
    p.add_argument("--ktap")
    args = p.parse_args()
    tarball = os.path.join(args.bootdir, "gcov.tar.gz")
    rows = []
    try:
        report(args, tarball, rows)
    except (OSError, tarfile.TarError, subprocess.CalledProcessError) as e:
        rows[:] = [("total", False, f"no coverage from {tarball}: {e}")]
    if args.ktap:
        with open(args.ktap, "w") as f:
            f.write(f"KTAP version 1\n1..{len(rows)}\n")
            for i, (name, ok, why) in enumerate(rows, 1):
                f.write(f"# {name}: {why}\n{'ok' if ok else 'not ok'} {i} {name}\n")
    return 0 if all(ok for _, ok, _ in rows) else 1


def report(args, tarball, rows):
    """Fill ROWS (name, ok, why) from TARBALL; write the table and the list."""
    if not os.path.exists(tarball):
        rows.append(("total", False, f"no gcov data in {args.bootdir} (did the boot end?)"))
        return
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as t:
            try:
                t.extractall(os.path.join(tmp, "data"), filter="data")
            except TypeError:       # Python before 3.11.4 (Debian 12's)
                t.extractall(os.path.join(tmp, "data"))
        objdir = os.path.join(tmp, "obj")
        os.makedirs(objdir)
        # the driver's objects: the sources and .gcno of the build,
        # the .gcda from the guest
        for gcno in glob.glob(os.path.join(args.modbuild, "vfio_ccw_*.gcno")):
            if not re.match(r"vfio_ccw_\w+\.gcno$", os.path.basename(gcno)):
                continue
            shutil.copy(gcno, objdir)
            src = gcno[:-len(".gcno")] + ".c"
            shutil.copy(src, objdir)
        for h in glob.glob(os.path.join(args.modbuild, "*.h")):
            shutil.copy(h, objdir)
        # (os.walk, not glob: the build's path has a .cache in it)
        for top, _, names in os.walk(os.path.join(tmp, "data")):
            if top.endswith("/kunit"):
                continue
            for n in names:
                if re.match(r"vfio_ccw_\w+\.gcda$", n):
                    shutil.copy(os.path.join(top, n), objdir)
        lines = {}
        for gcda in sorted(glob.glob(os.path.join(objdir, "vfio_ccw_*.gcda"))):
            for key, v in gcov_lines(objdir, gcda).items():
                old = lines.get(key)
                lines[key] = (max(v[0], old[0]) if old else v[0], v[1])
    table, uncovered = [], []
    files = sorted({s for s, _ in lines if re.match(r"vfio_ccw_\w+\.c$", s or "")})
    total = run = 0
    for f in files:
        mine = sorted((no, v) for (s, no), v in lines.items() if s == f)
        n = len(mine)
        r = sum(1 for _, (c, _) in mine if c)
        total, run = total + n, run + r
        table.append((f, n, r))
        uncovered += [f"{f}:{no}:{text}" for no, (c, text) in mine if not c]
        rows.append((f, True, f"{r}/{n} lines ({100.0 * r / n:.1f} %)"))
    pct = 100.0 * run / total if total else 0.0
    table.append(("total", total, run))
    rows.append(("total", pct >= TARGET,
                 f"{run}/{total} lines ({pct:.1f} %, target {TARGET:.0f} %; "
                 f"uncovered lines in {args.bootdir}/uncovered.txt)"))
    with open(os.path.join(args.bootdir, "uncovered.txt"), "w") as f:
        f.write("\n".join(uncovered) + "\n")
    text = [f"{'file':<22} {'lines':>6} {'run':>6} {'%':>6}"]
    text += [f"{f:<22} {n:>6} {r:>6} {100.0 * r / n if n else 0:>6.1f}" for f, n, r in table]
    with open(os.path.join(args.bootdir, "coverage.txt"), "w") as f:
        f.write("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    sys.exit(main())
