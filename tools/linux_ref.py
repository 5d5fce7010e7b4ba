"""Linux as a reference: runs the programs Trapgate runs on Debian's Linux,
under the same QEMU, with the same view, and reports how they ended.

The kernel is Debian's cloud image (the one docs/benchmarks.md and
/work/shared/REFERENCE.md were measured with), fetched with `apt-get download`
and unpacked with `dpkg -x` into build/linux/: no package is installed, no
bootloader hook runs, and nothing of Linux is committed.

The image's /init is tools/linux_init.c, a static musl program built here
into build/linux/init. It runs each program as pid 1 of a new PID namespace
(getppid() == 0), chrooted into its own copy of the initramfs Trapgate would
get, with Trapgate's argv and environment and fds 0-2 on /dev/console, so a
program sees what it sees on Trapgate. Several programs can share one boot:
each job's output on the console ends with a marker (0x1e, a per-boot random
nonce) that the wrapper prints after the program and its namespace have ended;
what Linux prints at power-off comes after the last one. Linux's messages stay
off the program's console ("quiet"; dmesg is copied to COM2 at the end).
Console input, if any, is sent once the wrapper runs (port 0xe9 says so):
bytes sent while Linux sets up its serial ports would be lost.

Set TRAPGATE_LINUX_KERNEL to a bzImage to use another kernel.

  python3 tools/linux_ref.py install          fetch the kernel if missing
  python3 tools/linux_ref.py exec [--smp N] [--mem SIZE] [--icount] [--file HOST[:GUEST]]... PROGRAM [ARGS...]
"""

import argparse
import glob
import hashlib
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import initramfs  # noqa: E402
import qemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("TRAPGATE_BUILD", os.path.join(ROOT, "build"))
LINUX_DIR = os.path.join(BUILD, "linux")
INIT_SOURCE = os.path.join(ROOT, "tools", "linux_init.c")
INIT_BINARY = os.path.join(LINUX_DIR, "init")

# The reference kernel of REFERENCE.md; the current cloud kernel if it is gone.
PREFERRED_PACKAGE = "linux-image-6.1.0-50-cloud-amd64"
META_PACKAGE = "linux-image-cloud-amd64"
CMDLINE = "console=ttyS0 quiet panic=-1"

# The nodes Trapgate makes at boot when the initramfs lacks them (init/main.cpp).
TRAPGATE_DEV_NODES = [
    ("dev/console", 0o600, 5, 1), ("dev/tty", 0o666, 5, 0), ("dev/ttyS0", 0o660, 4, 64),
    ("dev/null", 0o666, 1, 3), ("dev/zero", 0o666, 1, 5), ("dev/full", 0o666, 1, 7),
    ("dev/random", 0o666, 1, 8), ("dev/urandom", 0o666, 1, 9),
]


class LinuxUnavailable(Exception):
    pass


def _log(msg):
    print("linux_ref: " + msg, file=sys.stderr, flush=True)


def kernel_path():
    """build/linux/vmlinuz (a link to the unpacked one), or None."""
    override = os.environ.get("TRAPGATE_LINUX_KERNEL")
    if override:
        return override
    path = os.path.join(LINUX_DIR, "vmlinuz")
    return path if os.path.exists(path) else None


def kernel_version():
    path = kernel_path()
    return os.path.basename(os.path.realpath(path)).removeprefix("vmlinuz-") if path else None


