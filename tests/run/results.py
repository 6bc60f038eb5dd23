#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The bench's results: KTAP documents, read with the kernel's own KTAP
parser and held against manifests of the rows they must contain.

Every part of a run writes KTAP: the harness's own tests, the static
checks and the packaging tests on the host, and per boot the guest
(ktap.txt: one subtest per suite) and its runner (vm.ktap).  Each
document is parsed by tools/testing/kunit/kunit_parser.py (what
`kunit.py parse` runs) from the kernel source of the bench; every test
becomes a row named by its path, <part>.<group>...<test>, with the
verdict PASS, FAIL or SKIP.  A test the parser found crashed, or whose
result line is missing, is a FAIL, and so is any complaint of the
parser about the document (a wrong number, a missing subtest).

A manifest lists the rows a part must produce, one per line:

    NAME [| optional] [| skip: REASON] [| when: WORD...]

"optional": the row may be absent; "skip: REASON": the row may be
SKIP, for that known reason (any other SKIP is a FAIL); "when:": the
row is expected only in a boot with one of these properties (its
kernel flavour, machine, name, or a suite it runs).  A row the manifest
does not list, or one it lists that is missing, is a FAIL.  `#` starts
a comment.  Manifests: tests/guest/suites/<suite>.manifest (rows of a
suite, below <boot>.<suite>), tests/vm/vm.manifest (the runner's rows,
below <boot>.vm), tests/run/<part>.manifest for the host's parts.

    results.py summary RUN_DIR       the report of a `make check` run
                                     (RUN_DIR/parts.json says what ran),
                                     ending "Summary: N passed, N failed"
    results.py compare RUN_DIR       the report of a `make compare` run:
                                     ours beside upstream's driver
    results.py manifest RUN_DIR      write the suite manifests the rows of
                                     RUN_DIR imply (after adding tests;
                                     review the diff)
    results.py boot DIR              the rows of one vm.py run in DIR (make
                                     demo, bench, fuzz), FAIL if one failed
"""

import io
import json
import os
import re
import sys
from dataclasses import dataclass, field

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Row:
    name: str
    verdict: str            # PASS, FAIL, SKIP
    reason: str = ""
    tolerated: bool = False  # a SKIP the manifest or the selection allows


@dataclass
class Entry:
    name: str
    optional: bool = False
    skip: str = ""
    when: list = field(default_factory=list)


def cache_dir():
    """The bench's cache (tests/host/lib.sh says where)."""
    return os.environ.get("VFIO_CCW_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vfio-ccw-bench")


def kernel_source():
    """The unpacked kernel source of the bench (its KTAP parser)."""
    with open(os.path.join(cache_dir(), "src", "current")) as f:
        return f.read().strip()


# --- KTAP ------------------------------------------------------------------

_parser = None


def kunit_parser(ksrc):
    """The kernel's KTAP parser from KSRC/tools/testing/kunit."""
    global _parser
    if _parser is None:
        sys.path.insert(0, os.path.join(ksrc, "tools", "testing", "kunit"))
        import kunit_parser as kp  # pylint: disable=import-outside-toplevel
        _parser = kp
    return _parser


def _reason(test):
    """What a test's diagnostic lines said last ("# name: why")."""
    lines = []
    for line in test.log:
        line = line.strip()
        if not line.startswith("#") or line.startswith("# Subtest:"):
            continue
        line = line.lstrip("#").strip()
        if line.startswith(f"{test.name}: "):
            line = line[len(test.name) + 2:]
        if line:
            lines.append(line)
    return " | ".join(lines[-2:])


