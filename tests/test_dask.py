"""dask arrays through numpy-written programs and their generated derivatives.

Every rule program (forward and reverse mode) and the control-flow corpus
(reverse mode) runs on numpy arrays and on dask arrays chunked along the first
axis.  With dask inputs the results must be dask arrays -- lazy, nothing
computed by s2s -- and, once computed, equal numpy's within 1e-10.  dask's
``__array_function__`` computes the whole graph and calls numpy when it does
not implement a function (with a FutureWarning); that warning is an error
here, so a fallback anywhere in generated code or the runtime fails the test.

Where the program itself cannot run lazily on dask, or gives another result
than numpy, it is listed with the reason (DASK_LIMITS).  Control flow on array
data (``if np.sum(x) > 0``) works on dask: ``bool()`` computes that one value.

The distributed example (examples/dask_logistic.py) runs here too, on a
2-worker LocalCluster, and must finish in under 60 s.
"""

import importlib.util
import os
import subprocess
import sys
import time

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

import s2s  # noqa: E402
import test_control as C  # noqa: E402
import test_tangents as T  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAVE_SCIPY = importlib.util.find_spec("scipy") is not None

pytestmark = pytest.mark.filterwarnings("error:The `.*` function is not implemented by Dask array:FutureWarning")

LINALG = {"inv", "solve"}  # dask.array.linalg: needs scipy, one square chunk

DASK_LIMITS = {  # the program's own code, on dask
    "np_clip_keyword": "dask's clip takes no min=/max= keywords (numpy >= 2.1 spells the bounds so)",
    "np_inner": "dask does not implement np.inner (it computes and calls numpy)",
    "np_reshape_keyword": "dask's reshape takes no order=",
    "np_split": "dask does not implement np.split",
    "np_split_indices": "dask does not implement np.split",
    "np_take": "dask's take defaults to axis=0 where numpy's flattens: another result than numpy's",
    "np_copy": "dask does not implement np.copy (x.copy() works)",
    "np_astype": "dask does not implement np.astype (x.astype() works)",
    "det": "dask.array.linalg has no det",
    "det-batch": "dask.array.linalg has no det",
    "inv-batch": "dask.array.linalg is for 2-D arrays only",
    "solve-batch": "dask.array.linalg is for 2-D arrays only",
    "solve-batch-vector-wrt0": "dask.array.linalg is for 2-D arrays only",
    "item_assign_into_constant": "y = np.zeros(4); y[1:3] = v stores v in a host array: numpy computes it",
    "array_from_list-arrays-wrt0": "np.array([x, y, x * y]) makes a host array: numpy computes the dask arrays",
    # the control-flow corpus
    "setitem_index_array": "y = np.copy(x): dask does not implement np.copy",
}


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def lazy(value, single_chunk=False):
    """``value`` with every numpy array in it a dask array, chunked in twos along the first axis."""
    if isinstance(value, np.ndarray):
        if single_chunk or value.ndim == 0:
            return da.from_array(value, chunks=value.shape)
        return da.from_array(value, chunks=(2,) + value.shape[1:])
    if isinstance(value, (tuple, list)):
        return type(value)(lazy(v, single_chunk) for v in value)
    return value


def computed(value):
    if isinstance(value, (tuple, list)):
        return type(value)(computed(v) for v in value)
    return value.compute() if isinstance(value, da.Array) else value


def assert_lazy_and_equal(got, expected):
    """``got`` is lazy where numpy's ``expected`` is an array (or numpy scalar), and equal to it."""
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_lazy_and_equal(g, e)
        return
    if isinstance(expected, (np.ndarray, np.generic)):
        assert isinstance(got, da.Array), f"{type(got).__name__}, not a dask array"
    got = computed(got)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def marks(key, name):
    reason = DASK_LIMITS.get(key, DASK_LIMITS.get(name))
    if reason is not None:
        return (pytest.mark.xfail(strict=True, reason=reason),)
    if name in LINALG and not HAVE_SCIPY:
        return (pytest.mark.skip(reason="dask.array.linalg needs scipy"),)
    return ()


