"""Quickstart: the gradient of a two-layer MLP's loss, as Python source.

Run:  python examples/mlp.py

s2s reads `loss` below, writes a new Python module that computes its gradient
with respect to the four parameter arrays, loads it, checks it against finite
differences and takes a few steps of gradient descent with it.
"""

import numpy as np

import s2s


def loss(W1, b1, W2, b2, x, y):
    """Softmax cross-entropy of a tanh MLP on inputs x (batch, features), one-hot y."""
    h = np.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(np.sum(y * log_probs, axis=1))


def numeric_grad(f, args, i, eps=1e-6):
    """Central finite differences of f with respect to args[i]."""
    g = np.zeros_like(args[i])
    for j in np.ndindex(g.shape):
        up = [a.copy() for a in args]
        down = [a.copy() for a in args]
        up[i][j] += eps
        down[i][j] -= eps
        g[j] = (f(*up) - f(*down)) / (2 * eps)
    return g


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4))
    y = np.eye(3)[(x[:, 0] > 0).astype(int) + (x[:, 1] > 1).astype(int)]
    params = [rng.normal(scale=0.5, size=s) for s in [(4, 16), (16,), (16, 3), (3,)]]

    grad_loss = s2s.grad(loss, wrt=("W1", "b1", "W2", "b2"))
    print(f"s2s wrote the gradient of `loss` to {grad_loss.path}")
    print("one function, `grad_loss`: the forward sweep, then from the return line on the backward sweep:\n")
    source = grad_loss.source
    start = source.index("    # mlp.py:21  return")  # the comment that quotes loss's return line
    print("    ...\n" + "\n".join(source[start:].splitlines()[:8]) + "\n    ...\n")

    grads = grad_loss(*params, x, y)
    for i, (name, g) in enumerate(zip(["W1", "b1", "W2", "b2"], grads)):
        expected = numeric_grad(loss, [*params, x, y], i)
        error = np.max(np.abs(g - expected)) / np.max(np.abs(expected))
        print(f"d loss / d {name}: shape {g.shape}, relative error vs finite differences {error:.1e}")
        assert error < 1e-6

    before = loss(*params, x, y)
    for _ in range(200):
        grads = grad_loss(*params, x, y)
        params = [p - 0.5 * g for p, g in zip(params, grads)]
    after = loss(*params, x, y)
    print(f"\n200 steps of gradient descent: loss {before:.3f} -> {after:.3f}")
    assert after < 0.5 * before


if __name__ == "__main__":
    main()
