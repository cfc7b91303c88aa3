"""scipy.linalg: every rule of derivatives/scipy_linalg.py, checked in both modes.

Each case is a scalar loss, the function's result times a fixed random weight ``w``,
summed (as in tests/test_rules_scipy.py).  For each: ``s2s.grad`` against central finite
differences (float64), ``s2s.jvp`` against central differences and ``s2s.vjp`` by the
dot-product identity ``<J v, w> == <v, J^T w>``, and ``s2s.hvp`` against central
differences of the gradient.  A function that reads one triangle of a symmetric matrix
is given ``0.5 * (a + a.T)`` (its adjoint is the symmetric one); eigenvectors enter
through their squares (their signs are arbitrary).  Then: the library stays whole, the
options the rules do not cover are refused at the call, calls on data only run as they
are, the helpers dispatch, and realistic programs differentiate.
"""

import numpy as np
import pytest

pytest.importorskip("scipy")

import scipy.linalg  # noqa: E402
import scipy.linalg as sl  # noqa: E402
from scipy.linalg import cho_factor, cho_solve, expm, lu_factor, lu_solve, solve_triangular  # noqa: E402

import s2s  # noqa: E402
from gradcheck import check_grad, fresh, inner  # noqa: E402

EPS = 1e-6
RNG = np.random.default_rng(2025)


def W(*shape):
    return RNG.normal(size=shape)


def general(n, batch=()):
    """A well-conditioned matrix (or a stack of them)."""
    return RNG.normal(size=batch + (n, n)) * 0.3 + 2.0 * np.eye(n)


def spd(n, batch=()):
    a = RNG.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) / n + np.eye(n)


def distinct(n):
    """A symmetric matrix with well separated eigenvalues."""
    q, _ = np.linalg.qr(RNG.normal(size=(n, n)))
    return (q * np.arange(1.0, n + 1)) @ q.T


def triangular(n, lower=True):
    t = RNG.normal(size=(n, n)) * 0.5 + 2.0 * np.eye(n)
    return np.tril(t) if lower else np.triu(t)


SQUARES = np.arange(9.0).reshape(3, 3)  # weighs eigenvectors' squares: their sign is arbitrary


# -- one function per rule (and option): the result times w, summed ----------------------------


def sl_solve_triangular(a, b, w): return np.sum(sl.solve_triangular(a, b, lower=True) * w)
def sl_solve_triangular_trans(a, b, w): return np.sum(sl.solve_triangular(a, b, trans=1, lower=True) * w)
def sl_solve_triangular_unit(a, b, w): return np.sum(sl.solve_triangular(a, b, trans="T", unit_diagonal=True) * w)
def sl_cholesky(a, w): return np.sum(sl.cholesky(0.5 * (a + a.T)) * w)
def sl_cholesky_lower(a, w): return np.sum(sl.cholesky(0.5 * (a + np.swapaxes(a, -1, -2)), lower=True) * w)
def sl_cho_factor(a, w): return np.sum(np.triu(sl.cho_factor(0.5 * (a + a.T))[0]) * w)
def sl_cho_factor_lower(a, w):
    c, low = sl.cho_factor(0.5 * (a + a.T), lower=True)
    return np.sum(np.tril(c) * w)
def sl_cho_solve(a, b, w): return np.sum(sl.cho_solve(sl.cho_factor(0.5 * (a + a.T)), b) * w)
def sl_cho_solve_lower(a, b, w): return np.sum(sl.cho_solve(sl.cho_factor(0.5 * (a + a.T), lower=True), b) * w)
def sl_cho_solve_factor(c, b, w): return np.sum(sl.cho_solve((c, True), b) * w)
def sl_lu_factor(a, w): return np.sum(sl.lu_factor(a)[0] * w)
def sl_lu_solve(a, b, w): return np.sum(sl.lu_solve(sl.lu_factor(a), b) * w)
def sl_lu_solve_trans(a, b, w): return np.sum(sl.lu_solve(sl.lu_factor(a), b, trans=1) * w)
def sl_lu_solve_packed(lu, b, piv, w): return np.sum(sl.lu_solve((lu, piv), b) * w)
def sl_inv(a, w): return np.sum(sl.inv(a) * w)
def sl_inv_pos(a, w): return np.sum(sl.inv(0.5 * (a + a.T), assume_a="pos") * w)
def sl_solve(a, b, w): return np.sum(sl.solve(a, b) * w)
def sl_solve_transposed(a, b, w): return np.sum(sl.solve(a, b, transposed=True) * w)
def sl_solve_sym(a, b, w): return np.sum(sl.solve(0.5 * (a + a.T), b, assume_a="sym", lower=True) * w)
def sl_solve_pos(a, b, w): return np.sum(sl.solve(0.5 * (a + a.T), b, assume_a="pos") * w)
def sl_solve_lower_triangular(a, b, w): return np.sum(sl.solve(a, b, assume_a="lower triangular") * w)
def sl_solve_tridiagonal(a, b, w): return np.sum(sl.solve(a, b, assume_a="tridiagonal") * w)
def sl_det(a, w): return np.sum(sl.det(a) * w)
def sl_eigh(a, w):
    values, vectors = sl.eigh(0.5 * (a + a.T))
    return np.sum(values * w) + np.sum(vectors * vectors * SQUARES)
def sl_eigh_upper(a, w):
    values, vectors = sl.eigh(0.5 * (a + a.T), lower=False)
    return np.sum(values * w) + np.sum(vectors * vectors * SQUARES)
