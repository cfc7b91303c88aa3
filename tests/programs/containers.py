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


def penalized_regression(params, x, y, lam):
    """A config dict built in the loss, and penalties iterated with ``.items()``."""
    cfg = {"l2": lam, "l1": 0.1 * lam, "scale": np.exp(params["log_scale"])}
    pred = cfg["scale"] * (x @ params["w"])
    penalties = {"l2": np.sum(params["w"] ** 2), "l1": np.sum(np.sqrt(params["w"] ** 2 + 1e-3))}
    total = np.mean((pred - y) ** 2)
    for name, value in penalties.items():
        total = total + cfg[name] * value
    return total


def whitened_loss(params, scales, x, y):
    """A dict comprehension over the parameters (and one over the keys)."""
    unit = {name: value / scales[name] for name, value in params.items()}
    squares = {name: np.sum(unit[name] ** 2) for name in params.keys()}
    h = np.tanh(x @ unit["W1"] + unit["b1"])
    return np.mean((h @ unit["W2"] - y) ** 2) + 1e-2 * sum(squares.values())


def layer_activations(params, x):
    """A helper that builds and returns a dict, entry by entry."""
    acts = {}
    h = x
    for name in ("hidden", "output"):
        h = np.tanh(h @ params[name])
        acts[name] = h
    return acts


def activation_penalty(params, x):
    acts = layer_activations(params, x)
    return sum(np.mean(a ** 2) for a in acts.values()) + np.sum(acts["output"])


def merged_config(x):
    base = {"a": x}
    cfg = {**base, "b": 2 * x}  # refused: `**` in a dict literal
    return np.sum(cfg["a"] * cfg["b"])


def mlp_predict(params, inputs):
    """autograd's MLP example: the parameters a list of (W, b) tuples."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - np.log(np.sum(np.exp(outputs), axis=1, keepdims=True))


def mlp_log_likelihood(params, inputs, targets, l2=1e-2):
    prior = sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)
    return -np.sum(mlp_predict(params, inputs) * targets) + l2 * prior


def residual_tower(model, x):
    """A dict holding a list of layers and a readout: containers nested in containers."""
    blocks = [model["blocks"][0], model["blocks"][-1]]
    h = x
    for W in blocks:
        h = h + np.tanh(h @ W)
    features = [np.mean(h, axis=0), np.std(h, axis=0)]
    return np.sum(np.concatenate(features) * model["readout"]) + model["bias"]


def moments(x):
    """A helper returning a list and a tuple."""
    centred = x - np.mean(x)
    return [np.mean(centred ** 2), np.mean(centred ** 3)], (np.min(x), np.max(x))


def shape_statistic(x):
    (var, third), (lo, hi) = moments(x)
    return third / var ** 1.5 + 0.1 * (hi - lo)


class RidgeModel:
    """A plain model class: arrays, a float hyperparameter, a name and a generator as attributes."""

    def __init__(self, W, b, lam=0.1):
        self.W = W
        self.b = b
        self.lam = lam
        self.name = "ridge"
        self.rng = np.random.default_rng(0)

    def predict(self, X):
        return np.tanh(X @ self.W + self.b)

    def loss(self, X, y):
        residual = self.predict(X) - y
        penalty = sum(np.sum(w ** 2) for w in (self.W, self.b))
        return np.mean(residual ** 2) + self.lam * penalty


@dataclasses.dataclass
class LinearModel:
    """A dataclass model with a loss method."""
    W: np.ndarray
    b: np.ndarray
    steps: int = 3

    def loss(self, X, y):
        h = X
        for _ in range(self.steps):
            h = np.tanh(h @ self.W + self.b)
        return np.mean((h - y) ** 2)


def encoder(params, x):
    """A function returning a dict of arrays (a VAE encoder's mean and scale)."""
    h = np.tanh(x @ params["W"])
    return {"mean": h @ params["W_mean"], "scale": np.exp(h @ params["W_scale"])}


def encoder_loss(params, x):
    out = encoder(params, x)
    return np.sum(out["mean"] ** 2) + np.sum(out["scale"] - np.log(out["scale"]))


def polar(xy):
    """A function returning a tuple."""
    r = np.sqrt(xy[0] ** 2 + xy[1] ** 2)
    return r, np.arctan2(xy[1], xy[0])


def config_loss(params, x, y, cfg):
    """Weight decay over every entry (``for name in params``) and a config read with ``.get``."""
    pred = x @ params["w"] + params.get("b", 0.0)
    decay = cfg.get("decay", 1e-2)
    l2 = 0.0
    for name in params:
        l2 = l2 + np.sum(params[name] ** 2)
    return np.mean((pred - y) ** 2) + decay * l2 + cfg.get("offset", 0.0) * np.sum(params["w"])


def kinetic_energy(osc, v):
    """Reads one field of the dataclass: the others' gradients are zeros (floats stay floats)."""
    return 0.5 * np.sum(osc.masses * v ** 2)


class Slotted:
    __slots__ = ("W",)

    def __init__(self, W):
        self.W = W

    def loss(self, x):
        return np.sum(np.tanh(x @ self.W))


class State(NamedTuple):
    position: np.ndarray
    velocity: np.ndarray


def leapfrog(state, dt, stiffness):
    """Returns a new NamedTuple: a record built in a helper."""
    v = state.velocity - 0.5 * dt * stiffness * state.position
    x = state.position + dt * v
    return State(x, velocity=v - 0.5 * dt * stiffness * x)


def final_energy(x0, v0, stiffness, steps=5):
    state = State(position=x0, velocity=v0)
    for _ in range(steps):
        state = leapfrog(state, 0.1, stiffness)
    return np.sum(state.velocity ** 2 + stiffness * state.position ** 2)


def oscillator_from(stiffness, masses):
    """A dataclass built in the function and passed on."""
    osc = Oscillator(stiffness=stiffness, damping=0.1, masses=masses)
    return oscillator_energy(osc, np.array([1.0, -0.5]), np.zeros(2), 0.05, 10)


def with_overrides(params, x, scale):
    """A copy of the parameters with one entry replaced, and a dict built with keywords."""
    p = dict(params)
    p["W"] = params["W"] * scale
    cfg = dict(scale=scale, shift=0.5)
    return np.sum(np.tanh(x @ p["W"] + p["b"]) * cfg["scale"]) + cfg["shift"]


def output_energy(params, x):
    """Reads one entry of a dict built in a loop: the other entry's adjoint is zero."""
    return np.sum(layer_activations(params, x)["output"] ** 2)


def weighted_by_key(x, counts):
    """A loop over a dict: Python iterates its keys."""
    total = 0.0
    for k in counts:
        total = total + k * np.sum(x)
    return total


def weighted_by_keys(x, counts):
    total = 0.0
    for k in counts.keys():
        total = total + k * np.sum(x)
    return total


def record_reads(osc, x):
    """A dataclass's fields read several times, through a second name, in a loop and in a
    callee: their adjoints add up in one dict (written into in place where it is owned)."""
    other = osc
    total = osc.stiffness * np.sum(x ** 2)
    for _ in range(3):
        x = x - 0.1 * (osc.stiffness * x + osc.damping) / osc.masses
        total = total + other.damping * np.sum(x) + kinetic_energy(other, x)
    return total + kinetic_energy(osc, x) * osc.stiffness


def dict_reads(params, x):
    """A dict's entries read several times and in a callee, its adjoint added into."""
    h = np.tanh(x @ params["W"] + params["b"])
    return np.sum(h * params["b"]) + mlp_loss({"W1": params["W"], "b1": params["b"], "W2": params["V"], "b2": params["c"]}, x, h @ params["V"])
