"""numpy.linalg: the rules of derivatives/numpy_linalg.py and numpy_decompositions.py.

Each case is a scalar loss, a smooth function of the result (a fixed random weight ``w``
times it, or a sine where a result's sign convention makes a plain sum trivial), summed.
For each: ``s2s.grad`` against central finite differences (float64), ``s2s.jvp`` against
central differences and ``s2s.vjp`` by the dot-product identity ``<J v, w> == <v, J^T w>``,
and ``s2s.hvp`` against central differences of the gradient.  The points have distinct
singular values and eigenvalues (real ones for ``eig``) and full rank, as the rules
assume.  Then: the forms a rule does not cover are refused at the user's line, or are an
error at run time where only the values tell (a complex spectrum, a rank-deficient
``lstsq``, the extra singular vectors of ``full_matrices=True``); duck arrays pass through
(no host arrays made); and realistic one-line programs differentiate.
"""

import numpy as np
import pytest

import s2s
from duck import duck, to_numpy
from gradcheck import check_grad, fresh
from rulecheck import Draws, check_gradient, check_hvp, check_jvp_and_vjp, each_case, first, rules_of, shaped_tangents

DRAW = Draws(1616)
G, conditioned = DRAW.normal, DRAW.conditioned


def real_spectrum(n, batch=()):
    """A non-symmetric matrix (or a stack) with the real, distinct eigenvalues 1 .. n."""
    s = conditioned(n, batch)
    return np.linalg.solve(s, np.arange(1.0, n + 1)[:, None] * s)


# -- one function per rule ----------------------------------------------------------------


def svd_values(a, w): return np.sum(np.linalg.svd(a, compute_uv=False) * w)
def svd_values_default(a, w): return np.sum(np.linalg.svd(a)[1] * w)
def svd_vectors(a, w):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(s * w) + np.sum(np.sin(u)) + np.sum(np.cos(vh))
def svd_full_square(a, w):
    u, s, vh = np.linalg.svd(a)
    return np.sum(np.sin(u) * w) + np.sum(s) + np.sum(np.cos(vh))
def svdvals(a, w): return np.sum(np.linalg.svdvals(a) * w)
def qr(a, w):
    q, r = np.linalg.qr(a)
    return np.sum(np.sin(q) * w) + np.sum(r * r)
def eig(a, w):
    values, vectors = np.linalg.eig(a)
    return np.sum(values * w) + np.sum(np.sin(vectors))
def eigvals(a, w): return np.sum(np.linalg.eigvals(a) * w)
def eigvalsh(a, w): return np.sum(np.linalg.eigvalsh(0.5 * (a + np.swapaxes(a, -1, -2))) * w)
def eigvalsh_upper(a, w): return np.sum(np.linalg.eigvalsh(a + a.T, UPLO="U") * w)
def pinv(a, w): return np.sum(np.linalg.pinv(a) * w)
def lstsq(a, b, w): return np.sum(np.linalg.lstsq(a, b)[0] * w)
def lstsq_everything(a, b, w):
    x, residuals, rank, sv = np.linalg.lstsq(a, b, rcond=None)
    return np.sum(x * w) + np.sum(residuals) + np.sum(np.sqrt(sv))
