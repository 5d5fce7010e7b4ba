"""Writing initramfs images: cpio "newc" archives, built in memory.

Entries are given explicitly (no staging directory), so device nodes need no
root privileges and every image is byte-for-byte reproducible (mtime 0, fixed
inode numbers).
"""

import os
import stat


def _header(ino, mode, uid, gid, nlink, mtime, size, rdev_major, rdev_minor, name_size):
    fields = [ino, mode, uid, gid, nlink, mtime, size, 0, 0, rdev_major, rdev_minor, name_size, 0]
    return b"070701" + b"".join(b"%08x" % f for f in fields)


def _pad4(data):
    return data + b"\0" * (-len(data) % 4)


class Initramfs:
    """An archive under construction: add directories, files, links, nodes."""

    def __init__(self):
        self._entries = {}  # guest path -> (mode, data, rdev)
        self._mtimes = {}  # guest path -> modification time, where not 0

    def _add(self, path, mode, data=b"", rdev=(0, 0), mtime=0):
        path = path.strip("/")
        parent = os.path.dirname(path)
        if parent and parent not in self._entries:
            self.dir(parent)
        self._entries[path] = (mode, data, rdev)
        if mtime:
            self._mtimes[path] = mtime
        else:
            self._mtimes.pop(path, None)

    def mtime(self, path):
        return self._mtimes.get(path.strip("/"), 0)

    def has(self, path):
        return path.strip("/") in self._entries

    def dir(self, path, perm=0o755):
        self._add(path, stat.S_IFDIR | perm)

    def file(self, path, data, perm=0o644, mtime=0):
        self._add(path, stat.S_IFREG | perm, data, mtime=mtime)

    def host_file(self, path, host_path, keep_mtime=False):
        """keep_mtime: the host file's modification time instead of 0 (Python
        checks a .pyc against its source's)."""
        st = os.stat(host_path)
        with open(host_path, "rb") as f:
            self.file(path, f.read(), stat.S_IMODE(st.st_mode), int(st.st_mtime) if keep_mtime else 0)

    def size(self):
        return sum(len(e[1]) for e in self._entries.values())

    def symlink(self, path, target):
        self._add(path, stat.S_IFLNK | 0o777, target.encode())

    def char_device(self, path, major, minor, perm=0o600):
        self._add(path, stat.S_IFCHR | perm, rdev=(major, minor))

    def build(self):
        out = bytearray()
        # Parents sort before their children.
        for ino, path in enumerate(sorted(self._entries), start=1):
            mode, data, rdev = self._entries[path]
            mtime = self._mtimes.get(path, 0)
            name = path.encode() + b"\0"
            out += _pad4(_header(ino, mode, 0, 0, 1, mtime, len(data), rdev[0], rdev[1], len(name)) + name)
            out += _pad4(bytes(data))
        trailer = b"TRAILER!!!\0"
        out += _pad4(_header(0, 0, 0, 0, 1, 0, 0, 0, 0, len(trailer)) + trailer)
        return bytes(out)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.build())
