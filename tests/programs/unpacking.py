"""Programs that unpack arrays into scalars, as modellers write them."""

import numpy as np


def lotka_volterra_loss(theta, prey, predator, dt):
    """Euler steps of a predator-prey model, its four rates unpacked from one array."""
    alpha, beta, gamma, delta = theta
    x, y = prey[0], predator[0]
    loss = 0.0
    for t in range(1, prey.shape[0]):
        x, y = x + dt * (alpha * x - beta * x * y), y + dt * (delta * x * y - gamma * y)
        loss = loss + (x - prey[t]) ** 2 + (y - predator[t]) ** 2
    return loss


def seir_rhs(y, beta, sigma, gamma):
    S, E, I, R = y
    N = S + E + I + R
    return np.array([-beta * S * I / N, beta * S * I / N - sigma * E, sigma * E - gamma * I, gamma * I])


def seir_final_infected(y0, beta, sigma, gamma, dt, steps):
    """An SEIR epidemic integrated with a helper that unpacks its state."""
    y = y0
    for _ in range(steps):
        y = y + dt * seir_rhs(y, beta, sigma, gamma)
    return y[2]


def mixture_weights(log_p, x):
    """Three mixture weights unpacked from an intermediate array."""
    a, b, c = np.exp(log_p) / np.sum(np.exp(log_p))
    return np.sum(a * np.exp(-x ** 2) + b * np.exp(-(x - 1.0) ** 2) + c * np.exp(-(x + 1.0) ** 2))


def pendulum_energy(params, theta0, omega0, dt, steps):
    """A pendulum whose constants come out of an array by index."""
    g, L, damping = params[0], params[1], params[2]
    theta, omega = theta0, omega0
    for _ in range(steps):
        omega = omega - dt * (g / L * np.sin(theta) + damping * omega)
        theta = theta + dt * omega
    return 0.5 * L ** 2 * omega ** 2 + g * L * (1.0 - np.cos(theta))


def von_mises_regression(theta, angles, X):
    """An intercept, a log-concentration and any number of slopes: starred unpacking."""
    mu0, log_kappa, *slopes = theta
    mu = mu0 + 2 * np.arctan(X @ np.array(slopes))
    kappa = np.exp(log_kappa)
    return -np.sum(kappa * np.cos(angles - mu)) + len(angles) * np.log(np.cosh(kappa))  # a smooth stand-in for log I0


def first_and_last(weights, x):
    """Star in the middle: the ends weigh the endpoints, the rest the interior."""
    first, *middle, last = weights
    interior = sum(w * np.sin(k * x) for k, w in enumerate(middle, start=1))
    return np.sum((first * x + last * x ** 2 + interior) ** 2)


def projectile_step(state, drag, dt):
    """One explicit Euler step of a projectile with quadratic drag, its state a vector unpacked."""
    x, y, vx, vy = state
    speed = np.sqrt(vx**2 + vy**2)
    return np.array([x + dt * vx, y + dt * vy, vx - dt * drag * speed * vx, vy - dt * (9.81 + drag * speed * vy)])


def projectile_range(params, n_steps=40, dt=0.05):
    speed, angle, drag = params
    state = np.array([0.0, 0.0, speed * np.cos(angle), speed * np.sin(angle)])
    for _ in range(n_steps):
        state = projectile_step(state, drag, dt)
    return state[0] + state[1]