def matrix_power(a, w): return np.sum(np.linalg.matrix_power(a, 4) * w)
def matrix_power_inverse(a, w): return np.sum(np.linalg.matrix_power(a, -3) * w)
def matrix_power_zero(a, w): return np.sum(np.linalg.matrix_power(a, 0) * w) + np.sum(a * a)
def multi_dot(a, b, c, w): return np.sum(np.linalg.multi_dot([a, b, c]) * w)
def multi_dot_vectors(x, a, y, w): return np.linalg.multi_dot([x, a, a.T, y]) * w
def matrix_norm(x, w): return np.sum(np.linalg.matrix_norm(x, ord=2) * w)
def matrix_norm_fro(x, w): return np.sum(np.linalg.matrix_norm(x, keepdims=True) * w)
def vector_norm(x, w): return np.linalg.vector_norm(x, ord=3) * w
def vector_norm_axis(x, w): return np.sum(np.linalg.vector_norm(x, axis=-1, ord=1) * w)
def tensorsolve(a, b, w): return np.sum(np.linalg.tensorsolve(a, b) * w)
def tensorinv(a, w): return np.sum(np.linalg.tensorinv(a) * w)
def cond(a, w): return np.sum(np.linalg.cond(a) * w)
def cond_inverse(a, w): return np.sum(np.linalg.cond(a, -2) * w)
def cond_fro(a, w): return np.sum(np.linalg.cond(a, "fro") * w)
def cond_inf(a, w): return np.sum(np.linalg.cond(a, np.inf) * w)
def linalg_matmul(a, b, w): return np.sum(np.linalg.matmul(a, b) * w)
def linalg_vecdot(a, b, w): return np.sum(np.linalg.vecdot(a, b) * w)
# the rules that were there before, in other forms
def inv(a, w): return np.sum(np.linalg.inv(a) * w)
def solve(a, b, w): return np.sum(np.linalg.solve(a, b) * w)
def slogdet(a, w): return np.sum(np.linalg.slogdet(a)[1] * w)
def det(a, w): return np.sum(np.linalg.det(a) * w)
def norm(x, w): return np.sum(np.linalg.norm(x, "nuc", axis=(0, 2)) * w)
def cholesky(a, w): return np.sum(np.linalg.cholesky(a @ np.swapaxes(a, -1, -2)) * w)
def eigh(a, w):
    values, vectors = np.linalg.eigh(a + a.T)
    return np.sum(values * w) + np.sum(vectors ** 4)


def case(f, args, wrt=0, id=None):
    return pytest.param(f, args, wrt, id=id or f.__name__)


CASES = [
    case(svd_values, [G(4, 3), G(3)]),
    case(svd_values, [G(2, 3, 5), G(2, 3)], id="svd_values-batch-wide"),
    case(svd_values_default, [G(3, 3), G(3)]),
    case(svd_vectors, [G(5, 3), G(3)]),
    case(svd_vectors, [G(2, 3, 4), G(2, 3)], id="svd_vectors-batch-wide"),
    case(svd_full_square, [G(3, 3), G(3, 3)]),
    case(svdvals, [G(3, 4), G(3)]),
    case(qr, [G(4, 3), G(4, 3)]),
    case(qr, [G(3, 3), G(3, 3)], id="qr-square"),
    case(qr, [G(2, 3, 5), G(2, 3, 3)], id="qr-batch-wide"),
    case(eig, [real_spectrum(3), G(3)]),
    case(eig, [real_spectrum(4, (2,)), G(2, 4)], id="eig-batch"),
    case(eigvals, [real_spectrum(4), G(4)]),
    case(eigvalsh, [G(2, 3, 3), G(2, 3)]),
    case(eigvalsh_upper, [G(3, 3), G(3)]),
    case(pinv, [G(5, 3), G(3, 5)]),
    case(pinv, [G(2, 3, 4), G(2, 4, 3)], id="pinv-batch-wide"),
    case(lstsq, [G(6, 3), G(6), G(3)], (0, 1)),
    case(lstsq, [G(6, 3), G(6, 2), G(3, 2)], (0, 1), id="lstsq-columns"),
    case(lstsq, [conditioned(3), G(3), G(3)], (0, 1), id="lstsq-square"),
    case(lstsq_everything, [G(6, 3), G(6, 2), G(3, 2)], (0, 1)),
    case(lstsq_everything, [G(5, 3), G(5), G(3)], (0, 1), id="lstsq_everything-vector"),
    case(matrix_power, [conditioned(3), G(3, 3)]),
    case(matrix_power_inverse, [conditioned(3, (2,)), G(2, 3, 3)]),
    case(matrix_power_zero, [G(3, 3), G(3, 3)]),
    case(multi_dot, [G(2, 3), G(3, 4), G(4, 5), G(2, 5)], (0, 1, 2)),
    case(multi_dot_vectors, [G(3), G(3, 4), G(3), 0.7], (0, 1, 2)),
    case(matrix_norm, [G(2, 3, 4), G(2)]),
    case(matrix_norm_fro, [G(3, 4), G(1, 1)]),
    case(vector_norm, [G(3, 4), 0.8]),
    case(vector_norm_axis, [G(3, 4) + 3.0, G(3)]),
    case(tensorsolve, [np.reshape(conditioned(6), (3, 2, 6)), G(3, 2), G(6)], (0, 1)),
    case(tensorinv, [np.reshape(conditioned(6), (2, 3, 6)), G(6, 2, 3)]),
    case(cond, [G(4, 3), 0.9]),
    case(cond_inverse, [conditioned(3, (2,)), G(2)]),
    case(cond_fro, [conditioned(3), 0.9]),
    case(cond_inf, [conditioned(3, (2,)), G(2)]),
    case(linalg_matmul, [G(2, 3, 4), G(4, 3), G(2, 3, 3)], (0, 1)),
    case(linalg_vecdot, [G(3, 4), G(4), G(3)], (0, 1)),
    case(inv, [conditioned(3, (2,)), G(2, 3, 3)]),
    case(solve, [conditioned(3), G(3, 2), G(3, 2)], (0, 1)),
    case(slogdet, [conditioned(3, (2,)), G(2)]),
    case(det, [conditioned(3), 0.6]),
    case(norm, [G(3, 2, 4), G(2)]),
    case(cholesky, [conditioned(3), G(3, 3)]),
    case(eigh, [G(3, 3), G(3)]),
]


