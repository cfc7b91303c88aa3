"""SEIR epidemic fitted to daily case counts by a Poisson likelihood (forward Euler)."""

import numpy as np


def seir_rhs(y, beta, sigma, gamma, population):
    S, E, I, R = y
    infections = beta * S * I / population
    return np.array([-infections, infections - sigma * E, sigma * E - gamma * I, gamma * I])


def euler(rhs, y0, dt, n_steps, args):
    y = y0
    history = [y0]
    for _ in range(n_steps):
        y = y + dt * rhs(y, *args)
        history.append(y)
    return np.array(history)


def daily_cases(log_rates, population, initial_exposed, n_days, steps_per_day=4):
    beta, sigma, gamma = np.exp(log_rates)
    y0 = np.array([population - initial_exposed, initial_exposed, 0.0, 0.0])
    states = euler(seir_rhs, y0, 1.0 / steps_per_day, n_days * steps_per_day, (beta, sigma, gamma, population))
    cumulative = population - states[::steps_per_day, 0]
    return np.diff(cumulative)


def negative_log_likelihood(log_rates, observed, population=1e5, initial_exposed=20.0):
    expected = daily_cases(log_rates, population, initial_exposed, len(observed))
    return np.sum(expected - observed * np.log(expected))


def corpus_inputs(rng):
    truth = daily_cases(np.log([0.6, 0.25, 0.2]), 1e5, 20.0, 30)
    observed = rng.poisson(truth).astype(float)
    return np.log([0.5, 0.3, 0.18]), observed


CORPUS = dict(f=negative_log_likelihood, wrt=0)
