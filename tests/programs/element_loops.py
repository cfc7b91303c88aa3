"""Loops that read and write single entries of vectors, as their authors write them
(tests/test_element_loops.py: s2s.elements runs them on Python floats)."""

import numpy as np


def exponential_smoothing_sse(y, alpha):
    """Simple exponential smoothing: one-step-ahead forecast errors, summed squared."""
    level = y[0]
    sse = 0.0
    for t in range(1, y.shape[0]):
        err = y[t] - level
        sse = sse + err * err
        level = level + alpha * err
    return sse


def discounted_returns_loss(rewards, gamma, values):
    """Monte Carlo returns G_t = r_t + gamma G_(t+1), filled backwards; squared error of a critic."""
    n = rewards.shape[0]
    G = np.zeros(n)
    G[n - 1] = rewards[n - 1]
    for t in range(n - 2, -1, -1):
        G[t] = rewards[t] + gamma * G[t + 1]
    return np.sum((G - values) ** 2)


def mean_relative_change(prices):
    """The mean of the period-on-period relative changes of a price series."""
    total = 0.0
    for t in range(1, prices.shape[0]):
        total = total + (prices[t] - prices[t - 1]) / prices[t - 1]
    return total / (prices.shape[0] - 1)


def leaky_integrator(current, tau, dt):
    """A leaky integrator (membrane potential) driven by an input current, Euler steps;
    the mean squared potential."""
    n = current.shape[0]
    v = np.zeros(n)
    for i in range(1, n):
        v[i] = v[i - 1] + dt * (-v[i - 1] / tau + current[i - 1])
    return np.mean(v * v)
