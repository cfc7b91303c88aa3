"""Log-likelihood of a one-dimensional Gaussian mixture, weights as softmax logits."""

import numpy as np
from scipy.special import logsumexp


def normal_logpdf(x, mean, log_std):
    return -0.5 * ((x - mean) / np.exp(log_std)) ** 2 - log_std - 0.5 * np.log(2 * np.pi)


def gmm_log_likelihood(params, x):
    means, log_stds, logits = params
    if not means.shape == log_stds.shape == logits.shape:
        raise ValueError(f"parameter shapes differ: {means.shape}, {log_stds.shape}, {logits.shape}")
    log_weights = logits - logsumexp(logits)
    component_logp = normal_logpdf(x[:, None], means[None, :], log_stds[None, :])
    return np.sum(logsumexp(log_weights + component_logp, axis=1))


def corpus_inputs(rng):
    x = np.concatenate([rng.normal(-2.0, 0.5, 40), rng.normal(1.0, 1.0, 60), rng.normal(4.0, 0.7, 30)])
    params = (np.array([-1.5, 0.5, 3.0]), np.array([0.0, 0.2, -0.3]), np.array([0.1, 0.3, -0.2]))
    return params, x


CORPUS = dict(f=gmm_log_likelihood, wrt=0)
