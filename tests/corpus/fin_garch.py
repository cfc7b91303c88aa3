"""GARCH(1,1) negative log-likelihood of daily returns (Gaussian innovations), with the
variance recursion written as a loop over time."""

import numpy as np


def garch_variances(theta, returns):
    omega, alpha, beta = theta
    if omega <= 0 or alpha < 0 or beta < 0:
        raise ValueError(f"GARCH parameters must be positive, got {theta}")
    if alpha + beta >= 1:
        raise ValueError(f"non-stationary: alpha + beta = {alpha + beta:.3f} >= 1")
    sigma2 = np.empty_like(returns)
    sigma2[0] = np.var(returns)
    for t in range(1, len(returns)):
        sigma2[t] = omega + alpha * returns[t - 1] ** 2 + beta * sigma2[t - 1]
    return sigma2


def negative_log_likelihood(theta, returns):
    sigma2 = garch_variances(theta, returns)
    return 0.5 * np.sum(np.log(2 * np.pi) + np.log(sigma2) + returns**2 / sigma2)


def simulate(theta, n, rng):
    omega, alpha, beta = theta
    returns = np.zeros(n)
    variance = omega / (1 - alpha - beta)
    for t in range(n):
        returns[t] = np.sqrt(variance) * rng.normal()
        variance = omega + alpha * returns[t] ** 2 + beta * variance
    return returns


def corpus_inputs(rng):
    returns = simulate((0.05, 0.1, 0.85), 150, rng)
    return np.array([0.04, 0.12, 0.8]), returns


CORPUS = dict(f=negative_log_likelihood, wrt=0)
