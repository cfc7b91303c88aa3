"""Benchmark: s2s gradients against a hand-written numpy gradient and the peers.

    python bench/run.py            # the full suite (about 18 minutes), writes bench/RESULTS.md
    python bench/run.py --quick    # scaled-down sizes, fewer repeats (about six minutes, peers included)

For every workload in ``bench/workloads.py`` the same gradient is computed by

* the hand-written numpy gradient (the baseline every ratio is relative to),
* s2s: ``s2s.grad(fn, wrt=...)`` generated once (the transform is timed
  separately: *cold* = transform, write and load with an empty cache; *warm*
  = load of the cached module),
* HIPS autograd, JAX eager (``jax.grad``), JAX jit (``jax.jit(jax.grad)``,
  compile time reported separately) and PyTorch eager on the CPU, each running
  the workload's own source with ``np``/``math`` bound to its array module.

Every method's gradient is checked ``allclose`` to the baseline before it is
timed; a wrong gradient is reported, not timed.  A peer that is not installed
is skipped with a note.  Install the peers with ``pip install -e '.[bench]'``.
A workload may declare that a peer cannot run its source as written
(``Workload.cannot_run``: the IIR filter assigns into an array); that cell
reads "cannot run", and the reason is listed under the tables.

Timing: ``time.perf_counter`` over repeats of an auto-ranged number of calls
(each repeat at least ``--min-time`` seconds); the best repeat is reported.
Memory: the peak of one warm call above what was live before it.  For the
numpy-based methods (hand-written, s2s, autograd) it is ``tracemalloc``'s peak
(numpy reports its buffers to tracemalloc).  JAX and PyTorch allocate outside
Python's allocator, so for them (and, for comparison, every method) the
resident-set high-water mark is measured: ``malloc_trim(0)`` returns the
memory freed so far to the system, ``/proc/self/clear_refs`` resets the mark
to the current RSS before the call, ``VmHWM`` is read after (Linux only; "n/a"
elsewhere).  Memory is measured after the timing, so neither disturbs the
other.  Memory
ratios divide like by like: tracemalloc by tracemalloc, RSS by RSS.
"""

import argparse
import ctypes
import datetime
import gc
import inspect
import os
import platform
import sys
import tempfile
import time
import tracemalloc
import types
import warnings

if __name__ == "__main__":
    os.environ.setdefault("JAX_PLATFORMS", "cpu")  # the benchmark compares CPU implementations


def _threads_from_argv():
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.timing import blas_description, fmt_time, git_revision, limit_threads, machine, time_interleaved, write_report  # noqa: E402

# Thread pools are sized before numpy, JAX and PyTorch are imported.  One thread by
# default: every method then runs on the same single core, and on a small shared
# machine the libraries' spinning worker pools do not slow each other's next call.
THREADS = _threads_from_argv() if __name__ == "__main__" else "1"
if __name__ == "__main__":  # imported (tests/test_bench.py), it leaves the environment alone
    limit_threads(THREADS)

import numpy as np  # noqa: E402

import s2s  # noqa: E402
from bench.workloads import WORKLOADS  # noqa: E402

METHODS = ["hand", "s2s", "autograd", "jax", "jax_jit", "torch"]
LABELS = {
    "hand": "hand-written",
    "s2s": "s2s",
    "autograd": "autograd",
    "jax": "JAX eager",
    "jax_jit": "JAX jit",
    "torch": "PyTorch eager",
}
NUMPY_BASED = {"hand", "s2s", "autograd"}
LOAD = [0.0]  # the load average when the run started
FIRST_TRANSFORM = [0.0]  # seconds of the process's first s2s transform


# -- peers ------------------------------------------------------------------------------


def rebind(fn, np_module, math_module):
    """``fn`` re-executed from its source with ``np`` and ``math`` bound to other modules.

    Globals are copied, so a recursive function calls its rebound self.
    """
    namespace = dict(fn.__globals__)
    namespace["np"] = np_module
    namespace["math"] = math_module
    code = compile(inspect.getsource(fn), inspect.getsourcefile(fn), "exec")
    exec(code, namespace)
    return namespace[fn.__name__]


