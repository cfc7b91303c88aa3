"""Adjoints on scalars spelled with s2s.runtime.float_math (``dx = dy * float_cos(x)`` for
``y = np.sin(x)``): math's functions on Python floats, numpy's answers (and warnings) at the
edges; gradients right, the function's own values untouched, arrays left to numpy."""

import math
import warnings

import numpy as np
import pytest

import s2s
from gradcheck import check_grad
from s2s.runtime import float_math
from s2s.runtime.float_math import ON_FLOATS

HELPERS = [(getattr(np, name), getattr(float_math, helper)) for name, helper in ON_FLOATS.items()]


@pytest.mark.parametrize("np_fn, helper", HELPERS, ids=lambda f: getattr(f, "__name__", None))
def test_helpers_agree_with_numpy_on_floats_to_rounding(np_fn, helper):
    rng = np.random.default_rng(0)
    for x in np.concatenate([rng.uniform(0.01, 20.0, 200), rng.uniform(-20.0, -0.01, 200), [0.0, -0.0, 1e-300, 700.0]]):
        if np_fn in (np.log, np.sqrt) and x < 0 or np_fn is np.log and x == 0:  # (numpy's answers: the next test)
            continue
        for value in (float(x), np.float64(x)):
            got = helper(value)
            assert type(got) is float
            expected = np_fn(value)
            assert got == expected or abs(got - expected) <= 2 * np.spacing(abs(expected)), (x, got, expected)


@pytest.mark.parametrize("np_fn, helper", HELPERS, ids=lambda f: getattr(f, "__name__", None))
def test_helpers_give_numpys_answer_and_warning_where_math_would_raise(np_fn, helper):
    for x in (math.inf, -math.inf, math.nan, -1.0, 0.0, 1000.0, -1000.0):
        with warnings.catch_warnings(record=True) as ours, np.errstate(all="warn"):
            warnings.simplefilter("always")
            got = helper(x)
        with warnings.catch_warnings(record=True) as numpys, np.errstate(all="warn"):
            warnings.simplefilter("always")
            expected = np_fn(x)
        assert (got == expected or math.isnan(got) and math.isnan(expected)) and math.copysign(1, got) == math.copysign(1, expected), (x, got, expected)
        assert [w.category for w in ours] == [w.category for w in numpys], x
    with np.errstate(all="raise"):  # np.seterr(all="raise") is obeyed as by numpy
        with pytest.raises(FloatingPointError):
            float_math.float_log(0.0)


@pytest.mark.parametrize("np_fn, helper", HELPERS, ids=lambda f: getattr(f, "__name__", None))
def test_helpers_leave_everything_but_floats_to_numpy(np_fn, helper):
    for value in (np.float32(0.5), np.array(0.5), np.array([0.5, 2.0]), np.complex128(0.5 + 1j), 0.5 + 1j, 2):
        got, expected = helper(value), np_fn(value)
        assert type(got) is type(expected) and np.array_equal(got, expected)
        assert np.asarray(got).dtype == np.asarray(expected).dtype


def _scalar_program(x, a):
    return np.sin(x) * a + np.cos(a * x) + np.log(x) + np.sqrt(x) + np.sinh(a) + np.cosh(x)


def test_gradients_on_scalars_use_the_helpers_and_are_right():
    grad = s2s.grad(_scalar_program, wrt=("x", "a"))
    source = grad.specialize(0.7, 1.3).source
    for helper in ("float_cos", "float_sin", "float_cosh", "float_sinh"):
        assert f"{helper}(" in source
    check_grad(_scalar_program, (0.7, 1.3), wrt=(0, 1))
    check_grad(_scalar_program, (np.float64(2.5), np.float64(-0.4)), wrt=(0, 1))
    value, _ = s2s.value_and_grad(_scalar_program, wrt=("x", "a"))(0.7, 1.3)
    assert value == _scalar_program(0.7, 1.3)  # the function's own value, bit for bit: its np.sin stays


def test_gradients_at_the_edges_are_numpys():
    """nan and inf where numpy's adjoint gave them, no exception from math."""
    def f(x):
        return np.sin(x) + np.log(x)

    grad = s2s.grad(f)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        assert math.isnan(grad(math.inf))
        assert math.isnan(grad(math.nan))
        assert grad(-1.0) == pytest.approx(np.cos(-1.0) - 1.0)


def test_arrays_keep_numpys_functions():
    def f(x):
        return np.sum(np.sin(x))

    source = s2s.grad(f).specialize(np.ones(3)).source
    assert "np.cos(x)" in source and "float_cos" not in source
    check_grad(f, (np.linspace(0.1, 2.0, 5),))


def test_second_derivatives_through_the_helpers():
    def f(x):
        return np.sin(x) * np.log(x)

    h = s2s.grad(s2s.grad(f))
    x = 1.3
    expected = -np.sin(x) * np.log(x) + 2 * np.cos(x) / x - np.sin(x) / x ** 2
    assert abs(h(x) - expected) < 1e-9