def parse_ktap(path, prefix, ksrc):
    """Rows of the KTAP document PATH, named below PREFIX; the parser's
    own output goes to PATH.parse.log."""
    kp = kunit_parser(ksrc)
    out = io.StringIO()
    printer = kp.stdout._output
    kp.stdout._output = out
    try:
        with open(path, errors="replace") as f:
            root = kp.parse_run_tests(f.readlines())
    except OSError as e:
        return [Row(f"{prefix}.ktap", "FAIL", f"no results: {e}")]
    finally:
        kp.stdout._output = printer
    with open(path + ".parse.log", "w") as f:
        f.write(out.getvalue())
    if root.status == kp.TestStatus.FAILURE_TO_PARSE_TESTS:
        return [Row(f"{prefix}.ktap", "FAIL", f"no KTAP in {path}")]
    rows = []
    verdicts = {
        kp.TestStatus.SUCCESS: "PASS",
        kp.TestStatus.SKIPPED: "SKIP",
    }

    def walk(test, name):
        for i, sub in enumerate(test.subtests, 1):
            sub_name = f"{name}.{sub.name or f'#{i} (no result line)'}"
            verdict = verdicts.get(sub.status, "FAIL")
            why = _reason(sub)
            if sub.status == kp.TestStatus.TEST_CRASHED:
                why = "crashed, or its result line is missing" + (f": {why}" if why else "")
            elif sub.status == kp.TestStatus.NO_TESTS:
                why = "ran no tests"
            rows.append(Row(sub_name, verdict, why))
            walk(sub, sub_name)

    walk(root, prefix)
    errors = [l.split("[ERROR]", 1)[1].strip() for l in out.getvalue().splitlines()
              if "[ERROR]" in l]
    if errors:
        rows.append(Row(f"{prefix}.ktap", "FAIL",
                        f"{len(errors)} complaint(s) of the KTAP parser: {errors[0]}"))
    return rows


def write_ktap(path, rows):
    """ROWS as a flat KTAP document: reasons as diagnostics."""
    with open(path, "w") as f:
        f.write(f"KTAP version 1\n1..{len(rows)}\n")
        for i, r in enumerate(rows, 1):
            why = " ".join(r.reason.split())
            if why and r.verdict != "SKIP":
                f.write(f"# {r.name}: {why}\n")
            if r.verdict == "PASS":
                f.write(f"ok {i} {r.name}\n")
            elif r.verdict == "SKIP":
                f.write(f"ok {i} {r.name} # SKIP {why}\n")
            else:
                f.write(f"not ok {i} {r.name}\n")


# --- manifests -------------------------------------------------------------

def load_manifest(path):
    entries = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, *flags = [p.strip() for p in line.split("|")]
            e = Entry(name)
            for fl in flags:
                if fl == "optional":
                    e.optional = True
                elif fl.startswith("skip:"):
                    e.skip = fl[5:].strip() or "no reason"
                elif fl.startswith("when:"):
                    e.when = fl[5:].split()
                else:
                    raise ValueError(f"{path}:{n}: unknown flag '{fl}'")
            entries.append(e)
    return entries


def hold(rows, entries, props):
    """ROWS held against ENTRIES (names relative to nothing: give full
    names) for a part with properties PROPS: missing, unexpected and
    untolerated SKIP rows become FAILs."""
    want = {e.name: e for e in entries if not e.when or set(e.when) & props}
    got = {}
    out = []
    for r in rows:
        if r.name in got:
            out.append(Row(r.name, "FAIL", f"reported twice (first {got[r.name].verdict})"))
            continue
        got[r.name] = r
        e = want.get(r.name)
        if e is None:
            out.append(Row(r.name, "FAIL", f"not in the manifest (was {r.verdict}"
                           f"{': ' + r.reason if r.reason else ''})"))
        elif r.verdict == "SKIP" and not r.tolerated:
            if e.skip:
                out.append(Row(r.name, "SKIP", f"{r.reason} [tolerated: {e.skip}]", True))
            else:
                out.append(Row(r.name, "FAIL", f"skipped, and no skip is tolerated here: {r.reason}"))
        else:
            out.append(r)
    for name, e in want.items():
        if name not in got and not e.optional:
            out.append(Row(name, "FAIL", "missing: the manifest expects this row"))
    return out


def prefixed(entries, prefix):
    return [Entry(f"{prefix}.{e.name}", e.optional, e.skip, e.when) for e in entries]


# --- a run -----------------------------------------------------------------

def manifest_path(kind, name):
    if kind == "suite":
        return os.path.join(TESTS_DIR, "guest", "suites", f"{name}.manifest")
    if kind == "vm":
        return os.path.join(TESTS_DIR, "vm", "vm.manifest")
    return os.path.join(TESTS_DIR, "run", f"{name}.manifest")


