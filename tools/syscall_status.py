"""docs/syscall-status.md: which system call numbers Trapgate implements,
read from the built kernel itself.

A table entry is implemented when its stub (__x64_sys_read, __ia32_sys_getpid)
is a real handler rather than a weak alias of sys_ni_syscall (see
arch/x86_64/entry/syscall_64.cpp).

  python3 tools/syscall_status.py            rewrite docs/syscall-status.md
  python3 tools/syscall_status.py --check    fail if it is out of date
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("TRAPGATE_BUILD", os.path.join(ROOT, "build"))
TBL = os.path.join(ROOT, "arch", "x86_64", "entry", "syscalls")
DOC = os.path.join(ROOT, "docs", "syscall-status.md")


def read_table(name, abis):
    entries = []
    with open(os.path.join(TBL, name)) as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if len(fields) >= 3 and fields[1] in abis:
                entry = fields[3] if len(fields) > 3 else "sys_ni_syscall"
                compat = fields[4] if len(fields) > 4 and fields[4] != "-" else None
                entries.append((int(fields[0]), fields[2], entry, compat))
    return sorted(entries)


def symbols():
    out = subprocess.run(["nm", os.path.join(BUILD, "vmlinux")], check=True, capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = parts[0]
    return table


# Why a number stays unimplemented, where that is a decision (shown beside it).
NOTES = {
    ("i386", "sendmmsg"): "not yet: the 32-bit mmsghdr layout (compat)",
    ("i386", "recvmmsg"): "not yet: the 32-bit mmsghdr layout (compat)",
    ("i386", "uselib"): "not yet: the a.out-era library loader (Linux 6.1 maps a one-segment ELF)",
}


def i386_note(entry, compat, x64_entries, syms, x64_ni):
    """Why an i386 number returns -ENOSYS: its compat handler (the i386
    layout, include/linux/compat.h) is still to be written, or the call has
    no handler on x86-64 either."""
    if entry == "sys_ni_syscall":
        return "none on Linux either"
    if compat:
        return "not yet: `%s`, the i386 layout" % compat
    # The i386 variant of a native call (sys_adjtimex_time32, sys_clock_adjtime32)
    # waits for the native one.
    for base in (entry, entry.removesuffix("_time32"), entry.removesuffix("32")):
        if base in x64_entries and syms.get("__x64_" + base) in (None, x64_ni):
            return "not on x86-64 either"
    return ""


def render():
    syms = symbols()
    lines = ["# System call status", "",
             "Generated from the kernel by `tools/syscall_status.py` (checked by `./trapgate test`).",
             "\"yes\" means the number dispatches to a handler; every other number returns",
             "`-ENOSYS` through `sys_ni_syscall`, and its first use is logged by name.", ""]
    for title, table, abis, prefix, use_compat in (
            ("x86-64 (`syscall`)", "syscall_64.tbl", ("common", "64"), "__x64_", False),
            ("i386 (`int $0x80`)", "syscall_32.tbl", ("i386",), "__ia32_", True)):
        ni = syms["sys_ni_syscall_" + prefix.strip("_")]
        entries = read_table(table, abis)
        done = [e for e in entries if syms.get(prefix + ((e[3] if use_compat and e[3] else e[2]))) not in (None, ni)]
        lines += ["## %s: %d of %d implemented" % (title, len(done), len(entries)), "",
                  "| nr | name | implemented |", "|---:|---|---|"]
        x64_entries = {e[2] for e in read_table("syscall_64.tbl", ("common", "64"))}
        x64_ni = syms["sys_ni_syscall_x64"]
        for nr, name, entry, compat in entries:
            sym = prefix + (compat if use_compat and compat else entry)
            ok = syms.get(sym) not in (None, ni)
            note = NOTES.get((abis[0], name), "") if not ok else ""
            if not ok and not note and use_compat:
                note = i386_note(entry, compat, x64_entries, syms, x64_ni)
            lines.append("| %d | %s | %s |" % (nr, name, "yes" if ok else note))
        lines.append("")
    return "\n".join(lines)


def unreachable_handlers():
    """Handlers (SYSCALL_DEFINE) whose name no table uses: a misnamed entry
    point (Linux's x86-64 stat is sys_newstat, sendfile is sys_sendfile64)."""
    entries = {e[2] for e in read_table("syscall_64.tbl", ("common", "64"))}
    entries |= {e[2] for e in read_table("syscall_32.tbl", ("i386",))}
    # A dot marks GCC's local clones of a function (.cold, .part.N,
    # .constprop.N: the checked build has many), not handlers of their own.
    return sorted("sys_" + sym[len("__x64_sys_"):] for sym in symbols()
                  if sym.startswith("__x64_sys_") and "sys_" + sym[len("__x64_sys_"):] not in entries
                  and sym != "__x64_sys_ni_syscall" and "." not in sym)


def main():
    text = render()
    if "--check" in sys.argv:
        stray = unreachable_handlers()
        if stray:
            print("handlers no system call table reaches: " + " ".join(stray), file=sys.stderr)
            return 1
        with open(DOC) as f:
            if f.read() != text:
                print("docs/syscall-status.md is out of date: run python3 tools/syscall_status.py", file=sys.stderr)
                return 1
        return 0
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    with open(DOC, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
