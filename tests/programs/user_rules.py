"""Programs with user-registered rules and derivative surgery."""

import numpy as np

import s2s


def softplus(x):
    # the body is never differentiated: the registered rule is used instead
    return np.log(1.0 + np.exp(x))


@s2s.adjoint(softplus)
def softplus_adjoint(y, x):
    dx = dy / (1.0 + np.exp(-x))


@s2s.tangent(softplus)
def softplus_tangent(y, x):
    dy = dx / (1.0 + np.exp(-x))


def softplus_model(w, x):
    return np.sum(softplus(x @ w))


straight_through = s2s.RuleSet()


@s2s.adjoint(np.floor, rules=straight_through)
def floor_straight_through(y, x):
    dx = dy


def quantized_loss(w, x, target):
    """A linear model whose weights are quantized to multiples of 1/8."""
    q = np.floor(w * 8.0) / 8.0
    return np.mean((x @ q - target) ** 2)


def rnn_clipped(W, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
        with s2s.insert_grad_of(h) as dh:
            dh = np.clip(dh, -0.1, 0.1)
    return np.sum(h * h)


def rnn_plain(W, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


logged = []


def hook_logging(x):
    y = np.sin(x)
    with s2s.insert_grad_of(y) as dy:
        logged.append(float(np.sum(dy)))
    return np.sum(y * y)


def straight_through_inline(x, w):
    """Quantize in the forward pass, pass the gradient straight through in the backward."""
    q = x + s2s.stop_gradient(np.round(x * 4.0) / 4.0 - x)
    return np.sum(q * w)


def layer(x, W):
    return np.tanh(W @ x)


@s2s.checkpoint
def checkpointed_layer(x, W):
    return np.tanh(W @ x)


def uses_checkpoint(x, W):
    h = s2s.checkpoint(layer)(x, W)
    return np.sum(checkpointed_layer(h, W) ** 2)
