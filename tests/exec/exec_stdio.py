"""`./trapgate exec`'s standard streams, from the host (tools/exec_io.py):
bytes piped in are read and then end of file, output streams as it is
written, isatty answers as the host's fds are, exit statuses pass through,
and from a pseudo-terminal the guest's tty does the line discipline.

  python3 tests/exec/exec_stdio.py [-v] [-k NAME]
Exit status 0 when every check passed; one line per check.
"""

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXEC = [sys.executable, os.path.join(ROOT, "tools", "trapgate.py"), "exec"]
LINUX_REF = [sys.executable, os.path.join(ROOT, "tools", "linux_ref.py"), "exec"]
BUSYBOX = "/bin/busybox"
VERBOSE = "-v" in sys.argv
ONLY = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else ""

failures = []


def run(args, data=b"", timeout=120, **kw):
    if "stdin" not in kw:
        kw["input"] = data
    return subprocess.run(EXEC + args, capture_output=True, timeout=timeout, **kw)


def check(name, ok, detail=""):
    print("%-40s %s" % (name, "ok" if ok else "FAIL"))
    if not ok:
        failures.append(name)
        if detail:
            print("  " + detail.replace("\n", "\n  "))


def test(fn):
    if ONLY in fn.__name__:
        try:
            fn()
        except Exception as e:  # a hang or a crash of the check itself fails it
            check(fn.__name__, False, "%s: %s" % (type(e).__name__, e))
    return fn


@test
def pipe_cat():
    r = run([BUSYBOX, "cat"], b"hello\n")
    check("pipe_cat", r.stdout == b"hello\n" and r.returncode == 0, repr((r.stdout, r.returncode, r.stderr[-500:])))


@test
def pipe_binary_roundtrip():
    data = os.urandom(100 * 1024) + bytes(range(256)) + b"\xff\xff\x00\xff"
    r = run([BUSYBOX, "cat"], data)
    check("pipe_binary_roundtrip", r.stdout == data and r.returncode == 0,
          "%d bytes back of %d, status %d" % (len(r.stdout), len(data), r.returncode))


@test
def pipe_wc_100k():
    r = run([BUSYBOX, "wc", "-c"], os.urandom(100 * 1024))
    check("pipe_wc_100k", r.stdout.split() == [b"102400"] and r.returncode == 0, repr((r.stdout, r.returncode)))


@test
def pipe_head_c():
    r = run([BUSYBOX, "head", "-c", "5"], b"abcdefgh\n")
    check("pipe_head_c", r.stdout == b"abcde" and r.returncode == 0, repr((r.stdout, r.returncode)))


@test
def pipe_eof_twice():
    # End of file stays end of file: a second read returns 0 again.
    r = run([BUSYBOX, "sh", "-c", "busybox cat; echo [; busybox cat; echo ]"], b"x\n")
    check("pipe_eof_twice", r.stdout == b"x\n[\n]\n", repr(r.stdout))


@test
def endless_input_head():
    # `yes | exec head -3`: the guest takes only what it reads, and ends.
    yes = subprocess.Popen([BUSYBOX, "yes"], stdout=subprocess.PIPE)
    try:
        r = subprocess.run(EXEC + [BUSYBOX, "head", "-3"], stdin=yes.stdout, capture_output=True, timeout=60)
    finally:
        yes.kill()
        yes.wait()
    check("endless_input_head", r.stdout == b"y\ny\ny\n" and r.returncode == 0, repr((r.stdout, r.returncode)))


