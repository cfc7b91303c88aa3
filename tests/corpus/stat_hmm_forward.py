"""Hidden Markov model with Gaussian emissions: the log-likelihood by the forward algorithm in log space."""

import numpy as np
from scipy.special import logsumexp


def log_normalize(logits, axis=-1):
    return logits - logsumexp(logits, axis=axis, keepdims=True)


def gaussian_emissions(obs, means, log_stds):
    z = (obs[:, None] - means[None, :]) / np.exp(log_stds)
    return -0.5 * z**2 - log_stds - 0.5 * np.log(2 * np.pi)


def hmm_log_likelihood(params, obs):
    log_pi = log_normalize(params["initial_logits"])
    log_A = log_normalize(params["transition_logits"], axis=1)
    log_B = gaussian_emissions(obs, params["means"], params["log_stds"])
    log_alpha = log_pi + log_B[0]
    for t in range(1, len(obs)):
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[t]
    return logsumexp(log_alpha)


def corpus_inputs(rng):
    states = [0]
    for _ in range(39):
        states.append(states[-1] if rng.uniform() < 0.8 else rng.integers(0, 3))
    obs = np.array([-2.0, 0.0, 2.5])[states] + 0.6 * rng.normal(size=40)
    params = {
        "initial_logits": np.zeros(3),
        "transition_logits": 2.0 * np.eye(3) + 0.1 * rng.normal(size=(3, 3)),
        "means": np.array([-1.8, 0.2, 2.2]),
        "log_stds": np.log(np.array([0.7, 0.5, 0.8])),
    }
    return params, obs


CORPUS = dict(f=hmm_log_likelihood, wrt=0)
