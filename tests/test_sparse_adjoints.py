"""Container adjoints cost what is read (issue 18): the adjoint of reading one entry of a tuple,
list or NamedTuple holds that entry's adjoint alone (a ``SparseTuple``), reads of its other
entries give zeros like the primal's, and the gradient a user gets has real zeros in the
argument's structure."""

from typing import NamedTuple

import numpy as np

import s2s
from gradcheck import assert_close, numeric_grad
from s2s.runtime import unattribute, unindex, zeros_like, zeroed
from s2s.runtime.values import GradTuple, SparseTuple

RNG = np.random.default_rng(18)


class Kernel(NamedTuple):
    log_length: float
    log_signal: float
    log_noise: float
    mean: np.ndarray
    inducing: np.ndarray  # read by another model: never read here


def gp_neg_log_marginal(k, t, y):
    """Negative log marginal likelihood of a Gaussian process with a squared-exponential kernel."""
    length, signal, noise = np.exp(k.log_length), np.exp(k.log_signal), np.exp(k.log_noise)
    d = t[:, None] - t[None, :]
    cov = signal**2 * np.exp(-0.5 * (d / length) ** 2) + noise**2 * np.eye(len(t))
    r = y - k.mean
    chol = np.linalg.cholesky(cov)
    alpha = np.linalg.solve(cov, r)
    return 0.5 * r @ alpha + np.sum(np.log(np.diag(chol)))


def test_a_namedtuple_read_field_by_field_has_zeros_where_unread():
    t = np.linspace(0.0, 3.0, 7)
    y = np.sin(t) + 0.1 * RNG.normal(size=7)
    k = Kernel(0.2, -0.1, -1.5, 0.1 * RNG.normal(size=7), np.ones(3))
    g = s2s.grad(gp_neg_log_marginal)(k, t, y)
    assert type(g) is Kernel and type(g.log_length) is float
    assert type(g.inducing) is np.ndarray
    np.testing.assert_array_equal(g.inducing, np.zeros(3))
    for field in ("log_length", "log_signal", "log_noise", "mean"):
        def along(v, field=field):
            return gp_neg_log_marginal(k._replace(**{field: v}), t, y)
        assert_close(getattr(g, field), numeric_grad(along, [getattr(k, field)], 0), rtol=1e-6)


def explained_variance(X):
    """The share of the variance along the first principal axis (PCA), eigenvalues read by index."""
    centered = X - np.mean(X, axis=0)
    cov = centered.T @ centered / (len(X) - 1)
    values = np.linalg.eigh(cov)[0]
    return values[-1] / np.sum(values)


def explained_variance_by_name(X):
    centered = X - np.mean(X, axis=0)
    cov = centered.T @ centered / (len(X) - 1)
    values = np.linalg.eigh(cov).eigenvalues
    return values[-1] / np.sum(values)


def test_a_rule_reads_entries_of_a_tuple_adjoint_that_one_read_made():
    """``eigh``'s adjoint reads the adjoints of the eigenvalues and the eigenvectors; reading
    the eigenvalues alone leaves the eigenvectors' entry empty, read as zeros."""
    X = RNG.normal(size=(12, 4)) * np.array([3.0, 1.5, 1.0, 0.5])
    for f in (explained_variance, explained_variance_by_name):
        assert_close(s2s.grad(f)(X), numeric_grad(f, [X], 0), rtol=1e-5)


def leapfrog_energy(q0, p0, dt, steps):
    """Hamiltonian drift of leapfrog on a pendulum, state kept as a list updated in place."""
    state = [q0, p0]
    for _ in range(steps):
        state[1] = state[1] - 0.5 * dt * np.sin(state[0])
        state[0] = state[0] + dt * state[1]
        state[1] = state[1] - 0.5 * dt * np.sin(state[0])
    return 0.5 * state[1] ** 2 - np.cos(state[0])