# s2s.grad, s2s.jvp with s2s.vjp, s2s.hvp (in the first argument of wrt) on each case: tests/rulecheck.py
test_gradient_matches_finite_differences = each_case(check_gradient, CASES, rtol=1e-5, atol=1e-7)
test_jvp_matches_finite_differences_and_vjp = each_case(check_jvp_and_vjp, CASES, rng=7, tangents=shaped_tangents, rtol=1e-5, atol=1e-7)
test_hvp_matches_finite_differences_of_the_gradient = each_case(check_hvp, CASES, wrt=first, rng=11, rtol=1e-5, atol=1e-6)


def test_every_rule_has_a_case():
    ours = rules_of("s2s.derivatives.numpy_linalg", "s2s.derivatives.numpy_decompositions", loading=abs)
    called = {getattr(np.linalg, name) for p in CASES for name in p.values[0].__code__.co_names if hasattr(np.linalg, name)}
    array_api = {np.linalg.outer, np.linalg.tensordot, np.linalg.cross, np.linalg.trace, np.linalg.diagonal, np.linalg.matrix_transpose}
    assert not sorted(ours[k].name for k in ours.keys() - called - array_api)  # those are tests/test_rules.py's
    assert all(rule.tangent is not None for rule in ours.values())


# -- what a rule does not cover: refused at the line, or an error when the values tell ----


def qr_complete(a): return np.sum(np.linalg.qr(a, mode="complete")[0])
def svd_hermitian(a): return np.sum(np.linalg.svd(a, hermitian=True)[1])
def multi_dot_out(a, b, out): return np.sum(np.linalg.multi_dot([a, b], out=out))
def tensorsolve_axes(a, b): return np.sum(np.linalg.tensorsolve(a, b, axes=(0,)))


@pytest.mark.parametrize("f, args, words", [
    (qr_complete, [G(3, 3)], "covers `mode` only at its default"),
    (svd_hermitian, [G(3, 3)], "covers `hermitian` only at its default"),
    (multi_dot_out, [G(2, 2), G(2, 2), np.zeros((2, 2))], "covers `out` only at its default"),
    (tensorsolve_axes, [np.reshape(conditioned(4), (2, 2, 4)), G(2, 2)], "covers `axes` only at its default"),
])
def test_a_call_outside_the_rules_is_refused_at_the_line(f, args, words):
    for transform in (s2s.grad, s2s.jvp):
        with pytest.raises(s2s.S2SError) as caught:
            transform(f, wrt=0)(*args, *([np.ones_like(args[0])] if transform is s2s.jvp else []))
        message = str(caught.value)
        assert "test_rules_linalg.py:" in message.splitlines()[0] and words in message


