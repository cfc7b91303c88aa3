"""1-D heat equation with a varying conductivity (explicit finite differences, fixed ends),
the conductivity recovered from the final temperature profile."""

import numpy as np


def heat_step(u, conductivity, dx, dt):
    """One explicit step of u_t = (k u_x)_x; ``conductivity`` lives on the faces between cells."""
    flux = conductivity * np.diff(u) / dx
    u_new = u.copy()
    u_new[1:-1] += dt * np.diff(flux) / dx
    return u_new


def solve(log_conductivity, u0, length=1.0, t_end=0.05, n_steps=80):
    conductivity = np.exp(log_conductivity)
    dx = length / (len(u0) - 1)
    dt = t_end / n_steps
    if dt > dx**2 / (2 * np.max(conductivity)):
        raise ValueError(f"unstable: dt={dt:.2e} exceeds dx^2/2k={dx**2 / (2 * np.max(conductivity)):.2e}")
    u = u0
    for _ in range(n_steps):
        u = heat_step(u, conductivity, dx, dt)
    return u


def misfit(log_conductivity, u0, measured, smoothing=1e-3):
    u = solve(log_conductivity, u0)
    roughness = np.sum(np.diff(log_conductivity) ** 2)
    return 0.5 * np.sum((u - measured) ** 2) + smoothing * roughness


def corpus_inputs(rng):
    x = np.linspace(0.0, 1.0, 21)
    u0 = np.sin(np.pi * x) + 0.5 * np.sin(3 * np.pi * x)
    true_log_k = np.log(0.5 + 0.3 * np.cos(2 * np.pi * (x[:-1] + 0.025)))
    measured = solve(true_log_k, u0) + 1e-3 * rng.normal(size=x.shape)
    return np.log(0.5) + 0.1 * rng.normal(size=20), u0, measured


CORPUS = dict(f=misfit, wrt=0)
