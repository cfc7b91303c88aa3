"""Where the derivative's Python floats raise and numpy answers (a division by 0.0), the
gradient is numpy's, as the function's value is: inf with numpy's warning, not ZeroDivisionError
(s2s/api.py, numpy_edges); where the function itself raises, so does its gradient."""

import warnings

import numpy as np
import pytest

import s2s


def angular_rate(theta, length):
    """Small-angle pendulum: the angular acceleration per unit g, at a length that may be 0."""
    return np.sin(theta) / length


def mean_sine_over(x, length):
    return np.sum(np.sin(x)) / length


def python_division(x, length):
    return x / length  # Python floats: the function raises at length 0.0


def test_a_gradient_at_a_zero_divisor_is_numpys_inf_like_the_value():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert angular_rate(0.3, 0.0) == np.inf
        d_theta, d_length = s2s.grad(angular_rate, wrt=(0, 1))(0.3, 0.0)
        assert (d_theta, d_length) == (np.inf, -np.inf) and type(d_theta) is float and type(d_length) is float
        value, (d_theta, _) = s2s.value_and_grad(angular_rate, wrt=(0, 1))(0.3, 0.0)
        assert value == np.inf and d_theta == np.inf
        x = np.array([0.1, 0.2, 0.3])
        d_x, d_length = s2s.grad(mean_sine_over, wrt=(0, 1))(x, 0.0)
        assert np.all(d_x == np.inf) and d_length == -np.inf
    with pytest.warns(RuntimeWarning):  # numpy's warning, as the function gives it
        s2s.grad(angular_rate, wrt=(0, 1))(0.3, 0.0)
    np.testing.assert_allclose(s2s.grad(angular_rate, wrt=(0, 1))(0.3, 2.0), (np.cos(0.3) / 2.0, -np.sin(0.3) / 4.0))


def test_where_the_function_raises_its_gradient_raises():
    with pytest.raises(ZeroDivisionError):
        python_division(0.3, 0.0)
    with pytest.raises(ZeroDivisionError):
        s2s.grad(python_division, wrt=(0, 1))(0.3, 0.0)
