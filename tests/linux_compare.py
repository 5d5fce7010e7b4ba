"""Differential tests: every guest test of tests/guest/manifest.toml runs on
Linux too (tools/linux_ref.py), and its output and exit status must be those
it had on Trapgate.

A test that is not compared says why, once, in the manifest:
    linux = "skip: <reason>"      not run on Linux
    linux = "differs: <reason>"   run on both; a difference is expected, and
                                  declared exactly by one or more of:
    linux_lines = [RE, ...]       Linux's lines that differ (each RE must match
                                  a whole line of Linux's output)
    trapgate_lines = [RE, ...]    Trapgate's lines in their place (each RE must
                                  match a whole line of Trapgate's output)
    linux_exit = N                Linux's exit status, where it differs
    linux_maybe_lines, trapgate_maybe_lines = [RE, ...]
                                  lines that may or may not be printed (a
                                  kernel's own console messages): taken out
                                  where they match, required nowhere
    masks = [RE, ...]             text replaced by "<masked>" in both outputs
                                  before the lines are compared (addresses
                                  that follow each kernel's own layout); each
                                  RE must match somewhere in both outputs
Every other line, and the exit status unless linux_exit is given, must still
be the same: a test marked differs fails when anything else differs, and when
a declared line is no longer there (the difference is gone or has moved).
Tests that boot through GRUB, expect a panic or pass Trapgate's own kernel
command-line options (boot, expect_panic, cmdline_extra) test Trapgate itself
and are skipped without a key.

Linux results are cached in /var/cache/trapgate/linux-ref-results/ (outside
the clone; $TRAPGATE_CACHE moves it), keyed by the test's whole
initramfs (program and files), its arguments, smp, memory, input, cpu, the Linux
kernel and the wrapper; a changed program runs again.
"""

import concurrent.futures
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import linux_ref  # noqa: E402

# Outside the clone (keyed by every input, so a fresh clone on the same machine
# reuses what Linux already answered): $TRAPGATE_CACHE, /var/cache/trapgate.
CACHE = os.path.join(os.environ.get("TRAPGATE_CACHE", "/var/cache/trapgate"), "linux-ref-results")
CHUNK = 12  # jobs per Linux boot (a boot costs ~5 s under TCG; jobs are short)


def policy(test):
    """("compare" | "skip" | "differs", reason)."""
    key = test.get("linux")
    if key:
        kind, _, reason = key.partition(":")
        kind = kind.strip()
        if kind not in ("skip", "differs"):
            raise ValueError("%s: linux = %r must start with 'skip:' or 'differs:'" % (test["name"], key))
        if kind == "differs" and not any(k in test for k in ("linux_lines", "trapgate_lines", "linux_exit", "masks")):
            raise ValueError("%s: a 'differs' test declares what differs (linux_lines, trapgate_lines, linux_exit, masks)"
                             % test["name"])
        return kind, reason.strip()
    if test.get("boot"):
        return "skip", "boots Trapgate through %s" % test["boot"]
    if test.get("expect_panic"):
        return "skip", "a Trapgate kernel self-test (expects a panic)"
    if test.get("cmdline_extra"):
        return "skip", "Trapgate kernel options %s" % " ".join(test["cmdline_extra"])
    return "compare", ""


def _key(test, image):
    h = hashlib.sha256()
    h.update(image.build())
    h.update(json.dumps([test["program"], test.get("args", []), test.get("smp", 1), test.get("mem", "128M"),
                         test.get("stdin", ""), linux_ref.identity()] + ([test["cpu"]] if "cpu" in test else [])).encode())
    return h.hexdigest()


def _cache_get(key):
    try:
        with open(os.path.join(CACHE, key + ".json")) as f:
            d = json.load(f)
        return linux_ref.Result(d["stdout"].encode("latin-1"), d["exit_status"], d["timed_out"])
    except (FileNotFoundError, ValueError, KeyError):
        return None


