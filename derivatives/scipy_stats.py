"""scipy.stats: the distribution methods probabilistic code calls on its parameters.

Loaded by :mod:`s2s.rules` only once ``scipy.stats`` has been imported (scipy is an
optional dependency).  Rules are keyed by the bound method (``scipy.stats.norm.logpdf`` is
``logpdf`` bound to the instance ``scipy.stats.norm``; bound methods compare and hash by
instance and function), so ``from scipy.stats import norm; norm.logpdf(...)``,
``st.norm.logpdf(...)`` and ``scipy.stats.norm.logpdf(...)`` find one rule.  A frozen
distribution (``norm(mu, s).logpdf(x)``) is a value whose method s2s cannot see into: call
``norm.logpdf(x, mu, s)``.

Each method is an elementwise function of its arguments, one definition giving both
templates (:func:`s2s.families.elementwise`; arguments broadcast, each contribution reduced
to its argument's shape), with scipy's parameter names, so positional and keyword calls
(``loc=``, ``scale=``) bind alike.  The calculus of a continuous distribution with standard
log-pdf ``g(z; shape)`` at ``z = (x - loc) / scale``:

- ``logpdf = g(z) - log(scale)``: ``d/dx = g'(z) / scale``, ``d/dloc = -d/dx``,
  ``d/dscale = -(g'(z) z + 1) / scale``, ``d/dshape = dg/dshape``;
- ``pdf``: the result times those;
- ``cdf``: ``d/dx = pdf``, ``d/dloc = -pdf``, ``d/dscale = -pdf z``; ``sf = 1 - cdf`` the
  negatives; ``logcdf`` and ``logsf`` those over the result's exponential, computed as
  ``exp(logpdf - result)`` so that a tail probability that underflows is never divided by.

The cdf of ``t``, ``gamma`` and ``beta`` in their shape parameters (``df``, ``a``, ``b``) is
a derivative of an incomplete beta or gamma function in its parameter, with no closed form:
those rules give ``x``, ``loc`` and ``scale`` and are limited (:func:`s2s.rules.limits`), so a
call with an active shape parameter is refused at the user's line.  ``lognorm``'s cdf is the
normal's at ``log(z) / s`` and has its ``s`` derivative.  ``poisson``'s ``k`` and ``loc`` are
counts (no derivative; refused where active); its ``mu`` is differentiated.  Derivatives are
written in numpy and ``scipy.special`` functions that have rules of their own, so second order
works.  Outside a distribution's support the derivatives are not meaningful (as scipy's value
is ``-inf`` or 0 there).

``multivariate_normal.logpdf(x, mean, cov)`` has templates side by side: ``x`` has the event
in its last axis and any batch axes before it (scipy squeezes the result, so the incoming
derivative is reshaped to the batch shape); ``cov`` is a matrix, taken symmetric (its adjoint
is symmetric, its tangent symmetrized, as for ``np.linalg.cholesky``).
"""

import math

import numpy as np
import scipy.special
import scipy.stats

from s2s.families import elementwise
from s2s.rules import adjoint, limits, tangent

# -- normal ---------------------------------------------------------------------------


@elementwise(scipy.stats.norm.logpdf)
def norm_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -z / scale, z / scale, (z * z - 1.0) / scale


@elementwise(scipy.stats.norm.pdf)
def norm_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -y * z / scale, y * z / scale, y * (z * z - 1.0) / scale


@elementwise(scipy.stats.norm.cdf)
def norm_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(-0.5 * z * z) / (math.sqrt(2.0 * math.pi) * scale)
    return pdf, -pdf, -pdf * z


@elementwise(scipy.stats.norm.logcdf)
def norm_logcdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(-0.5 * z * z - y) / (math.sqrt(2.0 * math.pi) * scale)
    return ratio, -ratio, -ratio * z


@elementwise(scipy.stats.norm.sf)
def norm_sf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(-0.5 * z * z) / (math.sqrt(2.0 * math.pi) * scale)
    return -pdf, pdf, pdf * z


@elementwise(scipy.stats.norm.logsf)
def norm_logsf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(-0.5 * z * z - y) / (math.sqrt(2.0 * math.pi) * scale)
    return -ratio, ratio, ratio * z


