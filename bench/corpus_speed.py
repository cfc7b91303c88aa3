"""Gradient time over function time on the real-programs corpus (issue 18's acceptance).

    python -m bench.corpus_speed            # every case, writes bench/CORPUS_SPEED.md (a few minutes)
    python -m bench.corpus_speed --quick    # shorter repeats (well under a minute), bench/CORPUS_SPEED-quick.md

Every case of ``tests/corpus/*.py`` (loaded the way ``tests/test_corpus.py``
loads them: ``CORPUS`` a dict or a list of dicts, arguments from ``inputs=`` or
``corpus_inputs`` with the case's own seed; a case declared ``refused=`` is
skipped) is run twice: the function itself, ``f(*args)``, and its s2s gradient,
``s2s.grad(f, wrt=...)(*args)``, called once before timing (the first call
builds the variant for the arguments).  Both are timed as ``bench/run.py``
times (``bench/timing.py``: the best of interleaved repeats of an auto-ranged
number of calls), on one thread.  The table lists the cases by the ratio
gradient time / function time, the worst first; the summary gives the median
and the largest ratio and how many cases exceed 3x and 6x (the acceptance:
median <= 3x, none above 6x).
"""

import argparse
import datetime
import importlib.util
import os
import pathlib
import platform
import statistics
import sys
import tempfile
import time
import warnings

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.timing import blas_description, fmt_time, git_revision, limit_threads, machine, time_interleaved, write_report  # noqa: E402

if __name__ == "__main__":  # one thread, as bench/run.py measures; imported, the environment is left alone
    limit_threads("1")

import numpy as np  # noqa: E402

import s2s  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
MEDIAN_BOUND, MAX_BOUND = 3.0, 6.0  # issue 18: median <= 3x, none above 6x


def load(path):
    """The corpus program at ``path`` as a module (the name tests/test_corpus.py gives it)."""
    name = f"corpus_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def corpus_cases(only=()):
    """``[(label, f, wrt, args)]`` for every case not declared refused; ``only``: names of
    programs (file stems) to keep."""
    found = []
    for path in sorted(p for p in CORPUS.glob("*.py") if not p.name.startswith("_")):
        if only and path.stem not in only:
            continue
        module = load(path)
        cases = module.CORPUS if isinstance(module.CORPUS, list) else [module.CORPUS]
        for number, case in enumerate(cases):
            if case.get("refused"):
                continue
            label = f"{path.stem}-{number}" if len(cases) > 1 else path.stem
            args = tuple((case.get("inputs") or module.corpus_inputs)(np.random.default_rng(number)))
            found.append((label, case["f"], case.get("wrt", 0), args))
    return found


def measure(cases, min_time, repeats, budget, log):
    """``[row]``: a row is ``{"label", "function", "fn", "grad"}`` (seconds per call), or
    ``{"label", "function", "error"}`` where the gradient could not be built or run."""
    rows = []
    for label, f, wrt, args in cases:
        row = {"label": label, "function": getattr(f, "__qualname__", repr(f))}
        try:
            g = s2s.grad(f, wrt=wrt)
            g(*args)  # builds the variant for these arguments
            f(*args)
        except Exception as e:  # noqa: BLE001 - report, never crash
            row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
            log(f"{label:34s} error: {row['error']}")
            rows.append(row)
            continue
        timed = time_interleaved({"fn": lambda: f(*args), "grad": lambda: g(*args)}, min_time, repeats, budget)
        row["fn"], row["grad"] = timed["fn"][0], timed["grad"][0]
        log(f"{label:34s} function {fmt_time(row['fn']):>9s}  gradient {fmt_time(row['grad']):>9s}  "
            f"{row['grad'] / row['fn']:6.2f}x")
        rows.append(row)
    return rows


def summary(rows):
    """The acceptance line: median and largest ratio, how many cases above 3x and 6x."""
    ratios = [r["grad"] / r["fn"] for r in rows if "error" not in r]
    errors = len(rows) - len(ratios)
    if not ratios:
        return f"no case ran ({errors} errors)"
    median, worst = statistics.median(ratios), max(ratios)
    above3 = sum(r > MEDIAN_BOUND for r in ratios)
    above6 = sum(r > MAX_BOUND for r in ratios)
    met = median <= MEDIAN_BOUND and above6 == 0 and errors == 0
    return (
        f"{len(ratios)} cases: median gradient / function {median:.2f}x, max {worst:.2f}x; "
        f"{above3} above {MEDIAN_BOUND:.0f}x, {above6} above {MAX_BOUND:.0f}x"
        + (f"; {errors} errors" if errors else "")
        + f" (issue 18's acceptance, median <= {MEDIAN_BOUND:.0f}x and none above {MAX_BOUND:.0f}x: "
        + ("met)" if met else "not met)")
    )


def table(rows):
    ran = sorted((r for r in rows if "error" not in r), key=lambda r: r["grad"] / r["fn"], reverse=True)
    lines = ["| program | function | function time | gradient time | gradient / function |", "|---|---|---:|---:|---:|"]
    for r in ran:
        lines.append(f"| {r['label']} | {r['function']} | {fmt_time(r['fn'])} | {fmt_time(r['grad'])} | "
                     f"{r['grad'] / r['fn']:.2f}× |")
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['label']} | {r['function']} | – | – | error: {r['error']} |")
    return "\n".join(lines)


def header(quick, load_start, elapsed):
    numpy_config = blas_description()
    return "\n".join([
        f"- date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- machine: {machine()}; load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end",
        f"- Python {platform.python_version()}, numpy {np.__version__}{numpy_config}, "
        f"s2s {s2s.__version__}{git_revision(str(ROOT))}",
        f"- run: `python -m bench.corpus_speed{' --quick' if quick else ''}` ({elapsed:.0f} s in all); "
        "1 thread for BLAS and OpenMP; best of interleaved repeats (bench/timing.py); "
        "the gradient warm (its first call, which builds the variant, is not timed)",
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter and fewer repeats (well under a minute)")
    parser.add_argument("--only", nargs="*", help="program names (file stems in tests/corpus) to run")
    parser.add_argument("--output", help="Markdown file to write (default bench/CORPUS_SPEED.md; "
                                         "quick: bench/CORPUS_SPEED-quick.md)")
    parsed = parser.parse_args(argv)
    min_time, repeats, budget = (0.01, 3, 0.2) if parsed.quick else (0.2, 5, 4.0)
    output = parsed.output or str(HERE / ("CORPUS_SPEED-quick.md" if parsed.quick else "CORPUS_SPEED.md"))
    os.environ["S2S_CACHE_DIR"] = tempfile.mkdtemp(prefix="s2s-corpus-speed-")
    warnings.simplefilter("ignore")

    load_start = os.getloadavg()[0]
    start = time.perf_counter()
    rows = measure(corpus_cases(set(parsed.only or ())), min_time, repeats, budget, log=lambda s: print(s, flush=True))
    elapsed = time.perf_counter() - start
    text = "\n".join([
        "# s2s gradient time on the real-programs corpus",
        "",
        header(parsed.quick, load_start, elapsed),
        "",
        "**" + summary(rows) + "**",
        "",
        "Each case of `tests/corpus/` (the function as its author wrote it, the arguments of the corpus test), "
        "worst ratio first:",
        "",
        table(rows),
        "",
    ])
    write_report(text, output)


if __name__ == "__main__":
    main()
