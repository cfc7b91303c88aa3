"""cupy on a CUDA device: ``pytest -m gpu`` (scripts/run_gpu_tests.sh on a GPU machine).

The whole module skips when cupy or a CUDA device is missing, so CI (no GPU)
reports it skipped.  It checks that

* numpy-written programs called with cupy arrays keep them on the device: the
  generated derivatives return cupy arrays, equal to numpy's;
* every rule program (forward and reverse mode) and the control-flow corpus run
  on cupy arrays, except the programs whose own code mixes host arrays into
  device code (HOST_ARRAYS, HOST_WRITES in test_duck.py: cupy refuses them);
  control flow on array data is fine on cupy (``bool()`` synchronises);
* programs written against cupy itself (``cp.tanh``) differentiate with the
  rules of the numpy functions of the same names (tests/test_cupy_names.py runs
  the same programs without cupy, with a stand-in module and duck arrays).
"""

import numpy as np
import pytest

try:
    import cupy as cp

    DEVICES = cp.cuda.runtime.getDeviceCount()
except Exception as exc:  # no cupy, or cupy without a CUDA driver
    pytest.skip(f"GPU tests need cupy and a CUDA device ({type(exc).__name__}: {exc})", allow_module_level=True)
if not DEVICES:
    pytest.skip("GPU tests need a CUDA device", allow_module_level=True)

import s2s  # noqa: E402
import test_control as C  # noqa: E402
import test_tangents as T  # noqa: E402
from test_duck import HOST_ARRAYS, HOST_WRITES  # noqa: E402

pytestmark = pytest.mark.gpu

CUPY_LIMITS = {  # the program's own code on cupy
    "np_clip_keyword": "cupy's clip takes no min=/max= keywords",
    "for_rows_branch": "acc = np.zeros(X.shape[1]) is a host array",
}


def on_device(value):
    if isinstance(value, np.ndarray):
        return cp.asarray(value)
    if isinstance(value, (tuple, list)):
        return type(value)(on_device(v) for v in value)
    return value


def assert_on_device_and_equal(got, expected):
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_on_device_and_equal(g, e)
        return
    if isinstance(expected, (np.ndarray, np.generic)):
        assert isinstance(got, cp.ndarray), f"{type(got).__name__}, not a cupy array"
    if isinstance(got, cp.ndarray):  # a float argument's gradient stays a 0-d device array
        got = cp.asnumpy(got)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-11)


def skip_reason(key, name):
    for table in (HOST_ARRAYS, HOST_WRITES, CUPY_LIMITS):
        for k in (key, name):
            if k in table:
                return f"the program itself cannot run on cupy: {table[k]}"
    return None


def param(value, key, name, *rest):
    reason = skip_reason(key, name)
    return pytest.param(value, *rest, id=key, marks=(pytest.mark.skip(reason=reason),) if reason else ())


# -- numpy-written code, cupy arrays ------------------------------------------------------------


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, -(2.0 * y - 1.0) * z))


def test_numpy_code_keeps_cupy_arrays_on_the_device():
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(512, 8)), (rng.uniform(size=512) < 0.5) * 1.0, rng.normal(size=8)
    g = s2s.grad(logistic)(cp.asarray(w), cp.asarray(X), cp.asarray(y))
    assert isinstance(g, cp.ndarray) and g.device == cp.cuda.Device()
    np.testing.assert_allclose(cp.asnumpy(g), s2s.grad(logistic)(w, X, y), rtol=1e-9)
    value, tangent = s2s.jvp(logistic)(cp.asarray(w), cp.asarray(X), cp.asarray(y), cp.ones(8))
    assert isinstance(value, cp.ndarray) and isinstance(tangent, cp.ndarray)


ARRAY_CASES = [c for c in T.CASES if any(isinstance(a, np.ndarray) for a in c.args)]