# -- Student's t: g = gammaln((df+1)/2) - gammaln(df/2) - log(df pi)/2 - (df+1)/2 log1p(z^2/df)


@elementwise(scipy.stats.t.logpdf)
def t_logpdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -(df + 1.0) * z / (df + z * z)  # g'(z)
    shape_slope = 0.5 * (scipy.special.digamma(0.5 * df + 0.5) - scipy.special.digamma(0.5 * df) - np.log1p(z * z / df) + (z * z - 1.0) / (df + z * z))
    return slope / scale, shape_slope, -slope / scale, -(slope * z + 1.0) / scale


@elementwise(scipy.stats.t.pdf)
def t_pdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -(df + 1.0) * z / (df + z * z)
    shape_slope = 0.5 * (scipy.special.digamma(0.5 * df + 0.5) - scipy.special.digamma(0.5 * df) - np.log1p(z * z / df) + (z * z - 1.0) / (df + z * z))
    return y * slope / scale, y * shape_slope, -y * slope / scale, -y * (slope * z + 1.0) / scale


@elementwise(scipy.stats.t.cdf)
def t_cdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    log_pdf = scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df) - 0.5 * np.log(df * np.pi) - (0.5 * df + 0.5) * np.log1p(z * z / df)
    pdf = np.exp(log_pdf) / scale
    return pdf, None, -pdf, -pdf * z


@elementwise(scipy.stats.t.logcdf)
def t_logcdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    log_pdf = scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df) - 0.5 * np.log(df * np.pi) - (0.5 * df + 0.5) * np.log1p(z * z / df)
    ratio = np.exp(log_pdf - y) / scale
    return ratio, None, -ratio, -ratio * z


@elementwise(scipy.stats.t.sf)
def t_sf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    log_pdf = scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df) - 0.5 * np.log(df * np.pi) - (0.5 * df + 0.5) * np.log1p(z * z / df)
    pdf = np.exp(log_pdf) / scale
    return -pdf, None, pdf, pdf * z


@elementwise(scipy.stats.t.logsf)
def t_logsf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    log_pdf = scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df) - 0.5 * np.log(df * np.pi) - (0.5 * df + 0.5) * np.log1p(z * z / df)
    ratio = np.exp(log_pdf - y) / scale
    return -ratio, None, ratio, ratio * z


# -- gamma: g = (a - 1) log z - z - gammaln(a) ---------------------------------------------


@elementwise(scipy.stats.gamma.logpdf)
def gamma_logpdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = (a - 1.0) / z - 1.0
    return slope / scale, np.log(z) - scipy.special.digamma(a), -slope / scale, (z - a) / scale


@elementwise(scipy.stats.gamma.pdf)
def gamma_pdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = (a - 1.0) / z - 1.0
    return y * slope / scale, y * (np.log(z) - scipy.special.digamma(a)), -y * slope / scale, y * (z - a) / scale


@elementwise(scipy.stats.gamma.cdf)
def gamma_cdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(scipy.special.xlogy(a - 1.0, z) - z - scipy.special.gammaln(a)) / scale
    return pdf, None, -pdf, -pdf * z


@elementwise(scipy.stats.gamma.logcdf)
def gamma_logcdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(scipy.special.xlogy(a - 1.0, z) - z - scipy.special.gammaln(a) - y) / scale
    return ratio, None, -ratio, -ratio * z


@elementwise(scipy.stats.gamma.sf)
def gamma_sf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(scipy.special.xlogy(a - 1.0, z) - z - scipy.special.gammaln(a)) / scale
    return -pdf, None, pdf, pdf * z


@elementwise(scipy.stats.gamma.logsf)
def gamma_logsf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(scipy.special.xlogy(a - 1.0, z) - z - scipy.special.gammaln(a) - y) / scale
    return -ratio, None, ratio, ratio * z


# -- beta: g = (a - 1) log z + (b - 1) log(1 - z) - betaln(a, b) ---------------------------


@elementwise(scipy.stats.beta.logpdf)
def beta_logpdf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    both = scipy.special.digamma(a + b)
    return (slope / scale, np.log(z) - scipy.special.digamma(a) + both, np.log1p(-z) - scipy.special.digamma(b) + both,
            -slope / scale, -(slope * z + 1.0) / scale)


