"""Robust linear regression with Student-t errors; scale and degrees of freedom fitted on the log scale."""

import numpy as np
from scipy.special import gammaln


def student_t_logpdf(r, nu, scale):
    return (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - np.log(scale)
            - (nu + 1) / 2 * np.log1p((r / scale) ** 2 / nu))


def neg_log_likelihood(theta, X, y):
    beta, log_scale, log_nu = theta[:-2], theta[-2], theta[-1]
    residuals = y - X @ beta
    return -np.sum(student_t_logpdf(residuals, np.exp(log_nu), np.exp(log_scale)))


def corpus_inputs(rng):
    n = 50
    X = np.column_stack([np.ones(n), rng.uniform(-2, 2, size=(n, 2))])
    y = X @ np.array([1.0, 2.0, -0.5]) + 0.3 * rng.standard_t(3.0, size=n)
    y[::10] += 5.0  # outliers
    theta = np.array([0.8, 1.8, -0.4, np.log(0.4), np.log(4.0)])
    return theta, X, y


CORPUS = dict(f=neg_log_likelihood, wrt=0)
