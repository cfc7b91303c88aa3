"""An LSTM unrolled over a sequence, predicting the next value of a noisy signal at every step."""

import numpy as np


def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def init_lstm(rng, n_in, n_hidden, n_out):
    s = 1.0 / np.sqrt(n_hidden)
    return {
        "W_x": s * rng.normal(size=(n_in, 4 * n_hidden)),
        "W_h": s * rng.normal(size=(n_hidden, 4 * n_hidden)),
        "b": np.zeros(4 * n_hidden),
        "W_out": s * rng.normal(size=(n_hidden, n_out)),
        "b_out": np.zeros(n_out),
    }


def lstm_cell(params, h, c, x):
    gates = x @ params["W_x"] + h @ params["W_h"] + params["b"]
    i, f, o, g = np.split(gates, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return h, c


def sequence_loss(params, xs, targets):
    batch, n_hidden = xs.shape[1], params["W_h"].shape[0]
    h = np.zeros((batch, n_hidden))
    c = np.zeros((batch, n_hidden))
    loss = 0.0
    for x, target in zip(xs, targets):
        h, c = lstm_cell(params, h, c, x)
        prediction = h @ params["W_out"] + params["b_out"]
        loss = loss + np.mean((prediction - target) ** 2)
    return loss / len(xs)


def corpus_inputs(rng):
    t = np.linspace(0, 4 * np.pi, 13)
    series = np.sin(t[:, None] + rng.uniform(0, np.pi, size=(1, 4)))[:, :, None]  # (time, batch, 1)
    series = series + 0.05 * rng.normal(size=series.shape)
    return init_lstm(rng, 1, 5, 1), series[:-1], series[1:]


CORPUS = dict(f=sequence_loss, wrt=0)
