"""Linear mixed model with random intercepts per group: the joint log density of data and random effects."""

import numpy as np
from scipy.stats import norm


def log_joint(params, X, group, y):
    sigma = np.exp(params["log_sigma"])
    tau = np.exp(params["log_tau"])
    mean = X @ params["beta"] + params["u"][group]
    log_lik = np.sum(norm.logpdf(y, loc=mean, scale=sigma))
    log_random_effects = np.sum(norm.logpdf(params["u"], 0.0, tau))
    log_hyperprior = norm.logpdf(params["log_sigma"], 0.0, 2.0) + norm.logpdf(params["log_tau"], 0.0, 2.0)
    return log_lik + log_random_effects + log_hyperprior


def corpus_inputs(rng):
    n_groups, n = 6, 48
    group = rng.integers(0, n_groups, size=n)
    X = np.column_stack([np.ones(n), rng.normal(size=n)])
    u = 0.8 * rng.normal(size=n_groups)
    y = X @ np.array([1.0, -0.5]) + u[group] + 0.3 * rng.normal(size=n)
    params = {"beta": np.array([0.9, -0.4]), "u": 0.5 * u, "log_sigma": np.log(0.4), "log_tau": np.log(0.7)}
    return params, X, group, y


CORPUS = dict(f=log_joint, wrt=0)
