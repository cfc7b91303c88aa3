"""Lotka-Volterra predator-prey model fitted to observed populations (fixed-step RK4)."""

import numpy as np


def lotka_volterra(y, alpha, beta, gamma, delta):
    prey, predator = y
    dprey = alpha * prey - beta * prey * predator
    dpredator = delta * prey * predator - gamma * predator
    return np.array([dprey, dpredator])


def rk4_step(y, dt, theta):
    k1 = lotka_volterra(y, *theta)
    k2 = lotka_volterra(y + 0.5 * dt * k1, *theta)
    k3 = lotka_volterra(y + 0.5 * dt * k2, *theta)
    k4 = lotka_volterra(y + dt * k3, *theta)
    return y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def simulate(theta, y0, dt, n_steps):
    ys = [y0]
    y = y0
    for _ in range(n_steps):
        y = rk4_step(y, dt, theta)
        ys.append(y)
    return np.stack(ys)


def loss(theta, y0, observed, dt):
    predicted = simulate(theta, y0, dt, observed.shape[0] - 1)
    return np.mean((np.log(predicted) - np.log(observed)) ** 2)


def corpus_inputs(rng):
    theta = np.array([1.1, 0.4, 0.4, 0.1])
    y0 = np.array([10.0, 5.0])
    observed = simulate(np.array([1.0, 0.45, 0.35, 0.12]), y0, 0.05, 40) * np.exp(0.05 * rng.normal(size=(41, 2)))
    return theta, y0, observed, 0.05


CORPUS = dict(f=loss, wrt=0)
