"""Workloads of the compiled-derivatives benchmark (issue 19, ``bench/compiled.py``).

Each program is written as a numba user writes it: ``@numba.njit`` functions
of loops over numbers and array entries, real formulas.  s2s differentiates
each through its Python source and compiles the gradient with numba.  Next to
each program:

* a gradient written by hand in numba, the way an expert would (record what
  the backward loop needs, in preallocated arrays or, where the step count is
  known only at the end, a list; then one fused backward loop): the baseline
  of what compiled reverse mode can cost;
* a port to JAX's structured control flow (``lax.fori_loop``/``lax.scan``,
  ``jnp.where`` for the branch), differentiated by ``jax.grad`` under
  ``jax.jit``, where JAX can express it: JAX reverse-differentiates no
  ``lax.while_loop``, so the ``while`` program has no port (:data:`NO_JAX_PORT`).

A workload's ``make(**size)`` builds its arguments deterministically;
``sizes`` lists the sizes of the full run, ``quick`` the one of ``--quick``,
``tiny`` the one of the smoke test (tests/test_bench.py).
"""

from dataclasses import dataclass, field

import numba
import numpy as np

G = 9.81  # m/s^2

# --------------------------------------------------------------------------------------
# 1a. A ball bouncing on the floor: a for loop over time steps, a branch on the state


@numba.njit
def bounce_height(h0, v0, restitution, drag, dt, steps):
    """Mean height of a ball dropped from h0 (m) with speed v0 (m/s), quadratic air drag,
    losing a fraction of its speed at each bounce (explicit Euler)."""
    y = h0
    v = v0
    total = 0.0
    for _ in range(steps):
        v = v - dt * (9.81 + drag * v * abs(v))
        y = y + dt * v
        if y < 0.0:  # hit the floor: reflect, losing speed
            y = -restitution * y
            v = -restitution * v
        total += y
    return total / steps


@numba.njit
def bounce_height_grad(h0, v0, restitution, drag, dt, steps):
    """By hand: keep each step's starting speed, height before the bounce test and whether
    it bounced; one backward loop."""
    vs = np.empty(steps)
    ys = np.empty(steps)
    hit = np.empty(steps, dtype=np.bool_)
    y = h0
    v = v0
    for k in range(steps):
        vs[k] = v
        v = v - dt * (G + drag * v * abs(v))
        y = y + dt * v
        ys[k] = y
        hit[k] = y < 0.0
        if hit[k]:
            y = -restitution * y
            v = -restitution * v
    yb = 0.0
    vb = 0.0
    eb = 0.0
    db = 0.0
    wb = 1.0 / steps  # adjoint of total
    for k in range(steps - 1, -1, -1):
        yb += wb
        v = vs[k]
        if hit[k]:
            v1 = v - dt * (G + drag * v * abs(v))
            eb -= yb * ys[k] + vb * v1
            yb = -restitution * yb
            vb = -restitution * vb
        vb += dt * yb  # y = y + dt * v
        db -= dt * vb * v * abs(v)
        vb = vb * (1.0 - 2.0 * dt * drag * abs(v))
    return yb, vb, eb, db


def _bounce_args(steps):
    return 2.0, 0.0, 0.8, 0.05, 2.0 / steps, steps  # two seconds of flight in `steps` steps


def bounce_height_jax():
    import jax.numpy as jnp
    from jax import lax

    def bounce_height(h0, v0, restitution, drag, dt, steps):
        def step(_, state):
            y, v, total = state
            v = v - dt * (9.81 + drag * v * jnp.abs(v))
            y = y + dt * v
            hit = y < 0.0
            y = jnp.where(hit, -restitution * y, y)
            v = jnp.where(hit, -restitution * v, v)
            return y, v, total + y

        _, _, total = lax.fori_loop(0, steps, step, (h0, v0, 0.0))
        return total / steps

    return bounce_height


# --------------------------------------------------------------------------------------
# 1b. A projectile's range: a while loop until it lands, a branch interpolating the landing


@numba.njit
def flight_range(speed, angle, drag, dt):
    """Horizontal distance (m) of a ball launched at `speed` (m/s) and `angle` (rad) with
    quadratic air drag, integrated (explicit Euler) until it lands."""
    x = 0.0
    y = 0.0
    vx = speed * np.cos(angle)
    vy = speed * np.sin(angle)
    while y >= 0.0:
        v = np.sqrt(vx * vx + vy * vy)
        x = x + dt * vx
        y = y + dt * vy
        vx = vx - dt * drag * v * vx
        vy = vy - dt * (9.81 + drag * v * vy)
        if y < 0.0:
            x = x - vx * y / vy  # back to where the ball crossed y = 0
    return x


