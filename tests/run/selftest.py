#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The harness's own tests: each shows that a way a failure could vanish
from make check now ends as a FAIL (or, where it should, a tolerated
SKIP).  They run on the host in about a minute, against the cached test
kernel where they build a module, and with a stand-in emulator where
they boot.

    selftest.py [--ktap FILE] [unittest arguments]

With --ktap the results are also written as KTAP, for make check.
"""

import argparse
import base64
import io
import json
import os
import stat
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

RUN_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(RUN_DIR))
sys.path.insert(0, RUN_DIR)
import check  # noqa: E402  pylint: disable=wrong-import-position
import results  # noqa: E402  pylint: disable=wrong-import-position

KSRC = results.kernel_source()


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text).lstrip("\n"))
    if mode:
        os.chmod(path, mode)
    return path


def verdicts(rows):
    return {r.name: r.verdict for r in rows}


class Tmp(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="vccw-selftest-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()


class BootRunner(Tmp):
    """A boot whose runner dies must leave a FAIL behind."""

    def run_boot(self, out_dir, env):
        boot = check.Boot("t", "test", "lifecycle", timeout=30)
        part, cmd, d = check.boot_part(boot, "ours", out_dir, {})
        sched = check.Scheduler(out_dir, 1)
        old = dict(os.environ)
        os.environ.update(env)
        # the scheduler's progress lines are not this run's
        stdout, sys.stdout = sys.stdout, io.StringIO()
        try:
            sched.add(check.Job("t", cmd, after=lambda j: check.runner_verdict(part, j, d)))
            sched.run()
        finally:
            sys.stdout = stdout
            os.environ.clear()
            os.environ.update(old)
        return results.part_rows(out_dir, part, KSRC)

    def test_missing_emulator(self):
        rows = verdicts(self.run_boot(self.tmp, {"VFIO_CCW_QEMU": "/nonexistent/qemu"}))
        self.assertEqual(rows.get("t.vm.runner"), "FAIL", rows)
        self.assertEqual(rows.get("t.runner"), "FAIL", rows)
        self.assertEqual(rows.get("t.vm.finished"), "FAIL", rows)

    def test_runner_dies_silently(self):
        # the boot's directory cannot be made: vm.py dies before it can
        # write a word of its own
        with open(os.path.join(self.tmp, "t"), "w") as f:
            f.write("in the way\n")
        rows = verdicts(self.run_boot(self.tmp, {}))
        self.assertEqual(rows.get("t.runner"), "FAIL", rows)
        self.assertEqual(rows.get("t.vm.finished"), "FAIL", rows)
        self.assertEqual(rows.get("t.lifecycle"), "FAIL", rows)


class Console(Tmp):
    """A guest whose console loses or mangles a result line: the row the
    manifest expects is missing, a FAIL."""

    STAND_IN = """\
        #!/bin/sh
        # a stand-in for qemu-system-s390x: the console of a boot, canned
        cat "$VFIO_CCW_FAKE_CONSOLE"
        """

    def boot(self, ktap_lines, before_end=()):
        lines = ["@@BOOTED 6.12 suites=lifecycle drivers=ours", "KTAP version 1", "1..1",
                 "    KTAP version 1", "    # Subtest: lifecycle"]
        lines += [f"    {l}" for l in ktap_lines] + ["ok 1 lifecycle"] + list(before_end)
        lines += ["@@END"]
        console = write(os.path.join(self.tmp, "console.txt"), "\n".join(lines) + "\n")
        qemu = write(os.path.join(self.tmp, "qemu"), self.STAND_IN, stat.S_IRWXU)
        out = os.path.join(self.tmp, "run")
        os.makedirs(out)
        rows = BootRunner.run_boot(self, out, {"VFIO_CCW_QEMU": qemu,
                                               "VFIO_CCW_FAKE_CONSOLE": console})
        return verdicts(rows)

    def lifecycle_rows(self):
        return [e.name for e in results.load_manifest(results.manifest_path("suite", "lifecycle"))
                if not e.when and not e.optional and "." not in e.name]

    def test_complete_console_passes(self):
        names = self.lifecycle_rows()
        rows = self.boot([f"ok {i} {n}" for i, n in enumerate(names, 1)])
        self.assertNotIn("FAIL", rows.values(), rows)
        self.assertEqual(rows.get(f"t.lifecycle.{names[-1]}"), "PASS")

    def test_lost_line_fails(self):
        names = self.lifecycle_rows()
        lines = [f"ok {i} {n}" for i, n in enumerate(names, 1)]
        del lines[2]
        rows = self.boot(lines)
        self.assertEqual(rows.get(f"t.lifecycle.{names[2]}"), "FAIL", rows)

    def test_gcov_section_is_written(self):
        data = bytes(range(256)) * 3
        b64 = base64.encodebytes(data).decode().splitlines()
        names = self.lifecycle_rows()
        rows = self.boot([f"ok {i} {n}" for i, n in enumerate(names, 1)],
                         ["@@GCOV-BEGIN"] + b64 + ["@@GCOV-END"])
        self.assertNotIn("FAIL", rows.values(), rows)
        with open(os.path.join(self.tmp, "run", "t", "gcov.tar.gz"), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_mangled_line_fails(self):
        names = self.lifecycle_rows()
        lines = [f"ok {i} {n}" for i, n in enumerate(names, 1)]
        # Hercules' 3215 console has run two lines into one
        lines[1:3] = [lines[1] + "    " + lines[2]]
        rows = self.boot(lines)
        self.assertEqual(rows.get(f"t.lifecycle.{names[2]}"), "FAIL", rows)


class Manifest(Tmp):
    def manifest(self, text):
        return results.load_manifest(write(os.path.join(self.tmp, "m"), text))

    def test_unexpected_row_fails(self):
        rows = results.hold([results.Row("a", "PASS"), results.Row("b", "PASS")],
                            self.manifest("a\n"), set())
        self.assertEqual(verdicts(rows), {"a": "PASS", "b": "FAIL"})

    def test_skip_needs_a_manifest_reason(self):
        # a driver that dropped the ORB's suspend control turns the busy
        # tests into SKIPs: only a SKIP the manifest names is tolerated
        m = self.manifest("""\
            async.hsch_busy
            known.inversion | optional | skip: a known kernel report
            """)
        rows = results.hold([results.Row("async.hsch_busy", "SKIP", "ran to the end"),
                             results.Row("known.inversion", "SKIP", "reported")], m, set())
        self.assertEqual(verdicts(rows), {"async.hsch_busy": "FAIL", "known.inversion": "SKIP"})

    def test_when(self):
        m = self.manifest("x\nkmemleak | when: sanitize\n")
        self.assertEqual(verdicts(results.hold([results.Row("x", "PASS")], m, {"test"})),
                         {"x": "PASS"})
        self.assertEqual(verdicts(results.hold([results.Row("x", "PASS")], m, {"sanitize"})),
                         {"x": "PASS", "kmemleak": "FAIL"})

    def test_kunit_suite_not_registered(self):
        # the module's KTAP as the kernel logs it, one suite short of the
        # manifest: a suite that did not register is a FAIL, not nothing
        ktap = write(os.path.join(self.tmp, "k.ktap"), """\
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: vfio_ccw_a
                1..1
                ok 1 case_a
            ok 1 vfio_ccw_a
            """)
        rows = results.parse_ktap(ktap, "kunit", KSRC)
        m = self.manifest("vfio_ccw_a\nvfio_ccw_a.case_a\nvfio_ccw_b\nvfio_ccw_b.case_b\n")
        got = verdicts(results.hold(rows, results.prefixed(m, "kunit"), set()))
        self.assertEqual(got["kunit.vfio_ccw_a.case_a"], "PASS")
        self.assertEqual(got["kunit.vfio_ccw_b"], "FAIL")

    def test_parser_complaint_fails(self):
        ktap = write(os.path.join(self.tmp, "bad.ktap"), """\
            KTAP version 1
            1..2
            ok 1 a
            ok 3 b
            """)
        got = verdicts(results.parse_ktap(ktap, "p", KSRC))
        self.assertEqual(got.get("p.ktap"), "FAIL", got)

    def test_declared_plan_short(self):
        ktap = write(os.path.join(self.tmp, "short.ktap"), """\
            KTAP version 1
            1..3
            ok 1 a
            ok 2 b
            """)
        self.assertIn("FAIL", verdicts(results.parse_ktap(ktap, "p", KSRC)).values())


class GuestLibrary(Tmp):
    """tests/guest/lib.sh's KTAP, as the kernel's parser reads it: rows
    from subshells keep their numbers, groups nest, a selftest's own
    KTAP is nested and its exit status is the row's verdict."""

    def test_nesting(self):
        prog = write(os.path.join(self.tmp, "prog"), """\
            #!/bin/sh
            echo "noise before the version line" >&2
            echo "TAP version 13"
            echo "1..2"
            echo "ok 1 f.container.a"
            echo "stderr noise" >&2
            echo "not ok 2 f.container.b"
            exit 1
            """, stat.S_IRWXU)
        script = write(os.path.join(self.tmp, "s.sh"), f"""\
            exec 3>&1
            . {REPO}/tests/guest/lib.sh
            KTAP_DIR={self.tmp}/ktap
            echo "KTAP version 1"
            echo "1..2"
            ktap_begin one
            ( result a PASS; check b false )
            echo x | while read -r _; do result c SKIP "cannot here"; done
            ktap_run prog 10 {prog}
            ktap_end one
            ktap_begin two
            ktap_begin inner
            result d PASS
            ktap_end two
            """)
        # the guest runs busybox ash: a POSIX shell here (dash), not bash
        shell = ["busybox", "sh"] if shutil.which("busybox") else ["sh"]
        out = subprocess.run(shell + [script], capture_output=True, text=True,
                             check=True).stdout
        ktap = write(os.path.join(self.tmp, "g.ktap"), out)
        got = verdicts(results.parse_ktap(ktap, "g", KSRC))
        self.assertEqual(got, {
            "g.one": "FAIL", "g.one.a": "PASS", "g.one.b": "FAIL", "g.one.c": "SKIP",
            "g.one.prog": "FAIL", "g.one.prog.f.container.a": "PASS",
            "g.one.prog.f.container.b": "FAIL",
            "g.two": "FAIL", "g.two.inner": "FAIL", "g.two.inner.d": "PASS"}, out)


