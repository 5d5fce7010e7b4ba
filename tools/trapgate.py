"""The `./trapgate` commands that boot the kernel: run and exec.

  run                          the demo system on this terminal
  exec [options] PROGRAM ARGS  PROGRAM (a static x86-64 ELF on the host) as the
                               first process; its output is ours, its exit
                               status is ours.
"""

import argparse
import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import initramfs  # noqa: E402
import elfdeps  # noqa: E402
import exec_io  # noqa: E402
import qemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("TRAPGATE_BUILD", os.path.join(ROOT, "build"))
# The checked kernel (stack protector, UBSan) unless TRAPGATE_KERNEL names
# another: ./trapgate bench uses build/vmlinux-unchecked.
KERNEL = os.environ.get("TRAPGATE_KERNEL") or os.path.join(BUILD, "vmlinux")


def quote(arg):
    """One init argument on the kernel command line (see init/main.cpp):
    double quotes group, a backslash escapes a quote or a backslash."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    return '"%s"' % escaped if (" " in arg or not arg) else escaped


def base_image():
    image = initramfs.Initramfs()
    image.dir("dev")
    image.char_device("dev/console", 5, 1)
    image.dir("tmp", 0o1777)
    return image


ROOTFS = os.path.join(ROOT, "rootfs")
BUSYBOX = "/bin/busybox"  # Debian's busybox-static, installed by ./trapgate


def system_image(busybox=BUSYBOX):
    """The default root file system: busybox with its applet links, the files
    under rootfs/ (init script, /etc), and the usual directories. busybox is
    the binary at /bin/busybox (the busybox suite's i386 runs give Debian's
    i386 one, tools/busybox_i386.py); the applet links are always the host
    busybox's list, which the i386 build of the same package shares."""
    image = base_image()
    for d in ("proc", "sys", "root", "etc", "bin", "sbin", "usr/bin", "usr/sbin"):
        image.dir(d)
    image.dir("tmp", 0o1777)
    image.host_file("bin/busybox", busybox)
    for n, name in enumerate(("stdin", "stdout", "stderr")):
        image.symlink("dev/" + name, "/proc/self/fd/%d" % n)
    image.symlink("dev/fd", "/proc/self/fd")
    listing = subprocess.run([BUSYBOX, "--list-full"], capture_output=True, text=True, check=True).stdout
    for applet in listing.split():
        if applet != "bin/busybox":
            image.symlink(applet, "/bin/busybox")
    for top, _, names in os.walk(ROOTFS):
        for name in names:
            host = os.path.join(top, name)
            image.host_file(os.path.relpath(host, ROOTFS), host)
    return image


def program_image(program, files):
    """The base image with the program at /NAME, its interpreter and shared
    libraries (if dynamically linked) where the guest's loader looks for them
    (tools/elfdeps.py), and the extra files."""
    image = base_image()
    guest = "/" + os.path.basename(program)
    image.host_file(guest, program)
    for where, host in elfdeps.needed_files(program):
        image.host_file(where, host)
    for spec in files:
        # HOST:GUEST; an absolute HOST alone keeps its path (the host's view),
        # a relative one goes to /its-name.
        host, _, where = spec.partition(":")
        image.host_file(where or (host if os.path.isabs(host) else "/" + os.path.basename(host)), host)
    return image, guest


def root_image(root, program, files):
    """exec --root: the tree as the root file system, nothing of the host's
    but the console and the extra files; the program is looked up inside it
    (its loader and libraries are the tree's own)."""
    root = os.path.abspath(root)
    if not os.path.isdir(root):
        raise SystemExit("trapgate: --root: %s is not a directory" % root)
    if not program.startswith("/"):
        raise SystemExit("trapgate: --root wants the program's absolute path inside the tree")
    if not os.path.lexists(root + program):
        raise SystemExit("trapgate: --root: no %s in %s" % (program, root))
    image = base_image()
    add_host_dir(image, root, "/", with_libraries=False)
    for spec in files:
        host, _, where = spec.partition(":")
        image.host_file(where or (host if os.path.isabs(host) else "/" + os.path.basename(host)), host)
    return image, program