def test_a_list_state_written_and_read_by_index():
    g = s2s.grad(leapfrog_energy, wrt=(0, 1))(0.7, 0.1, 0.05, 30)
    for i in (0, 1):
        assert_close(g[i], numeric_grad(leapfrog_energy, [0.7, 0.1, 0.05, 30], i), rtol=1e-6)


def moments(x):
    m = np.mean(x)
    return m, np.mean((x - m) ** 2)


def log_variance(x):
    return np.log(moments(x)[1])


def test_second_order_through_one_entry_of_a_returned_tuple():
    """hvp (forward over the generated gradient) through ``unindex`` of a tuple and its reads."""
    x = RNG.normal(size=5)
    v = RNG.normal(size=5)
    hv = s2s.hvp(log_variance)(x, v)
    grad = s2s.grad(log_variance)
    eps = 1e-6
    assert_close(hv, (grad(x + eps * v) - grad(x - eps * v)) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_the_adjoint_of_one_read_holds_that_entry_alone():
    W, b = np.ones((2, 3)), np.ones(3)
    params = Kernel(0.0, 0.0, 0.0, W, b)
    g = unattribute(np.full((2, 3), 2.0), params, "mean")
    assert type(g) is SparseTuple and tuple.__getitem__(g, 4) is None and tuple.__getitem__(g, 0) is None
    assert g[4].shape == (3,) and not g[4].any() and g[0] == 0.0  # read: zeros like the entry
    total = g + unindex(np.full(3, 1.0), params, 4)
    assert type(total) is SparseTuple and tuple.__getitem__(total, 0) is None
    np.testing.assert_array_equal(total[4], np.ones(3))
    _, _, _, mean, inducing = total  # unpacking reads zeros too
    np.testing.assert_array_equal(mean, np.full((2, 3), 2.0))
    dense = total + GradTuple((1.0, 1.0, 1.0, W, b))
    assert type(dense) is GradTuple and dense[0] == 1.0
    empty = zeros_like((W, b))
    assert type(empty) is SparseTuple and tuple(tuple.__iter__(empty)) == (None, None)
    assert type(zeroed(total, 4)) is SparseTuple and not zeroed(total, 4)[4].any()


def mean_variance_utility(w, returns, cov, risk_aversion=3.0):
    return w @ returns - 0.5 * risk_aversion * w @ cov @ w


def test_calls_leaving_a_default_and_with_it_given_run_their_own_variants():
    """The wrapper's quick path takes calls that leave ``risk_aversion`` at its default; a call
    giving it is another key."""
    w, returns = RNG.dirichlet(np.ones(4)), 0.05 + 0.02 * RNG.normal(size=4)
    factors = RNG.normal(size=(4, 2))
    cov = 0.04 * (factors @ factors.T + np.eye(4))
    g = s2s.grad(mean_variance_utility)
    for args in [(w, returns, cov), (w, returns, cov), (w, returns, cov, 1.0), (w, returns, cov, 1.0), (w, returns, cov)]:
        assert_close(g(*args), numeric_grad(mean_variance_utility, list(args), 0), rtol=1e-6)


def test_a_namedtuple_with_numpy_scalar_fields_again_and_again():
    t = np.linspace(0.0, 3.0, 6)
    y = np.cos(t)
    k = Kernel(np.float64(0.1), np.log(0.8), np.log(0.3), np.zeros(6), np.ones(2))
    g = s2s.grad(gp_neg_log_marginal)
    first, again = g(k, t, y), g(k, t, y)
    for field in Kernel._fields:
        np.testing.assert_array_equal(getattr(first, field), getattr(again, field))
    assert np.ndim(again.log_signal) == 0 and type(again.inducing) is np.ndarray
    assert_close(again.log_noise, numeric_grad(lambda v: gp_neg_log_marginal(k._replace(log_noise=v), t, y), [float(k.log_noise)], 0), rtol=1e-6)
