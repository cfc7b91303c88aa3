"""Second order: Hessian-vector products (forward over reverse) and grad of grad."""

import inspect

import numpy as np
import pytest

import s2s
from programs import smooth as P

rng = np.random.default_rng(3)


def r(*shape, scale=1.0):
    return rng.normal(size=shape) * scale


HVP_CASES = [
    (P.quadratic, lambda: [r(3), r(3, 3)]),
    (P.rosenbrock, lambda: [r(4, scale=0.5)]),
    (P.log_sum_exp, lambda: [r(5)]),
    (P.softmax_entropy, lambda: [r(4)]),
    (P.mlp, lambda: [r(12, scale=0.5), r(5, 3)]),
    (P.logistic, lambda: [r(3), r(8, 3), np.sign(r(8))]),
    (P.trig_mix, lambda: [r(4)]),
    (P.sqrt_norm, lambda: [r(3)]),
    (P.loop_tanh, lambda: [r(3)]),
    (P.while_damped, lambda: [r(3)]),
    (P.branchy, lambda: [np.abs(r(3)) + 0.1]),
    (P.branchy, lambda: [-np.abs(r(3)) - 0.1]),
    (P.rnn, lambda: [r(3, 3, scale=0.5), r(3), r(4, 3)]),
    (P.horner, lambda: [r(3), r(4), 3]),
    (P.poly_recursive, lambda: [r(3), 3]),
    (P.with_helper, lambda: [r(3)]),
    (P.lists_and_stack, lambda: [r(3)]),
]


@pytest.mark.parametrize("f, make_args", HVP_CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(HVP_CASES)])
def test_hvp_matches_finite_differences_of_the_gradient(f, make_args):
    args = make_args()
    v = rng.normal(size=np.shape(args[0]))
    hv = s2s.hvp(f)(*args, v)
    g = s2s.grad(f)
    eps = 1e-6
    up, down = list(args), list(args)
    up[0], down[0] = args[0] + eps * v, args[0] - eps * v
    expected = (g(*up) - g(*down)) / (2 * eps)
    np.testing.assert_allclose(hv, expected, rtol=1e-5, atol=1e-7)


def test_hvp_source_is_forward_mode_over_the_generated_gradient():
    h = s2s.hvp(P.loop_tanh)
    assert "def grad_loop_tanh_jvp(" in h.source  # the gradient is one function (s2s.layout.fuse_entry)
    assert "y_2_bar_dot = " in h.source  # the tangent of an adjoint: its backward sweep, in forward mode


SCALAR_CASES = [
    (P.s_poly, [0.7]),
    (P.s_trig, [0.4]),
    (P.s_exp_log, [0.3]),
    (P.s_np, [0.6]),
    (P.s_loop, [0.7]),
    (P.s_while, [0.9]),
    (P.s_branch, [0.5]),
    (P.s_branch, [-0.5]),
    (P.s_rec, [0.7, 3]),
    (P.s_helper, [0.8]),
    (P.s_sqrt, [0.4]),
]


@pytest.mark.parametrize("f, args", SCALAR_CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(SCALAR_CASES)])
def test_grad_of_grad_matches_second_derivative(f, args):
    second = s2s.grad(s2s.grad(f))(*args)
    first = s2s.grad(f)
    eps = 1e-6
    up, down = list(args), list(args)
    up[0], down[0] = args[0] + eps, args[0] - eps
    assert second == pytest.approx((first(*up) - first(*down)) / (2 * eps), rel=1e-6, abs=1e-8)
    # and against finite differences of the function itself
    f2 = (f(*up) - 2 * f(*args) + f(*down)) / eps ** 2
    assert second == pytest.approx(f2, rel=1e-3, abs=1e-3)


def ridge_loss(w, X, y, lam=0.1):
    r = X @ w - y
    return 0.5 * np.sum(r * r) + 0.5 * lam * np.sum(w * w)


def test_hvp_passes_keyword_arguments_on():
    X, y, w, v = np.arange(6.0).reshape(3, 2), np.ones(3), np.ones(2), np.array([1.0, -1.0])
    np.testing.assert_allclose(s2s.hvp(ridge_loss)(w, X, y, v, lam=0.05), (X.T @ X + 0.05 * np.eye(2)) @ v)


def head_cubed(x):
    n = x.size
    return np.sum(x[: n // 2] ** 3)


def neighbours(x):
    return np.sum(x[: x.size - 1] * x[1:])


def test_hvp_through_slices_with_computed_bounds():
    """The gradient reads slice(None, n): slice has no derivative."""
    x, v = np.arange(4.0), np.ones(4)
    np.testing.assert_allclose(s2s.hvp(head_cubed)(x, v), [0.0, 6.0, 0.0, 0.0])
    np.testing.assert_allclose(s2s.hvp(neighbours)(x, v), [1.0, 2.0, 2.0, 1.0])
