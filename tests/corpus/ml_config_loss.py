"""Linear regression whose loss is chosen by name from a config, as a training script's --loss flag would."""

import numpy as np


def mse(residual):
    return 0.5 * residual**2


def huber(residual, delta=1.0):
    a = np.abs(residual)
    return np.where(a <= delta, 0.5 * residual**2, delta * (a - 0.5 * delta))


def log_cosh(residual):
    return np.logaddexp(residual, -residual) - np.log(2.0)


LOSSES = {"mse": mse, "huber": huber, "log_cosh": log_cosh}


def objective(w, X, y, loss="mse", weight_decay=1e-2):
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)}")
    residual = X @ w - y
    return np.mean(LOSSES[loss](residual)) + weight_decay * np.sum(w**2)


def corpus_inputs(rng):
    X = rng.normal(size=(40, 3))
    y = X @ np.array([2.0, -1.0, 0.5]) + 0.3 * rng.standard_t(2.0, size=40)
    return np.array([1.5, -0.5, 0.2]), X, y, "huber"


CORPUS = dict(f=objective, wrt=0)
