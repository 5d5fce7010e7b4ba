"""What a dynamically linked program needs to start: its interpreter
(PT_INTERP) and the shared libraries it and they name (DT_NEEDED), found with
the dynamic loader's own search rules, so `./trapgate exec` can put them in
the guest at the paths where the guest's loader will look.

The rules, as glibc's ld.so applies them for a program without
LD_LIBRARY_PATH: a library's DT_RPATH (only when it has no DT_RUNPATH), then
its DT_RUNPATH, then the directories of /etc/ld.so.conf (what ld.so.cache is
built from), then the default /lib and /usr/lib. $ORIGIN in a path is the
directory of the object naming it. This reads the files; it runs nothing (no
ldd).

    python3 tools/elfdeps.py PROGRAM      lists guest path <- host file
"""

import glob
import os
import struct
import sys

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_RPATH, DT_RUNPATH = 0, 1, 5, 15, 29
DEFAULT_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"]


class Elf:
    """The parts of an ELF64 little-endian file the loader needs."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            raise ValueError("%s: not an ELF64 little-endian file" % path)
        self.type, = struct.unpack_from("<H", d, 16)
        phoff, = struct.unpack_from("<Q", d, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", d, 0x36)
        self.phdrs = [struct.unpack_from("<IIQQQQQQ", d, phoff + i * phentsize) for i in range(phnum)]

    def _offset(self, vaddr):
        for p_type, _fl, off, va, _pa, filesz, _memsz, _al in self.phdrs:
            if p_type == PT_LOAD and va <= vaddr < va + filesz:
                return off + vaddr - va
        return None

    def interp(self):
        for p_type, _fl, off, _va, _pa, filesz, _m, _a in self.phdrs:
            if p_type == PT_INTERP:
                return self.data[off:off + filesz].split(b"\0", 1)[0].decode()
        return None

    def dynamic(self):
        """(needed, rpath, runpath) from PT_DYNAMIC."""
        entries = []
        for p_type, _fl, off, _va, _pa, filesz, _m, _a in self.phdrs:
            if p_type == PT_DYNAMIC:
                for i in range(0, filesz - 15, 16):
                    tag, val = struct.unpack_from("<qQ", self.data, off + i)
                    if tag == DT_NULL:
                        break
                    entries.append((tag, val))
        strtab = next((self._offset(v) for t, v in entries if t == DT_STRTAB), None)
        if strtab is None:
            return [], None, None

        def string(o):
            end = self.data.index(b"\0", strtab + o)
            return self.data[strtab + o:end].decode()
        needed = [string(v) for t, v in entries if t == DT_NEEDED]
        rpath = next((string(v) for t, v in entries if t == DT_RPATH), None)
        runpath = next((string(v) for t, v in entries if t == DT_RUNPATH), None)
        return needed, rpath, runpath


def ld_so_conf_dirs(conf="/etc/ld.so.conf", seen=None):
    """The directories /etc/ld.so.conf names, following its include lines."""
    seen = set() if seen is None else seen
    if conf in seen or not os.path.exists(conf):
        return []
    seen.add(conf)
    dirs = []
    with open(conf) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("include "):
                pattern = line.split(None, 1)[1]
                if not os.path.isabs(pattern):
                    pattern = os.path.join(os.path.dirname(conf), pattern)
                for inc in sorted(glob.glob(pattern)):
                    dirs += ld_so_conf_dirs(inc, seen)
            else:
                dirs.append(line)
    return dirs


def _expand(paths, origin):
    return [p.replace("$ORIGIN", origin).replace("${ORIGIN}", origin) for p in paths.split(":") if p]


def needed_files(program, library=False):
    """[(guest path, host file)] for a dynamically linked program, [] for a static one.

    The guest path is where the guest's loader opens the object: the
    interpreter at its PT_INTERP name, each library at DIR/NAME for the first
    directory of the search that has it. library=True: program is a shared
    object (a Python extension module) to be loaded by dlopen; the libraries
    it needs, without an interpreter."""
    try:
        elf = Elf(program)
    except (OSError, ValueError):
        return []
    interp = elf.interp()
    if library:
        files = []
    elif not interp:
        return []
    else:
        files = [(interp, os.path.realpath(interp))]
    system = ld_so_conf_dirs() + DEFAULT_DIRS
    found, queue = {}, [(program, elf)]
    while queue:
        path, obj = queue.pop(0)
        needed, rpath, runpath = obj.dynamic()
        origin = os.path.dirname(os.path.realpath(path))
        dirs = (_expand(rpath, origin) if rpath and not runpath else []) + \
            (_expand(runpath, origin) if runpath else []) + system
        for name in needed:
            if name in found:
                continue
            for d in dirs:
                candidate = os.path.join(d, name)
                if os.path.exists(candidate):
                    found[name] = candidate
                    files.append((candidate, os.path.realpath(candidate)))
                    try:
                        queue.append((candidate, Elf(candidate)))
                    except (OSError, ValueError):
                        pass
                    break
            else:
                raise FileNotFoundError("%s: needed library %s not found (searched %s)" % (path, name, ":".join(dirs)))
    return files


if __name__ == "__main__":
    for guest, host in needed_files(sys.argv[1]):
        print("%s <- %s" % (guest, host))
