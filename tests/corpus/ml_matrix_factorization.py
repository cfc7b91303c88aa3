"""Matrix factorization for ratings (Funk SVD style) with user and item biases and L2 regularization."""

import numpy as np


def predict(U, V, user_bias, item_bias, global_mean, users, items):
    return global_mean + user_bias[users] + item_bias[items] + np.sum(U[users] * V[items], axis=1)


def regularized_loss(U, V, biases, ratings, lam=0.05):
    users, items, values = ratings
    user_bias, item_bias = biases
    predicted = predict(U, V, user_bias, item_bias, values.mean(), users, items)
    mse = np.mean((values - predicted) ** 2)
    penalty = lam * (np.sum(U**2) + np.sum(V**2) + np.sum(user_bias**2) + np.sum(item_bias**2))
    return mse + penalty


def corpus_inputs(rng):
    n_users, n_items, rank, n_ratings = 8, 10, 3, 40
    users = rng.integers(0, n_users, size=n_ratings)
    items = rng.integers(0, n_items, size=n_ratings)
    values = rng.integers(1, 6, size=n_ratings).astype(float)
    U = 0.3 * rng.normal(size=(n_users, rank))
    V = 0.3 * rng.normal(size=(n_items, rank))
    biases = (0.1 * rng.normal(size=n_users), 0.1 * rng.normal(size=n_items))
    return U, V, biases, (users, items, values)


CORPUS = dict(f=regularized_loss, wrt=(0, 1, 2))
