#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The state table's two pictures, made from vfio_ccw_fsm.c.

The table exists once, as vfio_ccw_jumptable in vfio_ccw_fsm.c.  This
script reads it and the actions it names, and makes:

  - the grid between ".. fsm-table-begin" and ".. fsm-table-end" in
    Documentation/design.rst: a row per state, a column per event, each
    cell the action's name;
  - Documentation/fsm.dot: an edge from each state to every state the
    cell's action can return (its "return VFIO_CCW_STATE_X", "return
    parent->state", and the actions it returns the result of), labelled
    with the events.

    fsm_doc.py write    rewrite both from the code
    fsm_doc.py check    exit 1 (with a diff) if either is not what the
                        code makes
"""
import difflib
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(REPO, "vfio_ccw_fsm.c")
HDR = os.path.join(REPO, "vfio_ccw_private.h")
DESIGN = os.path.join(REPO, "Documentation", "design.rst")
DOT = os.path.join(REPO, "Documentation", "fsm.dot")
BEGIN, END = ".. fsm-table-begin", ".. fsm-table-end"


def enum_list(hdr, name):
    m = re.search(r"#define %s\b(.*?)\n(?!\t)" % name, hdr, re.S)
    if not m:
        raise SystemExit(f"fsm_doc.py: {name} not found in {HDR}")
    return re.findall(r"EMe?\(VFIO_CCW_(?:STATE|EVENT)_(\w+),", m.group(1))


def jumptable(src, states, events):
    m = re.search(r"vfio_ccw_jumptable\[[^]]*\]\[[^]]*\] = \{\n(.*?)\n\};", src, re.S)
    if not m:
        raise SystemExit(f"fsm_doc.py: vfio_ccw_jumptable not found in {SRC}")
    table = {}
    for row in re.finditer(r"\[VFIO_CCW_STATE_(\w+)\] = \{(.*?)\}", m.group(1), re.S):
        for cell in re.finditer(r"\[VFIO_CCW_EVENT_(\w+)\]\s*=\s*(\w+)", row.group(2)):
            table[(row.group(1), cell.group(1))] = cell.group(2)
    missing = [(s, e) for s in states for e in events if (s, e) not in table]
    if missing:
        raise SystemExit(f"fsm_doc.py: cells without an action: {missing}")
    extra = [k for k in table if k[0] not in states or k[1] not in events]
    if extra:
        raise SystemExit(f"fsm_doc.py: cells of states or events not in the lists: {extra}")
    return table


def strip_comments(src):
    return re.sub(r"/\*.*?\*/", " ", src, flags=re.S)


def bodies(src):
    """action name -> its body, comments removed"""
    src = strip_comments(src)
    out = {}
    for m in re.finditer(r"^static enum vfio_ccw_state\s+(fsm_\w+)\(.*?\)\n\{\n(.*?)^\}",
                         src, re.S | re.M):
        out[m.group(1)] = m.group(2)
    return out


def targets(action, body_of, seen=None):
    """The states @action can return; "SELF" for parent->state."""
    seen = set() if seen is None else seen
    if action in seen:
        return set()
    seen.add(action)
    body = body_of[action]
    out = set()
    for ret in re.findall(r"return\s+([^;]*);", body, re.S):
        out |= set(re.findall(r"VFIO_CCW_STATE_(\w+)", ret))
        if "parent->state" in ret:
            out.add("SELF")
        for callee in re.findall(r"\b(fsm_\w+)\(parent", ret):
            if callee in body_of:
                out |= targets(callee, body_of, seen)
    return out


def grid(states, events, table):
    cols = [["state"] + events]
    rows = [[s] + [table[(s, e)].removeprefix("fsm_") for e in events] for s in states]
    allrows = cols + rows
    width = [max(len(r[i]) for r in allrows) for i in range(len(events) + 1)]
    rule = " ".join("=" * w for w in width)

    def line(r):
        return " ".join(c.ljust(w) for c, w in zip(r, width)).rstrip()

    out = [BEGIN, "",
           ".. Made by tests/run/fsm_doc.py from vfio_ccw_jumptable; `make static`",
           "   checks it.", "", rule, line(cols[0]), rule]
    out += [line(r) for r in rows]
    out += [rule, "", END]
    return "\n".join(out)


def dot(states, events, table, body_of):
    edges = {}
    for s in states:
        for e in events:
            for t in sorted(targets(table[(s, e)], body_of)):
                t = s if t == "SELF" else t
                if t == s and table[(s, e)].startswith(("fsm_refuse_", "fsm_nop", "fsm_irq_drop")):
                    continue
                if e not in edges.setdefault((s, t), []):
                    edges[(s, t)].append(e)
    out = ["// SPDX-License-Identifier: GPL-2.0",
           "// Made by tests/run/fsm_doc.py from vfio_ccw_jumptable (vfio_ccw_fsm.c):",
           "// an edge for every state the code of a cell's action can return,",
           "// whether or not that path can run in that state (fsm_reenable(),",
           "// reached from CLOSE's actions too, runs only for a RESET);",
           "// refusals and ignored events, which keep the state, are left out.",
           "// Render: dot -Tsvg Documentation/fsm.dot > fsm.svg",
           "digraph vfio_ccw_fsm {",
           "\trankdir=LR;",
           "\tnode [shape=box, style=rounded];"]
    for (s, t), evs in sorted(edges.items(), key=lambda kv: (states.index(kv[0][0]),
                                                            states.index(kv[0][1]))):
        label = "\\n".join(evs)
        out.append(f'\t{s} -> {t} [label="{label}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def made():
    with open(SRC) as f:
        src = f.read()
    with open(HDR) as f:
        hdr = f.read()
    states = enum_list(hdr, "VFIO_CCW_STATES")
    events = enum_list(hdr, "VFIO_CCW_EVENTS")
    if len(states) < 2 or len(events) < 2:
        raise SystemExit(f"fsm_doc.py: cannot read the state and event lists of {HDR}")
    table = jumptable(src, states, events)
    body_of = bodies(src)
    unknown = sorted({a for a in table.values() if a not in body_of})
    if unknown:
        raise SystemExit(f"fsm_doc.py: actions not found in {SRC}: {unknown}")
    return grid(states, events, table), dot(states, events, table, body_of)


def main(argv):
    if len(argv) != 2 or argv[1] not in ("write", "check"):
        raise SystemExit(__doc__)
    want_grid, want_dot = made()
    with open(DESIGN) as f:
        design = f.read()
    try:
        a = design.index(BEGIN)
        b = design.index(END, a) + len(END)
    except ValueError:
        raise SystemExit(f"fsm_doc.py: {DESIGN} has no {BEGIN} ... {END} block")
    have_grid = design[a:b]
    have_dot = open(DOT).read() if os.path.exists(DOT) else ""
    if argv[1] == "write":
        with open(DESIGN, "w") as f:
            f.write(design[:a] + want_grid + design[b:])
        with open(DOT, "w") as f:
            f.write(want_dot)
        return 0
    bad = 0
    for name, have, want in (("design.rst", have_grid, want_grid), ("fsm.dot", have_dot, want_dot)):
        if have != want:
            sys.stdout.writelines(difflib.unified_diff(
                have.splitlines(True), want.splitlines(True), name, "vfio_ccw_fsm.c"))
            bad = 1
    if bad:
        print("\nnot what vfio_ccw_fsm.c makes: run tests/run/fsm_doc.py write")
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
