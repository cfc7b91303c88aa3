"""How bench/ times calls and says where it ran (shared by bench/run.py and bench/corpus_speed.py).

It takes zero-argument callables and returns seconds per call: the best of
repeats of an auto-ranged number of calls, the repeats of several callables
interleaved.  It imports neither numpy nor s2s, so a script can call
:func:`limit_threads` first and import them after.
"""

import os
import platform
import statistics
import subprocess
import time


def limit_threads(threads):
    """Size BLAS's and OpenMP's thread pools (and XLA's, at one thread) before numpy,
    JAX or PyTorch is imported; a variable already set is left as it is."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, threads)
    if threads == "1":
        os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")


def calibrate(fn, min_time):
    """``(number, seconds_per_call, sample)``: how many calls make one timing repeat of at
    least ``min_time`` seconds; ``sample`` is the one timed call when that is 1 (it counts
    as the first repeat, so a slow method is not run more often than it needs)."""
    t0 = time.perf_counter()
    fn()
    per = time.perf_counter() - t0
    if per >= min_time:
        return 1, per, per
    number = max(1, int(min_time / max(per, 1e-7)))
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    per = (time.perf_counter() - t0) / number
    return max(1, int(min_time / max(per, 1e-7))), per, None


def time_interleaved(calls, min_time, repeats, budget):
    """``{name: (best, median)}`` seconds per call.

    Every call was made once already (the gradient check), so none is cold.
    The machine may be shared, so the repeats of all methods of a workload are
    interleaved (one repeat of each method per round) and the best repeat is
    kept: a burst of load elsewhere slows one round of every method rather than
    every repeat of one.  A method stops repeating once its repeats would take
    more than ``budget`` seconds (it is timed at least twice).
    """
    plan, times, spent = {}, {}, {}
    for name, fn in calls.items():
        number, per, sample = calibrate(fn, min_time)
        plan[name] = (number, per)
        times[name] = [] if sample is None else [sample]
        spent[name] = 0.0 if sample is None else sample
    for round_ in range(repeats):
        for name, fn in calls.items():
            number, per = plan[name]
            if len(times[name]) >= repeats or (len(times[name]) >= 2 and spent[name] + number * per > budget):
                continue
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            elapsed = time.perf_counter() - t0
            spent[name] += elapsed
            times[name].append(elapsed / number)
    return {name: (min(t), statistics.median(t)) for name, t in times.items()}


def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.platform()}, {cpu or platform.machine()}, {os.cpu_count()} CPUs"


def git_revision(root):
    """``" (git abc1234)"``, saying so when s2s/ or derivatives/ have uncommitted changes;
    ``""`` outside a git checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "s2s", "derivatives"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f" (git {commit}{', with uncommitted changes to s2s/ or derivatives/' if dirty else ''})"


def write_report(text, output):
    """Print a report and write it to ``output``."""
    print()
    print(text)
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"\nwrote {output}")


def blas_description():
    """``", BLAS <name> <version>"`` of the numpy in use, or "" where numpy does not say."""
    import numpy as np  # here, not at the top: scripts set their threads before numpy loads

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f", BLAS {blas.get('name', '?')} {blas.get('version', '')}".rstrip()
    except Exception:  # noqa: BLE001
        return ""
