"""Morse potential of a diatomic fitted to ab-initio energies; parameters in a NamedTuple."""

from typing import NamedTuple

import numpy as np


class Morse(NamedTuple):
    depth: float  # D_e, eV
    width: float  # a, 1/angstrom
    r_eq: float  # r_e, angstrom


def morse_energy(r, p):
    return p.depth * (1.0 - np.exp(-p.width * (r - p.r_eq))) ** 2 - p.depth


def harmonic_frequency(p, reduced_mass):
    """omega = a sqrt(2 D_e / mu)."""
    return p.width * np.sqrt(2 * p.depth / reduced_mass)


def fit_loss(p, r, energies, target_frequency, reduced_mass=0.5):
    weights = np.exp(-(energies - energies.min()))  # points near the minimum count most
    residual = morse_energy(r, p) - energies
    penalty = (harmonic_frequency(p, reduced_mass) - target_frequency) ** 2
    return np.sum(weights * residual**2) / np.sum(weights) + 0.1 * penalty


def corpus_inputs(rng):
    r = np.linspace(0.5, 2.5, 25)
    truth = Morse(depth=4.7, width=1.9, r_eq=0.74)
    energies = morse_energy(r, truth) + 0.01 * rng.normal(size=r.shape)
    return Morse(depth=4.0, width=2.1, r_eq=0.8), r, energies, harmonic_frequency(truth, 0.5)


CORPUS = dict(f=fit_loss, wrt=0)
