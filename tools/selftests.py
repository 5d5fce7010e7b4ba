#!/usr/bin/env python3
"""Linux 6.1's x86 selftests (tools/testing/selftests/x86) as guest tests.

Nothing of Linux is in the repository: at test time the programs are built
from Debian's linux-source-6.1 package (/usr/src/linux-source-6.1.tar.xz,
installed with apt-get when missing), the 64-bit ones and the 32-bit ones
(BINARIES_32, with -m32: Debian's gcc-multilib), static, with the flags of the
selftests' Makefile. Only the files they need are extracted. The
binaries are cached outside the clone, in

    /var/cache/trapgate/selftests-x86-<key>/      (~/.cache/trapgate/... when not root)

where <key> hashes the tarball, the compiler's version, the flags and this
script's program list, and build/selftests-x86 is a symbolic link to it, so
that manifest entries (tests/guest/manifest.d/selftests.toml) name them as
"selftests-x86/NAME_64" or "selftests-x86/NAME_32" like any program under build/.

    python3 tools/selftests.py [--build-dir DIR]     # build (or find) them; prints the directory
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "linux-source-6.1"
TARBALL = "/usr/src/linux-source-6.1.tar.xz"
TOP = "linux-source-6.1/"
# What the 64-bit programs include besides their own directory.
EXTRACT = ["tools/testing/selftests/x86/", "tools/testing/selftests/kselftest.h",
           "arch/x86/include/asm/desc_defs.h"]
SRC = "tools/testing/selftests/x86"

# The Makefile's 64-bit programs: TARGETS_C_BOTHBITS, TARGETS_C_64BIT_ONLY and
# TARGETS_C_32BIT_NEEDED (which it builds only where -m32 works; here always).
PROGRAMS = [
    "single_step_syscall", "sysret_ss_attrs", "syscall_nt", "test_mremap_vdso", "check_initial_reg_state",
    "sigreturn", "iopl", "ioperm", "test_vsyscall", "mov_ss_trap", "sigtrap_loop", "syscall_arg_fault",
    "fsgsbase_restore", "sigaltstack", "fsgsbase", "sysret_rip", "syscall_numbering", "corrupt_xstate_header",
    "amx", "ldt_gdt", "ptrace_syscall",
]
# The Makefile's CFLAGS and its rule for BINARIES_64, plus -static (the guest
# has no dynamic loader). CAN_BUILD_32 stays undefined, as the Makefile leaves
# it on a machine without a 32-bit libc.
CFLAGS = ["-m64", "-O2", "-g", "-std=gnu99", "-pthread", "-Wall", "-no-pie", "-static", "-DCAN_BUILD_64"]
LIBS = ["-lrt", "-ldl"]
EXTRA = {
    "check_initial_reg_state": ["-Wl,-ereal_start"],
    "sysret_ss_attrs": ["thunks.S"],
}
# The Makefile's 32-bit programs (BINARIES_32: TARGETS_C_BOTHBITS,
# TARGETS_C_32BIT_ONLY, TARGETS_C_32BIT_NEEDED), with its CAN_BUILD_I386 flags
# and its rule: -m32 ... -lrt -ldl -lm.
PROGRAMS_32 = [
    "single_step_syscall", "sysret_ss_attrs", "syscall_nt", "test_mremap_vdso", "check_initial_reg_state",
    "sigreturn", "iopl", "ioperm", "test_vsyscall", "mov_ss_trap", "syscall_arg_fault", "fsgsbase_restore",
    "sigaltstack", "entry_from_vm86", "test_syscall_vdso", "unwind_vdso", "test_FCMOV", "test_FCOMI",
    "test_FISTTP", "vdso_restorer", "ldt_gdt", "ptrace_syscall",
]
CFLAGS_32 = ["-m32", "-O2", "-g", "-std=gnu99", "-pthread", "-Wall", "-no-pie", "-static", "-DCAN_BUILD_I386",
             "-DCAN_BUILD_64"]
LIBS_32 = ["-lrt", "-ldl", "-lm"]
EXTRA_32 = {
    "check_initial_reg_state": ["-Wl,-ereal_start"],
    "test_syscall_vdso": ["thunks_32.S"],
    "ptrace_syscall": ["raw_syscall_helper_32.S"],
}
CC = os.environ.get("CC", "gcc")


def cache_root():
    if os.environ.get("TRAPGATE_SELFTESTS_CACHE"):
        return os.environ["TRAPGATE_SELFTESTS_CACHE"]
    if os.geteuid() == 0 or os.access("/var/cache/trapgate", os.W_OK):
        return "/var/cache/trapgate"
    return os.path.join(os.path.expanduser("~"), ".cache", "trapgate")


def ensure_package():
    if os.path.exists(TARBALL):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("selftests: installing %s" % PACKAGE, file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
                   check=True, env=env, stdout=sys.stderr)


def tarball_digest():
    """sha256 of the tarball, remembered by size and mtime (hashing 140 MB takes a second)."""
    st = os.stat(TARBALL)
    memo = os.path.join(cache_root(), "linux-source-6.1.sha256")
    stamp = "%d %d" % (st.st_size, st.st_mtime_ns)
    try:
        with open(memo) as f:
            saved_stamp, digest = f.read().split("\n")[:2]
        if saved_stamp == stamp:
            return digest
    except (OSError, ValueError):
        pass
    h = hashlib.sha256()
    with open(TARBALL, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    os.makedirs(os.path.dirname(memo), exist_ok=True)
    with open(memo + ".tmp%d" % os.getpid(), "w") as f:
        f.write(stamp + "\n" + h.hexdigest() + "\n")
    os.replace(memo + ".tmp%d" % os.getpid(), memo)
    return h.hexdigest()


def cache_key():
    cc_version = subprocess.run([CC, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    h = hashlib.sha256()
    for part in [tarball_digest(), cc_version, " ".join(CFLAGS + LIBS), repr(sorted(EXTRA.items())),
                 " ".join(PROGRAMS), " ".join(CFLAGS_32 + LIBS_32), repr(sorted(EXTRA_32.items())),
                 " ".join(PROGRAMS_32)]:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]


def extract(dest):
    with tarfile.open(TARBALL, "r:xz") as tar:
        wanted = []
        for m in tar:  # one pass through the stream
            name = m.name[len(TOP):] if m.name.startswith(TOP) else None
            if name and any(name == e or (e.endswith("/") and name.startswith(e)) for e in EXTRACT):
                if m.isfile():
                    src = tar.extractfile(m)
                    path = os.path.join(dest, name)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as out:
                        shutil.copyfileobj(src, out)
                    os.chmod(path, m.mode & 0o755)
                    wanted.append(name)
        return wanted


def build(out_dir):
    with tempfile.TemporaryDirectory(prefix="trapgate-selftests-") as tmp:
        extract(tmp)
        src = os.path.join(tmp, SRC)
        log = []
        for prog in PROGRAMS:
            cmd = [CC, "-o", os.path.join(out_dir, prog + "_64")] + CFLAGS + EXTRA.get(prog, []) + \
                [prog + ".c", "helpers.h"] + LIBS
            r = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
            log.append("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr +
                       ("" if r.returncode == 0 else "FAILED (status %d)\n" % r.returncode))
        for prog in PROGRAMS_32:
            cmd = [CC, "-o", os.path.join(out_dir, prog + "_32")] + CFLAGS_32 + EXTRA_32.get(prog, []) + \
                [prog + ".c", "helpers.h"] + LIBS_32
            r = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
            log.append("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr +
                       ("" if r.returncode == 0 else "FAILED (status %d)\n" % r.returncode))
        with open(os.path.join(out_dir, "build.log"), "w") as f:
            f.write("".join(log))


def ensure(build_dir):
    """Builds the programs if the cache lacks them; links build_dir/selftests-x86 to them."""
    ensure_package()
    final = os.path.join(cache_root(), "selftests-x86-" + cache_key())
    if not os.path.exists(os.path.join(final, ".complete")):
        os.makedirs(cache_root(), exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".selftests-x86-", dir=cache_root())
        os.chmod(staging, 0o755)
        build(staging)
        open(os.path.join(staging, ".complete"), "w").close()
        try:
            os.rename(staging, final)  # atomic: a parallel build that finished first wins
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    link = os.path.join(build_dir, "selftests-x86")
    if os.path.realpath(link) != os.path.realpath(final):
        tmp_link = link + ".tmp%d" % os.getpid()
        os.symlink(final, tmp_link)
        os.replace(tmp_link, link)
    return final


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.environ.get("TRAPGATE_BUILD", os.path.join(ROOT, "build")))
    o = ap.parse_args()
    print(ensure(o.build_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
