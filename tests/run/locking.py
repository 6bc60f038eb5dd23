#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Documentation/locking.rst's ownership table, made from the header.

Who may write each field of struct vfio_ccw_parent and struct
vfio_ccw_private is said once, in vfio_ccw_private.h, by the comment
that heads the field's group.  The table between the markers
".. ownership-begin" and ".. ownership-end" of locking.rst is made from
those headings:

    locking.py write    rewrite the table from the header
    locking.py check    exit 1 (with a diff) if the table is not what
                        the header makes, or a field has no heading
"""
import difflib
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = os.path.join(REPO, "vfio_ccw_private.h")
DOC = os.path.join(REPO, "Documentation", "locking.rst")
STRUCTS = ["vfio_ccw_parent", "vfio_ccw_private"]
BEGIN, END = ".. ownership-begin", ".. ownership-end"

FIELD = re.compile(r"^\t(?!/)[^(]*?[\s*](\w+)(\[[^\]]*\])?;$")
FIELD_MACRO = re.compile(r"^\t[A-Z_]+\((\w+),.*\);$")


def groups(text, struct):
    """[(heading, [field, ...]), ...] of struct's body.  A group is a
    heading comment (one or more lines) and the fields right below it; a
    blank line ends it.  A field outside a group, a declaration of two
    fields, or a line that is neither is an error."""
    m = re.search(r"^struct %s \{\n(.*?)^\};" % struct, text, re.M | re.S)
    if not m:
        raise SystemExit(f"locking.py: struct {struct} not found in {HEADER}")
    out, heading, open_group = [], None, False
    lines = m.group(1).split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            open_group = False
            continue
        if line.startswith("\t/*"):
            words = [line.strip()]
            while "*/" not in words[-1]:
                if i == len(lines):
                    raise SystemExit(f"locking.py: struct {struct}: unterminated comment")
                words.append(lines[i].strip())
                i += 1
            heading = " ".join(w.strip("/* ").strip() for w in words if w.strip("/* "))
            heading = re.sub(r"\s+", " ", heading)
            out.append((heading, []))
            open_group = True
            continue
        f = FIELD.match(line) or FIELD_MACRO.match(line)
        if not f or "," in line.split("(")[0]:
            raise SystemExit(f"locking.py: struct {struct}: cannot read {line.strip()!r} "
                             "(one field per line, no trailing comment)")
        if f.group(1).startswith("__"):
            raise SystemExit(f"locking.py: struct {struct}: attribute {f.group(1)!r} "
                             f"taken for a field name in {line.strip()!r}")
        if not open_group:
            raise SystemExit(f"locking.py: struct {struct}: {f.group(1)} has no heading "
                             "(a blank line ends a group)")
        out[-1][1].append(f.group(1))
    return out


def table(text):
    lines = [BEGIN, "",
             ".. Made by tests/run/locking.py from the group headings of",
             "   vfio_ccw_private.h; `make static` checks it.", ""]
    for struct in STRUCTS:
        lines += [f"``struct {struct}``", ""]
        for heading, fields in groups(text, struct):
            lines += [f"* {heading}", "", "  " + ", ".join(f"``{f}``" for f in fields), ""]
    lines.append(END)
    return "\n".join(lines)


def split_doc(doc):
    try:
        a = doc.index(BEGIN)
        b = doc.index(END, a) + len(END)
    except ValueError:
        raise SystemExit(f"locking.py: {DOC} has no {BEGIN} ... {END} block")
    return doc[:a], doc[a:b], doc[b:]


def main(argv):
    if len(argv) != 2 or argv[1] not in ("write", "check"):
        raise SystemExit(__doc__)
    with open(HEADER) as f:
        want = table(f.read())
    with open(DOC) as f:
        doc = f.read()
    head, have, tail = split_doc(doc)
    if argv[1] == "write":
        with open(DOC, "w") as f:
            f.write(head + want + tail)
        return 0
    if have == want:
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        have.splitlines(True), want.splitlines(True), "locking.rst", "vfio_ccw_private.h"))
    print("\nlocking.rst's ownership table is not the header's: run tests/run/locking.py write")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
