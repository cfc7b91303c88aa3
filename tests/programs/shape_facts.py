"""Programs for the shape facts of s2s.shapes and the uniform adjoints of s2s.reverse.

Each exercises one way a "same shape as" fact or a one-number adjoint
(``np.sum(t)``'s adjoint, every entry the same) could go wrong.
"""

import numpy as np
import scipy.special

import s2s


def stencil(u, f):
    """Slices of one array with equal lengths: elementwise arithmetic needs no reductions."""
    lap = 4.0 * u[1:-1, 1:-1] - u[:-2, 1:-1] - u[2:, 1:-1] - u[1:-1, :-2] - u[1:-1, 2:]
    return 0.5 * np.sum(lap * lap) - np.sum(f * u)


def unequal_slices(u):
    """u[1:-1], u[2:] and u[:-2] agree in length; u[1:] is longer."""
    a = u[1:-1] * u[2:]
    return np.sum(a) + np.sum(u[1:]) * np.sum(u[:-2])


def sum_of_square(x):
    return np.sum(x * x)


def shifted(x):
    """The number flows through x + 1.0 to x unchanged, and meets an array at sin."""
    t = x + 1.0
    return np.sum(t) + np.sum(np.sin(t))


def scalar_partner(x, c):
    """c is a number: its adjoint is the sum over t, not the number."""
    t = c + x
    return np.sum(t)


def broadcast_partner(x, b):
    """b broadcasts against x: no shape fact, the reduction stays."""
    t = x * b - b
    return np.sum(t)


def mean_of(x):
    return np.mean(np.tanh(x))


def through_subscript(x):
    """A subscript's rule is not elementwise: the number becomes an array first."""
    t = x[1:] * 2.0
    return np.sum(t)


def through_matmul(A, x):
    t = A @ x
    return np.sum(t * t)


def in_branch(x, flag):
    t = x * x
    s = np.sum(t)
    if flag:
        s = s + np.sum(t * 3.0)
    return s


def in_loop(x, n):
    t = np.cos(x)
    s = 0.0
    for i in range(n):
        s = s + np.sum(t) * i
    return s


def copied(x):
    t = x * 2.0
    y = t
    return np.sum(y) + np.sum(y * t)


def used_twice(x):
    t = np.exp(x)
    return np.sum(t) + np.sum(t * x)


def twice(t):
    return t * 2.0


def through_user_call(x):
    t = twice(x)
    return np.sum(t * t) + np.sum(twice(t))


def reshaped(x):
    t = np.reshape(x * 3.0, (-1,))
    return np.sum(t)


def hooked(x):
    t = x * 3.0
    with s2s.insert_grad_of(t) as dt:
        dt = dt * 2.0
    return np.sum(t)


def rebound(x, n):
    """t is assigned on every iteration and shrinks: no shape fact for it."""
    t = x * 2.0
    for i in range(n):
        t = t[1:] * t[:-1]
    return np.sum(t)


def pair(x, y):
    """Two parameters: a call with arrays of one shape runs a variant that knows it."""
    c = np.sin(x) * y + x
    return np.sum(c * c + y)


def total(x):
    """The adjoint of x is the number until the backward sweep returns it."""
    return np.sum(x)


def param_in_loop(x, n):
    s = np.sum(x)
    for i in range(n):
        s = s + np.sum(x * i)
    return s


def param_in_branch(x, flag):
    s = np.mean(x)
    if flag:
        s = s * np.sum(np.cos(x))
    return s


def carried(x, n):
    """y is assigned before the loop and in it: no number may stand for its adjoint (zero trips too)."""
    y = x
    for i in range(n):
        y = np.sin(y) * 0.5
    return np.sum(y)


def bias(x, b):
    """With the call's shapes known, b's adjoint is one np.sum over the broadcast axes."""
    return np.sum(np.tanh(x + b) * x)


def recurrent(W, U, h, xs):
    """Matrix products, a loop-carried state and a bias: every shape follows from the call's."""
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + 0.1)
        loss = loss + np.sum(h * h)
    return loss


def halving(x, n):
    """Recursive (two calls): the forward sweep's value is needed by the call above, so grad keeps it."""
    if n == 0:
        return np.sum(x * x)
    return halving(x * 0.5, n - 1) + halving(x * 0.25, n - 1) + np.sum(x)


def angular_logpdf(angle, mu, kappa):
    return kappa * np.cos(angle - mu) - np.log(2 * np.pi * scipy.special.i0(kappa))


def circular_regression(theta, angles, X):
    """A von Mises regression: the intercept and concentration first in ``theta``, the slopes
    after them, unpacked to a list and made an array again."""
    mu0, log_kappa, *slopes = theta
    mu = mu0 + 2 * np.arctan(X @ np.array(slopes))
    return -np.sum(angular_logpdf(angles, mu, np.exp(log_kappa)))


