#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read records out of a Hercules CKD DASD image, from outside the guest.

A plain (uncompressed) Hercules CKD image, as `dasdinit` writes it:

    512-byte device header: "CKD_P370", then heads (4 bytes) and track
        size (4 bytes), both little-endian, then the high byte of the
        device type and the file sequence number
    then one slot of "track size" bytes per track, in the order
        cylinder * heads + head:
        5-byte track header: bin (1), cylinder (2), head (2), big-endian
        records: 8-byte count field CC HH R KL DL (big-endian), key,
        data; R0 first
        8 bytes of 0xFF end the track

    ckdimage.py dump IMAGE C H            the count fields of one track
    ckdimage.py check IMAGE C H R N SEED  N records from C/H/R carry the
                                          vfio-eckd pattern of SEED

The pattern is the one tests/guest/selftests/vfio-eckd.c writes: a xorshift32
stream per record, seeded from (seed, cylinder, head, record).
"""

import struct
import sys

REC_LEN = 4096
RECS_PER_TRK = 12


class CkdImage:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        if self.data[:8] != b"CKD_P370":
            raise ValueError(f"{path}: not a plain Hercules CKD image "
                             f"(magic {self.data[:8]!r})")
        self.heads, self.trksize = struct.unpack_from("<II", self.data, 8)
        self.cyls = (len(self.data) - 512) // (self.heads * self.trksize)

    def track(self, cyl, head):
        """The records of a track: [(c, h, r, key, data)]."""
        if cyl >= self.cyls or head >= self.heads:
            raise ValueError(f"track {cyl}/{head} outside {self.cyls}x{self.heads}")
        off = 512 + (cyl * self.heads + head) * self.trksize
        trk = self.data[off:off + self.trksize]
        _, tc, th = struct.unpack_from(">BHH", trk, 0)
        if (tc, th) != (cyl, head):
            raise ValueError(f"track header says {tc}/{th}, slot is {cyl}/{head}")
        recs, pos = [], 5
        while pos + 8 <= len(trk) and trk[pos:pos + 8] != b"\xff" * 8:
            c, h, r, kl, dl = struct.unpack_from(">HHBBH", trk, pos)
            pos += 8
            recs.append((c, h, r, trk[pos:pos + kl], trk[pos + kl:pos + kl + dl]))
            pos += kl + dl
        return recs

    def record(self, cyl, head, rec):
        for c, h, r, _, data in self.track(cyl, head):
            if r == rec:
                if (c, h) != (cyl, head):
                    raise ValueError(f"record {rec} of track {cyl}/{head} "
                                     f"has count field {c}/{h}")
                return data
        raise KeyError(f"no record {cyl}/{head}/{rec}")


def pattern(seed, c, h, r):
    x = (seed * 2654435761 + (c << 20) + (h << 8) + r) & 0xffffffff
    if not x:
        x = 1
    out = bytearray(REC_LEN)
    for i in range(0, REC_LEN, 4):
        x ^= (x << 13) & 0xffffffff
        x ^= x >> 17
        x ^= (x << 5) & 0xffffffff
        struct.pack_into(">I", out, i, x)
    return bytes(out)


def advance(heads, c, h, r, n):
    """The n-th record after c/h/r, RECS_PER_TRK records a track."""
    idx = (c * heads + h) * RECS_PER_TRK + (r - 1) + n
    r = idx % RECS_PER_TRK + 1
    idx //= RECS_PER_TRK
    return idx // heads, idx % heads, r


def check(img, c, h, r, n, seed):
    """None if the n records from c/h/r hold the pattern, else why not."""
    for i in range(n):
        rc, rh, rr = advance(img.heads, c, h, r, i)
        try:
            data = img.record(rc, rh, rr)
        except (KeyError, ValueError) as e:
            return str(e)
        want = pattern(seed, rc, rh, rr)
        if data != want:
            k = next((k for k in range(min(len(data), len(want))) if data[k] != want[k]),
                     min(len(data), len(want)))
            return (f"record {rc}/{rh}/{rr} ({len(data)} bytes) differs from "
                    f"seed {seed}'s pattern at byte {k}")
    return None


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "dump":
        img = CkdImage(sys.argv[2])
        for c, h, r, key, data in img.track(int(sys.argv[3]), int(sys.argv[4])):
            print(f"{c}/{h}/{r} key {len(key)} data {len(data)}")
        return 0
    if len(sys.argv) == 8 and sys.argv[1] == "check":
        img = CkdImage(sys.argv[2])
        why = check(img, *(int(a) for a in sys.argv[3:8]))
        print(why or "ok")
        return 1 if why else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
