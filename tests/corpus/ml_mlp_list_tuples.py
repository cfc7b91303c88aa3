"""A multilayer perceptron classifier, parameters as a list of (weights, biases), as in autograd's neural_net example."""

import numpy as np
from scipy.special import logsumexp


def init_random_params(scale, layer_sizes, rs):
    """Build a list of (weights, biases) tuples, one for each layer in the net."""
    return [(scale * rs.standard_normal((m, n)), scale * rs.standard_normal(n))
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]


def neural_net_predict(params, inputs):
    """Returns normalized class log-probabilities."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)


def l2_norm(params):
    return sum(np.sum(W**2) + np.sum(b**2) for W, b in params)


def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik


def corpus_inputs(rng):
    inputs = rng.normal(size=(20, 6))
    targets = np.eye(4)[rng.integers(0, 4, size=20)]
    return init_random_params(0.3, [6, 10, 8, 4], rng), inputs, targets, 0.01


CORPUS = dict(f=log_posterior, wrt=0)
