"""`s2s.grad(lambda w: loss(w, X, y))`, the idiom for closing over data, works where the
lambda's source can be located unambiguously, and is refused clearly where it cannot."""

import numpy as np
import pytest

import s2s
from gradcheck import check_grad


def least_squares(w, X, y):
    r = X @ w - y
    return 0.5 * np.sum(r * r)


X = np.arange(6.0).reshape(3, 2)
Y = np.array([1.0, -1.0, 0.5])


def test_a_lambda_closing_over_data():
    w = np.array([0.3, -0.2])
    g = s2s.grad(lambda w: least_squares(w, X, Y))
    np.testing.assert_allclose(g(w), X.T @ (X @ w - Y))
    assert "def grad_lambda_" in g.source and "regenerate with: s2s.grad of the lambda at" in g.source


def test_a_lambda_in_every_transform():
    f = lambda a, b: np.sum(np.sin(a) * b)  # noqa: E731
    a, b = np.array([0.1, 0.7]), np.array([2.0, -1.0])
    check_grad(f, [a, b], wrt=(0, 1))
    _, tangent = s2s.jvp(f)(a, b, np.ones(2))
    np.testing.assert_allclose(tangent, np.sum(np.cos(a) * b))
    np.testing.assert_allclose(s2s.hvp(f)(a, b, np.ones(2)), -np.sin(a) * b)


def test_lambdas_on_one_line_are_told_apart_by_their_parameters():
    square, cube = (lambda u: np.sum(u ** 2)), (lambda v: np.sum(v ** 3))
    np.testing.assert_allclose(s2s.grad(cube)(np.ones(2)), [3.0, 3.0])
    np.testing.assert_allclose(s2s.grad(square)(np.ones(2)), [2.0, 2.0])


def test_lambdas_that_cannot_be_told_apart_are_refused():
    pair = (lambda a: np.sum(a ** 2), lambda a: np.sum(a ** 3))
    with pytest.raises(s2s.S2SError, match="cannot be told apart from the other lambdas on its line"):
        s2s.grad(pair[1])