def complex_spectrum():
    return np.array([[0.0, -1.0, 0.2], [1.0, 0.0, 0.1], [0.3, 0.2, 2.0]])  # a rotation block: +-i


def eig_values(a): return np.sum(np.linalg.eig(a)[0])
def eigvals_sum(a): return np.sum(np.linalg.eigvals(a))
def svd_extra_columns(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(u * u[:, :1]) + np.sum(s)
def svd_first_columns(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(np.sin(u[:, : s.shape[0]])) + np.sum(s * s)
def lstsq_solution(a, b): return np.sum(np.linalg.lstsq(a, b)[0])


@pytest.mark.parametrize("f", [eig_values, eigvals_sum])
def test_a_complex_spectrum_is_an_error_at_run_time(f):
    with pytest.raises(ValueError, match="complex eigenvalues"):
        s2s.grad(f)(complex_spectrum())
    with pytest.raises(ValueError, match="complex eigenvalues"):
        s2s.jvp(f)(complex_spectrum(), np.ones((3, 3)))


def test_the_extra_singular_vectors_are_an_error_where_the_result_depends_on_them():
    a = G(4, 2)
    with pytest.raises(ValueError, match="extra singular vectors"):
        s2s.grad(svd_extra_columns)(a)
    with pytest.raises(ValueError, match="extra singular vectors"):
        s2s.jvp(svd_first_columns)(a, np.ones_like(a))  # forward mode cannot tell
    check_grad(svd_first_columns, [a], wrt=0, rtol=1e-5, atol=1e-7)  # reverse mode can


def test_a_rank_deficient_lstsq_is_an_error_at_run_time():
    a = G(5, 3)
    a[:, 2] = a[:, 0] + a[:, 1]
    for transform, extra in ((s2s.grad, ()), (s2s.jvp, (np.ones_like(a),))):
        with pytest.raises(ValueError, match="full column rank"):
            transform(lstsq_solution)(a, G(5), *extra)


def cubed_chain(a): return np.sum(np.linalg.multi_dot([a, a, a]) ** 2)


def test_third_order_through_multi_dot_is_refused_naming_the_helper():
    """The helpers of its second-order code have no rules: a third derivative names them."""
    second = s2s.jvp(s2s.grad(cubed_chain))  # forward over reverse
    a = G(2, 2)
    np.testing.assert_allclose(second(a, a)[1], s2s.hvp(cubed_chain)(a, a))
    with pytest.raises(s2s.S2SError, match="rule for s2s.runtime.multi_dot_"):
        s2s.jvp(second.generated, wrt=0)(a, a, a)


# -- duck arrays: the templates make no host arrays ------------------------------------------


COMPLEX_EIG = np.iscomplexobj(np.linalg.eig(np.eye(2))[0])  # numpy >= 2.5: checked on the values, on the host

DUCK_CASES = [
    case(svd_vectors, [G(4, 3), G(3)]),
    case(qr, [G(2, 3, 4), G(2, 3, 3)]),
    pytest.param(eig, [real_spectrum(3), G(3)], 0, id="eig", marks=pytest.mark.xfail(
        COMPLEX_EIG, reason="numpy >= 2.5 gives complex eigenvalues: the check that they are real reads them on the host",
        strict=True)),
    case(eigvalsh, [G(3, 3), G(3)]),
    case(pinv, [G(4, 3), G(3, 4)]),
    case(matrix_power_inverse, [conditioned(3), G(3, 3)]),
    case(multi_dot, [G(2, 3), G(3, 4), G(4, 5), G(2, 5)], (0, 1, 2)),
    case(vector_norm_axis, [G(3, 4) + 3.0, G(3)]),
]


def ducked(args):
    return [duck(a) if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("f, args, wrt", DUCK_CASES)
def test_duck_arrays_pass_through(f, args, wrt):
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    expected = s2s.grad(f, wrt=wrt)(*fresh(args))
    got = s2s.grad(f, wrt=wrt)(*ducked(fresh(args)))
    for g, e in zip(got if isinstance(wrt, tuple) else (got,), expected if isinstance(wrt, tuple) else (expected,)):
        np.testing.assert_allclose(to_numpy(g), e, rtol=1e-10, atol=1e-12)
    tangents = [np.ones_like(args[i]) for i in indices]
    _, expected = s2s.jvp(f, wrt=wrt)(*fresh(args), *tangents)
    _, got = s2s.jvp(f, wrt=wrt)(*ducked(fresh(args)), *ducked(tangents))
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-10, atol=1e-12)


# -- realistic programs ----------------------------------------------------------------------


def conditioning_penalty(w, x, y):
    """A least-squares fit kept well conditioned."""
    return np.sum((x @ w - y) ** 2) + 0.01 * np.linalg.cond(w)


def procrustes_residual(a, b):
    """Orthogonal Procrustes: the rotation that best maps ``a`` onto ``b``, and what is left."""
    u, s, vt = np.linalg.svd(b @ a.T)
    return np.sum((u @ vt @ a - b) ** 2)


def nuclear_norm_penalty(w, x, y):
    return np.sum((x @ w - y) ** 2) + 0.1 * np.sum(np.linalg.svd(w, compute_uv=False))


def least_squares_fit(x, y):
    """Ordinary least squares: the fitted coefficients' squared norm."""
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    return np.sum(beta ** 2)


def gaussian_log_likelihood(s, x):
    """A Gaussian's log-likelihood, the log-determinant from the eigenvalues."""
    cov = s @ s.T + np.eye(3)
    return -0.5 * np.sum(np.log(np.linalg.eigvalsh(cov))) - 0.5 * np.sum(x * np.linalg.solve(cov, x))


def markov_reward(p, r):
    """The expected reward after five steps of a chain."""
    return np.linalg.matrix_power(p, 5)[0] @ r


def orthonormal_projection(w, x):
    """The energy of ``x`` outside the span of ``w``'s columns (Gram-Schmidt by QR)."""
    q, _ = np.linalg.qr(w)
    return np.sum((x - q @ (q.T @ x)) ** 2)


def mahalanobis_chain(l, x):
    return np.linalg.multi_dot([x, l.T, l, x])


def dominant_mode(a):
    """The eigenvector of the largest eigenvalue of a non-symmetric matrix, its spread."""
    values, vectors = np.linalg.eig(a)
    v = vectors[:, np.argmax(values)]
    return np.sum(v ** 4)


def ridge_pinv(x, y):
    return np.sum((np.linalg.pinv(x) @ y) ** 2)


X = G(6, 3)
PROGRAMS = [
    case(procrustes_residual, [G(3, 5), G(3, 5)], (0, 1)),
    case(nuclear_norm_penalty, [G(3, 2), X, G(6, 2)]),
    case(least_squares_fit, [X, G(6)], (0, 1)),
    case(gaussian_log_likelihood, [G(3, 3), G(3, 4)]),
    case(markov_reward, [np.abs(conditioned(4)) / np.sum(np.abs(conditioned(4)), axis=1, keepdims=True), G(4)]),
    case(orthonormal_projection, [G(5, 2), G(5, 3)], (0, 1)),
    case(mahalanobis_chain, [G(3, 3), G(3)], (0, 1)),
    case(dominant_mode, [real_spectrum(3)]),
    case(ridge_pinv, [X, G(6)], (0, 1)),
    case(conditioning_penalty, [conditioned(3), G(5, 3), G(5, 3)]),
]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS)
def test_programs(f, args, wrt):
    check_grad(f, fresh(args), wrt=wrt, rtol=1e-5, atol=1e-7)
    check_hvp(f, args, first(wrt), rng=3, rtol=1e-5, atol=1e-6)