def load_peers():
    """``{name: module-or-None}`` and ``{name: version-or-reason}``."""
    peers, versions = {}, {}
    try:
        import autograd
        import autograd.numpy  # noqa: F401

        peers["autograd"] = autograd
        versions["autograd"] = _dist_version("autograd")
    except Exception as e:  # noqa: BLE001 - a missing or broken peer is a note, not a crash
        peers["autograd"] = None
        versions["autograd"] = f"not available ({type(e).__name__}: {e})"
    try:
        import jax

        jax.config.update("jax_enable_x64", True)  # float64, like the numpy baseline
        peers["jax"] = jax
        versions["jax"] = f"{jax.__version__} (jaxlib {_dist_version('jaxlib')}, {jax.default_backend()})"
    except Exception as e:  # noqa: BLE001
        peers["jax"] = None
        versions["jax"] = f"not available ({type(e).__name__}: {e})"
    try:
        import torch

        torch.set_num_threads(int(THREADS))
        peers["torch"] = torch
        versions["torch"] = f"{torch.__version__} ({torch.get_num_threads()} thread{'s' if torch.get_num_threads() != 1 else ''})"
    except Exception as e:  # noqa: BLE001
        peers["torch"] = None
        versions["torch"] = f"not available ({type(e).__name__}: {e})"
    return peers, versions


def _dist_version(name):
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


def _torch_namespaces(torch):
    """``np`` and ``math`` for PyTorch: the functions the workloads call, with numpy's
    behaviour where PyTorch's differs (float64 arrays by default, Python floats accepted
    by the elementwise functions, ``split``'s sections along ``axis``)."""

    def reduction(op):
        def call(x, axis=None, keepdims=False):
            return op(x) if axis is None else op(x, dim=axis, keepdim=keepdims)

        return call

    def elementwise(op):
        def call(x):
            return op(x if isinstance(x, torch.Tensor) else torch.tensor(x, dtype=torch.float64))

        return call

    def zeros(shape, dtype=None):
        return torch.zeros(shape, dtype=torch.float64 if dtype is None else dtype)

    def split(x, sections, axis=0):
        return torch.tensor_split(x, sections, dim=axis)

    unary = {name: elementwise(getattr(torch, name)) for name in ("tanh", "exp", "log", "sin", "cos")}
    tnp = types.SimpleNamespace(
        **unary, sum=reduction(torch.sum), mean=reduction(torch.mean), max=reduction(torch.amax),
        zeros=zeros, split=split,
    )
    tmath = types.SimpleNamespace(**unary)
    return tnp, tmath


def build_method(name, w, args, peers):
    """A zero-argument callable computing the gradient, and a converter of its result to numpy.

    Returns ``(call, to_numpy, setup_note)``; raises if the method cannot run.
    """
    pos = w.positions()

    def as_tuple(out):
        return out if isinstance(out, tuple) else (out,)

    if name == "hand":
        return (lambda: w.grad(*args)), as_tuple, None

    if name == "s2s":
        g = s2s.grad(w.fn, wrt=w.wrt_arg)
        return (lambda: g(*args)), as_tuple, None

    if name == "autograd":
        ag = peers["autograd"]
        f = rebind(w.fn, ag.numpy, ag.numpy)
        rest = list(args)

        def loss_of(params):
            a = list(rest)
            for p, v in zip(pos, params):
                a[p] = v
            return f(*a)

        g = ag.grad(loss_of)
        params = tuple(args[p] for p in pos)
        return (lambda: g(params)), (lambda out: tuple(np.asarray(o) for o in out)), None

    if name in ("jax", "jax_jit"):
        jax = peers["jax"]
        import jax.numpy as jnp

        f = rebind(w.fn, jnp, jnp)
        jargs = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)
        g = jax.grad(f, argnums=pos)
        if name == "jax_jit":
            g = jax.jit(g, static_argnums=w.static)
        block = jax.block_until_ready
        return (lambda: block(g(*jargs))), (lambda out: tuple(np.asarray(o) for o in out)), None

    if name == "torch":
        torch = peers["torch"]
        tnp, tmath = _torch_namespaces(torch)
        f = rebind(w.fn, tnp, tmath)
        targs = []
        for i, a in enumerate(args):
            if isinstance(a, np.ndarray):
                a = torch.from_numpy(a)
            elif isinstance(a, float) and i in pos:
                a = torch.tensor(a, dtype=torch.float64)
            if i in pos:
                a = a.detach().requires_grad_(True)
            targs.append(a)
        params = [targs[p] for p in pos]

        def call():
            return torch.autograd.grad(f(*targs), params)

        return call, (lambda out: tuple(o.detach().numpy() for o in out)), None

    raise ValueError(name)


