"""scipy.stats: every rule of derivatives/scipy_stats.py, checked in both modes and at second order.

Each case is a scalar loss, a distribution method's result times a fixed random weight
``w``, summed, differentiated in all its differentiable arguments at once (arguments of
different shapes broadcast, so each gradient is reduced to its argument's shape).  For each:
``s2s.grad`` against central finite differences (float64), ``s2s.jvp`` against central
differences and ``s2s.vjp`` by the dot-product identity, ``s2s.hvp`` against central
differences of the gradient (every method is twice differentiable at the points chosen,
inside each support).  Then the library stays whole, what the rules do not cover is refused at
the user's line, every way users spell a distribution works, and realistic programs
differentiate.
"""

import numpy as np
import pytest

pytest.importorskip("scipy")

import scipy.stats  # noqa: E402
import scipy.stats as st  # noqa: E402
from scipy.stats import multivariate_normal, norm, poisson  # noqa: E402

import s2s  # noqa: E402
from gradcheck import check_grad, fresh, inner  # noqa: E402
from rulecheck import EPS, Draws, check_hvp, check_jvp_and_vjp, each_case, first, normal_tangents, rules_of, template_calls, without_both_rules  # noqa: E402

DRAW = Draws(1616)
U, W, spd = DRAW.uniform, DRAW.normal, DRAW.spd


# -- one function per rule: the result times w, summed ----------------------------------------


