#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check, make compare and make check-long: every test, as jobs run
two at a time on a machine's cores.

    check.py [--compare] [--long] [--coverage] [--out DIR]

make check (the gate) tests our driver: the harness's own tests, the
static checks, the packaging tests, and the boots of BOOTS, each
running guest suites against our module.  make compare runs the same
boots with upstream's vfio_ccw.ko too, and prints each row of ours
beside upstream's (which never fails the run).  make check-long is the
gate, the comparison, a long fuzzing boot, the KUnit suites through
the kernel's own kunit.py on a tree the driver was put into, and the
coverage boot: the coverage kernel (gcov) running the KUnit and guest
suites against our module profiled, then the line coverage of each
driver file (tests/run/coverage.py).  make coverage is that boot alone.

Jobs wait for what they need (a kernel build, an initramfs) and run as
CPUs allow (VFIO_CCW_JOBS, default: the machine's cores): a boot takes
one (a TCG guest is one host thread), a kernel build one too but never
two at once, so that a cold run builds beside the boots that need no
build.  Each job's output is in DIR/<job>.log and its progress lines on
the terminal; the report (tests/run/results.py) ends with "Summary: N
passed, N failed".

    VFIO_CCW_FLAVOURS   kernels to test (test sanitize perf); the boots
                        of the others are SKIP rows, said as not selected
    VFIO_CCW_BOOTS      only these boots (names of BOOTS), same rule
    VFIO_CCW_FUZZ_SECONDS   the sanitize boot's fuzzing time (90)
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

RUN_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(RUN_DIR))
HOST = os.path.join(REPO, "tests", "host")
VM = os.path.join(REPO, "tests", "vm")
sys.path.insert(0, RUN_DIR)
import results  # noqa: E402  pylint: disable=wrong-import-position


@dataclass
class Boot:
    name: str
    flavour: str
    suites: str
    args: list = field(default_factory=list)
    timeout: int = 900
    nested: bool = False    # the initramfs with QEMU and mdevctl
    peer: bool = True       # make compare runs it with upstream's driver
    # suites the gate runs with upstream's driver too, for the column
    # beside ours (no other driver has been tested on these devices)
    gate_peer: str = ""


# The boots, longest first.  Each runs one driver; the kunit suite is
# ours only.  "unmap" has a boot of its own and "race" runs last in its
# boots: VFIO type1 in 6.12 reports a lock inversion on those paths,
# after which lockdep checks nothing.  "race" on the test kernel is a
# boot of its own, so that no boot comes near its timeout on a slow
# machine; on the sanitize kernel it follows the faults suite.
# "bench" runs on one CPU with -icount, so its figures count guest
# instructions; "scale" with 32 devices; "dasd" under Hercules, with its
# DASD, tape drives, unit-record devices, 3270 and CTCs; "nested"
# runs Debian's s390x QEMU and mdevctl inside the guest.
BOOTS = [
    Boot("sanitize", "sanitize", "lifecycle,kunit,io,async,errno,fuzz", timeout=1800),
    Boot("faults", "sanitize", "faults,race", ["--devices", "4"], 1500),
    Boot("test", "test", "lifecycle,kunit,io,async,stress,errno,trace"),
    Boot("race", "test", "race"),
    Boot("dasd", "test", "dasd,tape,unitrec,tn3270,ctc", ["--machine", "hercules"],
         gate_peer="tape,unitrec,tn3270,ctc"),
    Boot("scale", "perf", "scale", ["--devices", "32"], 1200),
    Boot("bench", "perf", "bench", ["--icount"], 2400),
    Boot("nested", "test", "nested", ["--cpu", "qemu", "--smp", "1", "--mem", "3072"],
         600, nested=True),
    Boot("unmap", "test", "unmap", timeout=300),
]
FLAVOURS = ["test", "sanitize", "perf"]
# The long tier's coverage boot: the suites of the gate's QEMU boots in
# one boot of the coverage kernel (gcov).  fuzz last: after it the
# device once answered every start with a deferred condition code 3.
COVERAGE = Boot("coverage", "coverage",
                "lifecycle,kunit,io,async,cache,stress,errno,trace,race,unmap,faults,fuzz",
                ["--devices", "4"], 3600)


