"""Variational autoencoder for binary data: the negative ELBO with the reparameterization trick.

The noise is drawn outside the loss and passed in, so one call is deterministic.
"""

import numpy as np


def mlp(layers, x):
    for W, b in layers[:-1]:
        x = np.tanh(x @ W + b)
    W, b = layers[-1]
    return x @ W + b


def gaussian_kl(mu, log_var):
    """KL(N(mu, diag(exp(log_var))) || N(0, I)) for each row."""
    return -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)


def bernoulli_log_likelihood(x, logits):
    return np.sum(x * logits - np.logaddexp(0.0, logits), axis=1)


def negative_elbo(params, x, eps):
    latent_dim = eps.shape[1]
    h = mlp(params["encoder"], x)
    mu, log_var = h[:, :latent_dim], h[:, latent_dim:]
    z = mu + np.exp(0.5 * log_var) * eps
    logits = mlp(params["decoder"], z)
    return -np.mean(bernoulli_log_likelihood(x, logits) - gaussian_kl(mu, log_var))


def init_layers(rng, sizes):
    return [(rng.normal(scale=1 / np.sqrt(m), size=(m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]


def corpus_inputs(rng):
    x = (rng.uniform(size=(8, 12)) < 0.3).astype(float)
    latent = 2
    params = {"encoder": init_layers(rng, [12, 6, 2 * latent]), "decoder": init_layers(rng, [latent, 6, 12])}
    return params, x, rng.normal(size=(8, latent))


CORPUS = dict(f=negative_elbo, wrt=0)
