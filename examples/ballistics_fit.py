"""A numba simulation, differentiated and fitted with its compiled gradient.

Run:  python examples/ballistics_fit.py

`flight_range` integrates a ball's flight with quadratic air drag until it
lands (a `while` loop that stops when the ball does, and an `if` that
interpolates the landing point); `misfit` compares the simulated ranges at
several launch angles with measured ones. Both are `@numba.njit` functions,
written as a numba user writes them. `s2s.grad(misfit)` differentiates their
Python source and compiles the gradient with numba too: the generated file
carries `@numba.njit` on each function (generated/ballistics_fit_grad_*.py).
L-BFGS then recovers the launch speed and drag coefficient from the ranges.
"""

import time

import numba
import numpy as np
from scipy.optimize import minimize

import s2s


@numba.njit
def flight_range(speed, angle, drag):
    """Horizontal distance (m) of a ball launched at `speed` (m/s) and `angle` (rad)."""
    dt = 1e-3
    g = 9.81
    x = 0.0
    y = 0.0
    vx = speed * np.cos(angle)
    vy = speed * np.sin(angle)
    while y >= 0.0:
        v = np.sqrt(vx * vx + vy * vy)
        x = x + dt * vx
        y = y + dt * vy
        vx = vx - dt * drag * v * vx
        vy = vy - dt * (g + drag * v * vy)
        if y < 0.0:
            x = x - vx * y / vy  # back to where the ball crossed y = 0
    return x


@numba.njit
def misfit(params, angles, measured):
    """Mean squared difference of simulated and measured ranges; params = (speed, drag)."""
    speed = params[0]
    drag = params[1]
    total = 0.0
    for k in range(angles.shape[0]):
        r = flight_range(speed, angles[k], drag)
        total += (r - measured[k]) ** 2
    return total / angles.shape[0]


def main():
    angles = np.radians(np.array([15.0, 25.0, 35.0, 45.0, 55.0, 65.0]))
    truth = np.array([31.0, 0.012])
    rng = np.random.default_rng(3)
    measured = np.array([flight_range(truth[0], a, truth[1]) for a in angles]) + 0.05 * rng.standard_normal(angles.size)

    start = time.perf_counter()
    grad_misfit = s2s.grad(misfit)  # a numba function: its gradient is compiled too
    guess = np.array([25.0, 0.03])
    g = grad_misfit(guess, angles, measured)
    print(f"transform + numba compile: {time.perf_counter() - start:.2f} s; the gradient runs compiled")
    print(f"generated file: {grad_misfit.specialize(guess, angles, measured).path}")

    # the compiled gradient agrees with the Python one to rounding
    python = s2s.grad(misfit.py_func)(guess, angles, measured)
    assert np.allclose(g, python, rtol=1e-12, atol=0.0), (g, python)
    # and with central differences
    eps = np.array([1e-6, 1e-9])
    for i in range(2):
        up, down = guess.copy(), guess.copy()
        up[i] += eps[i]
        down[i] -= eps[i]
        numeric = (misfit(up, angles, measured) - misfit(down, angles, measured)) / (2 * eps[i])
        assert abs(numeric - g[i]) <= 1e-5 * abs(g[i]), (i, numeric, g[i])

    fit = minimize(misfit, guess, args=(angles, measured), jac=grad_misfit, method="L-BFGS-B",
                   bounds=[(1.0, 100.0), (0.0, 0.1)], options={"ftol": 1e-14, "gtol": 1e-10})
    print(f"fitted speed {fit.x[0]:.3f} m/s (true {truth[0]}), drag {fit.x[1]:.5f} /m (true {truth[1]}), "
          f"{fit.nit} iterations, misfit {fit.fun:.2e} m^2")
    assert abs(fit.x[0] - truth[0]) < 0.5 and abs(fit.x[1] - truth[1]) < 0.002

    start = time.perf_counter()
    for _ in range(100):
        grad_misfit(fit.x, angles, measured)
    compiled = (time.perf_counter() - start) / 100
    start = time.perf_counter()
    grad_python = s2s.grad(misfit.py_func)
    for _ in range(3):
        grad_python(fit.x, angles, measured)
    print(f"one gradient: compiled {compiled * 1e6:.0f} us, Python {(time.perf_counter() - start) / 3 * 1e6:.0f} us")


if __name__ == "__main__":
    main()
