"""The scaling section of docs/benchmarks.md (issue 8): bench/scale.c's rows,
each operation at three sizes of the work on both kernels, a table and a chart
of cost against N (log-log, one panel per operation).

Targets, for Trapgate: at the largest N within 2x of its smallest-N figure
(flat), and below Linux's figure at the largest N.
"""

import html
import math

# (row, what N counts, what is timed, sizes)
ROWS = [
    ("open", "entries in the directory", "open + close of one file", (10, 1000, 10000)),
    ("mmap", "other mappings", "mmap + touch + munmap of one page", (10, 1000, 10000)),
    ("mprotect", "other mappings", "mprotect of one of them", (10, 1000, 10000)),
    ("dup", "open descriptors", "dup + close", (10, 1000, 10000)),
    ("pingpong", "other runnable processes", "pipe ping-pong round trip", (0, 16, 64)),
    ("fork", "MiB touched", "fork + exit + wait", (1, 16, 64)),
]
PROGRAM = "scale"


def key(row, n):
    return "scale_%s_%d" % (row, n)


def _num(v):
    return v if isinstance(v, float) else None


def _fmt(v):
    if isinstance(v, tuple):
        why = v[1]
        return "over budget (> 5×10⁹)" if "over budget" in why else "missing (%s)" % why
    return "{:,.0f}".format(v)


def verdicts(tg, lin, row, sizes):
    """(flat, below Linux) for Trapgate: True, False or None (not measurable)."""
    small, large = _num(tg.get(key(row, sizes[0]))), tg.get(key(row, sizes[-1]))
    lin_large = _num(lin.get(key(row, sizes[-1]))) if lin else None
    if isinstance(large, tuple):
        return False, False
    large = _num(large)
    flat = None if small is None or large is None else large <= 2 * small
    below = None if large is None or lin_large is None else large < lin_large
    return flat, below


def markdown(lin, tg):
    mark = {True: "✓", False: "✗", None: "–"}
    out = ["", "## Costs against the size of the work", "",
           "bench/scale.c: each operation with N other things around it, at three N, on both kernels",
           "(same machine and method as above; every row runs in a child with a budget of 5×10⁹",
           "instructions, setup included). Targets for Trapgate (issue 8): at the largest N within 2x",
           "of its smallest-N figure (*flat*), and below Linux at the largest N (*< Linux*).", "",
           "![cost against N, log-log](benchmarks-scaling.svg)", "",
           "| operation | N counts | N | Linux | Trapgate | Trapgate/Linux | flat | < Linux |",
           "|---|---|---:|---:|---:|---:|:-:|:-:|"]
    for row, counts, what, sizes in ROWS:
        flat, below = verdicts(tg, lin, row, sizes)
        for i, n in enumerate(sizes):
            lv, tv = lin.get(key(row, n), ("missing", "not run")), tg.get(key(row, n), ("missing", "not run"))
            r = "%.2f" % (tv / lv) if _num(lv) and _num(tv) else "–"
            first = i == 0
            out.append("| %s | %s | {:,} | %s | %s | %s | %s | %s |".format(n) % (
                what + " (`%s`)" % row if first else "", counts if first else "", _fmt(lv), _fmt(tv), r,
                mark[flat] if first else "", mark[below] if first else ""))
    return out


def svg(lin, tg, version):
    """Small multiples: one log-log panel per row, Linux and Trapgate as lines."""
    cols, pw, ph, pad = 3, 250, 170, 50
    rows_n = math.ceil(len(ROWS) / cols)
    width, height = cols * (pw + pad) + pad, rows_n * (ph + pad + 20) + 60
    e = html.escape
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="10">'
         % (width, height), '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="14" font-weight="bold">Guest instructions per operation against N '
         '(log-log; flat is good)</text>',
         '<rect x="10" y="30" width="12" height="3" fill="#4878a8"/><text x="26" y="35">Linux %s</text>' % e(version),
         '<rect x="200" y="30" width="12" height="3" fill="#e07b39"/><text x="216" y="35">Trapgate '
         '(an arrow: over the budget of 5×10⁹)</text>']
    for idx, (row, counts, what, sizes) in enumerate(ROWS):
        ox = pad + (idx % cols) * (pw + pad)
        oy = 60 + (idx // cols) * (ph + pad + 20)
        series = [("#4878a8", lin), ("#e07b39", tg)]
        vals = [v for _, d in series for n in sizes for v in [_num(d.get(key(row, n)))] if v]
        over = any(isinstance(tg.get(key(row, n)), tuple) for n in sizes)
        if over:
            vals.append(5e9)
        lo = 10 ** math.floor(math.log10(min(vals))) if vals else 1
        hi = 10 ** math.ceil(math.log10(max(vals))) if vals else 10
        if hi <= lo:
            hi = lo * 10

        def px(i):
            return ox + pw * i / (len(sizes) - 1)

        def py(v):
            return oy + ph - ph * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        s.append('<text x="%d" y="%d" font-weight="bold">%s</text>' % (ox, oy - 8, e(what)))
        s.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#ccc"/>' % (ox, oy, pw, ph))
        d = lo
        while d <= hi:
            s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>' % (ox, py(d), ox + pw, py(d)))
            s.append('<text x="%d" y="%.1f" text-anchor="end" fill="#555">10<tspan dy="-4" font-size="7">%d'
                     '</tspan></text>' % (ox - 3, py(d) + 3, round(math.log10(d))))
            d *= 10
        for i, n in enumerate(sizes):
            s.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>' % (
                px(i), oy + ph + 12, "{:,}".format(n)))
        s.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">N = %s</text>' % (
            ox + pw / 2, oy + ph + 25, e(counts)))
        for color, data in series:
            pts = []
            for i, n in enumerate(sizes):
                v = data.get(key(row, n))
                if _num(v):
                    pts.append((px(i), py(v)))
                    s.append('<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s</title></circle>' % (
                        px(i), py(v), color, "{:,.0f}".format(v)))
                elif isinstance(v, tuple) and "over budget" in v[1]:
                    s.append('<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s" font-size="12">↑</text>' % (
                        px(i), py(5e9) + 4, color))
            if len(pts) > 1:
                s.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (
                    color, " ".join("%.1f,%.1f" % p for p in pts)))
    s.append("</svg>")
    return "\n".join(s) + "\n"
