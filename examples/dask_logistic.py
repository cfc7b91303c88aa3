"""Logistic regression on a chunked dataset, on a dask.distributed cluster.

Run:  pip install 's2s[dask]'  &&  python examples/dask_logistic.py

`loss` below is plain numpy code.  Called with dask arrays it builds a lazy
task graph instead of computing, and so does the gradient s2s generates from
it: the full-batch gradient over every chunk of the dataset is a dask array
until `.compute()`, when the 2-worker cluster computes it chunk by chunk.  The
example checks that gradient, and a short training loop, against the same code
run on numpy arrays.
"""

import os
import sys
import time

import numpy as np

import s2s

try:
    import dask
    import dask.array as da
    from dask.distributed import Client, LocalCluster
except ImportError:  # pragma: no cover - the message is the point
    sys.exit("this example needs dask: pip install 's2s[dask]' (dask[array] and distributed)")


def loss(w, b, X, y):
    """Mean logistic loss of labels y in {0, 1}: log(1 + exp(-s z)), s = 2y - 1, z = X w + b."""
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, -(2.0 * y - 1.0) * z))


def dataset(n, d, chunk, seed=0):
    """A chunked, lazily generated dataset: the rows of each chunk are made on a worker."""
    rs = da.random.RandomState(seed)
    X = rs.normal(size=(n, d), chunks=(chunk, d))
    w_true = np.linspace(-1.0, 1.0, d)
    p = 1.0 / (1.0 + np.exp(-(X @ w_true + 0.3)))
    y = (rs.uniform(size=n, chunks=chunk) < p).astype(np.float64)
    return X, y


def main():
    quick = os.environ.get("S2S_QUICK") == "1"
    n, d, chunk = (40_000, 8, 10_000) if quick else (400_000, 16, 50_000)
    steps = 10 if quick else 25
    start = time.perf_counter()

    # processes=False: two workers, each with its own thread, in this process (fast
    # to start, nothing to pickle); processes=True gives them separate processes.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        X, y = dataset(n, d, chunk)
        X, y = client.persist([X, y])  # the chunks now live on the workers
        print(f"{n} rows x {d} features in {X.numblocks[0]} chunks on {len(client.scheduler_info()['workers'])} workers")

        grad_loss = s2s.value_and_grad(loss, wrt=("w", "b"))
        w, b = np.zeros(d), 0.0
        value, (dw, db) = grad_loss(w, b, X, y)
        assert isinstance(value, da.Array) and isinstance(dw, da.Array) and isinstance(db, da.Array), (
            type(value), type(dw), type(db))
        print(f"the gradient is lazy: {type(dw).__module__}.{type(dw).__name__}, "
              f"a graph of {len(dw.__dask_graph__())} tasks")
        value, dw, db = dask.compute(value, dw, db)

        # the same code on numpy arrays, for the check
        X_np, y_np = dask.compute(X, y)
        value_np, (dw_np, db_np) = grad_loss(w, b, X_np, y_np)
        assert isinstance(dw_np, np.ndarray)
        np.testing.assert_allclose(value, value_np, rtol=1e-10)
        np.testing.assert_allclose(dw, dw_np, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(db, db_np, rtol=1e-10, atol=1e-12)
        print(f"full-batch gradient matches numpy (|dw| = {np.linalg.norm(dw):.4f})")

        # training: each step computes one gradient on the cluster; the parameters stay small numpy arrays
        lr = 2.0
        w, b = np.zeros(d), 0.0
        w_np, b_np = np.zeros(d), 0.0
        first = None
        for step in range(steps):
            value, (dw, db) = dask.compute(*grad_loss(w, b, X, y))
            w, b = w - lr * dw, b - lr * float(db)
            value_np, (dw_np, db_np) = grad_loss(w_np, b_np, X_np, y_np)
            w_np, b_np = w_np - lr * dw_np, b_np - lr * db_np
            first = value if first is None else first
        final = float(loss(w, b, X, y).compute())
        print(f"{steps} steps of gradient descent: loss {first:.4f} -> {final:.4f}")
        np.testing.assert_allclose(w, w_np, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(b, b_np, rtol=1e-8, atol=1e-10)
        assert final < first
        print(f"trained parameters match numpy's; {time.perf_counter() - start:.1f} s in all")


if __name__ == "__main__":
    main()
