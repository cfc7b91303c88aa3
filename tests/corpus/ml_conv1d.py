"""A small 1-D convolutional classifier of time series: convolution, tanh, average pooling, dense softmax."""

import numpy as np


def conv1d(x, W, b, stride=1):
    """x: (batch, in_channels, length); W: (out_channels, in_channels, width)."""
    out_channels, in_channels, width = W.shape
    if x.shape[1] != in_channels:
        raise ValueError(f"expected {in_channels} input channels, got {x.shape[1]}")
    n_out = (x.shape[2] - width) // stride + 1
    windows = np.stack([x[:, :, i * stride:i * stride + width] for i in range(n_out)], axis=-1)
    return np.einsum("bcwt,ocw->bot", windows, W) + b[None, :, None]


def log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def predict(params, x):
    h = np.tanh(conv1d(x, params["conv_W"], params["conv_b"], stride=2))
    pooled = h.mean(axis=2)
    return log_softmax(pooled @ params["dense_W"] + params["dense_b"])


def cross_entropy(params, x, labels):
    logp = predict(params, x)
    return -np.mean(logp[np.arange(len(labels)), labels])


def corpus_inputs(rng):
    x = rng.normal(size=(5, 2, 17))
    labels = rng.integers(0, 3, size=5)
    params = {
        "conv_W": 0.4 * rng.normal(size=(4, 2, 3)),
        "conv_b": 0.1 * rng.normal(size=4),
        "dense_W": 0.5 * rng.normal(size=(4, 3)),
        "dense_b": np.zeros(3),
    }
    return params, x, labels


CORPUS = dict(f=cross_entropy, wrt=0)
