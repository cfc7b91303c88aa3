"""Jacobians of maps R^n -> R^m: one vector-mode sweep against loops and the peers.

Run:  python bench/jacobians.py [--quick] [--threads N] [--output bench/JACOBIANS.md]

Each workload is a numpy function of one array (written once; the peers run the
same source with ``np`` rebound, as in bench/run.py) at several ``n`` (inputs)
and ``m`` (outputs).  Methods, all checked against s2s's forward Jacobian:

* ``s2s fwd`` / ``s2s rev``: ``s2s.jacobian(f, mode="forward")`` (one sweep of
  tangents with ``n`` directions) and ``mode="reverse"`` (one sweep of ``m``
  cotangents, vector mode over the generated vjp);
* ``jvp loop`` / ``vjp loop``: a Python loop of ``n`` calls of ``s2s.jvp`` (or
  ``m`` of ``s2s.vjp``), a basis vector each: what a user writes without
  ``s2s.jacobian``;
* ``autograd``: ``autograd.jacobian`` (a Python loop over the outputs);
* ``jax fwd``/``jax rev`` (eager) and ``jit`` of each: ``jax.jacfwd``/``jax.jacrev``;
* ``torch``: ``torch.func.jacrev`` (vectorized by ``vmap``).

A peer that is not installed is a note in the report, not a failure.  Times are
the best of interleaved repeats (bench/timing.py).
"""

import argparse
import os
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.timing import blas_description, fmt_time, git_revision, limit_threads, machine, time_interleaved, write_report  # noqa: E402


def _threads():
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
    return "1"


if __name__ == "__main__":
    limit_threads(_threads())

import numpy as np  # noqa: E402

import s2s  # noqa: E402


# -- workloads ------------------------------------------------------------------------------

def mlp_map(x, W1, b1, W2, b2):
    """A two-layer network as a map of its input: R^n -> R^m."""
    return np.tanh(W2 @ np.tanh(W1 @ x + b1) + b2)


def make_mlp(n, m, hidden=64):
    rng = np.random.default_rng(n * 1000 + m)
    return (rng.normal(size=n), rng.normal(size=(hidden, n)) / np.sqrt(n), rng.normal(size=hidden),
            rng.normal(size=(m, hidden)) / np.sqrt(hidden), rng.normal(size=m))


def reaction_diffusion(u, D):
    """The right-hand side of a periodic Allen-Cahn equation on n points: R^n -> R^n."""
    laplacian = np.roll(u, 1) + np.roll(u, -1) - 2.0 * u
    return D * laplacian + u - u * u * u


def make_reaction_diffusion(n, m):
    rng = np.random.default_rng(n)
    return (np.sin(np.linspace(0.0, 6.0, n)) + 0.1 * rng.normal(size=n), 0.7)


def damped_chain(x, W, steps):
    """A recurrence of ``steps`` tanh updates from x, reading out every state's mean: R^n -> R^steps."""
    h = x
    out = []
    for _ in range(steps):
        h = np.tanh(W @ h) + 0.5 * h
        out.append(np.mean(h))
    return np.stack(out)


def make_chain(n, m):
    rng = np.random.default_rng(n + 7 * m)
    return (rng.normal(size=n), rng.normal(size=(n, n)) / np.sqrt(n), m)


WORKLOADS = [  # (name, function, make, [(n, m)] full, [(n, m)] quick)
    ("mlp_map", mlp_map, make_mlp, [(16, 16), (64, 64), (256, 16), (16, 256)], [(16, 16), (64, 64)]),
    ("reaction_diffusion", reaction_diffusion, make_reaction_diffusion, [(64, 64), (256, 256)], [(64, 64)]),
    ("damped_chain", damped_chain, make_chain, [(64, 8), (64, 64)], [(64, 8)]),
]

METHODS = ["s2s fwd", "s2s rev", "jvp loop", "vjp loop", "autograd", "jax fwd", "jax rev", "jax fwd jit", "jax rev jit", "torch"]


# -- methods --------------------------------------------------------------------------------

def _rebind(fn, module):
    from bench.run import rebind

    return rebind(fn, module, module)


def _torch_module(torch):
    from bench.run import _torch_namespaces

    tnp, _ = _torch_namespaces(torch)
    return types.SimpleNamespace(**vars(tnp), roll=lambda x, shift: torch.roll(x, shift), stack=torch.stack)


