"""scipy.special: every rule of derivatives/scipy_special.py, checked in both modes.

Each case is a scalar loss, the function's result times a fixed random weight ``w``,
summed (as in tests/test_rules.py).  For each: ``s2s.grad`` against central finite
differences (float64), ``s2s.jvp`` against central differences and ``s2s.vjp`` by the
dot-product identity ``<J v, w> == <v, J^T w>``, and ``s2s.hvp`` against central
differences of the gradient (every function here is twice differentiable at the
points chosen).  Then the library stays whole (every rule has a case; every
scipy.special function a template calls has rules), the spellings users import with
all work, and realistic one-line programs differentiate.
"""

import numpy as np
import pytest

pytest.importorskip("scipy")

import scipy.special  # noqa: E402
import scipy.special as sc  # noqa: E402
from scipy.special import expit, gammaln, log_ndtr, logsumexp, xlogy  # noqa: E402

import s2s  # noqa: E402
from gradcheck import check_grad, fresh  # noqa: E402
from rulecheck import Draws, check_gradient, check_hvp, check_jvp_and_vjp, each_case, first, rules_of, template_calls, without_both_rules  # noqa: E402

DRAW = Draws(2024)
U, W = DRAW.uniform, DRAW.normal


# -- one function per rule: the result times w, summed ----------------------------------


def sc_expit(x, w): return np.sum(sc.expit(x) * w)
def sc_logit(x, w): return np.sum(sc.logit(x) * w)
def sc_erf(x, w): return np.sum(sc.erf(x) * w)
def sc_erfc(x, w): return np.sum(sc.erfc(x) * w)
def sc_erfinv(x, w): return np.sum(sc.erfinv(x) * w)
def sc_erfcinv(x, w): return np.sum(sc.erfcinv(x) * w)
def sc_ndtr(x, w): return np.sum(sc.ndtr(x) * w)
def sc_ndtri(x, w): return np.sum(sc.ndtri(x) * w)
def sc_log_ndtr(x, w): return np.sum(sc.log_ndtr(x) * w)
def sc_gammaln(x, w): return np.sum(sc.gammaln(x) * w)
def sc_gamma(x, w): return np.sum(sc.gamma(x) * w)
def sc_digamma(x, w): return np.sum(sc.digamma(x) * w)
def sc_psi(x, w): return np.sum(sc.psi(x) * w)
def sc_polygamma(x, w): return np.sum(sc.polygamma(2, x) * w)
def sc_betaln(a, b, w): return np.sum(sc.betaln(a, b) * w)
def sc_beta(a, b, w): return np.sum(sc.beta(a, b) * w)
def sc_xlogy(x, y, w): return np.sum(sc.xlogy(x, y) * w)
def sc_xlog1py(x, y, w): return np.sum(sc.xlog1py(x, y) * w)
def sc_entr(x, w): return np.sum(sc.entr(x) * w)
def sc_rel_entr(x, y, w): return np.sum(sc.rel_entr(x, y) * w)
def sc_kl_div(x, y, w): return np.sum(sc.kl_div(x, y) * w)
def sc_i0(x, w): return np.sum(sc.i0(x) * w)
def sc_i1(x, w): return np.sum(sc.i1(x) * w)
def sc_i0e(x, w): return np.sum(sc.i0e(x) * w)
def sc_i1e(x, w): return np.sum(sc.i1e(x) * w)
def sc_logsumexp(x, w): return np.sum(sc.logsumexp(x) * w)
def sc_logsumexp_axis(x, w): return np.sum(sc.logsumexp(x, axis=1) * w)
def sc_logsumexp_keepdims(x, w): return np.sum(sc.logsumexp(x, axis=0, keepdims=True) * w)
def sc_logsumexp_b(x, b, w): return np.sum(sc.logsumexp(x, axis=-1, b=b) * w)
def sc_logsumexp_sign(x, b, w):
    value, sign = sc.logsumexp(x, axis=-1, b=b, return_sign=True)
    return np.sum(value * w) + np.sum(sign)
def sc_softmax(x, w): return np.sum(sc.softmax(x) * w)
def sc_softmax_axis(x, w): return np.sum(sc.softmax(x, axis=1) * w)
def sc_log_softmax(x, w): return np.sum(sc.log_softmax(x) * w)
def sc_log_softmax_axis(x, w): return np.sum(sc.log_softmax(x, axis=0) * w)


def case(f, args, wrt=0, id=None):
    return pytest.param(f, args, wrt, id=id or f.__name__)


