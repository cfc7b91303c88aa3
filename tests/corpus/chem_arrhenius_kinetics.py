"""Consecutive reactions 2A -> B -> C run at several temperatures; Arrhenius parameters (log
pre-exponential factors and activation energies in kJ/mol, in a dict) fitted to the concentrations."""

import numpy as np

R = 8.314  # J/(mol K)


def arrhenius(log_A, Ea, T):
    return np.exp(log_A - 1000.0 * Ea / (R * T))


def simulate(k1, k2, c0, t_end, n_steps=50):
    dt = t_end / n_steps
    A, B, C = c0
    for _ in range(n_steps):
        r1 = k1 * A**2
        r2 = k2 * B
        A, B, C = A - 2 * dt * r1, B + dt * (r1 - r2), C + dt * r2
    return np.array([A, B, C])


def loss(params, temperatures, measured, c0=(1.0, 0.0, 0.0), t_end=5.0):
    if len(temperatures) != len(measured):
        raise ValueError(f"{len(temperatures)} temperatures but {len(measured)} measurements")
    total = 0.0
    for T, observed in zip(temperatures, measured):
        k1 = arrhenius(params["log_A1"], params["Ea1"], T)
        k2 = arrhenius(params["log_A2"], params["Ea2"], T)
        predicted = simulate(k1, k2, c0, t_end)
        total += np.sum((predicted - observed) ** 2)
    return total / len(temperatures)


def corpus_inputs(rng):
    truth = {"log_A1": 18.0, "Ea1": 50.0, "log_A2": 14.0, "Ea2": 40.0}
    temperatures = np.array([300.0, 320.0, 340.0])
    measured = np.array([
        simulate(arrhenius(truth["log_A1"], truth["Ea1"], T), arrhenius(truth["log_A2"], truth["Ea2"], T), (1.0, 0.0, 0.0), 5.0)
        for T in temperatures
    ]) + 0.005 * rng.normal(size=(3, 3))
    guess = {"log_A1": 17.5, "Ea1": 48.0, "log_A2": 14.5, "Ea2": 41.0}
    return guess, temperatures, measured


CORPUS = dict(f=loss, wrt=0)
