"""Element-indexed benchmark workloads (issue 18): code that reads and writes single
entries of arrays, where reverse mode's cost is easiest to get wrong.

The same conventions as ``bench/workloads.py`` (each function written once, as
a scientist would; a gradient written by hand, the way an expert would: record
the forward trajectory, then one fused backward loop): Horner's rule reading
``c[i]``, an IIR filter filling ``y[i]``, an RK4 pendulum on parameters unpacked
from an array, and an LSTM unrolled over a sequence.  Each program appears at
two sizes, so the table shows how time and memory grow with the loop length; the
LSTM at a third shape too, one sequence (batch 1) with a wider state.
"""

import math

import numpy as np

from bench.workload import Workload

# --------------------------------------------------------------------------------------
# Horner's rule: a polynomial's value at x, reading one coefficient per iteration


def horner(c, x):
    p = 0.0
    for i in range(c.shape[0] - 1, -1, -1):
        p = p * x + c[i]
    return p


def horner_grad(c, x):
    """By hand: p_i = p_(i+1) * x + c[i], so dp/dc[i] = x**i; dx accumulates p_(i+1)."""
    cs = c.tolist()
    ps = []
    p = 0.0
    for i in range(len(cs) - 1, -1, -1):
        ps.append(p)
        p = p * x + cs[i]
    dc = np.empty_like(c)
    dp, dx = 1.0, 0.0
    for i in range(len(cs)):
        dc[i] = dp
        dx += dp * ps[len(cs) - 1 - i]
        dp *= x
    return dc, dx


def _horner_args(degree, seed=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=degree + 1) / np.sqrt(degree + 1), 0.97


# --------------------------------------------------------------------------------------
# A first-order IIR filter filling an array, energy of the output


def iir_energy(x, a, b):
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = b * x[0]
    for i in range(1, n):
        y[i] = a * y[i - 1] + b * x[i]
    return np.sum(y ** 2)


def iir_energy_grad(x, a, b):
    """By hand: the output's adjoint runs backwards through the recursion (one loop);
    the parameters' gradients are then sums over it."""
    xs = x.tolist()
    ys = [b * xs[0]]
    for i in range(1, len(xs)):
        ys.append(a * ys[-1] + b * xs[i])
    dys = [2.0 * v for v in ys]
    for i in range(len(xs) - 1, 0, -1):
        dys[i - 1] += a * dys[i]
    dy = np.array(dys)
    y = np.array(ys)
    return b * dy, float(dy[1:] @ y[:-1]), float(dy @ x)


def _iir_args(n, seed=6):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), 0.9, 0.5


# --------------------------------------------------------------------------------------
# A damped pendulum integrated with RK4, fitted to observed angles; the parameters
# are unpacked from one array


def pendulum_fit(params, theta0, omega0, observed, dt):
    g, L, damping = params[0], params[1], params[2]
    theta, omega = theta0, omega0
    loss = 0.0
    for i in range(observed.shape[0]):
        k1t = omega
        k1w = -g / L * np.sin(theta) - damping * omega
        k2t = omega + 0.5 * dt * k1w
        k2w = -g / L * np.sin(theta + 0.5 * dt * k1t) - damping * k2t
        k3t = omega + 0.5 * dt * k2w
        k3w = -g / L * np.sin(theta + 0.5 * dt * k2t) - damping * k3t
        k4t = omega + dt * k3w
        k4w = -g / L * np.sin(theta + dt * k3t) - damping * k4t
        theta = theta + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        omega = omega + dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
        loss = loss + (theta - observed[i]) ** 2
    return loss