def _apt_download(package, into):
    return subprocess.run(["apt-get", "download", package], cwd=into,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _meta_dependency():
    out = subprocess.run(["apt-cache", "depends", META_PACKAGE], capture_output=True, text=True).stdout
    m = re.search(r"Depends: (linux-image-\S+)", out)
    return m.group(1) if m else None


def install():
    """Fetches and unpacks the kernel unless it is there; returns its path."""
    path = kernel_path()
    if path:
        return path
    os.makedirs(LINUX_DIR, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="linux-", dir=LINUX_DIR)
    os.chmod(tmp, 0o755)  # apt's sandbox user may write here
    try:
        _log("fetching Debian's %s (apt-get download, dpkg -x into %s)" % (PREFERRED_PACKAGE, LINUX_DIR))
        got = _apt_download(PREFERRED_PACKAGE, tmp)
        if got.returncode:
            subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            got = _apt_download(PREFERRED_PACKAGE, tmp)
        if got.returncode:
            package = _meta_dependency()
            if not package:
                raise LinuxUnavailable("apt-get cannot find %s or %s:\n%s" % (PREFERRED_PACKAGE, META_PACKAGE,
                                                                              got.stderr))
            _log("%s is gone; using %s" % (PREFERRED_PACKAGE, package))
            got = _apt_download(package, tmp)
            if got.returncode:
                raise LinuxUnavailable("apt-get download %s failed:\n%s" % (package, got.stderr))
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        unpacked = os.path.join(tmp, "x")
        subprocess.run(["dpkg", "-x", debs[0], unpacked], check=True)
        kernels = glob.glob(os.path.join(unpacked, "boot", "vmlinuz-*"))
        if not kernels:
            raise LinuxUnavailable("%s holds no /boot/vmlinuz-*" % os.path.basename(debs[0]))
        # Keep the kernel and its config; the modules are not needed (no module is loaded).
        for f in kernels + glob.glob(os.path.join(unpacked, "boot", "config-*")):
            shutil.move(f, os.path.join(LINUX_DIR, os.path.basename(f)))
        link = os.path.join(LINUX_DIR, "vmlinuz")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.basename(kernels[0]), link)
        _log("kernel: %s" % os.path.realpath(link))
        return link
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_init_lock = threading.Lock()  # boots are prepared from several threads at once


def build_init():
    """build/linux/init from tools/linux_init.c (musl-gcc -static), if stale."""
    with _init_lock:
        if (os.path.exists(INIT_BINARY)
                and os.path.getmtime(INIT_BINARY) >= os.path.getmtime(INIT_SOURCE)):
            return INIT_BINARY
        os.makedirs(LINUX_DIR, exist_ok=True)
        tmp = "%s.tmp.%d" % (INIT_BINARY, os.getpid())
        subprocess.run(["musl-gcc", "-static", "-O2", "-Wall", "-Wextra", "-o", tmp, INIT_SOURCE], check=True)
        os.replace(tmp, INIT_BINARY)
        return INIT_BINARY


def identity():
    """What a cached result depends on besides the job: the kernel and the wrapper."""
    with open(INIT_SOURCE, "rb") as f:
        wrapper = hashlib.sha256(f.read()).hexdigest()[:16]
    return "%s/%s/%s" % (kernel_version(), wrapper, CMDLINE)


@dataclass
class Job:
    """One program to run: `image` is the initramfs Trapgate would get."""
    id: str
    image: initramfs.Initramfs
    program: str  # its path in the image, as Trapgate's init= gets it
    args: list = field(default_factory=list)
    timeout: int = 120


@dataclass
class Result:
    stdout: bytes
    exit_status: int | None  # None: the job never reported (the boot died first)
    timed_out: bool


@dataclass
class Batch:
    results: dict  # job id -> Result
    kernel_log: str
    boot_tsc: int | None
    qemu_status: int
    timed_out: bool


def _entries(image):
    return image._entries  # noqa: SLF001 - initramfs.Initramfs keeps them by guest path


def _image(jobs):
    top = initramfs.Initramfs()
    top.host_file("init", build_init())
    for path, perm, major, minor in TRAPGATE_DEV_NODES + [("dev/ttyS1", 0o600, 4, 65)]:
        top.char_device(path, major, minor, perm)
    # Markers even for one job: what Linux prints at power-off ("reboot: Power
    # down", an emergency message that "quiet" lets through) comes after them.
    nonce = secrets.token_hex(8)
    plan = ["markers " + nonce]
    for job in jobs:
        root = "r/%s" % job.id
        entries = dict(_entries(job.image))
        for path, perm, major, minor in TRAPGATE_DEV_NODES:
            if path not in entries:
                entries[path] = (stat.S_IFCHR | perm, b"", (major, minor))
        if "dev" not in entries:
            entries["dev"] = (stat.S_IFDIR | 0o755, b"", (0, 0))
        top.dir(root)
        for path, (mode, data, rdev) in entries.items():
            top._add(root + "/" + path, mode, data, rdev, job.image.mtime(path))  # noqa: SLF001
        words = [job.id, "/" + root, str(job.timeout), job.program] + list(job.args)
        for w in words:
            if "\n" in w or "\x1f" in w:
                raise ValueError("job %s: an argument holds a newline or 0x1f" % job.id)
        plan.append("\x1f".join(words))
    top.file("linuxref/plan", ("\n".join(plan) + "\n").encode())
    return top, nonce