@elementwise(scipy.stats.beta.pdf)
def beta_pdf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    both = scipy.special.digamma(a + b)
    return (y * slope / scale, y * (np.log(z) - scipy.special.digamma(a) + both), y * (np.log1p(-z) - scipy.special.digamma(b) + both),
            -y * slope / scale, -y * (slope * z + 1.0) / scale)


@elementwise(scipy.stats.beta.cdf)
def beta_cdf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(scipy.special.xlogy(a - 1.0, z) + scipy.special.xlog1py(b - 1.0, -z) - scipy.special.betaln(a, b)) / scale
    return pdf, None, None, -pdf, -pdf * z


@elementwise(scipy.stats.beta.logcdf)
def beta_logcdf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(scipy.special.xlogy(a - 1.0, z) + scipy.special.xlog1py(b - 1.0, -z) - scipy.special.betaln(a, b) - y) / scale
    return ratio, None, None, -ratio, -ratio * z


@elementwise(scipy.stats.beta.sf)
def beta_sf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(scipy.special.xlogy(a - 1.0, z) + scipy.special.xlog1py(b - 1.0, -z) - scipy.special.betaln(a, b)) / scale
    return -pdf, None, None, pdf, pdf * z


@elementwise(scipy.stats.beta.logsf)
def beta_logsf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(scipy.special.xlogy(a - 1.0, z) + scipy.special.xlog1py(b - 1.0, -z) - scipy.special.betaln(a, b) - y) / scale
    return -ratio, None, None, ratio, ratio * z


# the incomplete beta and gamma functions have no closed-form derivative in their parameters
limits(scipy.stats.t.cdf, scipy.stats.t.logcdf, scipy.stats.t.sf, scipy.stats.t.logsf, without=("df",))
limits(scipy.stats.gamma.cdf, scipy.stats.gamma.logcdf, scipy.stats.gamma.sf, scipy.stats.gamma.logsf, without=("a",))
limits(scipy.stats.beta.cdf, scipy.stats.beta.logcdf, scipy.stats.beta.sf, scipy.stats.beta.logsf, without=("a", "b"))


# -- exponential: g = -z on z >= 0 ---------------------------------------------------------


@elementwise(scipy.stats.expon.logpdf)
def expon_logpdf(y, x, loc=0.0, scale=1.0):
    return -1.0 / scale, 1.0 / scale, ((x - loc) / scale - 1.0) / scale


@elementwise(scipy.stats.expon.pdf)
def expon_pdf(y, x, loc=0.0, scale=1.0):
    return -y / scale, y / scale, y * ((x - loc) / scale - 1.0) / scale


@elementwise(scipy.stats.expon.cdf)
def expon_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = np.exp(-z) / scale
    return pdf, -pdf, -pdf * z


@elementwise(scipy.stats.expon.logcdf)
def expon_logcdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(-z - y) / scale
    return ratio, -ratio, -ratio * z


@elementwise(scipy.stats.expon.sf)
def expon_sf(y, x, loc=0.0, scale=1.0):
    return -y / scale, y / scale, y * (x - loc) / (scale * scale)


@elementwise(scipy.stats.expon.logsf)
def expon_logsf(y, x, loc=0.0, scale=1.0):
    return -1.0 / scale, 1.0 / scale, (x - loc) / (scale * scale)


# -- Laplace: g = -|z| - log 2 -------------------------------------------------------------


@elementwise(scipy.stats.laplace.logpdf)
def laplace_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -np.sign(z) / scale, np.sign(z) / scale, (np.abs(z) - 1.0) / scale


@elementwise(scipy.stats.laplace.pdf)
def laplace_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -y * np.sign(z) / scale, y * np.sign(z) / scale, y * (np.abs(z) - 1.0) / scale


@elementwise(scipy.stats.laplace.cdf)
def laplace_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = 0.5 * np.exp(-np.abs(z)) / scale
    return pdf, -pdf, -pdf * z


