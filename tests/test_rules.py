"""Every adjoint rule of the library against central finite differences.

Each case is a small module-level function that calls one rule (in one call
form: broadcasting shapes, axis/keepdims variants, keywords, array methods,
Python floats) and reduces its result to a scalar with a fixed random weight
``w``, so the incoming adjoint is not all ones.  ``check_grad`` compares
``s2s.grad`` with central differences in float64.
"""

import math
import zlib

import numpy as np
import pytest

from gradcheck import check_grad

from s2s.rules import RULE_MODULES

# the modules of first-order rules for library functions (not the value forms of
# structure_rules.py, nor the runtime helpers' rules)
# numpy_ufuncs and numpy_statistics have their cases in tests/test_rules_numpy_rest.py
LIBRARIES = tuple(m for m in RULE_MODULES if m not in ("structure_rules", "runtime_rules", "numpy_ufuncs", "numpy_statistics"))

RNG = np.random.default_rng(1234)


def A(*shape, lo=-1.0, hi=1.0):
    """A random float64 array, or a Python float for no shape."""
    value = RNG.uniform(lo, hi, size=shape)
    return float(value) if not shape else value


def F(lo=-1.0, hi=1.0):
    return float(RNG.uniform(lo, hi))


def away(*shape):
    """Entries in ±[0.2, 1]: away from the kinks of abs, sign, fabs."""
    return RNG.choice([-1.0, 1.0], size=shape) * RNG.uniform(0.2, 1.0, size=shape)


def spd(n, batch=()):
    """A well-conditioned matrix (or a stack of them)."""
    return RNG.normal(size=batch + (n, n)) * 0.3 + 2.0 * np.eye(n)


POS = dict(lo=0.5, hi=2.0)
UNIT = dict(lo=-0.9, hi=0.9)

# -- numpy: elementwise -------------------------------------------------------------------


def np_sin(x, w): return np.sum(np.sin(x) * w)
def np_cos(x, w): return np.sum(np.cos(x) * w)
def np_tan(x, w): return np.sum(np.tan(x) * w)
def np_arcsin(x, w): return np.sum(np.arcsin(x) * w)
def np_arccos(x, w): return np.sum(np.arccos(x) * w)
def np_arctan(x, w): return np.sum(np.arctan(x) * w)
def np_sinh(x, w): return np.sum(np.sinh(x) * w)
def np_cosh(x, w): return np.sum(np.cosh(x) * w)
def np_tanh(x, w): return np.sum(np.tanh(x) * w)
def np_exp(x, w): return np.sum(np.exp(x) * w)
def np_exp2(x, w): return np.sum(np.exp2(x) * w)
def np_expm1(x, w): return np.sum(np.expm1(x) * w)
def np_log(x, w): return np.sum(np.log(x) * w)
def np_log2(x, w): return np.sum(np.log2(x) * w)
def np_log10(x, w): return np.sum(np.log10(x) * w)
def np_log1p(x, w): return np.sum(np.log1p(x) * w)
def np_sqrt(x, w): return np.sum(np.sqrt(x) * w)
def np_square(x, w): return np.sum(np.square(x) * w)
def np_abs(x, w): return np.sum(np.abs(x) * w)
def np_absolute(x, w): return np.sum(np.absolute(x) * w)
def np_negative(x, w): return np.sum(np.negative(x) * w)
def np_positive(x, w): return np.sum(np.positive(x) * w)
def np_reciprocal(x, w): return np.sum(np.reciprocal(x) * w)
def np_conjugate(x, w): return np.sum(np.conjugate(x) * w)
def np_arcsinh(x, w): return np.sum(np.arcsinh(x) * w)
def np_arccosh(x, w): return np.sum(np.arccosh(x) * w)
def np_arctanh(x, w): return np.sum(np.arctanh(x) * w)
def np_cbrt(x, w): return np.sum(np.cbrt(x) * w)
def np_deg2rad(x, w): return np.sum(np.deg2rad(x) * w)
def np_radians(x, w): return np.sum(np.radians(x) * w)
def np_rad2deg(x, w): return np.sum(np.rad2deg(x) * w)
def np_degrees(x, w): return np.sum(np.degrees(x) * w)
def np_fabs(x, w): return np.sum(np.fabs(x) * w)
def np_sinc(x, w): return np.sum(np.sinc(x) * w)
def op_neg(x, w): return np.sum(-x * w)


UNARY = [
    (np_sin, A(3, 4)), (np_cos, A(3, 4)), (np_tan, A(3, 4)), (np_arcsin, A(3, 4, **UNIT)),
    (np_arccos, A(3, 4, **UNIT)), (np_arctan, A(3, 4)), (np_sinh, A(3, 4)), (np_cosh, A(3, 4)),
    (np_tanh, A(3, 4)), (np_exp, A(3, 4)), (np_exp2, A(3, 4)), (np_expm1, A(3, 4)),
    (np_log, A(3, 4, **POS)), (np_log2, A(3, 4, **POS)), (np_log10, A(3, 4, **POS)),
    (np_log1p, A(3, 4, **POS)), (np_sqrt, A(3, 4, **POS)), (np_square, A(3, 4)), (np_abs, away(3, 4)),
    (np_absolute, away(3, 4)), (np_negative, A(3, 4)), (np_positive, A(3, 4)),
    (np_reciprocal, away(3, 4)), (np_conjugate, A(3, 4)), (op_neg, A(3, 4)), (np_arcsinh, A(3, 4)),
    (np_arccosh, A(3, 4, lo=1.5, hi=3.0)), (np_arctanh, A(3, 4, **UNIT)), (np_cbrt, away(3, 4)),
    (np_deg2rad, A(3, 4)), (np_radians, A(3, 4)), (np_rad2deg, A(3, 4)), (np_degrees, A(3, 4)),
    (np_fabs, away(3, 4)), (np_sin, F()), (np_sinc, A(3, 4)),  # at 0: test_rule_families.py
]

# -- numpy: binary ufuncs and operators, with broadcasting ---------------------------------------


def np_add(x1, x2, w): return np.sum(np.add(x1, x2) * w)
def np_subtract(x1, x2, w): return np.sum(np.subtract(x1, x2) * w)
def np_multiply(x1, x2, w): return np.sum(np.multiply(x1, x2) * w)
def np_divide(x1, x2, w): return np.sum(np.divide(x1, x2) * w)
def np_power(x1, x2, w): return np.sum(np.power(x1, x2) * w)
def np_maximum(x1, x2, w): return np.sum(np.maximum(x1, x2) * w)
def np_minimum(x1, x2, w): return np.sum(np.minimum(x1, x2) * w)
def np_logaddexp(x1, x2, w): return np.sum(np.logaddexp(x1, x2) * w)
def np_arctan2(x1, x2, w): return np.sum(np.arctan2(x1, x2) * w)
def np_hypot(x1, x2, w): return np.sum(np.hypot(x1, x2) * w)
def np_float_power(x1, x2, w): return np.sum(np.float_power(x1, x2) * w)
def np_logaddexp2(x1, x2, w): return np.sum(np.logaddexp2(x1, x2) * w)
def np_mod(x1, x2, w): return np.sum(np.mod(x1, x2) * w)
def np_fmod(x1, x2, w): return np.sum(np.fmod(x1, x2) * w)
def np_fmax(x1, x2, w): return np.sum(np.fmax(x1, x2) * w)
def np_fmin(x1, x2, w): return np.sum(np.fmin(x1, x2) * w)
def op_add(x1, x2, w): return np.sum((x1 + x2) * w)
def op_sub(x1, x2, w): return np.sum((x1 - x2) * w)
def op_mul(x1, x2, w): return np.sum((x1 * x2) * w)
def op_div(x1, x2, w): return np.sum((x1 / x2) * w)
def op_pow(x1, x2, w): return np.sum((x1 ** x2) * w)
def op_mod(x1, x2, w): return np.sum((x1 % x2) * w)


def binary(f, lo=-1.0, hi=1.0, lo2=None, hi2=None):
    """Equal shapes, (3,4)·(4,), (3,4)·(3,1), (3,1)·(1,4), float·array, array·float, floats."""
    a = dict(lo=lo, hi=hi)
    b = dict(lo=lo if lo2 is None else lo2, hi=hi if hi2 is None else hi2)
    name = f.__name__
    return [
        pytest.param(f, [A(3, 4, **a), A(3, 4, **b)], (0, 1), id=f"{name}-same"),
        pytest.param(f, [A(3, 4, **a), A(4, **b)], (0, 1), id=f"{name}-(3,4)(4,)"),
        pytest.param(f, [A(4, **a), A(3, 4, **b)], (0, 1), id=f"{name}-(4,)(3,4)"),
        pytest.param(f, [A(3, 4, **a), A(3, 1, **b)], (0, 1), id=f"{name}-(3,4)(3,1)"),
        pytest.param(f, [A(3, 1, **a), A(1, 4, **b)], (0, 1), id=f"{name}-(3,1)(1,4)"),
        pytest.param(f, [F(**a), A(3, 4, **b)], (0, 1), id=f"{name}-float-array"),
        pytest.param(f, [A(3, 4, **a), F(**b)], (0, 1), id=f"{name}-array-float"),
        pytest.param(f, [A(3, 4, **a), A(4, **b)], 1, id=f"{name}-wrt1"),
        pytest.param(f, [F(**a), F(**b)], (0, 1), id=f"{name}-floats"),
    ]


BINARY = [
    *binary(np_add), *binary(np_subtract), *binary(np_multiply), *binary(np_divide, lo2=0.5, hi2=2.0),
    *binary(np_power, lo=0.5, hi=2.0), *binary(np_maximum), *binary(np_minimum), *binary(np_logaddexp),
    *binary(np_arctan2), *binary(np_float_power, lo=0.5, hi=2.0), *binary(np_logaddexp2), *binary(np_hypot), *binary(np_mod, lo=-3.0, hi=3.0, lo2=0.7, hi2=1.3),
    *binary(np_fmod, lo=-3.0, hi=3.0, lo2=0.7, hi2=1.3), *binary(np_fmax), *binary(np_fmin),
    *binary(op_add), *binary(op_sub), *binary(op_mul), *binary(op_div, lo2=0.5, hi2=2.0),
    *binary(op_pow, lo=0.5, hi=2.0), *binary(op_mod, lo=-3.0, hi=3.0, lo2=0.7, hi2=1.3),
]

