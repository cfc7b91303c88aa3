"""Su-Schrieffer-Heeger / Hueckel model of an open polyene with a nitrogen at one end: the pi
energy from the eigenvalues of the tight-binding Hamiltonian (np.linalg.eigh), the charge on the
heteroatom from the orbitals, and a harmonic sigma-bond energy, as functions of the bond lengths."""

import numpy as np

ALPHA_C, ALPHA_N = 0.0, -1.5  # on-site energies, eV (relative)
BETA0, DECAY, R0 = -2.5, 2.0, 1.40  # hopping at R0 and its decay, eV, 1/angstrom, angstrom
K_SIGMA, R_SIGMA = 40.0, 1.52  # sigma-bond spring, eV/angstrom^2


def hamiltonian(bond_lengths, n_sites):
    H = np.zeros((n_sites, n_sites))
    H[0, 0] = ALPHA_N
    for site in range(1, n_sites):
        H[site, site] = ALPHA_C
    for i, r in enumerate(bond_lengths):
        hopping = BETA0 * np.exp(-DECAY * (r - R0))
        H[i, i + 1] = H[i + 1, i] = hopping
    return H


def total_energy(bond_lengths, n_electrons=8, charge_weight=0.5):
    n_sites = len(bond_lengths) + 1
    if n_electrons % 2:
        raise ValueError(f"closed shell only, got {n_electrons} electrons")
    energies, orbitals = np.linalg.eigh(hamiltonian(bond_lengths, n_sites))
    occupied = n_electrons // 2
    e_pi = 2.0 * np.sum(energies[:occupied])
    density = 2.0 * np.sum(orbitals[:, :occupied] ** 2, axis=1)
    e_sigma = 0.5 * K_SIGMA * np.sum((bond_lengths - R_SIGMA) ** 2)
    return e_pi + e_sigma + charge_weight * (density[0] - 1.0) ** 2


def corpus_inputs(rng):
    return np.array([1.36, 1.45, 1.37, 1.46, 1.38, 1.44, 1.37]) + 0.01 * rng.normal(size=7),


CORPUS = dict(f=total_energy, wrt=0)
