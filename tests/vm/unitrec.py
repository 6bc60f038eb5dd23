#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The unit-record devices' files: what the host gives the card readers
and what it expects in the printer and punch files that vfio-unitrec
(tests/guest/selftests/vfio-unitrec.c) writes through them.

Every line a run reads or writes is "<TAG> <VARIANT> <WHAT> <n>" in
upper case, TAG the driver ("ours", "peer"), VARIANT the test variant
("container", "cdev"), n from 1 to 3.
"""
VARIANTS = ("container", "cdev")


def text(tag, variant, what, n):
    return f"{tag} {variant} {what} {n}".upper()


def cards(tag):
    """The reader file of driver TAG: three cards per variant, in order."""
    return "".join(text(tag, v, "card", n) + "\n" for v in VARIANTS for n in (1, 2, 3))


def punched(tag, variant):
    """What a run leaves in the punch file (ASCII, trailing blanks gone)."""
    return "".join(text(tag, variant, "punch", n) + "\n" for n in (1, 2, 3))


def printed(tag, variant):
    """What a run leaves in the printer file, as Hercules' 1403 writes it
    (its default, browse): each line ended by its spacing, one blank line
    more for the double space; the line written without spacing ends in
    a carriage return, the immediate space after it in a line feed.  The
    skip to channel 1 before the lines is a form feed, except on the
    file's first page (check())."""
    return (text(tag, variant, "line", 1) + "\n"
            + text(tag, variant, "line", 2) + "\n\n"
            + text(tag, variant, "line", 3) + "\r\n")


def check(kind, content, tag, variant):
    """None if the printer or punch file CONTENT holds the run's output,
    else why not."""
    want = printed(tag, variant) if kind == "printer" else punched(tag, variant)
    at = content.find(want)
    if at >= 0 and kind == "printer" and at and content[at - 1] != "\f":
        return f"the printer file has {content[at - 1]!r}, not a form feed, before the run's lines"
    if at >= 0 and kind == "punch" and at and content[at - 1] != "\n":
        return "the punch file has the run's cards after a partial line"
    if at >= 0:
        return None
    first = text(tag, variant, "line" if kind == "printer" else "punch", 1)
    at = content.find(first)
    if at < 0:
        return f"no {first!r} in the {kind} file"
    return f"the {kind} file has {content[max(0, at - 1):at + len(want)]!r}, not {want!r}"
