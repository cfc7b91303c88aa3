"""Softmax regression trained with dropout on the inputs: at evaluation the weights are scaled by the keep rate."""

import numpy as np
from scipy.special import logsumexp


def evaluation_params(params, keep_prob):
    return {name: value * keep_prob if name.startswith("W") else value for name, value in params.items()}


def log_probs(params, X):
    logits = X @ params["W"] + params["b"]
    return logits - logsumexp(logits, axis=1, keepdims=True)


def validation_loss(params, X, labels, keep_prob=0.8, l2=1e-3):
    p = evaluation_params(params, keep_prob)
    nll = -np.mean(log_probs(p, X)[np.arange(len(labels)), labels])
    return nll + l2 * sum(np.sum(v**2) for v in params.values())


def corpus_inputs(rng):
    X = rng.normal(size=(25, 4))
    labels = rng.integers(0, 3, size=25)
    params = {"W": 0.5 * rng.normal(size=(4, 3)), "b": 0.1 * rng.normal(size=3)}
    return params, X, labels


CORPUS = dict(f=validation_loss, wrt=0)
