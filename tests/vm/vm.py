#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the bench kernel under qemu-system-s390x (or Hercules) and run
guest suites.

    vm.py --flavour test --kernel bzImage --initrd initrd.gz \
          --suites lifecycle,kunit --out DIR [--timeout S] [--icount]
          [--machine qemu|hercules]

--machine hercules boots the same kernel under Debian's Hercules with a
3390 DASD on a 3990 control unit at device number 0120 (a fresh plain
image, DIR/dasd0120.3390), a 3215 console at 0009, a 3490 tape drive per
driver at 0580 and 0581 (empty AWS files, DIR/tape<devno>.aws) and one
without a tape at 0582 and 0583 (mounted when the guest asks), then
unit-record devices (tests/vm/unitrec.py), a 3270 display at 0700
whose terminal user is s3270 (tests/vm/tn3270.py) and a CTC link (two
3088s at 0E40 and 0E41, connected to each other); after Hercules has shut
down, every @@CKDCHECK the guest announced is checked in the DASD image
(tests/vm/ckdimage.py), every @@TAPECHECK in its tape image
(tests/vm/tapeimage.py) and every @@URCHECK in the printer or punch
file, each a row of its own, as is every 3270 screen the client saw.

The guest (tests/guest/init) reports its results as KTAP on the
console, among @@ markers (a table of handlers, MARKERS); this runner
keeps the whole console in DIR/console.log, answers @@QMP requests on
the QMP socket, and writes:

    DIR/ktap.txt       the guest's KTAP (the console's KTAP lines)
    DIR/vm.ktap        the runner's own verdicts, as KTAP: the guest
                       booted, finished (no crash, panic or hang past
                       the timeout), its kernel log has no report
                       (WARNING, BUG, lockdep, KASAN, UBSAN, kmemleak,
                       hung task); the DASD image checks
    DIR/dmesg.txt      the guest's kernel log
    DIR/said.txt       the guest's @@SAY lines (figures)
    DIR/gcov.tar.gz    the coverage kernel's gcov data of our module

