"""A maximum subtracted before exp (log-sum-exp, softmax, log-softmax) carries no derivative
(s2s/normalize/shifts.py): the gradient skips it and stays right, to every order; where the
value does depend on it, it is differentiated as before."""

import numpy as np
import pytest

import s2s

from gradcheck import check_grad

rng = np.random.default_rng(11)


def multinomial_nll(W, b, X, Y):
    """Multinomial logistic regression, the log-sum-exp written out."""
    z = X @ W + b
    m = np.max(z, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return np.mean(lse - np.sum(Y * z, axis=1, keepdims=True))


def cross_entropy(W, x, onehot):
    """A log-softmax by the array methods, over the last axis."""
    logits = np.tanh(x @ W)
    z = logits - logits.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -np.sum(onehot * log_probs) / x.shape[0]


def attention_energy(q, k, v):
    """Scaled dot-product attention, the softmax normalized in place."""
    scores = q @ k.T / np.sqrt(q.shape[-1])
    scores -= scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w /= w.sum(axis=-1, keepdims=True)
    return np.sum((w @ v) ** 2)


def log_partition(theta, features):
    """log sum_i exp(f_i . theta) of a log-linear model, shifted by the largest energy."""
    energies = features @ theta
    top = np.max(energies)
    return top + np.log(np.sum(np.exp(energies - top)))


def twice_stabilized(z):
    """A second maximum of what the first left (max(z - m) = max(z) - m): both cancel."""
    m = np.max(z, axis=1, keepdims=True)
    shifted = z - m
    m2 = np.max(shifted, axis=1, keepdims=True)
    probs = np.exp(shifted - m2) / np.sum(np.exp(shifted - m2), axis=1, keepdims=True)
    return np.sum(probs * np.cos(z))


N, F, C = 7, 4, 3
CASES = [
    (multinomial_nll, (rng.normal(size=(F, C)), rng.normal(size=C), rng.normal(size=(N, F)), np.eye(C)[rng.integers(0, C, N)]), (0, 1)),
    (cross_entropy, (rng.normal(size=(F, C)), rng.normal(size=(N, F)), np.eye(C)[rng.integers(0, C, N)]), 0),
    (attention_energy, (rng.normal(size=(5, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 2))), (0, 1, 2)),
    (log_partition, (rng.normal(size=F), rng.normal(size=(N, F))), 0),
    (twice_stabilized, (rng.normal(size=(N, C)),), 0),
]


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_the_subtracted_maximum_is_not_differentiated(fn, args, wrt):
    source = s2s.grad(fn, wrt=wrt).specialize(*args).source
    assert "extremum" not in source and "m_bar" not in source and "top_bar" not in source
    check_grad(fn, args, wrt)
    check_grad(fn, args, wrt, optimize=False)


def test_forward_mode_and_second_order_skip_it_too():
    W, b, X, Y = CASES[0][1]
    v = rng.normal(size=W.shape)
    value, tangent = s2s.jvp(multinomial_nll)(W, b, X, Y, v)
    g = s2s.grad(multinomial_nll)
    np.testing.assert_allclose(tangent, np.sum(g(W, b, X, Y) * v), rtol=1e-10)
    eps = 1e-6
    fd = (g(W + eps * v, b, X, Y) - g(W - eps * v, b, X, Y)) / (2 * eps)
    np.testing.assert_allclose(s2s.hvp(multinomial_nll)(W, b, X, Y, v), fd, rtol=1e-6, atol=1e-8)

    def gradient_norm(W, b, X, Y):  # reverse over reverse
        return np.sum(g(W, b, X, Y) ** 2)

    check_grad(gradient_norm, (W, b, X, Y), 0, rtol=1e-5)


def tempered(z, T):
    """log-sum-exp at a temperature: (z - m) / T is not a shift the pass follows."""
    m = np.max(z, axis=1, keepdims=True)
    return np.sum(m + T * np.log(np.sum(np.exp((z - m) / T), axis=1, keepdims=True)))


def depends_on_the_max(z):
    m = np.max(z, axis=1, keepdims=True)
    return np.sum(np.exp(z - m)) + np.sum(m)


def summed_across(z):
    """The sum runs along axis 0, where m varies: the value depends on m."""
    m = np.max(z, axis=1, keepdims=True)
    return np.sum(np.log(np.sum(np.exp(z - m), axis=0, keepdims=True)))


def broadcast_up(z, w):
    """exp(z - m) times a 3-D array: axis=1 is another axis of the product."""
    m = np.max(z, axis=1, keepdims=True)
    e = np.exp(z - m) * w
    return np.sum(np.log(np.sum(e, axis=1, keepdims=True)) + m)


def squared_gaps(z):
    m = np.max(z, axis=1, keepdims=True)
    return np.sum((z - m) ** 2)


KEPT = [
    (tempered, (rng.normal(size=(N, C)), 0.7)),
    (depends_on_the_max, (rng.normal(size=(N, C)),)),
    (summed_across, (rng.normal(size=(N, C)),)),
    (broadcast_up, (rng.normal(size=(N, C)), rng.uniform(0.5, 1.5, size=(2, N, C)))),
    (squared_gaps, (rng.normal(size=(N, C)),)),
]


@pytest.mark.parametrize("fn, args", KEPT, ids=[c[0].__name__ for c in KEPT])
def test_a_maximum_the_value_depends_on_is_differentiated(fn, args):
    source = s2s.grad(fn).specialize(*args).source
    assert "extremum" in source
    check_grad(fn, args, 0)
