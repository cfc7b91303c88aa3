"""Straight-line test programs (no control flow)."""

import math

import numpy
import numpy as np
from numpy import tanh

SCALE = 0.5


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(np.sum(y * log_probs, axis=1))


def spellings(x):
    a = numpy.tanh(x)
    b = tanh(x)
    c = np.exp(x) * SCALE
    return np.sum(a * b + c)


def augmented(x, y):
    z = x * y
    z += x
    z *= 2.0
    z -= y
    z /= 3.0
    z **= 2
    return z.sum()


def unpacking(x, y):
    a, b = x * y, x + y
    (c, d), e = (a, b), a
    return np.sum(c * d + e)


def swap(x, y):
    x, y = y, x * 2.0
    return np.sum(x * y * y)


def chained(x, lo, hi):
    inside = lo < x < hi
    return np.sum(np.where(inside, x * x, 0.0))


def constants(x):
    y = 2 * x - 1.5 + 3 ** 2 - np.pi * x / math.e
    return np.sum(y * -x)


def attributes(x, w):
    n = x.shape[0]
    return np.sum(x.T @ w) / n + x.ndim


def methods(x, w):
    a = x.sum(axis=0)
    b = x.mean()
    c = x.reshape(-1, 2)
    d = x.dot(w)
    e = x.max()
    return np.sum(a) + b + np.sum(c * c) + np.sum(d * d) + e + x.astype(float).sum()


def subscripts(x, i):
    a = x[0]
    b = x[1:, 2]
    c = x[:, ::2]
    d = x[i, i]
    e = x[[0, 2], 1]
    return np.sum(a) + np.sum(b * b) + np.sum(c) * 2.0 + d + np.sum(e ** 3)


def array_literal(a, b):
    v = np.array([a, b * 2.0, a * b])
    return np.sum(v * v)


def tuples(a, b):
    t = (a, b, a * b)
    u = [t[0] * 2.0, t[2]]
    return np.sum(u[0] * u[1]) + np.sum(t[1])


def broadcasting(x, row, col, s):
    return np.sum(x * row + col / (1.0 + s * s) - s)


def floats(a, b):
    return a * b + a / b - a ** 2 + math.sin(a) * b


def comparisons(x, y):
    mask = x > y
    big = (x >= 0.5) & (y <= 0.1)
    return np.sum(x * mask + y * big)


def keywords(x, scale=2.0, *, shift=1.0):
    return np.sum(scale * x + shift * x * x)


def helper_inner(u, power=2):
    return u ** power


def helper_outer(v, w, bias=0.0):
    return helper_inner(v * w, power=3) + helper_inner(w) + bias


def two_levels(x, w):
    a = helper_outer(x, w, bias=1.0)
    b = helper_outer(w=x, v=a)
    c = helper_inner(a)
    return np.sum(a + b + c)


def returns_pair(x, y):
    return x * y, x + y


def use_pair(x, y):
    p, q = returns_pair(x, y)
    r = returns_pair(p, q)
    return np.sum(p * q + r[0] - r[1])


def identity(x):
    return x


def uses_identity(x):
    return np.sum(identity(x) * x)


def non_scalar(x):
    return x * 2.0


def no_rule(x):
    return np.sum(np.fft.hfft(x))


def constant_call(x, data):
    n = len(data)
    z = np.zeros(3)
    noise = np.fft.fft(data).real
    return np.sum(x * n + z) + np.sum(noise) * 0.0


def int_input(x, n):
    return np.sum(x * n)