def pendulum_fit_grad(params, theta0, omega0, observed, dt):
    """By hand: keep each step's stages, then one backward loop.  The stage
    ``k = (w, -K sin(t) - damping * w)`` with K = g / L gives, for adjoints (kt_bar, kw_bar),
    t_bar = -K cos(t) kw_bar and w_bar = kt_bar - damping kw_bar."""
    g, L, damping = params.tolist()
    K = g / L
    obs = observed.tolist()
    tape = []
    theta, omega = theta0, omega0
    for i in range(len(obs)):
        s1 = math.sin(theta)
        k1w = -K * s1 - damping * omega
        t2, k2t = theta + 0.5 * dt * omega, omega + 0.5 * dt * k1w
        s2 = math.sin(t2)
        k2w = -K * s2 - damping * k2t
        t3, k3t = theta + 0.5 * dt * k2t, omega + 0.5 * dt * k2w
        s3 = math.sin(t3)
        k3w = -K * s3 - damping * k3t
        t4, k4t = theta + dt * k3t, omega + dt * k3w
        s4 = math.sin(t4)
        k4w = -K * s4 - damping * k4t
        tape.append((theta, omega, t2, k2t, t3, k3t, t4, k4t, s1, s2, s3, s4))
        theta = theta + dt / 6.0 * (omega + 2.0 * k2t + 2.0 * k3t + k4t)
        omega = omega + dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
        tape[-1] += (theta,)
    dK = dd = 0.0
    tb = wb = 0.0  # adjoints of theta, omega after step i
    for i in range(len(obs) - 1, -1, -1):
        theta, omega, t2, k2t, t3, k3t, t4, k4t, s1, s2, s3, s4, end = tape[i]
        tb += 2.0 * (end - obs[i])
        # adjoints of the stages' outputs (k_t, k_w)
        a1t, a2t, a3t, a4t = dt / 6.0 * tb, dt / 3.0 * tb, dt / 3.0 * tb, dt / 6.0 * tb
        a1w, a2w, a3w, a4w = dt / 6.0 * wb, dt / 3.0 * wb, dt / 3.0 * wb, dt / 6.0 * wb
        # stage 4 at (t4, k4t)
        dK -= a4w * s4
        dd -= a4w * k4t
        s_t, s_w = -K * math.cos(t4) * a4w, a4t - damping * a4w
        tb, wb = tb + s_t, wb + s_w
        a3t += dt * s_t
        a3w += dt * s_w
        # stage 3 at (t3, k3t)
        dK -= a3w * s3
        dd -= a3w * k3t
        s_t, s_w = -K * math.cos(t3) * a3w, a3t - damping * a3w
        tb, wb = tb + s_t, wb + s_w
        a2t += 0.5 * dt * s_t
        a2w += 0.5 * dt * s_w
        # stage 2 at (t2, k2t)
        dK -= a2w * s2
        dd -= a2w * k2t
        s_t, s_w = -K * math.cos(t2) * a2w, a2t - damping * a2w
        tb, wb = tb + s_t, wb + s_w
        a1t += 0.5 * dt * s_t
        a1w += 0.5 * dt * s_w
        # stage 1 at (theta, omega)
        dK -= a1w * s1
        dd -= a1w * omega
        tb, wb = tb - K * math.cos(theta) * a1w, wb + a1t - damping * a1w
    return np.array([dK / L, -dK * g / (L * L), dd])


def _pendulum_args(steps, seed=7):
    rng = np.random.default_rng(seed)
    observed = 0.8 * np.cos(0.05 * np.arange(1, steps + 1)) + 0.01 * rng.normal(size=steps)
    return np.array([9.81, 2.0, 0.3]), 0.8, 0.0, observed, 0.05


# --------------------------------------------------------------------------------------
# LSTM unrolled over a sequence: one matmul for the four gates, np.split


def lstm_loss(W, U, b, h0, c0, xs):
    h, c = h0, c0
    loss = 0.0
    for t in range(xs.shape[0]):
        z = xs[t] @ W + h @ U + b
        i, f, o, g = np.split(z, 4, axis=1)
        i = 1.0 / (1.0 + np.exp(-i))
        f = 1.0 / (1.0 + np.exp(-f))
        o = 1.0 / (1.0 + np.exp(-o))
        g = np.tanh(g)
        c = f * c + i * g
        h = o * np.tanh(c)
        loss = loss + np.sum(h * h)
    return loss


def lstm_loss_grad(W, U, b, h0, c0, xs):
    """Backpropagation through time by hand: keep each step's gates and states, one fused
    backward loop."""
    h, c = h0, c0
    tape = []
    for t in range(xs.shape[0]):
        z = xs[t] @ W + h @ U + b
        n = z.shape[1] // 4
        ifo = 1.0 / (1.0 + np.exp(-z[:, : 3 * n]))
        g = np.tanh(z[:, 3 * n :])
        c_prev, h_prev = c, h
        c = ifo[:, n : 2 * n] * c + ifo[:, :n] * g
        tc = np.tanh(c)
        h = ifo[:, 2 * n :] * tc
        tape.append((h_prev, c_prev, ifo, g, tc, h))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    dh, dc = np.zeros_like(h0), np.zeros_like(c0)
    for t in range(xs.shape[0] - 1, -1, -1):
        h_prev, c_prev, ifo, g, tc, h = tape[t]
        i, f, o = ifo[:, :n], ifo[:, n : 2 * n], ifo[:, 2 * n :]
        dh = dh + 2.0 * h
        dc = dc + dh * o * (1.0 - tc * tc)
        dz = np.concatenate([dc * g, dc * c_prev, dh * tc], axis=1) * ifo * (1.0 - ifo)
        dz = np.concatenate([dz, dc * i * (1.0 - g * g)], axis=1)
        dW += xs[t].T @ dz
        dU += h_prev.T @ dz
        db += np.sum(dz, axis=0)
        dh = dz @ U.T
        dc = dc * f
    return dW, dU, db


