"""`./trapgate exec`'s standard streams: the host's stdin, stdout and stderr
as the program sees them under `qemu-x86_64` or `docker run -i`.

Each of the host's fds 0, 1, 2 that is a terminal stays the guest's console
(COM1, QEMU's stdio): keystrokes pass through raw (QEMU puts the terminal in
raw mode) and the guest's tty does the line discipline, echo, ^C, ^Z, ^D.
Each one that is not a terminal becomes, in the guest, a pipe to the host
(kernel command line `hostio=012`, drivers/tty/hostio.cpp): the bytes travel
on a third UART, relayed here with 0xff as escape byte.

  host -> guest  0xff 0xff data 0xff; 0xff 0x00 end of stdin;
                 0xff 0x01 / 0xff 0x02 the host's stdout / stderr is closed
  guest -> host  0xff 0x00 ready (nothing is sent before it);
                 0xff 0x01 / 0xff 0x02 what follows is stdout / stderr;
                 0xff 0xff data 0xff

stdin is read only as fast as the guest takes it (the UART, then QEMU,
then this relay wait), so `yes | ./trapgate exec /bin/busybox head -3` ends;
output is passed on as it arrives. The kernel log (COM2) goes to stderr as
it is written (or to the file of --trace-output).
"""

import dataclasses
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

ESC = 0xFF
CHUNK = 2048  # escaped, at most 4096 bytes: one atomic pipe write (PIPE_BUF)


def write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def escape(data):
    return data.replace(b"\xff", b"\xff\xff")


