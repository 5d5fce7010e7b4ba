"""The Linux Test Project's system-call suite on Trapgate and on Linux.

  ./trapgate ltp [--src DIR|TARBALL] [--list FILE] [-k PATTERN] [--smp N] [--linux]
                 [-j N] [--timeout S] [--check] [--update-expected] [--no-docs]

Builds LTP's syscall tests statically (glibc, LDFLAGS=-static) from the source
in --src, $LTP_SRC or ../shared/ltp/ (a tarball or a tree), once: the build is
cached outside the clone in /var/cache/trapgate/ltp-KEY/ ($TRAPGATE_CACHE),
KEY being the source's hash and this recipe's version. Then it boots Trapgate
(and with --linux the reference Linux, tools/linux_ref.py) with batches of
tests and tests/ltp/ltp_runner.c as the first process, each test with a time
limit, and prints a table: test, Linux's result, Trapgate's, and the cause (the
first TFAIL/TBROK/TCONF line, or how the run ended).

  --check            run tests/ltp/expected-pass.txt on Trapgate; fail if one of
                     them does not pass (the ratchet ./trapgate test runs); a
                     test during which the kernel died runs again alone, and
                     passing then it is reported as FLAKY with where it hung
  --update-expected  add the tests that now pass on Trapgate (and on Linux) to
                     tests/ltp/expected-pass.txt; never removes one
  --linux            also run Linux (results cached per kernel and test) and, for a
                     whole-suite run, write docs/ltp.md

Results: pass (exit 0), conf (32: TCONF, the test does not apply), fail (any
other exit, a signal, the time limit), died (the kernel ended the boot during
the test, or hung: no output for the time limit plus 60 s; the rest of the
batch runs in a new boot).
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import linux_ref  # noqa: E402
import qemu  # noqa: E402
import trapgate  # noqa: E402

CACHE_ROOT = os.environ.get("TRAPGATE_CACHE", "/var/cache/trapgate")
RECIPE = "static-glibc-syscalls-v1"  # change when the build steps change
BUILD_PACKAGES = ["autoconf", "automake", "bison", "flex", "m4", "libtool", "make", "gcc", "libc6-dev", "pkg-config"]
EXPECTED = os.path.join(ROOT, "tests", "ltp", "expected-pass.txt")
DOC = os.path.join(ROOT, "docs", "ltp.md")
RUNNER = os.path.join(trapgate.BUILD, "ltp", "ltp_runner")
GUEST_BIN = "opt/ltp/testcases/bin"
MEM = "1G"
BATCH_BYTES = 160 << 20  # test binaries (and their helpers) per boot
BATCH_TESTS = 40


def log(msg):
    print("ltp: " + msg, file=sys.stderr, flush=True)


# ---- the source and the build ----

def find_source(arg):
    for candidate in (arg, os.environ.get("LTP_SRC")):
        if candidate:
            if not os.path.exists(candidate):
                sys.exit("ltp: %s does not exist" % candidate)
            return os.path.abspath(candidate)
    shared = os.path.join(os.path.dirname(ROOT), "shared", "ltp")
    if os.path.isdir(shared):
        for name in sorted(os.listdir(shared)):
            if name.endswith((".tar.gz", ".tgz", ".tar.xz")):
                return os.path.join(shared, name)
    return None


def source_key(src):
    h = hashlib.sha256(RECIPE.encode())
    if os.path.isfile(src):
        with open(src, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    else:  # a tree: its path and the commit it says it is (or its VERSION)
        h.update(os.path.abspath(src).encode())
        for name in (".git/HEAD", "VERSION"):
            p = os.path.join(src, name)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()[:16]


def ensure_packages(names):
    missing = [n for n in names if subprocess.run(["dpkg-query", "-W", "-f=${Status}", n], capture_output=True,
                                                  text=True).stdout.find("install ok installed") < 0]
    if not missing:
        return
    log("installing " + " ".join(missing))
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing, check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def build(src):
    """The install directory of the cached build (built now if missing)."""
    top = os.path.join(CACHE_ROOT, "ltp-" + source_key(src))
    install = os.path.join(top, "destdir", "opt", "ltp")  # LTP's default prefix, under DESTDIR
    if os.path.exists(os.path.join(top, "done")):
        return install
    ensure_packages(BUILD_PACKAGES)
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    tree = os.path.join(top, "src")
    if os.path.isfile(src):
        log("unpacking %s" % src)
        with tarfile.open(src) as t:
            t.extractall(os.path.join(top, "unpack"))
        (inner,) = os.listdir(os.path.join(top, "unpack"))
        os.rename(os.path.join(top, "unpack", inner), tree)
    else:
        shutil.copytree(src, tree, symlinks=True)
    jobs = str(os.cpu_count() or 2)
    steps = [["make", "autotools"],
             ["./configure", "LDFLAGS=-static"],
             ["make", "-j" + jobs, "-C", "lib"],
             ["make", "-j" + jobs, "-C", "testcases/kernel/syscalls"],
             ["make", "-C", "testcases/kernel/syscalls", "install", "DESTDIR=" + os.path.join(top, "destdir")]]
    with open(os.path.join(top, "build.log"), "w") as logf:
        for step in steps:
            log("build: " + " ".join(step) + " (log: %s)" % logf.name)
            r = subprocess.run(step, cwd=tree, stdout=logf, stderr=subprocess.STDOUT)
            if r.returncode:
                sys.exit("ltp: build step failed: %s (see %s)" % (" ".join(step), logf.name))
    log("stripping debug information (2.8 GiB of binaries become 2)")
    bin_dir = os.path.join(install, "testcases", "bin")
    for name in os.listdir(bin_dir):
        path = os.path.join(bin_dir, name)
        with open(path, "rb") as f:
            elf = f.read(4) == b"\x7fELF"
        if elf:
            subprocess.run(["strip", "--strip-debug", path], check=True)
    os.makedirs(os.path.join(install, "runtest"), exist_ok=True)
    shutil.copy(os.path.join(tree, "runtest", "syscalls"), os.path.join(install, "runtest", "syscalls"))
    shutil.rmtree(tree)  # the install is what runs; the tree is 1 GiB of objects
    open(os.path.join(top, "done"), "w").close()
    return install


# ---- the tests ----

def runtest(install):
    """[(name, command)] of runtest/syscalls whose program was built."""
    bin_dir = os.path.join(install, "testcases", "bin")
    out = []
    with open(os.path.join(install, "runtest", "syscalls")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, cmd = line.partition(" ")
            cmd = cmd.strip()
            prog = cmd.split()[0] if cmd else ""
            if prog and os.path.exists(os.path.join(bin_dir, prog)):
                out.append((name, cmd))
    return out


class Deps:
    """Which files of testcases/bin a test needs: its program, and every file
    of the directory whose name appears in the program as a string (helpers
    it executes, data files it opens)."""

    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.names = set(os.listdir(bin_dir))
        self.cache = {}

    def of(self, cmd):
        words = set(re.findall(r"[A-Za-z0-9_.+-]{3,}", cmd))
        prog = cmd.split()[0]
        if prog not in self.cache:
            with open(os.path.join(self.bin_dir, prog), "rb") as f:
                data = f.read()
            found = {w.decode() for w in re.findall(rb"[A-Za-z0-9_.+-]{3,}", data)}
            self.cache[prog] = {n for n in found & self.names}
        return {prog} | self.cache[prog] | (words & self.names)

    def size(self, names):
        return sum(os.path.getsize(os.path.join(self.bin_dir, n)) for n in names)


def batches(tests, deps):
    out, cur, files = [], [], set()
    for t in tests:
        need = deps.of(t[1])
        if cur and (len(cur) >= BATCH_TESTS or deps.size(files | need) > BATCH_BYTES):
            out.append((cur, files))
            cur, files = [], set()
        cur.append(t)
        files |= need
    if cur:
        out.append((cur, files))
    return out


def image_for(tests, files, bin_dir, timeout):
    image = trapgate.system_image()
    image.host_file("ltp_runner", RUNNER)
    for d in ("dev/shm", "opt", "opt/ltp", "opt/ltp/testcases", GUEST_BIN, "ltp"):
        image.dir(d)
    for n in sorted(files):
        image.host_file(GUEST_BIN + "/" + n, os.path.join(bin_dir, n))
    image.file("ltp/list.txt", "".join("%s\t%s\n" % t for t in tests).encode())
    return image, "/ltp_runner", ["/ltp/list.txt", str(timeout)]


END = re.compile(rb"\n?@@LTP-END (\S+) (\S+)@@\n")
BEGIN = re.compile(rb"@@LTP-BEGIN (\S+)@@\n")


def parse(out):
    """{name: (ending, output)} for every test that began; "died" for one that never ended."""
    results = {}
    for m in BEGIN.finditer(out):
        name = m.group(1).decode()
        e = END.search(out, m.end())
        nxt = BEGIN.search(out, m.end())
        if e and (not nxt or e.start() < nxt.start()) and e.group(1).decode() == name:
            results[name] = (e.group(2).decode(), out[m.end():e.start()].decode(errors="replace"))
        else:
            results[name] = ("died", out[m.end():nxt.start() if nxt else len(out)].decode(errors="replace"))
    return results


def classify(ending, output):
    """(result, cause)."""
    first = next((line.strip() for line in output.splitlines() if re.search(r"\b(TFAIL|TBROK|TCONF)\b", line)), "")
    if ending == "exit=0":
        return "pass", ""
    if ending == "exit=32":
        return "conf", first
    if ending == "timeout":
        return "fail", "time limit" + (": " + first if first else "")
    if ending == "died":
        return "died", "the kernel ended the boot" + (": " + first if first else "")
    return "fail", (first or ending)


_runner_id = None


def runner_id():
    """The first process's source (tests/ltp/ltp_runner.c): what it sets up
    (mounts, lo) is part of every result."""
    global _runner_id
    if _runner_id is None:
        with open(os.path.join(ROOT, "tests", "ltp", "ltp_runner.c"), "rb") as f:
            _runner_id = hashlib.sha256(f.read()).hexdigest()[:16]
    return _runner_id


class ResultCache:
    """Results per (kernel, test, its files, the limit), in one JSON file per
    kernel under CACHE_ROOT: a run that stops part way is resumed, and a
    second run of the same kernel costs nothing."""

    def __init__(self, kernel_id, fresh):
        self.path = os.path.join(CACHE_ROOT, "ltp-results", kernel_id + ".json")
        self.lock = threading.Lock()
        self.data = {}
        if not fresh and os.path.exists(self.path):
            try:
                with open(self.path) as f:
                    self.data = json.load(f)
            except ValueError:
                self.data = {}

    def key(self, name, cmd, files, bin_dir, timeout):
        h = hashlib.sha256(json.dumps([name, cmd, timeout, MEM, RECIPE, runner_id()]).encode())
        for n in sorted(files):
            st = os.stat(os.path.join(bin_dir, n))
            h.update(("%s:%d:%d" % (n, st.st_size, int(st.st_mtime))).encode())
        return h.hexdigest()[:32]

    def get(self, key):
        r = self.data.get(key)
        return tuple(r) if r else None

    def put(self, items):
        with self.lock:
            for key, result in items:
                self.data[key] = list(result)
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = self.path + ".tmp.%d" % threading.get_ident()
            with open(tmp, "w") as f:
                json.dump(self.data, f)
            os.replace(tmp, self.path)


def file_id(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:16]


def run_batch(tests, files, bin_dir, timeout, boot):
    """{name: (result, cause)} for a batch: boot(image, program, args, seconds)
    runs one boot and returns (console output, why the kernel died or None);
    when the kernel dies during a test, what is left runs in a new boot."""
    results = {}
    todo = list(tests)
    while todo:
        image, prog, args = image_for(todo, files, bin_dir, timeout)
        out, death = boot(image, prog, args, 60 + len(todo) * (timeout + 10))
        for name, (ending, output) in parse(out).items():
            results[name] = classify(ending, output)
            if ending == "died" and death:
                results[name] = ("died", death)
        left = [t for t in todo if t[0] not in results]
        if len(left) == len(todo):  # nothing ran: don't loop
            for name, _ in left:
                results[name] = ("died", "the boot ran no test")
            break
        todo = left
    return results


def boot_trapgate(smp):
    def boot(image, prog, args, seconds):
        fd, initrd = tempfile.mkstemp(prefix="ltp-batch-", suffix=".cpio", dir=os.path.join(trapgate.BUILD, "ltp"))
        os.close(fd)
        image.write(initrd)
        # A test the runner does not end within its limit means the kernel hangs:
        # the boot stops there instead of waiting out the whole batch's time.
        o = qemu.run(qemu.Boot(trapgate.KERNEL, initrd, trapgate.cmdline(prog, args), smp=smp, mem=MEM),
                     timeout=seconds, silence=int(args[-1]) + 60)
        os.unlink(initrd)
        panicked = o.panicked or "Kernel fault" in o.kernel_log
        if panicked:
            return o.stdout, "kernel panic: " + _panic_line(o.kernel_log)
        if o.hung:
            return o.stdout, "the kernel hung (no output for %s s): %s" % (int(args[-1]) + 60, o.hung)
        return o.stdout, None
    return boot


def boot_linux(image, prog, args, seconds):
    batch = linux_ref.run([linux_ref.Job("ltp", image, prog, args, timeout=seconds)], mem=MEM, boot_timeout=300)
    return batch.results["ltp"].stdout, None


def _panic_line(klog):
    for line in klog.splitlines():
        if "Kernel fault" in line or "panic" in line.lower():
            return line.strip()[:120]
    return "?"


# ---- reports ----

def read_expected():
    if not os.path.exists(EXPECTED):
        return []
    with open(EXPECTED) as f:
        return [line.split("#", 1)[0].strip() for line in f if line.split("#", 1)[0].strip()]


def left_out():
    """The tests the list's leading comment leaves out ("#   NAME: why"),
    which --update-expected never adds back."""
    names = set()
    if os.path.exists(EXPECTED):
        with open(EXPECTED) as f:
            for line in f:
                if not line.startswith("#"):
                    break
                m = re.match(r"#   ([A-Za-z0-9_]+):", line)
                if m:
                    names.add(m.group(1))
    return names


def write_expected(names):
    """Rewrites the list sorted, keeping the file's leading comment block (the
    reasons tests are left out)."""
    head = ("# LTP tests (runtest/syscalls names) that pass on Trapgate: ./trapgate test runs them and\n"
            "# fails when one stops passing. tools/ltp.py --update-expected adds; nothing removes.\n")
    if os.path.exists(EXPECTED):
        with open(EXPECTED) as f:
            lines = f.readlines()
        comments = []
        for line in lines:
            if not line.startswith("#"):
                break
            comments.append(line)
        if comments:
            head = "".join(comments)
    with open(EXPECTED, "w") as f:
        f.write(head + "".join(n + "\n" for n in sorted(set(names))))


def syscall_of(name):
    return re.sub(r"(_\d+)?\d*$", "", name) or name


def write_doc(tests, lin, tg):
    names = [n for n, _ in tests]
    lp = [n for n in names if lin.get(n, ("",))[0] == "pass"]
    tp = [n for n in names if tg.get(n, ("",))[0] == "pass"]
    both = [n for n in lp if n in tp]
    out = ["# LTP system-call tests: Linux and Trapgate", "",
           "Generated by `./trapgate ltp --linux` (tools/ltp.py); do not edit by hand. LTP's",
           "`runtest/syscalls`, built statically, run on both kernels under QEMU (TCG, 1 CPU, %s)" % MEM,
           "with proc, sysfs and tmpfs mounted and lo up, by tests/ltp/ltp_runner.c.", "",
           "| | tests |", "|---|---:|",
           "| built and run | %d |" % len(names),
           "| pass on Linux | %d |" % len(lp),
           "| pass on Trapgate | %d |" % len(tp),
           "| pass on both | %d (%.0f %% of Linux's) |" % (len(both), 100.0 * len(both) / max(1, len(lp))),
           "| pass on Trapgate, not on Linux | %d |" % len([n for n in tp if n not in lp]), "",
           "## By system call", "",
           "| system call | tests | pass on Linux | pass on Trapgate | Trapgate's failures (cause) |",
           "|---|---:|---:|---:|---|"]
    groups = {}
    for n in names:
        groups.setdefault(syscall_of(n), []).append(n)
    for sc in sorted(groups):
        ns = groups[sc]
        fails = ["%s (%s)" % (n, (tg.get(n, ("", "not run"))[1] or tg.get(n, ("?",))[0]).replace("|", "\\|")[:90])
                 for n in ns if lin.get(n, ("",))[0] == "pass" and tg.get(n, ("",))[0] != "pass"]
        out.append("| %s | %d | %d | %d | %s |" % (sc, len(ns), sum(lin.get(n, ("",))[0] == "pass" for n in ns),
                                                 sum(tg.get(n, ("",))[0] == "pass" for n in ns), "; ".join(fails)))
    with open(DOC, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(prog="trapgate ltp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src")
    ap.add_argument("--list")
    ap.add_argument("-k", dest="pattern")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--linux", action="store_true")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2, help="boots at once")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per test")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--update-expected", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="run Trapgate's tests again instead of using cached results")
    o = ap.parse_args()
    src = find_source(o.src)
    if not src:
        msg = ("no LTP source: give --src DIR|TARBALL, set LTP_SRC, or put the tarball in ../shared/ltp/ "
               "(the LTP project's public repository, github.com/linux-test-project/ltp)")
        if o.check:
            print("ltp: skipped: " + msg)
            return 0
        sys.exit("ltp: " + msg)
    install = build(src)
    bin_dir = os.path.join(install, "testcases", "bin")
    tests = runtest(install)
    whole = not (o.list or o.pattern or o.check)
    if o.check:
        wanted = set(read_expected())
        tests = [t for t in tests if t[0] in wanted]
        missing = wanted - {t[0] for t in tests}
        if missing:
            print("ltp: expected tests not built: " + " ".join(sorted(missing)))
            return 1
    if o.list:
        with open(o.list) as f:
            wanted = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        tests = [t for t in tests if t[0] in wanted]
    if o.pattern:
        tests = [t for t in tests if o.pattern in t[0]]
    deps = Deps(bin_dir)
    plan = batches(tests, deps)
    log("%d tests in %d boots per kernel" % (len(tests), len(plan)))
    tg, lin = {}, {}
    # Results per kernel, resumable; the ratchet always runs the tests (it is the check).
    tg_cache = ResultCache("trapgate-%s-smp%d" % (file_id(trapgate.KERNEL), o.smp), o.fresh or o.check)
    lin_cache = ResultCache("linux-%s" % hashlib.sha256(linux_ref.identity().encode()).hexdigest()[:16], False)

    def cached_batch(cache, boot, batch, files):
        keys = {name: cache.key(name, cmd, deps.of(cmd), bin_dir, o.timeout) for name, cmd in batch}
        done = {name: cache.get(keys[name]) for name, _ in batch}
        todo = [t for t in batch if not done[t[0]]]
        got = run_batch(todo, files, bin_dir, o.timeout, boot) if todo else {}
        cache.put([(keys[n], r) for n, r in got.items() if r[0] != "died"])
        return {**{n: r for n, r in done.items() if r}, **got}

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, o.j)) as pool:
        futs = {pool.submit(cached_batch, tg_cache, boot_trapgate(o.smp), b, f): "trapgate" for b, f in plan}
        if o.linux:
            futs.update({pool.submit(cached_batch, lin_cache, boot_linux, b, f): "linux" for b, f in plan})
        finished = 0
        for fut in concurrent.futures.as_completed(futs):
            (tg if futs[fut] == "trapgate" else lin).update(fut.result())
            finished += 1
            log("%d of %d boots done (%s); trapgate so far: %d pass of %d" % (
                finished, len(futs), futs[fut], sum(1 for r in tg.values() if r[0] == "pass"), len(tg)))
    flaky = {}
    if o.check:
        # A boot that died (a hang or a panic) during a test is a kernel bug, but
        # one that may not come again: the test runs once more, alone in a new
        # boot. Passing then, it is reported as flaky below (with where the
        # kernel was) and the ratchet holds; dying again, it fails.
        for name, cmd in tests:
            first = tg.get(name, ("",))
            if first[0] == "died":
                log("%s died (%s); running it again alone" % (name, first[1]))
                again = run_batch([(name, cmd)], deps.of(cmd), bin_dir, o.timeout, boot_trapgate(o.smp))
                tg[name] = again.get(name, first)
                if tg[name][0] == "pass":
                    flaky[name] = first[1]
    width = max([len(n) for n, _ in tests] + [4])
    print("%-*s  %-6s  %-8s  %s" % (width, "test", "linux", "trapgate", "cause (trapgate)"))
    for name, _ in tests:
        t = tg.get(name, ("?", ""))
        print("%-*s  %-6s  %-8s  %s" % (width, name, lin.get(name, ("-",))[0] if o.linux else "-", t[0], t[1][:100]))
    counts = {k: sum(1 for n, _ in tests if tg.get(n, ("",))[0] == k) for k in ("pass", "conf", "fail", "died")}
    print("trapgate: %(pass)d pass, %(conf)d conf, %(fail)d fail, %(died)d died" % counts)
    if o.linux:
        lp = [n for n, _ in tests if lin.get(n, ("",))[0] == "pass"]
        both = [n for n in lp if tg.get(n, ("",))[0] == "pass"]
        print("linux: %d pass; trapgate passes %d of them (%.0f %%)" % (len(lp), len(both),
                                                                        100.0 * len(both) / max(1, len(lp))))
        if whole and not o.no_docs:
            write_doc(tests, lin, tg)
            log("wrote " + os.path.relpath(DOC))
    if o.update_expected:
        skip = left_out()
        now = [n for n, _ in tests if tg.get(n, ("",))[0] == "pass" and (not o.linux or lin.get(n, ("",))[0] == "pass")
               and n not in skip]
        write_expected(read_expected() + now)
        log("tests/ltp/expected-pass.txt: %d tests" % len(set(read_expected())))
    if o.check:
        bad = [n for n, _ in tests if tg.get(n, ("",))[0] != "pass"]
        for n in bad:
            print("ltp: FAIL %s: %s %s" % (n, tg.get(n, ("?",))[0], tg.get(n, ("", ""))[1]))
        for n, why in flaky.items():
            print("ltp: FLAKY %s: the kernel died during its first run (%s); it passed alone" % (n, why))
        print("ltp expected-pass: %d passed, %d failed" % (len(tests) - len(bad), len(bad)))
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
