"""AR(p) model of a time series: the conditional Gaussian negative log-likelihood of the
coefficients and the log noise scale, with a stationarity check on the characteristic roots."""

import numpy as np


def check_stationary(phi):
    roots = np.roots(np.concatenate([[1.0], -phi]))
    if np.any(np.abs(roots) >= 1.0):
        raise ValueError(f"AR coefficients {phi} are not stationary")


def residuals(phi, x):
    p = len(phi)
    out = np.zeros(len(x) - p)
    for t in range(p, len(x)):
        out[t - p] = x[t] - phi @ x[t - p : t][::-1]
    return out


def negative_log_likelihood(theta, x):
    phi, log_sigma = theta[:-1], theta[-1]
    check_stationary(phi)
    e = residuals(phi, x)
    sigma2 = np.exp(2 * log_sigma)
    return 0.5 * len(e) * np.log(2 * np.pi * sigma2) + 0.5 * np.sum(e**2) / sigma2


def corpus_inputs(rng):
    true_phi = np.array([0.6, -0.3, 0.1])
    x = np.zeros(120)
    for t in range(3, 120):
        x[t] = true_phi @ x[t - 3 : t][::-1] + 0.5 * rng.normal()
    return np.array([0.5, -0.2, 0.05, np.log(0.6)]), x


CORPUS = dict(f=negative_log_likelihood, wrt=0)