def norm_logpdf(x, loc, scale, w): return np.sum(norm.logpdf(x, loc, scale) * w)
def norm_pdf(x, loc, scale, w): return np.sum(norm.pdf(x, loc=loc, scale=scale) * w)
def norm_cdf(x, loc, scale, w): return np.sum(st.norm.cdf(x, loc, scale) * w)
def norm_logcdf(x, loc, scale, w): return np.sum(st.norm.logcdf(x, loc, scale=scale) * w)
def norm_sf(x, loc, scale, w): return np.sum(scipy.stats.norm.sf(x, loc, scale) * w)
def norm_logsf(x, loc, scale, w): return np.sum(st.norm.logsf(x, loc, scale) * w)
def t_logpdf(x, df, loc, scale, w): return np.sum(st.t.logpdf(x, df, loc, scale) * w)
def t_pdf(x, df, loc, scale, w): return np.sum(st.t.pdf(x, df, loc=loc, scale=scale) * w)
def t_cdf(x, df, loc, scale, w): return np.sum(st.t.cdf(x, df, loc, scale) * w)
def t_logcdf(x, df, loc, scale, w): return np.sum(st.t.logcdf(x, df, loc, scale) * w)
def t_sf(x, df, loc, scale, w): return np.sum(st.t.sf(x, df, loc, scale) * w)
def t_logsf(x, df, loc, scale, w): return np.sum(st.t.logsf(x, df, loc, scale) * w)
def gamma_logpdf(x, a, loc, scale, w): return np.sum(st.gamma.logpdf(x, a, loc, scale) * w)
def gamma_pdf(x, a, loc, scale, w): return np.sum(st.gamma.pdf(x, a, loc=loc, scale=scale) * w)
def gamma_cdf(x, a, loc, scale, w): return np.sum(st.gamma.cdf(x, a, loc, scale) * w)
def gamma_logcdf(x, a, loc, scale, w): return np.sum(st.gamma.logcdf(x, a, loc, scale) * w)
def gamma_sf(x, a, loc, scale, w): return np.sum(st.gamma.sf(x, a, loc, scale) * w)
def gamma_logsf(x, a, loc, scale, w): return np.sum(st.gamma.logsf(x, a, loc, scale) * w)
def beta_logpdf(x, a, b, loc, scale, w): return np.sum(st.beta.logpdf(x, a, b, loc, scale) * w)
def beta_pdf(x, a, b, loc, scale, w): return np.sum(st.beta.pdf(x, a, b, loc=loc, scale=scale) * w)
def beta_cdf(x, a, b, loc, scale, w): return np.sum(st.beta.cdf(x, a, b, loc, scale) * w)
def beta_logcdf(x, a, b, loc, scale, w): return np.sum(st.beta.logcdf(x, a, b, loc, scale) * w)
def beta_sf(x, a, b, loc, scale, w): return np.sum(st.beta.sf(x, a, b, loc, scale) * w)
def beta_logsf(x, a, b, loc, scale, w): return np.sum(st.beta.logsf(x, a, b, loc, scale) * w)
def expon_logpdf(x, loc, scale, w): return np.sum(st.expon.logpdf(x, loc, scale) * w)
def expon_pdf(x, loc, scale, w): return np.sum(st.expon.pdf(x, loc, scale) * w)
def expon_cdf(x, loc, scale, w): return np.sum(st.expon.cdf(x, loc, scale) * w)
def expon_logcdf(x, loc, scale, w): return np.sum(st.expon.logcdf(x, loc, scale) * w)
def expon_sf(x, loc, scale, w): return np.sum(st.expon.sf(x, loc, scale) * w)
def expon_logsf(x, loc, scale, w): return np.sum(st.expon.logsf(x, loc, scale=scale) * w)
def laplace_logpdf(x, loc, scale, w): return np.sum(st.laplace.logpdf(x, loc, scale) * w)
def laplace_pdf(x, loc, scale, w): return np.sum(st.laplace.pdf(x, loc, scale) * w)
def laplace_cdf(x, loc, scale, w): return np.sum(st.laplace.cdf(x, loc, scale) * w)
def laplace_logcdf(x, loc, scale, w): return np.sum(st.laplace.logcdf(x, loc, scale) * w)
def laplace_sf(x, loc, scale, w): return np.sum(st.laplace.sf(x, loc, scale) * w)
def laplace_logsf(x, loc, scale, w): return np.sum(st.laplace.logsf(x, loc, scale) * w)
def logistic_logpdf(x, loc, scale, w): return np.sum(st.logistic.logpdf(x, loc, scale) * w)
def logistic_pdf(x, loc, scale, w): return np.sum(st.logistic.pdf(x, loc, scale) * w)
def logistic_cdf(x, loc, scale, w): return np.sum(st.logistic.cdf(x, loc, scale) * w)
def logistic_logcdf(x, loc, scale, w): return np.sum(st.logistic.logcdf(x, loc, scale) * w)
def logistic_sf(x, loc, scale, w): return np.sum(st.logistic.sf(x, loc, scale) * w)
def logistic_logsf(x, loc, scale, w): return np.sum(st.logistic.logsf(x, loc, scale) * w)
def cauchy_logpdf(x, loc, scale, w): return np.sum(st.cauchy.logpdf(x, loc, scale) * w)
def cauchy_pdf(x, loc, scale, w): return np.sum(st.cauchy.pdf(x, loc, scale) * w)
def cauchy_cdf(x, loc, scale, w): return np.sum(st.cauchy.cdf(x, loc, scale) * w)
def cauchy_logcdf(x, loc, scale, w): return np.sum(st.cauchy.logcdf(x, loc, scale) * w)
def cauchy_sf(x, loc, scale, w): return np.sum(st.cauchy.sf(x, loc, scale) * w)
def cauchy_logsf(x, loc, scale, w): return np.sum(st.cauchy.logsf(x, loc, scale) * w)
def lognorm_logpdf(x, s, loc, scale, w): return np.sum(st.lognorm.logpdf(x, s, loc, scale) * w)
def lognorm_pdf(x, s, loc, scale, w): return np.sum(st.lognorm.pdf(x, s, loc=loc, scale=scale) * w)
def lognorm_cdf(x, s, loc, scale, w): return np.sum(st.lognorm.cdf(x, s, loc, scale) * w)
def lognorm_logcdf(x, s, loc, scale, w): return np.sum(st.lognorm.logcdf(x, s, loc, scale) * w)
def lognorm_sf(x, s, loc, scale, w): return np.sum(st.lognorm.sf(x, s, loc, scale) * w)
def lognorm_logsf(x, s, loc, scale, w): return np.sum(st.lognorm.logsf(x, s, loc, scale) * w)
def poisson_logpmf(mu, k, w): return np.sum(poisson.logpmf(k, mu) * w)
def poisson_pmf(mu, k, w): return np.sum(st.poisson.pmf(k, mu) * w)
def mvn_logpdf(x, mean, cov, w): return np.sum(multivariate_normal.logpdf(x, mean, cov) * w)
def mvn_logpdf_one(x, mean, cov, w): return multivariate_normal.logpdf(x, mean=mean, cov=cov) * w


