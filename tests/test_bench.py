"""Smoke test of the benchmark suite (bench/): every s2s gradient equals the
hand-written gradient of its workload, on small sizes.  No peer (autograd, JAX,
PyTorch) is needed, and nothing is timed."""

import os
import sys

import numpy as np
import pytest

import s2s

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.workloads import WORKLOADS  # noqa: E402


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("w", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_s2s_gradient_equals_hand_written(w):
    args = w.args("small")
    expected = _as_tuple(w.grad(*args))
    got = _as_tuple(s2s.grad(w.fn, wrt=w.wrt_arg)(*args))
    assert len(got) == len(expected) == len(w.wrt)
    for name, g, e in zip(w.wrt, got, expected):
        assert type(g) is type(e), name  # a float argument gets a float gradient
        assert np.shape(g) == np.shape(e), name
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("w", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_hand_written_gradient_matches_finite_differences(w):
    args = list(w.args("small"))
    eps = 1e-6
    for pos, g in zip(w.positions(), _as_tuple(w.grad(*args))):
        x = args[pos]
        num = np.zeros_like(np.asarray(x, dtype=float))
        for j in np.ndindex(num.shape):
            up, down = list(args), list(args)
            if isinstance(x, float):
                up[pos], down[pos] = x + eps, x - eps
            else:
                up[pos], down[pos] = x.copy(), x.copy()
                up[pos][j] += eps
                down[pos][j] -= eps
            num[j] = (w.fn(*up) - w.fn(*down)) / (2 * eps)
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)


def test_run_reports_a_missing_peer_without_crashing(monkeypatch):
    """bench/run.py on one tiny workload with every peer missing: a note, not a crash."""
    from bench import run

    monkeypatch.setattr(
        run, "load_peers",
        lambda: ({"autograd": None, "jax": None, "torch": None},
                 {"autograd": "not available", "jax": "not available", "torch": "not available"}),
    )
    w = next(w for w in WORKLOADS if w.name == "stencil_256")
    monkeypatch.setattr(w, "sizes", {**w.sizes, "quick": w.sizes["small"]})
    results, versions, rss_ok = run.run("quick", {"stencil_256"}, 0.001, 2, 0.1, False, log=lambda s: None)
    (row,) = results
    assert "best" in row["methods"]["s2s"] and "best" in row["methods"]["hand"]
    assert row["methods"]["torch"]["note"] == "not installed"
    text = run.tables(results, False, rss_ok)
    assert "not installed" in text and "stencil_256" in text


def test_run_reports_a_program_a_peer_cannot_run(monkeypatch):
    """A workload declaring that a peer cannot run it (the IIR filter assigns into an array):
    a "cannot run" cell and the reason under the tables, not a failure."""
    from bench import run

    monkeypatch.setattr(run, "load_peers", lambda: ({"autograd": object(), "jax": object(), "torch": object()}, {}))
    w = next(w for w in WORKLOADS if w.name == "iir_n400")
    monkeypatch.setattr(w, "sizes", {**w.sizes, "quick": w.sizes["small"]})
    results, versions, rss_ok = run.run("quick", {"iir_n400"}, 0.001, 2, 0.1, False, log=lambda s: None)
    (row,) = results
    for name in ("autograd", "jax", "jax_jit", "torch"):
        assert row["methods"][name]["note"].startswith("cannot run: "), name
    text = run.tables(results, False, rss_ok)
    assert "| cannot run | cannot run | cannot run | cannot run |" in text
    assert "Programs a peer cannot run as written" in text and "Failures" not in text


def test_corpus_speed_times_a_corpus_program():
    """bench/corpus_speed.py on one program of tests/corpus: a ratio per case and the summary line."""
    from bench import corpus_speed

    cases = corpus_speed.corpus_cases({"chem_lennard_jones"})
    assert [c[0] for c in cases] == ["chem_lennard_jones-0", "chem_lennard_jones-1"]
    rows = corpus_speed.measure(cases, 0.001, 2, 0.05, log=lambda s: None)
    assert all(r["fn"] > 0 and r["grad"] > 0 for r in rows)
    assert corpus_speed.summary(rows).startswith("2 cases: median gradient / function ")
    assert corpus_speed.table(rows).count("| chem_lennard_jones-") == 2


def test_compiled_benchmark_on_tiny_sizes():
    """bench/compiled.py on the tiny sizes: every gradient (s2s compiled, its dispatcher, the
    s2s Python gradient, the hand-written numba one, JAX's where installed) agrees and is
    timed, the tables and the acceptance summary render; one first call in a fresh process."""
    pytest.importorskip("numba")
    from bench import compiled
    from bench.compiled_workloads import WORKLOADS as COMPILED

    rows, jax_version = compiled.run("tiny", set(), 0.0005, 2, 0.02, False, log=lambda s: None)
    assert [r["name"] for r in rows] == [w.name for w in COMPILED]
    jax_missing = jax_version.startswith("not available")
    for r in rows:
        ms = r["methods"]
        for name in ("s2s", "dispatcher", "python", "hand"):
            assert "best" in ms[name], (r["name"], name, ms[name].get("note"))
        assert ms["s2s"]["error"] <= compiled.COMPILED_RTOL and ms["dispatcher"]["error"] <= compiled.COMPILED_RTOL
        jit = ms["jax_jit"]
        if r["name"] == "flight":
            assert jit["note"] == "no port"
        elif jax_missing:
            assert jit["note"] == "not installed"
        else:
            assert "best" in jit and jit["compile"] >= 0, (r["name"], jit.get("note"))
    horner = next(w for w in COMPILED if w.name == "horner")
    rows[3]["first_call"] = compiled.first_call(horner, horner.tiny)
    assert rows[3]["first_call"]["total"] >= rows[3]["first_call"]["call"] > 0, rows[3]["first_call"]
    text = compiled.summary(rows) + "\n" + compiled.tables(rows)
    assert "first call (fresh process, empty cache) under 2 s for each, in wall time" in text
    assert "| horner | degree 6, c[i] |" in text and "Failures" not in text
    assert "lax.while_loop" in text


def test_compiled_benchmark_reference_matches_finite_differences():
    """The reference of bench/compiled.py (the s2s Python gradient) on the tiny sizes
    agrees with central differences of the numba programs."""
    pytest.importorskip("numba")
    from bench.compiled_workloads import WORKLOADS as COMPILED

    eps = 1e-6
    for w in COMPILED:
        args = list(w.make(**w.tiny))
        grads = s2s.grad(w.fn.py_func, wrt=w.wrt)(*args)
        for pos, g in zip(w.wrt, grads):
            x = args[pos]
            num = np.zeros_like(np.asarray(x, dtype=float))
            for j in np.ndindex(num.shape):
                up, down = list(args), list(args)
                if isinstance(x, float):
                    up[pos], down[pos] = x + eps, x - eps
                else:
                    up[pos], down[pos] = x.copy(), x.copy()
                    up[pos][j] += eps
                    down[pos][j] -= eps
                num[j] = (w.fn(*up) - w.fn(*down)) / (2 * eps)
            np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7, err_msg=f"{w.name} argument {pos}")
