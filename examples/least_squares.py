"""Nonlinear least squares with an exact Jacobian from s2s.jacobian.

Run:  python examples/least_squares.py

A consecutive reaction A -> B -> C with rate constants k1, k2, monitored by the
concentrations of B and C at 40 times from three runs started at different
amounts of A. The residual of the closed-form kinetics against the noisy
measurements is a map from the 2 log-rates and 3 initial amounts (5 numbers)
to 240 residuals; scipy.optimize.least_squares fits it with jac= the Jacobian
that s2s generates in vector mode: one sweep of the residual's code carries all
5 directions at once, as arrays with a leading axis of directions. The fit is
compared with scipy's own finite-difference Jacobian ('2-point'), and the
Jacobian with central differences. The generated code is
generated/least_squares_jacobian_residual.py.
"""

import numpy as np
from scipy.optimize import least_squares

import s2s


def concentrations(log_k, a0, t):
    """[B](t) and [C](t) for A -> B -> C (first order, k1 != k2), starting from A = a0."""
    k1 = np.exp(log_k[0])
    k2 = np.exp(log_k[1])
    decay_a = np.exp(-k1 * t)
    decay_b = np.exp(-k2 * t)
    b = a0 * k1 / (k2 - k1) * (decay_a - decay_b)
    c = a0 * (1.0 + (k1 * decay_b - k2 * decay_a) / (k2 - k1))
    return b, c


def residual(theta, t, observed):
    """The misfit of every run's [B] and [C], stacked: theta = (log k1, log k2, a0 of each run)."""
    log_k = theta[:2]
    runs = []
    for run in range(observed.shape[0]):
        b, c = concentrations(log_k, theta[2 + run], t)
        runs.append(np.concatenate([b - observed[run, 0], c - observed[run, 1]]))
    return np.concatenate(runs)


def numeric_jacobian(f, theta, *args, eps=1e-6):
    columns = []
    for i in range(theta.shape[0]):
        step = np.zeros_like(theta)
        step[i] = eps
        columns.append((f(theta + step, *args) - f(theta - step, *args)) / (2 * eps))
    return np.stack(columns, axis=-1)


def main():
    rng = np.random.default_rng(3)
    t = np.linspace(0.0, 10.0, 40)
    true = np.array([np.log(0.9), np.log(0.25), 1.0, 0.6, 1.4])
    clean = np.stack([np.stack(concentrations(true[:2], a0, t)) for a0 in true[2:]])
    observed = clean + 0.01 * rng.normal(size=clean.shape)

    jac = s2s.jacobian(residual, mode="forward")
    print(f"the Jacobian's code: {jac.path}")
    theta0 = np.array([np.log(2.0), np.log(0.1), 0.8, 0.8, 0.8])
    J = jac(theta0, t, observed)
    error = np.max(np.abs(J - numeric_jacobian(residual, theta0, t, observed)))
    print(f"Jacobian {J.shape[0]} x {J.shape[1]}, against central differences: max error {error:.1e}")
    assert J.shape == (240, 5) and error < 1e-7

    exact = least_squares(residual, theta0, jac=jac, args=(t, observed), method="trf", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    differenced = least_squares(residual, theta0, jac="2-point", args=(t, observed), method="trf", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    for name, fit in (("s2s.jacobian", exact), ("'2-point'", differenced)):
        k1, k2 = np.exp(fit.x[:2])
        print(f"jac={name:13}: k1 = {k1:.4f}, k2 = {k2:.4f}, a0 = {np.round(fit.x[2:], 4)}, cost {fit.cost:.6e}, "
              f"{fit.nfev} residual evaluations, {fit.njev} Jacobians")
    print(f"true values      : k1 = {np.exp(true[0]):.4f}, k2 = {np.exp(true[1]):.4f}, a0 = {true[2:]}")

    assert exact.success
    assert np.allclose(np.exp(exact.x[:2]), np.exp(true[:2]), rtol=0.05)
    assert np.allclose(exact.x[2:], true[2:], rtol=0.05)
    assert exact.cost <= differenced.cost * (1 + 1e-9)  # the exact Jacobian fits at least as well


if __name__ == "__main__":
    main()