# -- measuring ----------------------------------------------------------------------------


class RSSMeter:
    """Peak resident-set growth during a call (Linux: clear_refs + VmHWM)."""

    def __init__(self):
        self.available = False
        self.libc = None
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self._hwm()
            self.available = True
        except OSError:
            return
        try:
            self.libc = ctypes.CDLL("libc.so.6")  # glibc: malloc_trim returns freed memory
        except OSError:
            self.libc = None

    @staticmethod
    def _status(key):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        raise OSError(key)

    def _hwm(self):
        return self._status("VmHWM:")

    def measure(self, fn):
        gc.collect()
        if self.libc is not None:
            self.libc.malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = self._status("VmRSS:")
        out = fn()
        peak = self._hwm()
        del out
        return max(0, peak - before)


def traced_peak(fn):
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del out
    return max(0, peak - before)


def check(result, expected, to_numpy):
    got = to_numpy(result)
    want = expected if isinstance(expected, tuple) else (expected,)
    if len(got) != len(want):
        return f"{len(got)} gradients, expected {len(want)}"
    for i, (a, b) in enumerate(zip(got, want)):
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            return f"gradient {i}: shape {a.shape}, expected {b.shape}"
        scale = float(np.max(np.abs(b))) if b.size else 1.0
        if not np.allclose(a, b, rtol=1e-6, atol=1e-9 * max(scale, 1e-300)):
            err = float(np.max(np.abs(a - b))) / max(scale, 1e-300)
            return f"gradient {i}: max relative error {err:.1e}"
    return None


def s2s_transform_times(w, repeats, args):
    """(cold, warm) seconds of ``s2s.grad(fn, wrt=...)`` and of building the variant a
    call with ``args`` runs (:mod:`s2s.api`: specialized to the Python numbers and the
    arrays' dimension pattern): with an empty cache, then with the cached modules."""
    from s2s.api import _dimension_symbols, _transform

    bound = inspect.signature(w.fn).bind(*args)
    scalars = tuple(k for k, v in bound.arguments.items() if isinstance(v, (int, float)))
    dims = _dimension_symbols(bound.arguments)
    old = os.environ.get("S2S_CACHE_DIR")
    cold, warm = [], []

    def once():
        t0 = time.perf_counter()
        s2s.grad(w.fn, wrt=w.wrt_arg)
        if scalars or dims:
            _transform("grad", w.fn, w.wrt_arg, True, None, None, scalars, dims)
        return time.perf_counter() - t0

    try:
        for _ in range(repeats):
            os.environ["S2S_CACHE_DIR"] = tempfile.mkdtemp(prefix="s2s-bench-cold-")
            cold.append(once())
        for _ in range(max(3, repeats)):
            warm.append(once())
    finally:
        if old is None:
            os.environ.pop("S2S_CACHE_DIR", None)
        else:
            os.environ["S2S_CACHE_DIR"] = old
    return min(cold), min(warm)


# -- the run ------------------------------------------------------------------------------