@test
def stdout_closed_sigpipe():
    # `exec yes | head -1`: the host's stdout closes, the program gets SIGPIPE.
    p = subprocess.Popen(EXEC + [BUSYBOX, "yes"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    first = p.stdout.read(2)
    p.stdout.close()
    try:
        rc = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "hang"
    check("stdout_closed_sigpipe", first == b"y\n" and rc == 128 + signal.SIGPIPE, repr((first, rc)))


@test
def streaming():
    # The first line arrives while the program still sleeps.
    p = subprocess.Popen(EXEC + [BUSYBOX, "sh", "-c", "echo first; busybox sleep 3; echo second"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    start = time.time()
    first = p.stdout.readline()
    t_first = time.time()
    rest = p.stdout.read()
    t_end = time.time()
    rc = p.wait(timeout=60)
    check("streaming", first == b"first\n" and rest == b"second\n" and t_end - t_first > 2 and rc == 0,
          "first after %.1f s, end after %.1f s, %r %r" % (t_first - start, t_end - start, first, rest))


@test
def stderr_apart():
    r = run([BUSYBOX, "sh", "-c", "echo out; echo err >&2; echo out2"])
    check("stderr_apart", r.stdout == b"out\nout2\n" and b"err\n" in r.stderr and b"out" not in r.stderr,
          repr((r.stdout, r.stderr[-300:])))


@test
def isatty_pipes():
    r = run([BUSYBOX, "sh", "-c", "test -t 0; echo in=$?; test -t 1; echo out=$?; test -t 2; echo err=$?"])
    check("isatty_pipes", r.stdout == b"in=1\nout=1\nerr=1\n", repr(r.stdout))


@test
def fstat_is_fifo():
    # As from `docker run -i`: fd 0 and 1 are pipes, not character devices.
    r = run([BUSYBOX, "sh", "-c", "busybox mkdir /proc && busybox mount -t proc proc /proc && "
             "busybox stat -L -c %F /proc/self/fd/0 /proc/self/fd/1 && busybox cat /proc/self/fd/0"], b"again\n")
    check("fstat_is_fifo", r.stdout == b"fifo\nfifo\nagain\n", repr((r.stdout, r.stderr[-300:])))


@test
def stdin_regular_file():
    # `< file`: fd 0 is that file (as qemu-x86_64 passes it): fast, seekable,
    # and nowhere in the guest's tree.
    path = "/tmp/trapgate-exec-stdin-test"
    with open(path, "wb") as f:
        f.write(b"0123456789" * 100000 + b"tail!")
    try:
        with open(path, "rb") as f:
            start = time.time()
            r = run([BUSYBOX, "sh", "-c", "/busybox wc -c; /busybox ls -a /; /busybox tail -c 5 -"], stdin=f)
            took = time.time() - start
    finally:
        os.unlink(path)
    # wc reads it all, so tail needs its seek back to the end's last 5 bytes.
    check("stdin_regular_file", r.stdout.split(b"\n")[0].strip() == b"1000005" and b"trapgate-stdin" not in r.stdout
          and r.stdout.endswith(b"tail!") and took < 30, repr((r.stdout[-200:], took)))


@test
def exit_status():
    r = run([BUSYBOX, "sh", "-c", "echo bye; exit 7"])
    check("exit_status", r.stdout == b"bye\n" and r.returncode == 7, repr((r.stdout, r.returncode)))


@test
def options_env_cwd_uid():
    r = run(["--env", "GREETING=hi there", "--env", "LANG=C.UTF-8", "--env", "HOME=/home/u", "--cwd", "/work/dir",
             "--uid", "1000", BUSYBOX, "sh", "-c", 'echo "$GREETING|$LANG|$HOME"; pwd; /busybox id -u; /busybox id -g; /busybox env | /busybox grep -c HOME='])
    check("options_env_cwd_uid", r.stdout == b"hi there|C.UTF-8|/home/u\n/work/dir\n1000\n0\n1\n",
          repr((r.stdout, r.stderr[-300:])))


@test
def root_tree():
    """--root DIR: a tree as the whole root file system, its own loader and
    libraries (copied from the host here, as a debootstrap would hold them)."""
    import shutil
    import tempfile
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import elfdeps
    tree = tempfile.mkdtemp(prefix="trapgate-root-")
    try:
        os.makedirs(os.path.join(tree, "usr/bin"))
        os.makedirs(os.path.join(tree, "etc"))
        shutil.copy(BUSYBOX, os.path.join(tree, "usr/bin/busybox"))
        shutil.copy("/usr/bin/ls", os.path.join(tree, "usr/bin/ls"))
        for where, host in elfdeps.needed_files("/usr/bin/ls"):
            dst = os.path.join(tree, where.lstrip("/"))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(host, dst)
        with open(os.path.join(tree, "etc/motd"), "w") as f:
            f.write("inside the tree\n")
        top = sorted(set(os.listdir(tree)) | {"dev", "tmp"})
        r = run(["--root", tree, "/usr/bin/ls", "/"])
        c = run(["--root", tree, "/usr/bin/busybox", "cat", "/etc/motd"])
        check("root_tree", r.returncode == 0 and r.stdout.decode().split() == top and
              c.stdout == b"inside the tree\n", repr((r.stdout, r.stderr[-300:], top, c.stdout)))
    finally:
        shutil.rmtree(tree, ignore_errors=True)


@test
def trace_output_icount():
    """--trace=CALLS --icount --trace-output FILE: only those calls, in the
    file (strace -o's pid column), each with its instruction count, and the
    same counts on a second run; a bare --trace takes no value."""
    import re
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, "t%d.txt" % i) for i in (1, 2)]
        runs = [run(["--trace=getpid,exit_group", "--icount", "--trace-output", p, BUSYBOX, "sh", "-c",
                     "echo $$"]) for p in paths]
        traces = [open(p).read() for p in paths]
    lines = traces[0].splitlines()
    ok = (all(r.stdout == b"1\n" and r.returncode == 0 and b"getpid" not in r.stderr for r in runs)
          and traces[0] == traces[1] and lines[-1] == "1     +++ exited with 0 +++"
          and all(re.fullmatch(r"1     (getpid\(\) += 1 <\d+ insns>|exit_group\(0\) += \?)", l) for l in lines[:-1])
          and any(l.startswith("1     getpid()") for l in lines))
    r = run(["--trace", BUSYBOX, "true"])
    ok = ok and r.returncode == 0 and b"exit_group(0)" in r.stderr
    check("trace_output_icount", ok, repr((traces, [x.stderr[-300:] for x in runs])))


@test
def linux_same_output():
    # What Linux prints for the same program, where linux_ref exec can say.
    args = [BUSYBOX, "sh", "-c", "echo $HOME $TERM; echo $#; exit 3", "x"]
    ours = run(args)
    # linux_ref fetches Debian's kernel into the build directory if it is not
    # there yet (a run whose guest-test results all came from the cache never
    # needed it, so it may not be).
    theirs = subprocess.run(LINUX_REF + args, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    check("linux_same_output", ours.stdout == theirs.stdout.replace(b"\r\n", b"\n")
          and ours.returncode == theirs.returncode == 3, repr((ours.stdout, theirs.stdout, ours.returncode,
                                                               theirs.returncode)))


class Pty:
    """./trapgate exec on a pseudo-terminal, as a person at a terminal runs it."""

    def __init__(self, args, rows=24, cols=80):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execv(EXEC[0], EXEC + args)
        self.seen = b""

    def expect(self, needle, timeout=60):
        deadline = time.time() + timeout
        while needle not in self.seen:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no %r on the terminal; it shows %r" % (needle, self.seen[-500:]))
            if select.select([self.fd], [], [], left)[0]:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise AssertionError("terminal closed before %r; it showed %r" % (needle, self.seen[-500:]))
                if VERBOSE:
                    sys.stdout.write(data.decode(errors="replace"))
                self.seen += data

    def type(self, keys):
        os.write(self.fd, keys)

    def status(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if select.select([self.fd], [], [], 0.2)[0]:
                    self.seen += os.read(self.fd, 4096)
            except OSError:
                pass
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(st)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return "hang"


@test
def tty_isatty_and_eof():
    # (Lines end in \r\r\n: the guest tty's ONLCR, then the host terminal's
    # OPOST, which QEMU's stdio keeps.)
    # A terminal: isatty true, the guest echoes a line, ^D at a line's start ends cat.
    t = Pty([BUSYBOX, "sh", "-c", "test -t 0 && test -t 1 && echo both-tty; exec busybox cat"])
    t.expect(b"both-tty")
    time.sleep(0.5)
    t.type(b"abc\r")
    t.expect(b"abc\r\r\nabc\r\r\n")
    t.type(b"\x04")
    rc = t.status()
    check("tty_isatty_and_eof", rc == 0, repr((rc, t.seen[-300:])))


@test
def tty_eof_after_text():
    # ^D after "xy" on a line ends that read with "xy" and is used up (n_tty):
    # cat goes on reading; only a ^D at a line's start is end of file.
    t = Pty([BUSYBOX, "sh", "-c", "echo ready; busybox cat; echo cat-ended"])
    t.expect(b"ready")
    time.sleep(0.5)
    t.type(b"xy\x04")
    t.expect(b"xyxy")  # the echo, then cat's copy
    time.sleep(0.5)
    t.type(b"z\r")
    t.expect(b"z\r\r\nz\r\r\n")  # cat still reads: the ^D was no end of file
    t.type(b"\x04")
    t.expect(b"cat-ended")
    rc = t.status()
    check("tty_eof_after_text", rc == 0, repr((rc, t.seen[-300:])))


@test
def tty_winsize():
    # The guest console has the host terminal's size (TIOCGWINSZ).
    t = Pty([BUSYBOX, "stty", "size"], rows=33, cols=101)
    t.expect(b"33 101")
    rc = t.status()
    check("tty_winsize", rc == 0, repr((rc, t.seen[-300:])))


@test
def tty_ctrl_c():
    # ^C is the guest tty's SIGINT for the program: exit status 130.
    t = Pty([BUSYBOX, "sh", "-c", "echo sleeping; exec busybox sleep 100"])
    t.expect(b"sleeping")
    time.sleep(1)
    t.type(b"\x03")
    rc = t.status(timeout=30)
    check("tty_ctrl_c", rc == 128 + signal.SIGINT, repr((rc, t.seen[-300:])))


@test
def tty_ctrl_z():
    # ^Z in an interactive shell: the guest stops the job and the shell says so.
    t = Pty([BUSYBOX, "sh", "-i"])
    t.expect(b"# ")
    t.type(b"busybox sleep 100\r")
    time.sleep(1.5)
    t.type(b"\x1a")
    t.expect(b"Stopped")
    t.type(b"kill -9 %1; wait; exit\r")
    rc = t.status(timeout=30)
    check("tty_ctrl_z", rc == 0, repr((rc, t.seen[-300:])))


@test
def tty_stdin_pipe_stdout():
    # stdin piped, stdout a terminal: isatty says so for each.
    pid, fd = pty.fork()
    if pid == 0:
        r, w = os.pipe()
        os.write(w, b"data\n")
        os.close(w)
        os.dup2(r, 0)
        os.execv(EXEC[0], EXEC + [BUSYBOX, "sh", "-c", "test -t 0 || echo in-pipe; test -t 1 && echo out-tty; busybox cat"])
    seen = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
    _, st = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(st)
    check("tty_stdin_pipe_stdout", b"in-pipe\r\r\nout-tty\r\r\ndata\r\r\n" in seen and rc == 0, repr((rc, seen[-300:])))


if __name__ == "__main__":
    print("exec stdio: %d failed" % len(failures) if failures else "exec stdio: all passed")
    sys.exit(1 if failures else 0)
