"""Arithmetic-average Asian call under geometric Brownian motion, priced by Monte Carlo with fixed
normal draws (common random numbers); pathwise delta and vega as the gradient."""

import numpy as np


def gbm_paths(S0, r, sigma, T, normals):
    n_paths, n_steps = normals.shape
    dt = T / n_steps
    log_increments = (r - 0.5 * sigma**2) * dt + sigma * np.sqrt(dt) * normals
    return S0 * np.exp(np.cumsum(log_increments, axis=1))


def asian_call(S0, sigma, K, r, T, normals):
    paths = gbm_paths(S0, r, sigma, T, normals)
    average = paths.mean(axis=1)
    payoff = np.maximum(average - K, 0.0)
    return np.exp(-r * T) * payoff.mean()


def corpus_inputs(rng):
    normals = rng.standard_normal((500, 12))
    return 100.0, 0.25, 100.0, 0.03, 1.0, normals


CORPUS = dict(f=asian_call, wrt=(0, 1))