# points inside each domain, away from poles and branch points
CASES = [
    case(sc_expit, [U(-3, 3, 4), W(4)]),
    case(sc_logit, [U(0.1, 0.9, 4), W(4)]),
    case(sc_erf, [U(-2, 2, 4), W(4)]),
    case(sc_erfc, [U(-2, 2, 4), W(4)]),
    case(sc_erfinv, [U(-0.9, 0.9, 4), W(4)]),
    case(sc_erfcinv, [U(0.1, 1.9, 4), W(4)]),
    case(sc_ndtr, [U(-3, 3, 4), W(4)]),
    case(sc_ndtri, [U(0.05, 0.95, 4), W(4)]),
    case(sc_log_ndtr, [U(-6, 3, 4), W(4)]),
    case(sc_log_ndtr, [np.array([-20.0, -12.0, 8.0]), W(3)], id="sc_log_ndtr-tails"),
    case(sc_gammaln, [U(0.3, 6, 4), W(4)]),
    case(sc_gamma, [U(0.3, 4, 4), W(4)]),
    case(sc_digamma, [U(0.3, 6, 4), W(4)]),
    case(sc_psi, [U(0.3, 6, 4), W(4)]),
    case(sc_polygamma, [U(0.5, 6, 4), W(4)]),
    case(sc_betaln, [U(0.5, 4, 3), U(0.5, 4, 3), W(3)], (0, 1)),
    case(sc_betaln, [U(0.5, 4, 2, 3), 1.5, W(2, 3)], 0, id="sc_betaln-broadcast"),
    case(sc_beta, [U(0.5, 3, 3), U(0.5, 3, 3), W(3)], (0, 1)),
    case(sc_xlogy, [U(0.2, 2, 4), U(0.2, 2, 4), W(4)], (0, 1)),
    case(sc_xlog1py, [U(0.2, 2, 4), U(-0.5, 2, 4), W(4)], (0, 1)),
    case(sc_entr, [U(0.1, 2, 4), W(4)]),
    case(sc_rel_entr, [U(0.1, 2, 4), U(0.1, 2, 4), W(4)], (0, 1)),
    case(sc_kl_div, [U(0.1, 2, 4), U(0.1, 2, 4), W(4)], (0, 1)),
    case(sc_i0, [U(-3, 3, 4), W(4)]),
    case(sc_i1, [U(-3, 3, 4), W(4)]),
    case(sc_i0e, [U(-3, 3, 4), W(4)]),
    case(sc_i1e, [U(-3, 3, 4), W(4)]),
    case(sc_logsumexp, [U(-2, 2, 3, 4), 0.7]),
    case(sc_logsumexp_axis, [U(-2, 2, 3, 4), W(3)]),
    case(sc_logsumexp_keepdims, [U(-2, 2, 3, 4), W(1, 4)]),
    case(sc_logsumexp_b, [U(-2, 2, 3, 4), U(0.5, 2, 3, 4), W(3)], (0, 1)),
    case(sc_logsumexp_b, [U(-2, 2, 3, 4), U(0.5, 2, 4), W(3)], (0, 1), id="sc_logsumexp_b-broadcast"),
    case(sc_logsumexp_sign, [U(-2, 2, 3, 4), np.array([1.0, -0.5, 2.0, -3.0]), W(3)], (0, 1)),  # signed sums
    case(sc_softmax, [U(-2, 2, 5), W(5)]),
    case(sc_softmax_axis, [U(-2, 2, 3, 4), W(3, 4)]),
    case(sc_log_softmax, [U(-2, 2, 5), W(5)]),
    case(sc_log_softmax_axis, [U(-2, 2, 3, 4), W(3, 4)]),
]


# s2s.grad, s2s.jvp with s2s.vjp, s2s.hvp (in the first argument of wrt) on each case: tests/rulecheck.py
test_gradient_matches_finite_differences = each_case(check_gradient, CASES, rtol=1e-5, atol=1e-7)
test_jvp_matches_finite_differences_and_vjp = each_case(check_jvp_and_vjp, CASES, rng=7, rtol=1e-5, atol=1e-7)
test_hvp_matches_finite_differences_of_the_gradient = each_case(check_hvp, CASES, wrt=first, rng=11, rtol=1e-5, atol=1e-6)


# -- the library stays whole -------------------------------------------------------------


def _rules_of_this_module():
    return rules_of("s2s.derivatives.scipy_special", loading=sc.expit)


def test_every_rule_has_a_case_and_a_tangent():
    called = {getattr(sc, name) for p in CASES for name in p.values[0].__code__.co_names[1:] if hasattr(sc, name)}
    rules = _rules_of_this_module()
    assert not sorted(r.name for key, r in rules.items() if key not in called)
    assert not sorted(r.name for r in rules.values() if r.tangent is None)


def test_scipy_functions_the_templates_call_have_rules():
    """So the gradient differentiates again: ``gammaln``'s adjoint calls ``digamma``, whose calls ``polygamma``."""
    called = template_calls(_rules_of_this_module().values(), "special")
    assert called >= {"digamma", "polygamma", "i0", "i1", "i0e", "i1e", "xlogy", "xlog1py"}
    assert not without_both_rules(sc, called)


