"""Circular regression: wind directions with a von Mises distribution whose mean turns with covariates."""

import numpy as np
from scipy.special import i0


def von_mises_logpdf(angle, mu, kappa):
    return kappa * np.cos(angle - mu) - np.log(2 * np.pi * i0(kappa))


def neg_log_likelihood(theta, angles, X):
    mu0, log_kappa, *slopes = theta
    mu = mu0 + 2 * np.arctan(X @ np.array(slopes))  # link of Fisher & Lee (1992)
    return -np.sum(von_mises_logpdf(angles, mu, np.exp(log_kappa)))


def corpus_inputs(rng):
    X = rng.normal(size=(50, 2))
    angles = 0.5 + 2 * np.arctan(X @ np.array([0.4, -0.3])) + rng.vonmises(0.0, 4.0, size=50)
    return np.array([0.4, np.log(3.0), 0.3, -0.2]), angles, X


CORPUS = dict(f=neg_log_likelihood, wrt=0)