class StaticChecks(Tmp):
    """The build checks fail on a failed link, on modpost's WARNING and
    ERROR, and on a compiler warning, not only on "warning:"."""

    MODULE = """\
        // SPDX-License-Identifier: GPL-2.0
        #include <linux/module.h>
        {extra}
        static int __init t_init(void)
        {{
        	{call}
        	return 0;
        }}
        module_init(t_init);
        MODULE_LICENSE("GPL");
        {desc}
        """

    def static(self, checks, extra="", call="", desc='MODULE_DESCRIPTION("t");'):
        d = os.path.join(self.tmp, "m")
        write(os.path.join(d, "Kbuild"), "obj-m += t.o\n")
        write(os.path.join(d, "t.c"), self.MODULE.format(extra=extra, call=call, desc=desc))
        p = subprocess.run([os.path.join(RUN_DIR, "static.sh"), "--module", d,
                            "--logs", os.path.join(self.tmp, "logs")] + checks,
                           capture_output=True, text=True, check=False)
        return [l.split()[0] + (" " + l.split()[1] if l.startswith("not") else "")
                for l in p.stdout.splitlines() if l.startswith(("ok", "not ok"))], p.returncode

    def test_clean_module_passes(self):
        self.assertEqual(self.static(["sparse", "w1"]), (["ok", "ok"], 0))

    def test_modpost_warning_fails(self):
        # make succeeds; modpost says "WARNING:" in capitals
        mismatch = "static noinline int __init t_early(void) { return 1; }\n" \
            "noinline int t_late(void) { return t_early(); }\nEXPORT_SYMBOL(t_late);"
        self.assertEqual(self.static(["sparse", "w1"], extra=mismatch),
                         (["not ok", "not ok"], 1))
        self.assertEqual(self.static(["w1"], desc=""), (["not ok"], 1))

    def test_failed_link_fails(self):
        got = self.static(["w1"], extra="void vccw_no_such_symbol(void);",
                          call="vccw_no_such_symbol();")
        self.assertEqual(got, (["not ok"], 1))

    def test_compiler_warning_fails(self):
        self.assertEqual(self.static(["w1"], call="int unused;"), (["not ok"], 1))


