"""Rules that cover part of a function refuse, at the user's line, the calls outside it
(s2s.rules.limits), instead of giving a wrong derivative."""

import math

import numpy as np, pytest, s2s
from gradcheck import check_grad

def trapz_in_x(x):
    return np.trapezoid(np.sin(x), x)

def interp_in_xp(xp):
    return np.sum(np.interp(np.array([0.25, 0.5]), xp, np.array([0.0, 1.0, 4.0])))

def interp_left(fp):
    return np.sum(np.interp(np.array([-1.0, 0.5]), np.array([0.0, 1.0, 2.0]), fp, left=0.0))

def quantile_in_q(q, a):
    return np.quantile(a, q)

def quantile_nearest(a):
    return np.quantile(a, 0.3, method="nearest")

def nan_value(v, x):
    return np.sum(np.nan_to_num(x, nan=v))

def sum_from(start, x):
    return np.sum(x * x, initial=start)

def clipped_scale(s, x):
    return np.sum(x * scale_clipped(x, s))

def scale_clipped(x, s):
    return np.minimum(x, 1.0) * s

@s2s.adjoint(scale_clipped)
def scale_clipped_adjoint(y, x, s):  # gives no derivative for s
    dx = dy * s * (x < 1.0)

@s2s.tangent(scale_clipped)
def scale_clipped_tangent(y, x, s):
    dy = dx * s * (x < 1.0)

def signed_magnitude(x):
    return math.copysign(x[0] * x[1], 1.0 - x[1])

def filled_like(x, v):
    return np.sum(np.full_like(x, v) * x)

def weighted_rows(a, w):
    return np.sum(np.average(a, axis=0, weights=w) ** 2)


def weighted_columns(a, w):
    return np.sum(np.sin(np.average(a, axis=-1, weights=w)))

@pytest.mark.parametrize("fn, args, wrt, words", [
    (trapz_in_x, [np.linspace(0, 1, 5)], 0, "argument `x`"),
    (interp_in_xp, [np.array([0.0, 1.0, 2.0])], 0, "argument `xp`"),
    (interp_left, [np.array([0.0, 1.0, 4.0])], 0, "`left` only at its default"),
    (quantile_in_q, [0.3, np.arange(5.0)], 0, "argument `q`"),
    (quantile_nearest, [np.arange(5.0)], 0, "`method` only at its default"),
    (nan_value, [1.0, np.array([1.0, np.nan])], 0, "argument `nan`"),
    (sum_from, [1.0, np.arange(3.0)], 0, "argument `initial`"),  # undeclared: the template gives none
    (clipped_scale, [2.0, np.array([0.5, 1.5])], 0, "argument `s`"),  # a user rule too
])
@pytest.mark.parametrize("transform", [s2s.grad, lambda f, wrt: (lambda *a: s2s.jvp(f, wrt=wrt)(*a, a[wrt] * 0 + 1.0))])
def test_a_call_outside_a_rules_limits_is_refused_at_the_users_line(fn, args, wrt, words, transform):
    with pytest.raises(s2s.S2SError) as info:
        transform(fn, wrt=wrt)(*args)
    assert words in str(info.value) and info.value.lineno == fn.__code__.co_firstlineno + 1

@pytest.mark.parametrize("fn, shape, n", [(weighted_rows, (3, 3), 3), (weighted_rows, (3, 4), 3), (weighted_columns, (3, 4), 4)])
def test_average_with_1d_weights_along_an_axis(fn, shape, n):
    rng = np.random.default_rng(0)
    a, w = rng.normal(size=shape), rng.uniform(1, 2, size=n)
    check_grad(fn, [a, w], wrt=(0, 1))
    for k, v in enumerate((rng.normal(size=shape), rng.normal(size=n))):  # forward mode, both arguments
        _, tangent = s2s.jvp(fn, wrt=k)(a, w, v)
        eps = 1e-6
        shifted = [a, w]
        shifted[k] = shifted[k] + eps * v
        lower = [a, w]
        lower[k] = lower[k] - eps * v
        np.testing.assert_allclose(tangent, (fn(*shifted) - fn(*lower)) / (2 * eps), rtol=1e-6)


def test_arguments_a_function_is_locally_constant_in_have_a_zero_derivative():
    check_grad(signed_magnitude, [np.array([0.3, 1.7])])  # copysign's sign
    check_grad(filled_like, [np.arange(3.0), 0.5], wrt=(0, 1))  # full_like's shape