def log(msg):
    print(f"[check {datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


@dataclass
class Job:
    name: str
    cmd: object                     # a list, or a function returning one
    needs: list = field(default_factory=list)
    build: bool = False             # a kernel build: one at a time
    state: str = "waiting"          # waiting, running, done, failed
    start: float = 0.0
    seconds: float = 0.0
    rc: int = None                  # None: never ran
    after: object = None            # called with the job once it ended


class Scheduler:
    """Runs jobs as their needs are met, at most CPUS at a time and one
    kernel build at a time."""

    # a job's line worth showing on the terminal: the scripts' progress
    SHOW = re.compile(r"^(\[(bench|vm|check) |  \S+: )")

    def __init__(self, out, cpus):
        self.out = out
        self.cpus = cpus
        self.jobs = {}
        self.cond = threading.Condition()

    def add(self, job):
        self.jobs[job.name] = job
        return job

    def _finish(self, job, rc):
        job.rc = rc
        job.seconds = time.monotonic() - job.start if rc is not None else 0.0
        if job.after:
            job.after(job)
        with self.cond:
            job.state = "done" if rc == 0 else "failed"
            self.cond.notify_all()
        if rc is None:
            log(f"{job.name}: not run, a job it needs failed")
        else:
            log(f"{job.name}: {'done' if rc == 0 else f'FAILED (exit {rc})'} "
                f"in {job.seconds:.0f} s")

    def _run(self, job):
        path = os.path.join(self.out, f"{job.name}.log")
        with open(path, "w") as logf:
            try:
                cmd = job.cmd() if callable(job.cmd) else job.cmd
                p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, errors="replace", cwd=REPO)
                for line in p.stdout:
                    logf.write(line)
                    logf.flush()
                    if self.SHOW.match(line):
                        print(line.rstrip("\n"), flush=True)
                rc = p.wait()
            except (OSError, subprocess.CalledProcessError) as e:
                logf.write(f"cannot run {job.name}: {e}\n")
                rc = 127
        self._finish(job, rc)

    def run(self):
        last_status = time.monotonic()
        with self.cond:
            while True:
                # jobs whose needs failed never run
                for job in self.jobs.values():
                    if job.state == "waiting" and any(
                            self.jobs[n].state == "failed" for n in job.needs):
                        job.state = "running"
                        threading.Thread(target=self._finish, args=(job, None),
                                         daemon=True).start()
                running = [j for j in self.jobs.values() if j.state == "running"]
                building = any(j.build for j in running)
                for job in self.jobs.values():
                    if len(running) >= self.cpus:
                        break
                    if job.state != "waiting" or (job.build and building) or \
                       any(self.jobs[n].state != "done" for n in job.needs):
                        continue
                    job.state = "running"
                    job.start = time.monotonic()
                    running.append(job)
                    building = building or job.build
                    log(f"{job.name}: started")
                    threading.Thread(target=self._run, args=(job,), daemon=True).start()
                if not running:
                    if any(j.state == "waiting" for j in self.jobs.values()):
                        raise RuntimeError("jobs wait for each other")
                    return
                self.cond.wait(timeout=60)
                now = time.monotonic()
                if now - last_status >= 60:
                    last_status = now
                    busy = ", ".join(f"{j.name} ({now - j.start:.0f} s)"
                                     for j in self.jobs.values() if j.state == "running")
                    left = sum(1 for j in self.jobs.values() if j.state == "waiting")
                    log(f"running: {busy}; {left} job(s) waiting")


def fuzz_seed(repo=REPO):
    """A seed from the commit: the same for a commit, another for the
    next one (a tree without git history gets 1)."""
    try:
        head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        return int(head[:8], 16) % 2**31 or 1
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 1


