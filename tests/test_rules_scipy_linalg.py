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
from gradcheck import check_grad, fresh  # noqa: E402
from rulecheck import Draws, check_gradient, check_hvp, check_jvp_and_vjp, each_case, first, rules_of, shaped_tangents, template_calls, without_both_rules  # noqa: E402

DRAW = Draws(2025)
RNG, W, general, spd = DRAW.rng, DRAW.normal, DRAW.conditioned, DRAW.spd


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
    case(sl_cholesky_lower, [spd(3, (2,)), W(2, 3, 3)], id="sl_cholesky_lower-batch"),
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
    case(sl_inv, [general(3, (2,)), W(2, 3, 3)], id="sl_inv-batch"),
    case(sl_inv_pos, [spd(3), W(3, 3)]),
    case(sl_solve, [general(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_solve, [general(3), W(3), W(3)], (0, 1), id="sl_solve-vector"),
    case(sl_solve_transposed, [general(3), W(3), W(3)], (0, 1)),
    case(sl_solve_sym, [spd(3), W(3, 2), W(3, 2)], (0, 1)),
    case(sl_solve_pos, [spd(3), W(3), W(3)], (0, 1)),
    case(sl_solve_lower_triangular, [general(3), W(3), W(3)], (0, 1)),
    case(sl_solve_tridiagonal, [general(4), W(4), W(4)], (0, 1)),
    case(sl_det, [general(3), 0.7]),
    case(sl_det, [general(3, (2,)), W(2)], id="sl_det-batch"),
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


# s2s.grad, s2s.jvp with s2s.vjp, s2s.hvp (in the first argument of wrt) on each case: tests/rulecheck.py
test_gradient_matches_finite_differences = each_case(check_gradient, CASES, rtol=1e-5, atol=1e-7)
test_jvp_matches_finite_differences_and_vjp = each_case(check_jvp_and_vjp, CASES, rng=7, tangents=shaped_tangents, rtol=1e-5, atol=1e-7)
test_hvp_matches_finite_differences_of_the_gradient = each_case(check_hvp, CASES, wrt=first, rng=11, rtol=1e-5, atol=1e-6)


# -- the library stays whole -------------------------------------------------------------


def _rules_of_this_module():
    return rules_of("s2s.derivatives.scipy_linalg", loading=sl.expm)


def test_every_rule_has_a_case_and_a_tangent():
    called = {getattr(sl, name) for p in CASES for name in p.values[0].__code__.co_names if hasattr(sl, name)}
    rules = {key: rule for key, rule in _rules_of_this_module().items() if (rule.name or "").startswith("scipy.linalg.")}
    assert not sorted(r.name for key, r in rules.items() if key not in called)
    assert not sorted(r.name for r in _rules_of_this_module().values() if r.tangent is None)


def test_scipy_functions_the_templates_call_have_rules():
    """So the gradient differentiates again (second order: the hvp cases above)."""
    called = template_calls(_rules_of_this_module().values(), "linalg")
    assert called >= {"solve_triangular", "cho_solve", "lu_solve", "solve", "inv", "eigh", "expm", "logm", "sqrtm", "block_diag"}
    assert not without_both_rules(sl, called)


# -- options the rules do not cover are refused at the user's line --------------------------


def eigh_generalized(a, b): return np.sum(sl.eigh(a, b)[0])
def eigh_type(a, b): return np.sum(sl.eigh(a, type=2)[0] * b)
def eigh_subset(a, b): return np.sum(sl.eigh(a, subset_by_index=[0, 1])[0] * b)
def lu_permute_l(a, b): return np.sum(sl.lu(a, permute_l=True)[0] * b)
def logm_disp(a, b): return np.sum(sl.logm(a, disp=False)[0] * b)


@pytest.mark.parametrize("f, wrt, words", [
    (eigh_generalized, 1, "with respect to its argument `b`"),
    (eigh_generalized, 0, "covers `b` only at its default"),
    (eigh_type, 0, "covers `type` only at its default"),
    (eigh_subset, 0, "covers `subset_by_index` only at its default"),
    (lu_permute_l, 0, "covers `permute_l` only at its default"),
    (logm_disp, 0, "covers `disp` only at its default"),
])
def test_options_outside_the_rules_are_refused_at_the_call(f, wrt, words):
    with pytest.raises(s2s.S2SError) as caught:
        s2s.grad(f, wrt=wrt)
    message = str(caught.value)
    assert "test_rules_scipy_linalg.py:" in message.splitlines()[0] and words in message
    assert "scipy.linalg." in message and "s2s.adjoint" in message


def funm_call(a): return np.sum(sl.funm(a, np.exp))
def schur_call(a): return np.sum(sl.schur(a)[0])


@pytest.mark.parametrize("f, spelling", [(funm_call, "scipy.linalg.funm"), (schur_call, "scipy.linalg.schur")])
def test_a_function_without_a_rule_is_refused_at_the_users_line(f, spelling):
    with pytest.raises(s2s.S2SError) as caught:
        s2s.grad(f)
    message = str(caught.value)
    assert "test_rules_scipy_linalg.py:" in message.splitlines()[0]
    assert spelling in message and "stop_gradient" in message and "s2s.adjoint" in message


# -- calls on data only run as they are ------------------------------------------------------


def propagate_data(x0, a): return np.sum(expm(a) @ x0)
def solve_data(b, a): return np.sum(cho_solve(cho_factor(a), b) ** 2)


def test_calls_on_data_only_run_as_they_are():
    a = spd(3)
    x0 = W(3)
    np.testing.assert_allclose(s2s.grad(propagate_data)(x0, a), expm(a).T @ np.ones(3), rtol=1e-12)
    b = W(3)
    expected = 2 * cho_solve(cho_factor(a), cho_solve(cho_factor(a), b))
    np.testing.assert_allclose(s2s.grad(solve_data)(b, a), expected, rtol=1e-10)


def test_the_generated_module_imports_scipy_linalg():
    source = s2s.grad(sl_expm).source
    assert "import scipy.linalg\n" in source and "scipy.linalg.expm(frechet_block(" in source


# -- the helpers dispatch: duck arrays stay duck arrays ------------------------------------------


def test_helpers_on_duck_arrays():
    from duck import duck, is_duck, to_numpy

    from s2s.runtime import assumed_structure, frechet_block, unblock_diag

    a, e = W(3, 3), W(3, 3)
    block = frechet_block(duck(a), duck(e))
    assert is_duck(block)
    np.testing.assert_array_equal(to_numpy(block), np.block([[a, e], [np.zeros((3, 3)), a]]))
    for assume_a in (None, "pos", "tridiagonal", "diagonal", "upper triangular"):
        projected = assumed_structure(duck(a), assume_a)
        assert is_duck(projected)
        np.testing.assert_array_equal(to_numpy(projected), assumed_structure(a, assume_a))
    blocks = unblock_diag(duck(W(4, 5)), (a[:1, :2], np.ones(3)))
    assert all(is_duck(b) for b in blocks) and [np.shape(b) for b in blocks] == [(1, 2), (3,)]


# -- realistic programs --------------------------------------------------------------------------


def gp_negative_log_marginal(log_params, X, y):
    """A Gaussian process's negative log marginal likelihood, squared-exponential kernel."""
    lengthscale, noise = np.exp(log_params[0]), np.exp(log_params[1])
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * sq / lengthscale**2) + noise * np.eye(X.shape[0])
    factor = cho_factor(K, lower=True)
    alpha = cho_solve(factor, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(factor[0])))


