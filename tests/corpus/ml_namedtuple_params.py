"""A one-hidden-layer regression network with homoscedastic Gaussian noise, parameters in a NamedTuple."""

from typing import NamedTuple

import numpy as np


class Params(NamedTuple):
    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float
    log_noise: float


def init_params(rng, n_in, n_hidden):
    return Params(
        W1=rng.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_hidden)),
        b1=np.zeros(n_hidden),
        w2=rng.normal(scale=1 / np.sqrt(n_hidden), size=n_hidden),
        b2=0.0,
        log_noise=np.log(0.3),
    )


def predict(p, x):
    hidden = np.tanh(x @ p.W1 + p.b1)
    return hidden @ p.w2 + p.b2


def neg_log_likelihood(p, x, y):
    noise = np.exp(p.log_noise)
    r = (y - predict(p, x)) / noise
    return 0.5 * np.sum(r**2) + len(y) * (p.log_noise + 0.5 * np.log(2 * np.pi))


def corpus_inputs(rng):
    x = rng.uniform(-2, 2, size=(30, 2))
    y = np.sin(x[:, 0]) + 0.5 * x[:, 1] ** 2 + 0.2 * rng.normal(size=30)
    return init_params(rng, 2, 8), x, y


CORPUS = dict(f=neg_log_likelihood, wrt=0)
