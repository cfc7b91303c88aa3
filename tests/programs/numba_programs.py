"""Programs written for numba, as their authors write them: loops over scalars and entries."""

import numba
import numpy as np

import s2s


@numba.njit
def projectile_range(v0, angle, drag):
    """Horizontal distance a ball flies with quadratic air drag (explicit Euler until it lands)."""
    dt = 1e-3
    g = 9.81
    x = 0.0
    y = 0.0
    vx = v0 * np.cos(angle)
    vy = v0 * np.sin(angle)
    while y >= 0.0:
        speed = np.sqrt(vx * vx + vy * vy)
        ax = -drag * speed * vx
        ay = -g - drag * speed * vy
        x = x + dt * vx
        y = y + dt * vy
        vx = vx + dt * ax
        vy = vy + dt * ay
        if y < 0.0:
            # landed between the last two steps: interpolate
            x = x - dt * vx * y / (dt * vy)
    return x


@numba.njit
def biquad_power(x, b0, b1, b2, a1, a2):
    """Mean power of a signal through a biquad filter (direct form I)."""
    n = x.shape[0]
    y = np.zeros(n)
    for i in range(n):
        acc = b0 * x[i]
        if i >= 1:
            acc += b1 * x[i - 1] - a1 * y[i - 1]
        if i >= 2:
            acc += b2 * x[i - 2] - a2 * y[i - 2]
        y[i] = acc
    return np.sum(y * y) / n


@numba.njit
def horner(c, t):
    """The polynomial with coefficients c (highest degree first) at t."""
    acc = 0.0
    for i in range(c.shape[0]):
        acc = acc * t + c[i]
    return acc


@numba.njit
def kepler_anomaly(mean_anomaly, e):
    """Eccentric anomaly E solving Kepler's equation E - e sin E = M (Newton, to tolerance)."""
    E = mean_anomaly if e < 0.8 else np.pi
    for _ in range(50):
        step = (E - e * np.sin(E) - mean_anomaly) / (1.0 - e * np.cos(E))
        E = E - step
        if abs(step) < 1e-13:
            break
    return E


@numba.njit
def spring_force(d, k, alpha):
    return k * d + alpha * d * d


@numba.njit
def fpu_mode_energy(q0, p0, k, alpha, dt, steps):
    """Fermi-Pasta-Ulam-Tsingou chain with fixed ends, velocity Verlet; energy in the first mode."""
    n = q0.shape[0]
    q = q0.copy()
    p = p0.copy()
    f = np.zeros(n)
    for step in range(steps):
        for i in range(n):
            left = q[i] - (q[i - 1] if i > 0 else 0.0)
            right = (q[i + 1] if i < n - 1 else 0.0) - q[i]
            f[i] = spring_force(right, k, alpha) - spring_force(left, k, alpha)
        for i in range(n):
            p[i] = p[i] + 0.5 * dt * f[i]
            q[i] = q[i] + dt * p[i]
        for i in range(n):
            left = q[i] - (q[i - 1] if i > 0 else 0.0)
            right = (q[i + 1] if i < n - 1 else 0.0) - q[i]
            f[i] = spring_force(right, k, alpha) - spring_force(left, k, alpha)
        for i in range(n):
            p[i] = p[i] + 0.5 * dt * f[i]
    mode = 0.0
    for i in range(n):
        mode += p[i] * np.sin(np.pi * (i + 1) / (n + 1))
    return 0.5 * mode * mode


@numba.njit
def asian_call(s0, sigma, rate, strike, z, dt):
    """Monte Carlo price of an arithmetic-average Asian call under geometric Brownian motion."""
    paths, steps = z.shape
    total = 0.0
    drift = (rate - 0.5 * sigma * sigma) * dt
    vol = sigma * np.sqrt(dt)
    for p in range(paths):
        s = s0
        average = 0.0
        for t in range(steps):
            s = s * np.exp(drift + vol * z[p, t])
            average += s
        average = average / steps
        if average > strike:
            total += average - strike
    return np.exp(-rate * steps * dt) * total / paths


@numba.njit
def rod_history(u0, steps, r):
    """The heat equation on a rod, every time step kept as a row of a 2-D array."""
    n = u0.shape[0]
    u = np.zeros((steps + 1, n))
    for i in range(n):
        u[0, i] = u0[i]
    for t in range(steps):
        u[t + 1, 0] = u[t, 0]
        u[t + 1, n - 1] = u[t, n - 1]
        for i in range(1, n - 1):
            u[t + 1, i] = u[t, i] + r * (u[t, i - 1] - 2.0 * u[t, i] + u[t, i + 1])
    return np.sum(u[steps] ** 2)


def depth_sum(x, n):
    """A recursion: x + x**2/2 + ... by calls."""
    if n == 0:
        return 0.0
    return x ** n / n + depth_sum(x, n - 1)


