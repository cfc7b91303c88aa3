"""The adjoint (reverse-mode) rule library, rule by rule, against central finite
differences: every case of tests/test_tangents.py (every rule, with broadcasting
shapes, axis/keepdims variants, keyword forms, Python floats) through s2s.vjp."""

import numpy as np
import pytest

import s2s
from test_tangents import CASES, MISSING, fresh

EPS = 1e-6


def numeric_vjp(f, args, index, w):
    """d <f(args), w> / d args[index] by central differences."""
    def value(a):
        return float(np.sum(np.asarray(f(*a), dtype=np.float64) * w))

    x = args[index]
    if isinstance(x, float):
        up, down = list(args), list(args)
        up[index], down[index] = x + EPS, x - EPS
        return (value(up) - value(down)) / (2 * EPS)
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += EPS
        down[i] -= EPS
        a_up, a_down = list(args), list(args)
        a_up[index], a_down[index] = up, down
        grad[i] = (value(a_up) - value(a_down)) / (2 * EPS)
    return grad


@pytest.mark.parametrize("case", [c.param() for c in CASES if not MISSING[c.f]])
def test_vjp_matches_finite_differences(case):
    rng = np.random.default_rng(3)
    value = case.f(*fresh(case.args))
    w = rng.normal(size=np.shape(value)) if np.ndim(value) else float(rng.normal())
    grads = s2s.vjp(case.f, wrt=tuple(case.indices))(*fresh(case.args), w)
    for index, g in zip(case.indices, grads):
        expected = numeric_vjp(case.f, fresh(case.args), index, w)
        assert np.shape(g) == np.shape(case.args[index])
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
