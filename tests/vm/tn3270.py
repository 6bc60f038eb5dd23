# SPDX-License-Identifier: GPL-2.0
"""The user at the 3270 terminal of the Hercules bench: Debian's s3270
(a scriptable tn3270 client) connected to Hercules' console port, told
what to do by the guest's vfio-3270 program (tests/guest/suites/tn3270.sh):

  @@TN3270 CONNECT <devno> <tag> <variant>     connect to the 3270 at devno
  @@TN3270 TYPE <devno> <tag> <variant>        wait for the screen's input
                                               field, keep the screen, type
                                               "TYPED <TAG> <VARIANT>", Enter
  @@TN3270 DISCONNECT <devno> <tag> <variant>  keep the screen (the guest's
                                               reply), disconnect

Actions run in order on a thread of their own, so that the console keeps
being read while s3270 waits for the guest.  rows() checks each screen
kept as the client saw it: the guest's title on the first line and the
label before the input field on the third, then the guest's reply to what
was typed on the fifth."""

import os
import queue
import subprocess
import threading

MODEL = "3278-2"            # 24 x 80
ACTION_TIMEOUT = 60         # s3270's own Wait() timeout, seconds


def typed(tag, variant):
    """What the user types: the guest checks it in its READ MODIFIED."""
    return f"TYPED {tag} {variant}".upper()


def title(tag, variant):
    """The title the guest writes on the first line."""
    return f"VFIO-CCW {tag} {variant} 3270".upper()


def reply(tag, variant):
    """The guest's answer, on the fifth line."""
    return f"RECEIVED {typed(tag, variant)}"


class S3270:
    """One s3270 process: send an action, read its data lines and verdict."""

    def __init__(self, devno, log):
        self.log = log
        self.proc = subprocess.Popen(
            ["s3270", "-model", MODEL, "-tn", f"IBM-3278@{devno}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1)

    def action(self, text):
        """(ok, data lines) of one action."""
        self.log(f"s3270 {text}")
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        data = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("s3270 exited")
            line = line.rstrip("\n")
            if line in ("ok", "error"):
                if line == "error":
                    self.log(f"s3270 {text}: error {' | '.join(data)}")
                return line == "ok", data
            if line.startswith("data: "):
                data.append(line[6:])
            elif line == "data:":
                data.append("")

    def close(self):
        try:
            self.action("Quit()")
        except (OSError, EOFError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Terminal:
    """The actions of the @@TN3270 lines, on a worker thread."""

    def __init__(self, port, out, log):
        self.port = port
        self.out = out
        self.log = log
        self.screens = {}       # (tag, variant) -> screen lines when typing
        self.replies = {}       # (tag, variant) -> screen lines at disconnect
        self.sent = []          # @@TN3270SENT fields
        self.errors = []
        self.clients = {}
        self.queue = queue.Queue()
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def marker(self, rest):
        self.queue.put(rest.split())

    def _work(self):
        while True:
            words = self.queue.get()
            if words is None:
                return
            try:
                self._do(words)
            except (OSError, EOFError, ValueError) as e:
                self.errors.append(f"{' '.join(words)}: {e}")
                self.log(f"tn3270 {' '.join(words)}: {e}")

    def _do(self, words):
        if len(words) != 4:
            raise ValueError("malformed @@TN3270 line")
        what, devno, tag, variant = words
        devno = devno.split(".")[-1].upper()
        if what == "CONNECT":
            client = S3270(devno, self.log)
            self.clients[devno] = client
            for _ in range(5):
                ok, _ = client.action(f"Connect(127.0.0.1:{self.port})")
                if ok:
                    return
            raise ValueError(f"could not connect to 127.0.0.1:{self.port}")
        client = self.clients.get(devno)
        if client is None:
            raise ValueError(f"{what} before CONNECT")
        if what == "TYPE":
            ok, _ = client.action(f"Wait({ACTION_TIMEOUT},InputField)")
            _, screen = client.action("Ascii()")
            self.screens[(tag, variant)] = screen
            self._keep(f"tn3270-{tag}-{variant}.txt", screen)
            if not ok:
                raise ValueError("no input field on the screen")
            client.action(f'String("{typed(tag, variant)}")')
            client.action("Enter()")
        elif what == "DISCONNECT":
            _, screen = client.action("Ascii()")
            self.replies[(tag, variant)] = screen
            self._keep(f"tn3270-{tag}-{variant}-reply.txt", screen)
            client.action("Disconnect()")
            client.close()
            del self.clients[devno]
        else:
            raise ValueError(f"unknown action {what}")

    def _keep(self, name, screen):
        with open(os.path.join(self.out, name), "w") as f:
            f.write("\n".join(screen) + "\n")

    def finish(self):
        """Stop the worker and every client (Hercules has exited: an
        action still waiting fails with it)."""
        self.queue.put(None)
        self.thread.join(timeout=5)
        for client in self.clients.values():
            client.proc.kill()
            client.proc.wait()
        self.thread.join(timeout=5)
        if self.thread.is_alive():
            self.errors.append("the client's worker did not stop")

    def rows(self):
        """Rows tn3270.<tag>.<variant> of the screens, tn3270.<tag>.count
        against @@TN3270SENT, and tn3270.client for the client's errors."""
        rows = []
        for (tag, variant), screen in self.screens.items():
            name = f"tn3270.{tag}.{variant}"
            want = title(tag, variant)
            if len(screen) != 24:
                rows.append((name, "FAIL", f"{len(screen)} lines on the screen, not 24"))
            elif screen[0].strip() != want:
                rows.append((name, "FAIL", f"first line {screen[0].strip()!r}, not {want!r}"))
            elif not screen[2].startswith(" TYPE HERE:"):
                rows.append((name, "FAIL", f"third line {screen[2].rstrip()!r}"))
            elif (tag, variant) not in self.replies:
                rows.append((name, "FAIL", "no screen at disconnect"))
            elif [l.rstrip() for l in self.replies[(tag, variant)][4:5]] != \
                    [f" {reply(tag, variant)}"]:
                rows.append((name, "FAIL", "fifth line at disconnect "
                             f"{self.replies[(tag, variant)][4:5]!r}, "
                             f"not {reply(tag, variant)!r}"))
            else:
                rows.append((name, "PASS", f"the screens as written, seen by s3270 ({MODEL})"))
        for sent in self.sent:
            if len(sent) != 2 or not sent[1].isdigit():
                rows.append(("tn3270.marker", "FAIL", f"malformed sent line {' '.join(sent)!r}"))
                continue
            got = sum(1 for (tag, _) in self.screens if tag == sent[0])
            verdict = "PASS" if got == int(sent[1]) else "FAIL"
            rows.append((f"tn3270.{sent[0]}.count", verdict,
                         f"guest wrote {sent[1]} screens, the client saw {got}"))
        if self.errors:
            rows.append(("tn3270.client", "FAIL", "; ".join(self.errors)))
        return rows
