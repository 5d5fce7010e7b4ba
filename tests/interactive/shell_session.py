"""Drives the busybox shell on Trapgate's console like a person would: type a
command, wait for the prompt, interrupt a sleep with Ctrl-C, run a pipeline,
run a job in the background and wait for it, leave with `exit`.

  python3 tests/interactive/shell_session.py [-v]
Exit status 0 when every step saw what a terminal user would see.
"""

import os
import re
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu  # noqa: E402
import trapgate  # noqa: E402

PROMPT = r"trapgate:[^#\n]*# "
VERBOSE = "-v" in sys.argv


class Console:
    def __init__(self, args):
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.seen = ""

    def expect(self, pattern, timeout=60):
        """Reads until the pattern appears in what has not been consumed yet."""
        deadline = time.time() + timeout
        while True:
            m = re.search(pattern, self.seen)
            if m:
                consumed = self.seen[:m.end()]
                self.seen = self.seen[m.end():]
                return consumed
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("timed out waiting for %r; console shows:\n%s" % (pattern, self.seen[-2000:]))
            ready, _, _ = select.select([self.p.stdout], [], [], left)
            if ready:
                data = os.read(self.p.stdout.fileno(), 4096)
                if not data:
                    raise AssertionError("console closed while waiting for %r:\n%s" % (pattern, self.seen[-2000:]))
                text = data.decode(errors="replace").replace("\r", "")
                if VERBOSE:
                    sys.stdout.write(text)
                    sys.stdout.flush()
                self.seen += text

    def type(self, keys):
        self.p.stdin.write(keys.encode())
        self.p.stdin.flush()

    def command(self, line, expect=None, timeout=60):
        self.type(line + "\r")
        out = self.expect(PROMPT, timeout)
        if expect and not re.search(expect, out):
            raise AssertionError("after %r expected %r, got:\n%s" % (line, expect, out))
        return out


def small_memory_boot(initrd, tmp):
    """The shell must also come up in 16 MiB of memory (issue 3's bound)."""
    boot = qemu.Boot(trapgate.KERNEL, initrd, trapgate.cmdline("/init", []), smp=1, mem="16M")
    c = Console(qemu.qemu_args(boot, os.path.join(tmp, "kernel16.log"), os.path.join(tmp, "status16")))
    try:
        c.expect(PROMPT)
        c.command("cat /proc/meminfo | head -1", r"MemTotal:")
        c.type("exit\r")
        c.p.wait(timeout=60)
    finally:
        if c.p.poll() is None:
            c.p.kill()


def main():
    tmp = tempfile.mkdtemp(prefix="trapgate-shell-")
    initrd = os.path.join(tmp, "system.cpio")
    trapgate.system_image().write(initrd)
    boot = qemu.Boot(trapgate.KERNEL, initrd, trapgate.cmdline("/init", []), smp=2, mem="64M")
    status = os.path.join(tmp, "status")
    args = qemu.qemu_args(boot, os.path.join(tmp, "kernel.log"), status)
    c = Console(args)
    steps = []
    try:
        small_memory_boot(initrd, tmp)
        steps.append("16 MiB boot")
        c.expect(PROMPT)
        steps.append("prompt")
        c.command("echo hello from the shell", "hello from the shell")
        steps.append("echo")
        c.command("echo abc | tr a-z A-Z | cat", "ABC")
        steps.append("pipeline")
        # Ctrl-C interrupts the foreground job and the shell comes back.
        c.type("sleep 100\r")
        time.sleep(1.5)
        t0 = time.time()
        c.type("\x03")
        c.expect(PROMPT, timeout=30)
        if time.time() - t0 > 20:
            raise AssertionError("Ctrl-C did not stop sleep 100 promptly")
        steps.append("ctrl-c")
        c.command("echo status $?", r"status 130")
        steps.append("status after ^C")
        # Ctrl-Z stops the foreground job; the shell lists it; fg brings it back.
        c.type("sleep 100\r")
        time.sleep(1.5)
        c.type("\x1a")
        c.expect(PROMPT, timeout=30)
        c.command("jobs", r"Stopped")
        c.type("fg\r")
        time.sleep(1)
        c.type("\x03")
        c.expect(PROMPT, timeout=30)
        c.command("jobs; echo no jobs left", r"no jobs left")
        steps.append("ctrl-z + fg")
        # A background job, then wait for it.
        c.command("sleep 1 & echo started $!", r"started \d+")
        c.command("wait; echo waited", "waited", timeout=60)
        steps.append("background + wait")
        c.command("cd /tmp && echo data > f && cat f && cd /", "data")
        steps.append("files")
        c.type("exit\r")
        c.p.wait(timeout=60)
        steps.append("exit")
        with open(status) as f:
            if "exit_status=0" not in f.read():
                raise AssertionError("the machine did not power off cleanly")
    except AssertionError as e:
        print("interactive shell: FAIL after steps %s\n%s" % (steps, e))
        c.p.kill()
        return 1
    finally:
        if c.p.poll() is None:
            c.p.kill()
    print("interactive shell: ok (%s)" % ", ".join(steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