def run(size, only, min_time, repeats, budget, memory, log):
    peers, versions = load_peers()
    rss = RSSMeter() if memory else None
    results = []
    # The first transform of a process also imports the rule library: time it apart,
    # so the first workload's cold transform is not charged for it.
    first = WORKLOADS[0]
    FIRST_TRANSFORM[0] = s2s_transform_times(first, 1, first.args(size))[0]
    log(f"first transform in this process (imports the rule library): {FIRST_TRANSFORM[0] * 1e3:.0f} ms")
    for w in WORKLOADS:
        if only and w.name not in only:
            continue
        args = w.args(size)
        row = {"name": w.name, "describe": w.describe.get(size, size), "methods": {}, "scalar": w.scalar}
        log(f"\n== {w.name} ({row['describe']})")
        expected = w.grad(*args)
        row["cold"], row["warm"] = s2s_transform_times(w, 3 if size == "full" else 1, args)
        calls = {"forward": lambda: w.fn(*args)}
        for name in METHODS:
            peer = {"jax_jit": "jax"}.get(name, name)
            m = {}
            row["methods"][name] = m
            if peer in peers and peers[peer] is None:
                m["note"] = "not installed"
                continue
            reason = w.cannot_run.get(name, w.cannot_run.get(peer))  # "jax_jit" alone, or "jax" for both
            if reason is not None:
                m["note"] = f"cannot run: {reason}"
                continue
            if name == "jax_jit" and size != "full" and w.unrolled:
                m["note"] = "skipped (--quick: jit unrolls the loop, long compile)"
                continue
            try:
                call, to_numpy, _ = build_method(name, w, args, peers)
                t0 = time.perf_counter()
                first = call()
                m["first"] = time.perf_counter() - t0  # JAX jit: trace + compile + one run
                problem = check(first, expected, to_numpy)
                del first
            except Exception as e:  # noqa: BLE001 - report, never crash
                m["note"] = f"error: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
                continue
            if problem:
                m["note"] = f"WRONG gradient ({problem})"
                continue
            calls[name] = call
        timed = time_interleaved(calls, min_time, repeats, budget)
        row["fwd"] = timed.pop("forward")[0]
        log(f"   forward {row['fwd'] * 1e3:.3f} ms; s2s transform cold {row['cold'] * 1e3:.1f} ms, warm {row['warm'] * 1e3:.1f} ms")
        for name in METHODS:
            m = row["methods"][name]
            if name not in timed:
                log(f"   {LABELS[name]:14s} {m['note']}")
                continue
            m["best"], m["median"] = timed[name]
            call = calls[name]
            if memory:
                tries = 1 if m["best"] > 0.2 else 3  # the least of a few tries: noise only adds
                if name in NUMPY_BASED:
                    m["traced"] = min(traced_peak(call) for _ in range(tries))
                if rss.available:
                    m["rss"] = min(rss.measure(call) for _ in range(tries))
            log(
                f"   {LABELS[name]:14s} {m['best'] * 1e3:10.3f} ms (median {m['median'] * 1e3:.3f})"
                + (f"  first call {m['first']:.2f} s" if name == "jax_jit" else "")
                + (f"  traced {m['traced'] / 2**20:.2f} MiB" if "traced" in m else "")
                + (f"  rss {m['rss'] / 2**20:.2f} MiB" if "rss" in m else "")
            )
        del calls
        gc.collect()
        results.append(row)
    return results, versions, rss is not None and rss.available


# -- reporting ----------------------------------------------------------------------------


def fmt_mem(nbytes):
    if nbytes >= 2**20:
        return f"{nbytes / 2**20:.1f} MiB"
    return f"{nbytes / 2**10:.0f} KiB"


def ratio(a, b):
    if b <= 0:
        return "–"
    r = a / b
    return f"{r:.2f}×" if r < 100 else f"{r:.0f}×"


