"""Gradients through Python control flow: loops, data-dependent exits, recursion.

Run:  python examples/control_flow.py

Each function below is ordinary Python. s2s keeps its control flow in the
derivative: the backward sweep of a loop is a loop over what the forward
sweep saved, and the backward sweep of a recursive function is recursive.
Their generated derivatives are in generated/ (control_flow_grad_*.py).
"""

import numpy as np

import s2s


def rnn_loss(W, U, h0, xs):
    """An Elman RNN over the rows of xs (a Python `for` loop), summed output."""
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h * h)


def newton_sqrt(a):
    """sqrt(a) by Newton's iteration, until the step is tiny (a `while` loop)."""
    x = a
    step = 1.0
    while abs(step) > 1e-12:
        step = (x * x - a) / (2.0 * x)
        x = x - step
    return x


def exp_series(x):
    """exp(x) as a Taylor series summed until the terms stop mattering (`break`)."""
    total = 1.0
    term = 1.0
    for k in range(1, 200):
        term = term * x / k
        if abs(term) < 1e-16 * abs(total):
            break
        total = total + term
    return total


def power(x, n):
    """x ** n by repeated squaring (recursion on n)."""
    if n == 0:
        return 1.0
    half = power(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


def even_chain(x, n):
    """Two mutually recursive functions passing a value down n levels."""
    if n == 0:
        return x
    return odd_chain(np.sin(x), n - 1)


def odd_chain(x, n):
    if n == 0:
        return x * x
    return even_chain(1.5 * x, n - 1)


def check(name, f, args, exact, wrt=0):
    g = s2s.grad(f, wrt=wrt)(*args)
    error = np.max(np.abs(np.asarray(g) - exact)) / max(1.0, np.max(np.abs(exact)))
    print(f"{name:<32} gradient {np.ravel(g)[:3]}  error {error:.1e}")
    assert error < 1e-6, (name, g, exact)


def numeric(f, args, i, eps=1e-6):
    x = np.array(args[i], dtype=float)
    g = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[j] += eps
        down[j] -= eps
        a_up = list(args)
        a_down = list(args)
        a_up[i], a_down[i] = (up if x.shape else float(up)), (down if x.shape else float(down))
        g[j] = (f(*a_up) - f(*a_down)) / (2 * eps)
    return g


def main():
    rng = np.random.default_rng(0)
    W, U = 0.4 * rng.normal(size=(8, 8)), 0.4 * rng.normal(size=(8, 3))
    h0, xs = rng.normal(size=8), rng.normal(size=(50, 3))
    check("RNN, 50 steps, d/dW", rnn_loss, [W, U, h0, xs], numeric(rnn_loss, [W, U, h0, xs], 0))
    check("Newton sqrt(2.0)", newton_sqrt, [2.0], 0.5 / np.sqrt(2.0))
    check("series exp(1.3) with break", exp_series, [1.3], np.exp(1.3))
    check("power(1.1, 13) by squaring", power, [1.1, 13], 13 * 1.1 ** 12)
    check("mutual recursion, depth 7", even_chain, [0.7, 7], numeric(even_chain, [0.7, 7], 0))


if __name__ == "__main__":
    main()
