#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The errno catalogue: tests/guest/selftests/errno_catalogue.def rendered as the
table of Documentation/errno-catalogue.rst.

    catalogue.py check       exit 1 (and say why) if the document's table
                             is not what the .def renders to
    catalogue.py write       rewrite the table in the document

The table sits between the lines ".. catalogue-begin" and
".. catalogue-end"; the rest of the document is prose and left alone.
Every row is a test: vfio-errno runs the case against both drivers
(tests/guest/suites/errno.sh).
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEF = os.path.join(REPO, "tests", "guest", "selftests", "errno_catalogue.def")
DOC = os.path.join(REPO, "Documentation", "errno-catalogue.rst")
BEGIN, END = ".. catalogue-begin", ".. catalogue-end"

CASE = re.compile(r'CASE\(\s*(\w+)\s*,\s*(E2?\([^)]*\))\s*,\s*(E2?\([^)]*\))\s*,'
                  r'\s*((?:"[^"]*"\s*)+),\s*((?:"[^"]*"\s*)+)\)', re.S)
SECTION = re.compile(r"/\* --- (.+?) --- \*/")


def strings(s):
    return "".join(re.findall(r'"([^"]*)"', s))


def answer(e):
    """E(X) -> 'X', E2(A, B) -> 'A (container), B (cdev)'."""
    args = [a.strip() for a in e[e.index("(") + 1:-1].split(",")]
    args = ["accepted" if a == "OK" else f"-{a}" for a in args]
    if len(args) == 2 and args[0] != args[1]:
        return f"{args[0]} (container), {args[1]} (cdev)"
    return args[0]


def parse(text):
    """[(section, id, ours, upstream, request, why)] in file order."""
    # Drop the header comment, which shows the syntax.
    body = text.split("*/", 1)[1]
    items = []
    for m in re.finditer(r"(/\* --- .+? --- \*/)|" + CASE.pattern, body, re.S):
        if m.group(1):
            items.append(("section", SECTION.match(m.group(1)).group(1)))
            continue
        cid, ours, up, req, why = m.group(2, 3, 4, 5, 6)
        items.append(("case", cid, answer(ours), answer(up), strings(req), strings(why)))
    return items


def table(rows):
    head = ("case", "request", "ours", "upstream", "difference")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(5)]
    sep = "  ".join("=" * w for w in widths)
    out = [sep, "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(), sep]
    for r in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    out.append(sep)
    return out


def render(items):
    """One table per section of the .def, under a heading of its own."""
    out, rows, title = [], [], None

    def flush():
        if rows:
            out.extend([title, "-" * len(title), ""] + table(rows) + [""])

    for it in items:
        if it[0] == "section":
            flush()
            title, rows = it[1][0].upper() + it[1][1:], []
            continue
        _, cid, ours, up, req, why = it
        rows.append((f"``{cid}``", req, ours, up, why or "same"))
    flush()
    n = sum(1 for it in items if it[0] == "case")
    return f"{n} cases.\n\n" + "\n".join(out)


def split_doc(doc):
    if BEGIN not in doc or END not in doc:
        raise ValueError(f"{DOC}: no '{BEGIN}' ... '{END}' block")
    head, rest = doc.split(BEGIN + "\n", 1)
    table, tail = rest.split(END, 1)
    return head, table, tail


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("check", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(DEF) as f:
        items = parse(f.read())
    table = "\n" + render(items) + "\n"
    with open(DOC) as f:
        doc = f.read()
    head, old, tail = split_doc(doc)
    if sys.argv[1] == "write":
        with open(DOC, "w") as f:
            f.write(head + BEGIN + "\n" + table + END + tail)
        return 0
    if old != table:
        print(f"{DOC} is out of date with {DEF}: run tests/run/catalogue.py write")
        return 1
    print(f"errno catalogue: {sum(1 for it in items if it[0] == 'case')} cases, "
          "document in step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
