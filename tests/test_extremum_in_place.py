"""The adjoint of np.max/np.min over an axis: extremum_adjoint's dense form and
extremum_added, which adds into an adjoint the function owns (s2s/optimize/inplace.py),
against the plain formula, and derivatives of code that calls it (it reads as a sum
when transformed again: s2s/normalize/augmented.py)."""

import numpy as np
import pytest

import s2s
from s2s.runtime import extremum_added, extremum_adjoint

from gradcheck import check_grad

rng = np.random.default_rng(11)


def dense(grad, result, a, axis, keepdims):
    """Tied extrema share ``grad`` evenly; none gets it where ``initial`` won or a NaN is."""
    r = result if keepdims else np.expand_dims(result, axis)
    g = grad if keepdims else np.expand_dims(grad, axis)
    at = a == r
    return at * g / np.maximum(np.sum(at, axis=axis, keepdims=True), 1)


CASES = [
    np.array([[1.0, 3.0, 2.0], [4.0, 0.0, -1.0]]),
    np.array([[1.0, 3.0, 3.0], [np.nan, 1.0, 2.0], [5.0, 5.0, 5.0]]),  # ties, a NaN row
    rng.normal(size=(4, 5, 3)),
]


@pytest.mark.parametrize("a", CASES, ids=["plain", "ties-nan", "3d"])
@pytest.mark.parametrize("keepdims", [True, False])
def test_dense_and_in_place_forms_agree_with_the_formula(a, keepdims):
    for axis in range(a.ndim):
        result = np.max(a, axis=axis, keepdims=keepdims)
        grad = rng.normal(size=np.shape(result))
        expected = dense(grad, result, a, axis, keepdims)
        np.testing.assert_array_equal(extremum_adjoint(grad, result, a, axis, keepdims), expected)
        total = rng.normal(size=a.shape)
        before = total.copy()
        out = extremum_added(total, grad, result, a, axis, keepdims)
        assert out is total  # added in place
        np.testing.assert_array_equal(out, before + expected)


def test_an_initial_that_wins_gets_nothing_and_float32_stays():
    a = np.array([[1.0, 3.0, 3.0], [0.5, 1.0, 2.0]])
    result = np.max(a, axis=1, initial=2.5)
    total = np.zeros(a.shape)
    np.testing.assert_array_equal(extremum_added(total, np.array([2.0, 4.0]), result, a, 1, False), [[0, 1, 1], [0, 0, 0]])
    a32 = a.astype(np.float32)
    total32 = np.ones(a.shape, np.float32)
    out = extremum_added(total32, np.ones(2, np.float32), np.max(a32, axis=1), a32, 1, False)
    assert out.dtype == np.float32 and out is total32


def test_what_it_cannot_add_into_it_adds_out_of_place():
    a = rng.normal(size=(3, 4))
    result = np.max(a, axis=0)
    total = np.zeros(a.shape)
    out = extremum_added(total, np.full(4, 1j), result, a, 0, False)  # complex into a real array
    assert out is not total and out.dtype == complex and not total.any()
    ints = np.zeros(a.shape, dtype=int)
    assert extremum_added(ints, np.ones(4), result, a, 0, False).dtype == float


def softmax_loss(W, x, onehot):
    """Cross-entropy at a temperature (a log-sum-exp of (z - m) / T: tests/test_shifts.py)."""
    logits = x @ W
    m = np.max(logits, axis=1, keepdims=True)
    lse = m + 0.5 * np.log(np.sum(np.exp((logits - m) / 0.5), axis=1, keepdims=True))
    return np.sum(lse - np.sum(onehot * logits, axis=1, keepdims=True))


def hinge_of_max(W, x):
    scores = np.tanh(x @ W)
    return np.sum(np.max(scores, axis=1) ** 2) + np.sum(np.min(scores, axis=0))


ARGS = (rng.normal(size=(4, 3)), rng.normal(size=(5, 4)), np.eye(3)[[0, 2, 1, 1, 0]])


def test_the_gradient_adds_the_max_adjoint_in_place_and_matches_finite_differences():
    source = s2s.grad(softmax_loss).specialize(*ARGS).source
    assert "extremum_added(" in source and "extremum_adjoint(" not in source
    check_grad(softmax_loss, ARGS, 0)
    check_grad(hinge_of_max, ARGS[:2], 0)
    check_grad(softmax_loss, ARGS, 0, optimize=False)


def test_second_derivatives_through_the_in_place_form():
    """hvp (forward over the gradient) and the gradient of a function of the gradient
    (reverse over reverse) read extremum_added as the sum it computes."""
    W, x, onehot = ARGS
    g = s2s.grad(softmax_loss)
    v = rng.normal(size=W.shape)
    eps = 1e-6
    fd = (g(W + eps * v, x, onehot) - g(W - eps * v, x, onehot)) / (2 * eps)
    np.testing.assert_allclose(s2s.hvp(softmax_loss)(W, x, onehot, v), fd, rtol=1e-6, atol=1e-8)

    def gradient_energy(W, x, onehot):
        return np.sum(g(W, x, onehot) ** 2)

    check_grad(gradient_energy, ARGS, 0, rtol=1e-5)


def adds_into_its_own(a, t):
    """Code as a gradient is written: an owned array added into at the rows' maxima."""
    m = np.max(a, axis=1)
    total = t * 2.0
    total = extremum_added(total, np.sin(m), m, a, 1, False)
    return np.sum(total * total * a)


def test_a_function_that_calls_it_is_differentiated_as_the_sum():
    args = (rng.normal(size=(4, 3)), rng.normal(size=(4, 3)))
    check_grad(adds_into_its_own, args, (0, 1))
    v = rng.normal(size=(4, 3))
    eps = 1e-6
    g = s2s.grad(adds_into_its_own, wrt=1)
    fd = (g(args[0], args[1] + eps * v) - g(args[0], args[1] - eps * v)) / (2 * eps)
    np.testing.assert_allclose(s2s.hvp(adds_into_its_own, wrt=1)(*args, v), fd, rtol=1e-6, atol=1e-8)