@numba.njit
def flight_range_grad(speed, angle, drag, dt):
    """By hand: keep each step's velocity (in a list: the step count is known only at the
    end); the landing interpolation, then one backward loop."""
    velocities = []
    x = 0.0
    y = 0.0
    vx = speed * np.cos(angle)
    vy = speed * np.sin(angle)
    while y >= 0.0:
        velocities.append((vx, vy))
        v = np.sqrt(vx * vx + vy * vy)
        x = x + dt * vx
        y = y + dt * vy
        vx = vx - dt * drag * v * vx
        vy = vy - dt * (G + drag * v * vy)
    # the landing: x_out = x - vx * y / vy after the last step
    xb = 1.0
    yb = -vx / vy
    vxb = -y / vy
    vyb = vx * y / (vy * vy)
    db = 0.0
    for k in range(len(velocities) - 1, -1, -1):
        vx, vy = velocities[k]
        v = np.sqrt(vx * vx + vy * vy)
        s = vxb * vx + vyb * vy
        vb = -dt * drag * s  # adjoint of the speed v
        db -= dt * v * s
        vxb, vyb = (xb * dt + vxb * (1.0 - dt * drag * v) + vb * vx / v,
                    yb * dt + vyb * (1.0 - dt * drag * v) + vb * vy / v)
    c = np.cos(angle)
    s = np.sin(angle)
    return vxb * c + vyb * s, speed * (vyb * c - vxb * s), db


def _flight_args(steps):
    """About `steps` time steps: the flight at 30 m/s, 40 degrees, lasts about 3.6 s."""
    return 30.0, 0.7, 0.02, 3.6 / steps


# --------------------------------------------------------------------------------------
# 2. A biquad filter (direct form I) writing y[i], mean power of the output


@numba.njit
def biquad_power(x, b0, b1, b2, a1, a2):
    """Mean power of signal x through the biquad b0 + b1 z^-1 + b2 z^-2 / 1 + a1 z^-1 + a2 z^-2."""
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = b0 * x[0]
    y[1] = b0 * x[1] + b1 * x[0] - a1 * y[0]
    for i in range(2, n):
        y[i] = b0 * x[i] + b1 * x[i - 1] + b2 * x[i - 2] - a1 * y[i - 1] - a2 * y[i - 2]
    return np.sum(y * y) / n


@numba.njit
def biquad_power_grad(x, b0, b1, b2, a1, a2):
    """By hand: the output's adjoint runs backwards through the recursion, the coefficients'
    adjoints accumulate on the way."""
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = b0 * x[0]
    y[1] = b0 * x[1] + b1 * x[0] - a1 * y[0]
    for i in range(2, n):
        y[i] = b0 * x[i] + b1 * x[i - 1] + b2 * x[i - 2] - a1 * y[i - 1] - a2 * y[i - 2]
    yb = 2.0 / n * y
    xb = np.zeros(n)
    b0b = b1b = b2b = a1b = a2b = 0.0
    for i in range(n - 1, 1, -1):
        g = yb[i]
        xb[i] += b0 * g
        xb[i - 1] += b1 * g
        xb[i - 2] += b2 * g
        yb[i - 1] -= a1 * g
        yb[i - 2] -= a2 * g
        b0b += g * x[i]
        b1b += g * x[i - 1]
        b2b += g * x[i - 2]
        a1b -= g * y[i - 1]
        a2b -= g * y[i - 2]
    g = yb[1]
    xb[1] += b0 * g
    xb[0] += b1 * g
    yb[0] -= a1 * g
    b0b += g * x[1]
    b1b += g * x[0]
    a1b -= g * y[0]
    g = yb[0]
    xb[0] += b0 * g
    b0b += g * x[0]
    return xb, b0b, b1b, b2b, a1b, a2b


def _biquad_args(n, seed=6):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n), 0.2, 0.4, 0.2, -0.6, 0.2  # a stable low-pass


def biquad_power_jax():
    import jax.numpy as jnp
    from jax import lax

    def biquad_power(x, b0, b1, b2, a1, a2):
        y0 = b0 * x[0]
        y1 = b0 * x[1] + b1 * x[0] - a1 * y0

        def step(carry, xs):
            y_1, y_2 = carry
            xi, xi_1, xi_2 = xs
            yi = b0 * xi + b1 * xi_1 + b2 * xi_2 - a1 * y_1 - a2 * y_2
            return (yi, y_1), yi

        _, ys = lax.scan(step, (y1, y0), (x[2:], x[1:-1], x[:-2]))
        return (y0 * y0 + y1 * y1 + jnp.sum(ys * ys)) / x.shape[0]

    return biquad_power


# --------------------------------------------------------------------------------------
# 3. Horner's rule reading c[i]


