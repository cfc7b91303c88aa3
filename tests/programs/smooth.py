"""Smooth functions for second-order tests (Hessian-vector products, grad of grad)."""

import math

import numpy as np


def quadratic(x, A):
    return 0.5 * np.sum(x * (A @ x))


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def log_sum_exp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def softmax_entropy(x):
    p = np.exp(x) / np.sum(np.exp(x))
    return -np.sum(p * np.log(p))


def mlp(w, x):
    W = np.reshape(w, (3, 4))
    h = np.tanh(x @ W)
    return np.sum(h * h) / 2.0


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.log(1.0 + np.exp(-y * z)))


def trig_mix(x):
    return np.sum(np.sin(x) * np.cos(2.0 * x) + x ** 3 / 3.0)


def sqrt_norm(x):
    return np.sqrt(np.sum(x * x) + 1.0)


def loop_tanh(x):
    y = x
    for i in range(4):
        y = np.tanh(y * 1.2) + 0.1 * x
    return np.sum(y * y)


def while_damped(x):
    y = x
    k = 0
    while k < 5:
        y = y - 0.1 * np.sin(y) * x
        k = k + 1
    return np.sum(y ** 2)


def branchy(x):
    if np.sum(x) > 0.0:
        y = np.exp(0.5 * x)
    else:
        y = x * x * x
    return np.sum(y * x)


def rnn(W, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def horner(x, coeffs, n):
    if n == 0:
        return np.sum(coeffs[0] * x ** 0)
    return np.sum(coeffs[n] * x ** n) + horner(x, coeffs, n - 1)


def poly_recursive(x, n):
    if n == 0:
        return np.sum(np.sin(x))
    return np.sum(x * x) * 0.1 + poly_recursive(np.tanh(x), n - 1)


def with_helper(x):
    return np.sum(_helper(x) * x)


def _helper(z):
    return np.exp(-z * z)


def lists_and_stack(x):
    parts = []
    for i in range(3):
        parts.append(np.sin(x * (i + 1.0)))
    return np.sum(np.stack(parts) ** 2)


# scalar functions for grad of grad
def s_poly(x):
    return x ** 4 - 3.0 * x ** 2 + x


def s_trig(x):
    return math.sin(x) * math.cos(x) + x


def s_exp_log(x):
    return math.exp(0.5 * x) + math.log(1.0 + x * x)


def s_np(x):
    return np.tanh(x) * np.exp(-x * x)


def s_loop(x):
    y = x
    for i in range(3):
        y = np.sin(y) * x
    return y


def s_while(x):
    y = 1.0
    k = 0
    while k < 4:
        y = y * x + 0.5
        k = k + 1
    return y


def s_branch(x):
    if x > 0.0:
        return x * x * x
    return np.sin(x)


def s_rec(x, n):
    if n == 0:
        return x
    return s_rec(np.sin(x) * x, n - 1)


def s_helper(x):
    return s_inner(x) * s_inner(2.0 * x)


def s_inner(u):
    return u * np.exp(-u)


def s_sqrt(x):
    return np.sqrt(1.0 + x * x) / (2.0 + x)
