"""Debian's i386 busybox-static, for the busybox suite's 32-bit runs.

The busybox suite (tests/busybox/*.sh) runs a second time with Debian 12's
i386 busybox-static as /bin/busybox in the image (manifest key
busybox = "i386"), on Trapgate and on Linux. The package is fetched at test
time the way tools/linux_ref.py fetches the Linux kernel: `apt-get download`
(after `dpkg --add-architecture i386` and `apt-get update` when apt does not
know the architecture yet) and `dpkg -x` into build/busybox-i386/. Nothing is
installed and nothing of it is committed; once unpacked it is reused.

  python3 tools/busybox_i386.py install     fetch it if missing; prints its path
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("TRAPGATE_BUILD", os.path.join(ROOT, "build"))
DIR = os.path.join(BUILD, "busybox-i386")
BUSYBOX = os.path.join(DIR, "bin", "busybox")
PACKAGE = "busybox-static:i386"


class BusyboxUnavailable(Exception):
    pass


def _log(msg):
    print("busybox_i386: " + msg, file=sys.stderr, flush=True)


def _root(cmd):
    """cmd as root: directly when we are, else through sudo."""
    return cmd if os.geteuid() == 0 else ["sudo"] + cmd


def _download(into):
    return subprocess.run(["apt-get", "download", PACKAGE], cwd=into,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


_lock = threading.Lock()  # images are built from several threads at once


def install():
    """build/busybox-i386/bin/busybox, fetched and unpacked unless it is there."""
    with _lock:
        if os.path.exists(BUSYBOX):
            return BUSYBOX
        os.makedirs(BUILD, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="busybox-i386-", dir=BUILD)
        os.chmod(tmp, 0o755)  # apt's sandbox user may write here
        try:
            _log("fetching Debian's %s (apt-get download, dpkg -x into %s)" % (PACKAGE, DIR))
            got = _download(tmp)
            if got.returncode:
                foreign = subprocess.run(["dpkg", "--print-foreign-architectures"],
                                         capture_output=True, text=True).stdout.split()
                if "i386" not in foreign:
                    subprocess.run(_root(["dpkg", "--add-architecture", "i386"]), check=True)
                subprocess.run(_root(["apt-get", "update", "-qq"]), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                got = _download(tmp)
            if got.returncode:
                raise BusyboxUnavailable("apt-get download %s failed:\n%s" % (PACKAGE, got.stderr))
            debs = glob.glob(os.path.join(tmp, "*.deb"))
            unpacked = os.path.join(tmp, "x")
            subprocess.run(["dpkg", "-x", debs[0], unpacked], check=True)
            binary = os.path.join(unpacked, "bin", "busybox")
            if not os.path.exists(binary):
                raise BusyboxUnavailable("%s holds no /bin/busybox" % os.path.basename(debs[0]))
            os.makedirs(os.path.dirname(BUSYBOX), exist_ok=True)
            shutil.move(binary, BUSYBOX + ".tmp")
            os.replace(BUSYBOX + ".tmp", BUSYBOX)
            with open(os.path.join(DIR, "package"), "w") as f:
                f.write(os.path.basename(debs[0]) + "\n")
            _log("busybox: %s" % BUSYBOX)
            return BUSYBOX
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if argv[1:] != ["install"]:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(install())
    except BusyboxUnavailable as e:
        print("busybox_i386: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
