"""Programs with statements that compute nothing differentiable: input checks that raise,
f-strings, print, logging and warnings, assert; written as their authors would."""

import logging
import warnings

import numpy as np

log = logging.getLogger("inert_statements")


def activation(z, kind):
    if kind == "tanh":
        return np.tanh(z)
    elif kind == "softplus":
        return np.logaddexp(0.0, z)
    elif kind == "relu":
        return np.maximum(z, 0.0)
    raise ValueError(f"unknown activation {kind!r}; expected 'tanh', 'softplus' or 'relu'")


def mlp_loss(W, X, y, kind="tanh"):
    """A one-layer network's squared error, its nonlinearity chosen by a config string."""
    if W.shape[0] != X.shape[1]:
        raise ValueError(f"W has {W.shape[0]} rows but X has {X.shape[1]} features")
    h = activation(X @ W, kind)
    err = np.sum(h, axis=1) - y
    return 0.5 * np.mean(err ** 2)


def damped_oscillator(params, y0, dt, steps):
    """Explicit Euler for x'' + c x' + k x = 0, with the checks and progress log of a real integrator."""
    assert y0.shape == (2,), "state is (position, velocity)"
    if dt <= 0.0:
        raise ValueError(f"time step must be positive, got dt={dt}")
    k, c = params[0], params[1]
    x, v = y0[0], y0[1]
    for step in range(steps):
        a = -k * x - c * v
        x = x + dt * v
        v = v + dt * a
        if step % 50 == 0:
            log.debug(f"step {step}: x={x:.4f} v={v:.4f}")
    energy = 0.5 * v * v + 0.5 * k * x * x
    return energy


def black_scholes_call(sigma, S, K, T, r):
    """A European call price; an option past ten years gets a warning, a bad volatility an error."""
    if sigma <= 0.0:
        raise ValueError("volatility must be positive")
    if T > 10.0:
        warnings.warn(f"maturity {T} years is outside the calibrated range")
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    N1 = 0.5 * (1.0 + np.tanh(0.7978845608 * (d1 + 0.044715 * d1 ** 3)))
    N2 = 0.5 * (1.0 + np.tanh(0.7978845608 * (d2 + 0.044715 * d2 ** 3)))
    return S * N1 - K * np.exp(-r * T) * N2


def gaussian_nll(mu, log_sigma, data, verbose=False):
    """A Gaussian negative log-likelihood that reports itself when asked."""
    sigma = np.exp(log_sigma)
    z = (data - mu) / sigma
    nll = np.sum(0.5 * z ** 2 + log_sigma) + 0.5 * data.size * np.log(2 * np.pi)
    if verbose:
        print(f"mu={mu:.3f} sigma={sigma:.3f} nll={nll:.3f}")
    return nll
