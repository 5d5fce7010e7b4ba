"""The SMP section of docs/benchmarks.md (issue 9): bench/smp.c's W workers
on each kernel booted with -smp 1 and then -smp 2, under multi-threaded TCG
(one host thread per guest CPU; not -icount, which runs the CPUs one after
another), and the speed-up the second CPU gives: time on one CPU over time
on two, from boots made one after another in the same run. These are
wall-clock figures: they vary from run to run with the host's load, unlike
the instruction counts of the other sections.

Target, for Trapgate: with W = 2, two CPUs take at most 0.6 of the time one
takes (a speed-up of at least 1/0.6 = 1.67), Linux in the same run being
the reference.
"""

import os

import linux_ref
import qemu
import trapgate

PROGRAM = "smp"
WORKERS = 2
CPUS = (1, 2)
MEM = "512M"
TARGET_RATIO = 0.6
# (row, what one worker does)
ROWS = [
    ("cpu", "W processes, each counting in registers (10⁸ iterations)"),
    ("getppid", "W processes, each making 400,000 null calls (getppid)"),
    ("pingpong", "W pairs of processes, each pair 20,000 pipe round trips"),
]


def key(row):
    return "smp_%s_w%d" % (row, WORKERS)


def _image(program_path):
    return trapgate.program_image(program_path(PROGRAM), [])


def run_trapgate(program_path, build, args, parse, kernel_words):
    """{smp: {row: ns | ("missing", why)}}."""
    out = {}
    for smp in CPUS:
        image, guest = _image(program_path)
        initrd = os.path.join(build, "bench-smp%d.cpio" % smp)
        image.write(initrd)
        boot = qemu.Boot(trapgate.KERNEL, initrd, kernel_words + trapgate.cmdline(guest, args + [str(WORKERS)]),
                         smp=smp, mem=MEM)
        o = qemu.run(boot, timeout=600)
        problem = None
        if o.timed_out:
            problem = "timed out"
        elif o.panicked or o.exit_status != 0:
            problem = "exit status %s" % o.exit_status
        out[smp] = _figures(parse(o.stdout), problem)
    return out


def run_linux(program_path, args, parse):
    out = {}
    for smp in CPUS:
        image, guest = _image(program_path)
        batch = linux_ref.run([linux_ref.Job(PROGRAM, image, guest, args + [str(WORKERS)], timeout=600)],
                              smp=smp, mem=MEM, boot_timeout=900)
        r = batch.results[PROGRAM]
        out[smp] = _figures(parse(r.stdout), None if r.exit_status == 0 else "exit status %s" % r.exit_status)
    return out


def _figures(figures, problem):
    res = {}
    for row, _what in ROWS:
        f = figures.get(key(row))
        if f is None:
            res[row] = ("missing", problem or "not reported")
        elif f[0] == "missing":
            res[row] = f
        elif f[1] is None:
            res[row] = ("missing", "no clock")
        else:
            res[row] = f[1]
    return res


def speedup(by_smp, row):
    one, two = by_smp.get(1, {}).get(row), by_smp.get(2, {}).get(row)
    if not isinstance(one, float) or not isinstance(two, float) or two <= 0:
        return None
    return one / two


def _secs(v):
    return "%.3f s" % (v / 1e9) if isinstance(v, float) else "missing (%s)" % v[1]


def problems(lin, tg):
    out = []
    for kernel, figs in (("linux", lin), ("trapgate", tg)):
        for smp, rows in (figs or {}).items():
            for row, v in rows.items():
                if isinstance(v, tuple):
                    out.append("%s smp%d %s: %s" % (kernel, smp, row, v[1]))
    return out


def print_table(lin, tg):
    print("SMP (wall clock, multi-threaded TCG, W = %d; speed-up = time on 1 CPU / time on 2)" % WORKERS)
    for row, what in ROWS:
        cells = []
        for name, figs in (("Linux", lin), ("Trapgate", tg)):
            if figs is None:
                continue
            s = speedup(figs, row)
            cells.append("%s %s / %s = %s" % (name, _secs(figs[1][row]), _secs(figs[2][row]),
                                              "%.2fx" % s if s else "–"))
        print("  %-9s %s" % (row, "   ".join(cells)))


def markdown(lin, tg):
    out = ["", "## Several CPUs: wall clock (issue 9)", "",
           "bench/smp.c starts W = %d workers at once (they wait on a pipe until all exist, so forking is" % WORKERS,
           "not timed) and reports the wall-clock time until the last one has ended. Each kernel boots",
           "with `-smp 1` and then with `-smp 2` under multi-threaded TCG (`-accel tcg`, one host thread",
           "per guest CPU, no -icount: under -icount QEMU runs the CPUs one after another), one boot",
           "after another in the same run, on this 2-core host. These are **wall-clock figures from one",
           "run**: they vary with the host's load, unlike the instruction counts above. The speed-up is",
           "the time on one CPU over the time on two (2.00 is perfect for W = 2). Target, for",
           "Trapgate: two CPUs take at most %.1f of the time one takes (a speed-up of at least %.2f)." % (
               TARGET_RATIO, 1 / TARGET_RATIO),
           "", "| work | Linux, 1 CPU | Linux, 2 CPUs | Linux speed-up | Trapgate, 1 CPU | Trapgate, 2 CPUs "
               "| Trapgate speed-up | target |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row, what in ROWS:
        ls, ts = speedup(lin, row), speedup(tg, row)
        met = "" if ts is None else (" ✓" if 1 / ts <= TARGET_RATIO else " ✗")
        out.append("| %s (`%s`) | %s | %s | %s | %s | %s | %s | ≥ %.2f%s |" % (
            what, row, _secs(lin[1][row]), _secs(lin[2][row]), "%.2f" % ls if ls else "–",
            _secs(tg[1][row]), _secs(tg[2][row]), "%.2f" % ts if ts else "–", 1 / TARGET_RATIO, met))
    return out