def _lstm_args(steps, batch=16, features=16, hidden=32, seed=8):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(features, 4 * hidden)) / np.sqrt(features)
    U = rng.normal(size=(hidden, 4 * hidden)) / np.sqrt(hidden)
    b = rng.normal(size=4 * hidden) * 0.1
    h0 = rng.normal(size=(batch, hidden)) * 0.1
    c0 = rng.normal(size=(batch, hidden)) * 0.1
    xs = rng.normal(size=(steps, batch, features))
    return W, U, b, h0, c0, xs


# --------------------------------------------------------------------------------------


def _sizes(full, quick, small):
    return {"full": full, "quick": quick, "small": small}


def _same(text):
    return {"full": text, "quick": text}


# The filter assigns into an array (y[i] = ...), which the tape-based peers cannot run.
# jax.jit unrolls the RK4 loop into one graph of scalar operations; on the 2-core benchmark
# machine its compile of the 100-step pendulum had not finished after 7 minutes (2026-12-02)
_UNROLLED_TOO_LONG = {"jax_jit": "jit compile of the unrolled RK4 loop did not finish in 7 minutes"}
_WRITES_INTO_AN_ARRAY = {
    "autograd": "y[i] = ... assigns into an array (autograd's traced arrays do not support assignment)",
    "jax": "y[i] = ... assigns into an array (JAX arrays are immutable)",
    "torch": "y[i] = ... assigns into a tensor whose entries autograd saved (in-place modification error)",
}


ELEMENT_WORKLOADS = [
    Workload(
        "horner_d50", horner, horner_grad, ("c", "x"),
        _sizes(dict(degree=50), dict(degree=50), dict(degree=5)),
        _horner_args, unrolled=True, describe=_same("degree 50, c[i] in a loop"),
    ),
    Workload(
        "horner_d200", horner, horner_grad, ("c", "x"),
        _sizes(dict(degree=200), dict(degree=200), dict(degree=12)),
        _horner_args, unrolled=True, describe=_same("degree 200, c[i] in a loop"),
    ),
    Workload(
        "iir_n400", iir_energy, iir_energy_grad, ("x", "a", "b"),
        _sizes(dict(n=400), dict(n=400), dict(n=7)),
        _iir_args, unrolled=True, describe=_same("n = 400, y[i] = a y[i-1] + b x[i]"),
        cannot_run=_WRITES_INTO_AN_ARRAY,
    ),
    Workload(
        "iir_n3200", iir_energy, iir_energy_grad, ("x", "a", "b"),
        _sizes(dict(n=3200), dict(n=3200), dict(n=15)),
        _iir_args, unrolled=True, describe=_same("n = 3200, y[i] = a y[i-1] + b x[i]"),
        cannot_run=_WRITES_INTO_AN_ARRAY,
    ),
    Workload(
        "pendulum_s100", pendulum_fit, pendulum_fit_grad, ("params",),
        _sizes(dict(steps=100), dict(steps=100), dict(steps=4)),
        _pendulum_args, unrolled=True, describe=_same("RK4, 100 steps, params[0..2]"),
        cannot_run=_UNROLLED_TOO_LONG,
    ),
    Workload(
        "pendulum_s400", pendulum_fit, pendulum_fit_grad, ("params",),
        _sizes(dict(steps=400), dict(steps=400), dict(steps=9)),
        _pendulum_args, unrolled=True, describe=_same("RK4, 400 steps, params[0..2]"),
        cannot_run=_UNROLLED_TOO_LONG,
    ),
    Workload(
        "lstm_t50", lstm_loss, lstm_loss_grad, ("W", "U", "b"),
        _sizes(dict(steps=50), dict(steps=50), dict(steps=3, batch=2, features=3, hidden=2)),
        _lstm_args, unrolled=True, describe=_same("50 steps, batch 16, 16->32"),
    ),
    Workload(
        "lstm_t200", lstm_loss, lstm_loss_grad, ("W", "U", "b"),
        _sizes(dict(steps=200), dict(steps=200), dict(steps=12, batch=2, features=2, hidden=3)),
        _lstm_args, unrolled=True, describe=_same("200 steps, batch 16, 16->32"),
    ),
    Workload(  # one sequence at a time, a wider state: small arrays, each operation's fixed cost shows
        "lstm_b1", lstm_loss, lstm_loss_grad, ("W", "U", "b"),
        _sizes(dict(steps=100, batch=1, hidden=64), dict(steps=100, batch=1, hidden=64), dict(steps=4, batch=1, features=3, hidden=3)),
        _lstm_args, unrolled=True, describe=_same("100 steps, batch 1, 16->64"),
    ),
]
