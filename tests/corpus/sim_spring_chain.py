"""A chain of masses joined by springs between two walls, driven at the first mass; the spring
constants and the damping are fitted to the recorded motion of the last mass (symplectic Euler)."""

from dataclasses import dataclass

import numpy as np


@dataclass
class ChainParams:
    stiffness: np.ndarray  # one per spring: wall-m0, m0-m1, ..., m_{n-1}-wall
    damping: float


def spring_forces(x, v, params):
    extension = np.diff(np.concatenate([[0.0], x, [0.0]]))
    tension = params.stiffness * extension
    return tension[1:] - tension[:-1] - params.damping * v


def simulate(params, masses, drive, dt=0.02):
    n = len(masses)
    if len(params.stiffness) != n + 1:
        raise ValueError(f"{n} masses need {n + 1} springs, got {len(params.stiffness)}")
    x = np.zeros(n)
    v = np.zeros(n)
    last = np.zeros(len(drive))
    for step, push in enumerate(drive):
        force = spring_forces(x, v, params)
        force[0] += push
        v += dt * force / masses
        x += dt * v
        last[step] = x[-1]
    return last


def loss(params, masses, drive, recorded):
    return np.mean((simulate(params, masses, drive) - recorded) ** 2)


def corpus_inputs(rng):
    masses = np.array([1.0, 0.8, 1.2, 1.0])
    t = 0.02 * np.arange(100)
    drive = np.sin(2.0 * t) * np.exp(-0.5 * t)
    truth = ChainParams(stiffness=np.array([4.0, 3.0, 5.0, 2.5, 3.5]), damping=0.2)
    recorded = simulate(truth, masses, drive) + 1e-4 * rng.normal(size=100)
    guess = ChainParams(stiffness=np.full(5, 3.5) + 0.2 * rng.normal(size=5), damping=0.15)
    return guess, masses, drive, recorded


CORPUS = dict(f=loss, wrt="params")
