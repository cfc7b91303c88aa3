"""Hierarchical beta-binomial model (the rat tumour example of Gelman et al., BDA chapter 5).

The log posterior of the hyperparameters, parametrized as (log(a / b), log(a + b)), with the
prior p(a, b) proportional to (a + b)^(-5/2) and the Jacobian of that change of variables.
"""

import numpy as np
from scipy.special import betaln, gammaln


def log_binom(n, k):
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def beta_binomial_logpmf(k, n, a, b):
    return log_binom(n, k) + betaln(k + a, n - k + b) - betaln(a, b)


def log_posterior(phi, tumours, rats):
    log_ratio, log_total = phi
    total = np.exp(log_total)
    a = total / (1.0 + np.exp(-log_ratio))
    b = total - a
    log_prior = -2.5 * np.log(a + b)
    log_jacobian = np.log(a) + np.log(b)
    return log_prior + log_jacobian + np.sum(beta_binomial_logpmf(tumours, rats, a, b))


def corpus_inputs(rng):
    rats = rng.integers(15, 30, size=20).astype(float)
    theta = rng.beta(2.0, 14.0, size=20)
    tumours = rng.binomial(rats.astype(int), theta).astype(float)
    return np.array([np.log(2.0 / 14.0), np.log(16.0)]), tumours, rats


CORPUS = dict(f=log_posterior, wrt=0)