def _split_console(out, nonce):
    """Per-job output and status from the console stream with markers."""
    pattern = re.compile(rb"\x1eLINUXREF " + nonce.encode() + rb" (\S+) (-?\d+)\x1e\n")
    results, pos = {}, 0
    for m in pattern.finditer(out):
        results[m.group(1).decode()] = (out[pos:m.start()], int(m.group(2)))
        pos = m.end()
    return results, out[pos:]


def _feed_when_ready(proc, data, status_path, deadline):
    """Console input is written once the wrapper runs: bytes sent while Linux
    sets up its serial ports are lost."""
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(status_path) as f:
                if "boot_tsc=" in f.read():
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass


def _qemu(args, stdin, status_path, timeout):
    """Runs QEMU; returns (console output, QEMU status, timed out)."""
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    feeder = threading.Thread(target=_feed_when_ready,
                              args=(proc, stdin or b"", status_path, time.monotonic() + timeout), daemon=True)
    feeder.start()
    chunks = []
    readers = [threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True),
               threading.Thread(target=proc.stderr.read, daemon=True)]
    for r in readers:
        r.start()
    try:
        proc.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        timed_out = True
    for r in readers:
        r.join()
    return b"".join(chunks), (-1 if timed_out else proc.returncode), timed_out


def run(jobs, smp=1, mem="256M", icount=False, kvm=False, stdin=None, boot_timeout=180, extra=(), cpu="max"):
    """Boots Linux once and runs the jobs in order; returns a Batch."""
    kernel = install()
    image, nonce = _image(jobs)
    tmp = tempfile.mkdtemp(prefix="linuxref-")
    try:
        initrd = os.path.join(tmp, "initrd.cpio")
        image.write(initrd)
        klog, status = os.path.join(tmp, "kernel.log"), os.path.join(tmp, "status")
        open(klog, "w").close()
        boot = qemu.Boot(kernel, initrd, CMDLINE, smp=smp, mem=mem, icount=icount, kvm=kvm, extra=tuple(extra), cpu=cpu)
        timeout = boot_timeout + sum(j.timeout for j in jobs)
        out, rc, timed_out = _qemu(qemu.qemu_args(boot, klog, status), stdin, status, timeout)
        out = out.replace(b"\r\n", b"\n")
        with open(klog, errors="replace") as f:
            log = f.read().replace("\r\n", "\n")
        try:
            with open(status, errors="replace") as f:
                port = f.read()
        except FileNotFoundError:
            port = ""
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    statuses = {m.group(1): int(m.group(2)) for m in re.finditer(r"job=(\S+) exit_status=(-?\d+)", port)}
    m = re.search(r"boot_tsc=(\d+)", port)
    results = {}
    split, rest = _split_console(out, nonce)
    for job in jobs:
        if job.id in split:
            text, code = split[job.id]
            results[job.id] = Result(text, code, code == 124)
        else:
            results[job.id] = Result(b"", statuses.get(job.id), timed_out)
    # The output of the first job that never got its marker is the rest of the stream.
    pending = [j for j in jobs if j.id not in split]
    if pending:
        results[pending[0].id].stdout = rest
    return Batch(results, log, int(m.group(1)) if m else None, rc, timed_out)


def cmd_exec(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import trapgate
    ap = argparse.ArgumentParser(prog="linux_ref.py exec")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--file", action="append", default=[], metavar="HOST[:GUEST]")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("-v", action="store_true", help="print the kernel log and the debug port's lines")
    ap.add_argument("program")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    o = ap.parse_args(argv)
    image, guest = trapgate.program_image(o.program, o.file)
    stdin = None if sys.stdin.isatty() else sys.stdin.buffer.read()
    batch = run([Job("1", image, guest, o.args, o.timeout)], smp=o.smp, mem=o.mem, icount=o.icount,
                stdin=stdin)
    result = batch.results["1"]
    sys.stdout.buffer.write(result.stdout)
    sys.stdout.flush()
    if o.v:
        sys.stderr.write(batch.kernel_log)
        print("boot_tsc=%s" % batch.boot_tsc, file=sys.stderr)
    if result.exit_status is None:
        print("linux_ref: QEMU ended (status %d) without an exit status" % batch.qemu_status, file=sys.stderr)
        return 125
    return result.exit_status


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("install", "exec"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "install":
        print(install())
        return 0
    return cmd_exec(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