# -- recursion ----------------------------------------------------------------

@numba.njit
def power(x, n):
    """x**n by repeated squaring."""
    if n == 0:
        return 1.0
    half = power(x, n // 2)
    if n % 2 == 0:
        return half * half
    return x * half * half


@numba.njit
def compound(principal, rate, years):
    """A deposit after whole years of compound interest."""
    return principal * power(1.0 + rate, years)


@numba.njit
def annuity_value(payment, rate, years):
    """The future value of a payment at the end of each year, each compounded for the years left."""
    total = 0.0
    for k in range(years):
        total = total + payment * power(1.0 + rate, years - 1 - k)
    return total


@numba.njit
def horner_step(c, x, i):
    """c[i] + x*(c[i+1] + x*(...)): Horner's rule, one coefficient per call."""
    return c[i] if i == len(c) - 1 else c[i] + x * horner_step(c, x, i + 1)


@numba.njit
def horner_recursive(c, x):
    """The polynomial with coefficients c (constant term first) at x."""
    return horner_step(c, x, 0)


@numba.njit
def simpson_step(k, a, b, fa, fm, fb, whole, eps, depth):
    """Adaptive Simpson quadrature of exp(-k t^2) on [a, b]: halve until Richardson's estimate is within eps."""
    m = 0.5 * (a + b)
    lm = 0.5 * (a + m)
    rm = 0.5 * (m + b)
    flm = np.exp(-k * lm * lm)
    frm = np.exp(-k * rm * rm)
    left = (m - a) / 6.0 * (fa + 4.0 * flm + fm)
    right = (b - m) / 6.0 * (fm + 4.0 * frm + fb)
    delta = left + right - whole
    if depth <= 0 or abs(delta) <= 15.0 * eps:
        return left + right + delta / 15.0
    return (simpson_step(k, a, m, fa, flm, fm, left, 0.5 * eps, depth - 1)
            + simpson_step(k, m, b, fm, frm, fb, right, 0.5 * eps, depth - 1))


@numba.njit
def gaussian_area(k, a, b, eps):
    """The integral of exp(-k t^2) from a to b, by adaptive Simpson quadrature."""
    fa = np.exp(-k * a * a)
    fb = np.exp(-k * b * b)
    m = 0.5 * (a + b)
    fm = np.exp(-k * m * m)
    whole = (b - a) / 6.0 * (fa + 4.0 * fm + fb)
    return simpson_step(k, a, b, fa, fm, fb, whole, eps, 30)


@numba.njit
def sine(x, depth):
    """sin x by halving the angle: sin x = 2 sin(x/2) cos(x/2), a Taylor polynomial at the bottom."""
    if depth == 0:
        return x - x ** 3 / 6.0 + x ** 5 / 120.0
    return 2.0 * sine(0.5 * x, depth - 1) * cosine(0.5 * x, depth - 1)


@numba.njit
def cosine(x, depth):
    """cos x = 1 - 2 sin^2(x/2)."""
    if depth == 0:
        return 1.0 - x * x / 2.0 + x ** 4 / 24.0
    s = sine(0.5 * x, depth - 1)
    return 1.0 - 2.0 * s * s


@numba.njit
def wave(amplitude, phase, t):
    """A sine wave at time t."""
    return amplitude * sine(t + phase, 6)


@numba.njit
def chain_energy(q, k, i):
    """The spring energy of a chain from bead i on, one bead per call."""
    if i == len(q) - 1:
        return 0.0
    stretch = q[i + 1] - q[i] - 1.0
    return 0.5 * k[i] * stretch * stretch + chain_energy(q, k, i + 1)


@numba.njit
def chain(q, k):
    return chain_energy(q, k, 0)


@numba.njit
def pairwise_sum(w, lo, hi):
    """The sum of w[lo:hi]**2 by pairwise summation (halves summed apart: rounding grows as log n)."""
    if hi - lo == 1:
        return w[lo] * w[lo]
    mid = (lo + hi) // 2
    return pairwise_sum(w, lo, mid) + pairwise_sum(w, mid, hi)


@numba.njit
def weight_decay(w, strength):
    """An L2 penalty on the weights, summed pairwise (a tree recursion reading w[i])."""
    return strength * pairwise_sum(w, 0, len(w))


@numba.njit
def phasor_power(x):
    """sin^2 + cos^2 of the halving recursions (refused when compiled: called at both of its functions)."""
    return sine(x, 4) ** 2 + cosine(x, 4) ** 2


def peak_ratio(x):
    """The largest entry over the mean: np.max's adjoint picks ties with a helper numba has no form of."""
    return np.max(x) / np.mean(x)


def relaxed(x, steps):
    """A checkpointed loop (refused when compiled)."""
    for _ in s2s.checkpoint(range(steps), snapshots=4):
        x = 0.9 * x + 0.1 * np.sin(x)
    return x
