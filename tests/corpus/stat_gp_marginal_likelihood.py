"""Gaussian-process regression: the log marginal likelihood of the kernel hyperparameters.

Squared-exponential kernel with a lengthscale, a signal variance and a noise variance, all
optimized on the log scale (Rasmussen & Williams, algorithm 2.1).
"""

import numpy as np
from scipy.linalg import cho_solve


def sq_exp_kernel(x1, x2, lengthscale, variance):
    sqdist = np.sum((x1[:, None, :] - x2[None, :, :]) ** 2, axis=-1)
    return variance * np.exp(-0.5 * sqdist / lengthscale**2)


def log_marginal_likelihood(log_hypers, x, y, jitter=1e-8):
    lengthscale, variance, noise = np.exp(log_hypers)
    n = x.shape[0]
    K = sq_exp_kernel(x, x, lengthscale, variance) + (noise + jitter) * np.eye(n)
    L = np.linalg.cholesky(K)
    alpha = cho_solve((L, True), y)
    data_fit = -0.5 * y @ alpha
    complexity = -np.sum(np.log(np.diag(L)))
    return data_fit + complexity - 0.5 * n * np.log(2 * np.pi)


def objective(log_hypers, x, y):
    return -log_marginal_likelihood(log_hypers, x, y)


def corpus_inputs(rng):
    x = rng.uniform(-3, 3, size=(25, 2))
    y = np.sin(x[:, 0]) * np.cos(0.5 * x[:, 1]) + 0.1 * rng.normal(size=25)
    return np.log(np.array([1.2, 0.8, 0.05])), x, y


CORPUS = dict(f=objective, wrt=0)