# -- numpy: selection, ties, functions without a derivative ----------------------------------------


def np_where(x, y, w): return np.sum(np.where(x > y, x, y) * w)
def np_where_bcast(c, x, y, w): return np.sum(np.where(c > 0, x, y) * w)
def np_where_scalar(x, w): return np.sum(np.where(x > 0, x, 0.1 * x) * w)
def np_clip(x, w): return np.sum(np.clip(x, -0.5, 0.5) * w)
def np_clip_upper(x, w): return np.sum(np.clip(x, None, 0.3) * w)
def np_clip_keywords(x, w): return np.sum(np.clip(x, min=-0.4, max=0.6) * w)
def np_clip_bounds(x, lo, hi, w): return np.sum(np.clip(x, lo, hi) * w)
def np_maximum_ties(x, y, w): return np.sum(np.maximum(x, y) * w)
def np_max_ties(x, w): return np.max(x * x) * w
def x_floor(x, w): return np.sum(x * np.floor(x) * w)
def x_ceil(x, w): return np.sum(x * np.ceil(x) * w)
def x_sign(x, w): return np.sum(x * np.sign(x) * w)
def x_round(x, w): return np.sum(x * np.round(x) * w)
def x_rint(x, w): return np.sum(x * np.rint(x) * w)
def x_trunc(x, w): return np.sum(x * np.trunc(x) * w)
def x_floor_divide(x, w): return np.sum(x * (x // 0.3) * w)
def x_argmax(x, w): return np.sum(x * np.argmax(x) * w)
def x_heaviside(x, w): return np.sum(x * np.heaviside(x, 0.5) * w)
def x_zeros_like(x, w): return np.sum((x + np.zeros_like(x)) * w)
def np_full(x, w): return np.sum(np.full((3, 2), x) * w)
def np_full_like(x, v, w): return np.sum(np.full_like(x, v) * w)
def np_array(x, y, w): return np.sum(np.array([[x, y], [x * y, 2.0]]) * w)
def np_asarray(x, y, w): return np.sum(np.asarray([x, y * y, 1.0], dtype=float) * w)
def np_asanyarray(x, w): return np.sum(np.asanyarray(x * x) * w)
def np_ascontiguousarray(x, w): return np.sum(np.ascontiguousarray(x.T) * w)
def np_asfortranarray(x, w): return np.sum(np.asfortranarray(np.tanh(x)) * w)


TIED = np.array([[0.5, -0.2, 0.9], [0.1, 0.4, -0.7]])
NOT_INTEGER = RNG.uniform(0.1, 0.9, size=(3, 4)) + RNG.integers(-3, 3, size=(3, 4))

SELECTION = [
    pytest.param(np_where, [A(3, 4), A(4)], (0, 1), id="np_where"),
    pytest.param(np_where_bcast, [A(3, 1), A(4), A(3, 4)], (1, 2), id="np_where-bcast"),
    pytest.param(np_where_bcast, [A(3, 4), F(), A(4)], (1, 2), id="np_where-float"),
    pytest.param(np_where_scalar, [A(3, 4)], 0, id="np_where-scalar"),
    pytest.param(np_clip, [A(3, 4)], 0, id="np_clip"),
    pytest.param(np_clip_upper, [A(3, 4)], 0, id="np_clip-upper"),
    pytest.param(np_clip_keywords, [A(3, 4)], 0, id="np_clip-keywords"),
    pytest.param(np_clip_bounds, [A(3, 4), A(4, lo=-1.0, hi=-0.1), A(3, 1, lo=0.1, hi=1.0)], (0, 1, 2), id="np_clip-bounds"),
    pytest.param(np_clip_bounds, [A(4), F(-1.0, -0.1), A(3, 1, lo=0.1, hi=1.0)], (0, 1, 2), id="np_clip-bounds-bcast"),
    pytest.param(np_maximum_ties, [TIED, np.where(TIED > 0, TIED, 0.0)], (0, 1), id="np_maximum-ties"),
    pytest.param(np_max_ties, [np.array([0.5, -0.9, 0.9, 0.3])], 0, id="np_max-ties"),
    pytest.param(x_floor, [NOT_INTEGER], 0, id="np_floor"),
    pytest.param(x_ceil, [NOT_INTEGER], 0, id="np_ceil"),
    pytest.param(x_sign, [away(3, 4)], 0, id="np_sign"),
    pytest.param(x_round, [NOT_INTEGER + 0.02], 0, id="np_round"),
    pytest.param(x_rint, [NOT_INTEGER + 0.02], 0, id="np_rint"),
    pytest.param(x_trunc, [NOT_INTEGER], 0, id="np_trunc"),
    pytest.param(x_floor_divide, [A(3, 4)], 0, id="np_floor_divide"),
    pytest.param(x_argmax, [A(3, 4)], 0, id="np_argmax"),
    pytest.param(x_heaviside, [away(3, 4)], 0, id="np_heaviside"),
    pytest.param(x_zeros_like, [A(3, 4)], 0, id="np_zeros_like"),
    pytest.param(np_full, [F()], 0, id="np_full"),
    pytest.param(np_full, [A(2)], 0, id="np_full-array"),
    pytest.param(np_full_like, [A(3, 4), F()], 1, id="np_full_like"),
    pytest.param(np_array, [F(), F()], (0, 1), id="np_array"),
    pytest.param(np_asarray, [F(), F()], (0, 1), id="np_asarray"),
    pytest.param(np_asanyarray, [A(2, 3)], 0, id="np_asanyarray"),
    pytest.param(np_ascontiguousarray, [A(2, 3)], 0, id="np_ascontiguousarray"),
    pytest.param(np_asfortranarray, [A(2, 3)], 0, id="np_asfortranarray"),
]

# -- numpy: reductions, with axis and keepdims variants ------------------------------------


def np_sum(x, w): return np.sum(np.sum(x) * w)
def np_sum_axis(x, w): return np.sum(np.sum(x, axis=1) * w)
def np_sum_negative(x, w): return np.sum(np.sum(x, axis=-1) * w)
def np_sum_tuple(x, w): return np.sum(np.sum(x, axis=(0, 2)) * w)
def np_sum_keepdims(x, w): return np.sum(np.sum(x, axis=1, keepdims=True) * w)
def np_sum_tuple_keepdims(x, w): return np.sum(np.sum(x, axis=(0, -1), keepdims=True) * w)
def np_sum_all_keepdims(x, w): return np.sum(np.sum(x, keepdims=True) * w)
def np_sum_positional(x, w): return np.sum(np.sum(x, 0) * w)
def np_sum_initial(x, w): return np.sum(np.sum(x, axis=0, initial=1.5) * w)
def np_mean(x, w): return np.sum(np.mean(x) * w)
def np_mean_axis(x, w): return np.sum(np.mean(x, axis=-1) * w)
def np_mean_tuple(x, w): return np.sum(np.mean(x, axis=(0, 2), keepdims=True) * w)
def np_prod(x, w): return np.sum(np.prod(x) * w)
def np_prod_axis(x, w): return np.sum(np.prod(x, axis=0) * w)
def np_prod_tuple(x, w): return np.sum(np.prod(x, axis=(1, 2), keepdims=True) * w)
def np_max(x, w): return np.sum(np.max(x) * w)
def np_max_axis(x, w): return np.sum(np.max(x, axis=1) * w)
def np_max_tuple(x, w): return np.sum(np.max(x, axis=(0, -1), keepdims=True) * w)
def np_min(x, w): return np.sum(np.min(x) * w)
def np_min_axis(x, w): return np.sum(np.min(x, axis=-2, keepdims=True) * w)
def np_amax(x, w): return np.sum(np.amax(x, axis=0) * w)
def np_amin(x, w): return np.sum(np.amin(x, axis=(1, 2)) * w)
def np_max_initial(x, w): return np.sum(np.max(x, axis=0, initial=0.0) * w)
def np_var(x, w): return np.sum(np.var(x) * w)
def np_var_axis(x, w): return np.sum(np.var(x, axis=1) * w)
def np_var_ddof(x, w): return np.sum(np.var(x, axis=(0, 2), ddof=1, keepdims=True) * w)
def np_var_correction(x, w): return np.sum(np.var(x, axis=0, correction=1) * w)
def np_std(x, w): return np.sum(np.std(x) * w)
def np_std_axis(x, w): return np.sum(np.std(x, axis=-1, keepdims=True) * w)
def np_std_ddof(x, w): return np.sum(np.std(x, axis=0, ddof=1) * w)
def np_cumsum(x, w): return np.sum(np.cumsum(x) * w)
def np_cumsum_axis(x, w): return np.sum(np.cumsum(x, axis=1) * w)
def np_cumsum_negative(x, w): return np.sum(np.cumsum(x, axis=-3) * w)
def np_cumprod(x, w): return np.sum(np.cumprod(x) * w)
def np_cumprod_axis(x, w): return np.sum(np.cumprod(x, axis=-1) * w)
def np_trace(x, w): return np.sum(np.trace(x) * w)
def np_trace_offset(x, w): return np.sum(np.trace(x, offset=1) * w)
def np_trace_axes(x, w): return np.sum(np.trace(x, -1, 0, 2) * w)


X3 = A(2, 3, 4)
REDUCTIONS = [
    pytest.param(np_sum, [A(3, 4)], 0, id="np_sum"),
    pytest.param(np_sum, [A(5)], 0, id="np_sum-vector"),
    pytest.param(np_sum_axis, [A(3, 4)], 0, id="np_sum-axis"),
    pytest.param(np_sum_negative, [X3], 0, id="np_sum-negative-axis"),
    pytest.param(np_sum_tuple, [X3], 0, id="np_sum-tuple"),
    pytest.param(np_sum_keepdims, [X3], 0, id="np_sum-keepdims"),
    pytest.param(np_sum_tuple_keepdims, [X3], 0, id="np_sum-tuple-keepdims"),
    pytest.param(np_sum_all_keepdims, [A(3, 4)], 0, id="np_sum-all-keepdims"),
    pytest.param(np_sum_positional, [A(3, 4)], 0, id="np_sum-positional"),
    pytest.param(np_sum_initial, [A(3, 4)], 0, id="np_sum-initial"),
    pytest.param(np_mean, [A(3, 4)], 0, id="np_mean"),
    pytest.param(np_mean_axis, [X3], 0, id="np_mean-axis"),
    pytest.param(np_mean_tuple, [X3], 0, id="np_mean-tuple-keepdims"),
    pytest.param(np_prod, [A(3, 4, **POS)], 0, id="np_prod"),
    pytest.param(np_prod, [np.array([[0.5, 0.0, 1.5], [1.2, 0.7, -2.0]])], 0, id="np_prod-one-zero"),
    pytest.param(np_prod, [np.array([[0.5, 0.0, 1.5], [1.2, 0.0, -2.0]])], 0, id="np_prod-two-zeros"),
    pytest.param(np_prod_axis, [np.array([[0.5, 0.0, 1.5], [1.2, 0.0, 2.0], [0.0, 0.3, 0.4]])], 0, id="np_prod-axis-zeros"),
    pytest.param(np_prod_tuple, [X3], 0, id="np_prod-tuple-keepdims"),
    pytest.param(np_max, [A(3, 4)], 0, id="np_max"),
    pytest.param(np_max_axis, [A(3, 4)], 0, id="np_max-axis"),
    pytest.param(np_max_tuple, [X3], 0, id="np_max-tuple-keepdims"),
    pytest.param(np_min, [A(3, 4)], 0, id="np_min"),
    pytest.param(np_min_axis, [X3], 0, id="np_min-axis-keepdims"),
    pytest.param(np_amax, [A(3, 4)], 0, id="np_amax"),
    pytest.param(np_amin, [X3], 0, id="np_amin-tuple"),
    pytest.param(np_max_initial, [np.array([[0.5, -0.2, -0.9], [0.1, -0.4, 0.3]])], 0, id="np_max-initial"),
    pytest.param(np_var, [A(3, 4)], 0, id="np_var"),
    pytest.param(np_var_axis, [A(3, 4)], 0, id="np_var-axis"),
    pytest.param(np_var_ddof, [X3], 0, id="np_var-ddof-tuple-keepdims"),
    pytest.param(np_var_correction, [A(3, 4)], 0, id="np_var-correction"),
    pytest.param(np_std, [A(3, 4)], 0, id="np_std"),
    pytest.param(np_std_axis, [X3], 0, id="np_std-axis-keepdims"),
    pytest.param(np_std_ddof, [A(3, 4)], 0, id="np_std-ddof"),
    pytest.param(np_cumsum, [A(3, 4)], 0, id="np_cumsum"),
    pytest.param(np_cumsum_axis, [A(3, 4)], 0, id="np_cumsum-axis"),
    pytest.param(np_cumsum_negative, [X3], 0, id="np_cumsum-negative-axis"),
    pytest.param(np_cumprod, [A(3, 4, **POS)], 0, id="np_cumprod"),
    pytest.param(np_cumprod_axis, [A(3, 4, lo=-2.0, hi=-0.5)], 0, id="np_cumprod-axis"),
    pytest.param(np_trace, [A(4, 4)], 0, id="np_trace"),
    pytest.param(np_trace_offset, [A(3, 4)], 0, id="np_trace-offset"),
    pytest.param(np_trace_axes, [X3], 0, id="np_trace-axes"),
]

# -- numpy: products -----------------------------------------------------------------------


def np_dot(a, b, w): return np.sum(np.dot(a, b) * w)
def np_matmul(a, b, w): return np.sum(np.matmul(a, b) * w)
def op_matmul(a, b, w): return np.sum((a @ b) * w)
def np_outer(a, b, w): return np.sum(np.outer(a, b) * w)
def np_inner(a, b, w): return np.sum(np.inner(a, b) * w)
def np_tensordot(a, b, w): return np.sum(np.tensordot(a, b, axes=1) * w)
def np_tensordot_default(a, b, w): return np.sum(np.tensordot(a, b) * w)
def np_tensordot_pairs(a, b, w): return np.sum(np.tensordot(a, b, axes=([0, 2], [1, 0])) * w)
def np_tensordot_lists(a, b, w): return np.sum(np.tensordot(a, b, ([1], [0])) * w)
def np_einsum_matmul(a, b, w): return np.sum(np.einsum("ij,jk->ik", a, b) * w)
def np_einsum_implicit(a, b, w): return np.sum(np.einsum("ij,jk", a, b) * w)
def np_einsum_reduce(a, b, w): return np.sum(np.einsum("ijk,ik->j", a, b) * w)
def np_einsum_sum(a, b, w): return np.sum(np.einsum("ij->j", a) * b * w)
def np_einsum_ellipsis(a, b, w): return np.sum(np.einsum("...ij,...j->...i", a, b) * w)
def np_einsum_three(a, b, w): return np.sum(np.einsum("i,ij,j->", a, b, a) * w)


PRODUCTS = [
    pytest.param(np_dot, [A(4), A(4)], (0, 1), id="np_dot-vectors"),
    pytest.param(np_dot, [A(3, 4), A(4)], (0, 1), id="np_dot-matrix-vector"),
    pytest.param(np_dot, [A(4), A(4, 2)], (0, 1), id="np_dot-vector-matrix"),
    pytest.param(np_dot, [A(3, 4), A(4, 2)], (0, 1), id="np_dot-matrices"),
    pytest.param(np_dot, [F(), A(3, 4)], (0, 1), id="np_dot-scalar"),
    pytest.param(np_dot, [A(2, 3, 4), A(4, 2)], (0, 1), id="np_dot-3d-2d"),
    pytest.param(np_dot, [A(2, 3), A(4, 3, 2)], (0, 1), id="np_dot-2d-3d"),
    pytest.param(np_dot, [A(3), A(2, 3, 4)], (0, 1), id="np_dot-1d-3d"),
    pytest.param(np_matmul, [A(3, 4), A(4, 2)], (0, 1), id="np_matmul"),
    pytest.param(op_matmul, [A(2, 3, 4), A(4, 5)], (0, 1), id="op_matmul-batch"),
    pytest.param(op_matmul, [A(2, 1, 3, 4), A(3, 4, 2)], (0, 1), id="op_matmul-batch-bcast"),
    pytest.param(op_matmul, [A(4), A(2, 4, 3)], (0, 1), id="op_matmul-vector-batch"),
    pytest.param(op_matmul, [A(3, 4), A(4)], (0, 1), id="op_matmul-matrix-vector"),
    pytest.param(op_matmul, [A(4), A(4)], (0, 1), id="op_matmul-inner"),
    pytest.param(np_outer, [A(3), A(4)], (0, 1), id="np_outer"),
    pytest.param(np_outer, [A(2, 2), A(3)], (0, 1), id="np_outer-flattens"),
    pytest.param(np_inner, [A(4), A(4)], (0, 1), id="np_inner-vectors"),
    pytest.param(np_inner, [A(3, 4), A(2, 4)], (0, 1), id="np_inner-matrices"),
    pytest.param(np_inner, [A(2, 3, 4), A(4)], (0, 1), id="np_inner-3d-1d"),
    pytest.param(np_tensordot, [A(3, 4), A(4, 2)], (0, 1), id="np_tensordot-axes1"),
    pytest.param(np_tensordot_default, [A(2, 3, 4), A(3, 4, 2)], (0, 1), id="np_tensordot-axes2"),
    pytest.param(np_tensordot_pairs, [A(3, 4, 2), A(2, 3, 5)], (0, 1), id="np_tensordot-pairs"),
    pytest.param(np_tensordot_lists, [A(3, 4), A(4, 2)], (0, 1), id="np_tensordot-lists"),
    pytest.param(np_einsum_matmul, [A(3, 4), A(4, 2)], (0, 1), id="np_einsum"),
    pytest.param(np_einsum_matmul, [A(3, 4), A(4, 2)], 1, id="np_einsum-wrt1"),
    pytest.param(np_einsum_implicit, [A(3, 4), A(4, 2)], (0, 1), id="np_einsum-implicit"),
    pytest.param(np_einsum_reduce, [A(2, 3, 4), A(2, 4)], (0, 1), id="np_einsum-reduce"),
    pytest.param(np_einsum_sum, [A(3, 4), A(4)], (0, 1), id="np_einsum-sum"),
    pytest.param(np_einsum_ellipsis, [A(2, 3, 4), A(2, 4)], (0, 1), id="np_einsum-ellipsis"),
    pytest.param(np_einsum_three, [A(3), A(3, 3)], (0, 1), id="np_einsum-repeated-operand"),
]

# -- numpy: shapes -----------------------------------------------------------------------------


def np_transpose(x, w): return np.sum(np.transpose(x) * w)
def np_transpose_axes(x, w): return np.sum(np.transpose(x, (1, -1, 0)) * w)
def np_swapaxes(x, w): return np.sum(np.swapaxes(x, 0, -1) * w)
def np_moveaxis(x, w): return np.sum(np.moveaxis(x, 0, -1) * w)
def np_moveaxis_tuple(x, w): return np.sum(np.moveaxis(x, (0, 1), (2, 0)) * w)
def np_reshape(x, w): return np.sum(np.reshape(x, (4, 3)) * w)
def np_reshape_minus1(x, w): return np.sum(np.reshape(x, (2, -1)) * w)
def np_reshape_order(x, w): return np.sum(np.reshape(x, (4, 3), order="F") * w)
def np_ravel(x, w): return np.sum(np.ravel(x) * w)
def np_ravel_order(x, w): return np.sum(np.ravel(x, order="F") * w)
def np_squeeze(x, w): return np.sum(np.squeeze(x) * w)
def np_squeeze_axis(x, w): return np.sum(np.squeeze(x, axis=1) * w)
def np_expand_dims(x, w): return np.sum(np.expand_dims(x, 1) * w)
def np_expand_dims_tuple(x, w): return np.sum(np.expand_dims(x, (0, -1)) * w)
def np_broadcast_to(x, w): return np.sum(np.broadcast_to(x, (2, 3, 4)) * w)
def np_concatenate(a, b, w): return np.sum(np.concatenate([a, b]) * w)
def np_concatenate_axis(a, b, w): return np.sum(np.concatenate((a, b, a), axis=-1) * w)
def np_concatenate_none(a, b, w): return np.sum(np.concatenate([a, b], axis=None) * w)
def np_stack(a, b, w): return np.sum(np.stack([a, b]) * w)
def np_stack_axis(a, b, w): return np.sum(np.stack([a, b, a], axis=-1) * w)
def np_hstack(a, b, w): return np.sum(np.hstack([a, b]) * w)
def np_vstack(a, b, w): return np.sum(np.vstack([a, b]) * w)
def np_split(x, w):
    a, b, c = np.split(x, 3)
    return np.sum(a * w) + np.sum(c * c)
def np_split_indices(x, w):
    parts = np.split(x, [1, 3], axis=1)
    return np.sum(parts[1] * w) + np.sum(parts[2])
def np_take(x, w): return np.sum(np.take(x, np.array([0, 5, 5, 11])) * w)
def np_take_axis(x, w): return np.sum(np.take(x, np.array([2, 0, 2]), axis=1) * w)
def np_take_negative_axis(x, w): return np.sum(np.take(x, np.array([[1, 0], [1, 1]]), axis=-3) * w)
def np_diag_vector(x, w): return np.sum(np.diag(x) * w)
def np_diag_vector_k(x, w): return np.sum(np.diag(x, k=-1) * w)
def np_diag_matrix(x, w): return np.sum(np.diag(x) * w)
def np_diag_matrix_k(x, w): return np.sum(np.diag(x, 1) * w)
def np_diagonal(x, w): return np.sum(np.diagonal(x) * w)
def np_diagonal_offset(x, w): return np.sum(np.diagonal(x, offset=-1, axis1=2, axis2=0) * w)
def np_astype(x, w): return np.sum(np.astype(x, np.float64) * w)
def np_astype_int(x, w): return np.sum(x * np.astype(x, np.int64) * w)
def np_copy(x, w): return np.sum(np.copy(x) * w)
def np_flip(x, w): return np.sum(np.flip(x, axis=0) * w)
def np_roll(x, w): return np.sum(np.roll(x, 2, axis=1) * w)
def np_tile(x, w): return np.sum(np.tile(x, (2, 1)) * w)
def np_repeat(x, w): return np.sum(np.repeat(x, 2, axis=0) * w)
def np_diff(x, w): return np.sum(np.diff(x, axis=-1) * w)
def np_sort(x, w): return np.sum(np.sort(x, axis=1) * w)
def np_triu(x, w): return np.sum(np.triu(x, 1) * w)
def np_tril(x, w): return np.sum(np.tril(x) * w)
def np_roll_tuple(x, w): return np.sum(np.roll(x, (1, -2), axis=(0, 1)) * w)
def np_roll_flat(x, w): return np.sum(np.roll(x, 5) * w)
def np_tile_int(x, w): return np.sum(np.tile(x, 3) * w)
def np_tile_more(x, w): return np.sum(np.tile(x, (2, 1, 3)) * w)
def np_repeat_flat(x, w): return np.sum(np.repeat(x, 3) * w)
def np_repeat_counts(x, w): return np.sum(np.repeat(x, [2, 0, 1, 3], axis=-1) * w)
def np_diff_twice(x, w): return np.sum(np.diff(x, 2, axis=0) * w)
def np_sort_flat(x, w): return np.sum(np.sort(x, axis=None) * w)
def np_sort_default(x, w): return np.sum(np.sort(x) * w)
def np_pad(x, w): return np.sum(np.pad(x, ((1, 0), (2, 1))) * w)
def np_pad_value(x, c, w): return np.sum(np.pad(x, 1, constant_values=c) * w)
def np_take_along_axis(x, w): return np.sum(np.take_along_axis(x, np.array([[0, 3], [3, 3], [1, 2]]), axis=1) * w)
def np_take_along_axis_flat(x, w): return np.sum(np.take_along_axis(x, np.array([4, 0, 4, 11]), axis=None) * w)
def np_take_along_axis_bcast(x, w): return np.sum(np.take_along_axis(x, np.array([[2, 0, 2, 1]]), axis=0) * w)
def np_array_split(x, w):
    a, b = np.array_split(x, 2, axis=1)
    return np.sum(a * w) + np.sum(b * b)
def np_hsplit(x, w):
    a, b = np.hsplit(x, 2)
    return np.sum(a * w) + np.sum(b * b)
def np_vsplit(x, w):
    a, b = np.vsplit(x, [1])
    return np.sum(b * w) + np.sum(a * a)
def np_linspace(a, b, w): return np.sum(np.linspace(a, b, 5) * w)
def np_linspace_axis(a, b, w): return np.sum(np.linspace(a, b, 4, endpoint=False, axis=-1) * w)


SHAPES = [
    pytest.param(np_transpose, [A(3, 4)], 0, id="np_transpose"),
    pytest.param(np_transpose_axes, [X3], 0, id="np_transpose-axes"),
    pytest.param(np_swapaxes, [X3], 0, id="np_swapaxes"),
    pytest.param(np_moveaxis, [X3], 0, id="np_moveaxis"),
    pytest.param(np_moveaxis_tuple, [X3], 0, id="np_moveaxis-tuple"),
    pytest.param(np_reshape, [A(3, 4)], 0, id="np_reshape"),
    pytest.param(np_reshape_minus1, [X3], 0, id="np_reshape-minus1"),
    pytest.param(np_reshape_order, [A(3, 4)], 0, id="np_reshape-order-F"),
    pytest.param(np_ravel, [X3], 0, id="np_ravel"),
    pytest.param(np_ravel_order, [A(3, 4)], 0, id="np_ravel-order-F"),
    pytest.param(np_squeeze, [A(3, 1, 2, 1)], 0, id="np_squeeze"),
    pytest.param(np_squeeze_axis, [A(3, 1, 2, 1)], 0, id="np_squeeze-axis"),
    pytest.param(np_expand_dims, [A(3, 2)], 0, id="np_expand_dims"),
    pytest.param(np_expand_dims_tuple, [A(3, 2)], 0, id="np_expand_dims-tuple"),
    pytest.param(np_broadcast_to, [A(3, 1)], 0, id="np_broadcast_to"),
    pytest.param(np_broadcast_to, [F()], 0, id="np_broadcast_to-float"),
    pytest.param(np_concatenate, [A(2, 3), A(4, 3)], (0, 1), id="np_concatenate"),
    pytest.param(np_concatenate, [A(2, 3), A(4, 3)], 1, id="np_concatenate-wrt1"),
    pytest.param(np_concatenate_axis, [A(2, 3), A(2, 1)], (0, 1), id="np_concatenate-axis"),
    pytest.param(np_concatenate_none, [A(2, 3), A(4)], (0, 1), id="np_concatenate-none"),
    pytest.param(np_stack, [A(2, 3), A(2, 3)], (0, 1), id="np_stack"),
    pytest.param(np_stack_axis, [A(2, 3), A(2, 3)], (0, 1), id="np_stack-axis"),
    pytest.param(np_hstack, [A(3), A(2)], (0, 1), id="np_hstack-vectors"),
    pytest.param(np_hstack, [A(2, 3), A(2, 2)], (0, 1), id="np_hstack-matrices"),
    pytest.param(np_vstack, [A(3), A(3)], (0, 1), id="np_vstack-vectors"),
    pytest.param(np_vstack, [A(2, 3), A(3)], (0, 1), id="np_vstack-mixed"),
    pytest.param(np_split, [A(6, 2)], 0, id="np_split"),
    pytest.param(np_split_indices, [A(2, 5)], 0, id="np_split-indices"),
    pytest.param(np_take, [A(3, 4)], 0, id="np_take"),
    pytest.param(np_take_axis, [A(3, 4)], 0, id="np_take-axis"),
    pytest.param(np_take_negative_axis, [X3], 0, id="np_take-negative-axis"),
    pytest.param(np_diag_vector, [A(3)], 0, id="np_diag-vector"),
    pytest.param(np_diag_vector_k, [A(3)], 0, id="np_diag-vector-k"),
    pytest.param(np_diag_matrix, [A(3, 4)], 0, id="np_diag-matrix"),
    pytest.param(np_diag_matrix_k, [A(4, 3)], 0, id="np_diag-matrix-k"),
    pytest.param(np_diagonal, [A(3, 4)], 0, id="np_diagonal"),
    pytest.param(np_diagonal_offset, [X3], 0, id="np_diagonal-offset"),
    pytest.param(np_astype, [A(3, 4)], 0, id="np_astype"),
    pytest.param(np_astype_int, [NOT_INTEGER], 0, id="np_astype-int"),
    pytest.param(np_copy, [A(3, 4)], 0, id="np_copy"),
    pytest.param(np_flip, [A(3, 4)], 0, id="np_flip"),
    pytest.param(np_roll, [A(3, 4)], 0, id="np_roll"),
    pytest.param(np_tile, [A(3, 4)], 0, id="np_tile"),
    pytest.param(np_repeat, [A(3, 4)], 0, id="np_repeat"),
    pytest.param(np_diff, [A(3, 4)], 0, id="np_diff"),
    pytest.param(np_sort, [A(3, 4)], 0, id="np_sort"),
    pytest.param(np_triu, [A(3, 4)], 0, id="np_triu"),
    pytest.param(np_tril, [A(4, 4)], 0, id="np_tril"),
    pytest.param(np_roll_tuple, [A(3, 4)], 0, id="np_roll-tuple"),
    pytest.param(np_roll_flat, [A(3, 4)], 0, id="np_roll-flat"),
    pytest.param(np_tile_int, [A(3, 4)], 0, id="np_tile-int"),
    pytest.param(np_tile_more, [A(3, 4)], 0, id="np_tile-more-reps"),
    pytest.param(np_tile_int, [F()], 0, id="np_tile-float"),
    pytest.param(np_repeat_flat, [A(3, 4)], 0, id="np_repeat-flat"),
    pytest.param(np_repeat_counts, [A(3, 4)], 0, id="np_repeat-counts"),
    pytest.param(np_diff_twice, [A(4, 3)], 0, id="np_diff-twice"),
    pytest.param(np_sort_flat, [A(3, 4)], 0, id="np_sort-flat"),
    pytest.param(np_sort_default, [X3], 0, id="np_sort-default"),
    pytest.param(np_pad, [A(3, 4)], 0, id="np_pad"),
    pytest.param(np_pad_value, [A(3, 4), F()], (0, 1), id="np_pad-constant"),
    pytest.param(np_take_along_axis, [A(3, 4)], 0, id="np_take_along_axis"),
    pytest.param(np_take_along_axis_bcast, [A(3, 4)], 0, id="np_take_along_axis-bcast"),
    pytest.param(np_take_along_axis_flat, [A(3, 4)], 0, id="np_take_along_axis-flat"),
    pytest.param(np_array_split, [A(3, 5)], 0, id="np_array_split"),
    pytest.param(np_hsplit, [A(3, 4)], 0, id="np_hsplit"),
    pytest.param(np_vsplit, [A(3, 4)], 0, id="np_vsplit"),
    pytest.param(np_linspace, [F(), F()], (0, 1), id="np_linspace"),
    pytest.param(np_linspace_axis, [A(3), A(2, 1)], (0, 1), id="np_linspace-axis"),
    # a 1-D argument is a row repeated into a square (its own generator: the draws above stay as they were)
    pytest.param(np_triu, [np.random.default_rng(41).uniform(-1, 1, 4)], 0, id="np_triu-1d"),
    pytest.param(np_tril, [np.random.default_rng(42).uniform(-1, 1, 4)], 0, id="np_tril-1d"),
]

# -- numpy: array methods (rewritten to the numpy functions) --------------------------------------


def m_sum(x, w): return np.sum(x.sum(axis=0) * w)
def m_sum_keepdims(x, w): return np.sum(x.sum(-1, keepdims=True) * w)
def m_mean(x, w): return x.mean() * w
def m_prod(x, w): return np.sum(x.prod(axis=1) * w)
def m_max(x, w): return x.max() * w
def m_min(x, w): return np.sum(x.min(axis=0) * w)
def m_var(x, w): return np.sum(x.var(axis=1) * w)
def m_std(x, w): return x.std() * w
def m_cumsum(x, w): return np.sum(x.cumsum(axis=0) * w)
def m_cumprod(x, w): return np.sum(x.cumprod() * w)
def m_dot(x, y, w): return np.sum(x.dot(y) * w)
def m_reshape(x, w): return np.sum(x.reshape(2, 6) * w)
def m_reshape_tuple(x, w): return np.sum(x.reshape((6, -1)) * w)
def m_transpose(x, w): return np.sum(x.transpose() * w)
def m_transpose_axes(x, w): return np.sum(x.transpose(2, 0, 1) * w)
def m_T(x, w): return np.sum(x.T * w)
def m_ravel(x, w): return np.sum(x.ravel() * w)
def m_flatten(x, w): return np.sum(x.flatten() * w)
def m_squeeze(x, w): return np.sum(x.squeeze() * w)
def m_clip(x, w): return np.sum(x.clip(-0.5, 0.5) * w)
def m_trace(x, w): return x.trace() * w
def m_diagonal(x, w): return np.sum(x.diagonal(1) * w)
def m_astype(x, w): return np.sum(x.astype(float) * w)
def m_copy(x, w): return np.sum(x.copy() * w)
def m_round(x, w): return np.sum(x * x.round() * w)


METHODS = [
    pytest.param(m_sum, [A(3, 4)], 0, id="method-sum"),
    pytest.param(m_sum_keepdims, [A(3, 4)], 0, id="method-sum-keepdims"),
    pytest.param(m_mean, [A(3, 4)], 0, id="method-mean"),
    pytest.param(m_prod, [A(3, 4, **POS)], 0, id="method-prod"),
    pytest.param(m_max, [A(3, 4)], 0, id="method-max"),
    pytest.param(m_min, [A(3, 4)], 0, id="method-min"),
    pytest.param(m_var, [A(3, 4)], 0, id="method-var"),
    pytest.param(m_std, [A(3, 4)], 0, id="method-std"),
    pytest.param(m_cumsum, [A(3, 4)], 0, id="method-cumsum"),
    pytest.param(m_cumprod, [A(3, 4, **POS)], 0, id="method-cumprod"),
    pytest.param(m_dot, [A(3, 4), A(4, 2)], (0, 1), id="method-dot"),
    pytest.param(m_reshape, [A(3, 4)], 0, id="method-reshape"),
    pytest.param(m_reshape_tuple, [A(3, 4)], 0, id="method-reshape-tuple"),
    pytest.param(m_transpose, [A(3, 4)], 0, id="method-transpose"),
    pytest.param(m_transpose_axes, [X3], 0, id="method-transpose-axes"),
    pytest.param(m_T, [A(3, 4)], 0, id="method-T"),
    pytest.param(m_ravel, [A(3, 4)], 0, id="method-ravel"),
    pytest.param(m_flatten, [A(3, 4)], 0, id="method-flatten"),
    pytest.param(m_squeeze, [A(1, 4)], 0, id="method-squeeze"),
    pytest.param(m_clip, [A(3, 4)], 0, id="method-clip"),
    pytest.param(m_trace, [A(3, 3)], 0, id="method-trace"),
    pytest.param(m_diagonal, [A(3, 4)], 0, id="method-diagonal"),
    pytest.param(m_astype, [A(3, 4)], 0, id="method-astype"),
    pytest.param(m_copy, [A(3, 4)], 0, id="method-copy"),
    pytest.param(m_round, [NOT_INTEGER + 0.02], 0, id="method-round"),
]

# -- numpy.linalg ------------------------------------------------------------------------------


def norm(x, w): return np.linalg.norm(x) * w
def norm_ord(x, ord, w): return np.sum(np.linalg.norm(x, ord) * w)
def norm_axis(x, w): return np.sum(np.linalg.norm(x, axis=1) * w)
def norm_axis_keepdims(x, w): return np.sum(np.linalg.norm(x, 2, axis=-1, keepdims=True) * w)
def norm_matrix_axes(x, w): return np.sum(np.linalg.norm(x, "fro", axis=(0, 2)) * w)
def norm_matrix_axes_2(x, w): return np.sum(np.linalg.norm(x, 2, axis=(2, 1), keepdims=True) * w)
def norm_matrix_keepdims(x, w): return np.sum(np.linalg.norm(x, keepdims=True) * w)
def inv(a, w): return np.sum(np.linalg.inv(a) * w)
def solve(a, b, w): return np.sum(np.linalg.solve(a, b) * w)
def det(a, w): return np.sum(np.linalg.det(a) * w)
def slogdet(a, w):
    sign, logabsdet = np.linalg.slogdet(a)
    return np.sum(logabsdet * w)
def slogdet_index(a, w): return np.sum(np.linalg.slogdet(a)[1] * w)
def cholesky(a, w): return np.sum(np.linalg.cholesky(0.5 * (a + np.swapaxes(a, -1, -2))) * w)
def cholesky_upper(a, w): return np.sum(np.linalg.cholesky(0.5 * (a + a.T), upper=True) * w)
def eigh(a, w):
    values, vectors = np.linalg.eigh(0.5 * (a + np.swapaxes(a, -1, -2)))
    return np.sum(values * w) + np.sum(vectors * vectors * np.arange(9.0).reshape(3, 3))
def eigvals_only(a, w): return np.sum(np.linalg.eigh(0.5 * (a + a.T))[0] * w)
def svd_values(a, w): return np.sum(np.linalg.svd(a, compute_uv=False) * w)
def svd_reduced(a, w):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(s * w) + np.sum(np.sin(u)) + np.sum(np.cos(vh))
def svd_square(a, w):
    u, s, vh = np.linalg.svd(a)
    return np.sum(s * w) + np.sum(np.sin(u)) + np.sum(np.cos(vh))
def qr_reduced(a, w):
    q, r = np.linalg.qr(a)
    return np.sum(r * w) + np.sum(np.sin(q))
def eig_real(a, w):
    values, vectors = np.linalg.eig(a)
    return np.sum(values * w) + np.sum(np.sin(vectors))
def eigvals_real(a, w): return np.sum(np.linalg.eigvals(a) * w)
def eigvalsh_sym(a, w): return np.sum(np.linalg.eigvalsh(0.5 * (a + np.swapaxes(a, -1, -2))) * w)
def pinv_full(a, w): return np.sum(np.linalg.pinv(a) * w)
def lstsq_x(a, b, w): return np.sum(np.linalg.lstsq(a, b)[0] * w)
def lstsq_all(a, b, w):
    x, residuals, rank, sv = np.linalg.lstsq(a, b)
    return np.sum(x * w) + np.sum(residuals) + np.sum(sv * sv)
def matrix_power_3(a, w): return np.sum(np.linalg.matrix_power(a, 3) * w)
def matrix_power_negative(a, w): return np.sum(np.linalg.matrix_power(a, -2) * w)
def multi_dot_chain(a, b, c, w): return np.sum(np.linalg.multi_dot([a, b, c]) * w)
def multi_dot_vectors(a, b, c, w): return np.linalg.multi_dot([a, b, c]) * w
def matrix_norm_fro(x, w): return np.sum(np.linalg.matrix_norm(x) * w)
def matrix_norm_nuc(x, w): return np.sum(np.linalg.matrix_norm(x, ord="nuc", keepdims=True) * w)
def vector_norm_all(x, w): return np.linalg.vector_norm(x) * w
def vector_norm_axes(x, w): return np.sum(np.linalg.vector_norm(x, axis=(0, 2), ord=3) * w)
def tensorsolve_(a, b, w): return np.sum(np.linalg.tensorsolve(a, b) * w)
def tensorinv_(a, w): return np.sum(np.linalg.tensorinv(a, ind=1) * w)
def svdvals_(x, w): return np.sum(np.linalg.svdvals(x) * w)
def cond_2(x, w): return np.sum(np.linalg.cond(x) * w)
def cond_p(x, p, w): return np.sum(np.linalg.cond(x, p) * w)
def rank_scaled(x, w): return np.sum(x * np.linalg.matrix_rank(x) * w)
def linalg_matmul(a, b, w): return np.sum(np.linalg.matmul(a, b) * w)
def linalg_outer(a, b, w): return np.sum(np.linalg.outer(a, b) * w)
def linalg_tensordot(a, b, w): return np.sum(np.linalg.tensordot(a, b, axes=1) * w)
def linalg_vecdot(a, b, w): return np.sum(np.linalg.vecdot(a, b, axis=0) * w)
def linalg_cross(a, b, w): return np.sum(np.linalg.cross(a, b) * w)
def linalg_trace(a, w): return np.sum(np.linalg.trace(a, offset=1) * w)
def linalg_diagonal(a, w): return np.sum(np.linalg.diagonal(a) * w)
def linalg_matrix_transpose(a, w): return np.sum(np.linalg.matrix_transpose(a) * w)


LINALG_RNG = np.random.default_rng(16)  # its own draws: the cases after these keep theirs


def real_spectrum(n, batch=()):
    """A matrix (or a stack) with the real, distinct eigenvalues 1 .. n."""
    s = LINALG_RNG.normal(size=batch + (n, n)) * 0.3 + np.eye(n)
    return np.linalg.solve(s, np.arange(1.0, n + 1)[:, None] * s)


def G(*shape):
    return LINALG_RNG.normal(size=shape)


def conditioned(n):
    return G(n, n) * 0.3 + 2.0 * np.eye(n)


def norm_case(x, ord, id):
    return pytest.param(norm_ord, [x, ord], 0, id=id)


LINALG = [
    pytest.param(norm, [A(5)], 0, id="norm-vector"),
    pytest.param(norm, [A(3, 4)], 0, id="norm-matrix"),
    pytest.param(norm, [X3], 0, id="norm-3d"),
    norm_case(A(5), 2, "norm-vector-2"),
    norm_case(away(5), 1, "norm-vector-1"),
    norm_case(A(5), 3, "norm-vector-3"),
    norm_case(away(5), 0.5, "norm-vector-half"),
    norm_case(A(5), np.inf, "norm-vector-inf"),
    norm_case(away(5), -np.inf, "norm-vector-minus-inf"),
    norm_case(away(5), 0, "norm-vector-0"),
    norm_case(A(3, 4), "fro", "norm-matrix-fro"),
    norm_case(A(3, 4), 2, "norm-matrix-2"),
    norm_case(A(3, 4), -2, "norm-matrix-minus-2"),
    norm_case(A(3, 4), "nuc", "norm-matrix-nuc"),
    norm_case(A(3, 4), 1, "norm-matrix-1"),
    norm_case(A(3, 4), -1, "norm-matrix-minus-1"),
    norm_case(A(3, 4), np.inf, "norm-matrix-inf"),
    norm_case(A(3, 4), -np.inf, "norm-matrix-minus-inf"),
    pytest.param(norm_axis, [A(3, 4)], 0, id="norm-axis"),
    pytest.param(norm_axis_keepdims, [X3], 0, id="norm-axis-keepdims"),
    pytest.param(norm_matrix_axes, [X3], 0, id="norm-matrix-axes"),
    pytest.param(norm_matrix_axes_2, [X3], 0, id="norm-matrix-axes-2-keepdims"),
    pytest.param(norm_matrix_keepdims, [A(3, 4)], 0, id="norm-matrix-keepdims"),
    pytest.param(inv, [spd(3)], 0, id="inv"),
    pytest.param(inv, [spd(3, (2,))], 0, id="inv-batch"),
    pytest.param(solve, [spd(3), A(3)], (0, 1), id="solve-vector"),
    pytest.param(solve, [spd(3), A(3, 2)], (0, 1), id="solve-matrix"),
    pytest.param(solve, [spd(3, (2,)), A(2, 3, 2)], (0, 1), id="solve-batch"),
    pytest.param(det, [spd(3)], 0, id="det"),
    pytest.param(det, [spd(3, (2,))], 0, id="det-batch"),
    pytest.param(slogdet, [spd(3) - 4.0 * np.eye(3)], 0, id="slogdet"),
    pytest.param(slogdet_index, [spd(3, (2,))], 0, id="slogdet-batch-index"),
    pytest.param(cholesky, [spd(3)], 0, id="cholesky"),
    pytest.param(cholesky, [spd(3, (2,))], 0, id="cholesky-batch"),
    pytest.param(cholesky_upper, [spd(3)], 0, id="cholesky-upper"),
    pytest.param(eigh, [spd(3) + np.diag([0.0, 1.0, 2.0])], 0, id="eigh"),
    pytest.param(eigvals_only, [spd(3) + np.diag([0.0, 1.0, 2.0])], 0, id="eigh-values"),
    pytest.param(svd_values, [G(4, 3)], 0, id="svd-values"),
    pytest.param(svd_reduced, [G(4, 3)], 0, id="svd-reduced-tall"),
    pytest.param(svd_reduced, [G(2, 3, 4)], 0, id="svd-reduced-wide-batch"),
    pytest.param(svd_square, [G(3, 3)], 0, id="svd-full-square"),
    pytest.param(qr_reduced, [G(4, 3)], 0, id="qr-tall"),
    pytest.param(qr_reduced, [G(2, 3, 4)], 0, id="qr-wide-batch"),
    pytest.param(eig_real, [real_spectrum(3)], 0, id="eig-real"),
    pytest.param(eigvals_real, [real_spectrum(3, (2,))], 0, id="eigvals-real-batch"),
    pytest.param(eigvalsh_sym, [G(2, 3, 3)], 0, id="eigvalsh-batch"),
    pytest.param(pinv_full, [G(4, 3)], 0, id="pinv-tall"),
    pytest.param(pinv_full, [G(2, 3, 4)], 0, id="pinv-wide-batch"),
    pytest.param(lstsq_x, [G(5, 3), G(5)], (0, 1), id="lstsq-vector"),
    pytest.param(lstsq_all, [G(5, 3), G(5, 2)], (0, 1), id="lstsq-residuals-sv"),
    pytest.param(matrix_power_3, [G(2, 3, 3)], 0, id="matrix_power"),
    pytest.param(matrix_power_negative, [conditioned(3)], 0, id="matrix_power-negative"),
    pytest.param(multi_dot_chain, [G(2, 3), G(3, 4), G(4, 2)], (0, 1, 2), id="multi_dot"),
    pytest.param(multi_dot_vectors, [G(3), G(3, 4), G(4)], (0, 1, 2), id="multi_dot-vectors"),
    pytest.param(matrix_norm_fro, [G(2, 3, 4)], 0, id="matrix_norm"),
    pytest.param(matrix_norm_nuc, [G(2, 3, 4)], 0, id="matrix_norm-nuc-keepdims"),
    pytest.param(vector_norm_all, [G(3, 4)], 0, id="vector_norm"),
    pytest.param(vector_norm_axes, [G(2, 3, 4)], 0, id="vector_norm-axes-3"),
    pytest.param(tensorsolve_, [np.reshape(conditioned(6), (2, 3, 6)), G(2, 3)], (0, 1), id="tensorsolve"),
    pytest.param(tensorinv_, [np.reshape(conditioned(6), (6, 2, 3))], 0, id="tensorinv"),
    pytest.param(svdvals_, [G(2, 3, 4)], 0, id="svdvals"),
    pytest.param(rank_scaled, [G(3, 4)], 0, id="matrix_rank"),
    pytest.param(cond_2, [G(2, 3, 4)], 0, id="cond"),
    pytest.param(cond_p, [conditioned(3), "nuc"], 0, id="cond-nuc"),
    pytest.param(cond_p, [conditioned(3), -1], 0, id="cond-minus-1"),
    pytest.param(linalg_matmul, [G(2, 3, 4), G(4, 2)], (0, 1), id="linalg.matmul"),
    pytest.param(linalg_outer, [G(3), G(4)], (0, 1), id="linalg.outer"),
    pytest.param(linalg_tensordot, [G(2, 3, 4), G(4, 2)], (0, 1), id="linalg.tensordot"),
    pytest.param(linalg_vecdot, [G(3, 4), G(3, 1)], (0, 1), id="linalg.vecdot-broadcast"),
    pytest.param(linalg_cross, [G(4, 3), G(3)], (0, 1), id="linalg.cross-broadcast"),
    pytest.param(linalg_trace, [G(2, 3, 4)], 0, id="linalg.trace"),
    pytest.param(linalg_diagonal, [G(2, 3, 4)], 0, id="linalg.diagonal"),
    pytest.param(linalg_matrix_transpose, [G(2, 3, 4)], 0, id="linalg.matrix_transpose"),
]

# -- math (Python floats) -----------------------------------------------------------------------


def math_sin(x, w): return math.sin(x) * w
def math_cos(x, w): return math.cos(x) * w
def math_tan(x, w): return math.tan(x) * w
def math_asin(x, w): return math.asin(x) * w
def math_acos(x, w): return math.acos(x) * w
def math_atan(x, w): return math.atan(x) * w
def math_sinh(x, w): return math.sinh(x) * w
def math_cosh(x, w): return math.cosh(x) * w
def math_tanh(x, w): return math.tanh(x) * w
def math_asinh(x, w): return math.asinh(x) * w
def math_acosh(x, w): return math.acosh(x) * w
def math_atanh(x, w): return math.atanh(x) * w
def math_exp(x, w): return math.exp(x) * w
def math_exp2(x, w): return math.exp2(x) * w
def math_expm1(x, w): return math.expm1(x) * w
def math_log(x, w): return math.log(x) * w
def math_log_base(x, base, w): return math.log(x, base) * w
def math_log2(x, w): return math.log2(x) * w
def math_log10(x, w): return math.log10(x) * w
def math_log1p(x, w): return math.log1p(x) * w
def math_sqrt(x, w): return math.sqrt(x) * w
def math_cbrt(x, w): return math.cbrt(x) * w
def math_pow(x, y, w): return math.pow(x, y) * w
def math_fabs(x, w): return math.fabs(x) * w
def math_hypot(x, y, w): return math.hypot(x, y) * w
def math_hypot3(x, y, w): return math.hypot(x, 0.5, y) * w
def math_atan2(y, x, w): return math.atan2(y, x) * w
def math_degrees(x, w): return math.degrees(x) * w
def math_radians(x, w): return math.radians(x) * w
def math_erf(x, w): return math.erf(x) * w
def math_erfc(x, w): return math.erfc(x) * w
def math_copysign(x, y, w): return math.copysign(x, y) * w
def math_fmod(x, y, w): return math.fmod(x, y) * w
def math_fsum(x, y, w): return math.fsum([x, y, x * y]) * w
def math_prod(x, y, w): return math.prod([x, y, 3.0]) * w
def math_prod_arrays(x, y, w): return np.sum(math.prod([x, y], start=2.0) * w)
def math_dist(x, y, w): return math.dist([x, 0.5], [y, -0.25]) * w
def math_floor(x, w): return x * math.floor(x) * w
def math_ceil(x, w): return x * math.ceil(x) * w
def math_trunc(x, w): return x * math.trunc(x) * w


MATH = [
    pytest.param(math_sin, [F()], 0, id="math_sin"),
    pytest.param(math_cos, [F()], 0, id="math_cos"),
    pytest.param(math_tan, [F()], 0, id="math_tan"),
    pytest.param(math_asin, [F(**UNIT)], 0, id="math_asin"),
    pytest.param(math_acos, [F(**UNIT)], 0, id="math_acos"),
    pytest.param(math_atan, [F()], 0, id="math_atan"),
    pytest.param(math_sinh, [F()], 0, id="math_sinh"),
    pytest.param(math_cosh, [F()], 0, id="math_cosh"),
    pytest.param(math_tanh, [F()], 0, id="math_tanh"),
    pytest.param(math_asinh, [F()], 0, id="math_asinh"),
    pytest.param(math_acosh, [F(1.5, 3.0)], 0, id="math_acosh"),
    pytest.param(math_atanh, [F(**UNIT)], 0, id="math_atanh"),
    pytest.param(math_exp, [F()], 0, id="math_exp"),
    pytest.param(math_expm1, [F()], 0, id="math_expm1"),
    pytest.param(math_log, [F(**POS)], 0, id="math_log"),
    pytest.param(math_log_base, [F(**POS), F(1.5, 3.0)], (0, 1), id="math_log-base"),
    pytest.param(math_log2, [F(**POS)], 0, id="math_log2"),
    pytest.param(math_log10, [F(**POS)], 0, id="math_log10"),
    pytest.param(math_log1p, [F(**POS)], 0, id="math_log1p"),
    pytest.param(math_sqrt, [F(**POS)], 0, id="math_sqrt"),
    pytest.param(math_pow, [F(**POS), F()], (0, 1), id="math_pow"),
    pytest.param(math_pow, [F(-2.0, -0.5), 3.0], 0, id="math_pow-negative-base"),
    pytest.param(math_fabs, [0.6], 0, id="math_fabs"),
    pytest.param(math_fabs, [-0.7], 0, id="math_fabs-negative"),
    pytest.param(math_hypot, [F(), F()], (0, 1), id="math_hypot"),
    pytest.param(math_hypot3, [F(), F()], (0, 1), id="math_hypot-3"),
    pytest.param(math_atan2, [F(), F()], (0, 1), id="math_atan2"),
    pytest.param(math_degrees, [F()], 0, id="math_degrees"),
    pytest.param(math_radians, [F()], 0, id="math_radians"),
    pytest.param(math_erf, [F()], 0, id="math_erf"),
    pytest.param(math_erfc, [F()], 0, id="math_erfc"),
    pytest.param(math_copysign, [0.4, -0.3], (0, 1), id="math_copysign"),
    pytest.param(math_fmod, [F(1.0, 3.0), F(0.3, 0.9)], (0, 1), id="math_fmod"),
    pytest.param(math_fsum, [F(), F()], (0, 1), id="math_fsum"),
    pytest.param(math_prod, [F(), F()], (0, 1), id="math_prod"),
    pytest.param(math_prod_arrays, [A(3, 4), A(4)], (0, 1), id="math_prod-arrays"),
    pytest.param(math_dist, [F(), F()], (0, 1), id="math_dist"),
    pytest.param(math_floor, [2.3], 0, id="math_floor"),
    pytest.param(math_ceil, [-1.6], 0, id="math_ceil"),
    pytest.param(math_trunc, [-1.6], 0, id="math_trunc"),
]
if hasattr(math, "cbrt"):  # Python 3.11+
    MATH += [
        pytest.param(math_exp2, [F()], 0, id="math_exp2"),
        pytest.param(math_cbrt, [F(**POS)], 0, id="math_cbrt"),
        pytest.param(math_cbrt, [F(-2.0, -0.5)], 0, id="math_cbrt-negative"),
    ]

# -- builtins ------------------------------------------------------------------------------------


def b_abs(x, w): return abs(x) * w
def b_abs_array(x, w): return np.sum(abs(x) * w)
def b_sum(x, y, w): return np.sum(sum([x, y, x * y]) * w)
def b_sum_start(x, y, w): return np.sum(sum([x, x], y) * w)
def b_sum_array(x, w): return np.sum(sum(x) * w)
def b_max2(x, y, w): return max(x, y) * w
def b_max3(x, y, w): return max(x, 0.5, y) * w
def b_max_list(x, y, w): return max([y, x]) * w
def b_min2(x, y, w): return min(x, y) * w
def b_min_list(x, y, w): return min([x, y, 0.75]) * w
def b_float(x, w): return float(x[1]) * w
def b_pow(x, y, w): return pow(x, y) * w
def b_pow_array(x, w): return np.sum(pow(x, 3) * w)
def b_int(x, w): return x * int(x) * w
def b_round(x, w): return x * round(x) * w
def b_list_rows(x, w): return np.sum(np.stack(list(x)) * w)
def b_tuple_items(x, y, w): return sum(v * c for v, c in zip(tuple(x), [y, y * y, 2.0])) * w
def b_len(x, w): return np.sum(x * len(x) * w)
def b_range(x, w):
    total = 0.0
    for i in range(len(x)):
        total = total + x[i] * i
    return total * w


BUILTINS = [
    pytest.param(b_abs, [-0.7], 0, id="abs"),
    pytest.param(b_abs_array, [away(3, 4)], 0, id="abs-array"),
    pytest.param(b_sum, [F(), F()], (0, 1), id="sum"),
    pytest.param(b_sum, [A(3), A(3)], (0, 1), id="sum-arrays"),
    pytest.param(b_sum_start, [A(3), A(3)], (0, 1), id="sum-start"),
    pytest.param(b_sum_start, [A(3), F()], (0, 1), id="sum-start-float"),
    pytest.param(b_sum_array, [A(3, 4)], 0, id="sum-array-rows"),
    pytest.param(b_max2, [0.3, -0.2], (0, 1), id="max-2"),
    pytest.param(b_max3, [0.9, 0.2], (0, 1), id="max-3-constant-wins"),
    pytest.param(b_max3, [0.1, 0.8], (0, 1), id="max-3"),
    pytest.param(b_max_list, [0.1, 0.8], (0, 1), id="max-list"),
    pytest.param(b_min2, [0.3, -0.2], (0, 1), id="min-2"),
    pytest.param(b_min_list, [0.4, -0.3], (0, 1), id="min-list"),
    pytest.param(b_float, [A(3)], 0, id="float"),
    pytest.param(b_pow, [F(**POS), F()], (0, 1), id="pow"),
    pytest.param(b_pow_array, [A(3, 4)], 0, id="pow-array"),
    pytest.param(b_int, [2.4], 0, id="int"),
    pytest.param(b_round, [2.4], 0, id="round"),
    pytest.param(b_len, [A(3)], 0, id="len"),
    pytest.param(b_range, [A(4)], 0, id="range"),
]

# -- numpy: the long tail ----------------------------------------------------------------


def atleast_2d_rows(x, w): return np.sum(np.atleast_2d(x) * w)
def atleast_3d_cube(x, w): return np.sum(np.atleast_3d(x) * w)
def atleast_1d_float(x, w): return np.sum(np.atleast_1d(x) * w)
def matrix_mT_gram(x, w): return np.sum((x.mT @ x) * w)
def column_stack_features(a, b, w): return np.sum(np.column_stack([a, b]) * w)
def dstack_channels(a, b, w): return np.sum(np.dstack([a, b]) * w)
def vdot_flat(a, b, w): return np.vdot(a, b) * w
def kron_blocks(a, b, w): return np.sum(np.kron(a, b) * w)
def kron_vectors(a, b, w): return np.sum(np.kron(a, b) * w)
def cross_torque(r, f, w): return np.sum(np.cross(r, f) * w)
def convolve_smooth(signal, kernel, w): return np.sum(np.convolve(signal, kernel, mode="same") * w)
def convolve_full(signal, kernel, w): return np.sum(np.convolve(signal, kernel) * w)
def convolve_valid(signal, kernel, w): return np.sum(np.convolve(kernel, signal, "valid") * w)
def correlate_lag(a, v, w): return np.sum(np.correlate(a, v, "full") * w)
def correlate_valid(a, v, w): return np.sum(np.correlate(a, v) * w)
def correlate_same(a, v, w): return np.sum(np.correlate(a, v, mode="same") * w)
def nansum_losses(x, w): return np.sum(np.nansum(x, axis=0) * w)
def nanmean_losses(x, w): return np.sum(np.nanmean(x, axis=1, keepdims=True) * w)
def nan_to_num_clean(x, w): return np.sum(np.nan_to_num(x, posinf=1.0) * w)
def average_weighted_losses(losses, weights, w): return np.average(losses, weights=weights) * w
def average_axis(a, weights, w): return np.sum(np.average(a, axis=0, weights=weights) * w)
def average_plain(a, w): return np.sum(np.average(a, axis=1) * w)
def polyval_fit(p, x, w): return np.sum(np.polyval(p, x) * w)
def trapezoid_density(y, x, w): return np.trapezoid(np.exp(-y * y), x) * w
def trapezoid_rows(y, w): return np.sum(np.trapezoid(y, dx=0.1, axis=0) * w)
def einsum_trace_of(x, w): return np.einsum("ii->", x) * w
def einsum_diagonal(x, w): return np.sum(np.einsum("ii->i", x) * w)
def median_residual(x, w): return np.median(np.abs(x - 0.1)) * w
def median_rows(x, w): return np.sum(np.median(x, axis=1, keepdims=True) * w)
def quantile_risk(x, w): return np.sum(np.quantile(x, 0.9, axis=-1) * w)
def percentile_spread(x, w): return (np.percentile(x, 75) - np.percentile(x, 25.0)) * w
def interp_table(x, fp, w): return np.sum(np.interp(x, np.linspace(-1.0, 1.0, 6), fp) * w)
def mean_where_positive(x, w): return np.sum(np.mean(x, axis=1, where=x > 0.0) * w)
def einsum_batch_trace(x, y, w): return np.sum(np.einsum("bii,bj->bj", x, y) * w)


WITH_NAN = A(3, 4)
WITH_NAN[1, 2] = np.nan
WITH_INF = A(3, 4)
WITH_INF[0, 1] = np.inf

LONGTAIL = [
    pytest.param(atleast_2d_rows, [A(4)], 0, id="np_atleast_2d"),
    pytest.param(atleast_3d_cube, [A(3, 4)], 0, id="np_atleast_3d"),
    pytest.param(atleast_1d_float, [F()], 0, id="np_atleast_1d-float"),
    pytest.param(matrix_mT_gram, [A(2, 4, 3)], 0, id="attr_mT"),
    pytest.param(column_stack_features, [A(4), A(4, 2)], (0, 1), id="np_column_stack"),
    pytest.param(dstack_channels, [A(3, 4), A(3, 4)], (0, 1), id="np_dstack"),
    pytest.param(vdot_flat, [A(2, 3), A(6)], (0, 1), id="np_vdot"),
    pytest.param(kron_blocks, [A(2, 3), A(3, 2)], (0, 1), id="np_kron"),
    pytest.param(kron_vectors, [A(3), A(2, 2)], (0, 1), id="np_kron-ndim"),
    pytest.param(cross_torque, [A(4, 3), A(3)], (0, 1), id="np_cross"),
    pytest.param(convolve_smooth, [A(8), A(3)], (0, 1), id="np_convolve-same"),
    pytest.param(convolve_full, [A(5), A(3)], (0, 1), id="np_convolve"),
    pytest.param(convolve_valid, [A(6), A(3)], (0, 1), id="np_convolve-valid"),
    pytest.param(correlate_lag, [A(4), A(6)], (0, 1), id="np_correlate-full"),
    pytest.param(correlate_valid, [A(6), A(3)], (0, 1), id="np_correlate"),
    pytest.param(correlate_same, [A(6), A(4)], (0, 1), id="np_correlate-same"),
    pytest.param(nansum_losses, [WITH_NAN], 0, id="np_nansum"),
    pytest.param(nanmean_losses, [WITH_NAN], 0, id="np_nanmean"),
    pytest.param(nan_to_num_clean, [WITH_INF], 0, id="np_nan_to_num"),
    pytest.param(average_weighted_losses, [A(5), A(5, **POS)], (0, 1), id="np_average-weights"),
    pytest.param(average_axis, [A(3, 4), A(3, 4, **POS)], (0, 1), id="np_average-axis"),
    pytest.param(average_plain, [A(3, 4)], 0, id="np_average"),
    pytest.param(polyval_fit, [A(4), A(5)], (0, 1), id="np_polyval"),
    pytest.param(trapezoid_density, [A(6), np.linspace(-1.0, 1.0, 6)], 0, id="np_trapezoid"),
    pytest.param(trapezoid_rows, [A(5, 3)], 0, id="np_trapezoid-dx"),
    pytest.param(einsum_trace_of, [A(3, 3)], 0, id="np_einsum-trace"),
    pytest.param(einsum_diagonal, [A(3, 3)], 0, id="np_einsum-diagonal"),
    pytest.param(median_residual, [A(7)], 0, id="np_median"),
    pytest.param(median_rows, [A(3, 4)], 0, id="np_median-axis"),
    pytest.param(quantile_risk, [A(4, 6)], 0, id="np_quantile"),
    pytest.param(percentile_spread, [A(9)], 0, id="np_percentile"),
    pytest.param(interp_table, [A(5, lo=-1.2, hi=1.2), A(6)], (0, 1), id="np_interp"),
    pytest.param(mean_where_positive, [away(3, 4)], 0, id="np_mean-where"),
    pytest.param(einsum_batch_trace, [A(2, 3, 3), A(2, 4)], (0, 1), id="np_einsum-batch-trace"),
]

from test_rules_fft import RULE_CASES as FFT  # noqa: E402  numpy.fft (tests/test_rules_fft.py)

# complex intermediates of real arguments (tests/test_complex.py has more)
def real_part(x, w): return np.sum(np.real(np.exp(1j * x) * (2.0 - 1j)) * w)
def imag_part(x, w): return np.sum(np.imag(x * x * (1.0 + 2j)) * w)
def real_attributes(x, w): return np.sum((np.exp(1j * x).real - (x * 3j).imag) * w)
def angle_of(x, y, w): return np.sum(np.angle(x + 1j * y) * w)
def modulus(x, w): return np.sum(np.abs(x * (1.0 + 2j) - 0.5j) * w)
def complex_scalar(a, b, w): return abs(complex(a, b) ** 2) * w


COMPLEX = [
    pytest.param(real_part, [A(3, 4)], 0, id="np_real"),
    pytest.param(imag_part, [A(3, 4)], 0, id="np_imag"),
    pytest.param(real_attributes, [A(3, 4)], 0, id="real-imag-attributes"),
    pytest.param(angle_of, [away(3, 4), away(3, 4)], (0, 1), id="np_angle"),
    pytest.param(modulus, [A(3, 4)], 0, id="np_abs-complex"),
    pytest.param(complex_scalar, [F(), F()], (0, 1), id="complex"),
]

UNARY = [pytest.param(f, [x], 0, id=f.__name__) for f, x in UNARY]
SEQUENCES = [  # drawn last: the cases above keep their draws
    pytest.param(b_list_rows, [A(3, 4)], 0, id="list-rows"),
    pytest.param(b_tuple_items, [A(3), F()], (0, 1), id="tuple-items"),
]
CASES = UNARY + BINARY + SELECTION + REDUCTIONS + PRODUCTS + SHAPES + METHODS + LINALG + MATH + BUILTINS + LONGTAIL + COMPLEX + FFT + SEQUENCES


class _Captured(Exception):
    pass


class _Probe:
    """Stands for the weight ``w`` to find the shape of what it multiplies."""

    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        other = inputs[0] if inputs[1] is self else inputs[1]
        raise _Captured(np.shape(other))

    def __mul__(self, other):
        raise _Captured(np.shape(other))

    __rmul__ = __mul__


def weight(f, args):
    """A random weight shaped like the value ``f`` multiplies by ``w``."""
    try:
        f(*args, _Probe())
    except _Captured as captured:
        shape = captured.args[0]
    else:
        raise AssertionError(f"{f.__name__} never multiplies by w")
    rng = np.random.default_rng(zlib.crc32(f.__name__.encode()))
    return float(rng.normal()) if shape == () else rng.normal(size=shape)


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_rule(f, args, wrt):
    check_grad(f, list(args) + [weight(f, args)], wrt=wrt, rtol=1e-5, atol=1e-7)


# -- every rule is checked above; call forms a rule does not cover fail clearly -------------


def test_every_rule_of_the_library_has_a_case():
    import gast

    from s2s.frontend import parse
    from s2s.normalize import normalize
    from s2s.rules import ATTRIBUTE_FUNCTIONS, BUILTIN, OPERATORS

    called = set()
    for case in CASES:
        for node in gast.walk(normalize(parse(case.values[0]))):
            if isinstance(node, gast.Call) and hasattr(node, "s2s_target"):
                called.add(BUILTIN._key(node.s2s_target))
            elif isinstance(node, (gast.BinOp, gast.UnaryOp)):
                called.add(OPERATORS[type(node.op)])
            elif isinstance(node, gast.Attribute) and node.attr in ATTRIBUTE_FUNCTIONS:
                called.add(ATTRIBUTE_FUNCTIONS[node.attr])
    libraries = {f"s2s.derivatives.{m}" for m in LIBRARIES}
    untested = sorted(
        rule.name for key, rule in BUILTIN.rules.items()
        if rule.adjoint is not None and rule.adjoint.fn.__module__ in libraries and key not in called
    )
    assert not untested, f"adjoint rules without a case in test_rules.py: {untested}"


def sum_where(x): return np.sum(np.sum(x, axis=0, where=x > 0))
def diff_prepend(x): return np.sum(np.diff(x, prepend=0.0) ** 2)


def test_a_keyword_the_rule_does_not_take_is_an_error_at_the_call():
    import s2s

    for f in (sum_where, diff_prepend):
        with pytest.raises(s2s.S2SError, match="does not accept this call"):
            s2s.grad(f)


