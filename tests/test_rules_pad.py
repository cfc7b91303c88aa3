"""The adjoint of np.pad in the modes that copy entries (each entry's gradient
summed over its copies), against central finite differences, in reverse mode,
forward mode and second order; a mode whose derivative s2s lacks is a clear error."""

import numpy as np
import pytest

import s2s
from programs import pad_modes as P

X = np.random.default_rng(12).normal(size=(4, 5))


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


@pytest.mark.parametrize("f", [P.pad_edge, P.pad_reflect, P.pad_symmetric, P.pad_wrap])
def test_pad_copy_modes_match_finite_differences(f):
    want = numeric_grad(f, X)
    np.testing.assert_allclose(s2s.grad(f)(X), want, rtol=1e-6, atol=1e-8)
    v = np.random.default_rng(13).normal(size=X.shape)
    _, tangent = s2s.jvp(f)(X, v)
    assert tangent == pytest.approx(np.sum(want * v), rel=1e-6)
    # second order: the Hessian-vector product against differences of the gradient
    g = s2s.grad(f)
    eps = 1e-6
    want_hv = (g(X + eps * v) - g(X - eps * v)) / (2 * eps)
    np.testing.assert_allclose(s2s.hvp(f)(X, v), want_hv, rtol=1e-5, atol=1e-7)


def test_pad_mode_without_a_derivative_is_a_clear_error():
    with pytest.raises(ValueError, match="no derivative of np.pad with mode='mean'"):
        s2s.grad(P.pad_mean)(X)


@pytest.mark.parametrize("f", [P.pad_edge, P.pad_reflect, P.pad_symmetric, P.pad_wrap])
def test_pad_copy_modes_second_order_by_reverse_over_reverse(f):
    v = np.random.default_rng(14).normal(size=X.shape)
    g = s2s.grad(f)
    eps = 1e-6
    want = (g(X + eps * v) - g(X - eps * v)) / (2 * eps)  # H v, and H is symmetric
    got = s2s.vjp(g)(X, v)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
