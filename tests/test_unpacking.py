"""Unpacking an array gives scalars, and the gradient is still an array shaped like the
argument: the user's update `theta - lr * g` works (issue 17, point 2)."""

import numpy as np
import pytest

import s2s
from gradcheck import assert_close, check_grad, numeric_grad
from programs import unpacking as P

T = np.linspace(0.0, 1.0, 6)
CASES = [
    pytest.param(P.lotka_volterra_loss, [np.array([1.1, 0.4, 0.4, 0.1]), 10 + np.sin(T), 5 + np.cos(T), 0.05], id="lotka-volterra"),
    pytest.param(P.seir_final_infected, [np.array([990.0, 5.0, 5.0, 0.0]), 0.5, 0.2, 0.1, 0.1, 30], id="seir"),
    pytest.param(P.mixture_weights, [np.array([0.1, -0.3, 0.4]), np.linspace(-2, 2, 7)], id="mixture"),
    pytest.param(P.pendulum_energy, [np.array([9.81, 1.2, 0.05]), 0.3, 0.0, 0.01, 50], id="pendulum"),
    pytest.param(P.von_mises_regression, [np.array([0.2, 0.5, 0.3, -0.4]), np.linspace(-1, 2, 8), np.cos(np.arange(16.0)).reshape(8, 2)], id="starred"),
    pytest.param(P.first_and_last, [np.array([0.5, 0.1, -0.2, 0.3, 0.7]), np.linspace(0, 1, 5)], id="starred-middle"),
]


@pytest.mark.parametrize("f, args", CASES)
def test_the_gradient_is_an_array_like_the_argument(f, args):
    g = check_grad(f, args, rtol=1e-5, atol=1e-7)
    assert isinstance(g, np.ndarray) and g.shape == args[0].shape and g.dtype == np.float64
    args[0] - 0.01 * g  # the user's update


@pytest.mark.parametrize("f, args", CASES)
def test_tangent_and_second_order(f, args):
    v = np.linspace(0.5, 1.5, args[0].size)
    _, tangent = s2s.jvp(f)(*args, v)
    assert_close(tangent, np.sum(numeric_grad(f, args, 0) * v), rtol=1e-5, atol=1e-7)
    gradient = s2s.grad(f)
    eps = 1e-6
    up, down = list(args), list(args)
    up[0], down[0] = args[0] + eps * v, args[0] - eps * v
    assert_close(s2s.hvp(f)(*args, v), (gradient(*up) - gradient(*down)) / (2 * eps), rtol=1e-4, atol=1e-6)


def swap(pair):
    a, b = pair
    return b * b - a


def test_a_tuple_argument_keeps_its_tuple_gradient():
    assert s2s.grad(swap)((2.0, 3.0)) == (-1.0, 6.0)


def ends(pair):
    first, *rest = pair
    return first * sum(rest)


def test_a_starred_list_of_a_list_argument_keeps_its_list_gradient():
    assert s2s.grad(ends)([2.0, 3.0, 4.0]) == [7.0, 2.0, 2.0]


def test_a_vector_of_known_size_unpacked_in_a_loop_gets_its_adjoint_stacked():
    """The adjoint of ``x, y, vx, vy = state`` (state's size known) stacks the entries' adjoints:
    ``stacked``, np.stack's values and dtypes, np.array's cost for numbers; the same gradient."""
    from s2s.runtime import stacked

    params = np.array([12.0, 0.8, 0.05])
    check_grad(P.projectile_range, [params], rtol=1e-5, atol=1e-7)
    source = s2s.grad(P.projectile_range).specialize(params).source
    assert "params_bar = stacked([speed_bar, angle_bar, drag_bar])" in source
    assert "unpacked_adjoint" not in source
    rows = [np.ones(3), np.zeros(3)]
    for parts in ([1.0, np.float64(2.0)], [np.float32(1.0), np.float32(2.0)], [1.0, np.float32(2.0)], rows, [np.array(1.0), 2.0]):
        got, expected = stacked(parts), np.stack(parts)
        assert got.dtype == expected.dtype and got.shape == expected.shape and np.array_equal(got, expected)


def test_stacked_has_np_stacks_derivatives():
    from s2s.runtime import stacked

    def weighted(x):
        a, b = x
        return np.sum(stacked([a * b, b**2]) * np.array([0.5, 2.0]))

    x = np.array([0.3, -1.2])
    check_grad(weighted, [x])
    v = np.array([1.0, 0.5])
    _, tangent = s2s.jvp(weighted)(x, v)
    assert_close(tangent, np.sum(numeric_grad(weighted, [x], 0) * v))
