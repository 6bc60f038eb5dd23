#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read an AWS tape image and check what vfio-tape wrote into it.

An AWS file is a sequence of chunks, each behind a 6-byte header: the
chunk's length and the previous chunk's length (16 bits each, little
endian), then two flag bytes; flag byte 1 has 0x80 for the first chunk
of a block, 0x20 for its last and 0x40 for a tape mark.  Hercules writes
a block of up to 64K as one chunk.

vfio-tape (tests/guest/selftests/vfio-tape.c) writes, per test variant,
one tape file of NR_BLOCKS blocks with the pattern below, then a tape
mark; check() reads the file back from the image:

    tapeimage.py IMAGE                 list the files and their blocks
    tapeimage.py IMAGE FILE SEED       check one file as vfio-tape wrote it
"""
import struct
import sys

BLOCK_LEN = [4000, 2048, 12000]
NEWREC, TAPEMARK, ENDREC = 0x80, 0x40, 0x20


def read_files(path):
    """[(blocks, marked), ...]: the files of the tape, each a list of its
    blocks' bytes and whether a tape mark ends it (only the last file
    can lack one)."""
    with open(path, "rb") as f:
        data = f.read()
    files, blocks, cur, pos = [], [], None, 0
    while pos < len(data):
        if pos + 6 > len(data):
            raise ValueError(f"truncated chunk header at offset {pos}")
        length, _prev, flags1, _flags2 = struct.unpack_from("<HHBB", data, pos)
        pos += 6
        if flags1 & TAPEMARK:
            if cur is not None:
                raise ValueError(f"tape mark inside a block at offset {pos - 6}")
            files.append((blocks, True))
            blocks = []
            continue
        if pos + length > len(data):
            raise ValueError(f"chunk of {length} bytes at offset {pos - 6} runs past the end")
        chunk = data[pos:pos + length]
        pos += length
        if flags1 & NEWREC:
            if cur is not None:
                raise ValueError(f"block begins inside a block at offset {pos - length - 6}")
            cur = b""
        elif cur is None:
            raise ValueError(f"chunk without a block at offset {pos - length - 6}")
        cur += chunk
        if flags1 & ENDREC:
            blocks.append(cur)
            cur = None
    if cur is not None:
        raise ValueError("the last block has no end")
    if blocks:
        files.append((blocks, False))
    return files


def pattern(seed, i):
    """Block i of a file: vfio-tape.c's pattern()."""
    x = (seed * 2654435761 + (i << 16) + 0x7A9E) & 0xFFFFFFFF
    if not x:
        x = 1
    out = bytearray(BLOCK_LEN[i])
    for k in range(BLOCK_LEN[i]):
        if not k & 3:
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
        out[k] = (x >> (24 - 8 * (k & 3))) & 0xFF
    return bytes(out)


def check(files, file_no, seed):
    """None if tape file FILE_NO holds the blocks vfio-tape wrote with
    SEED and ends with a tape mark, else why not."""
    if file_no >= len(files):
        return f"the tape has {len(files)} file(s), no file {file_no}"
    blocks, marked = files[file_no]
    if not marked:
        return f"file {file_no} ends without a tape mark"
    if len(blocks) != len(BLOCK_LEN):
        return (f"file {file_no} has {len(blocks)} block(s) "
                f"({[len(b) for b in blocks]}), not {len(BLOCK_LEN)}")
    for i, b in enumerate(blocks):
        want = pattern(seed, i)
        if b != want:
            if len(b) != len(want):
                return f"file {file_no} block {i}: {len(b)} bytes, not {len(want)}"
            k = next(k for k in range(len(b)) if b[k] != want[k])
            return f"file {file_no} block {i}: byte {k} is {b[k]:#04x}, not {want[k]:#04x}"
    return None


def main(argv):
    if len(argv) not in (2, 4):
        raise SystemExit(__doc__)
    files = read_files(argv[1])
    if len(argv) == 2:
        for n, (blocks, marked) in enumerate(files):
            print(f"file {n}: {len(blocks)} block(s): {[len(b) for b in blocks]}"
                  + ("" if marked else ", no tape mark"))
        return 0
    why = check(files, int(argv[2]), int(argv[3]))
    print(why or "ok")
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