@pytest.mark.parametrize("case", [param(c, c.id, c.f.__name__) for c in ARRAY_CASES])
def test_jvp_on_cupy_arrays(case):
    rng = np.random.default_rng(1)
    tangents = [T.direction(case.args[i], rng) for i in case.indices]
    expected = s2s.jvp(case.f, wrt=case.wrt)(*T.fresh(case.args), *tangents)
    got = s2s.jvp(case.f, wrt=case.wrt)(*on_device(T.fresh(case.args)), *on_device(tangents))
    assert_on_device_and_equal(got, expected)


@pytest.mark.parametrize("case", [param(c, c.id, c.f.__name__) for c in ARRAY_CASES])
def test_vjp_on_cupy_arrays(case):
    if T.MISSING[case.f]:
        pytest.skip(f"no adjoint rule for {', '.join(T.MISSING[case.f])}")
    rng = np.random.default_rng(2)
    value = case.f(*T.fresh(case.args))
    cotangent = np.asarray(rng.normal(size=np.shape(value)))
    expected = s2s.vjp(case.f, wrt=tuple(case.indices))(*T.fresh(case.args), cotangent)
    got = s2s.vjp(case.f, wrt=tuple(case.indices))(*on_device(T.fresh(case.args)), cp.asarray(cotangent))
    assert_on_device_and_equal(tuple(got), tuple(expected))


CONTROL = [
    param(f, f"{f.__name__}-{k}", f.__name__, make, wrt)
    for f, makers, wrt in C.CASES
    for k, make in enumerate(makers)
    if any(isinstance(a, np.ndarray) for a in make())
]


@pytest.mark.parametrize("f, make, wrt", CONTROL)
def test_grad_through_control_flow_on_cupy_arrays(f, make, wrt):
    expected = s2s.grad(f, wrt=wrt)(*make())
    got = s2s.grad(f, wrt=wrt)(*on_device(make()))
    assert_on_device_and_equal(got, expected)


# -- cupy-written code ----------------------------------------------------------------------------

def test_cupy_written_code_differentiates_with_numpy_rules():
    from programs import cupy_programs as P

    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5))
    g = s2s.grad(P.cp_tanh_sum)(cp.asarray(x))
    assert isinstance(g, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(g), np.tanh(x) + x * (1 - np.tanh(x) ** 2), rtol=1e-9)


def test_cupy_written_logistic_regression_matches_numpy():
    from programs import cupy_programs as P

    rng = np.random.default_rng(4)
    X, y, w = rng.normal(size=(256, 6)), (rng.uniform(size=256) < 0.5) * 1.0, rng.normal(size=6)
    g = s2s.grad(P.cp_logistic)(cp.asarray(w), cp.asarray(X), cp.asarray(y))
    assert isinstance(g, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(g), s2s.grad(logistic)(w, X, y), rtol=1e-9)


def test_cupy_written_mlp_forward_and_reverse_agree():
    from programs import cupy_programs as P

    rng = np.random.default_rng(5)
    args = [cp.asarray(rng.normal(size=s) * 0.5) for s in [(3, 4), (4,), (4, 2), (5, 3)]]
    v = cp.asarray(rng.normal(size=(3, 4)))
    (dW1,) = s2s.grad(P.cp_mlp, wrt=(0,))(*args)
    _, tangent = s2s.jvp(P.cp_mlp, wrt=0)(*args, v)
    assert isinstance(dW1, cp.ndarray)
    np.testing.assert_allclose(float(cp.sum(dW1 * v)), float(tangent), rtol=1e-9)


def test_cupy_linalg_and_names_imported_from_cupy():
    from programs import cupy_programs as P

    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 4))
    t = np.tanh(x)
    g = s2s.grad(P.cp_norm_of_tanh)(cp.asarray(x))
    assert isinstance(g, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(g), t / np.linalg.norm(t) * (1 - t**2), rtol=1e-9)
    g = s2s.grad(P.cp_imported_names)(cp.asarray(x))
    assert isinstance(g, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(g), 2 * (t + 1.0) * (1 - t**2), rtol=1e-9)
