"""np.pad in the modes that copy entries, for tests/test_rules_pad.py."""

import numpy as np

W = np.random.default_rng(11).normal(size=(7, 8))


def pad_edge(x):
    return np.sum(np.sin(np.pad(x, ((1, 2), (2, 1)), mode="edge")) * W)


def pad_reflect(x):
    return np.sum(np.sin(np.pad(x, ((1, 2), (2, 1)), mode="reflect")) * W)


def pad_symmetric(x):
    return np.sum(np.sin(np.pad(x, ((1, 2), (2, 1)), mode="symmetric")) * W)


def pad_wrap(x):
    return np.sum(np.sin(np.pad(x, ((1, 2), (2, 1)), mode="wrap")) * W)


def pad_mean(x):
    return np.sum(np.pad(x, 1, mode="mean") * W[:6, :7])
