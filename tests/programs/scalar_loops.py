"""Integrators and fits that loop on numbers unpacked from a parameter array, as their authors
write them (tests/test_scalar_loops.py: s2s.numbers runs them on Python floats)."""

import math

import numpy as np


def pendulum_rk4(params, theta0, omega0, observed, dt):
    """A damped pendulum integrated with RK4, squared error against observed angles."""
    g, L, damping = params[0], params[1], params[2]
    theta, omega = theta0, omega0
    loss = 0.0
    for i in range(observed.shape[0]):
        k1t = omega
        k1w = -g / L * np.sin(theta) - damping * omega
        k2t = omega + 0.5 * dt * k1w
        k2w = -g / L * np.sin(theta + 0.5 * dt * k1t) - damping * k2t
        k3t = omega + 0.5 * dt * k2w
        k3w = -g / L * np.sin(theta + 0.5 * dt * k2t) - damping * k3t
        k4t = omega + dt * k3w
        k4w = -g / L * np.sin(theta + dt * k3t) - damping * k4t
        theta = theta + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        omega = omega + dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
        loss = loss + (theta - observed[i]) ** 2
    return loss


def lotka_volterra_fit(params, prey0, predators0, counts, dt):
    """Predator-prey populations by Heun's method (RK2); squared error against counted prey."""
    alpha, beta, delta, gamma = params
    x, y = prey0, predators0
    err = 0.0
    for k in range(counts.shape[0]):
        fx = alpha * x - beta * x * y
        fy = delta * x * y - gamma * y
        xp = x + dt * fx
        yp = y + dt * fy
        x = x + 0.5 * dt * (fx + alpha * xp - beta * xp * yp)
        y = y + 0.5 * dt * (fy + delta * xp * yp - gamma * yp)
        err = err + (x - counts[k]) ** 2
    return err


def damped_spring(params, x0, n, dt):
    """A damped spring stepped with the exact decay factor: the final position's energy."""
    k, c = params[0], params[1]
    x, v = x0, 0.0
    for step in range(n):
        decay = np.exp(-c * dt)
        v = decay * v - k * x * dt
        x = x + math.exp(-0.5 * c * dt) * v * dt
    return x * x + v * v


def exponential_decay(params, y0, n, dt):
    """y' = -y / tau stepped n times (Euler), summed times a rate: divides by a parameter."""
    rate, tau = params[0], params[1]
    y = y0
    total = 0.0
    for step in range(n):
        y = y - dt * y / tau
        total = total + rate * y
    return total


def switched_decay(params, on, n):
    """A decay with a constant drive switched on or off by a flag (a bool: np.sin(True) is a float16)."""
    k = params[0]
    x = 1.0
    for step in range(n):
        x = x * np.exp(-k) + 0.1 * np.sin(on)
    return x


def relax(params, x0, n, damped):
    """Fixed-point relaxation x <- x - a tanh(b x), run only where asked (a loop in a branch)."""
    a, b = params[0], params[1]
    x = x0
    if damped:
        for i in range(n):
            x = x - a * np.tanh(b * x)
    return x * x
