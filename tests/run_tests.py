"""Guest tests: each entry of tests/guest/manifest.toml boots Trapgate under
QEMU with one static program as the first process and checks its exit status
and output. Programs check themselves too (a failed check prints "FAIL" and
exits non-zero). Then the same tests run on Linux (tests/linux_compare.py):
output and exit status must be the same on both kernels.

  python3 tests/run_tests.py [-k SUBSTRING] [-j JOBS] [-v] [--no-linux] [--linux-fresh] [--smp N]

--smp N boots every test that does not ask for a CPU count of its own with N
CPUs (the suite must pass on 2 as on 1); the Linux comparison is of the same
programs on Linux with its default, as the cached results are.
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import elfdeps  # noqa: E402
import qemu  # noqa: E402
import trapgate  # noqa: E402

BUILD = trapgate.BUILD
MANIFEST = os.path.join(ROOT, "tests", "guest", "manifest.toml")
# More manifests, one per area (hardening, selftests, fuzz...), read after the
# main one in name order; the same keys.
MANIFEST_DIR = os.path.join(ROOT, "tests", "guest", "manifest.d")


def load_manifest():
    paths = [MANIFEST]
    if os.path.isdir(MANIFEST_DIR):
        paths += [os.path.join(MANIFEST_DIR, n) for n in sorted(os.listdir(MANIFEST_DIR)) if n.endswith(".toml")]
    tests, names = [], set()
    for path in paths:
        with open(path, "rb") as f:
            for t in tomllib.load(f).get("test", []):
                if t["name"] in names:
                    raise ValueError("%s: test %r is defined twice" % (path, t["name"]))
                names.add(t["name"])
                tests.append(t)
    return tests


def busybox_for(test):
    """The /bin/busybox of a system test: the host's (Debian's amd64
    busybox-static), or with busybox = "i386" Debian's i386 one, fetched at
    test time into the build directory (tools/busybox_i386.py)."""
    kind = test.get("busybox", "amd64")
    if kind == "amd64":
        return trapgate.BUSYBOX
    if kind == "i386":
        import busybox_i386
        return busybox_i386.install()
    raise ValueError("%s: busybox = %r is neither \"amd64\" nor \"i386\"" % (test["name"], kind))


def image_for(test):
    if test.get("system"):
        # The default root file system (busybox and its applet links), with
        # `program` the path of the first program inside it.
        image, guest = trapgate.system_image(busybox_for(test)), test["program"]
    else:
        image, guest = trapgate.program_image(os.path.join(BUILD, test["program"]), [])
    for host, where in test.get("files", {}).items():
        # "build/..." is the build directory's ($TRAPGATE_BUILD), the rest the repository's.
        if os.path.isabs(host):
            host_path = host
        elif host.startswith("build/"):
            host_path = os.path.join(BUILD, host[len("build/"):])
        else:
            host_path = os.path.join(ROOT, host)
        image.host_file(where, host_path)
    for prog in test.get("host_programs", []):
        # More of the host's programs at their paths, with their loader and libraries.
        image.host_file(prog, os.path.realpath(prog))
        for where, host in elfdeps.needed_files(prog):
            if not image.has(where):
                image.host_file(where, host)
    for spec in test.get("host_dirs", []):
        # HOST[:GUEST]: a host tree, as ./trapgate exec --host-dir adds it.
        host, _, where = spec.partition(":")
        trapgate.add_host_dir(image, host, where or host)
    return image, guest


DEFAULT_SMP = 1


def run_on_trapgate(test):
    image, guest = image_for(test)
    initrd = os.path.join(BUILD, "tests", test["name"] + ".cpio")
    os.makedirs(os.path.dirname(initrd), exist_ok=True)
    image.write(initrd)
    cmdline = " ".join(test.get("cmdline_extra", []) + [trapgate.cmdline(guest, test.get("args", []))])
    cdrom = ""
    if test.get("boot") == "grub":
        import make_iso
        cdrom = make_iso.make_iso(initrd.replace(".cpio", ".iso"), image, cmdline)
    boot = qemu.Boot(trapgate.KERNEL, initrd, cmdline, smp=test.get("smp", DEFAULT_SMP), mem=test.get("mem", "64M"),
                     cdrom=cdrom, cpu=test.get("cpu", "max"))
    return qemu.run(boot, stdin=test.get("stdin", "").encode(), timeout=test.get("timeout", 120))


def normalise_trace(text):
    """A trace with what may move between builds replaced: addresses (the
    program's link layout, the stack's place) become 0xADDR."""
    return re.sub(r"0x[0-9a-f]{5,}", "0xADDR", text)


def trace_differs(test, kernel_log):
    """trace_file: the kernel log (with cmdline_extra = ["trace"], strace's
    text) must be that file, addresses normalised."""
    with open(os.path.join(ROOT, "tests", test["trace_file"])) as f:
        expected = normalise_trace(f.read())
    got = normalise_trace(kernel_log)
    if got == expected:
        return []
    diff = difflib.unified_diff(expected.splitlines(True), got.splitlines(True), test["trace_file"], "trapgate")
    return ["trace differs:\n" + "".join(diff)]


def check(test, outcome):
    """Problems found, as lines of text (empty if the test passed)."""
    problems = []
    out = outcome.stdout.decode(errors="replace")
    crashed = outcome.panicked or "Kernel fault" in outcome.kernel_log or "Kernel panic" in outcome.kernel_log
    if test.get("expect_panic"):
        if not outcome.panicked:
            problems.append("expected a kernel panic with a failure status (QEMU status %d)" % outcome.qemu_status)
    elif crashed:
        problems.append("the kernel crashed:\n" + outcome.kernel_log)
    if outcome.timed_out:
        problems.append("timed out")
    expected_exit = None if test.get("expect_panic") else test.get("exit", 0)
    if outcome.exit_status != expected_exit:
        problems.append("exit status %s, expected %s" % (outcome.exit_status, expected_exit))
    if re.search(r"^FAIL", out, re.M) and not test.get("fail_ok"):
        problems.append("the program reported failures")
    expected = test.get("stdout")
    if "stdout_file" in test:
        with open(os.path.join(ROOT, "tests", "guest", test["stdout_file"])) as f:
            expected = f.read()
    if expected is not None and out != expected:
        diff = difflib.unified_diff(expected.splitlines(True), out.splitlines(True), "expected", "trapgate")
        problems.append("output differs:\n" + "".join(diff))
    for needle in test.get("stdout_contains", []):
        if needle not in out:
            problems.append("output lacks %r" % needle)
    if "trace_file" in test:
        problems += trace_differs(test, outcome.kernel_log)
    if "trace_lines" in test:
        bad = [l for l in outcome.kernel_log.splitlines() if not re.fullmatch(test["trace_lines"], l)]
        if bad:
            problems.append("kernel log lines that are not trace lines:\n" + "\n".join(bad[:10]))
    for needle in test.get("log_contains", []):
        if needle not in outcome.kernel_log:
            problems.append("kernel log lacks %r" % needle)
    if problems:
        problems.append("--- program output ---\n" + out + "--- kernel log ---\n" + outcome.kernel_log)
    return problems


def docs_no_bkl_missing():
    """SYSCALL_NO_BKL(name) in the kernel's sources that docs/locking.md's
    "What runs without it" section does not name."""
    import re
    names = set()
    for top in ("arch", "drivers", "fs", "init", "ipc", "kernel", "mm"):
        for dirpath, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith(".cpp"):
                    with open(os.path.join(dirpath, f)) as src:
                        names.update(re.findall(r"^SYSCALL_NO_BKL\((\w+)\);", src.read(), re.M))
    with open(os.path.join(ROOT, "docs", "locking.md")) as f:
        doc = f.read()
    section = doc.split("### What runs without it", 1)[-1].split("\n### ", 1)[0]
    return sorted(n for n in names if "`%s`" % n not in section)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="only tests whose name contains this")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--no-linux", action="store_true", help="skip the comparison with Linux")
    ap.add_argument("--linux-fresh", action="store_true", help="run on Linux again, ignoring cached results")
    ap.add_argument("--smp", type=int, default=1, help="CPUs for every test that names none")
    o = ap.parse_args()
    global DEFAULT_SMP
    DEFAULT_SMP = o.smp
    tests = [t for t in load_manifest() if o.k in t["name"]]
    # --smp N: both kernels boot N CPUs for a test that names no count (the
    # Linux comparison reads the test's own smp).
    for t in tests:
        t.setdefault("smp", o.smp)
    failed = []
    if any(t["program"].startswith("selftests-x86/") for t in tests):
        # Linux's x86 selftests, built at test time into a cache outside the clone.
        import selftests
        selftests.ensure(BUILD)
    if not o.k:
        # docs/syscall-status.md is generated from the kernel: it must match it.
        status = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "syscall_status.py"), "--check"])
        print("%-40s %s" % ("docs_syscall_status_fresh", "ok" if status.returncode == 0 else "FAIL"))
        if status.returncode:
            failed.append("docs_syscall_status_fresh")
        # Every handler that runs without the big kernel lock is in
        # docs/locking.md's table, which says why it may.
        missing = docs_no_bkl_missing()
        for name in missing:
            print("docs/locking.md does not list SYSCALL_NO_BKL(%s)" % name)
        print("%-40s %s" % ("docs_locking_no_bkl", "FAIL" if missing else "ok"))
        if missing:
            failed.append("docs_locking_no_bkl")
    with concurrent.futures.ThreadPoolExecutor(max_workers=o.j) as pool:
        outcomes = {}

        def run_and_check(t):
            outcomes[t["name"]] = run_on_trapgate(t)
            return t, check(t, outcomes[t["name"]])

        results = pool.map(run_and_check, tests)
        for test, problems in results:
            print("%-40s %s" % (test["name"], "FAIL" if problems else "ok"), flush=True)
            if problems:
                failed.append(test["name"])
                print("\n".join(problems))
    if not o.no_linux:
        import linux_compare
        failed += linux_compare.compare(tests, outcomes, image_for, jobs=o.j, fresh=o.linux_fresh, verbose=o.v)
    print("guest tests: %d failed: %s" % (len(failed), " ".join(failed)) if failed else "guest tests: all passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
