"""Bayesian logistic regression: the unnormalized log posterior, as passed to HMC or a Laplace fit."""

import numpy as np


def log_prior(w, prior_scale):
    return -0.5 * np.sum((w / prior_scale) ** 2) - w.size * np.log(prior_scale * np.sqrt(2 * np.pi))


def log_likelihood(w, X, y):
    logits = X @ w
    return np.sum(y * logits - np.logaddexp(0.0, logits))


def log_posterior(w, X, y, prior_scale=2.5):
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"labels must be 0 or 1, got {np.unique(y)}")
    design = np.column_stack([np.ones(len(X)), X])
    return log_prior(w, prior_scale) + log_likelihood(w, design, y)


def corpus_inputs(rng):
    X = rng.normal(size=(40, 3))
    p = 1 / (1 + np.exp(-(0.3 + X @ np.array([1.0, -2.0, 0.5]))))
    y = (rng.uniform(size=40) < p).astype(float)
    return np.array([0.2, 0.8, -1.5, 0.4]), X, y


CORPUS = dict(f=log_posterior, wrt=0)
