"""`./trapgate fuzz`: boots Trapgate with the system-call fuzzer (tests/fuzz)
as pid 1 and watches it (docs/fuzzing.md).

  ./trapgate fuzz [--seed S] [--calls N] [--smp N] [--minutes M] [--workers W]
                  [--gen G] [--trace] [--mem SIZE] [--silence T]

One boot makes N calls from seed S. With --minutes, boots run one after the
other with seeds S, S+1, ... until M minutes have passed (a soak run). A boot
fails if the kernel panics (QEMU status 3, or "Kernel panic"/"Kernel fault"
in its log), if the fuzzer prints nothing for T seconds (a hang: pid 1 prints
progress every few seconds), or if the fuzzer reports a broken invariant
("FAIL"). Each failure prints the reproducer (`./trapgate fuzz --seed S
--calls N --smp K`) and the last calls: the fuzzer's own record for a hang
or an invariant, and for a panic the kernel's system-call trace of the same
seed run again with `trace` (unless --no-replay). The summary gives calls per
second of machine time (QEMU's wall-clock time, boot included, under TCG).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import trapgate  # noqa: E402

FUZZER = os.path.join(trapgate.BUILD, "fuzz", "fuzz")


class Run:
    """One boot: the fuzzer's output lines, the kernel log, how it ended."""

    def __init__(self, o, seed, trace=False):
        self.seed, self.o = seed, o
        self.lines, self.klog, self.status = [], "", None
        self.panicked = self.hung = False
        self.seconds = 0.0
        args = ["--seed", str(seed), "--calls", str(o.calls), "--workers", str(o.workers), "--gen", str(o.gen)]
        image, guest = trapgate.program_image(FUZZER, [])
        initrd = trapgate.build_initrd(image, "fuzz-%d.cpio" % os.getpid())
        # norandmaps (randomize_va_space 0): the same seed lays out the same
        # address space, so a replay with the tracer makes the same calls.
        self.boot = qemu.Boot(trapgate.KERNEL, initrd, trapgate.cmdline(guest, args, trace, extra=["norandmaps"]),
                              smp=o.smp, mem=o.mem)

    def go(self, echo):
        tmp = tempfile.mkdtemp(prefix="trapgate-fuzz-")
        klog, status = os.path.join(tmp, "kernel.log"), os.path.join(tmp, "status")
        open(klog, "w").close()
        start = time.monotonic()
        p = subprocess.Popen(qemu.qemu_args(self.boot, klog, status), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        last = [time.monotonic()]

        def reader():
            for raw in p.stdout:
                line = raw.decode(errors="replace").rstrip("\r\n")
                last[0] = time.monotonic()
                self.lines.append(line)
                if echo(line):
                    print(line, flush=True)

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        while p.poll() is None:
            time.sleep(0.5)
            if time.monotonic() - last[0] > self.o.silence:
                self.hung = True
                p.kill()
                break
        p.wait()
        t.join(5)
        self.seconds = time.monotonic() - start
        with open(klog, errors="replace") as f:
            self.klog = f.read().replace("\r\n", "\n")
        self.status = qemu.read_status(status)
        self.panicked = p.returncode == qemu.PANIC_STATUS or "Kernel panic" in self.klog or "Kernel fault" in self.klog
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
        return self

    def calls(self):
        for line in reversed(self.lines):
            m = re.match(r"fuzz: (?:done: )?(?:calls=)?(\d+)", line)
            if m:
                return int(m.group(1))
        return 0

    def failed_lines(self):
        return [i for i, line in enumerate(self.lines) if line.startswith("FAIL")]

    def ok(self):
        return not self.panicked and not self.hung and self.status == 0 and not self.failed_lines()


def kernel_report(klog):
    """The kernel's report of a panic: from its first line to the end."""
    lines = klog.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"(UBSAN:|Kernel panic|Kernel fault|stack-protector)", line.strip()):
            return lines[max(0, i - 1):]
    return lines[-30:]


