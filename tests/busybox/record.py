"""Records the expected outputs of the busybox suite on Linux.

  python3 tests/busybox/record.py

For every manifest test whose stdout_file lies in tests/busybox/expected/, the
test's image (the default root file system plus its script) boots Debian's
Linux kernel through tools/linux_ref.py, exactly as the Linux comparison does,
and the program's output is written to that file. Rerun it after changing a
script, and review the diff: the files are Linux's answers, not Trapgate's.

The suite's i386 runs (busybox = "i386", tests/guest/manifest.d/busybox_i386.toml)
share the 64-bit run's file while Linux prints the same with the i386
busybox; where it prints something else, their answer goes to NAME.i386.out
beside it (text.i386.out) and the script says so: point the test's
stdout_file at it.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import linux_compare  # noqa: E402
import run_tests  # noqa: E402


def main():
    tests = [t for t in run_tests.load_manifest() if t.get("stdout_file", "").startswith("../busybox/expected/")]
    results, _, logs = linux_compare.run_linux(tests, run_tests.image_for, fresh=True)
    written = {}
    # The 64-bit runs first: an i386 run's answer is compared with theirs.
    for test in sorted(tests, key=lambda t: t.get("busybox", "amd64") == "i386"):
        r = results[test["name"]]
        if r.exit_status is None:
            print("%s: Linux run failed\n%s" % (test["name"], logs.get(test["name"], "")), file=sys.stderr)
            return 1
        path = os.path.join(ROOT, "tests", "guest", test["stdout_file"])
        if test.get("busybox") == "i386":
            base = path.replace(".i386.out", ".out")
            if written.get(base) == r.stdout:
                if path != base:
                    print("%s: Linux now prints the 64-bit answer: point stdout_file at %s" % (test["name"], base))
                continue
            if path == base:
                path = base[:-len(".out")] + ".i386.out"
                print("%s: the i386 busybox prints something else on Linux: point stdout_file at %s"
                      % (test["name"], os.path.relpath(path, os.path.join(ROOT, "tests", "guest"))))
        written[path] = r.stdout
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(r.stdout)
        print("%s: %d bytes, exit status %d" % (path, len(r.stdout), r.exit_status))
    return 0


if __name__ == "__main__":
    sys.exit(main())
