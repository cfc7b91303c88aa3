"""A driven damped oscillator integrated with an adaptive Heun-Euler (RK12) scheme: the step grows
and shrinks in a while loop until the end time; the response at t_end as a function of the parameters."""

import numpy as np


def oscillator(t, y, omega, zeta, force):
    position, velocity = y
    acceleration = -2 * zeta * omega * velocity - omega**2 * position + force * np.cos(1.3 * t)
    return np.array([velocity, acceleration])


def integrate_adaptive(rhs, y0, t_end, args=(), rtol=1e-4, atol=1e-6, h=0.05, max_steps=5000):
    t = 0.0
    y = np.array(y0, dtype=float)
    n_steps = 0
    while t < t_end:
        if n_steps >= max_steps:
            raise RuntimeError(f"no convergence after {max_steps} steps (t={t:.3f})")
        h = min(h, t_end - t)
        k1 = rhs(t, y, *args)
        k2 = rhs(t + h, y + h * k1, *args)
        y_low = y + h * k1
        y_high = y + 0.5 * h * (k1 + k2)
        scale = atol + rtol * np.abs(y)
        error = np.sqrt(np.mean(((y_high - y_low) / scale) ** 2))
        if error <= 1.0:
            t = t + h
            y = y_high
        h = h * min(5.0, max(0.2, 0.9 / np.sqrt(error)))
        n_steps += 1
    return y


def response(params, y0, t_end=3.0):
    omega, zeta, force = params
    y = integrate_adaptive(oscillator, y0, t_end, args=(omega, zeta, force))
    return y[0] ** 2 + (y[1] / omega) ** 2


def corpus_inputs(rng):
    return np.array([2.0, 0.1, 0.5]) + 0.01 * rng.normal(size=3), np.array([1.0, 0.0])


CORPUS = dict(f=response, wrt=0)