def sl_eigvals_only(a, w): return np.sum(sl.eigh(0.5 * (a + a.T), eigvals_only=True) * w)
def sl_expm(a, w): return np.sum(sl.expm(a) * w)
def sl_logm(a, w): return np.sum(sl.logm(a) * w)
def sl_sqrtm(a, w): return np.sum(sl.sqrtm(a) * w)
def sl_lu(a, w):
    p, l, u = sl.lu(a)
    return np.sum(l * w) + np.sum(u * u)
def sl_lu_upper(a, w): return np.sum(sl.lu(a)[2] * w)
def sl_block_diag(a, b, c, w): return np.sum(sl.block_diag(a, b, c) * w)


def case(f, args, wrt=0, id=None):
    return pytest.param(f, args, wrt, id=id or f.__name__)


_LU, _PIV = scipy.linalg.lu_factor(general(3))
CASES = [
    case(sl_solve_triangular, [triangular(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_solve_triangular, [triangular(3), W(3), W(3)], (0, 1), id="sl_solve_triangular-vector"),
    case(sl_solve_triangular, [general(3), W(3, 2), W(3, 2)], (0, 1), id="sl_solve_triangular-full-matrix"),
    case(sl_solve_triangular_trans, [triangular(3), W(3), W(3)], (0, 1)),
    case(sl_solve_triangular_unit, [general(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_cholesky, [spd(3), W(3, 3)]),
    case(sl_cholesky_lower, [spd(3), W(3, 3)]),
    case(sl_cho_factor, [spd(3), W(3, 3)]),
    case(sl_cho_factor_lower, [spd(3), W(3, 3)]),
    case(sl_cho_solve, [spd(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_cho_solve_lower, [spd(3), W(3), W(3)], (0, 1)),
    case(sl_cho_solve_factor, [np.linalg.cholesky(spd(3)), W(3), W(3)], (0, 1)),
    case(sl_cho_solve_factor, [np.linalg.cholesky(spd(3)) + np.triu(W(3, 3), 1), W(3), W(3)], (0, 1), id="sl_cho_solve-arbitrary-upper"),
    case(sl_lu_factor, [general(3), W(3, 3)]),
    case(sl_lu_factor, [RNG.normal(size=(4, 4)), W(4, 4)], id="sl_lu_factor-pivoting"),
    case(sl_lu_solve, [general(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_lu_solve, [RNG.normal(size=(4, 4)), W(4), W(4)], (0, 1), id="sl_lu_solve-pivoting"),
    case(sl_lu_solve_trans, [RNG.normal(size=(4, 4)), W(4, 2), W(4, 2)], (0, 1)),
    case(sl_lu_solve_packed, [_LU, W(3), _PIV, W(3)], (0, 1)),
    case(sl_inv, [general(3), W(3, 3)]),
    case(sl_inv_pos, [spd(3), W(3, 3)]),
    case(sl_solve, [general(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_solve, [general(3), W(3), W(3)], (0, 1), id="sl_solve-vector"),
    case(sl_solve_transposed, [general(3), W(3), W(3)], (0, 1)),
    case(sl_solve_sym, [spd(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_solve_pos, [spd(3), W(3), W(3)], (0, 1)),
    case(sl_solve_lower_triangular, [general(3), W(3), W(3)], (0, 1)),
    case(sl_solve_tridiagonal, [general(4), W(4), W(4)], (0, 1)),
    case(sl_det, [general(3), 0.7]),
    case(sl_eigh, [distinct(3), W(3)]),
    case(sl_eigh_upper, [distinct(3), W(3)]),
    case(sl_eigvals_only, [distinct(3), W(3)]),
    case(sl_expm, [RNG.normal(size=(3, 3)), W(3, 3)]),
    case(sl_expm, [RNG.normal(size=(2, 3, 3)), W(2, 3, 3)], id="sl_expm-batch"),
    case(sl_logm, [spd(3), W(3, 3)]),
    case(sl_sqrtm, [spd(3), W(3, 3)]),
    case(sl_lu, [RNG.normal(size=(4, 4)), W(4, 4)]),
    case(sl_lu_upper, [RNG.normal(size=(4, 4)), W(4, 4)]),
    case(sl_block_diag, [W(2, 2), W(3), W(1, 2), W(4, 7)], (0, 1, 2)),
]


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_gradient_matches_finite_differences(f, args, wrt):
    check_grad(f, fresh(args), wrt=wrt, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_jvp_matches_finite_differences_and_vjp(f, args, wrt):
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    rng = np.random.default_rng(7)
    tangents = [rng.normal(size=np.shape(args[i])) for i in indices]
    value, tangent = s2s.jvp(f, wrt=wrt)(*fresh(args), *tangents)
    np.testing.assert_allclose(value, f(*fresh(args)), rtol=1e-12)
    up, down = fresh(args), fresh(args)
    for i, t in zip(indices, tangents):
        up[i], down[i] = args[i] + EPS * t, args[i] - EPS * t
    numeric = (f(*up) - f(*down)) / (2 * EPS)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-5, atol=1e-7)
    w = float(rng.normal())
    grads = s2s.vjp(f, wrt=wrt)(*fresh(args), w)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    assert inner(tangent, w) == pytest.approx(sum(inner(g, t) for g, t in zip(grads, tangents)), rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_hvp_matches_finite_differences_of_the_gradient(f, args, wrt):
    index = wrt[0] if isinstance(wrt, tuple) else wrt
    v = np.random.default_rng(11).normal(size=np.shape(args[index]))
    gradient = s2s.grad(f, wrt=index)
    up, down = fresh(args), fresh(args)
    up[index], down[index] = args[index] + EPS * v, args[index] - EPS * v
    numeric = (gradient(*up) - gradient(*down)) / (2 * EPS)
    hv = s2s.hvp(f, wrt=index)(*fresh(args), v)
    np.testing.assert_allclose(hv, numeric, rtol=1e-5, atol=1e-6)