ARRAY_CASES = [c for c in T.CASES if any(isinstance(a, np.ndarray) for a in c.args)]
RULE_PARAMS = [pytest.param(c, id=c.id, marks=marks(c.id, c.f.__name__) + tuple(c.marks)) for c in ARRAY_CASES]


@pytest.mark.parametrize("case", RULE_PARAMS)
def test_jvp_on_dask_arrays(case):
    single = case.f.__name__ in LINALG
    rng = np.random.default_rng(1)
    tangents = [T.direction(case.args[i], rng) for i in case.indices]
    expected = s2s.jvp(case.f, wrt=case.wrt)(*T.fresh(case.args), *tangents)
    got = s2s.jvp(case.f, wrt=case.wrt)(*lazy(T.fresh(case.args), single), *lazy(tangents, single))
    assert_lazy_and_equal(got, expected)


@pytest.mark.parametrize("case", RULE_PARAMS)
def test_vjp_on_dask_arrays(case):
    if T.MISSING[case.f]:
        pytest.skip(f"no adjoint rule for {', '.join(T.MISSING[case.f])}")
    single = case.f.__name__ in LINALG
    rng = np.random.default_rng(2)
    value = case.f(*T.fresh(case.args))
    cotangent = np.asarray(rng.normal(size=np.shape(value)))
    expected = s2s.vjp(case.f, wrt=tuple(case.indices))(*T.fresh(case.args), cotangent)
    value_dask = case.f(*lazy(T.fresh(case.args), single))
    dout = da.from_array(cotangent, chunks=getattr(value_dask, "chunks", ()))  # chunked as the output is
    got = s2s.vjp(case.f, wrt=tuple(case.indices))(*lazy(T.fresh(case.args), single), dout)
    assert_lazy_and_equal(tuple(got), tuple(expected))


CONTROL = [
    pytest.param(f, make, wrt, id=f"{f.__name__}-{k}", marks=marks(None, f.__name__))
    for f, makers, wrt in C.CASES
    for k, make in enumerate(makers)
    if any(isinstance(a, np.ndarray) for a in make())
]


@pytest.mark.parametrize("f, make, wrt", CONTROL)
def test_grad_through_control_flow_on_dask_arrays(f, make, wrt):
    expected = s2s.grad(f, wrt=wrt)(*make())
    got = s2s.grad(f, wrt=wrt)(*lazy(make()))
    assert_lazy_and_equal(got, expected)


def test_every_listed_name_is_a_program():
    known = {c.id for c in T.CASES} | {c.f.__name__ for c in T.CASES} | {f.__name__ for f, _, _ in C.CASES}
    assert set(DASK_LIMITS) <= known


# -- laziness, by example ---------------------------------------------------------------------------


def logistic(w, X, y):
    return np.mean(np.logaddexp(0.0, -(2.0 * y - 1.0) * (X @ w)))


def test_a_gradient_is_a_graph_until_compute():
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(1000, 5)), (rng.uniform(size=1000) < 0.5) * 1.0, rng.normal(size=5)
    computes = []

    class Count(dask.callbacks.Callback):
        def _start(self, dsk):
            computes.append(len(dsk))

    with Count():
        g = s2s.grad(logistic)(w, da.from_array(X, chunks=100), da.from_array(y, chunks=100))
        assert computes == []  # building the gradient computed nothing
        assert isinstance(g, da.Array) and g.shape == (5,)
        value = g.compute()
    assert len(computes) == 1
    np.testing.assert_allclose(value, s2s.grad(logistic)(w, X, y), rtol=1e-10)


def test_the_distributed_example_runs_in_under_a_minute():
    pytest.importorskip("distributed")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, os.path.join("examples", "dask_logistic.py")], cwd=ROOT,
        env=dict(os.environ, S2S_QUICK="1"), capture_output=True, text=True, timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "the gradient is lazy" in proc.stdout and "match numpy" in proc.stdout
    assert elapsed < 60, f"the example took {elapsed:.0f} s"
