"""A two-layer classifier with its parameters in a dict, as the autograd and JAX tutorials write it."""

import numpy as np


def init_params(rng, sizes):
    params = {}
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{i + 1}"] = rng.normal(scale=1.0 / np.sqrt(m), size=(m, n))
        params[f"b{i + 1}"] = np.zeros(n)
    return params


def log_softmax(z):
    z = z - np.max(z, axis=1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))


def predict(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    return log_softmax(h @ params["W2"] + params["b2"])


def loss(params, x, labels, weight_decay=1e-3):
    logp = predict(params, x)
    nll = -np.mean(logp[np.arange(x.shape[0]), labels])
    l2 = sum(np.sum(params[k] ** 2) for k in ("W1", "W2"))
    return nll + weight_decay * l2


def corpus_inputs(rng):
    x = rng.normal(size=(16, 5))
    labels = rng.integers(0, 3, size=16)
    return init_params(rng, [5, 8, 3]), x, labels


CORPUS = dict(f=loss, wrt=0)
