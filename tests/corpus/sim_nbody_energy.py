"""Gravitational N-body system: total energy (pairwise loop) and the energy drift of a leapfrog run."""

import numpy as np

G = 1.0


def potential_energy(positions, masses, softening=0.05):
    n = len(masses)
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(positions[i] - positions[j])
            energy -= G * masses[i] * masses[j] / np.sqrt(r**2 + softening**2)
    return energy


def kinetic_energy(velocities, masses):
    return 0.5 * np.sum(masses * np.sum(velocities**2, axis=1))


def total_energy(positions, velocities, masses):
    return kinetic_energy(velocities, masses) + potential_energy(positions, masses)


def accelerations(positions, masses, softening=0.05):
    separation = positions[None, :, :] - positions[:, None, :]
    distance2 = np.sum(separation**2, axis=-1) + softening**2
    return G * np.sum(masses[None, :, None] * separation / distance2[:, :, None] ** 1.5, axis=1)


def energy_drift(positions, velocities, masses, dt=0.01, n_steps=20):
    """Leapfrog (kick-drift-kick); the squared relative change of the total energy."""
    e0 = total_energy(positions, velocities, masses)
    x, v = positions, velocities
    a = accelerations(x, masses)
    for _ in range(n_steps):
        v = v + 0.5 * dt * a
        x = x + dt * v
        a = accelerations(x, masses)
        v = v + 0.5 * dt * a
    e1 = total_energy(x, v, masses)
    return ((e1 - e0) / e0) ** 2


def corpus_inputs(rng):
    positions = rng.normal(size=(5, 3))
    velocities = 0.3 * rng.normal(size=(5, 3))
    masses = rng.uniform(0.5, 1.5, size=5)
    return positions, velocities, masses


CORPUS = [dict(f=total_energy, wrt=0), dict(f=energy_drift, wrt=(0, 1))]