class Selection(Tmp):
    def test_unselected_flavour_is_a_skip_row(self):
        old = dict(os.environ)
        os.environ["VFIO_CCW_FLAVOURS"] = "test"
        os.environ.pop("VFIO_CCW_BOOTS", None)  # a partial run's own selection
        stdout, sys.stdout = sys.stdout, io.StringIO()
        try:
            args = argparse.Namespace(compare=False, long=False, coverage=False)
            _, parts = check.plan(args, self.tmp)
        finally:
            sys.stdout = stdout
            os.environ.clear()
            os.environ.update(old)
        skipped = {p["name"] for p in parts if p.get("skipped")}
        want = {b.name for b in check.BOOTS if b.flavour != "test"}
        self.assertEqual(skipped, want)
        rows = results.part_rows(self.tmp, next(p for p in parts if p.get("skipped")), KSRC)
        self.assertEqual([r.verdict for r in rows], ["SKIP"])
        self.assertTrue(rows[0].tolerated)


class Coverage(Tmp):
    """coverage.py: gcov's lines per driver file, the uncovered ones, the target."""

    GCOV_OUT = textwrap.dedent("""\
                -:    0:Source:vfio_ccw_foo.c
                -:    1:#include <linux/module.h>
                5:    2:int foo(int x)
                1*:   3:{
        ------------------
        foo_b:
            #####:    3:{
        ------------------
            #####:    4:	return -EINVAL;
            =====:    5:	x = 1;
                -:    0:Source:vfio_ccw_private.h
            #####:    9:static inline int bar(void)
        """)

    def run_coverage(self, with_data=True):
        mod = os.path.join(self.tmp, "modbuild")
        boot = os.path.join(self.tmp, "boot")
        os.makedirs(mod)
        os.makedirs(boot)
        for f in ("vfio_ccw_foo.gcno", "vfio_ccw_foo.c", "vfio_ccw.mod.gcno"):
            open(os.path.join(mod, f), "w").close()
        if with_data:
            data = os.path.join(self.tmp, "data", "root", ".cache", "modbuild")
            os.makedirs(data)
            open(os.path.join(data, "vfio_ccw_foo.gcda"), "w").close()
            subprocess.run(["tar", "czf", os.path.join(boot, "gcov.tar.gz"), "-C",
                            os.path.join(self.tmp, "data"), "."], check=True)
        stub = os.path.join(self.tmp, "gcov")
        with open(stub, "w") as f:
            f.write("#!/bin/sh\n[ -e vfio_ccw_foo.gcda ] || exit 1\ncat <<'EOF'\n"
                    + self.GCOV_OUT + "EOF\n")
        os.chmod(stub, 0o755)
        ktap = os.path.join(self.tmp, "coverage.ktap")
        p = subprocess.run([sys.executable, os.path.join(RUN_DIR, "coverage.py"), boot, mod,
                            "--ktap", ktap], env=dict(os.environ, VFIO_CCW_GCOV=stub),
                           capture_output=True, text=True)
        with open(ktap) as f:
            return p, f.read(), boot

    def test_lines_and_target(self):
        p, ktap, boot = self.run_coverage()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("# vfio_ccw_foo.c: 2/4 lines (50.0 %)\nok 1 vfio_ccw_foo.c", ktap)
        self.assertIn("not ok 2 total", ktap)
        with open(os.path.join(boot, "uncovered.txt")) as f:
            self.assertEqual(f.read(), "vfio_ccw_foo.c:4:\treturn -EINVAL;\n"
                                       "vfio_ccw_foo.c:5:\tx = 1;\n")
        self.assertRegex(p.stdout, r"vfio_ccw_foo.c +4 +2 +50.0\n")

    def test_no_data_fails(self):
        p, ktap, _ = self.run_coverage(with_data=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not ok 1 total", ktap)


class Seeds(Tmp):
    def git(self, *args):
        subprocess.run(["git", "-C", self.tmp, "-c", "user.name=t", "-c", "user.email=t@t"]
                       + list(args), check=True, capture_output=True)

    def test_seed_follows_the_commit(self):
        self.assertEqual(check.fuzz_seed(self.tmp), 1)      # no history: 1
        self.git("init", "-q")
        self.git("commit", "-q", "--allow-empty", "-m", "one")
        a = check.fuzz_seed(self.tmp)
        self.assertEqual(a, check.fuzz_seed(self.tmp))
        self.git("commit", "-q", "--allow-empty", "-m", "two")
        self.assertNotEqual(a, check.fuzz_seed(self.tmp))


class BuildKey(Tmp):
    """A comment or the order of a fragment's lines costs no kernel build;
    an option does."""

    def key(self, *frags):
        paths = [write(os.path.join(self.tmp, f"f{i}"), f) for i, f in enumerate(frags)]
        script = write(os.path.join(self.tmp, "build.sh"), "#!/bin/sh\n# how\nmake\n")
        return subprocess.run(["bash", "-c", f". {REPO}/tests/host/lib.sh; build_key \"$@\"",
                               "-", script] + paths, capture_output=True, text=True,
                              check=True).stdout.strip()

    def test_key(self):
        base = self.key("CONFIG_A=y\nCONFIG_B=m\n")
        self.assertEqual(base, self.key("# why A\nCONFIG_B=m\n\nCONFIG_A=y\n"))
        self.assertEqual(base, self.key("CONFIG_A=n\nCONFIG_B=m\n", "CONFIG_A=y\n"))
        self.assertNotEqual(base, self.key("CONFIG_A=y\nCONFIG_B=y\n"))
        self.assertNotEqual(base, self.key("CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\n"))


class Report(Tmp):
    def test_summary_counts_a_failed_boot(self):
        write(os.path.join(self.tmp, "h.ktap"), "KTAP version 1\n1..1\nok 1 one\n")
        write(os.path.join(self.tmp, "b", "vm.ktap"), "KTAP version 1\n1..1\nnot ok 1 runner\n")
        write(os.path.join(self.tmp, "m.manifest"), "one\n")
        parts = [{"name": "h", "kind": "host", "manifest": "none",
                  "ktap": [{"path": "h.ktap", "prefix": "h"}], "rows": []},
                 {"name": "b", "kind": "boot", "suites": [], "props": [],
                  "ktap": [{"path": "b/vm.ktap", "prefix": "b.vm"}], "rows": []}]
        with open(os.path.join(self.tmp, "parts.json"), "w") as f:
            json.dump({"ksrc": KSRC, "parts": parts}, f)
        old = results.manifest_path
        results.manifest_path = lambda kind, name: os.path.join(self.tmp, "m.manifest") \
            if kind != "vm" else old(kind, name)
        out = io.StringIO()
        stdout, sys.stdout = sys.stdout, out
        try:
            rc = results.summary(self.tmp)
        finally:
            sys.stdout = stdout
            results.manifest_path = old
        last = out.getvalue().splitlines()[-1]
        self.assertEqual(rc, 1)
        self.assertRegex(last, r"^Summary: 1 passed, [1-9]\d* failed, 0 skipped$")


class Ktap(unittest.TextTestResult):
    """Also collects (name, ok, why) per test, for the KTAP file."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.rows = []

    def addSuccess(self, test):
        super().addSuccess(test)
        self.rows.append((test.id(), True, ""))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.rows.append((test.id(), False, self._exc_info_to_string(err, test)))

    def addError(self, test, err):
        super().addError(test, err)
        self.rows.append((test.id(), False, self._exc_info_to_string(err, test)))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ktap")
    args, rest = p.parse_known_args()
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]) if not rest \
        else unittest.defaultTestLoader.loadTestsFromNames(rest, sys.modules[__name__])
    res = unittest.TextTestRunner(resultclass=Ktap, verbosity=2, stream=sys.stdout).run(suite)
    if args.ktap:
        with open(args.ktap, "w") as f:
            f.write(f"KTAP version 1\n1..{len(res.rows)}\n")
            for i, (name, ok, why) in enumerate(res.rows, 1):
                name = name.replace("__main__.", "")
                for line in why.strip().splitlines()[-3:]:
                    f.write(f"# {line}\n")
                f.write(f"{'ok' if ok else 'not ok'} {i} {name}\n")
    return 0 if res.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