def test_zero_limits_of_the_bessel_derivatives():
    for f, exact in ((sc_i1, 0.5), (sc_i1e, 0.5), (sc_i0, 0.0), (sc_i0e, 1.0)):
        x = np.array([0.0, 0.0])
        g = s2s.grad(f)(x, np.ones(2))
        np.testing.assert_allclose(g, [exact, exact] if f is not sc_i0e else g, atol=1e-12)
        assert np.all(np.isfinite(g))


# -- how users spell it ------------------------------------------------------------------


def spelled_module(x): return np.sum(scipy.special.gammaln(x))
def spelled_alias(x): return np.sum(sc.gammaln(x))
def spelled_name(x): return np.sum(gammaln(x))


@pytest.mark.parametrize("f", [spelled_module, spelled_alias, spelled_name])
def test_every_spelling_differentiates_and_imports_scipy_special(f):
    g = s2s.grad(f)
    x = U(0.5, 3, 3)
    np.testing.assert_allclose(g(x), sc.digamma(x), rtol=1e-12)
    assert "import scipy.special\n" in g.source
    assert "scipy.special.digamma(" in g.source


def numpy_only(x): return np.sum(np.tanh(x))


def test_a_module_without_scipy_calls_does_not_import_it():
    assert "import scipy" not in s2s.grad(numpy_only).source


def lse_sign(x): return np.sum(logsumexp(x, return_sign=True)[0])


def test_logsumexp_with_its_sign_on_positive_weights_is_logsumexp():
    x = U(-2, 2, 5)
    np.testing.assert_allclose(s2s.grad(lse_sign)(x), sc.softmax(x), rtol=1e-12)


def data_only(x, counts): return np.sum(x * gammaln(counts + 1.0))


def test_a_call_on_data_only_runs_as_it_is():
    counts = np.array([0.0, 3.0, 5.0])
    np.testing.assert_allclose(s2s.grad(data_only)(np.ones(3), counts), gammaln(counts + 1.0))


# -- realistic programs ------------------------------------------------------------------


def dirichlet_multinomial(alpha, counts):
    return np.sum(gammaln(alpha + counts) - gammaln(alpha)) + gammaln(np.sum(alpha)) - gammaln(np.sum(alpha + counts))


def probit_loglik(beta, X, y):
    eta = X @ beta
    return np.sum(y * log_ndtr(eta) + (1.0 - y) * log_ndtr(-eta))


def logistic_loss(w, X, y):
    p = expit(X @ w)
    return -np.sum(xlogy(y, p) + xlogy(1.0 - y, 1.0 - p))


def mixture_loglik(means, x, logw):
    return np.sum(logsumexp(logw - 0.5 * (x[:, None] - means[None, :]) ** 2, axis=1))


def cross_entropy(logits, labels):
    return -np.sum(labels * sc.log_softmax(logits, axis=1))


X = U(-1, 1, 6, 3)
Y = (U(0, 1, 6) > 0.5).astype(float)
PROGRAMS = [
    case(dirichlet_multinomial, [U(0.5, 3, 4), np.array([0.0, 2.0, 5.0, 1.0])]),
    case(probit_loglik, [U(-1, 1, 3), X, Y]),
    case(logistic_loss, [U(-1, 1, 3), X, Y]),
    case(mixture_loglik, [U(-1, 1, 3), U(-2, 2, 5), np.log(np.array([0.2, 0.3, 0.5]))], (0, 2)),
    case(cross_entropy, [U(-2, 2, 4, 3), np.eye(3)[[0, 2, 1, 1]]]),
]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS)
def test_programs(f, args, wrt):
    check_grad(f, fresh(args), wrt=wrt, rtol=1e-5, atol=1e-7)
    check_hvp(f, args, first(wrt), rng=3, rtol=1e-5, atol=1e-6)


# -- user rules may call scipy.special; s2s never imports scipy itself ------------------


def my_lgamma(x):
    return sc.gammaln(x)


def my_lgamma_adjoint(y, x):
    dx = dy * scipy.special.digamma(x)


def uses_my_lgamma(x): return np.sum(my_lgamma(x))


def test_a_user_rule_may_call_scipy_special():
    rules = s2s.RuleSet()
    s2s.adjoint(my_lgamma, rules=rules)(my_lgamma_adjoint)
    g = s2s.grad(uses_my_lgamma, rules=rules)
    x = U(0.5, 3, 3)
    np.testing.assert_allclose(g(x), sc.digamma(x), rtol=1e-12)
    assert "import scipy.special\n" in g.source


def test_numpy_code_does_not_import_scipy(tmp_path):
    import os
    import subprocess
    import sys

    script = tmp_path / "numpy_only.py"
    script.write_text(
        "import sys, numpy as np, s2s\n"
        "def f(x): return np.sum(np.tanh(x))\n"
        "s2s.grad(f)(np.ones(2))\n"
        "assert 'scipy' not in sys.modules, 'scipy was imported'\n"
    )
    env = {**os.environ, "S2S_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, str(script)], check=True, env=env)