# Trees exec leaves out of a --host-dir: a language's own test suites and GUI
# tools, tens of MiB nobody runs (python3's test/ is 13 MiB), and python's
# config-3.N-* (its static library for embedding, 25 MiB).
SKIP_DIRS = {"test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3"}


def add_host_dir(image, host, guest, with_libraries=True):
    """A host directory tree at guest: files, symlinks (as links) and
    directories, and (with_libraries) the host's shared libraries its ELF
    objects need."""
    if not os.path.isdir(host):
        raise SystemExit("trapgate: --host-dir: %s is not a directory" % host)
    for top, dirs, names in os.walk(host):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("config-3.")
                         and not os.path.islink(os.path.join(top, d)))
        rel = os.path.relpath(top, host)
        where = guest if rel == "." else os.path.join(guest, rel)
        image.dir(where, stat.S_IMODE(os.stat(top).st_mode))
        for name in names + [d for d in os.listdir(top) if os.path.islink(os.path.join(top, d))
                             and os.path.isdir(os.path.join(top, d))]:
            path = os.path.join(top, name)
            if os.path.islink(path):
                image.symlink(os.path.join(where, name), os.readlink(path))
            elif os.path.isfile(path) and os.access(path, os.R_OK):
                image.host_file(os.path.join(where, name), path, keep_mtime=True)
                if with_libraries and ".so" in name:
                    for lib_where, lib_host in elfdeps.needed_files(path, library=True):
                        if not image.has(lib_where):
                            image.host_file(lib_where, lib_host)


def python_stdlib(program):
    """/usr/lib/python3.N for a python3.N program (its standard library), or None."""
    m = re.fullmatch(r"python(3\.\d+)", os.path.basename(os.path.realpath(program)))
    lib = m and "/usr/lib/python" + m.group(1)
    return lib if lib and os.path.isdir(lib) else None


def trace_words(trace, output=None, icount=False):
    """The kernel's tracer words (kernel/trace.cpp): trace is False, True
    (every call) or strace's -e trace= list ("open,read,%file")."""
    if not trace:
        return []
    words = ["trace" if trace is True else "trace=" + trace]
    if output:
        words.append("trace.file")  # every line starts with its pid, as strace -f -o FILE
    if icount:
        words.append("trace.icount")
    return words


def cmdline(init, args, trace=False, quiet=True, extra=()):
    words = (["quiet"] if quiet else []) + ["init=" + init] + trace_words(trace) + list(extra)
    return " ".join(words + ["--"] + [quote(a) for a in args])


def build_initrd(image, name):
    path = os.path.join(BUILD, name)
    image.write(path)
    return path


# exec's options that take a value: the program is the first word after them.
VALUE_OPTIONS = {"--smp", "--mem", "--file", "--root", "--host-dir", "--env", "--cwd", "--uid", "--timeout", "--trace-output"}


