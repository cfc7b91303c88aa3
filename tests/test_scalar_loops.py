"""Loops on numbers (s2s/numbers.py, s2s/runtime/elements.py): a loop whose arithmetic runs on
float64 scalars from before it takes them as Python floats at its entry, and its numpy
functions' values through ``float``; the same numbers, bit for bit, as the loops on numpy
scalars, and nothing taken where a Python float could act otherwise."""

import warnings

import numpy as np
import pytest

import s2s
from gradcheck import check_grad
from programs import scalar_loops as sl
from test_element_loops import _lowered, _same, _unlowered


def _observed(n, rng):
    return 0.8 * np.cos(0.05 * np.arange(1, n + 1)) + 0.01 * rng.normal(size=n)


CASES = [
    (sl.pendulum_rk4, lambda rng, dtype: (np.array([9.81, 2.0, 0.3], dtype), 0.8, 0.0, _observed(30, rng).astype(dtype), 0.05)),
    (sl.lotka_volterra_fit, lambda rng, dtype: (np.array([1.1, 0.4, 0.1, 0.4], dtype), 10.0, 5.0, np.linspace(10.0, 14.0, 25).astype(dtype), 0.02)),
    (sl.damped_spring, lambda rng, dtype: (np.array([4.0, 0.3], dtype), 1.0, 40, 0.05)),
    (sl.exponential_decay, lambda rng, dtype: (np.array([0.5, 2.0], dtype), 1.5, 30, 0.1)),
]
IDS = [fn.__name__ for fn, _ in CASES]


def _source(kind, fn, args):
    generated = getattr(s2s, kind)(fn, wrt=0).specialize(*args)
    return generated.source, generated.source.split("def ", 1)[1].split("(", 1)[0]


@pytest.mark.parametrize("fn, make", CASES, ids=IDS)
def test_gradients_of_loops_on_numbers_are_right_and_run_on_python_floats(fn, make):
    args = make(np.random.default_rng(3), np.float64)
    source, _ = _source("grad", fn, args)
    assert "numbers=(" in source
    check_grad(fn, args, wrt=0)


@pytest.mark.parametrize("fn, make", CASES, ids=IDS)
@pytest.mark.parametrize("kind", ["grad", "value_and_grad"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_loops_on_numbers_compute_what_the_loops_on_numpy_scalars_compute(fn, make, kind, dtype):
    """Bit for bit and type for type: float64 (taken as Python floats), float32 (left as it is)."""
    args = make(np.random.default_rng(4), dtype)
    source, entry = _source(kind, fn, args)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a float32 loop warns of nothing either way
        lowered, unlowered = _lowered(source, entry)(*args), _unlowered(source, entry)(*args)
    assert _same(lowered, unlowered)
    for a, b in zip(lowered if isinstance(lowered, tuple) else (lowered,), unlowered if isinstance(unlowered, tuple) else (unlowered,)):
        assert type(a) is type(b)


def test_the_pendulum_computes_its_sines_with_numpy_and_keeps_the_value():
    """The forward sweep keeps numpy's functions (numpy's bits), as Python floats: value_and_grad
    gives the function's value bit for bit."""
    args = CASES[0][1](np.random.default_rng(5), np.float64)
    source, _ = _source("grad", sl.pendulum_rk4, args)
    assert "to_float(np.sin(theta_2))" in source and "observed_list[i]" in source
    value, grad = s2s.value_and_grad(sl.pendulum_rk4, wrt=0)(*args)
    assert value == sl.pendulum_rk4(*args) and type(value) is type(sl.pendulum_rk4(*args))
    np.testing.assert_array_equal(grad, s2s.grad(sl.pendulum_rk4, wrt=0)(*args))


def test_a_division_by_a_zero_parameter_gives_numpys_inf_not_zero_division_error():
    """tau = 0.0: ``y / tau`` on Python floats would raise; float_lists sees the zero and leaves
    the loop on numpy scalars, which give inf and nan with numpy's warnings, as the function does."""
    args = (np.array([0.5, 0.0]), 1.5, 5, 0.1)
    source, _ = _source("grad", sl.exponential_decay, args)
    assert "nonzero=(tau" in source
    with warnings.catch_warnings(record=True) as expected:
        warnings.simplefilter("always")
        value = sl.exponential_decay(*args)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        mine, grad = s2s.value_and_grad(sl.exponential_decay, wrt=0)(*args)
    assert np.array_equal(mine, value, equal_nan=True) and type(mine) is type(value)
    assert {w.category for w in got} == {w.category for w in expected} == {RuntimeWarning}
    assert not np.all(np.isfinite(grad))


def test_a_gradient_for_a_float64_number_stays_a_float64():
    """A root carried out of the loop to the user's result is not taken: the user gets what the
    loop on numpy scalars gave."""
    args = (np.array([4.0, 0.3]), np.float64(1.0), 40, 0.05)
    g = s2s.grad(sl.damped_spring, wrt=1)
    source = g.specialize(*args).source
    entry = source.split("def ", 1)[1].split("(", 1)[0]
    mine, before = _lowered(source, entry)(*args), _unlowered(source, entry)(*args)
    assert type(mine) is type(before) and _same(mine, before)


@pytest.mark.parametrize("on", [True, 1, 1.0])
def test_a_numpy_function_of_a_flag_keeps_its_dtype(on):
    """np.sin(True) is a float16 (float() would make it a number that adds otherwise): float_lists
    checks the Python numbers the loop's numpy functions read, and a bool leaves the loop as it was."""
    args = (np.array([0.2]), on, 10)
    source, entry = _source("value_and_grad", sl.switched_decay, args)
    lowered, unlowered = _lowered(source, entry)(*args), _unlowered(source, entry)(*args)
    assert _same(lowered, unlowered) and type(lowered[0]) is type(unlowered[0]) is type(sl.switched_decay(*args))
    source, entry = _source("grad", sl.switched_decay, args)
    assert "floats=(on" in source and _same(_lowered(source, entry)(*args), _unlowered(source, entry)(*args))


def test_float64_numbers_passed_for_python_numbers_are_taken_too():
    """dt = t[1] - t[0] is a float64 scalar, which s2s specializes for as a float: the loop takes
    it (and what is computed from it before the loop) as a Python float, the same number."""
    params, theta0, omega0, observed, dt = CASES[0][1](np.random.default_rng(6), np.float64)
    args = (params, np.float64(theta0), np.float64(omega0), observed, np.diff(np.array([0.0, dt]))[0])
    for kind in ("grad", "value_and_grad"):
        source, entry = _source(kind, sl.pendulum_rk4, args)
        lowered, unlowered = _lowered(source, entry)(*args), _unlowered(source, entry)(*args)
        assert _same(lowered, unlowered)
    source, _ = _source("grad", sl.pendulum_rk4, args)
    numbers = source.split("numbers=(", 1)[1].split(")", 1)[0].split(", ")
    assert "dt" in numbers and "theta_2" in numbers
    check_grad(sl.pendulum_rk4, args, wrt=0)


@pytest.mark.parametrize("damped", [True, False])
def test_a_loop_in_a_branch_is_taken_once(damped):
    args = (np.array([0.3, 1.7]), 0.9, 12, damped)
    source, entry = _source("grad", sl.relax, args)
    assert source.count("float_lists(") == 1 and "to_float(np.tanh(" in source
    assert _same(_lowered(source, entry)(*args), _unlowered(source, entry)(*args))
    check_grad(sl.relax, args, wrt=0)
