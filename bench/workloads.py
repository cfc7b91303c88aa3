"""Benchmark workloads: plain numpy functions and their hand-written gradients.

Each workload is written once, as an ordinary numpy (or ``math``-on-floats)
function.  s2s differentiates that function as it is; the peers (HIPS autograd,
JAX, PyTorch) run the *same source* re-executed with ``np`` and ``math`` bound
to their own array modules (see ``bench/run.py``), so every method computes the
same mathematical function.

The baseline of every workload is a gradient written by hand in numpy, the way
an expert would write it (closed forms such as ``softmax - y`` for the
cross-entropy, no differentiation of the max-subtraction, one fused backward
loop for recurrences).  ``Workload.grad`` returns what
``s2s.grad(fn, wrt=wrt)`` returns: one array (or float) for a single ``wrt``
name, a tuple for several.

``Workload.args(size)`` builds the arguments deterministically;
``size`` is ``"full"`` (the sizes the issue asks for), ``"quick"`` (the same
workloads scaled down, for ``run.py --quick``) or ``"small"`` (tiny, for the
smoke test in ``tests/test_bench.py``).

Each array workload (MLP, RNN, logistic regression, elementwise chain,
stencil) appears at three shapes of different character (issue 18): large
and small problems, a batch of one, many classes, a 2-D array, a long thin
grid, chosen without regard to how s2s does on them.
"""

import math

import numpy as np

from bench.workload import Workload

# --------------------------------------------------------------------------------------
# MLP: 2 hidden tanh layers, softmax cross-entropy


