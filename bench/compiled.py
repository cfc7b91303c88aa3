"""Benchmark of compiled derivatives (issue 19): numba programs differentiated by s2s,
the gradient compiled by numba.

    python bench/compiled.py            # every size (about 2 minutes), writes bench/COMPILED.md
    python bench/compiled.py --quick    # one size per workload, fewer repeats (about a minute)

For every workload of ``bench/compiled_workloads.py`` (``@numba.njit`` programs:
a ``for`` and a ``while`` loop over numbers with a data-dependent ``if``, a
biquad filter writing ``y[i]``, Horner's rule reading ``c[i]``, an explicit
heat-equation stencil, Horner's rule written as a recursion), at several sizes, it times

* the program itself, numba-compiled (the *forward*, every ratio's unit);
* the s2s compiled gradient, ``s2s.grad(f, wrt=...)`` of the dispatcher ``f``,
  called as users call it, and its variant's numba dispatcher called directly
  (``g.specialize(*args).dispatcher``: the cost of s2s's Python wrapper is the
  difference);
* the s2s Python gradient, ``s2s.grad(f.py_func, wrt=...)``;
* a gradient written by hand in numba (the baseline of compiled reverse mode);
* ``jax.jit(jax.grad)`` of a port to ``lax.fori_loop``/``lax.scan`` and
  ``jnp.where`` on the CPU, where JAX can express the program (its compile time,
  trace + compile + first run less one run, is reported apart);

and, in a fresh Python process with an empty ``S2S_CACHE_DIR`` (so numba's
cache, kept next to the generated file, is empty too) and nothing compiled
before, the s2s compiled gradient's *first call*: ``s2s.grad`` (the process's
first transform imports the rule library), building the variant for the
arguments (transform, write, load), and the first call (numba compiles, then
runs); for comparison, numba's first call of the program itself in another
fresh process.

Every gradient is checked before it is timed against the s2s Python gradient:
the compiled one to 1e-12 relative (the largest difference over the largest
entry, per gradient), the others ``allclose`` (rtol 1e-7); a wrong gradient is
reported and not timed.  Timing: :mod:`bench.timing`, the methods of one
workload and size interleaved, best of many short repeats (the calls take
microseconds, and on a shared machine a short repeat is more often one that
nothing interrupted).  numba and JAX run on one thread.  JAX is optional:
without it the JAX column says so.

The summary states issue 19's acceptance, each point met or not met, with the
numbers measured.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings

if __name__ == "__main__":
    os.environ.setdefault("JAX_PLATFORMS", "cpu")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.timing import blas_description, git_revision, limit_threads, machine, time_interleaved, write_report  # noqa: E402
from bench.timing import fmt_time as coarse_time  # noqa: E402

if __name__ == "__main__":  # imported (tests/test_bench.py), it leaves the environment alone
    limit_threads("1")
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import s2s  # noqa: E402

METHODS = ["s2s", "dispatcher", "python", "hand", "jax_jit"]
LABELS = {
    "forward": "numba forward",
    "s2s": "s2s compiled",
    "dispatcher": "s2s compiled, dispatcher",
    "python": "s2s Python",
    "hand": "hand-written numba",
    "jax_jit": "JAX jit (lax port)",
}
COMPILED_RTOL = 1e-12
FIRST_CALL_LIMIT = 2.0  # seconds (issue 19)

# issue 19's acceptance is judged at these sizes (the filter loop: at every size)
SCALAR_AT = dict(steps=1000)
HORNER_AT = dict(degree=200)


def fmt_time(seconds):
    """:func:`bench.timing.fmt_time` with two decimals below 0.1 ms: these calls take microseconds."""
    if seconds < 1e-4:
        return f"{seconds * 1e6:.2f} µs"
    return coarse_time(seconds)


# -- the methods ---------------------------------------------------------------------------


def relative(got, want):
    """The largest difference over the largest entry of ``want``, the worst of the gradients."""
    worst = 0.0
    for a, b in zip(got, want):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            return np.inf
        scale = float(np.max(np.abs(b))) if b.size else 0.0
        worst = max(worst, float(np.max(np.abs(a - b))) / max(scale, 1e-300) if b.size else 0.0)
    return worst


def close(got, want):
    return len(got) == len(want) and all(
        np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-7, atol=1e-9 * max(float(np.max(np.abs(b))), 1e-300))
        for a, b in zip(got, want)
    )


def load_jax():
    """The jax module (float64 on), or the reason it cannot be used."""
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        return jax, f"{jax.__version__} ({jax.default_backend()})"
    except Exception as e:  # noqa: BLE001 - a missing peer is a note, not a crash
        return None, f"not available ({type(e).__name__}: {e})"


def jax_method(w, args, jax):
    """``(call, compile_seconds)``: the jitted gradient of the port, its first call timed."""
    import jax.numpy as jnp

    g = jax.jit(jax.grad(w.jax(), argnums=w.wrt), static_argnums=w.static)
    jargs = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)

    def call():
        return tuple(np.asarray(o) for o in jax.block_until_ready(g(*jargs)))

    t0 = time.perf_counter()
    first = call()
    return call, time.perf_counter() - t0, first


FIRST_CALL_SCRIPT = """
import json, os, sys, time
sys.path.insert(0, {root!r})
import numba, numpy as np
import s2s
from bench.compiled_workloads import WORKLOADS
w = next(w for w in WORKLOADS if w.name == {name!r})
args = w.make(**{size!r})
if {forward!r}:
    t0, c0 = time.perf_counter(), time.process_time()
    w.fn(*args)
    print(json.dumps({{"forward": time.perf_counter() - t0, "forward_cpu": time.process_time() - c0}}))
    sys.exit()
