"""scipy.stats: the distribution methods probabilistic code calls on its parameters."""

from . import normal, uniform

CALLS = [
    ("scipy.stats.norm.logpdf(x, mu, s)", {"x": normal(4), "mu": normal(4), "s": uniform(0.5, 2, 4)}),
    ("scipy.stats.norm.logpdf(x, loc=mu, scale=np.exp(log_s))", {"x": normal(3, 4), "mu": normal(4), "log_s": 0.2}),
    ("scipy.stats.norm.pdf(x, mu, 1.5)", {"x": normal(5), "mu": 0.3}),
    ("scipy.stats.norm.cdf(x, loc=mu)", {"x": normal(5), "mu": normal(5)}),
    ("scipy.stats.norm.logcdf((x - mu) / s)", {"x": normal(5), "mu": 0.1, "s": 1.4}),
    ("scipy.stats.norm.sf(x, mu, s)", {"x": normal(4), "mu": normal(4), "s": 0.8}),
    ("scipy.stats.norm.logsf(x, scale=s)", {"x": normal(4), "s": uniform(0.5, 2, 4)}),
    ("scipy.stats.t.logpdf(x, nu, mu, s)", {"x": normal(4), "nu": uniform(2, 8, 4), "mu": 0.2, "s": 1.1}),
    ("scipy.stats.t.logpdf(r, df=np.exp(log_nu))", {"r": normal(6), "log_nu": 1.2}),
    ("scipy.stats.t.pdf(x, 4.0, loc=mu)", {"x": normal(4), "mu": normal(4)}),
    ("scipy.stats.t.cdf(x, 5.0, mu, s)", {"x": normal(4), "mu": 0.1, "s": 1.3}),
    ("scipy.stats.t.logsf(x, 3.0)", {"x": normal(4)}),
    ("scipy.stats.gamma.logpdf(x, a, scale=theta)", {"x": uniform(0.5, 4, 5), "a": uniform(1, 3, 5), "theta": 1.5}),
    ("scipy.stats.gamma.pdf(x, a, loc, s)", {"x": uniform(2, 4, 4), "a": 2.5, "loc": 0.3, "s": 0.9}),
    ("scipy.stats.gamma.cdf(x, 2.0, scale=s)", {"x": uniform(0.5, 4, 5), "s": 1.2}),
    ("scipy.stats.gamma.logsf(x, 3.0)", {"x": uniform(0.5, 4, 5)}),
    ("scipy.stats.beta.logpdf(p, a, b)", {"p": uniform(0.1, 0.9, 5), "a": uniform(1, 3, 5), "b": 2.5}),
    ("scipy.stats.beta.pdf(p, a, b)", {"p": uniform(0.2, 0.8, 3), "a": 2.0, "b": uniform(1.5, 3, 3)}),
    ("scipy.stats.beta.cdf(p, 2.0, 3.0)", {"p": uniform(0.1, 0.9, 5)}),
    ("scipy.stats.beta.logcdf(x, 2.0, 3.0, loc, s)", {"x": uniform(0.3, 0.7, 4), "loc": 0.05, "s": 1.1}),
    ("scipy.stats.poisson.logpmf([0, 2, 5, 1], rate)", {"rate": uniform(0.5, 4, 4)}),
    ("scipy.stats.poisson.pmf(3, np.exp(eta))", {"eta": normal(4)}),
    ("scipy.stats.expon.logpdf(t, scale=1.0 / lam)", {"t": uniform(0.1, 3, 5), "lam": 1.7}),
    ("scipy.stats.expon.logsf(t, scale=s)", {"t": uniform(0.1, 3, 5), "s": uniform(0.5, 2, 5)}),
    ("scipy.stats.laplace.logpdf(x, mu, b)", {"x": uniform(0.5, 2, 5), "mu": uniform(-0.3, 0.3, 5), "b": 0.7}),
    ("scipy.stats.logistic.logcdf(x, mu, s)", {"x": normal(5), "mu": 0.2, "s": 1.3}),
    ("scipy.stats.logistic.cdf(z)", {"z": normal(5)}),
    ("scipy.stats.cauchy.logpdf(x, mu, gamma)", {"x": normal(5), "mu": normal(5), "gamma": 0.6}),
    ("scipy.stats.cauchy.cdf(x, scale=s)", {"x": normal(5), "s": 1.5}),
    ("scipy.stats.lognorm.logpdf(x, sigma, scale=np.exp(mu))", {"x": uniform(0.5, 4, 5), "sigma": 0.8, "mu": 0.3}),
    ("scipy.stats.lognorm.cdf(x, sigma)", {"x": uniform(0.5, 4, 5), "sigma": uniform(0.4, 1.2, 5)}),
    ("scipy.stats.multivariate_normal.logpdf(x, mean, a @ a.T + np.eye(3))", {"x": normal(4, 3), "mean": normal(3), "a": normal(3, 3)}),
    ("scipy.stats.multivariate_normal.logpdf(x, mean=m, cov=np.exp(log_var))", {"x": normal(5, 2), "m": normal(2), "log_var": normal(2)}),
]

REFUSED = [
    ("scipy.stats.t.cdf(x, nu)", {"x": normal(3), "nu": 4.0}, "scipy.stats.t.cdf"),
    ("scipy.stats.gamma.cdf(x, a)", {"x": uniform(0.5, 3, 3), "a": 2.0}, "scipy.stats.gamma.cdf"),
    ("scipy.stats.beta.logcdf(p, a, 2.0)", {"p": uniform(0.2, 0.8, 3), "a": 2.0}, "scipy.stats.beta.logcdf"),
    ("scipy.stats.poisson.logpmf(k, 2.0)", {"k": uniform(1, 3, 3)}, "scipy.stats.poisson.logpmf"),
    ("scipy.stats.norm.ppf(p, mu)", {"p": uniform(0.1, 0.9, 3), "mu": 0.5}, "scipy.stats.norm.ppf"),
    ("scipy.stats.gamma.rvs(a, size=3)", {"a": 2.0}, "scipy.stats.gamma.rvs"),
]
