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
import shutil
import subprocess
import sys
import tempfile
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


@dataclass
class Outcome:
    stdout: bytes
    kernel_log: str
    exit_status: int | None  # the first program's status, None if it never ended
    panicked: bool
    timed_out: bool
    qemu_status: int


def kvm_usable():
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def qemu_args(boot, klog_path, status_path, klog_chardev=None):
    """klog_chardev: the kernel log's chardev options instead of the file klog_path."""
    accel = ["-accel", "kvm", "-cpu", "host"] if boot.kvm and kvm_usable() else ["-accel", "tcg", "-cpu", "max"]
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


def run(boot, stdin=None, timeout=120, klog_path=None):
    """Boots, feeds stdin (bytes) to the console, waits; returns an Outcome."""
    tmp = tempfile.mkdtemp(prefix="trapgate-")
    try:
        klog = klog_path or os.path.join(tmp, "kernel.log")
        status = os.path.join(tmp, "status")
        open(klog, "w").close()
        try:
            p = subprocess.run(qemu_args(boot, klog, status), input=stdin or b"",
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
            out, rc, timed_out = p.stdout, p.returncode, False
        except subprocess.TimeoutExpired as e:
            out, rc, timed_out = e.stdout or b"", -1, True
        with open(klog, errors="replace") as f:
            log = f.read().replace("\r\n", "\n")
        return Outcome(out.replace(b"\r\n", b"\n"), log, read_status(status), rc == PANIC_STATUS, timed_out, rc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