t0, c0 = time.perf_counter(), time.process_time()
g = s2s.grad(w.fn, wrt=w.wrt)
t1 = time.perf_counter()
g.specialize(*args)
t2 = time.perf_counter()
g(*args)
t3, c3 = time.perf_counter(), time.process_time()
print(json.dumps({{"grad": t1 - t0, "variant": t2 - t1, "call": t3 - t2, "total": t3 - t0, "cpu": c3 - c0}}))
"""


def first_call(w, size, forward=False):
    """Seconds of the compiled gradient's first call in a fresh process with an empty cache
    (nothing compiled before it): ``{"grad", "variant", "call", "total", "cpu"}`` (``cpu``: the
    process's CPU time over the same span, which other processes' load does not stretch);
    with ``forward``, of numba's first call of the program itself there: ``{"forward",
    "forward_cpu"}``; ``{"error": ...}`` where the process failed."""
    cache = tempfile.mkdtemp(prefix="s2s-bench-first-")
    env = dict(os.environ, S2S_CACHE_DIR=cache)
    script = FIRST_CALL_SCRIPT.format(root=ROOT, name=w.name, size=size, forward=forward)
    try:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    except subprocess.TimeoutExpired:
        return {"error": "did not finish in 300 s"}
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1][:160]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the run ---------------------------------------------------------------------------------


def measure(w, size, jax, min_time, repeats, budget, first, log):
    """One row: the times of every method on workload ``w`` at ``size``."""
    args = w.make(**size)
    row = {"name": w.name, "kind": w.kind, "size": size, "describe": w.describe(size), "methods": {}}
    log(f"\n== {w.name} ({row['describe']})")
    expected = s2s.grad(w.fn.py_func, wrt=w.wrt)(*args)
    w.fn(*args)  # numba compiles the forward
    calls = {"forward": lambda: w.fn(*args)}
    g = s2s.grad(w.fn, wrt=w.wrt)
    builders = {
        "s2s": lambda: g,
        "dispatcher": lambda: g.specialize(*args).dispatcher,
        "python": lambda: s2s.grad(w.fn.py_func, wrt=w.wrt),
        "hand": lambda: w.hand,
    }
    for name in METHODS:
        m = row["methods"][name] = {}
        try:
            if name == "jax_jit":
                if w.jax is None:
                    m["note"] = "no port"
                    continue
                if jax is None:
                    m["note"] = "not installed"
                    continue
                call, m["first"], got = jax_method(w, args, jax)
            else:
                fn = builders[name]()
                call = (lambda fn=fn: fn(*args))
                got = call()
        except Exception as e:  # noqa: BLE001 - report, never crash
            m["note"] = f"error: {type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
            continue
        if name in ("s2s", "dispatcher"):
            err = relative(got, expected)
            m["error"] = err
            if err > COMPILED_RTOL:
                m["note"] = f"WRONG gradient (relative difference {err:.1e} to the Python gradient)"
                continue
        elif name != "python" and not close(got, expected):
            m["note"] = f"WRONG gradient (relative difference {relative(got, expected):.1e} to the Python gradient)"
            continue
        calls[name] = call
    timed = time_interleaved(calls, min_time, repeats, budget)
    row["fwd"] = timed.pop("forward")[0]
    log(f"   {LABELS['forward']:26s} {fmt_time(row['fwd']):>10s}")
    for name in METHODS:
        m = row["methods"][name]
        if name in timed:
            m["best"], m["median"] = timed[name]
            if name == "jax_jit":
                m["compile"] = max(0.0, m["first"] - m["best"])
            log(f"   {LABELS[name]:26s} {fmt_time(m['best']):>10s}  {m['best'] / row['fwd']:7.2f}x forward"
                + (f"  compile {fmt_time(m['compile'])}" if "compile" in m else ""))
        else:
            log(f"   {LABELS[name]:26s} {m['note']}")
    if first:
        row["first_call"] = first_call(w, size)
        row["first_call"].update(first_call(w, size, forward=True))
        fc = row["first_call"]
        log("   first call (fresh process, empty cache): "
            + (f"{fc['total']:.2f} s, CPU {fc['cpu']:.2f} s (s2s.grad {fc['grad']:.2f} s, variant {fc['variant']:.2f} s, "
               f"numba compile + run {fc['call']:.2f} s; numba's first call of the forward "
               f"{fc.get('forward', float('nan')):.2f} s)" if "total" in fc else fc["error"]))
    return row


def run(mode, only, min_time, repeats, budget, first, log, use_jax=True):
    """``(rows, jax_version)``; ``mode`` is "full", "quick" or "tiny"."""
    from bench.compiled_workloads import WORKLOADS

    jax, jax_version = load_jax() if use_jax else (None, "not used")
    rows = []
    for w in WORKLOADS:
        if only and w.name not in only:
            continue
        sizes = w.sizes if mode == "full" else [w.quick] if mode == "quick" else [w.tiny]
        for size in sizes:
            rows.append(measure(w, size, jax, min_time, repeats, budget, first, log))
    return rows, jax_version


# -- reporting ---------------------------------------------------------------------------------


def cell(m, fmt):
    if "best" in m:
        return fmt(m)
    note = m.get("note", "?")
    if note.startswith("WRONG"):
        return "**wrong gradient**"
    return note if note in ("no port", "not installed") else "error"


def x(r):
    return f"{r:.2f}×" if r < 100 else f"{r:.0f}×"


def acceptance(rows):
    """``[(claim, met, numbers)]``: issue 19's acceptance, on the rows measured."""
    points = []

    def best(r, name):
        return r["methods"][name].get("best")

    for r in rows:
        if r["kind"] == "scalar" and r["size"] != SCALAR_AT or r["kind"] not in ("scalar", "filter"):
            continue
        label = f"{r['name']} ({r['describe']})"
        s = best(r, "s2s")
        if s is None:
            points.append((f"{label}: compiled gradient runs", False, r["methods"]["s2s"].get("note", "")))
            continue
        points.append((f"{label}: compiled gradient <= 3x the compiled forward", s <= 3 * r["fwd"],
                       f"{fmt_time(s)} / {fmt_time(r['fwd'])} = {x(s / r['fwd'])}"))
        p = best(r, "python")
        if p is not None:
            points.append((f"{label}: compiled gradient >= 10x faster than the Python gradient", p >= 10 * s,
                           f"{fmt_time(p)} / {fmt_time(s)} = {x(p / s)}"))
        j = r["methods"]["jax_jit"]
        if "best" in j:
            points.append((f"{label}: compiled gradient faster than jax.jit on the lax port", s < j["best"],
                           f"JAX {fmt_time(j['best'])} / s2s {fmt_time(s)} = {x(j['best'] / s)}"))
        else:
            points.append((f"{label}: compiled gradient faster than jax.jit on the lax port", None,
                           "no JAX port: " + NO_PORT_WHY if j.get("note") == "no port" else j.get("note", "?")))
    for r in rows:
        if r["kind"] in ("horner", "recursion") and r["size"] == HORNER_AT:
            s = r["methods"]["s2s"].get("best")
            points.append((f"{r['name']} ({r['describe']}): compiled gradient <= 5x the compiled forward",
                           s is not None and s <= 5 * r["fwd"],
                           f"{fmt_time(s)} / {fmt_time(r['fwd'])} = {x(s / r['fwd'])}" if s else "did not run"))
    firsts = [(r, r["first_call"]) for r in rows if "first_call" in r]
    for key, what in (("total", "wall time"), ("cpu", "the process's CPU time, which the machine's load does not stretch")):
        if not firsts:
            break
        over = [(r, fc) for r, fc in firsts if not fc.get(key, np.inf) < FIRST_CALL_LIMIT]
        worst_r, worst = max(firsts, key=lambda p: p[1].get(key, np.inf))
        points.append((
            f"first call (fresh process, empty cache) under {FIRST_CALL_LIMIT:.0f} s for each, in {what}", not over,
            f"the longest: {worst_r['name']} ({worst_r['describe']}) {worst.get(key, float('nan')):.2f} s; "
            f"{len(over)} of {len(firsts)} at or over {FIRST_CALL_LIMIT:.0f} s"
            + (": " + ", ".join(f"{r['name']} {r['describe'].split(',')[0]}" for r, _ in over) if over else ""),
        ))
    return points