def part_rows(run_dir, part, ksrc, check=True):
    """Rows of one part of a run (an entry of parts.json), held against
    its manifests when CHECK."""
    name = part["name"]
    if part.get("skipped"):
        return [Row(f"{name}.selected", "SKIP", part["skipped"], True)]
    rows, entries = [], []
    for doc in part["ktap"]:
        path = os.path.join(run_dir, doc["path"])
        if not os.path.exists(path):
            rows.append(Row(f"{doc['prefix']}.ktap", "FAIL", f"{doc['path']} was not written"))
            continue
        rows += parse_ktap(path, doc["prefix"], ksrc)
    rows += [Row(**r) for r in part.get("rows", [])]
    if not check:
        return rows
    if part["kind"] == "boot":
        entries += prefixed(load_manifest(manifest_path("vm", None)), f"{name}.vm")
        for s in part["suites"]:
            p = manifest_path("suite", s)
            if os.path.exists(p):
                entries += prefixed(load_manifest(p), f"{name}.{s}")
            else:
                rows.append(Row(f"{name}.{s}.manifest", "FAIL", f"no manifest {p}"))
        entries.append(Entry(f"{name}.runner", optional=True))
        # the groups above the rows: the suites
        entries += [Entry(f"{name}.{s}") for s in part["suites"]]
    elif "manifest_from" in part:
        # the rows of a suite's manifest below one of its groups (the
        # same KUnit suites, run by kunit.py instead of the guest)
        suite, under = part["manifest_from"]
        entries += prefixed([Entry(e.name[len(under) + 1:], e.optional, e.skip, e.when)
                             for e in load_manifest(manifest_path("suite", suite))
                             if e.name.startswith(under + ".")], name)
    else:
        entries += prefixed(load_manifest(manifest_path("host", part["manifest"])), name)
    return hold(rows, entries, set(part.get("props", [])))


def load_parts(run_dir):
    with open(os.path.join(run_dir, "parts.json")) as f:
        return json.load(f)


def counts(rows):
    c = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for r in rows:
        c[r.verdict if r.verdict in c else "FAIL"] += 1
    return c


