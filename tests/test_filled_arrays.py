"""Loops that fill an array entry by entry: the adjoint of each write takes the entry's adjoint
and zeroes it; where nothing reads that entry again (later iterations run below it, the code
after the loop reads entries below the range), the zeroing goes (s2s/optimize/entries.py).
Where an old entry is read, the zeroing stays and the gradient counts it."""

import re

import numpy as np
import pytest

import s2s

from gradcheck import check_grad

rng = np.random.default_rng(21)


def ema_misfit(x, alpha, target):
    """Exponential moving average, filled from its first entry."""
    ema = np.empty_like(x)
    ema[0] = x[0]
    for i in range(1, len(x)):
        ema[i] = alpha * x[i] + (1.0 - alpha) * ema[i - 1]
    return np.sum((ema - target) ** 2)


def logistic_growth_fit(r, K, N0, observed, dt):
    """Euler steps of dN/dt = r N (1 - N / K), the trajectory stored at t + 1."""
    steps = len(observed)
    N = np.zeros(steps + 1)
    N[0] = N0
    for t in range(steps):
        N[t + 1] = N[t] + dt * r * N[t] * (1.0 - N[t] / K)
    return np.sum((N[1:] - observed) ** 2)


def filtered_in_place(x, a):
    """A recursive filter over a copy, reading each entry's old value: its zeroing stays."""
    y = x.copy()
    for i in range(1, len(y)):
        y[i] = y[i] + a * y[i - 1]
    return np.sum(y ** 2)


def seeded_inside_the_range(x, a):
    """y[2] is set before the loop and overwritten by it unread: x[0] gets nothing."""
    y = np.zeros(len(x))
    y[2] = x[0]
    for i in range(1, len(x)):
        y[i] = a * y[i - 1] + x[i]
    return np.sum(np.sin(y))


CASES = [
    (ema_misfit, (rng.normal(size=9), 0.3, rng.normal(size=9)), (0, 1), False),
    (logistic_growth_fit, (0.8, 10.0, 1.5, rng.uniform(1, 9, size=12), 0.1), (0, 1, 2), False),
    (filtered_in_place, (rng.normal(size=8), 0.7), (0, 1), True),
    (seeded_inside_the_range, (rng.normal(size=8), 0.7), (0, 1), True),
]


@pytest.mark.parametrize("fn, args, wrt, zeroes", CASES, ids=[c[0].__name__ for c in CASES])
def test_an_entry_no_one_reads_again_is_not_zeroed(fn, args, wrt, zeroes):
    source = s2s.grad(fn, wrt=wrt).specialize(*args).source
    backward = source.split("reversed(")[1]
    assert ("] = 0\n" in backward) == zeroes
    check_grad(fn, args, wrt)
    check_grad(fn, args, wrt, optimize=False)  # and the same numbers as unoptimized code


@pytest.mark.parametrize("fn, args, wrt, array", [
    (logistic_growth_fit, CASES[1][1], (0, 1, 2), "N"), (filtered_in_place, CASES[2][1], (0, 1), "y")])
def test_the_array_is_not_saved_per_iteration(fn, args, wrt, array):
    """``np.zeros(steps + 1)`` and ``x.copy()`` are one-dimensional arrays of a known kind: their
    entries are numbers, written in place, and the backward sweep reads the array as the loop
    leaves it rather than a copy saved per iteration (memory O(iterations), not O(n^2))."""
    source = s2s.grad(fn, wrt=wrt).specialize(*args).source
    assert not re.search(rf"\b{array}(_\d+)?_stack\b", source) and "updated(" not in source and "unbroadcast(plus" not in source


def test_seeded_entry_overwritten_unread_gets_nothing():
    x = rng.normal(size=8)
    assert s2s.grad(seeded_inside_the_range)(x, 0.7)[0] == 0.0


def hamiltonian(potential, n, spacing):
    """A 1-D Schroedinger operator by finite differences, filled entry by entry in a callee
    whose size is an integer parameter: np.zeros((n, n)) is n-by-n for the shape analysis."""
    H = np.zeros((n, n))
    for i in range(n):
        H[i, i] = 1.0 / spacing**2 + potential[i]
        if i + 1 < n:
            H[i, i + 1] = H[i + 1, i] = -0.5 / spacing**2
    return H


def ground_state_energy(potential, spacing=0.2):
    n = potential.shape[0]
    return np.linalg.eigvalsh(hamiltonian(potential, n, spacing))[0]


def test_a_square_array_filled_through_a_branch_is_written_in_place():
    """H carried through an ``if`` (``H_5 = updated(H_3, ...)`` or ``H_5 = H_3``, then ``H_2 = H_5``):
    owned at the start of every iteration, by induction, so written in place; its adjoint,
    the caller's, is copied once before the backward loop and zeroed in place."""
    potential = 0.5 * np.linspace(-2.0, 2.0, 9) ** 2 + 0.1 * rng.normal(size=9)
    source = s2s.grad(ground_state_energy).specialize(potential).source
    forward, backward = source.split("def hamiltonian_forward")[1].split("def hamiltonian_backward")
    assert "shape_of(H" not in forward and "updated(" not in forward and "_stack.append(H" not in forward
    assert "zeroed(" not in backward and backward.count(".copy()") == 1
    check_grad(ground_state_energy, (potential,), 0)
    check_grad(ground_state_energy, (potential,), 0, optimize=False)
