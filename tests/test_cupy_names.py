"""Code written against cupy (``cp.tanh``) differentiates with numpy's rules, without cupy.

A stand-in module is registered as ``cupy`` (with ``cupy.linalg``): its functions
are Python functions that call numpy's, and its arrays are the strict duck arrays
of tests/duck.py, which refuse every conversion to the host, as device arrays do.
The programs of tests/programs/cupy_programs.py (the ones tests/test_gpu.py runs
on a real device) are differentiated with it.  A pass means that each cupy
function resolved to the rule of the numpy function of the same name, that the
generated code calls the user's ``cp.tanh`` (not ``np.tanh``), and that nothing
in it made a host array.  Where real cupy is installed the stand-in is not used:
tests/test_gpu.py runs the same programs on the device.
"""

import importlib
import importlib.util
import inspect
import sys
import types

import numpy as np
import pytest

import s2s
from duck import Duck, duck, host_leaks, to_numpy

if importlib.util.find_spec("cupy") is not None:
    pytest.skip("cupy is installed: tests/test_gpu.py runs these programs with it", allow_module_level=True)

NAMES = [
    "tanh", "exp", "log", "sin", "cos", "sum", "mean", "max", "logaddexp", "maximum", "where",
    "dot", "matmul", "reshape", "transpose", "zeros_like", "ones_like", "shape", "stack", "concatenate",
]


def _wrap(fn, name):
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__module__ = "cupy"
    return wrapper


def _made_on_device(fn, name):
    """A constructor (``cp.ones(shape)``): the array is a duck array, made on the device."""

    def wrapper(*args, **kwargs):
        return Duck(fn(*args, **kwargs))

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__module__ = "cupy"
    return wrapper


def fake_cupy():
    cp = types.ModuleType("cupy")
    for name in NAMES:
        setattr(cp, name, _wrap(getattr(np, name), name))
    for name in ("ones", "zeros", "asarray"):
        setattr(cp, name, _made_on_device(getattr(np, name), name))
    cp.asnumpy = to_numpy
    cp.ndarray = Duck
    linalg = types.ModuleType("cupy.linalg")
    for name in ("norm", "inv", "solve"):
        setattr(linalg, name, _wrap(getattr(np.linalg, name), name))
    linalg.__name__ = "cupy.linalg"
    cp.linalg = linalg
    return cp, linalg


@pytest.fixture
def P(monkeypatch):
    """tests/programs/cupy_programs.py, imported against the stand-in cupy."""
    cp, linalg = fake_cupy()
    monkeypatch.setitem(sys.modules, "cupy", cp)
    monkeypatch.setitem(sys.modules, "cupy.linalg", linalg)
    monkeypatch.delitem(sys.modules, "programs.cupy_programs", raising=False)
    module = importlib.import_module("programs.cupy_programs")
    yield module
    sys.modules.pop("programs.cupy_programs", None)


def assert_device_and_close(got, expected):
    assert host_leaks(got) == [], f"host values in the result: {host_leaks(got)}"
    assert isinstance(got, Duck), type(got).__name__
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-10, atol=1e-12)


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, -(2.0 * y - 1.0) * z))


def test_cupy_functions_have_the_rules_of_numpy_functions(P):
    from s2s.rules import BUILTIN, numpy_twin

    cp = sys.modules["cupy"]
    assert numpy_twin(cp.tanh) is np.tanh and numpy_twin(cp.linalg.norm) is np.linalg.norm
    assert BUILTIN.lookup(cp.tanh) is BUILTIN.lookup(np.tanh)
    assert BUILTIN.lookup(cp.zeros_like).nondifferentiable
    assert numpy_twin(P.cp_tanh_sum) is None and numpy_twin(np.tanh) is None


def test_cupy_written_code_differentiates_with_numpy_rules(P):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5))
    grad = s2s.grad(P.cp_tanh_sum)
    assert "cp.tanh(x)" in grad.source and "np.tanh" not in grad.source  # the user's cupy call, kept
    assert_device_and_close(grad(duck(x)), np.tanh(x) + x * (1 - np.tanh(x) ** 2))


def test_cupy_written_logistic_regression_matches_numpy(P):
    rng = np.random.default_rng(4)
    X, y, w = rng.normal(size=(64, 6)), (rng.uniform(size=64) < 0.5) * 1.0, rng.normal(size=6)
    g = s2s.grad(P.cp_logistic)(*duck((w, X, y)))
    assert_device_and_close(g, s2s.grad(logistic)(w, X, y))


def test_cupy_written_mlp_forward_and_reverse_agree(P):
    rng = np.random.default_rng(5)
    args = [rng.normal(size=s) * 0.5 for s in [(3, 4), (4,), (4, 2), (5, 3)]]
    v = rng.normal(size=(3, 4))
    (dW1,) = s2s.grad(P.cp_mlp, wrt=(0,))(*duck(args))
    value, tangent = s2s.jvp(P.cp_mlp, wrt=0)(*duck(args), duck(v))
    assert isinstance(dW1, Duck) and isinstance(value, Duck) and isinstance(tangent, Duck)
    np.testing.assert_allclose(np.sum(to_numpy(dW1) * v), to_numpy(tangent), rtol=1e-10)


def test_cupy_linalg_and_names_imported_from_cupy(P):
    """``cp.linalg.norm`` has ``np.linalg.norm``'s rule; ``from cupy import tanh, ones``
    calls stay cupy calls (``np.ones`` would make a host array)."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 4))
    grad = s2s.grad(P.cp_norm_of_tanh)
    assert "cp.linalg.norm(" in grad.source
    t = np.tanh(x)
    assert_device_and_close(grad(duck(x)), t / np.linalg.norm(t) * (1 - t**2))
    grad = s2s.grad(P.cp_imported_names)
    assert "ones(" in grad.source and "np.ones(" not in grad.source
    assert_device_and_close(grad(duck(x)), 2 * (np.tanh(x) + 1.0) * (1 - np.tanh(x) ** 2))


def test_the_stand_in_mirrors_numpy_signatures():
    cp, _ = fake_cupy()
    assert all(callable(getattr(cp, name)) for name in NAMES)
    assert inspect.isfunction(cp.tanh)  # a Python function: without its rule s2s would transform its source