def summary(run_dir):
    meta = load_parts(run_dir)
    ksrc = meta["ksrc"]
    everything, verdicts = [], {}
    print()
    for part in meta["parts"]:
        peer = part.get("driver", "ours") == "peer"
        rows = part_rows(run_dir, part, ksrc, check=not peer)
        c = counts(rows)
        wall = f", {part['seconds']:.0f} s" if "seconds" in part else ""
        if peer:
            # upstream's driver is there to be read, never to fail a run:
            # its rows whose verdict differs from ours, beside ours
            print(f"{part['name']} (upstream's, not counted): {c['PASS']} passed, "
                  f"{c['FAIL']} failed, {c['SKIP']} skipped{wall}")
            base = part["name"][:-len("-peer")]
            for r in rows:
                mine = verdicts.get(base + r.name[len(part["name"]):])
                if r.verdict != "PASS" and mine != r.verdict:
                    print(f"  upstream {r.verdict:4} ours {mine or '-':4} "
                          f"{base}{r.name[len(part['name']):]}"
                          + (f"  -- {r.reason}" if r.reason else ""))
            continue
        verdicts.update((r.name, r.verdict) for r in rows)
        everything += rows
        print(f"{part['name']}: {c['PASS']} passed, {c['FAIL']} failed, "
              f"{c['SKIP']} skipped{wall}")
        for r in rows:
            if r.verdict != "PASS":
                print(f"  {r.verdict:4} {r.name}" + (f"  -- {r.reason}" if r.reason else ""))
    write_ktap(os.path.join(run_dir, "results.ktap"), everything)
    with open(os.path.join(run_dir, "results.txt"), "w") as f:
        for r in everything:
            f.write(f"{r.verdict:4} {r.name}" + (f"  -- {r.reason}" if r.reason else "") + "\n")
    for part in meta["parts"]:
        ex = os.path.join(run_dir, part.get("dir", part["name"]), "excerpt.txt")
        if part["kind"] == "boot" and os.path.exists(ex):
            with open(ex, errors="replace") as f:
                print(f.read().rstrip("\n"))
    if "timing" in meta:
        print(meta["timing"])
    c = counts(everything)
    if c["PASS"] + c["FAIL"] == 0:
        c["FAIL"] = 1
    print(f"Summary: {c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] else 0


def compare(run_dir):
    """Each row of our boots beside the same row of upstream's: ours
    held against the manifests (they decide the exit status), the
    peer's as it came."""
    meta = load_parts(run_dir)
    ksrc = meta["ksrc"]
    ours, peer, order = {}, {}, []
    for part in meta["parts"]:
        if part["kind"] != "boot":
            continue
        is_peer = part.get("driver") == "peer"
        base = part["name"][:-len("-peer")] if is_peer else part["name"]
        for r in part_rows(run_dir, part, ksrc, check=not is_peer):
            name = base + r.name[len(part["name"]):]
            if name not in ours and name not in peer:
                order.append(name)
            (peer if is_peer else ours)[name] = r
    width = max((len(n) for n in order), default=10)
    print(f"{'row':{width}}  ours  upstream")
    for name in order:
        o, p = ours.get(name), peer.get(name)
        line = f"{name:{width}}  {o.verdict if o else '-':4}  {p.verdict if p else '-'}"
        why = [f"ours: {o.reason}" for _ in [0] if o and o.verdict != "PASS" and o.reason] + \
            [f"upstream: {p.reason}" for _ in [0] if p and p.verdict != "PASS" and p.reason]
        print(line + (f"  -- {'; '.join(why)}" if why else ""))
    c, pc = counts(ours.values()), counts(peer.values())
    print(f"upstream's vfio_ccw.ko: {pc['PASS']} passed, {pc['FAIL']} failed, "
          f"{pc['SKIP']} skipped")
    if "timing" in meta:
        print(meta["timing"])
    print(f"Summary: {c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] or not c["PASS"] else 0


def boot(run_dir):
    """The rows of the vm.py run in RUN_DIR, without manifests."""
    ksrc = kernel_source()
    part = {"name": os.path.basename(os.path.normpath(run_dir)), "kind": "boot",
            "ktap": [{"path": "ktap.txt", "prefix": "guest"},
                     {"path": "vm.ktap", "prefix": "vm"}]}
    rows = part_rows(run_dir, part, ksrc, check=False)
    c = counts(rows)
    for r in rows:
        if r.verdict != "PASS":
            print(f"  {r.verdict:4} {r.name}" + (f"  -- {r.reason}" if r.reason else ""))
    print(f"{c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] or not c["PASS"] else 0


def write_manifests(run_dir):
    """The suite manifests the boots of RUN_DIR imply: a row every boot
    running its suite produced is plain, one only some did gets the
    properties of those boots as `when:`; flags of rows already in a
    manifest are kept."""
    meta = load_parts(run_dir)
    seen = {}      # suite -> row -> [props of boots that produced it]
    boots = {}     # suite -> [props of boots that ran it]
    for part in meta["parts"]:
        if part["kind"] != "boot" or part.get("skipped") or part.get("driver", "ours") != "ours":
            continue
        props = set(part.get("props", []))
        for r in part_rows(run_dir, part, meta["ksrc"], check=False):
            parts = r.name.split(".")
            if len(parts) < 3 or parts[1] == "vm" or parts[1] not in part["suites"]:
                continue
            seen.setdefault(parts[1], {}).setdefault(".".join(parts[2:]), []).append(props)
        for s in part["suites"]:
            boots.setdefault(s, []).append(props)
    for suite, rows in seen.items():
        path = manifest_path("suite", suite)
        old = {e.name: e for e in load_manifest(path)} if os.path.exists(path) else {}
        lines = [f"# Rows of the {suite} suite (tests/run/results.py; "
                 f"made by 'results.py manifest', then reviewed)."]
        for name, props in rows.items():
            e = old.get(name, Entry(name))
            if len(props) < len(boots[suite]) and not e.when:
                common = set.intersection(*props) - set.intersection(*boots[suite])
                e.when = sorted(common)
            flags = (["optional"] if e.optional else []) + \
                ([f"skip: {e.skip}"] if e.skip else []) + \
                ([f"when: {' '.join(e.when)}"] if e.when else [])
            lines.append(" | ".join([name] + flags))
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{path}: {len(rows)} rows")
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "summary":
        return summary(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "manifest":
        return write_manifests(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "compare":
        return compare(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "boot":
        return boot(sys.argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
