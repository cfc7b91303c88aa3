"""Poisson regression of counts with an exposure offset (log link)."""

import numpy as np
from scipy.special import gammaln


def poisson_log_likelihood(beta, X, counts, exposure):
    if np.any(counts < 0):
        raise ValueError("counts must be non-negative")
    eta = X @ beta + np.log(exposure)
    return np.sum(counts * eta - np.exp(eta) - gammaln(counts + 1))


def penalized_deviance(beta, X, counts, exposure, ridge=0.1):
    return -2.0 * poisson_log_likelihood(beta, X, counts, exposure) + ridge * beta[1:] @ beta[1:]


def corpus_inputs(rng):
    n = 60
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
    exposure = rng.uniform(0.5, 2.0, size=n)
    true_beta = np.array([0.5, 0.3, -0.2, 0.1])
    counts = rng.poisson(exposure * np.exp(X @ true_beta)).astype(float)
    return np.array([0.4, 0.2, -0.1, 0.0]), X, counts, exposure


CORPUS = dict(f=penalized_deviance, wrt=0)
