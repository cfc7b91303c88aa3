"""Lennard-Jones cluster: the energy of a perturbed 2x2x2 cube of argon-like atoms (reduced units),
vectorized over pairs, and a truncated-and-shifted version written as a pair loop."""

import numpy as np


def lj_energy(positions, epsilon=1.0, sigma=1.0):
    n = positions.shape[0]
    i, j = np.triu_indices(n, k=1)
    r = np.linalg.norm(positions[i] - positions[j], axis=1)
    sr6 = (sigma / r) ** 6
    return 4 * epsilon * np.sum(sr6**2 - sr6)


def lj_pair(r, epsilon, sigma):
    sr6 = (sigma / r) ** 6
    return 4 * epsilon * (sr6**2 - sr6)


def truncated_energy(positions, epsilon=1.0, sigma=1.0, cutoff=1.8):
    shift = lj_pair(cutoff, epsilon, sigma)
    energy = 0.0
    for a in range(len(positions)):
        for b in range(a + 1, len(positions)):
            r = np.sqrt(np.sum((positions[a] - positions[b]) ** 2))
            if r < cutoff:
                energy += lj_pair(r, epsilon, sigma) - shift
    return energy


def corpus_inputs(rng):
    corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=float)
    return 1.12 * corners + 0.05 * rng.normal(size=(8, 3)),


CORPUS = [dict(f=lj_energy, wrt=0), dict(f=truncated_energy, wrt=0)]
