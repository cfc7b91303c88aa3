"""A solver inside the loss: Newton's method that runs until it has converged.

Run:  python examples/adaptive_solver.py

A planet on an elliptic orbit is at the eccentric anomaly E that solves
Kepler's equation  E - e sin E = M  (M: the mean anomaly, which grows linearly
in time). There is no closed form, so `kepler` runs Newton's method in a
`while` loop until every step is below 1e-12; how many iterations that takes
depends on the eccentricity e, so no fixed unrolling is right for all of
them. s2s differentiates the loop as it is written: the generated backward
sweep (generated/adaptive_solver_grad_orbit_loss_wrt_e_phase.py) is a
`while` loop over exactly the iterations the forward sweep ran.

The example checks the gradient against finite differences and against the
implicit-function formula dE/de = sin E / (1 - e cos E), then fits the orbit's
eccentricity and phase to noisy observed positions.
"""

import os

import numpy as np

import s2s

QUICK = bool(os.environ.get("S2S_QUICK"))


def kepler(M, e):
    """Solve E - e sin(E) = M for E by Newton's method; also return the iteration count."""
    E = M + e * np.sin(M)
    iterations = 0
    step = np.ones_like(M)
    while np.max(np.abs(step)) > 1e-12:
        step = (E - e * np.sin(E) - M) / (1.0 - e * np.cos(E))
        E = E - step
        iterations = iterations + 1
    return E, iterations


def orbit(e, phase, t):
    """Positions (x, y) at times t on an ellipse of semi-major axis 1 and period 1."""
    M = 2.0 * np.pi * t + phase
    E, iterations = kepler(M, e)
    return np.cos(E) - e, np.sqrt(1.0 - e * e) * np.sin(E)


def orbit_loss(e, phase, t, x_observed, y_observed):
    x, y = orbit(e, phase, t)
    return np.mean((x - x_observed) ** 2 + (y - y_observed) ** 2)


def sum_of_anomalies(e, M):
    E, iterations = kepler(M, e)
    return np.sum(E)


def main():
    M = np.linspace(0.0, np.pi, 50)  # half an orbit
    print("Newton iterations to solve Kepler's equation at 50 points:")
    for e in (0.05, 0.3, 0.6, 0.9, 0.99):
        print(f"  e = {e:<5} {kepler(M, e)[1]:3d} iterations")

    # d/de sum(E): through the loop vs the implicit function theorem
    grad_E = s2s.grad(sum_of_anomalies)
    for e in (0.3, 0.9):
        E, _ = kepler(M, e)
        implicit = np.sum(np.sin(E) / (1.0 - e * np.cos(E)))
        got = grad_E(e, M)
        print(f"e = {e}: d sum(E) / de through the loop {got:.10f}, implicit formula {implicit:.10f}")
        assert abs(got - implicit) < 1e-8 * abs(implicit)

    rng = np.random.default_rng(0)
    true_e, true_phase = 0.7, 0.4
    t = np.sort(rng.uniform(0.0, 1.0, 40))
    x_true, y_true = orbit(true_e, true_phase, t)
    x_obs = x_true + 0.02 * rng.normal(size=t.shape)
    y_obs = y_true + 0.02 * rng.normal(size=t.shape)

    value_and_grad = s2s.value_and_grad(orbit_loss, wrt=("e", "phase"))
    e, phase = 0.2, 0.0
    _, (de, dphase) = value_and_grad(e, phase, t, x_obs, y_obs)
    eps = 1e-6
    fd_e = (orbit_loss(e + eps, phase, t, x_obs, y_obs) - orbit_loss(e - eps, phase, t, x_obs, y_obs)) / (2 * eps)
    fd_phase = (orbit_loss(e, phase + eps, t, x_obs, y_obs) - orbit_loss(e, phase - eps, t, x_obs, y_obs)) / (2 * eps)
    print(f"d loss / d e     = {de:+.8f}  (finite differences {fd_e:+.8f})")
    print(f"d loss / d phase = {dphase:+.8f}  (finite differences {fd_phase:+.8f})")
    assert abs(de - fd_e) < 1e-6 * max(1.0, abs(fd_e))
    assert abs(dphase - fd_phase) < 1e-6 * max(1.0, abs(fd_phase))

    steps = 40 if QUICK else 150
    first = None
    velocity = np.zeros(2)
    for step in range(steps + 1):
        loss, (de, dphase) = value_and_grad(e, phase, t, x_obs, y_obs)
        first = loss if first is None else first
        if step % (steps // 5) == 0:
            print(f"step {step:3d}  loss {loss:.5f}  e {e:.4f}  phase {phase:.4f}  "
                  f"({kepler(2.0 * np.pi * t + phase, e)[1]} Newton iterations)")
        velocity = 0.8 * velocity - 0.1 * np.array([de, dphase])
        e, phase = e + velocity[0], phase + velocity[1]
    print(f"fitted e = {e:.3f}, phase = {phase:.3f} (true {true_e}, {true_phase})")
    assert loss < 0.01 * first
    assert abs(e - true_e) < 0.05 and abs(phase - true_phase) < 0.05


if __name__ == "__main__":
    main()