def split_trace_option(argv):
    """--trace=CALLS (strace's -e trace=) as --trace-calls CALLS, among
    exec's own options only: a bare --trace takes no value, so
    `--trace /bin/ls` still runs /bin/ls."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if not a.startswith("-"):
            return out + argv[i:]
        if a.startswith("--trace="):
            out += ["--trace-calls", a[len("--trace="):]]
        else:
            out.append(a)
            if a in VALUE_OPTIONS and i + 1 < len(argv):
                out.append(argv[i + 1])
                i += 1
        i += 1
    return out


def cmd_exec(argv):
    ap = argparse.ArgumentParser(prog="trapgate exec")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", help="guest memory (default 128M, more for a large image)")
    ap.add_argument("--trace", action="store_true", help="print every system call on stderr, as strace -f does")
    ap.add_argument("--trace-calls", metavar="CALLS", help="--trace=open,read,%%file: only those (strace -e trace=)")
    ap.add_argument("--trace-output", metavar="FILE", help="the trace (the kernel log) to FILE instead of stderr")
    ap.add_argument("--icount", action="store_true", help="count guest instructions: -icount shift=0,sleep=off")
    ap.add_argument("--kvm", action="store_true", help="use KVM if /dev/kvm works (optional)")
    ap.add_argument("--file", action="append", default=[], metavar="HOST[:GUEST]")
    ap.add_argument("--root", metavar="DIR",
                    help="a host directory tree (a debootstrap, a container image) as the whole root file "
                         "system; the program is a path inside it")
    ap.add_argument("--host-dir", action="append", default=[], metavar="HOST[:GUEST]",
                    help="a host directory tree in the guest, at GUEST (default: the same path)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="add to (or replace in) the program's environment (HOME=/ TERM=linux)")
    ap.add_argument("--cwd", metavar="DIR", help="the program's working directory (made if missing)")
    ap.add_argument("--uid", type=int, metavar="N", help="the program's user id (group 0, as docker --user N)")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("program")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    o = ap.parse_args(split_trace_option(argv))
    if o.trace_calls:
        o.trace = o.trace_calls
    if o.root:
        image, guest = root_image(o.root, o.program, o.file)
    else:
        image, guest = program_image(o.program, o.file)
    host_dirs = list(o.host_dir)
    stdlib = None if o.root else python_stdlib(o.program)
    if stdlib and not any(d.partition(":")[0].rstrip("/") == stdlib for d in host_dirs):
        host_dirs.append(stdlib)  # python3 without its standard library stops at once
    for spec in host_dirs:
        host, _, where = spec.partition(":")
        add_host_dir(image, os.path.abspath(host), where or os.path.abspath(host))
    words = []
    for env in o.env:
        if "=" not in env or not env.partition("=")[0]:
            raise SystemExit("trapgate: --env wants NAME=VALUE, not %r" % env)
        words.append(quote("init.env=" + env))
    if o.cwd:
        if not o.cwd.startswith("/"):
            raise SystemExit("trapgate: --cwd wants an absolute path")
        if o.cwd.strip("/") and not image.has(o.cwd):
            image.dir(o.cwd)
        words.append(quote("init.cwd=" + o.cwd))
    if o.uid is not None:
        words.append("init.uid=%d" % o.uid)
    stdin_data = None if sys.stdin.isatty() else exec_io.regular_stdin()
    if stdin_data is not None:
        image.file(exec_io.STDIN_FILE, stdin_data, 0o400)
    # The image and its unpacked files are both in memory while it unpacks.
    mem = o.mem or "%dM" % max(128, (2 * image.size() >> 20) + 64)
    if o.trace_output and not o.trace:
        o.trace = True
    words = trace_words(o.trace, o.trace_output, o.icount) + words
    boot = qemu.Boot(KERNEL, build_initrd(image, "exec.cpio"), cmdline(guest, o.args, extra=words),
                     smp=o.smp, mem=mem, icount=o.icount, kvm=o.kvm)
    outcome = exec_io.run(boot, timeout=o.timeout, stdin_in_image=stdin_data is not None,
                          klog_file=o.trace_output)
    if outcome.timed_out:
        print("trapgate: timed out after %d s" % o.timeout, file=sys.stderr)
        return 124
    if outcome.panicked:
        print("trapgate: kernel panic", file=sys.stderr)
        return 125
    if outcome.exit_status is None:
        print("trapgate: QEMU ended (status %d) without an exit status" % outcome.qemu_status, file=sys.stderr)
        return 125
    return outcome.exit_status


def cmd_run(argv):
    ap = argparse.ArgumentParser(prog="trapgate run")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--kvm", action="store_true")
    o = ap.parse_args(argv)
    boot = qemu.Boot(KERNEL, build_initrd(system_image(), "run.cpio"), cmdline("/init", [], o.trace, quiet=True),
                     smp=o.smp, mem=o.mem, kvm=o.kvm)
    return qemu.run_interactive(boot)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "exec"):
        print(__doc__, file=sys.stderr)
        return 2
    return {"run": cmd_run, "exec": cmd_exec}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