def kbuild(flavour):
    """The build directory of a cached kernel (after its job)."""
    return subprocess.run([os.path.join(HOST, "kdir.sh"), flavour], capture_output=True,
                          text=True, check=True).stdout.strip()


def boot_part(boot, driver, out, extra, suites=None):
    """The part a boot adds to parts.json, and the vm.py command (SUITES
    instead of the boot's own)."""
    name = boot.name if driver == "ours" else f"{boot.name}-peer"
    suites = suites or (boot.suites if driver == "ours" else
                        ",".join(s for s in boot.suites.split(",") if s != "kunit"))
    d = os.path.join(out, name)
    machine = "hercules" if "hercules" in boot.args else "qemu"
    part = {
        "name": name, "kind": "boot", "dir": name, "driver": driver,
        "suites": suites.split(","),
        "props": [boot.flavour, machine, boot.name] + suites.split(","),
        "ktap": [{"path": f"{name}/ktap.txt", "prefix": name},
                 {"path": f"{name}/vm.ktap", "prefix": f"{name}.vm"}],
        "rows": [],
    }
    initrd = os.path.join(out, f"initrd-{boot.flavour}{'-nested' if boot.nested else ''}.gz")

    def cmd():
        # the kernel is known once its build job is done
        kernel = os.path.join(kbuild(boot.flavour), "arch", "s390", "boot", "bzImage")
        return [sys.executable, os.path.join(VM, "vm.py"), "--flavour", boot.flavour,
                "--name", name, "--kernel", kernel, "--initrd", initrd, "--suites", suites,
                "--out", d, "--timeout", str(boot.timeout),
                "--append", f"vccw.drivers={driver}"] + boot.args + extra.get(boot.name, [])
    return part, cmd, d


def runner_verdict(part, job, d):
    """After a boot's vm.py: a FAIL row when it did not end well, so a
    runner that died (an exception, a missing program) is counted."""
    if job.rc is None:
        part["rows"].append({"name": f"{part['name']}.runner", "verdict": "FAIL",
                             "reason": "not run: a job it needs failed (see its log)"})
    elif job.rc != 0 or not os.path.exists(os.path.join(d, "vm.ktap")):
        part["rows"].append({"name": f"{part['name']}.runner", "verdict": "FAIL",
                             "reason": f"vm.py exited with {job.rc} (see {d}.log)"})
    part["seconds"] = job.seconds


def host_part(name, manifest, ktap):
    return {"name": name, "kind": "host", "manifest": manifest,
            "ktap": [{"path": ktap, "prefix": name}], "rows": []}