NO_PORT_WHY = "JAX cannot reverse-differentiate lax.while_loop"


def summary(rows):
    lines = ["**Acceptance of issue 19**, on this run:", ""]
    for claim, met, numbers in acceptance(rows):
        verdict = "n/a" if met is None else "met" if met else "**not met**"
        lines.append(f"- {claim}: {verdict} ({numbers})")
    return "\n".join(lines)


def tables(rows):
    lines = ["**Time of one call** (best of repeats):", ""]
    heads = ["forward"] + METHODS
    lines.append("| workload | size | " + " | ".join(LABELS[h] for h in heads) + " |")
    lines.append("|---|---|" + "---:|" * len(heads))
    for r in rows:
        cells = [fmt_time(r["fwd"])] + [cell(r["methods"][n], lambda m: fmt_time(m["best"])) for n in METHODS]
        lines.append(f"| {r['name']} | {r['describe']} | " + " | ".join(cells) + " |")

    lines += ["", "**Ratios**: each gradient's time over the numba forward's (the cheap-gradient bound is a small "
              "constant); Python / compiled and JAX / compiled: how many times faster the s2s compiled gradient "
              "(called as users call it) is than the s2s Python gradient and than `jax.jit` on the port "
              "(above 1: s2s is faster).", ""]
    lines.append("| workload | size | s2s compiled / fwd | dispatcher / fwd | hand numba / fwd | "
                 "s2s compiled / hand | Python / compiled | JAX jit / compiled |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ms = r["methods"]
        s = ms["s2s"].get("best")

        def over(name, unit):
            m = ms[name]
            return cell(m, lambda m: x(m["best"] / unit)) if unit else "–"

        def under(name):
            m = ms[name]
            return cell(m, lambda m: x(m["best"] / s)) if s else "–"

        hand = ms["hand"].get("best")
        lines.append(
            f"| {r['name']} | {r['describe']} | {over('s2s', r['fwd'])} | {over('dispatcher', r['fwd'])} | "
            f"{over('hand', r['fwd'])} | {x(s / hand) if s and hand else '–'} | {under('python')} | {under('jax_jit')} |"
        )

    if any("first_call" in r for r in rows) or any("compile" in r["methods"]["jax_jit"] for r in rows):
        lines += ["", "**First call and compile times**: s2s first call = in a fresh process with an empty cache, "
                  "`s2s.grad(f, wrt=...)` (the process's first transform: it imports the rule library) + the "
                  "variant for the arguments (transform, write, load) + the first call (numba compiles the "
                  "generated module, then runs it), nothing compiled before it, wall time and the process's CPU time "
                  "over the same span (which other processes' load does not stretch); for comparison, numba's first call of "
                  "the program itself in a fresh process (numba compiles it); JAX jit compile = trace + compile + "
                  "first run, less one run.", ""]
        lines.append("| workload | size | s2s first call | its CPU time | of it: s2s.grad | variant | "
                     "numba compile + run | numba forward's first call (CPU) | JAX jit compile |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            fc = r.get("first_call", {})
            if "total" in fc:
                parts = [f"{fc['total']:.2f} s", f"{fc['cpu']:.2f} s", f"{fc['grad']:.2f} s", f"{fc['variant']:.2f} s",
                         f"{fc['call']:.2f} s",
                         f"{fc['forward']:.2f} s ({fc['forward_cpu']:.2f} s)" if "forward" in fc else "–"]
            else:
                parts = [f"error: {fc['error']}" if "error" in fc else "–", "", "", "", "", ""]
            j = r["methods"]["jax_jit"]
            jc = fmt_time(j["compile"]) if "compile" in j else cell(j, None)
            lines.append(f"| {r['name']} | {r['describe']} | " + " | ".join(parts) + f" | {jc} |")

    notes = []
    for r in rows:
        for name in METHODS:
            note = r["methods"][name].get("note", "")
            if note and note not in ("no port", "not installed"):
                notes.append(f"- {r['name']} ({r['describe']}), {LABELS[name]}: {note}")
    from bench.compiled_workloads import WORKLOADS

    said = [n for w in WORKLOADS if any(r["name"] == w.name for r in rows) for n in w.notes]
    if said:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in dict.fromkeys(said)]
    if notes:
        lines += ["", "Failures:", ""] + notes
    return "\n".join(lines)


def header(mode, jax_version, load_start, elapsed):
    import numba

    command = "python bench/compiled.py" + {"full": "", "quick": " --quick"}.get(mode, f" ({mode})")
    return "\n".join([
        f"- date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- machine: {machine()}; load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
        "(other processes' load slows every method alike; best-of-repeats filters most of it)",
        f"- Python {platform.python_version()}, numpy {np.__version__}{blas_description()}, numba {numba.__version__}, "
        f"s2s {s2s.__version__}{git_revision(ROOT)}",
        f"- JAX: {jax_version}",
        f"- run: `{command}` ({elapsed:.0f} s in all); float64 everywhere; one thread for numba, BLAS and XLA",
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one size per workload, fewer repeats (about a minute)")
    parser.add_argument("--only", nargs="*", help="workload names to run")
    parser.add_argument("--no-first-call", action="store_true", help="skip the first-call measurements (fresh processes)")
    parser.add_argument("--min-time", type=float, help="seconds per timing repeat (default and quick 0.005)")
    parser.add_argument("--repeats", type=int, help="timing repeats (default 40, quick 10)")
    parser.add_argument("--output", help="Markdown file to write (default bench/COMPILED.md; quick: bench/COMPILED-quick.md)")
    parsed = parser.parse_args(argv)
    mode = "quick" if parsed.quick else "full"
    min_time = parsed.min_time or 0.005
    repeats = parsed.repeats or (10 if parsed.quick else 40)
    budget = 0.5 if parsed.quick else 2.0  # seconds of timing per method, at most (2 repeats at least)
    output = parsed.output or os.path.join(HERE, "COMPILED-quick.md" if parsed.quick else "COMPILED.md")

    os.environ["S2S_CACHE_DIR"] = tempfile.mkdtemp(prefix="s2s-bench-compiled-")
    warnings.simplefilter("ignore")
    load_start = os.getloadavg()[0]
    start = time.perf_counter()
    rows, jax_version = run(mode, set(parsed.only or ()), min_time, repeats, budget, not parsed.no_first_call,
                            log=lambda s: print(s, flush=True))
    elapsed = time.perf_counter() - start
    text = "\n".join([
        "# s2s compiled derivatives: benchmark",
        "",
        header(mode, jax_version, load_start, elapsed),
        "",
        summary(rows),
        "",
        tables(rows),
        "",
    ])
    write_report(text, output)


if __name__ == "__main__":
    main()