def mlp_loss(W1, b1, W2, b2, W3, b3, x, y):
    h1 = np.tanh(x @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(np.sum(y * log_probs, axis=1))


def mlp_loss_grad(W1, b1, W2, b2, W3, b3, x, y):
    """Backpropagation by hand; ``y`` is one-hot, so d loss / d logits = (softmax - y) / batch."""
    h1 = np.tanh(x @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    dlogits = (e / np.sum(e, axis=1, keepdims=True) - y) / x.shape[0]
    dW3 = h2.T @ dlogits
    db3 = np.sum(dlogits, axis=0)
    da2 = (dlogits @ W3.T) * (1.0 - h2 * h2)
    dW2 = h1.T @ da2
    db2 = np.sum(da2, axis=0)
    da1 = (da2 @ W2.T) * (1.0 - h1 * h1)
    dW1 = x.T @ da1
    db1 = np.sum(da1, axis=0)
    return dW1, db1, dW2, db2, dW3, db3


def _mlp_args(batch, features, hidden, classes, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [features, hidden, hidden, classes]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append(rng.normal(size=(n_in, n_out)) / np.sqrt(n_in))
        params.append(rng.normal(size=n_out) * 0.1)
    x = rng.normal(size=(batch, features))
    y = np.eye(classes)[rng.integers(0, classes, size=batch)]
    return (*params, x, y)


# --------------------------------------------------------------------------------------
# RNN: a Python for loop over time steps, tanh, loss summed over every step


def rnn_loss(W, U, b, h0, xs):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
        loss = loss + np.sum(h * h)
    return loss


def rnn_loss_grad(W, U, b, h0, xs):
    """Backpropagation through time by hand: keep every state, one fused backward loop."""
    hs = [h0]
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
        hs.append(h)
    dW = np.zeros_like(W)
    dU = np.zeros_like(U)
    db = np.zeros_like(b)
    dh = np.zeros_like(h0)
    for t in range(xs.shape[0] - 1, -1, -1):
        h = hs[t + 1]
        da = (dh + 2.0 * h) * (1.0 - h * h)
        dW += hs[t].T @ da
        dU += xs[t].T @ da
        db += np.sum(da, axis=0)
        dh = da @ W.T
    return dW, dU, db


def _rnn_args(steps, batch, features, hidden, seed=1):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
    U = rng.normal(size=(features, hidden)) / np.sqrt(features)
    b = rng.normal(size=hidden) * 0.1
    h0 = rng.normal(size=(batch, hidden)) * 0.1
    xs = rng.normal(size=(steps, batch, features))
    return W, U, b, h0, xs


# --------------------------------------------------------------------------------------
# Scalar while loop on Python floats


def scalar_loop(x, a, n):
    s = 0.0
    i = 0
    while i < n:
        s = 0.9 * s + 0.1 * math.sin(x * s + a) + 0.01 * x * x
        i = i + 1
    return s


def scalar_loop_grad(x, a, n):
    """Reverse mode by hand: record the trajectory, then one backward loop."""
    ss = []
    s = 0.0
    i = 0
    while i < n:
        ss.append(s)
        s = 0.9 * s + 0.1 * math.sin(x * s + a) + 0.01 * x * x
        i = i + 1
    ds, dx, da = 1.0, 0.0, 0.0
    for s in reversed(ss):
        c = 0.1 * math.cos(x * s + a) * ds
        dx += c * s + 0.02 * x * ds
        da += c
        ds = 0.9 * ds + c * x
    return dx, da


# --------------------------------------------------------------------------------------
# Recursion: a binary tree of tanh nodes evaluated by a recursive function


def tree(x, depth):
    if depth == 0:
        return math.sin(x)
    left = tree(0.9 * x + 0.1, depth - 1)
    right = tree(1.1 * x - 0.2, depth - 1)
    return math.tanh(left * right + 0.5 * left - 0.25 * right)


def _tree_with_derivative(x, depth):
    if depth == 0:
        return math.sin(x), math.cos(x)
    left, dleft = _tree_with_derivative(0.9 * x + 0.1, depth - 1)
    right, dright = _tree_with_derivative(1.1 * x - 0.2, depth - 1)
    out = math.tanh(left * right + 0.5 * left - 0.25 * right)
    dz = (right + 0.5) * 0.9 * dleft + (left - 0.25) * 1.1 * dright
    return out, (1.0 - out * out) * dz


def tree_grad(x, depth):
    """By hand: one input, so the derivative is carried up the recursion with the value."""
    return _tree_with_derivative(x, depth)[1]


# --------------------------------------------------------------------------------------
# Multinomial logistic regression with an explicit log-sum-exp


def logreg_loss(W, b, X, Y):
    z = X @ W + b
    m = np.max(z, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return np.mean(lse - np.sum(Y * z, axis=1, keepdims=True)) + 1e-3 * np.sum(W * W)


def logreg_loss_grad(W, b, X, Y):
    """By hand: d loss / d z = (softmax(z) - Y) / rows."""
    z = X @ W + b
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    dz = (e / np.sum(e, axis=1, keepdims=True) - Y) / X.shape[0]
    return X.T @ dz + 2e-3 * W, np.sum(dz, axis=0)


def _logreg_args(rows, features, classes, seed=2):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(features, classes)) * 0.05
    b = rng.normal(size=classes) * 0.1
    X = rng.normal(size=(rows, features))
    Y = np.eye(classes)[rng.integers(0, classes, size=rows)]
    return W, b, X, Y


# --------------------------------------------------------------------------------------
# Elementwise-heavy: a chain of exp/sin/tanh/multiply/add over a large vector


def elementwise(x, y):
    a = np.exp(np.sin(x) * 0.5)
    b = np.tanh(a * y + x)
    c = b * np.sin(y) + a * 0.1
    d = np.exp(-c * c) * x + np.tanh(y * c)
    return np.sum(d * d + c)


def elementwise_grad(x, y):
    sx = np.sin(x)
    a = np.exp(sx * 0.5)
    b = np.tanh(a * y + x)
    sy = np.sin(y)
    c = b * sy + a * 0.1
    e = np.exp(-c * c)
    t = np.tanh(y * c)
    dd = 2.0 * (e * x + t)
    dt = dd * (1.0 - t * t)
    dc = 1.0 - 2.0 * c * e * x * dd + y * dt
    du = dc * sy * (1.0 - b * b)
    dx = dd * e + du + (dc * 0.1 + du * y) * a * 0.5 * np.cos(x)
    dy = c * dt + dc * b * np.cos(y) + du * a
    return dx, dy


def _elementwise_args(n, seed=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.normal(size=n)


# --------------------------------------------------------------------------------------
# 5-point stencil energy on a grid: a Ginzburg-Landau energy with a discrete Laplacian


def stencil_energy(u, f):
    lap = 4.0 * u[1:-1, 1:-1] - u[:-2, 1:-1] - u[2:, 1:-1] - u[1:-1, :-2] - u[1:-1, 2:]
    return 0.5 * np.sum(lap * lap) + 0.25 * np.sum((u * u - 1.0) ** 2) - np.sum(f * u)


def stencil_energy_grad(u, f):
    lap = 4.0 * u[1:-1, 1:-1] - u[:-2, 1:-1] - u[2:, 1:-1] - u[1:-1, :-2] - u[1:-1, 2:]
    du = (u * u - 1.0) * u - f
    du[1:-1, 1:-1] += 4.0 * lap
    du[:-2, 1:-1] -= lap
    du[2:, 1:-1] -= lap
    du[1:-1, :-2] -= lap
    du[1:-1, 2:] -= lap
    return du


def _stencil_args(n, m=None, seed=4):
    """An ``n`` x ``m`` grid (square when ``m`` is None)."""
    rng = np.random.default_rng(seed)
    shape = (n, n if m is None else m)
    return rng.normal(size=shape), rng.normal(size=shape)


# --------------------------------------------------------------------------------------



def _mlp(batch, features=784, hidden=256, classes=10):
    return _mlp_args(batch, features, hidden, classes)


def _rnn(steps, batch=16, features=32, hidden=128):
    return _rnn_args(steps, batch, features, hidden)


def _scalar(n):
    return 0.7, 0.3, n


def _tree(depth):
    return 0.4, depth


def _logreg(rows, features=512, classes=10):
    return _logreg_args(rows, features, classes)


WORKLOADS = [
    Workload(
        "mlp_b64", mlp_loss, mlp_loss_grad, ("W1", "b1", "W2", "b2", "W3", "b3"),
        {"full": dict(batch=64), "quick": dict(batch=64), "small": dict(batch=5, features=7, hidden=6, classes=3)},
        _mlp, describe={"full": "784-256-256-10, batch 64", "quick": "784-256-256-10, batch 64"},
    ),
    Workload(
        "mlp_b1024", mlp_loss, mlp_loss_grad, ("W1", "b1", "W2", "b2", "W3", "b3"),
        {"full": dict(batch=1024), "quick": dict(batch=256), "small": dict(batch=9, features=5, hidden=4, classes=3)},
        _mlp, describe={"full": "784-256-256-10, batch 1024", "quick": "784-256-256-10, batch 256"},
    ),
    Workload(
        "mlp_b16_h32", mlp_loss, mlp_loss_grad, ("W1", "b1", "W2", "b2", "W3", "b3"),
        {"full": dict(batch=16, features=20, hidden=32, classes=4), "quick": dict(batch=16, features=20, hidden=32, classes=4),
         "small": dict(batch=3, features=4, hidden=5, classes=2)},
        _mlp, describe={"full": "20-32-32-4, batch 16", "quick": "20-32-32-4, batch 16"},
    ),
    Workload(
        "rnn_t50", rnn_loss, rnn_loss_grad, ("W", "U", "b"),
        {"full": dict(steps=50), "quick": dict(steps=50), "small": dict(steps=4, batch=3, features=2, hidden=5)},
        _rnn, unrolled=True, describe={"full": "50 steps, batch 16, 32->128", "quick": "50 steps, batch 16, 32->128"},
    ),
    Workload(
        "rnn_t1000", rnn_loss, rnn_loss_grad, ("W", "U", "b"),
        {"full": dict(steps=1000), "quick": dict(steps=200), "small": dict(steps=30, batch=2, features=3, hidden=4)},
        _rnn, unrolled=True, describe={"full": "1000 steps, batch 16, 32->128", "quick": "200 steps, batch 16, 32->128"},
    ),
    Workload(
        "rnn_b1_t500", rnn_loss, rnn_loss_grad, ("W", "U", "b"),
        {"full": dict(steps=500, batch=1, features=8, hidden=32), "quick": dict(steps=200, batch=1, features=8, hidden=32),
         "small": dict(steps=6, batch=1, features=2, hidden=3)},
        _rnn, unrolled=True, describe={"full": "500 steps, batch 1, 8->32", "quick": "200 steps, batch 1, 8->32"},
    ),
    Workload(
        "scalar_while", scalar_loop, scalar_loop_grad, ("x", "a"),
        {"full": dict(n=1000), "quick": dict(n=300), "small": dict(n=20)},
        _scalar, static=(2,), scalar=True, unrolled=True,
        describe={"full": "1000 iterations, floats", "quick": "300 iterations, floats"},
    ),
    Workload(
        "recursive_tree", tree, tree_grad, ("x",),
        {"full": dict(depth=10), "quick": dict(depth=7), "small": dict(depth=3)},
        _tree, static=(1,), scalar=True, unrolled=True,
        describe={"full": "depth 10 (2047 calls), floats", "quick": "depth 7 (255 calls), floats"},
    ),
    Workload(
        "logreg_lse", logreg_loss, logreg_loss_grad, ("W", "b"),
        {"full": dict(rows=4096), "quick": dict(rows=1024), "small": dict(rows=6, features=4, classes=3)},
        _logreg, describe={"full": "4096x512, 10 classes", "quick": "1024x512, 10 classes"},
    ),
    Workload(
        "logreg_n64", logreg_loss, logreg_loss_grad, ("W", "b"),
        {"full": dict(rows=64, features=20, classes=3), "quick": dict(rows=64, features=20, classes=3),
         "small": dict(rows=4, features=3, classes=2)},
        _logreg, describe={"full": "64x20, 3 classes", "quick": "64x20, 3 classes"},
    ),
    Workload(
        "logreg_c1000", logreg_loss, logreg_loss_grad, ("W", "b"),
        {"full": dict(rows=256, features=64, classes=1000), "quick": dict(rows=128, features=64, classes=1000),
         "small": dict(rows=5, features=3, classes=7)},
        _logreg, describe={"full": "256x64, 1000 classes", "quick": "128x64, 1000 classes"},
    ),
    Workload(
        "elementwise_1e6", elementwise, elementwise_grad, ("x", "y"),
        {"full": dict(n=1_000_000), "quick": dict(n=100_000), "small": dict(n=11)},
        _elementwise_args, describe={"full": "1e6 elements", "quick": "1e5 elements"},
    ),
    Workload(
        "elementwise_1e3", elementwise, elementwise_grad, ("x", "y"),
        {"full": dict(n=1000), "quick": dict(n=1000), "small": dict(n=4)},
        _elementwise_args, describe={"full": "1e3 elements", "quick": "1e3 elements"},
    ),
    Workload(
        "elementwise_2d", elementwise, elementwise_grad, ("x", "y"),
        {"full": dict(n=(2000, 100)), "quick": dict(n=(500, 100)), "small": dict(n=(3, 4))},
        _elementwise_args, describe={"full": "2000x100 array", "quick": "500x100 array"},
    ),
    Workload(
        "stencil_256", stencil_energy, stencil_energy_grad, ("u",),
        {"full": dict(n=256), "quick": dict(n=128), "small": dict(n=6)},
        _stencil_args, describe={"full": "256x256 grid", "quick": "128x128 grid"},
    ),
    Workload(
        "stencil_16", stencil_energy, stencil_energy_grad, ("u",),
        {"full": dict(n=16), "quick": dict(n=16), "small": dict(n=4)},
        _stencil_args, describe={"full": "16x16 grid", "quick": "16x16 grid"},
    ),
    Workload(
        "stencil_32x2048", stencil_energy, stencil_energy_grad, ("u",),
        {"full": dict(n=32, m=2048), "quick": dict(n=32, m=512), "small": dict(n=4, m=9)},
        _stencil_args, describe={"full": "32x2048 grid", "quick": "32x512 grid"},
    ),
]

# The element-indexed workloads (issue 18) live in their own module.
from bench.element_workloads import ELEMENT_WORKLOADS  # noqa: E402

WORKLOADS += ELEMENT_WORKLOADS

BY_NAME = {w.name: w for w in WORKLOADS}