def _cache_put(key, name, result):
    if result.exit_status is None:
        return  # the boot died: try again next time
    os.makedirs(CACHE, exist_ok=True)
    tmp = os.path.join(CACHE, key + ".tmp")
    with open(tmp, "w") as f:
        json.dump({"test": name, "stdout": result.stdout.decode("latin-1"), "exit_status": result.exit_status,
                   "timed_out": result.timed_out}, f)
    os.replace(tmp, os.path.join(CACHE, key + ".json"))


def run_linux(tests, image_for, jobs=2, fresh=False):
    """Linux results for the tests, by name: from the cache, or from as few boots
    as can be (tests sharing smp and memory share a boot; up to `jobs` boots at once).
    Returns (results, number from cache, kernel logs of boots where a job failed)."""
    results, pending, from_cache = {}, {}, 0
    for test in tests:
        image, guest = image_for(test)
        key = _key(test, image)
        cached = None if fresh else _cache_get(key)
        if cached:
            results[test["name"]] = cached
            from_cache += 1
            continue
        job = linux_ref.Job(test["name"], image, guest, test.get("args", []), test.get("timeout", 120))
        group = (test.get("smp", 1), test.get("mem", "128M"), test.get("stdin", ""), test.get("cpu", "max"))
        pending.setdefault(group, []).append((job, key))
    boots = []
    for (smp, mem, stdin, cpu), items in pending.items():
        # A test with input gets its own boot: the console is shared.
        size = 1 if stdin else CHUNK
        for i in range(0, len(items), size):
            boots.append((smp, mem, stdin, cpu, items[i:i + size]))
    logs = {}

    def boot(b):
        smp, mem, stdin, cpu, items = b
        return items, linux_ref.run([j for j, _ in items], smp=smp, mem=mem, stdin=stdin.encode(), cpu=cpu)

    if boots:
        linux_ref.install()
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for items, batch in pool.map(boot, boots):
                for job, key in items:
                    r = batch.results[job.id]
                    results[job.id] = r
                    _cache_put(key, job.id, r)
                    if r.exit_status is None:
                        logs[job.id] = batch.kernel_log
    return results, from_cache, logs


def _declared_lines(out, patterns):
    """The output's lines less those a declared pattern matches whole; and the
    patterns that matched no line."""
    regs = [re.compile(p) for p in patterns]
    kept, used = [], set()
    for line in out.decode(errors="replace").splitlines(keepends=True):
        hit = [i for i, r in enumerate(regs) if r.fullmatch(line.rstrip("\n"))]
        if hit:
            used.update(hit)
        else:
            kept.append(line)
    return "".join(kept).encode(), [p for i, p in enumerate(patterns) if i not in used]


def expected_difference(test, lin, tg):
    """For a 'differs' test: the problems left once the declared difference is
    taken out (empty when the kernels differ exactly as declared)."""
    problems = []
    lin_out, tg_out = lin.stdout, tg.stdout
    for m in test.get("masks", []):
        r = re.compile(m.encode())
        for who, out in (("Linux", lin_out), ("Trapgate", tg_out)):
            if not r.search(out):
                problems.append("mask %r matches nothing in %s's output" % (m, who))
        lin_out, tg_out = r.sub(b"<masked>", lin_out), r.sub(b"<masked>", tg_out)
    lin_rest, lin_unused = _declared_lines(lin_out, test.get("linux_lines", []))
    tg_rest, tg_unused = _declared_lines(tg_out, test.get("trapgate_lines", []))
    lin_rest, _ = _declared_lines(lin_rest, test.get("linux_maybe_lines", []))
    tg_rest, _ = _declared_lines(tg_rest, test.get("trapgate_maybe_lines", []))
    problems += ["declared Linux line not in Linux's output: %r" % p for p in lin_unused]
    problems += ["declared Trapgate line not in Trapgate's output: %r" % p for p in tg_unused]
    if "linux_exit" in test:
        if lin.exit_status != test["linux_exit"]:
            problems.append("Linux's exit status %s, declared %s" % (lin.exit_status, test["linux_exit"]))
    elif lin.exit_status != tg.exit_status:
        problems.append("exit status: linux %s, trapgate %s (not declared)" % (lin.exit_status, tg.exit_status))
    if lin_rest != tg_rest:
        problems.append("undeclared lines differ:\n" + side_by_side(_show(lin_rest), _show(tg_rest)))
    return problems


