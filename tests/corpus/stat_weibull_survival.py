"""Weibull accelerated-failure-time model with right censoring.

Observed failures contribute log h(t) - H(t), censored units -H(t), with hazard
h(t) = k / lam (t / lam)^(k - 1) and cumulative hazard H(t) = (t / lam)^k, lam = exp(x beta).
"""

import numpy as np


def weibull_log_hazard(t, shape, scale):
    return np.log(shape) - np.log(scale) + (shape - 1) * np.log(t / scale)


def weibull_cum_hazard(t, shape, scale):
    return (t / scale) ** shape


def log_likelihood(params, times, observed, X):
    if np.any(times <= 0):
        raise ValueError("survival times must be positive")
    log_shape, beta = params[0], params[1:]
    shape = np.exp(log_shape)
    scale = np.exp(X @ beta)
    return np.sum(observed * weibull_log_hazard(times, shape, scale) - weibull_cum_hazard(times, shape, scale))


def corpus_inputs(rng):
    n = 70
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, size=n)])
    times = np.exp(X @ np.array([1.0, 0.3, -0.4])) * rng.weibull(1.5, size=n)
    censor_at = rng.uniform(0.5, 5.0, size=n)
    observed = times < censor_at
    return np.array([np.log(1.3), 0.9, 0.2, -0.3]), np.minimum(times, censor_at), observed, X


CORPUS = dict(f=log_likelihood, wrt=0)