A runner that dies still writes vm.ktap, with a failed "runner" test.
"""

import argparse
import base64
import json
import os
import random
import re
import select
import socket
import subprocess
import sys
import time

# Kernel log lines that mean the run must fail.
KERNEL_REPORTS = [
    r"WARNING: ",
    r"BUG: ",
    r"Kernel panic",
    r"ilc:\d \[#\d+\]",  # an s390 oops: "illegal operation: 0001 ilc:3 [#1]"
    r"Oops",
    r"possible circular locking dependency",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"INFO: task .* blocked for more than",
    r"lockdep",
    r"KASAN: ",
    r"UBSAN: ",
    r"ODEBUG: ",
    r"list_add corruption",
    r"list_del corruption",
    r"general protection",
    r"Unable to handle kernel",
    r"scheduling while atomic",
    r"sleeping function called from invalid context",
]
# Messages that contain a pattern above but are not reports.
KERNEL_REPORT_EXCEPTIONS = [
    r"lockdep: fixing up alternatives",
    r"Lock dependency validator",
    r"RCU lockdep checking is enabled",
    r"\.\.\. MAX_LOCKDEP",
    r"per task-struct memory footprint",
    r"kmemleak: Kernel memory leak detector initialized",
    r"KernelAddressSanitizer initialized",
]

# Reports of the kernel under test, not of the driver, tolerated by name
# when every line that identifies them is present within the report.
# Each is an optional row known.<name> of tests/vm/vm.manifest, with the
# boots it is expected in and why; Documentation/testing.rst ("Tolerated
# reports") describes both.
KNOWN_REPORTS = {
    # VFIO type1 (6.12): vfio_notify_dma_unmap() holds device_list_lock
    # while drivers unpin (iommu->lock); register_device() nests them the
    # other way.  Every mdev driver that unpins in dma_unmap triggers it.
    "vfio_type1_unmap_inversion": [
        r"WARNING: possible circular locking dependency detected",
        r"is trying to acquire lock:",
        r"\(&iommu->lock\).*at: vfio_iommu_type1_unpin_pages",
        r"already holding lock:",
        r"\(&iommu->device_list_lock\)",
    ],
    # VFIO core (6.12): when vfio_create_group() fails after the group
    # took its iommu_group (an allocation failed by the faults suite's
    # fail-nth while an mdev is created), the put of the half-made group
    # WARNs in vfio_group_release().  Any mdev driver meets it there.
    "vfio_create_group_error_path": [
        r"WARNING: CPU: \d+ PID: \d+ at drivers/vfio/group.c:\d+ vfio_group_release",
        r"vfio_create_group",
        r"vfio_device_set_group",
    ],
}

def without_gcov(lines):
    """The console without the gcov section: base64 can spell a report."""
    out, inside = [], False
    for line in lines:
        if "@@GCOV-BEGIN" in line:
            inside = True
        elif "@@GCOV-END" in line:
            inside = False
        elif not inside:
            out.append(line)
    return out


# Lines of a stack dump that follows "stack backtrace:".
TRACE_LINE = re.compile(r"^\s*(\[<|\(\[<|CPU: |Hardware name:|Call Trace:|"
                        r"Tainted:|Last Breaking-Event-Address:|$)")

QEMU_BY_FLAVOUR = {
    # The KASAN kernel boots only with -cpu max and one CPU.
    # -cpu max, and one host thread for both vCPUs (round robin: the guest
    # still has two CPUs).  With "-cpu qemu", multi-threaded or not and
    # even with one CPU, QEMU 7.2 now and then ran a freshly loaded
    # module's CPU on code or data of the module unloaded before it
    # ("illegal operation" in module text): 9 of 30 boots that swapped
    # modules, against 1 of 11 with -cpu max (check.py also keeps the
    # two drivers in boots of their own).
    "test": ["-cpu", "max", "-smp", "2", "-m", "1024", "-accel", "tcg,thread=single"],
    "sanitize": ["-cpu", "max", "-smp", "1", "-m", "1024"],
}
# The benchmarks' kernel (tests/guest/kconfig/perf.config) boots as "test".
QEMU_BY_FLAVOUR["perf"] = QEMU_BY_FLAVOUR["test"]
QEMU_BY_FLAVOUR["coverage"] = QEMU_BY_FLAVOUR["test"]

# Test subchannels: virtio-blk-ccw devices vblk0, vblk1, ... (QMP ids)
# on null block backends.  QEMU numbers subchannels in creation order:
# 0.0.0000, 0.0.0001, ...  (tests/guest/lib.sh's qemu_device_of knows
# this naming, for replugging a device through QMP.)
NR_DEVICES = 3


# Hercules: a 3390-1 of DASD_CYLS cylinders, formatted like dasdfmt'd
# Linux volumes (12 records of 4096 bytes a track; cylinder 0 holds the
# label).  Devices in subchannel order: reader (IPL), DASD, console.
# nosyncio: Hercules would otherwise run a program whose tracks are
# cached inside the SSCH instruction, on the guest's only CPU, where a
# program that runs until halted hangs the guest.
DASD_DEVNO = "0120"
DASD_CYLS = 40
# ... and a 3490 tape drive per driver on an AWS file (DIR/tape<devno>.aws,
# empty at boot: each driver writes from the load point) and unit-record
# devices, last, so that the others keep their subchannels: a card
# reader per driver (its cards from tests/vm/unitrec.py; at the end of
# its file a reader presents unit exception for good), a printer and a
# card punch (ASCII files).
TAPE_DEVNOS = {"ours": "0580", "peer": "0581"}
# ... and a drive per driver without a tape: an automatic-operator rule
# mounts an empty one (DIR/tape<devno>.aws) when the guest prints
# "@@TAPEMOUNT <devno>".
MOUNT_DEVNOS = {"ours": "0582", "peer": "0583"}
UNITREC = {"reader-ours": ("000D", "3505"), "reader-peer": ("000B", "3505"),
           "printer": ("000E", "1403"), "punch": ("000F", "3525")}
# ... then a 3270 display (a tn3270 client, tests/vm/tn3270.py, connects
# to Hercules' console port when the guest asks) and a channel-to-channel
# link: two 3088s, Hercules' CTCE devices, connected to each other over
# the loopback (each listens on an even port and the one after it).
TN3270_DEVNO = "0700"
CTC_DEVNOS = ("0E40", "0E41")


def free_ports(count, step):
    """COUNT loopback ports, each with the STEP - 1 after it free too."""
    ports = []
    rng = random.Random()
    while len(ports) < count:
        base = rng.randrange(20000, 60000, 2)
        socks = []
        try:
            for port in range(base, base + step):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("0.0.0.0", port))
            if base not in ports:
                ports.append(base)
        except OSError:
            pass
        finally:
            for sock in socks:
                sock.close()
    return ports


def guest_cmdline(args, machine_words):
    """The guest kernel's command line: the machine's words, the suites."""
    # allnoconfig leaves KUNIT_DEFAULT_ENABLED off: enable it here.
    words = [machine_words, "console=ttyS0 loglevel=5 kunit.enable=1",
             f"vccw.suites={args.suites}"] + args.append
    return " ".join(words)


def hercules_setup(args):
    """Write the images, configuration, parm and rc files:
    (cmd, env, DASD image, tape images, console port)."""
    out = os.path.abspath(args.out)
    image = os.path.join(out, f"dasd{DASD_DEVNO}.3390")
    if os.path.exists(image):
        os.unlink(image)
    tapes = {}
    for devno in TAPE_DEVNOS.values():
        tapes[devno] = os.path.join(out, f"tape{devno}.aws")
        open(tapes[devno], "wb").close()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import unitrec  # pylint: disable=import-outside-toplevel

    ur_lines = ""
    for name, (devno, devtype) in UNITREC.items():
        path = os.path.join(out, f"{name}.txt")
        if name.startswith("reader-"):
            with open(path, "w") as f:
                f.write(unitrec.cards(name.split("-")[1]))
            ur_lines += f"{devno} {devtype} {path} ascii eof\n"
        else:
            if os.path.exists(path):
                os.unlink(path)
            ur_lines += f"{devno} {devtype} {path}" + (" ascii\n" if name == "punch" else "\n")
    subprocess.run(["dasdinit", "-linux", image, "3390-1", "VCCW01", str(DASD_CYLS)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    # The kernel reads one line of parameters after itself from the reader.
    # Hercules' SCLP line-mode console keeps only one line of every buffer
    # the kernel writes: the 3215 console loses nothing.
    # A panic stops the CPU (on_panic=stop) rather than re-IPL from the
    # reader: the runner sees the stop and ends Hercules.
    cmdline = guest_cmdline(args, "conmode=3215 condev=0x0009 on_panic=stop")
    parm = os.path.join(out, "parm.txt")
    with open(parm, "w") as f:
        f.write(cmdline + "\n")
    cnslport, ctc_a, ctc_b = free_ports(1, 1) + free_ports(2, 2)
    comm_lines = (f"{TN3270_DEVNO} 3270\n"
                  f"{CTC_DEVNOS[0]} 3088 CTCE {ctc_a} 127.0.0.1 {ctc_b}\n"
                  f"{CTC_DEVNOS[1]} 3088 CTCE {ctc_b} 127.0.0.1 {ctc_a}\n")
    cfg = os.path.join(out, "hercules.cnf")
    with open(cfg, "w") as f:
        f.write("CPUSERIAL 000611\nCPUMODEL 2097\nMAINSIZE 1024\nNUMCPU 1\n"
                "ARCHMODE z/Arch\nOSTAILOR LINUX\nPANRATE SLOW\n"
                f"CNSLPORT 127.0.0.1:{cnslport}\n"
                f"000C 3505 {os.path.abspath(args.kernel)} {parm} "
                f"{os.path.abspath(args.initrd)} autopad eof\n"
                f"{DASD_DEVNO} 3390 {image} nosyncio\n"
                "0009 3215-C /\n"
                + "".join(f"{d} 3490 {p}\n" for d, p in tapes.items())
                + "".join(f"{d} 3490 *\n" for d in MOUNT_DEVNOS.values())
                + ur_lines + comm_lines)
    for devno in MOUNT_DEVNOS.values():
        open(os.path.join(out, f"tape{devno}.aws"), "wb").close()
    rc = os.path.join(out, "hercules.rc")
    with open(rc, "w") as f:
        f.write(f"hao tgt @@TAPEMOUNT ({'|'.join(MOUNT_DEVNOS.values())})\n"
                f"hao cmd devinit $1 {out}/tape$1.aws\n"
                "ipl 000c\n")
    env = dict(os.environ, HERCULES_RC=rc)
    return ([emulator("VFIO_CCW_HERCULES", "hercules"), "-d", "-f", cfg], env, image, tapes,
            cnslport)


def hercules_quit(proc):
    """End Hercules.  It shuts down cleanly on SIGTERM and writes its
    track cache back to the image; "quit" on stdin is not read in daemon
    mode."""
    proc.terminate()


def check_images(image, checks):
    """Rows (image.<driver>.<test>, verdict, reason) for the guest's
    @@CKDCHECK lines, read from the image file."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ckdimage  # pylint: disable=import-outside-toplevel

    try:
        img = ckdimage.CkdImage(image)
    except (OSError, ValueError) as e:
        return [("image.open", "FAIL", str(e))]
    rows, done = [], {}
    for devno, driver, test, c, h, r, n, seed in checks:
        if devno != DASD_DEVNO:
            rows.append((f"image.{driver}.{test}", "FAIL", f"no image for {devno}"))
            continue
        why = ckdimage.check(img, int(c), int(h), int(r), int(n), int(seed))
        key = (driver, test)
        prev = done.get(key, (0, 0, None))
        done[key] = (prev[0] + 1, prev[1] + int(n) * ckdimage.REC_LEN, prev[2] or why)
    for (driver, test), (runs, nbytes, why) in done.items():
        if why:
            rows.append((f"image.{driver}.{test}", "FAIL", why))
        else:
            rows.append((f"image.{driver}.{test}", "PASS",
                         f"{runs} run(s), {nbytes} bytes as written, read from the image file"))
    return rows