def side_by_side(left, right, left_title="linux", right_title="trapgate", width=60):
    """Two outputs in columns, differing lines marked (| changed, < only left, > only right)."""
    a, b = left.splitlines(), right.splitlines()

    def cut(s):
        s = s.replace("\t", "    ")
        return s if len(s) <= width else s[:width - 1] + "…"

    rows = ["    %-*s   %s" % (width, left_title, right_title), "    %s   %s" % ("-" * width, "-" * width)]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += ["    %-*s   %s" % (width, cut(x), cut(x)) for x in a[i1:i2]]
            continue
        left_part, right_part = a[i1:i2], b[j1:j2]
        for k in range(max(len(left_part), len(right_part))):
            x = left_part[k] if k < len(left_part) else None
            y = right_part[k] if k < len(right_part) else None
            mark = "|" if x is not None and y is not None else ("<" if y is None else ">")
            rows.append("  %s %-*s   %s" % (mark, width, cut(x) if x is not None else "", cut(y) if y is not None else ""))
    return "\n".join(rows)


def _show(out):
    """Output as text; a missing final newline shown, since it is a difference."""
    text = out.decode(errors="replace")
    return text if not text or text.endswith("\n") else text + "⏎(no newline at end)\n"


def compare(tests, trapgate_outcomes, image_for, jobs=2, fresh=False, verbose=False):
    """Runs the comparison and prints one line per test; returns the names that failed."""
    failed, to_run, plans = [], [], {}
    for test in tests:
        plans[test["name"]] = policy(test)
        if plans[test["name"]][0] != "skip":
            to_run.append(test)
    try:
        results, from_cache, logs = run_linux(to_run, image_for, jobs, fresh)
    except (linux_ref.LinuxUnavailable, OSError, subprocess.CalledProcessError) as e:
        print("linux comparison: the Linux reference is unavailable: %s" % e)
        return ["linux_reference_unavailable"]
    skipped = len(tests) - len(to_run)
    print("linux comparison (Linux %s; %d of %d results from the cache; %d Trapgate-only test%s%s):"
          % (linux_ref.kernel_version(), from_cache, len(to_run), skipped, "" if skipped == 1 else "s",
             " listed with -v" if skipped and not verbose else ""), flush=True)
    for test in tests:
        name = test["name"]
        kind, reason = plans[name]
        label = "linux/" + name
        if kind == "skip":
            if verbose:
                print("%-40s skip: %s" % (label, reason))
            continue
        lin, tg = results[name], trapgate_outcomes[name]
        same_out = lin.stdout == tg.stdout
        same_status = lin.exit_status == tg.exit_status
        if kind == "differs":
            if lin.exit_status is None:
                problems = ["Linux gave no result (the boot ended first)"]
            else:
                problems = expected_difference(test, lin, tg)
            if not problems:
                print("%-40s differs as expected: %s" % (label, reason))
                continue
            failed.append(label)
            print("%-40s FAIL (declared difference: %s)" % (label, reason))
            for p in problems:
                print("  " + p)
            continue
        if same_out and same_status:
            print("%-40s ok" % label)
            continue
        failed.append(label)
        print("%-40s FAIL" % label)
        if lin.exit_status is None:
            print("  Linux gave no result (the boot ended first)%s" % (" after its timeout" if lin.timed_out else ""))
            if name in logs:
                print("--- Linux kernel log ---\n" + logs[name][-4000:])
        print("  exit status: linux %s, trapgate %s%s" % (lin.exit_status, tg.exit_status,
                                                         "" if same_status else "   <- differs"))
        if not same_out:
            print("  output differs:")
            print(side_by_side(_show(lin.stdout), _show(tg.stdout)))
        else:
            print("  output: the same")
    return failed
