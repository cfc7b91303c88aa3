"""Parameters kept in dicts, NamedTuples and dataclasses, as autograd's and JAX's tutorials
and simulation codes keep them."""

import dataclasses
from typing import NamedTuple

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


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray
    activation: str = "tanh"


@dataclasses.dataclass
class Oscillator:
    """A damped oscillator's parameters, a dataclass as simulation codes keep them."""
    stiffness: float
    damping: float
    masses: np.ndarray
    label: str = "spring"


def layer_energy(layer, x):
    h = x @ layer.W + layer.b
    return np.sum(np.tanh(h) ** 2) if layer.activation == "tanh" else np.sum(h ** 2)


def oscillator_energy(osc, x0, v0, dt, steps):
    x, v = x0, v0
    for _ in range(steps):
        a = -(osc.stiffness * x + osc.damping * v) / osc.masses
        x, v = x + dt * v, v + dt * a
    return np.sum(0.5 * osc.masses * v ** 2 + 0.5 * osc.stiffness * x ** 2)


def decayed_loss(params, x, y, decay=1e-2):
    """Weight decay summed over a tuple of keys: dict reads with a loop variable as key."""
    err = mlp_loss(params, x, y)
    l2 = sum(np.sum(params[k] ** 2) for k in ("W1", "W2"))
    for name in ("b1", "b2"):
        l2 = l2 + 0.1 * np.sum(params[name] ** 2)
    return err + decay * l2


def stacked_energy(layer, x, depth):
    """A NamedTuple's fields read by name inside a loop (the adjoints accumulate)."""
    h = x
    for _ in range(depth):
        h = np.tanh(h @ layer.W + layer.b)
    return np.sum(h ** 2) + np.sum(layer[0] ** 2)
