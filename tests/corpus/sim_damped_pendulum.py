"""Damped pendulum: the damping rate and the length fitted to a measured swing (generic RK4, rhs passed in)."""

import numpy as np

G = 9.81


def rk4(rhs, y0, t, *args):
    """Integrate y' = rhs(y, t, *args) on the grid ``t`` with the classical Runge-Kutta scheme."""
    y = np.asarray(y0, dtype=float)
    out = np.zeros((len(t), len(y)))
    out[0] = y
    for i in range(len(t) - 1):
        h = t[i + 1] - t[i]
        k1 = rhs(y, t[i], *args)
        k2 = rhs(y + 0.5 * h * k1, t[i] + 0.5 * h, *args)
        k3 = rhs(y + 0.5 * h * k2, t[i] + 0.5 * h, *args)
        k4 = rhs(y + h * k3, t[i] + h, *args)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        out[i + 1] = y
    return out


def pendulum(y, t, damping, length):
    theta, omega = y
    return np.array([omega, -damping * omega - G / length * np.sin(theta)])


def loss(params, t, measured_angle, theta0=0.8):
    damping, length = params
    if length <= 0:
        raise ValueError(f"the pendulum length must be positive, got {length}")
    trajectory = rk4(pendulum, [theta0, 0.0], t, damping, length)
    return np.mean((trajectory[:, 0] - measured_angle) ** 2)


def corpus_inputs(rng):
    t = np.linspace(0.0, 4.0, 41)
    true = rk4(pendulum, [0.8, 0.0], t, 0.3, 1.2)
    measured = true[:, 0] + 0.01 * rng.normal(size=t.shape)
    return np.array([0.25, 1.0]), t, measured


CORPUS = dict(f=loss, wrt=0)