@numba.njit
def horner(c, t):
    """The polynomial with coefficients c (highest degree first) at t."""
    acc = 0.0
    for i in range(c.shape[0]):
        acc = acc * t + c[i]
    return acc


@numba.njit
def horner_grad(c, t):
    """By hand: d/dc[i] = t**(n-1-i); d/dt sums each step's adjoint times its accumulator."""
    n = c.shape[0]
    accs = np.empty(n)
    acc = 0.0
    for i in range(n):
        accs[i] = acc
        acc = acc * t + c[i]
    cb = np.empty(n)
    ab = 1.0
    tb = 0.0
    for i in range(n - 1, -1, -1):
        cb[i] = ab
        tb += ab * accs[i]
        ab *= t
    return cb, tb


def _horner_args(degree, seed=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(degree + 1) / np.sqrt(degree + 1), 0.97


def horner_jax():
    from jax import lax

    def horner(c, t):
        return lax.fori_loop(0, c.shape[0], lambda i, acc: acc * t + c[i], 0.0)

    return horner


@numba.njit
def horner_step(c, t, i):
    """c[i] + t*(c[i+1] + t*(...)): Horner's rule written recursively, one coefficient per call."""
    return c[i] if i == len(c) - 1 else c[i] + t * horner_step(c, t, i + 1)


@numba.njit
def horner_recursive(c, t):
    """The polynomial with coefficients c (constant term first) at t."""
    return horner_step(c, t, 0)


@numba.njit
def horner_recursive_grad(c, t):
    """By hand: d/dc[i] = t**i; d/dt = sum of i c[i] t**(i-1), by Horner's rule on the derivative."""
    n = c.shape[0]
    cb = np.empty(n)
    power = 1.0
    for i in range(n):
        cb[i] = power
        power *= t
    tb = 0.0
    for i in range(n - 1, 0, -1):
        tb = tb * t + i * c[i]
    return cb, tb


def horner_recursive_jax():
    from jax import lax

    def horner(c, t):  # JAX has no recursion: the loop, from the last coefficient
        n = c.shape[0]
        return lax.fori_loop(0, n, lambda k, acc: acc * t + c[n - 1 - k], 0.0)

    return horner


# --------------------------------------------------------------------------------------
# 4. The explicit 1-D heat equation: a time loop, a space loop writing a new array's entries


@numba.njit
def heat_step(u, r):
    """One explicit Euler step of u_t = kappa u_xx (r = kappa dt / dx^2), ends held at 0."""
    n = u.shape[0]
    new = np.zeros(n)
    for i in range(1, n - 1):
        new[i] = u[i] + r * (u[i - 1] - 2.0 * u[i] + u[i + 1])
    return new


@numba.njit
def heat_misfit(u0, kappa, dt, dx, steps, target):
    """Squared misfit of the temperature after `steps` steps from u0 to a target profile."""
    r = kappa * dt / (dx * dx)
    u = u0
    for _ in range(steps):
        u = heat_step(u, r)
    total = 0.0
    for i in range(u.shape[0]):
        total += (u[i] - target[i]) ** 2
    return total


@numba.njit
def heat_misfit_grad(u0, kappa, dt, dx, steps, target):
    """By hand: keep every step's profile (steps x n), one backward sweep per step."""
    n = u0.shape[0]
    r = kappa * dt / (dx * dx)
    us = np.empty((steps, n))
    u = u0
    for t in range(steps):
        us[t] = u
        new = np.zeros(n)
        for i in range(1, n - 1):
            new[i] = u[i] + r * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        u = new
    ub = 2.0 * (u - target)
    rb = 0.0
    for t in range(steps - 1, -1, -1):
        prev = np.zeros(n)
        for i in range(1, n - 1):
            g = ub[i]
            rb += g * (us[t, i - 1] - 2.0 * us[t, i] + us[t, i + 1])
            prev[i] += g * (1.0 - 2.0 * r)
            prev[i - 1] += r * g
            prev[i + 1] += r * g
        ub = prev
    return ub, rb * dt / (dx * dx)


def _heat_args(n, steps, seed=9):
    rng = np.random.default_rng(seed)
    xs = np.linspace(0.0, 1.0, n)
    u0 = np.sin(np.pi * xs) + 0.1 * rng.standard_normal(n)
    dx = 1.0 / (n - 1)
    kappa = 0.5
    dt = 0.4 * dx * dx / kappa  # r = 0.4: stable
    target = 0.5 * np.sin(np.pi * xs)
    return u0, kappa, dt, dx, steps, target


def heat_misfit_jax():
    import jax.numpy as jnp
    from jax import lax

    def heat_misfit(u0, kappa, dt, dx, steps, target):
        r = kappa * dt / (dx * dx)

        def step(_, u):
            return jnp.zeros_like(u).at[1:-1].set(u[1:-1] + r * (u[:-2] - 2.0 * u[1:-1] + u[2:]))

        u = lax.fori_loop(0, steps, step, u0)
        return jnp.sum((u - target) ** 2)

    return heat_misfit


# --------------------------------------------------------------------------------------


@dataclass
class CompiledWorkload:
    name: str
    fn: object  # the numba dispatcher differentiated
    hand: object  # the hand-written numba gradient: same arguments, returns what s2s.grad(fn, wrt) returns
    wrt: tuple  # positions of the differentiated parameters
    make: object  # size keywords -> the argument tuple
    sizes: list  # the full run's sizes (keyword dicts)
    quick: dict  # the size of --quick
    tiny: dict  # the size of the smoke test
    describe: object  # size keywords -> a short description
    jax: object = None  # builds the JAX port (a function of the same arguments), or None
    static: tuple = ()  # positions of integer arguments (static for jax.jit)
    kind: str = ""  # what the acceptance calls it: "scalar", "filter", "horner", "stencil", "recursion"
    notes: list = field(default_factory=list)  # said under the tables


NO_JAX_PORT = "JAX cannot reverse-differentiate `lax.while_loop` (its trip count depends on the state), so the `while` program has no port"

HEAT_FORM = (
    "The heat equation's step is a helper `@numba.njit` function (`heat_step`), as the workload was first "
    "written, when s2s refused the same step written in one function (`new = np.zeros(n)` in the time loop, "
    "`new[i] = ...`, `u = new`: the aliasing check took each iteration's new array for the previous one) and "
    "numba refused a 2-D history `u[t + 1, i] = ...` (the index `np.s_[...]`); both forms are differentiated and "
    "compiled now (tests/test_element_indexing.py heat_rod, tests/test_compiled.py rod_history)"
)

RECURSION_NOTE = (
    "`horner_rec` is Horner's rule written recursively (`c[i] + t * horner_step(c, t, i + 1)`); its forward is "
    "that recursion compiled by numba, and s2s differentiates it as the two loops it becomes, a descent pushing i "
    "and an ascent popping it (s2s/normalize/recursion.py: one call of itself per call). Sizes stop at degree 400, "
    "as the program's Python form recurses, within Python's recursion limit"
)

WORKLOADS = [
    CompiledWorkload(
        "bounce", bounce_height, bounce_height_grad, (0, 1, 2, 3), _bounce_args,
        [dict(steps=250), dict(steps=1000), dict(steps=4000)], dict(steps=1000), dict(steps=40),
        lambda s: f"{s['steps']} steps, for + if", bounce_height_jax, static=(5,), kind="scalar",
    ),
    CompiledWorkload(
        "flight", flight_range, flight_range_grad, (0, 1, 2), _flight_args,
        [dict(steps=250), dict(steps=1000), dict(steps=4000)], dict(steps=1000), dict(steps=30),
        lambda s: f"~{s['steps']} steps, while + if", None, kind="scalar", notes=[NO_JAX_PORT],
    ),
    CompiledWorkload(
        "biquad", biquad_power, biquad_power_grad, (0, 1, 2, 3, 4, 5), _biquad_args,
        [dict(n=800), dict(n=3200), dict(n=12800)], dict(n=800), dict(n=12),
        lambda s: f"n = {s['n']}, y[i] from y[i-1], y[i-2]", biquad_power_jax, kind="filter",
    ),
    CompiledWorkload(
        "horner", horner, horner_grad, (0, 1), _horner_args,
        [dict(degree=50), dict(degree=200), dict(degree=800)], dict(degree=200), dict(degree=6),
        lambda s: f"degree {s['degree']}, c[i]", horner_jax, kind="horner",
    ),
    CompiledWorkload(
        "heat", heat_misfit, heat_misfit_grad, (0, 1), _heat_args,
        [dict(n=32, steps=100), dict(n=64, steps=400), dict(n=128, steps=1600)], dict(n=64, steps=400),
        dict(n=8, steps=5),
        lambda s: f"{s['n']} points x {s['steps']} steps", heat_misfit_jax, static=(4,), kind="stencil",
        notes=[HEAT_FORM],
    ),
    CompiledWorkload(
        "horner_rec", horner_recursive, horner_recursive_grad, (0, 1), _horner_args,
        [dict(degree=50), dict(degree=200), dict(degree=400)], dict(degree=200), dict(degree=6),
        lambda s: f"degree {s['degree']}, c[i], one call per coefficient", horner_recursive_jax, kind="recursion",
        notes=[RECURSION_NOTE],
    ),
]