class Relay:
    def __init__(self, hostio_fds, klog_file=None):
        self.hostio_fds = hostio_fds
        self.klog_fd = os.open(klog_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if klog_file else 2
        self.ready = threading.Event()
        self.to_guest_r, self.to_guest_w = os.pipe()
        self.from_guest_r, self.from_guest_w = os.pipe()
        self.klog_r, self.klog_w = os.pipe()
        self.threads = []

    def chardevs(self, tmp):
        """QEMU's options for the host channel and the kernel log. A "pipe"
        chardev reads PATH.in and writes PATH.out: links to our pipes."""
        base = os.path.join(tmp, "hostio")
        os.symlink("/dev/fd/%d" % self.to_guest_r, base + ".in")
        os.symlink("/dev/fd/%d" % self.from_guest_w, base + ".out")
        return (["-chardev", "pipe,id=hostio,path=" + base,
                 "-device", "isa-serial,chardev=hostio,iobase=0x3e8,irq=5"],
                "file,id=klog,path=/dev/fd/%d" % self.klog_w)

    def child_fds(self):
        return (self.to_guest_r, self.from_guest_w, self.klog_w)

    def start(self):
        # QEMU has its own copies now: ours would keep the pipes from ending.
        for fd in self.child_fds():
            os.close(fd)
        for target, daemon in ((self.from_guest, False), (self.kernel_log, False), (self.to_guest, True)):
            t = threading.Thread(target=target, daemon=daemon)
            t.start()
            if not daemon:
                self.threads.append(t)

    def finish(self):
        for t in self.threads:
            t.join()

    def to_guest(self):
        """The host's stdin, escaped, then end of file; after "ready"."""
        if 0 not in self.hostio_fds:
            return
        self.ready.wait()
        try:
            while True:
                try:
                    data = os.read(0, CHUNK)
                except OSError:
                    data = b""
                if not data:
                    write_all(self.to_guest_w, bytes([ESC, 0]))
                    return
                write_all(self.to_guest_w, escape(data))
        except OSError:
            return  # QEMU is gone

    def from_guest(self):
        """Demultiplexes the guest's stdout and stderr."""
        stream, esc, closed = 1, False, set()
        while True:
            data = os.read(self.from_guest_r, 65536)
            if not data:
                return
            if not esc and ESC not in data:
                self.flush(stream, data, closed)
                continue
            out = bytearray()
            for b in data:  # escapes are rare: scan, then write runs
                if esc:
                    esc = False
                    if b == ESC:
                        out.append(b)
                        continue
                    self.flush(stream, out, closed)
                    out = bytearray()
                    if b == 0:
                        self.ready.set()
                    elif b in (1, 2):
                        stream = b
                elif b == ESC:
                    esc = True
                else:
                    out.append(b)
            self.flush(stream, out, closed)

    def flush(self, stream, out, closed):
        if not out or stream in closed:
            return
        try:
            write_all(stream, bytes(out))
        except BrokenPipeError:
            closed.add(stream)
            try:  # two bytes: one atomic write between the stdin chunks
                os.write(self.to_guest_w, bytes([ESC, stream]))
            except OSError:
                pass

    def kernel_log(self):
        held = b""  # a "\r" at the end of a read: its "\n" may come in the next
        while True:
            data = os.read(self.klog_r, 65536)
            if not data:
                if held:
                    write_all(self.klog_fd, held)
                return
            data = held + data
            held = b"\r" if data.endswith(b"\r") else b""
            try:
                write_all(self.klog_fd, data[:len(data) - len(held)].replace(b"\r\n", b"\n"))
            except OSError:
                pass


STDIN_FILE = ".trapgate-stdin"
STDIN_FILE_MAX = 256 << 20


def regular_stdin():
    """The rest of the host's stdin when it is a regular file of at most
    256 MiB, else None. The guest's fd 0 is then that file (init.stdin=, in
    the image and unlinked at once), seekable and as fast as any file, as
    qemu-x86_64 passes the host's file."""
    try:
        st = os.fstat(0)
        if not stat.S_ISREG(st.st_mode) or st.st_size - os.lseek(0, 0, os.SEEK_CUR) > STDIN_FILE_MAX:
            return None
    except OSError:
        return None
    chunks = []
    while True:
        data = os.read(0, 1 << 20)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def run(boot, timeout, stdin_in_image=False, klog_file=None):
    """Boots with the host's streams as described above; returns the Outcome
    (its stdout and kernel_log are empty: they were passed on).
    stdin_in_image: fd 0 is a file of the image (regular_stdin).
    klog_file: the kernel log (with --trace, the trace) goes there, not to stderr."""
    ttys = {fd: os.isatty(fd) for fd in (0, 1, 2)}
    hostio_fds = [fd for fd in (0, 1, 2) if not ttys[fd] and not (fd == 0 and stdin_in_image)]
    words = [boot.cmdline.split(" -- ")[0]]
    if hostio_fds:
        words.append("hostio=" + "".join(map(str, hostio_fds)))
    if stdin_in_image:
        words.append("init.stdin=/" + STDIN_FILE)
    words.append("init.killable")
    if ttys[0]:
        words.append("init.ctty")
    for fd in (0, 1):
        if ttys[fd]:
            size = os.get_terminal_size(fd)
            words.append("console.winsize=%dx%d" % (size.lines, size.columns))
            break
    rest = boot.cmdline.partition(" -- ")
    cmdline = " ".join(words) + (" -- " + rest[2] if rest[1] else "")
    relay = Relay(hostio_fds, klog_file)
    tmp = tempfile.mkdtemp(prefix="trapgate-")
    extra, klog = relay.chardevs(tmp)
    status = os.path.join(tmp, "status")
    args = qemu.qemu_args(dataclasses.replace(boot, cmdline=cmdline, extra=tuple(extra) + tuple(boot.extra)),
                          None, status, klog_chardev=klog)
    # The console: the terminal where there is one (QEMU makes it raw and
    # restores it), else nothing to read; its output to the terminal.
    console_out = None
    if not ttys[1] and ttys[0]:
        console_out = open(os.ttyname(0), "wb", buffering=0)
    try:
        p = subprocess.Popen(args, stdin=None if ttys[0] else subprocess.DEVNULL, stdout=console_out,
                             pass_fds=relay.child_fds())
        relay.start()
        try:
            rc, timed_out = p.wait(timeout=timeout), False
        except subprocess.TimeoutExpired:
            p.terminate()  # QEMU puts the terminal back on SIGTERM
            try:
                rc = p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                rc = p.wait()
            timed_out = True
        relay.finish()
        return qemu.Outcome(b"", "", qemu.read_status(status), rc == qemu.PANIC_STATUS, timed_out, rc)
    finally:
        if console_out:
            console_out.close()
        shutil.rmtree(tmp, ignore_errors=True)