def plan(args, out):
    """The jobs and parts of this run."""
    cpus = int(os.environ.get("VFIO_CCW_JOBS") or os.cpu_count() or 2)
    sched = Scheduler(out, cpus)
    parts = []
    flavours = (os.environ.get("VFIO_CCW_FLAVOURS") or " ".join(FLAVOURS)).split()
    only = (os.environ.get("VFIO_CCW_BOOTS") or "").split()
    seed = fuzz_seed()
    fuzz_seconds = int(os.environ.get("VFIO_CCW_FUZZ_SECONDS") or 90)
    extra = {"sanitize": ["--append", f"vccw.fuzz_seed={seed}",
                          "--append", f"vccw.fuzz_seconds={fuzz_seconds}"]}
    log(f"fuzz seed {seed} (from the commit), {fuzz_seconds} s of fuzzing in the sanitize boot")

    # a name that is no kernel or boot would deselect everything quietly
    for what, names, known in (("VFIO_CCW_FLAVOURS", flavours, FLAVOURS),
                               ("VFIO_CCW_BOOTS", only, [b.name for b in BOOTS])):
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SystemExit(f"{what}: no such name: {' '.join(unknown)} "
                             f"(known: {' '.join(known)})")

    sched.add(Job("setup", [os.path.join(HOST, "setup.sh"), "--base"]))
    boots = []
    for b in ([] if args.coverage else BOOTS):
        why = None
        if b.flavour not in flavours:
            why = f"kernel '{b.flavour}' not selected (VFIO_CCW_FLAVOURS={' '.join(flavours)})"
        elif only and b.name not in only:
            why = f"boot not selected (VFIO_CCW_BOOTS={' '.join(only)})"
        if why:
            parts.append({"name": b.name, "kind": "boot", "skipped": why})
            continue
        boots.append(b)
    # the host's parts need the test kernel; make coverage has none
    needed = {b.flavour for b in boots} | (set() if args.coverage else {"test"})
    # jobs start in the order they are added when they can: the kernels
    # and boots in the order of BOOTS (longest first), then the rest
    for f in dict.fromkeys([b.flavour for b in boots] + FLAVOURS):
        if f in needed:
            sched.add(Job(f"kernel-{f}", [os.path.join(HOST, "setup.sh"), f],
                          needs=["setup"], build=True))

    # one initramfs per kernel (and one with the nested user space); they
    # build in one cache directory per flavour, so one after the other
    last_initrd = {}
    for b in boots:
        key = f"initrd-{b.flavour}{'-nested' if b.nested else ''}"
        if key in sched.jobs:
            continue
        needs = [f"kernel-{b.flavour}"] + ([last_initrd[b.flavour]] if b.flavour in last_initrd
                                           else [])
        cmd = [os.path.join(VM, "initramfs.sh"), b.flavour, os.path.join(out, f"{key}.gz")]
        if b.nested:
            cmd.append("--nested")
        sched.add(Job(key, cmd, needs=needs))
        last_initrd[b.flavour] = key

    compare = args.compare or args.long
    for b in boots:
        for driver in ["ours", "peer"] if compare or b.gate_peer else ["ours"]:
            if driver == "peer" and not b.peer:
                continue
            part, cmd, d = boot_part(b, driver, out, extra,
                                     b.gate_peer if driver == "peer" and not compare else None)
            parts.append(part)
            key = f"initrd-{b.flavour}{'-nested' if b.nested else ''}"
            sched.add(Job(part["name"], cmd, needs=[key],
                          after=lambda j, p=part, dd=d: runner_verdict(p, j, dd)))

    if args.long or args.coverage:
        plan_coverage(sched, parts, out, seed, fuzz_seconds)
    # the host's parts last: the boots are the longest chains
    if not args.compare and not args.coverage:
        sched.add(Job("newest", [os.path.join(HOST, "newest-kernel.sh")], needs=["setup"],
                      build=True))
        for name, manifest, cmd, needs in [
            ("harness", "harness", [sys.executable, os.path.join(RUN_DIR, "selftest.py"),
                                    "--ktap", os.path.join(out, "harness.ktap")],
             ["kernel-test"]),
            ("static", "static", ["sh", "-c", f"{RUN_DIR}/static.sh --logs {out}/static "
                                  f">{out}/static.ktap"], ["kernel-test"]),
            ("pkg", "packaging", ["sh", "-c", f"{RUN_DIR}/packaging.sh {out}/packaging "
                                  f">{out}/pkg.ktap"], ["kernel-test", "newest"]),
        ]:
            part = host_part(name, manifest, f"{name}.ktap")
            parts.append(part)
            sched.add(Job(name, cmd, needs=needs,
                          after=lambda j, p=part: p.update(seconds=j.seconds)))

    if args.coverage:
        pass
    elif args.long and "initrd-sanitize" not in sched.jobs:
        parts.append({"name": "fuzz-long", "kind": "boot",
                      "skipped": "kernel 'sanitize' not selected, or none of its boots"})
    elif args.long:
        fb = Boot("fuzz-long", "sanitize", "fuzz", timeout=3600)
        part, cmd, d = boot_part(fb, "ours", out, {"fuzz-long": [
            "--append", f"vccw.fuzz_seed={seed}", "--append", "vccw.fuzz_requests=200000"]})
        parts.append(part)
        sched.add(Job(part["name"], cmd, needs=["initrd-sanitize"],
                      after=lambda j, p=part, dd=d: runner_verdict(p, j, dd)))
    if args.long:
        part = host_part("kunit-tool", None, "kunit-tool.ktap")
        part["manifest_from"] = ["kunit", "vfio_ccw_kunit"]
        parts.append(part)
        sched.add(Job("kunit-tool", ["sh", "-c", f"{RUN_DIR}/kunit-tool.sh {out}/kunit-tool "
                                     f">{out}/kunit-tool.ktap"],
                      needs=["setup"], build=True,
                      after=lambda j, p=part: p.update(seconds=j.seconds)))
    # the report: the host's parts first
    parts.sort(key=lambda p: p["kind"] != "host")
    return sched, parts