def tape_rows(tapes, console):
    """Rows (tape.<driver>.<variant>) of the tape files the guest
    announced (@@TAPECHECK <devno> <driver> <variant> <file> <seed>),
    read from the drive's AWS file, and of their count against
    @@TAPESENT."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import tapeimage  # pylint: disable=import-outside-toplevel

    rows, files = [], {}
    for c in console.tape:
        if len(c) != 5 or c[0] not in tapes or not (c[3].isdigit() and c[4].isdigit()):
            rows.append(("tape.marker", "FAIL", f"malformed @@TAPECHECK {' '.join(c)}"))
            continue
        devno, driver, variant, file_no, seed = c
        try:
            if devno not in files:
                files[devno] = tapeimage.read_files(tapes[devno])
        except (OSError, ValueError) as e:
            rows.append((f"tape.{driver}.{variant}", "FAIL", f"{tapes[devno]}: {e}"))
            continue
        why = tapeimage.check(files[devno], int(file_no), int(seed))
        rows.append((f"tape.{driver}.{variant}", "FAIL" if why else "PASS",
                     why or f"file {file_no}: {len(tapeimage.BLOCK_LEN)} blocks and a "
                            "tape mark as written, read from the AWS file"))
    rows += sent_rows("tape", console.tape_sent, console.tape, 1, 5)
    return rows


def sent_rows(kind, sent_lines, checks, driver_field, nfields):
    """Rows <kind>.<driver>.count: the checks the host got of a driver
    against the number the guest said it sent."""
    rows = []
    for sent in sent_lines:
        if len(sent) != 2 or not sent[1].isdigit():
            rows.append((f"{kind}.marker", "FAIL", f"malformed sent line {' '.join(sent)!r}"))
            continue
        got = sum(1 for c in checks if len(c) == nfields and c[driver_field] == sent[0])
        if got != int(sent[1]):
            rows.append((f"{kind}.{sent[0]}.count", "FAIL",
                         f"guest sent {sent[1]} {kind} checks, host got {got}"))
        else:
            rows.append((f"{kind}.{sent[0]}.count", "PASS", f"{got} {kind} checks"))
    return rows


def unitrec_rows(out, console):
    """Rows (unitrec.<device>.<tag>.<variant>) of the printer and punch
    runs the guest announced (@@URCHECK <device> <tag> <variant>), read
    from the devices' files, and of their count against @@URSENT."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import unitrec  # pylint: disable=import-outside-toplevel

    rows = []
    for c in console.ur:
        if len(c) != 3 or c[0] not in ("printer", "punch"):
            rows.append(("unitrec.marker", "FAIL", f"malformed @@URCHECK {' '.join(c)}"))
            continue
        kind, tag, variant = c
        try:
            with open(os.path.join(out, f"{kind}.txt"), errors="replace", newline="") as f:
                content = f.read()
        except OSError as e:
            rows.append((f"unitrec.{kind}.{tag}.{variant}", "FAIL", str(e)))
            continue
        why = unitrec.check(kind, content, tag, variant)
        rows.append((f"unitrec.{kind}.{tag}.{variant}", "FAIL" if why else "PASS",
                     why or f"3 {'lines' if kind == 'printer' else 'cards'} as written, "
                            f"read from the {kind} file"))
    rows += sent_rows("unitrec", console.ur_sent, console.ur, 1, 3)
    return rows


