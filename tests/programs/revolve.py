"""Loops checkpointed with Revolve, and the same loops plain."""

import numpy as np

import s2s


def rnn_checkpointed(W, h, xs):
    for t in s2s.checkpoint(range(xs.shape[0]), snapshots=20):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def rnn_plain(W, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def two_carried_checkpointed(x, n):
    a = x
    b = x * 0.5
    for i in s2s.checkpoint(range(n), snapshots=3):
        a, b = np.sin(b) + a * 0.9, np.cos(a) * 0.8
    return np.sum(a * b)


def two_carried_plain(x, n):
    a = x
    b = x * 0.5
    for i in range(n):
        a, b = np.sin(b) + a * 0.9, np.cos(a) * 0.8
    return np.sum(a * b)