@elementwise(scipy.stats.laplace.logcdf)
def laplace_logcdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = 0.5 * np.exp(-np.abs(z) - y) / scale
    return ratio, -ratio, -ratio * z


@elementwise(scipy.stats.laplace.sf)
def laplace_sf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = 0.5 * np.exp(-np.abs(z)) / scale
    return -pdf, pdf, pdf * z


@elementwise(scipy.stats.laplace.logsf)
def laplace_logsf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = 0.5 * np.exp(-np.abs(z) - y) / scale
    return -ratio, ratio, ratio * z


# -- logistic: g = log(expit(z) expit(-z)); cdf expit(z), sf expit(-z) ----------------------


@elementwise(scipy.stats.logistic.logpdf)
def logistic_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = 1.0 - 2.0 * scipy.special.expit(z)
    return slope / scale, -slope / scale, -(slope * z + 1.0) / scale


@elementwise(scipy.stats.logistic.pdf)
def logistic_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = 1.0 - 2.0 * scipy.special.expit(z)
    return y * slope / scale, -y * slope / scale, -y * (slope * z + 1.0) / scale


@elementwise(scipy.stats.logistic.cdf)
def logistic_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = scipy.special.expit(z) * scipy.special.expit(-z) / scale
    return pdf, -pdf, -pdf * z


@elementwise(scipy.stats.logistic.logcdf)
def logistic_logcdf(y, x, loc=0.0, scale=1.0):
    """``pdf / cdf = expit(-z) / scale``."""
    z = (x - loc) / scale
    ratio = scipy.special.expit(-z) / scale
    return ratio, -ratio, -ratio * z


@elementwise(scipy.stats.logistic.sf)
def logistic_sf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = scipy.special.expit(z) * scipy.special.expit(-z) / scale
    return -pdf, pdf, pdf * z


@elementwise(scipy.stats.logistic.logsf)
def logistic_logsf(y, x, loc=0.0, scale=1.0):
    """``pdf / sf = expit(z) / scale``."""
    z = (x - loc) / scale
    ratio = scipy.special.expit(z) / scale
    return -ratio, ratio, ratio * z


# -- Cauchy: g = -log(pi (1 + z^2)) --------------------------------------------------------


@elementwise(scipy.stats.cauchy.logpdf)
def cauchy_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -2.0 * z / (1.0 + z * z)
    return slope / scale, -slope / scale, (z * z - 1.0) / ((1.0 + z * z) * scale)


@elementwise(scipy.stats.cauchy.pdf)
def cauchy_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -2.0 * z / (1.0 + z * z)
    return y * slope / scale, -y * slope / scale, y * (z * z - 1.0) / ((1.0 + z * z) * scale)


@elementwise(scipy.stats.cauchy.cdf)
def cauchy_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = 1.0 / (np.pi * scale * (1.0 + z * z))
    return pdf, -pdf, -pdf * z


@elementwise(scipy.stats.cauchy.logcdf)
def cauchy_logcdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(-y) / (np.pi * scale * (1.0 + z * z))
    return ratio, -ratio, -ratio * z


@elementwise(scipy.stats.cauchy.sf)
def cauchy_sf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    pdf = 1.0 / (np.pi * scale * (1.0 + z * z))
    return -pdf, pdf, pdf * z


@elementwise(scipy.stats.cauchy.logsf)
def cauchy_logsf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    ratio = np.exp(-y) / (np.pi * scale * (1.0 + z * z))
    return -ratio, ratio, ratio * z


# -- log-normal: the normal of u = log(z) / s; g = -log(s z) - log(2 pi)/2 - u^2/2 ----------