def case(f, args, wrt, id=None):
    return pytest.param(f, args, wrt, id=id or f.__name__)


# inside each support, x of shape (2, 3) broadcast against loc of shape (3,) and a scalar or (2, 1) scale
LS = [U(-2, 2, 2, 3), U(-1, 1, 3), 1.3]
LS_COLUMN = [U(-2, 2, 2, 3), 0.4, U(0.8, 1.6, 2, 1)]
POSITIVE = [U(1.5, 3.0, 2, 3), U(0.0, 0.5, 3), 1.3]
LAPLACE = [np.array([[-1.5, -0.5, 0.7], [1.2, 2.0, -2.2]]), U(0.0, 0.2, 3), 1.3]
ALL3 = (0, 1, 2)
CASES = [
    case(norm_logpdf, LS + [W(2, 3)], ALL3),
    case(norm_logpdf, LS_COLUMN + [W(2, 3)], ALL3, id="norm_logpdf-scale-column"),
    case(norm_pdf, LS + [W(2, 3)], ALL3),
    case(norm_cdf, LS + [W(2, 3)], ALL3),
    case(norm_logcdf, LS + [W(2, 3)], ALL3),
    case(norm_logcdf, [np.array([-30.0, -9.0, 6.0]), 0.0, 1.0, W(3)], 0, id="norm_logcdf-tails"),
    case(norm_sf, LS_COLUMN + [W(2, 3)], ALL3),
    case(norm_logsf, LS + [W(2, 3)], ALL3),
    case(norm_logsf, [np.array([30.0, 9.0, -6.0]), 0.0, 1.0, W(3)], 0, id="norm_logsf-tails"),
    case(t_logpdf, [U(-2, 2, 2, 3), U(2, 6, 3), U(-1, 1, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(t_pdf, [U(-2, 2, 2, 3), 3.5, U(-1, 1, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(t_cdf, [U(-2, 2, 2, 3), 3.5, U(-1, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(t_logcdf, [U(-2, 2, 2, 3), 3.5, U(-1, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(t_sf, [U(-2, 2, 2, 3), 3.5, U(-1, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(t_logsf, [U(-2, 2, 2, 3), 3.5, U(-1, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(gamma_logpdf, [U(2.5, 4, 2, 3), U(1.5, 3, 3), U(0, 1, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(gamma_pdf, [U(2.5, 4, 2, 3), 2.2, U(0, 1, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(gamma_cdf, [U(2.5, 4, 2, 3), 2.2, U(0, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(gamma_logcdf, [U(2.5, 4, 2, 3), 2.2, U(0, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(gamma_sf, [U(2.5, 4, 2, 3), 2.2, U(0, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(gamma_logsf, [U(2.5, 4, 2, 3), 2.2, U(0, 1, 3), 1.3, W(2, 3)], (0, 2, 3)),
    case(beta_logpdf, [U(0.3, 0.7, 2, 3), U(1.5, 3, 3), 1.7, U(-0.1, 0.1, 3), 1.3, W(2, 3)], (0, 1, 2, 3, 4)),
    case(beta_pdf, [U(0.3, 0.7, 2, 3), 2.2, U(1.5, 3, 3), U(-0.1, 0.1, 3), 1.3, W(2, 3)], (0, 1, 2, 3, 4)),
    case(beta_cdf, [U(0.3, 0.7, 2, 3), 2.2, 1.7, U(-0.1, 0.1, 3), 1.3, W(2, 3)], (0, 3, 4)),
    case(beta_logcdf, [U(0.3, 0.7, 2, 3), 2.2, 1.7, U(-0.1, 0.1, 3), 1.3, W(2, 3)], (0, 3, 4)),
    case(beta_sf, [U(0.3, 0.7, 2, 3), 2.2, 1.7, U(-0.1, 0.1, 3), 1.3, W(2, 3)], (0, 3, 4)),
    case(beta_logsf, [U(0.3, 0.7, 2, 3), 2.2, 1.7, U(-0.1, 0.1, 3), 1.3, W(2, 3)], (0, 3, 4)),
    case(expon_logpdf, POSITIVE + [W(2, 3)], ALL3),
    case(expon_pdf, POSITIVE + [W(2, 3)], ALL3),
    case(expon_cdf, POSITIVE + [W(2, 3)], ALL3),
    case(expon_logcdf, POSITIVE + [W(2, 3)], ALL3),
    case(expon_sf, POSITIVE + [W(2, 3)], ALL3),
    case(expon_logsf, POSITIVE + [W(2, 3)], ALL3),
    case(laplace_logpdf, LAPLACE + [W(2, 3)], ALL3),
    case(laplace_pdf, LAPLACE + [W(2, 3)], ALL3),
    case(laplace_cdf, LAPLACE + [W(2, 3)], ALL3),
    case(laplace_logcdf, LAPLACE + [W(2, 3)], ALL3),
    case(laplace_sf, LAPLACE + [W(2, 3)], ALL3),
    case(laplace_logsf, LAPLACE + [W(2, 3)], ALL3),
    case(logistic_logpdf, LS + [W(2, 3)], ALL3),
    case(logistic_pdf, LS + [W(2, 3)], ALL3),
    case(logistic_cdf, LS + [W(2, 3)], ALL3),
    case(logistic_logcdf, LS + [W(2, 3)], ALL3),
    case(logistic_sf, LS + [W(2, 3)], ALL3),
    case(logistic_logsf, LS + [W(2, 3)], ALL3),
    case(cauchy_logpdf, LS + [W(2, 3)], ALL3),
    case(cauchy_pdf, LS + [W(2, 3)], ALL3),
    case(cauchy_cdf, LS + [W(2, 3)], ALL3),
    case(cauchy_logcdf, LS + [W(2, 3)], ALL3),
    case(cauchy_sf, LS + [W(2, 3)], ALL3),
    case(cauchy_logsf, LS + [W(2, 3)], ALL3),
    case(lognorm_logpdf, [U(1.5, 3, 2, 3), U(0.5, 1, 3), U(0, 0.5, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(lognorm_pdf, [U(1.5, 3, 2, 3), 0.7, U(0, 0.5, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(lognorm_cdf, [U(1.5, 3, 2, 3), 0.7, U(0, 0.5, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(lognorm_logcdf, [U(1.5, 3, 2, 3), 0.7, U(0, 0.5, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(lognorm_sf, [U(1.5, 3, 2, 3), 0.7, U(0, 0.5, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(lognorm_logsf, [U(1.5, 3, 2, 3), 0.7, U(0, 0.5, 3), 1.3, W(2, 3)], (0, 1, 2, 3)),
    case(poisson_logpmf, [U(1, 4, 4), np.array([0.0, 2.0, 5.0, 3.0]), W(4)], 0),
    case(poisson_logpmf, [2.5, np.array([0.0, 2.0, 5.0, 3.0]), W(4)], 0, id="poisson_logpmf-scalar-rate"),
    case(poisson_pmf, [U(1, 4, 4), np.array([0.0, 2.0, 5.0, 3.0]), W(4)], 0),
    case(mvn_logpdf, [W(5, 3), W(3), spd(3), W(5)], ALL3),
    case(mvn_logpdf, [W(5, 3), W(3), U(0.5, 2, 3), W(5)], ALL3, id="mvn_logpdf-variances"),
    case(mvn_logpdf, [W(5, 3), W(3), 1.7, W(5)], ALL3, id="mvn_logpdf-scalar-variance"),
    case(mvn_logpdf_one, [W(3), W(3), spd(3), 0.8], ALL3),
]


def symmetric(args, index, value):
    """A matrix covariance is taken symmetric: its perturbations are symmetric."""
    if np.ndim(args[index]) == 2 and index == 2 and args[0].shape[-1] == args[index].shape[0] and len(args) == 4:
        return 0.5 * (value + value.T)
    return value


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_gradient_matches_finite_differences(f, args, wrt):
    if f in (mvn_logpdf, mvn_logpdf_one) and np.ndim(args[2]) == 2:
        gradient = s2s.grad(f, wrt=wrt)(*fresh(args))
        v = symmetric(args, 2, W(3, 3))
        up, down = fresh(args), fresh(args)
        up[2], down[2] = args[2] + EPS * v, args[2] - EPS * v
        np.testing.assert_allclose(inner(gradient[2], v), (f(*up) - f(*down)) / (2 * EPS), rtol=1e-5)
        np.testing.assert_allclose(gradient[2], gradient[2].T, rtol=1e-12)  # the symmetric adjoint
        check_grad(f, fresh(args), wrt=(0, 1), rtol=1e-5, atol=1e-7)
        return
    check_grad(f, fresh(args), wrt=wrt, rtol=1e-5, atol=1e-7)


def _tangents(args, indices, rng):
    return [
        symmetric(args, i, rng.normal(size=np.shape(args[i]))) if isinstance(args[i], np.ndarray) else float(rng.normal())
        for i in indices
    ]


# s2s.jvp with s2s.vjp, s2s.hvp (in all the arguments of wrt at once) on each case: tests/rulecheck.py
test_jvp_matches_finite_differences_and_vjp = each_case(check_jvp_and_vjp, CASES, rng=7, tangents=_tangents, rtol=1e-5, atol=1e-7)
test_hvp_matches_finite_differences_of_the_gradient = each_case(check_hvp, CASES, rng=11, tangents=_tangents, rtol=1e-5, atol=1e-6)


# -- the library stays whole -------------------------------------------------------------------


def _rules_of_this_module():
    return rules_of("s2s.derivatives.scipy_stats", loading=st.norm.logpdf)


def test_every_rule_has_a_case_and_a_tangent():
    names = {p.values[0].__name__.replace("mvn", "multivariate_normal").removesuffix("_one") for p in CASES}
    rules = _rules_of_this_module()
    assert len(rules) == 57  # 9 distributions x 6 methods, poisson 2, multivariate_normal 1
    assert not sorted(r.name for r in rules.values() if r.name.removeprefix("scipy.stats.").replace(".", "_") not in names)
    assert not sorted(r.name for r in rules.values() if r.tangent is None)


def test_a_definition_s_shared_values_open_both_templates():
    import gast

    from s2s.rules import BUILTIN

    rule = BUILTIN.lookup(st.norm.cdf)
    for template, written in ((rule.adjoint, ["dx", "dloc", "dscale"]), (rule.tangent, ["dy"] * 3)):
        assert [s.targets[0].id for s in template.body] == ["z", "pdf"] + written
        assert isinstance(template.body[0].value, gast.BinOp)


def test_the_functions_the_templates_call_have_rules():
    """So the gradient differentiates again (second order)."""
    assert not without_both_rules(scipy.special, template_calls(_rules_of_this_module().values(), "special"))


# -- how users spell it ------------------------------------------------------------------------


def spelled_module(mu, x): return np.sum(scipy.stats.norm.logpdf(x, mu, 2.0))
def spelled_alias(mu, x): return np.sum(st.norm.logpdf(x, mu, 2.0))
def spelled_name(mu, x): return np.sum(norm.logpdf(x, mu, 2.0))
def spelled_keywords(mu, x): return np.sum(norm.logpdf(x, loc=mu, scale=2.0))
def spelled_all_keywords(mu, x): return np.sum(norm.logpdf(x=x, scale=2.0, loc=mu))


@pytest.mark.parametrize("f", [spelled_module, spelled_alias, spelled_name, spelled_keywords, spelled_all_keywords])
def test_every_spelling_differentiates_and_imports_scipy_stats(f):
    g = s2s.grad(f)
    x = W(4)
    np.testing.assert_allclose(g(0.3, x), np.sum(x - 0.3) / 4.0, rtol=1e-12)
    assert "import scipy.stats\n" in g.source
    assert "scipy.stats.norm.logpdf(" in g.source


def standard(x): return np.sum(norm.logpdf(x))
def t_default_scale(x, mu): return np.sum(st.t.logpdf(x, 4.0, mu))


def test_parameters_left_at_their_defaults():
    x = W(3)
    np.testing.assert_allclose(s2s.grad(standard)(x), -x, rtol=1e-12)
    check_grad(t_default_scale, [x, 0.2], wrt=(0, 1), rtol=1e-5, atol=1e-7)


def uses_scipy_special(x, df): return np.sum(st.t.logpdf(x, df))


def test_a_template_calling_scipy_special_imports_it():
    source = s2s.grad(uses_scipy_special, wrt=1).source
    assert "import scipy.special\n" in source and "scipy.special.digamma(" in source


# -- what the rules do not cover is refused at the user's line --------------------------------


def t_cdf_in_df(x, df): return np.sum(st.t.cdf(x, df))
def gamma_cdf_in_a(x, a): return np.sum(st.gamma.logcdf(x, a))
def beta_sf_in_b(x, b): return np.sum(st.beta.sf(x, 2.0, b))
def poisson_in_k(k, mu): return np.sum(poisson.logpmf(k, mu))
def mvn_singular(x, cov): return np.sum(multivariate_normal.logpdf(x, cov=cov, allow_singular=True))
def no_rule(mu, p): return np.sum(st.norm.ppf(p, mu))
def frozen(mu, x): return np.sum(norm(mu, 2.0).logpdf(x))
def frozen_cdf(mu, x): return np.sum(st.norm(loc=mu).cdf(x))


@pytest.mark.parametrize("f, wrt, words", [
    (t_cdf_in_df, 1, "scipy.stats.t.cdf with respect to its argument `df`"),
    (gamma_cdf_in_a, 1, "scipy.stats.gamma.logcdf with respect to its argument `a`"),
    (beta_sf_in_b, 1, "scipy.stats.beta.sf with respect to its argument `b`"),
    (poisson_in_k, 0, "scipy.stats.poisson.logpmf with respect to its argument `k`"),
    (mvn_singular, 1, "scipy.stats.multivariate_normal.logpdf covers `allow_singular` only at its default"),
    (no_rule, 0, "no derivative rule for scipy.stats.norm.ppf; register one with @s2s.adjoint(scipy.stats.norm.ppf)"),
    (frozen, 0, "frozen distribution norm(<the parameters>): call norm.logpdf(x, <the parameters>) instead"),
    (frozen_cdf, 0, "frozen distribution st.norm(<the parameters>): call st.norm.cdf(x, <the parameters>) instead"),
])
def test_refused_at_the_users_line(f, wrt, words):
    with pytest.raises(s2s.S2SError) as caught:
        s2s.grad(f, wrt=wrt)
    assert caught.value.lineno == f.__code__.co_firstlineno
    assert caught.value.filename == __file__
    assert words in caught.value.message


def frozen_named(mu, x):
    d = norm(mu, 2.0)
    return np.sum(d.logpdf(x))


def test_a_frozen_distribution_is_refused_where_it_is_made():
    with pytest.raises(s2s.S2SError, match=r"frozen distribution norm\(<the parameters>\): call norm.logpdf") as caught:
        s2s.grad(frozen_named)
    assert caught.value.lineno == frozen_named.__code__.co_firstlineno + 1


def t_cdf_in_x(x, df): return np.sum(st.t.cdf(x, df))


def test_the_shape_parameter_as_data_is_not_refused():
    x = W(3)
    np.testing.assert_allclose(s2s.grad(t_cdf_in_x)(x, 3.0), st.t.pdf(x, 3.0), rtol=1e-12)


# -- realistic programs ------------------------------------------------------------------------


def bayesian_regression(beta, log_sigma, X, y):
    """Log posterior: Gaussian likelihood, normal prior on the weights, a Cauchy prior on the noise."""
    sigma = np.exp(log_sigma)
    return (np.sum(norm.logpdf(y, X @ beta, sigma)) + np.sum(norm.logpdf(beta, 0.0, 10.0))
            + st.cauchy.logpdf(sigma, 0.0, 5.0) + log_sigma)


def robust_regression(beta, X, y, nu):
    """Student-t errors: outliers pull the fit less than under a normal likelihood."""
    return -np.sum(st.t.logpdf(y - X @ beta, nu, scale=0.5))


def student_t_dof(log_nu, r):
    """Fitting the degrees of freedom of a t likelihood (needs the digamma derivative)."""
    return np.sum(st.t.logpdf(r, np.exp(log_nu)))


def poisson_glm(beta, X, counts):
    return -np.sum(poisson.logpmf(counts, np.exp(X @ beta)))


def probit_loglik(beta, X, y):
    eta = X @ beta
    return np.sum(y * norm.logcdf(eta) + (1.0 - y) * norm.logsf(eta))


def gamma_waiting_times(log_shape, log_scale, times):
    return np.sum(st.gamma.logpdf(times, np.exp(log_shape), scale=np.exp(log_scale)))


def beta_proportions(a, b, p):
    return np.sum(st.beta.logpdf(p, a, b))


def censored_survival(log_scale, observed, censored):
    """Weibull-like censoring with an exponential model: densities for events, survival for the censored."""
    scale = np.exp(log_scale)
    return np.sum(st.expon.logpdf(observed, scale=scale)) + np.sum(st.expon.logsf(censored, scale=scale))


def gp_marginal_likelihood(log_ell, x, y):
    """A Gaussian process's log marginal likelihood, squared-exponential kernel."""
    d2 = (x[:, None] - x[None, :]) ** 2
    K = np.exp(-0.5 * d2 / np.exp(2.0 * log_ell)) + 0.1 * np.eye(x.shape[0])
    return multivariate_normal.logpdf(y, np.zeros(x.shape[0]), K)


X = U(-1, 1, 8, 3)
Y = X @ np.array([0.5, -1.0, 2.0]) + 0.3 * W(8)
PROGRAMS = [
    case(bayesian_regression, [W(3), -0.5, X, Y], (0, 1)),
    case(robust_regression, [W(3), X, Y, 4.0], 0),
    case(student_t_dof, [np.log(5.0), W(10)], 0),
    case(poisson_glm, [0.3 * W(3), X, np.array([0.0, 1, 3, 0, 2, 5, 1, 1])], 0),
    case(probit_loglik, [W(3), X, (Y > 0).astype(float)], 0),
    case(gamma_waiting_times, [0.5, 0.2, U(0.5, 4, 10)], (0, 1)),
    case(beta_proportions, [2.0, 3.0, U(0.1, 0.9, 10)], (0, 1)),
    case(censored_survival, [0.3, U(0.2, 3, 6), U(0.2, 3, 4)], 0),
    case(gp_marginal_likelihood, [np.log(0.7), np.linspace(0.0, 2.0, 6), W(6)], 0),
]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS)
def test_programs(f, args, wrt):
    check_grad(f, fresh(args), wrt=wrt, rtol=1e-5, atol=1e-7)
    check_hvp(f, args, first(wrt), rng=3, tangents=normal_tangents, rtol=1e-5, atol=1e-6)  # a float along a float


# -- duck arrays and dask: the templates are numpy and scipy.special ufuncs ----------------------


def test_the_rules_run_on_dask_arrays():
    da = pytest.importorskip("dask.array")

    def mixed(x, loc): return np.sum(st.logistic.logcdf(x, loc, 1.5) + st.gamma.logpdf(x + 3.0, 2.5, scale=2.0))

    x, loc = U(-1, 1, 4), U(-0.5, 0.5, 4)
    expected = s2s.grad(mixed, wrt=(0, 1))(x, loc)
    got = s2s.grad(mixed, wrt=(0, 1))(da.from_array(x, chunks=2), da.from_array(loc, chunks=2))
    for g, e in zip(got, expected):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-12)
