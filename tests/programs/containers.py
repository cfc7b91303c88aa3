"""Parameters kept in dicts, the layout of autograd's and JAX's tutorials."""

import numpy as np


def mlp_loss(params, x, y):
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return np.mean((out - y) ** 2)


def regularized(params, x, y, lam):
    """Nested dicts, a float leaf, and an entry never read (``frozen``)."""
    layer = params["layer"]
    z = x @ layer["W"] * params["scale"]
    return np.sum((z - y) ** 2) + lam * np.sum(layer["W"] ** 2)
