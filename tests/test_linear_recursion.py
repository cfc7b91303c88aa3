"""A linear recursion differentiated as loops (s2s.normalize.recursion), against finite differences,
compiled and not."""

import numpy as np
import pytest

import s2s
from gradcheck import numeric_grad
from programs import linear_recursion as P

RNG = np.random.default_rng(19)

CASES = [  # (function, arguments, wrt, whether the derivative has the loops when compiled too)
    (P.polynomial, (RNG.standard_normal(9), 0.8), (0, 1), True),
    (P.tan_cf, (0.7, 8), 0, True),
    (P.continued_fraction, (1.0 + RNG.random(7), RNG.random(7), 0), (0, 1), True),
    (P.power, (1.1, 13), 0, True),
    (P.value_of, (RNG.standard_normal(10), 0.9), (0, 1), True),
    (P.polynomial_shared, (RNG.standard_normal(6), -0.6), (0, 1), True),
    (P.sinc_product, (1.3, 6), 0, False),  # pushes x, a float with a derivative: compiled, a recursion
    (P.babylonian, (2.0, 1.0, 5), (0, 1), True),
    (P.rising, (0.7, 6), 0, False),  # pushes x + 1, a float: compiled, a recursion
    (P.power_early, (0.9, 11), 0, True),  # two base cases: `while n != 0 and n != 1`
    (P.continued_fraction_truncated, (1.0 + RNG.random(6), RNG.random(6) + 0.1, 0), (0, 1), True),  # `while True`, `break`
]
IDS = [c[0].__name__ for c in CASES]


def _grads(g, wrt):
    return g if isinstance(wrt, tuple) else (g,)


@pytest.mark.parametrize("f,args,wrt,compiled_loops", CASES, ids=IDS)
def test_gradient_as_loops_matches_differences(f, args, wrt, compiled_loops):
    g = s2s.grad(f, wrt=wrt)
    for k, got in zip(wrt if isinstance(wrt, tuple) else (wrt,), _grads(g(*args), wrt)):
        np.testing.assert_allclose(got, numeric_grad(f, args, k), rtol=1e-6, atol=1e-8)
    source = g.specialize(*args).source
    assert "while " in source and "_forward(" not in source.split("def ", 2)[-1].split("\n", 1)[1]  # no call of itself left
    for plain, optimized in zip(_grads(s2s.grad(f, wrt=wrt, optimize=False)(*args), wrt), _grads(g(*args), wrt)):
        np.testing.assert_array_equal(plain, optimized)


@pytest.mark.parametrize("f,args,wrt,compiled_loops", CASES, ids=IDS)
def test_compiled_agrees_with_python(f, args, wrt, compiled_loops):
    pytest.importorskip("numba")
    g = s2s.grad(f, wrt=wrt, compile="numba")
    for got, want in zip(_grads(g(*args), wrt), _grads(s2s.grad(f, wrt=wrt)(*args), wrt)):
        assert np.max(np.abs(np.asarray(got) - want)) <= 1e-12 * max(1.0, np.max(np.abs(want)))
    source = g.specialize(*args).source
    assert ("while " in source) == compiled_loops  # else a recursion (one float: forward mode)


def test_horner_descends_and_ascends():
    """The frame is the index alone (c and x pass through); the value so far is named after the function."""
    source = s2s.grad(P.polynomial, wrt=(0, 1)).source
    assert "horner_i_frames = []" in source and "horner_i_frames.append(i_2)" in source  # appended in place
    assert "while i_2 != len_c_minus_1:" in source  # the base case's test, negated
    assert "horner_value = c[i_2]" in source
    assert "# linear_recursion.py:10  return c[i] + x * horner(c, x, i + 1)" in source


def test_tail_call_pushes_nothing():
    source = s2s.grad(P.babylonian, wrt=(0, 1)).source
    assert "while n_2 != 0:" in source and "_frames" not in source and "babylonian_calls" not in source


def test_two_calls_stay_a_recursion():
    g = s2s.grad(P.sum_of_squares, wrt=(0, 1))
    w = RNG.standard_normal(7)
    assert "pairwise_backward(" in g.source and "_frames" not in g.source
    got = g(w, 0.4)
    np.testing.assert_allclose(got[0], numeric_grad(P.sum_of_squares, (w, 0.4), 0), rtol=1e-6)
    assert got[1] == pytest.approx(np.sum(w * w), rel=1e-12)


def test_deep_linear_recursion_needs_no_recursion_limit():
    import sys
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    try:
        c = RNG.standard_normal(2000) * 0.01
        g = s2s.grad(P.polynomial, wrt=1)(c, 0.99)
    finally:
        sys.setrecursionlimit(old)
    assert g == pytest.approx(np.sum(np.arange(1, 2000) * c[1:] * 0.99 ** np.arange(1999)), rel=1e-10)


@pytest.mark.parametrize("f,args,wrt", [
    (P.sum_of_squares, (RNG.standard_normal(5), 0.4), 0),  # two calls
    (P.branching_sum, (0.8, 3), 0),  # a call in a loop
], ids=["two_calls", "call_in_a_loop"])
def test_what_is_not_a_linear_recursion_stays_one(f, args, wrt):
    g = s2s.grad(f, wrt=wrt)
    assert "_frames" not in g.source and "_value" not in g.source
    np.testing.assert_allclose(g(*args), numeric_grad(f, args, wrt), rtol=1e-6, atol=1e-8)


def test_mutual_recursion_stays_one():
    from programs import control
    source = s2s.grad(control.mutual_recursion).source
    assert "h_even_backward(" in source and "h_odd_backward(" in source and "_frames" not in source