def build(method, fn, args, n, m, peers):
    """A zero-argument callable giving the Jacobian (as a numpy array); raises if it cannot run."""
    rest = args[1:]
    x = args[0]
    if method == "s2s fwd":
        J = s2s.jacobian(fn, mode="forward")
        return lambda: J(*args)
    if method == "s2s rev":
        J = s2s.jacobian(fn, mode="reverse")
        return lambda: J(*args)
    if method == "jvp loop":
        jvp = s2s.jvp(fn)
        basis = list(np.eye(n))
        return lambda: np.stack([jvp(x, *rest, e)[1] for e in basis], axis=-1)
    if method == "vjp loop":
        vjp = s2s.vjp(fn)
        basis = list(np.eye(m))
        return lambda: np.stack([vjp(x, *rest, e) for e in basis])
    if method == "autograd":
        ag = peers.get("autograd")
        if ag is None:
            raise RuntimeError("autograd is not installed")
        f = _rebind(fn, ag.numpy)
        J = ag.jacobian(lambda v: f(v, *rest))
        return lambda: J(x)
    if method.startswith("jax"):
        jax = peers.get("jax")
        if jax is None:
            raise RuntimeError("JAX is not installed")
        import jax.numpy as jnp

        f = _rebind(fn, jnp)
        jrest = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in rest)
        J = (jax.jacfwd if "fwd" in method else jax.jacrev)(lambda v, *r: f(v, *r))
        if "jit" in method:
            static = tuple(i + 1 for i, a in enumerate(rest) if isinstance(a, int))
            J = jax.jit(J, static_argnums=static)
        jx = jnp.asarray(x)
        return lambda: jax.block_until_ready(J(jx, *jrest))
    if method == "torch":
        torch = peers.get("torch")
        if torch is None:
            raise RuntimeError("PyTorch is not installed")
        f = _rebind(fn, _torch_module(torch))
        trest = tuple(torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in rest)
        J = torch.func.jacrev(lambda v: f(v, *trest))
        tx = torch.from_numpy(x)
        return lambda: J(tx)
    raise ValueError(method)


def _version(name):
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def load_peers():
    peers, versions = {}, {}
    for name in ("autograd", "jax", "torch"):
        try:
            module = __import__(name)
            if name == "autograd":
                import autograd.numpy  # noqa: F401
            if name == "jax":
                module.config.update("jax_enable_x64", True)
            if name == "torch":
                module.set_num_threads(int(_threads()))
            peers[name] = module
            versions[name] = _version(name)
        except Exception as e:  # noqa: BLE001 - a missing peer is a note
            peers[name] = None
            versions[name] = f"not available ({type(e).__name__})"
    return peers, versions


# -- the run --------------------------------------------------------------------------------

def run(quick, min_time, repeats, budget, log=print):
    peers, versions = load_peers()
    rows, notes = [], {}
    for name, fn, make, full, small in WORKLOADS:
        for n, m in (small if quick else full):
            args = make(n, m)
            reference = np.asarray(s2s.jacobian(fn, mode="forward")(*args))
            calls = {}
            for method in METHODS:
                try:
                    call = build(method, fn, args, n, m, peers)
                    got = np.asarray(call())
                    np.testing.assert_allclose(got, reference, rtol=1e-7, atol=1e-9)
                    calls[method] = call
                except Exception as e:  # noqa: BLE001
                    notes.setdefault(method, f"{type(e).__name__}: {str(e).splitlines()[0][:120]}")
            times = time_interleaved(calls, min_time, repeats, budget)
            rows.append((name, n, m, {k: v[0] for k, v in times.items()}))
            log(f"{name} n={n} m={m}: " + ", ".join(f"{k} {fmt_time(v[0])}" for k, v in times.items()))
    return rows, versions, notes


def report(rows, versions, notes, elapsed, quick):
    lines = [
        "# Jacobians of R^n -> R^m: one vector-mode sweep against loops and peers",
        "",
        f"`python bench/jacobians.py{' --quick' if quick else ''}` on {machine()}{blas_description()}, "
        f"s2s {s2s.__version__}{git_revision(ROOT)}, {elapsed:.0f} s. "
        "Peers: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        "Each cell: the best time of one full Jacobian; every method's matrix is checked against `s2s fwd`. "
        "`jvp loop / s2s fwd`: how much faster one sweep with n directions is than n calls of `s2s.jvp`; "
        "`autograd / s2s`: `autograd.jacobian`'s time over the faster of s2s's two modes.",
        "",
        "| workload | n | m | " + " | ".join(METHODS) + " | jvp loop / s2s fwd | autograd / s2s |",
        "|---|---|---|" + "---|" * len(METHODS) + "---|---|",
    ]
    for name, n, m, times in rows:
        cells = [fmt_time(times[k]) if k in times else "—" for k in METHODS]
        best = min(times[k] for k in ("s2s fwd", "s2s rev") if k in times)
        loop = f"{times['jvp loop'] / times['s2s fwd']:.1f}x" if "jvp loop" in times and "s2s fwd" in times else "—"
        ag = f"{times['autograd'] / best:.1f}x" if "autograd" in times else "—"
        lines.append(f"| {name} | {n} | {m} | " + " | ".join(cells) + f" | {loop} | {ag} |")
    if notes:
        lines += ["", "Methods that did not run: " + "; ".join(f"{k}: {v}" for k, v in sorted(notes.items())) + "."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer shapes, shorter timing")
    parser.add_argument("--threads", default="1", help="BLAS threads (set before numpy loads)")
    parser.add_argument("--output", default=os.path.join(HERE, "JACOBIANS.md"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows, versions, notes = run(args.quick, min_time=0.02 if args.quick else 0.1, repeats=3 if args.quick else 7,
                                budget=1.0 if args.quick else 5.0)
    write_report(report(rows, versions, notes, time.perf_counter() - start, args.quick), args.output)


if __name__ == "__main__":
    main()
