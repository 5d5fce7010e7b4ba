#!/usr/bin/env python3
"""The user-memory boundary stays where docs/syscall-trip.md ("User memory") puts it.

Fails, naming file and line, if kernel source outside the allowed files
  - calls the untyped copies (raw_copy_from_user, raw_copy_to_user,
    raw_clear_user, __copy_user, __clear_user, __strncpy_from_user),
  - calls .addr() (UserPtr has none any more; nothing may bring it back),
  - takes a user pointer's integer with user_addr().

  python3 tests/host/user_boundary.py [ROOT]     check the tree (ctest runs this)
  python3 tests/host/user_boundary.py --self-test  check that the checker catches each rule
"""
import os
import re
import sys
import tempfile

SOURCE_DIRS = ["arch", "kernel", "fs", "mm", "net", "lib", "ipc", "drivers", "include", "security", "init", "user"]
EXTENSIONS = (".cpp", ".h", ".c", ".S")

# The user-memory layer itself: the copies and the iterators built on them.
UACCESS = {
    "include/linux/uaccess.h": "the typed copies and their untyped core",
    "include/linux/uio.h": "the I/O iterators' inline one-buffer copies",
    "lib/iov_iter.cpp": "the I/O iterators' segment walk",
    "arch/x86_64/mm/extable.cpp": "strncpy_from_user, bounded by the end of user space, beside the fault fixups",
}
UACCESS_DIRS = {
    "arch/x86_64/lib/": "the copy routines (copy_user.S)",
}

# Where user_addr() may be called, and why an integer is needed there.
USER_ADDR = dict(UACCESS, **{
    "include/linux/binfmts.h": "exec's stack builder writes into the new mm by address",
    "arch/x86_64/kernel/signal.cpp": "signal-frame builder: the altstack's address on the frame and in sp",
    "arch/x86_64/kernel/signal_32.cpp": "signal-frame builder (i386): the same",
    "kernel/signal.cpp": "sigaltstack: reports the stack's address and tests sp against it",
    "kernel/futex.cpp": "a futex key is the address (or its offset in the mapped object)",
    "kernel/futex_robust.cpp": "i386 get_robust_list reports the 32-bit head's address",
    "fs/aio_submit.cpp": "an AIO request is known by its iocb's address (the event's obj, io_cancel's key)",
    "include/linux/syscalls.h": "the tracer prints pointers",
    "kernel/trace_format.cpp": "the tracer prints pointers",
    "kernel/trace_struct.cpp": "the tracer prints pointers",
    "net/compat.cpp": "i386 recvfrom re-enters the native handler with the raw registers",
})
USER_ADDR_DIRS = dict(UACCESS_DIRS, **{
    "mm/": "address-space code: ranges, vmas, page tables",
})

RULES = [
    ("untyped copy", re.compile(r"\b(raw_copy_(from|to)_user|raw_clear_user|__copy_user|__clear_user|"
                                r"__strncpy_from_user)\b"), UACCESS, UACCESS_DIRS),
    (".addr()", re.compile(r"\.addr\(\)"), {}, {}),
    ("user_addr()", re.compile(r"\buser_addr\("), USER_ADDR, USER_ADDR_DIRS),
]


def allowed(path, files, dirs):
    return path in files or any(path.startswith(d) for d in dirs)


def check(root):
    problems = []
    for top in SOURCE_DIRS:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith(EXTENSIONS):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, errors="replace") as f:
                    lines = f.read().splitlines()
                for what, pattern, files, dirs in RULES:
                    if allowed(rel, files, dirs):
                        continue
                    for n, line in enumerate(lines, 1):
                        if pattern.search(line):
                            problems.append("%s:%d: %s outside the user-memory layer: %s" % (rel, n, what,
                                                                                           line.strip()))
    return problems


def self_test():
    cases = {
        "fs/bad_copy.cpp": "if (raw_copy_to_user(addr, src, n))\n",
        "drivers/bad_addr.cpp": "unsigned long a = buf.addr();\n",
        "kernel/bad_user_addr.cpp": "unsigned long a = user_addr(buf);\n",
        "net/bad_clear.cpp": "x = __clear_user(p, n);\n",
    }
    fine = {
        "mm/ok.cpp": "unsigned long a = user_addr(vec);\n",
        "include/linux/uaccess.h": "return raw_copy_from_user(dst, user_addr(src), n);\n",
        "fs/ok.cpp": "TRY(copy_to_user(buf, &v)); // raw copies are uaccess's\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in list(cases.items()) + list(fine.items()):
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        found = check(root)
    caught = {p.split(":")[0] for p in found}
    ok = caught == set(cases)
    print("user_boundary self-test: %s (caught %s)" % ("ok" if ok else "FAILED", sorted(caught)))
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    problems = check(root)
    for p in problems:
        print(p)
    print("user_boundary: %s" % ("ok" if not problems else "%d sites outside the allowed files" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