def traced_calls(klog, n=16):
    """The tracer's last n lines before the panic ("[pid N] call(args) = result", strace's form)."""
    calls = []
    for line in klog.splitlines():
        if re.match(r"(UBSAN:|Kernel panic|Kernel fault)", line.strip()):
            break
        if re.match(r"(\[pid +\d+\] |\d+ +)?(<\.\.\. \w+ resumed>|\w+\()", line):
            calls.append(line)
    return calls[-n:]


def report_failure(o, run):
    repro = "./trapgate fuzz --seed %d --calls %d --smp %d --workers %d --gen %d" % (
        run.seed, o.calls, o.smp, o.workers, o.gen)
    if run.panicked:
        print("fuzz: KERNEL PANIC with seed %d after about %d calls" % (run.seed, run.calls()))
        print("\n".join("  " + line for line in kernel_report(run.klog)))
        if "trace" in run.boot.cmdline.split("--")[0]:
            print("fuzz: the last calls the kernel traced:")
            print("\n".join("  " + line for line in traced_calls(run.klog)))
        elif not o.no_replay:
            print("fuzz: replaying seed %d with the system-call tracer on..." % run.seed, flush=True)
            again = Run(o, run.seed, trace=True).go(lambda line: False)
            if again.panicked:
                print("fuzz: it panicked again; the last calls the kernel traced:")
                print("\n".join("  " + line for line in traced_calls(again.klog)))
            else:
                print("fuzz: the replay did not panic (the workers' interleaving differs from run to run)")
    elif run.hung:
        print("fuzz: HANG with seed %d: no output for %d s after about %d calls (pid 1 stopped reporting)" % (
            run.seed, o.silence, run.calls()))
        print("\n".join("  " + line for line in run.lines[-20:]))
        print("kernel log (end):")
        print("\n".join("  " + line for line in run.klog.splitlines()[-20:]))
    else:
        print("fuzz: FAILED with seed %d (exit status %s)" % (run.seed, run.status))
        for i in run.failed_lines():
            print("\n".join("  " + line for line in run.lines[i:i + 18]))
        if run.status is None:
            print("\n".join("  " + line for line in run.klog.splitlines()[-20:]))
    print("fuzz: reproduce with: " + repro)


def main(argv):
    ap = argparse.ArgumentParser(prog="trapgate fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calls", type=int, default=100000, help="calls per boot")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="boot seed after seed for this long")
    ap.add_argument("--workers", type=int, default=6)
    ap.add_argument("--gen", type=int, default=1000, help="calls per worker before it is replaced")
    ap.add_argument("--trace", action="store_true", help="the kernel traces every call (slow)")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--silence", type=int, default=120, help="seconds without output that make a hang")
    ap.add_argument("--no-replay", action="store_true", help="after a panic, do not replay with the tracer")
    o = ap.parse_args(argv)
    if not os.path.exists(FUZZER):
        sys.exit("trapgate fuzz: %s is missing (build first: ./trapgate fuzz builds it)" % FUZZER)

    deadline = time.monotonic() + o.minutes * 60
    seed, total_calls, total_seconds, boots, failures = o.seed, 0, 0.0, 0, 0
    soak = o.minutes > 0
    while True:
        run = Run(o, seed, o.trace).go(lambda line: not soak)
        boots += 1
        total_calls += run.calls()
        total_seconds += run.seconds
        verdict = "ok" if run.ok() else "FAIL"
        print("fuzz: seed %d, smp %d: %d calls in %.1f s of machine time (%.0f calls/s): %s" % (
            seed, o.smp, run.calls(), run.seconds, run.calls() / max(run.seconds, 0.001), verdict), flush=True)
        if not run.ok():
            failures += 1
            report_failure(o, run)
        seed += 1
        if not soak or time.monotonic() >= deadline:
            break
    if soak or boots > 1:
        print("fuzz: %d boots (seeds %d..%d), smp %d: %d calls in %.0f s (%.0f calls/s), %d failed" % (
            boots, o.seed, seed - 1, o.smp, total_calls, total_seconds, total_calls / max(total_seconds, 0.001),
            failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