def gaussian_logpdf(mu, B, x):
    """The log density of N(mu, B B^T + I) at the rows of x, by a Cholesky factor."""
    L = sl.cholesky(B @ B.T + np.eye(B.shape[0]), lower=True)
    z = solve_triangular(L, (x - mu).T, lower=True)
    return -0.5 * np.sum(z * z) - x.shape[0] * np.sum(np.log(np.diag(L)))


def linear_ode_fit(A, x0, target):
    """Fit the generator of dx/dt = A x to the state observed at t = 0.5."""
    return np.sum((expm(0.5 * A) @ x0 - target) ** 2)


def rotation_fit(K, p, q):
    """Rotate points p onto q by the exponential of a skew-symmetric matrix."""
    R = expm(K - K.T)
    return np.sum((p @ R.T - q) ** 2)


def two_right_hand_sides(A, b1, b2):
    """One LU factorization, two solves."""
    factors = lu_factor(A)
    return np.sum(lu_solve(factors, b1) ** 2) + np.sum(lu_solve(factors, b2, trans=1))


def ground_state_energy(theta, H0, H1):
    """The lowest eigenvalue of a Hamiltonian H0 + theta H1."""
    return sl.eigh(H0 + theta * H1, eigvals_only=True)[0]


_X = RNG.normal(size=(6, 2))
PROGRAMS = [
    case(gp_negative_log_marginal, [np.array([0.1, -1.0]), _X, np.sin(_X[:, 0])]),
    case(gaussian_logpdf, [W(3), W(3, 3), W(5, 3)], (0, 1)),
    case(linear_ode_fit, [W(3, 3) * 0.5, W(3), W(3)]),
    case(rotation_fit, [W(3, 3) * 0.3, W(4, 3), W(4, 3)]),
    case(two_right_hand_sides, [general(3), W(3), W(3, 2)], (0, 1, 2)),
    case(ground_state_energy, [np.array(0.3), distinct(3), distinct(3)]),
]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS)
def test_programs(f, args, wrt):
    check_grad(f, fresh(args), wrt=wrt, rtol=1e-5, atol=1e-7)
    check_hvp(f, args, first(wrt), rng=3, rtol=1e-5, atol=1e-6)