def qemu_cmd(args, qmp_path):
    cmd = [emulator("VFIO_CCW_QEMU", "qemu-system-s390x"), "-M", "s390-ccw-virtio"]
    cmd += QEMU_BY_FLAVOUR[args.flavour]
    if args.smp:
        cmd[cmd.index("-smp") + 1] = str(args.smp)
    if args.cpu:
        cmd[cmd.index("-cpu") + 1] = args.cpu
    if args.mem:
        cmd[cmd.index("-m") + 1] = str(args.mem)
    if args.icount:
        # Guest time counts instructions: repeatable benchmarks.
        cmd = [c for c in cmd]
        i = cmd.index("-smp")
        cmd[i + 1] = "1"
        cmd += ["-icount", "shift=0,sleep=off"]
    cmd += ["-nographic", "-nodefaults", "-no-reboot", "-serial", "stdio",
            "-kernel", args.kernel, "-initrd", args.initrd,
            "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    cmd += ["-append", guest_cmdline(args, "panic=-1")]
    for i in range(args.devices):
        cmd += ["-blockdev",
                f"driver=null-co,node-name=null{i},size=16777216,read-zeroes=on",
                "-device",
                f"virtio-blk-ccw,id=vblk{i},devno=fe.0.{0x100 + i:04x},drive=null{i}"]
    return cmd


class Qmp:
    """Minimal QMP client, connected on first use."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""

    def _readmsg(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QMP closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, req):
        if self.sock is None:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.settimeout(10)
            self.sock.connect(self.path)
            self._readmsg()  # greeting
            self.sock.sendall(b'{"execute":"qmp_capabilities"}\n')
            while "return" not in self._readmsg():
                pass
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = self._readmsg()
            if "return" in msg or "error" in msg:
                return msg


def split_markers(line):
    """A console line cut before every @@ marker that does not start it."""
    return [p for p in re.split(r"(?=@@[A-Z])", line) if p] or [line]


def drop_known_reports(lines):
    """Remove known kernel reports (KNOWN_REPORTS); return (lines, names)."""
    known = []
    out = list(lines)
    for name, sig in KNOWN_REPORTS.items():
        i = 0
        while i < len(out):
            if not re.search(sig[0], out[i]):
                i += 1
                continue
            # The report runs to the end of its stack backtrace (or to
            # the guest's next marker, whichever comes first).
            end = next((j for j in range(i + 1, len(out)) if "@@" in out[j]), len(out))
            bt = next((j for j in range(i, end) if "stack backtrace:" in out[j]), None)
            et = next((j for j in range(i, end) if "---[ end trace" in out[j]), None)
            if et is not None:
                # a WARN: from "cut here" to its end-of-trace line
                end = et + 1
                if i > 0 and "cut here" in out[i - 1]:
                    i -= 1
            elif bt is not None:
                end = next((j for j in range(bt + 1, end)
                            if not TRACE_LINE.match(out[j])), end)
            block = out[i:end]
            pos = 0
            for pat in sig[1:]:
                pos = next((k for k in range(pos, len(block))
                            if re.search(pat, block[k])), None)
                if pos is None:
                    break
            if pos is None:
                i += 1
                continue
            known.append(name)
            out = out[:i] + out[end:]
    if known:
        # Lockdep stops after its first report and says so when asked
        # for held locks later: a consequence, not a second report.
        out = [l for l in out if "INFO: lockdep is turned off." not in l]
    return out, known


def kernel_reports(lines):
    found = []
    for line in lines:
        if any(re.search(p, line) for p in KERNEL_REPORTS) and \
           not any(re.search(p, line) for p in KERNEL_REPORT_EXCEPTIONS):
            found.append(line.strip())
    return found


# Lines of console kept in excerpt.txt for a failed boot.
EXCERPT_REPORT_LINES = 45
EXCERPT_TAIL_LINES = 15


def write_excerpt(path, vm, lines, report):
    """The first kernel report (with its stack) and the console's last
    lines, for the test report: a CI log shows what went wrong without
    the console file."""
    out = [f"--- {vm}: console excerpt ---"]
    if report:
        i = next((k for k, l in enumerate(lines) if report in l.strip()), None)
        if i is not None:
            start = max(0, i - 5)
            out += lines[start:i + EXCERPT_REPORT_LINES]
            out.append("--- ... last lines of the console ---")
    out += lines[-EXCERPT_TAIL_LINES:]
    with open(path, "w") as f:
        f.write("\n".join(l[:200] for l in out) + "\n")


# A console line that is KTAP (the guest's results, tests/guest/lib.sh):
# what ktap.txt keeps of the console, for the kernel's KTAP parser.
KTAP_LINE = re.compile(r"^\s*(K?TAP version \d+|1\.\.\d+|(not )?ok \d+\b.*|#.*)$")


class Console:
    """What the guest said on its console, read line by line: every
    @@ marker is handled by its entry of MARKERS, lines between a
    section's BEGIN and END markers are collected, and the KTAP lines
    of the rest are kept in order."""

    # marker -> (section it collects, marker that ends it)
    SECTIONS = {
        "DMESG-BEGIN": ("dmesg", "DMESG-END"),
        "KMEMLEAK-BEGIN": ("kmemleak", "KMEMLEAK-END"),
        "GCOV-BEGIN": ("gcov", "GCOV-END"),
    }

    def __init__(self, args, qmp, log, on_end):
        self.args = args
        self.qmp = qmp
        self.log = log          # the console file, for the host's notes
        self.on_end = on_end    # called once at @@END
        self.section = None
        self.sections = {"dmesg": [], "kmemleak": [], "gcov": []}
        self.ktap, self.said, self.ckd, self.ckd_sent = [], [], [], []
        self.tape, self.tape_sent, self.ur, self.ur_sent = [], [], [], []
        self.booted = self.ended = False
        self.results = 0
        self.terminal = None    # tn3270.Terminal, on the Hercules bench

    def feed(self, whole):
        # Markers start a line; Hercules' 3215 console can lose a newline
        # and run two markers into one line.
        for line in split_markers(whole):
            m = re.search(r"@@(\S+)\s?(.*)$", line)
            tag, rest = (m.group(1), m.group(2)) if m else (None, None)
            if self.section:
                name, end = self.section
                if tag == end:
                    self.section = None
                else:
                    self.sections[name].append(line)
                continue
            if tag in self.SECTIONS:
                self.section = self.SECTIONS[tag]
            elif tag in MARKERS:
                MARKERS[tag](self, rest)
            elif not m and KTAP_LINE.match(line):
                self.ktap.append(line)
                if re.match(r"^\s*(not )?ok \d+", line):
                    self.results += 1

    def progress(self, text):
        print(f"[vm {self.args.name}] {text}", file=sys.stderr, flush=True)

    def booted_(self, rest):
        self.booted = True
        self.progress(f"booted: {rest}")

    def say(self, rest):
        self.said.append(rest)
        print(f"  {self.args.name}: {rest}", flush=True)

    def suite(self, rest):
        self.progress(f"suite {rest}")

    def qmp_request(self, rest):
        try:
            reply = self.qmp.command(json.loads(rest))
        except (OSError, ValueError, EOFError) as e:
            reply = {"error": str(e)}
        self.log.write(f"[host] QMP {rest} -> {json.dumps(reply)}\n")

    def ckdcheck(self, rest):
        self.ckd.append(rest.split())

    def ckdsent(self, rest):
        self.ckd_sent.append(rest.split())

    def tapecheck(self, rest):
        self.tape.append(rest.split())

    def tapesent(self, rest):
        self.tape_sent.append(rest.split())

    def urcheck(self, rest):
        self.ur.append(rest.split())

    def ursent(self, rest):
        self.ur_sent.append(rest.split())

    def tn3270(self, rest):
        if self.terminal:
            self.terminal.marker(rest)
        else:
            self.log.write(f"[host] no terminal for @@TN3270 {rest} (not the Hercules bench)\n")

    def tn3270sent(self, rest):
        if self.terminal:
            self.terminal.sent.append(rest.split())

    def end(self, _rest):
        if not self.ended:
            self.ended = True
            self.on_end()


# @@<marker> on the console (tests/guest/init) -> its handler
MARKERS = {
    "BOOTED": Console.booted_,
    "SAY": Console.say,
    "SUITE": Console.suite,
    "QMP": Console.qmp_request,
    "CKDCHECK": Console.ckdcheck,
    "CKDSENT": Console.ckdsent,
    "TAPECHECK": Console.tapecheck,
    "TAPESENT": Console.tapesent,
    "URCHECK": Console.urcheck,
    "URSENT": Console.ursent,
    "TN3270": Console.tn3270,
    "TN3270SENT": Console.tn3270sent,
    "END": Console.end,
}


def emulator(name, default):
    """The emulator binary: VFIO_CCW_QEMU / VFIO_CCW_HERCULES override
    it (the harness's own tests start a stand-in)."""
    return os.environ.get(name, default)


def read_console(args, proc, console, log, hercules):
    """Feed the guest's console to CONSOLE until the guest ends or the
    timeout; True if it timed out."""
    start = time.monotonic()
    last_progress = start
    pending = b""
    quit_sent = False
    while True:
        now = time.monotonic()
        if now - start > args.timeout:
            proc.kill()
            return True
        if now - last_progress >= 30:
            console.progress(f"{int(now - start)} s, {console.results} results so far")
            last_progress = now
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if not ready:
            if proc.poll() is not None:
                return False
            continue
        data = os.read(proc.stdout.fileno(), 65536)
        if not data:
            return False
        pending += data
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            whole = raw.decode("utf-8", "replace").rstrip("\r")
            log.write(whole + "\n")
            log.flush()
            if hercules and not quit_sent and \
               re.search(r"SIGP Stop|[Dd]isabled wait|HHCCP011I", whole):
                # The guest stopped (crash, panic, poweroff before
                # @@END): Hercules itself stays up until told.
                hercules_quit(proc)
                quit_sent = True
            console.feed(whole)


def write_ktap(path, rows):
    """ROWS [(name, PASS|FAIL|SKIP, reason)] as a KTAP document."""
    with open(path, "w") as f:
        f.write(f"KTAP version 1\n1..{len(rows)}\n")
        for i, (name, verdict, why) in enumerate(rows, 1):
            why = " ".join(str(why).split())
            if why and verdict != "SKIP":
                f.write(f"# {name}: {why}\n")
            if verdict == "PASS":
                f.write(f"ok {i} {name}\n")
            elif verdict == "SKIP":
                f.write(f"ok {i} {name} # SKIP {why}\n")
            else:
                f.write(f"not ok {i} {name}\n")


def image_rows(image, console):
    """Rows of the DASD image checks the guest announced (@@CKDCHECK),
    and of their count against what it said it sent (@@CKDSENT)."""
    ckd = console.ckd
    rows = check_images(image, [c for c in ckd if len(c) == 8])
    if any(len(c) != 8 for c in ckd):
        rows.append(("image.marker", "FAIL", "malformed @@CKDCHECK line"))
    rows += sent_rows("image", console.ckd_sent, ckd, 1, 8)
    return rows


def run(args):
    os.makedirs(args.out, exist_ok=True)
    qmp_path = os.path.join(args.out, "qmp.sock")
    if os.path.exists(qmp_path):
        os.unlink(qmp_path)
    console_path = os.path.join(args.out, "console.log")
    env, image, tapes, cnslport = None, None, None, None
    hercules = args.machine == "hercules"
    if hercules:
        cmd, env, image, tapes, cnslport = hercules_setup(args)
    else:
        cmd = qemu_cmd(args, qmp_path)
    with open(os.path.join(args.out, "qemu-cmd.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")

    start = time.monotonic()
    # Hercules gets an open stdin that never sends anything.
    proc = subprocess.Popen(cmd, env=env,
                            stdin=subprocess.PIPE if hercules else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with open(console_path, "w", errors="replace") as log:
        # Everything before @@END is out: Hercules is done then.
        console = Console(args, Qmp(qmp_path), log,
                          (lambda: hercules_quit(proc)) if hercules else (lambda: None))
        if cnslport:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import tn3270  # pylint: disable=import-outside-toplevel

            console.terminal = tn3270.Terminal(cnslport, args.out,
                                               lambda text: log.write(f"[host] {text}\n"))
        timed_out = read_console(args, proc, console, log, hercules)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if console.terminal:
            console.terminal.finish()
    elapsed = time.monotonic() - start

    rows = []
    if console.terminal:
        rows += console.terminal.rows()
    if tapes:
        rows += tape_rows(tapes, console)
        rows += unitrec_rows(args.out, console)
    if image:
        # Hercules has written its track cache back and exited.
        rows += image_rows(image, console)
        # 34 MB: kept only when a check failed, for the reader.
        if all(r[1] == "PASS" for r in rows):
            os.unlink(image)
    with open(os.path.join(args.out, "ktap.txt"), "w") as f:
        f.write("".join(line + "\n" for line in console.ktap))
    dmesg = console.sections["dmesg"]
    with open(os.path.join(args.out, "dmesg.txt"), "w") as f:
        f.write("\n".join(dmesg) + "\n")
    with open(os.path.join(args.out, "said.txt"), "w") as f:
        f.write("".join(line + "\n" for line in console.said))
    if console.sections["gcov"] and not console.section:
        # kernel messages may come between the lines: base64 lines only
        data = "".join(l.strip() for l in console.sections["gcov"]
                       if re.fullmatch(r"[A-Za-z0-9+/=]+", l.strip()))
        try:
            with open(os.path.join(args.out, "gcov.tar.gz"), "wb") as f:
                f.write(base64.b64decode(data, validate=True))
        except ValueError as e:
            print(f"vm.py: the gcov data is not base64 ({e}): no gcov.tar.gz", file=sys.stderr)

    if not console.booted:
        rows.insert(0, ("boot", "FAIL", f"guest did not reach /init (see {console_path})"))
    else:
        rows.insert(0, ("boot", "PASS", ""))
    if timed_out:
        rows.append(("finished", "FAIL", f"timeout after {args.timeout} s (see {console_path})"))
    elif not console.ended:
        rows.append(("finished", "FAIL", f"guest died before @@END (see {console_path})"))
    else:
        rows.append(("finished", "PASS", f"{elapsed:.0f} s"))
    # The console has what dmesg could not show after a crash; dmesg has
    # what the console's log level hid.  Scan both.
    with open(console_path, errors="replace") as f:
        console_lines, known = drop_known_reports(without_gcov(f.read().splitlines()))
    dmesg_lines, _ = drop_known_reports(dmesg)
    # "inner: " lines are the inner QEMU's output, copied by the nested
    # suite, which judges them itself.
    reports = kernel_reports(dmesg_lines + [l for l in console_lines
                                            if "@@" not in l and not l.startswith("inner: ")])
    for name in sorted(set(known)):
        rows.append((f"known.{name}", "SKIP",
                     "kernel issue, not the driver's: reported and tolerated (see vm.py)"))
    kmemleak = console.sections["kmemleak"]
    leaks = [l for l in kmemleak if "unreferenced object" in l]
    if leaks:
        reports.append(f"kmemleak: {len(leaks)} unreferenced object(s)")
        with open(os.path.join(args.out, "kmemleak.txt"), "w") as f:
            f.write("\n".join(kmemleak) + "\n")
    if reports:
        rows.append(("kernel_log", "FAIL",
                     f"{reports[0]} (+{len(reports) - 1} more; see {console_path})"))
    else:
        rows.append(("kernel_log", "PASS", ""))
    if reports or timed_out or not console.ended:
        write_excerpt(os.path.join(args.out, "excerpt.txt"), f"vm.{args.name}",
                      console_lines, reports[0] if reports else None)
    write_ktap(os.path.join(args.out, "vm.ktap"), rows)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--flavour", required=True, choices=sorted(QEMU_BY_FLAVOUR))
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--suites", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=int, default=600)
    p.add_argument("--icount", action="store_true")
    p.add_argument("--machine", default="qemu", choices=["qemu", "hercules"])
    p.add_argument("--smp", type=int, default=0, help="override the CPU count")
    p.add_argument("--cpu", default="", help="override the CPU model (QEMU)")
    p.add_argument("--mem", type=int, default=0, help="override the memory size, MiB (QEMU)")
    p.add_argument("--devices", type=int, default=NR_DEVICES,
                   help="virtio-blk-ccw devices (QEMU)")
    p.add_argument("--append", action="append", default=[],
                   help="kernel command-line words (repeatable)")
    p.add_argument("--name", default="", help="the boot's name (default: the flavour)")
    args = p.parse_args()
    args.name = args.name or args.flavour
    try:
        sys.exit(run(args))
    except Exception as e:
        # A runner that dies still leaves a verdict: the boot failed.
        os.makedirs(args.out, exist_ok=True)
        write_ktap(os.path.join(args.out, "vm.ktap"),
                   [("runner", "FAIL", f"vm.py: {type(e).__name__}: {e}")])
        raise


if __name__ == "__main__":
    main()