@elementwise(scipy.stats.lognorm.logpdf)
def lognorm_logpdf(y, x, s, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = np.log(z) / s
    slope = -(1.0 + u / s) / z
    return slope / scale, (u * u - 1.0) / s, -slope / scale, u / (s * scale)


@elementwise(scipy.stats.lognorm.pdf)
def lognorm_pdf(y, x, s, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = np.log(z) / s
    slope = -(1.0 + u / s) / z
    return y * slope / scale, y * (u * u - 1.0) / s, -y * slope / scale, y * u / (s * scale)


@elementwise(scipy.stats.lognorm.cdf)
def lognorm_cdf(y, x, s, loc=0.0, scale=1.0):
    """``ndtr(u)``: ``du/dx = 1 / (s z scale)``, ``du/ds = -u / s``, ``du/dscale = -1 / (s scale)``."""
    z = (x - loc) / scale
    u = np.log(z) / s
    phi = np.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    return phi / (s * z * scale), -phi * u / s, -phi / (s * z * scale), -phi / (s * scale)


@elementwise(scipy.stats.lognorm.logcdf)
def lognorm_logcdf(y, x, s, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = np.log(z) / s
    ratio = np.exp(-0.5 * u * u - y) / math.sqrt(2.0 * math.pi)
    return ratio / (s * z * scale), -ratio * u / s, -ratio / (s * z * scale), -ratio / (s * scale)


@elementwise(scipy.stats.lognorm.sf)
def lognorm_sf(y, x, s, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = np.log(z) / s
    phi = np.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    return -phi / (s * z * scale), phi * u / s, phi / (s * z * scale), phi / (s * scale)


@elementwise(scipy.stats.lognorm.logsf)
def lognorm_logsf(y, x, s, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = np.log(z) / s
    ratio = np.exp(-0.5 * u * u - y) / math.sqrt(2.0 * math.pi)
    return -ratio / (s * z * scale), ratio * u / s, ratio / (s * z * scale), ratio / (s * scale)


# -- Poisson: logpmf = (k - loc) log(mu) - mu - gammaln(k - loc + 1), in mu only ------------


@elementwise(scipy.stats.poisson.logpmf)
def poisson_logpmf(y, k, mu, loc=0):
    return None, (k - loc) / mu - 1.0, None


@elementwise(scipy.stats.poisson.pmf)
def poisson_pmf(y, k, mu, loc=0):
    return None, y * ((k - loc) / mu - 1.0), None


limits(scipy.stats.poisson.logpmf, scipy.stats.poisson.pmf, without=("k", "loc"))  # counts


# -- multivariate normal -------------------------------------------------------------------


@adjoint(scipy.stats.multivariate_normal.logpdf, broadcast=True)
def multivariate_normal_logpdf(y, x, mean=None, cov=1, allow_singular=False):
    """``-(log det(2 pi cov) + r^T cov^-1 r) / 2`` for each ``r = x - mean`` (the last axis):
    ``dx = -cov^-1 r``, ``dmean = cov^-1 r``, ``dcov = -(cov^-1 - s s^T) / 2`` with
    ``s = cov^-1 r``, symmetric; a scalar or 1-D ``cov`` is a diagonal of variances."""
    residual = x if mean is None else x - mean
    solved = residual / cov if np.ndim(cov) < 2 else np.linalg.solve(cov, residual[..., None])[..., 0]
    weights = np.reshape(dy, np.shape(solved)[:-1] + (1,))
    flat = np.reshape(solved, (-1, np.shape(solved)[-1]))
    dx = -weights * solved
    dmean = weights * solved
    dcov = (
        -0.5 * weights * (1.0 / cov - solved * solved) if np.ndim(cov) < 2
        else -0.5 * (np.sum(dy) * np.linalg.inv(cov) - np.transpose(flat * np.reshape(dy, (-1, 1))) @ flat)
    )


@tangent(scipy.stats.multivariate_normal.logpdf)
def multivariate_normal_logpdf_(y, x, mean=None, cov=1, allow_singular=False):
    residual = x if mean is None else x - mean
    solved = residual / cov if np.ndim(cov) < 2 else np.linalg.solve(cov, residual[..., None])[..., 0]
    dy = np.reshape(-np.sum(solved * dx, axis=-1), np.shape(y))
    dy = np.reshape(np.sum(solved * dmean, axis=-1), np.shape(y))
    dy = np.reshape(
        -0.5 * np.sum((1.0 / cov - solved * solved) * dcov, axis=-1) if np.ndim(cov) < 2
        else -0.5 * (np.trace(np.linalg.solve(cov, dcov)) - np.sum((solved @ dcov) * solved, axis=-1)),
        np.shape(y),
    )


limits(scipy.stats.multivariate_normal.logpdf, defaults_only=("allow_singular",))
