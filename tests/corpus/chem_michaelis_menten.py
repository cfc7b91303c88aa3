"""Enzyme kinetics: Michaelis-Menten with competitive inhibition, fitted globally to initial rates
measured at several substrate and inhibitor concentrations (log-parameters, relative error)."""

import numpy as np


def rate(substrate, inhibitor, v_max, k_m, k_i):
    return v_max * substrate / (k_m * (1.0 + inhibitor / k_i) + substrate)


def loss(log_theta, substrate, inhibitor, measured_rates):
    if np.any(substrate < 0) or np.any(inhibitor < 0):
        raise ValueError("concentrations must be non-negative")
    v_max, k_m, k_i = np.exp(log_theta)
    predicted = rate(substrate, inhibitor, v_max, k_m, k_i)
    relative = (predicted - measured_rates) / measured_rates
    return 0.5 * np.sum(relative**2)


def corpus_inputs(rng):
    S, I = np.meshgrid([0.5, 1.0, 2.0, 5.0, 10.0, 20.0], [0.0, 1.0, 3.0])
    S, I = S.ravel(), I.ravel()
    measured = rate(S, I, 12.0, 2.5, 1.5) * (1 + 0.03 * rng.normal(size=S.shape))
    return np.log([10.0, 3.0, 1.0]), S, I, measured


CORPUS = dict(f=loss, wrt=0)
