"""Booting a kernel under QEMU and collecting what it says.

Channels (see arch/x86_64/kernel/reboot.cpp and drivers/tty/serial.cpp):
  COM1            the console: program output, and input from the host
  COM2            kernel messages (boot lines, the tracer, ENOSYS notices)
  debugcon 0xe9   one line "exit_status=N" when the first program ends
  isa-debug-exit  a kernel panic ends QEMU with status 3
  COM3 (0x3e8, IRQ 5)  `./trapgate exec` only: the host's stdin, stdout and
                  stderr where they are not a terminal (tools/exec_io.py)
Software emulation (TCG, -cpu max) always works; KVM is tried only when asked
for and /dev/kvm is usable, and never needed.
"""

import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

QEMU = "qemu-system-x86_64"
PANIC_STATUS = 3  # isa-debug-exit with 1: (1 << 1) | 1


@dataclass
class Boot:
    kernel: str
    initrd: str
    cmdline: str
    smp: int = 1
    mem: str = "128M"
    icount: bool = False
    kvm: bool = False
    cdrom: str = ""  # boot this ISO through its bootloader instead of -kernel
    extra: tuple = ()
    cpu: str = "max"  # TCG's -cpu (a test may ask for another vendor's CPU)


@dataclass
class Outcome:
    stdout: bytes
    kernel_log: str
    exit_status: int | None  # the first program's status, None if it never ended
    panicked: bool
    timed_out: bool
    qemu_status: int
    hung: str = ""  # with silence=S: no console output for S seconds; each CPU's RIP (symbolized)


def kvm_usable():
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def qemu_args(boot, klog_path, status_path, klog_chardev=None):
    """klog_chardev: the kernel log's chardev options instead of the file klog_path."""
    accel = ["-accel", "kvm", "-cpu", "host"] if boot.kvm and kvm_usable() else ["-accel", "tcg", "-cpu", boot.cpu]
    args = [QEMU, *accel, "-m", boot.mem, "-smp", str(boot.smp), "-display", "none", "-no-reboot",
            *(["-cdrom", boot.cdrom] if boot.cdrom else
              ["-kernel", boot.kernel, "-initrd", boot.initrd, "-append", boot.cmdline]),
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-debugcon", "file:" + status_path]
    if boot.icount:
        args += ["-icount", "shift=0,sleep=off"]
    args += ["-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
             "-chardev", klog_chardev or "file,id=klog,path=%s,append=on" % klog_path, "-serial", "chardev:klog"]
    return args + list(boot.extra)


def read_status(path):
    try:
        with open(path) as f:
            m = re.search(r"exit_status=(\d+)", f.read())
            return int(m.group(1)) if m else None
    except FileNotFoundError:
        return None


def run(boot, stdin=None, timeout=120, klog_path=None, silence=None):
    """Boots, feeds stdin (bytes) to the console, waits; returns an Outcome.
    silence: seconds without console output after which the guest counts as
    hung: each CPU's instruction pointer is read from QEMU's monitor (named by
    the kernel's symbols, in Outcome.hung) and QEMU is stopped."""
    tmp = tempfile.mkdtemp(prefix="trapgate-")
    try:
        klog = klog_path or os.path.join(tmp, "kernel.log")
        status = os.path.join(tmp, "status")
        monitor = os.path.join(tmp, "monitor")
        open(klog, "w").close()
        args = qemu_args(boot, klog, status)
        if silence:
            args += ["-monitor", "unix:%s,server,nowait" % monitor]
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        feeder = threading.Thread(target=_feed, args=(p.stdin, stdin or b""), daemon=True)
        feeder.start()
        err = []
        threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True).start()
        out, timed_out, hung = bytearray(), False, ""
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        fd = p.stdout.fileno()
        while True:
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            if silence and now - last >= silence:
                timed_out = True
                hung = _cpu_places(monitor, boot.kernel) or "?"
                break
            ready, _, _ = select.select([fd], [], [], min(1.0, deadline - now))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                out += chunk
                last = time.monotonic()
        if timed_out:
            p.kill()
        rc = p.wait()
        if timed_out:
            rc = -1
        with open(klog, errors="replace") as f:
            log = f.read().replace("\r\n", "\n")
        return Outcome(bytes(out).replace(b"\r\n", b"\n"), log, read_status(status), rc == PANIC_STATUS,
                       timed_out, rc, hung)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _feed(pipe, data):
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass


def _cpu_places(monitor, kernel):
    """'cpu0 RIP=... (function) cpu1 ...' from QEMU's monitor, or '' if it does not answer."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(monitor)
            s.sendall(b"info registers -a\n")
            text, end = b"", time.monotonic() + 5
            while time.monotonic() < end:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                text += chunk
                if text.count(b"RIP=") and text.rstrip().endswith(b"(qemu)"):
                    break
    except OSError:
        return ""
    rips = re.findall(rb"RIP=([0-9a-f]{16})", text)
    places = []
    for i, rip in enumerate(rips):
        addr = rip.decode()
        name = ""
        if kernel and os.path.exists(kernel):
            r = subprocess.run(["addr2line", "-f", "-C", "-e", kernel, "0x" + addr], capture_output=True, text=True)
            name = r.stdout.split("\n")[0] if r.returncode == 0 else ""
        places.append("cpu%d RIP=%s%s" % (i, addr, " (%s)" % name if name and name != "??" else ""))
    return ", ".join(places)


def run_interactive(boot):
    """Boots with the terminal as the console; kernel messages go to stderr."""
    tmp = tempfile.mkdtemp(prefix="trapgate-")
    try:
        status = os.path.join(tmp, "status")
        args = qemu_args(boot, "/dev/stderr", status)
        rc = subprocess.call(args)
        code = read_status(status)
        if rc == PANIC_STATUS:
            print("trapgate: kernel panic", file=sys.stderr)
            return 125
        return code if code is not None else (rc or 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