def plan_coverage(sched, parts, out, seed, fuzz_seconds):
    """The coverage kernel, its boot and the report of its gcov data."""
    sched.add(Job("kernel-coverage", [os.path.join(HOST, "setup.sh"), "coverage"],
                  needs=["setup"], build=True))
    sched.add(Job("initrd-coverage", [os.path.join(VM, "initramfs.sh"), "coverage",
                                      os.path.join(out, "initrd-coverage.gz")],
                  needs=["kernel-coverage"]))
    part, cmd, d = boot_part(COVERAGE, "ours", out, {"coverage": [
        "--append", f"vccw.fuzz_seed={seed}", "--append", f"vccw.fuzz_seconds={fuzz_seconds}",
        "--append", "vccw.stress_unplug=1"]})
    parts.append(part)
    sched.add(Job(part["name"], cmd, needs=["initrd-coverage"],
                  after=lambda j, p=part, dd=d: runner_verdict(p, j, dd)))
    report = host_part("coverage-report", "coverage", "coverage.ktap")
    parts.append(report)
    sched.add(Job("coverage-report", [sys.executable, os.path.join(RUN_DIR, "coverage.py"), d,
                                      # tests/vm/initramfs.sh builds it there
                                      os.path.join(results.cache_dir(), "modbuild", "coverage"),
                                      "--ktap", os.path.join(out, "coverage.ktap")],
                  needs=[part["name"]], after=lambda j, p=report: p.update(seconds=j.seconds)))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compare", action="store_true", help="ours beside upstream's driver")
    p.add_argument("--long", action="store_true", help="the long tier")
    p.add_argument("--coverage", action="store_true", help="the coverage boot and its report")
    p.add_argument("--out", help="the run's directory (default tests/out/<time>)")
    args = p.parse_args()
    kind = "compare" if args.compare else "check-long" if args.long else \
        "coverage" if args.coverage else "check"
    out = args.out or os.path.join(REPO, "tests", "out",
                                   f"{kind}-{datetime.datetime.now():%Y%m%d-%H%M%S}")
    os.makedirs(out, exist_ok=True)
    latest = os.path.join(REPO, "tests", "out", "latest")
    if not args.out:
        if os.path.islink(latest) or not os.path.exists(latest):
            if os.path.islink(latest):
                os.unlink(latest)
            os.symlink(out, latest)
    start = time.monotonic()
    log(f"make {kind}: logs in {out}")
    sched, parts = plan(args, out)
    sched.run()
    total = time.monotonic() - start
    timing = ["wall time per job (s): " + ", ".join(
        f"{j.name} {j.seconds:.0f}" for j in sched.jobs.values() if j.seconds),
        f"total: {total:.0f} s ({total / 60:.1f} min) on {sched.cpus} CPU(s)"]
    log(timing[-1])
    with open(os.path.join(out, "parts.json"), "w") as f:
        json.dump({"ksrc": results.kernel_source(), "kind": kind, "parts": parts,
                   "timing": "\n".join(timing)}, f, indent=1)
    if args.compare:
        return results.compare(out)
    return results.summary(out)


if __name__ == "__main__":
    sys.exit(main())
