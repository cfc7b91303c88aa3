"""Programs whose parameters come in containers: a dict of floats, a NamedTuple, a dataclass,
a tuple default, an object's attributes (tests/test_field_specs.py)."""

import dataclasses
from typing import NamedTuple

import numpy as np


def pendulum_energy(params, theta0, omega0, dt=0.01, steps=200):
    """A damped pendulum by semi-implicit Euler; its energy at the end."""
    g, length, damping = params["g"], params["length"], params["damping"]
    theta, omega = theta0, omega0
    for _ in range(steps):
        omega = omega - dt * (g / length * np.sin(theta) + damping * omega)
        theta = theta + dt * omega
    return 0.5 * length**2 * omega**2 + g * length * (1 - np.cos(theta))


class Orbit(NamedTuple):
    semi_major: float
    eccentricity: float
    periapsis: float


def orbit_misfit(orbit, anomaly, observed_radius):
    """Radii of a Keplerian ellipse r = a (1 - e^2) / (1 + e cos(nu - omega)) against observations."""
    p = orbit.semi_major * (1 - orbit.eccentricity**2)
    radius = p / (1 + orbit.eccentricity * np.cos(anomaly - orbit.periapsis))
    return np.mean((radius - observed_radius) ** 2)


@dataclasses.dataclass
class Cell:
    capacity: float  # ampere hours
    resistance: float  # ohms
    ocv_coefficients: np.ndarray  # open-circuit voltage as a polynomial in the state of charge


def terminal_voltage_error(cell, current, measured, dt_hours=1.0 / 60):
    """A battery cell discharged by a current profile (coulomb counting); the squared error of its voltage."""
    soc = 1.0
    error = 0.0
    for k in range(len(current)):
        soc = soc - current[k] * dt_hours / cell.capacity
        ocv = 0.0
        for c in cell.ocv_coefficients:
            ocv = ocv * soc + c
        voltage = ocv - cell.resistance * current[k]
        error = error + (voltage - measured[k]) ** 2
    return error


def decay_chain(rates, initial=(1.0, 0.0, 0.0), t_end=4.0, n_steps=80):
    """A -> B -> C by explicit Euler from the amounts in ``initial``; the amount of B at the end."""
    k1, k2 = rates[0], rates[1]
    a, b, c = initial
    dt = t_end / n_steps
    for _ in range(n_steps):
        a, b, c = a - dt * k1 * a, b + dt * (k1 * a - k2 * b), c + dt * k2 * b
    return b


class Spring:
    def __init__(self, stiffness, rest_length):
        self.stiffness = stiffness
        self.rest_length = rest_length

    def energy(self, positions):
        stretch = np.diff(positions) - self.rest_length
        return 0.5 * self.stiffness * np.sum(stretch**2)


def tuple_of_weights(layers, x):
    """A two-layer network whose weights come as a list of (W, b) pairs."""
    h = x
    for W, b in layers:
        h = np.tanh(h @ W + b)
    return np.sum(h**2)


def entry_becomes_array(params, x):
    """A dict entry rebound to an array of another shape before it is read."""
    scaled = dict(params)
    scaled["scale"] = params["scale"] * np.ones_like(x)
    return np.sum(scaled["scale"] * x**2) + params["offset"] * np.sum(x)


def sir_rhs(y, beta, gamma):
    s, i, r = y
    infection = beta * s * i
    return np.array([-infection, infection - gamma * i, gamma * i])


def integrate(rhs, y0, dt, n_steps, args):
    y = y0
    for _ in range(n_steps):
        y = y + dt * rhs(y, *args)
    return y


def final_recovered(log_rates, n_steps=100):
    """The recovered fraction of an SIR epidemic, rates passed on as a tuple of numbers."""
    beta, gamma = np.exp(log_rates)
    y = integrate(sir_rhs, np.array([0.99, 0.01, 0.0]), 0.1, n_steps, (beta, gamma))
    return y[2]


GRAVITY = 9.81


def pendulum_rhs(y, damping, length):
    theta, omega = y
    return np.array([omega, -damping * omega - GRAVITY / length * np.sin(theta)])


def rk4_final_angle(params, y0=(0.8, 0.0), dt=0.02, n_steps=150):
    """A damped pendulum by RK4 from a state given as a tuple; the angle at the end."""
    damping, length = params
    y = np.asarray(y0, dtype=float)
    for _ in range(n_steps):
        k1 = pendulum_rhs(y, damping, length)
        k2 = pendulum_rhs(y + 0.5 * dt * k1, damping, length)
        k3 = pendulum_rhs(y + 0.5 * dt * k2, damping, length)
        k4 = pendulum_rhs(y + dt * k3, damping, length)
        y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[0]


def mean_square(residuals):
    return np.mean(residuals**2)


def residual_block(h, W, b):
    return h + np.tanh(h @ W + b)


def residual_network(params, x, target):
    """A residual network: an input projection, hidden blocks of one width read from a list of
    (W, b) pairs past the first, and a linear readout; the mean squared error."""
    layers = params["layers"]
    W_in, b_in = layers[0]
    h = np.tanh(x @ W_in + b_in)
    for W, b in layers[1:]:
        h = residual_block(h, W, b)
    prediction = h @ params["readout"]
    return np.mean((prediction - target) ** 2)


def projections(weights, x):
    """Query, key and value projections of a sequence by weights of one shape, looped over."""
    Wq, Wk, Wv = weights
    q, k, v = (x @ W for W in (Wq, Wk, Wv))
    scores = q @ k.T / np.sqrt(x.shape[1])
    return np.sum(np.tanh(scores) @ v)
