"""Negative-binomial (NB2) regression for overdispersed counts: mean exp(X beta), variance mu + alpha mu^2."""

import numpy as np
from scipy.special import gammaln


def negbin_logpmf(y, mu, alpha):
    r = 1.0 / alpha
    return (gammaln(y + r) - gammaln(r) - gammaln(y + 1)
            + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))


def neg_log_likelihood(params, X, y):
    beta, log_alpha = params[:-1], params[-1]
    mu = np.exp(X @ beta)
    return -np.sum(negbin_logpmf(y, mu, np.exp(log_alpha)))


def corpus_inputs(rng):
    n = 80
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 2))])
    mu = np.exp(X @ np.array([1.0, 0.4, -0.3]))
    y = rng.negative_binomial(2.0, 2.0 / (2.0 + mu)).astype(float)
    return np.array([0.9, 0.3, -0.2, np.log(0.4)]), X, y


CORPUS = dict(f=neg_log_likelihood, wrt=0)
