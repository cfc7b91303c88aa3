"""Dirichlet likelihood of compositional data (proportions summing to one), concentrations on the log scale."""

import numpy as np
from scipy.special import gammaln


def dirichlet_logpdf(x, alpha):
    assert np.allclose(np.sum(x, axis=-1), 1.0), "rows must be compositions"
    log_norm = np.sum(gammaln(alpha)) - gammaln(np.sum(alpha))
    return np.sum((alpha - 1) * np.log(x), axis=-1) - log_norm


def neg_log_likelihood(log_alpha, compositions, prior_rate=0.1):
    alpha = np.exp(log_alpha)
    return -np.sum(dirichlet_logpdf(compositions, alpha)) + prior_rate * np.sum(alpha)


def corpus_inputs(rng):
    compositions = rng.dirichlet([2.0, 5.0, 1.5, 3.0], size=30)
    return np.log(np.array([1.5, 4.0, 1.0, 2.5])), compositions


CORPUS = dict(f=neg_log_likelihood, wrt=0)