def cell_note(m):
    note = m.get("note", "?")
    if note == "not installed":
        return "not installed"
    if note.startswith("skipped"):
        return "skipped (quick)"
    if note.startswith("cannot run"):
        return "cannot run"
    if note.startswith("WRONG"):
        return "**wrong gradient**"
    return "error"


def tables(results, memory, rss_ok):
    lines = []
    header = "| workload | size | hand-written | " + " | ".join(LABELS[m] for m in METHODS[1:]) + " |"
    sep = "|---|---|---:|" + "---:|" * (len(METHODS) - 1)

    lines.append("**Gradient time**, as a ratio to the hand-written numpy gradient (best of several repeats; "
                 "the hand-written column is its absolute time; lower is better):")
    lines.append("")
    lines += [header, sep]
    for r in results:
        hand = r["methods"]["hand"]
        cells = [fmt_time(hand["best"])]
        for name in METHODS[1:]:
            m = r["methods"][name]
            cells.append(ratio(m["best"], hand["best"]) if "best" in m else cell_note(m))
        lines.append(f"| {r['name']} | {r['describe']} | " + " | ".join(cells) + " |")

    if memory:
        lines.append("")
        lines.append("**Peak memory of one gradient call**, as a ratio to the hand-written gradient's "
                     "(numpy-based methods: tracemalloc peak; JAX, PyTorch: RSS high-water-mark growth, "
                     "divided by the hand-written gradient's RSS growth; the hand-written column is "
                     "its absolute tracemalloc peak / RSS growth):")
        lines.append("")
        lines += [header, sep]
        for r in results:
            hand = r["methods"]["hand"]
            cells = [fmt_mem(hand.get("traced", 0)) + (" / " + fmt_mem(hand["rss"]) if "rss" in hand else "")]
            for name in METHODS[1:]:
                m = r["methods"][name]
                if "best" not in m:
                    cells.append(cell_note(m))
                elif name in NUMPY_BASED:
                    small = hand["traced"] < 64 * 2**10  # a ratio to almost nothing: show the size too
                    cells.append(ratio(m["traced"], hand["traced"]) + (f" ({fmt_mem(m['traced'])})" if small else ""))
                elif "rss" in m and "rss" in hand:
                    cells.append(ratio(m["rss"], hand["rss"]) + " (RSS)")
                else:
                    cells.append("n/a")
            lines.append(f"| {r['name']} | {r['describe']} | " + " | ".join(cells) + " |")
        if rss_ok:
            lines.append("")
            lines.append("RSS high-water-mark growth of every method, for comparison across all of them "
                         "(coarse: page granularity, small allocations are not returned to the system):")
            lines.append("")
            lines.append("| workload | " + " | ".join(LABELS[m] for m in METHODS) + " |")
            lines.append("|---|" + "---:|" * len(METHODS))
            for r in results:
                cells = []
                for name in METHODS:
                    m = r["methods"][name]
                    cells.append(fmt_mem(m["rss"]) if "rss" in m else cell_note(m) if "best" not in m else "n/a")
                lines.append(f"| {r['name']} | " + " | ".join(cells) + " |")

    lines.append("")
    lines.append("**Transform and gradient/forward ratios**: s2s cold = `s2s.grad` and the variant its first call "
                 "builds for the arguments' shapes, with an empty cache (transform, write, compile, load both); "
                 "warm = the same loading the cached modules; "
                 "gradient / forward = time of one gradient over time of one call of the function itself "
                 "(the cheap-gradient bound is a small constant); JAX jit first call = trace + compile + one run. "
                 f"The first transform in a process also imports the rule library: {fmt_time(FIRST_TRANSFORM[0])} "
                 "for the first workload, not counted here.")
    lines.append("")
    lines.append("| workload | forward | s2s cold | s2s warm | s2s grad / fwd | hand grad / fwd | JAX jit first call |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        s = r["methods"]["s2s"]
        hand = r["methods"]["hand"]
        jit = r["methods"]["jax_jit"]
        sg = f"{s['best'] / r['fwd']:.1f}×" if "best" in s else cell_note(s)
        hg = f"{hand['best'] / r['fwd']:.1f}×"
        if r["scalar"]:
            sg, hg = f"**{sg}**", f"**{hg}**"
        jf = fmt_time(jit["first"]) if "best" in jit else cell_note(jit)
        lines.append(
            f"| {r['name']} | {fmt_time(r['fwd'])} | {fmt_time(r['cold'])} | {fmt_time(r['warm'])} | {sg} | {hg} | {jf} |"
        )

    cannot, notes = {}, []
    for r in results:
        for name in METHODS:
            m = r["methods"][name]
            note = m.get("note", "")
            if note.startswith("cannot run: "):
                cannot.setdefault((LABELS[name], note[len("cannot run: "):]), []).append(r["name"])
            elif note and note != "not installed" and not note.startswith("skipped"):
                notes.append(f"- {r['name']}, {LABELS[name]}: {note}")
    if cannot:
        lines.append("")
        lines.append("Programs a peer cannot run as written (\"cannot run\" above):")
        lines.append("")
        lines += [f"- {label}: {', '.join(names)}: {why}" for (label, why), names in cannot.items()]
    if notes:
        lines.append("")
        lines.append("Failures:")
        lines.append("")
        lines += notes
    return "\n".join(lines)


def s2s_version():
    return s2s.__version__ + git_revision(ROOT)


def header(size, versions, elapsed):
    numpy_config = blas_description()
    peers = ", ".join(f"{k} {v}" for k, v in versions.items())
    return "\n".join([
        f"- date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- machine: {machine()}; load average {LOAD[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
        "(other processes' load slows every method alike; best-of-repeats filters most of it)",
        f"- Python {platform.python_version()}, numpy {np.__version__}{numpy_config}, s2s {s2s_version()}",
        f"- peers: {peers}",
        f"- run: `python bench/run.py{'' if size == 'full' else ' --quick'}` ({'full sizes' if size == 'full' else 'quick sizes'}, "
        f"{elapsed:.0f} s in all); float64 everywhere; {THREADS} thread{'s' if THREADS != '1' else ''} "
        "for BLAS, OpenMP, XLA and PyTorch",
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scaled-down sizes and fewer repeats (about six minutes, peers included)")
    parser.add_argument("--only", nargs="*", help="workload names to run")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    parser.add_argument("--min-time", type=float, help="seconds per timing repeat (default 0.2, quick 0.03)")
    parser.add_argument("--repeats", type=int, help="timing repeats (default 5, quick 3)")
    parser.add_argument("--threads", default="1", help="threads of BLAS, OpenMP, XLA and PyTorch (default 1)")
    parser.add_argument("--output", help="Markdown file to write (default bench/RESULTS.md; quick: bench/RESULTS-quick.md)")
    parsed = parser.parse_args(argv)
    size = "quick" if parsed.quick else "full"
    min_time = parsed.min_time or (0.03 if parsed.quick else 0.2)
    repeats = parsed.repeats or (3 if parsed.quick else 5)
    budget = 1.0 if parsed.quick else 8.0  # seconds of timing per method, at most (2 repeats at least)
    output = parsed.output or os.path.join(HERE, "RESULTS-quick.md" if parsed.quick else "RESULTS.md")

    cache = tempfile.mkdtemp(prefix="s2s-bench-cache-")
    os.environ["S2S_CACHE_DIR"] = cache
    warnings.simplefilter("ignore")

    LOAD[0] = os.getloadavg()[0]
    start = time.perf_counter()
    results, versions, rss_ok = run(
        size, set(parsed.only or ()), min_time, repeats, budget, not parsed.no_memory,
        log=lambda s: print(s, flush=True),
    )
    elapsed = time.perf_counter() - start
    text = "\n".join([
        "# s2s benchmark results",
        "",
        header(size, versions, elapsed),
        "",
        tables(results, not parsed.no_memory, rss_ok),
        "",
    ])
    write_report(text, output)


if __name__ == "__main__":
    main()
