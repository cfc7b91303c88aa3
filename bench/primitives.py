"""The operations the workloads spend their time in, numpy against PyTorch, one thread.

    python bench/primitives.py

A gradient that calls numpy runs no faster than numpy's own operations.  This
times the ones that dominate the workloads where PyTorch eager beats the
hand-written numpy gradient (``bench/RESULTS.md``): float64 ``sin``/``cos``/
``exp``/``tanh`` on 1e6 elements (the elementwise workload) and the matrix
products of the MLP and logistic-regression workloads, each with numpy and
with PyTorch on the same data, best of several repeats, one thread for both
(as ``bench/run.py`` runs).  Prints a Markdown table; PyTorch is optional.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import timeit  # noqa: E402

import numpy as np  # noqa: E402


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def main():
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (pip install -e '.[bench]'): numpy only")
    else:
        torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=1_000_000)
    cases = [(f"np.{f}, 1e6 float64", getattr(np, f), (x,), getattr(torch, f, None) if torch else None, 20) for f in ("sin", "cos", "exp", "tanh")]
    cases.append(("multiply, 1e6 float64", np.multiply, (x, x), torch.mul if torch else None, 20))
    for m, k, n, what in [(1024, 784, 256, "MLP b1024 layer 1"), (64, 784, 256, "MLP b64 layer 1"), (4096, 512, 10, "logreg X @ W"), (512, 4096, 10, "logreg X.T @ dz")]:
        a, b = rng.normal(size=(m, k)), rng.normal(size=(k, n))
        cases.append((f"matmul ({m}x{k}) @ ({k}x{n}), {what}", np.matmul, (a, b), torch.matmul if torch else None, 10))
    print("| operation | numpy | PyTorch | numpy / PyTorch |")
    print("|---|---:|---:|---:|")
    for label, np_fn, args, torch_fn, number in cases:
        t_np = best(lambda: np_fn(*args), number)
        if torch_fn is None:
            print(f"| {label} | {t_np * 1e3:.2f} ms | – | – |")
            continue
        targs = [torch.from_numpy(a) for a in args]
        t_torch = best(lambda: torch_fn(*targs), number)
        print(f"| {label} | {t_np * 1e3:.2f} ms | {t_torch * 1e3:.2f} ms | {t_np / t_torch:.2f} |")
    print(f"\nnumpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "") + ", one thread each")


if __name__ == "__main__":
    main()