def pairwise_accelerations(positions, masses, softening=0.05):
    separation = positions[None, :, :] - positions[:, None, :]
    distance2 = np.sum(separation**2, axis=-1) + softening**2
    return np.sum(masses[None, :, None] * separation / distance2[:, :, None] ** 1.5, axis=1)


def leapfrog_kinetic_energy(positions, velocities, masses, dt=0.01, n_steps=5):
    """Kick-drift-kick steps of an n-body system; the final kinetic energy."""
    x, v = positions, velocities
    a = pairwise_accelerations(x, masses)
    for _ in range(n_steps):
        v = v + 0.5 * dt * a
        x = x + dt * v
        a = pairwise_accelerations(x, masses)
        v = v + 0.5 * dt * a
    return 0.5 * np.sum(masses * np.sum(v**2, axis=1))


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def prenorm_residual(x, gamma, beta, W, target):
    """Two pre-norm residual steps sharing one layer norm and one weight matrix."""
    for _ in range(2):
        x = x + np.tanh(layer_norm(x, gamma, beta) @ W)
    return np.mean((x - target) ** 2)


# Adjoints of reductions over some axes (held with those axes of length 1, s2s/reverse/adjoints.py)


def softmax_cross_entropy(W, b, x, onehot):
    logits = x @ W + b
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(np.sum(onehot * log_probs, axis=1))


def column_spread(X):
    """Sum of squared column means: X's adjoint is the same down each column."""
    m = np.mean(X, axis=0)
    return np.sum(m * m)


def row_energy_of_sum(a, b):
    s = np.sum(a + b, axis=1)
    return np.sum(s * s)


def rows_and_columns(a):
    r = np.sum(a, axis=0)
    c = np.sum(np.tanh(a), axis=1)
    return np.sum(r**2) + np.sum(c**3)


def centered_energy(x):
    mu = np.mean(x, axis=0, keepdims=True)
    return np.sum((x - mu) ** 2 * x)


def reduced_and_multiplied(x, w):
    t = np.tanh(x)
    return np.sum(np.sum(t, axis=1) ** 2) + np.sum(t @ w)


def over_two_axes(x):
    s = np.sum(np.exp(x), axis=(0, 2))
    return np.sum(np.log(s))


def running_row_sums(x, steps):
    total = 0.0
    for _ in range(steps):
        x = np.sin(x)
        total = total + np.sum(np.sum(x, axis=1) ** 2)
    return total
def gated(W, U, b, h, c, xs):
    """An LSTM: one product for the four gates, np.split into equal parts, the state carried
    through the loop made of the parts (its shape known where the key spells 4 * hidden)."""
    loss = 0.0
    for t in range(xs.shape[0]):
        z = xs[t] @ W + h @ U + b
        i, f, o, g = np.split(z, 4, axis=1)
        c = f / (1.0 + np.exp(-i)) * c + np.tanh(g)
        h = np.tanh(o) * np.tanh(c)
        loss = loss + np.sum(h * h)
    return loss


def halves(x, w):
    """np.split of a parameter's dimension in two (axis -1, keyword): the halves are alike
    whatever their length; the second half's product with ``w`` broadcasts or not."""
    a, b = np.split(x, 2, axis=-1)
    return np.sum(a * np.tanh(b) * w)


def thirds(x):
    """np.array_split in three of a dimension three need not divide: parts of two lengths."""
    a, b, c = np.array_split(x, 3)
    return np.sum(a * a) + np.sum(np.sin(b)) + np.sum(c) * np.sum(a)


def parts(x, y):
    """Six equal parts of rows (more parts than a key's items): alike, each added to ``y``."""
    total = 0.0
    for p in np.split(x, 6):
        total = total + np.sum(np.cos(p + y))
    return total


def logistic(x, w):
    """``1.0 / (...)``: the reciprocal's adjoint reads the result, not the denominator."""
    s = 1.0 / (1.0 + np.exp(-x * w))
    return np.sum(s * s) + np.sum(1 / w)


def logistic_divided(x, w):
    """``logistic`` with np.true_divide's rule (a call, not ``1 / x``)."""
    s = np.true_divide(1.0, 1.0 + np.exp(-x * w))
    return np.sum(s * s) + np.sum(np.true_divide(1, w))


def complex_reciprocal(z):
    r = 1.0 / (z * z + 2.0)
    return np.sum(np.real(r) + np.imag(r) ** 2)


def complex_divided(z):
    r = np.true_divide(1.0, z * z + 2.0)
    return np.sum(np.real(r) + np.imag(r) ** 2)


def bar_strain_energy(u, k, f):
    """A fixed-fixed elastic bar: nodal displacements u (the walls' are 0), one stiffness per
    element (one more than the nodes), strain energy minus the work of the loads f."""
    elongation = np.diff(np.concatenate([[0.0], u, [0.0]]))
    return 0.5 * np.sum(k * elongation**2) - u @ f
