"""The tangent (forward-mode) rule library, rule by rule.

Each case runs ``s2s.jvp`` of a small program from programs/tangent_programs.py
and compares the tangent with a central finite difference along a random
direction (float64, rtol 1e-6).  Where every primitive the program calls has an
adjoint rule, the dot-product identity <jvp(f)(x; v), w> == <v, vjp(f)(x; w)>
is checked against reverse mode as well; a missing adjoint rule skips that half.
"""

import inspect
import math
import operator

import gast
import numpy as np
import pytest

import s2s
from gradcheck import fresh, inner
from programs import tangent_programs as P
from s2s.frontend import parse
from s2s.normalize import normalize
from s2s.rules import ATTRIBUTE_FUNCTIONS, BUILTIN, OPERATORS

RNG = np.random.default_rng(20240611)
EPS = 1e-6


def A(*shape, lo=-1.0, hi=1.0):
    """A random float64 array (a Python float for no shape)."""
    value = RNG.uniform(lo, hi, size=shape)
    return float(value) if not shape else value


def F(lo=-1.0, hi=1.0):
    return float(RNG.uniform(lo, hi))


def spd(n, batch=()):
    """A well-conditioned matrix (a stack of them for a batch shape)."""
    m = RNG.normal(size=batch + (n, n)) * 0.3
    return m + 2.0 * np.eye(n)


class Case:
    def __init__(self, f, args, wrt=None, id=None, marks=()):
        self.f = f
        self.args = args
        names = list(inspect.signature(f).parameters)
        self.wrt = tuple(range(len(args))) if wrt is None else wrt if isinstance(wrt, tuple) else (wrt,)
        self.indices = [w if isinstance(w, int) else names.index(w) for w in self.wrt]
        self.id = id or f.__name__
        self.marks = marks

    def param(self):
        return pytest.param(self, id=self.id, marks=self.marks)


def binary(f, lo=-1.0, hi=1.0, lo2=None, hi2=None, square=False):
    """A binary ufunc's cases: equal shapes, broadcasting both ways, a Python float, one side active."""
    lo2 = lo if lo2 is None else lo2
    hi2 = hi if hi2 is None else hi2
    name = f.__name__
    return [
        Case(f, [A(3, 4, lo=lo, hi=hi), A(3, 4, lo=lo2, hi=hi2)], id=f"{name}-same"),
        Case(f, [A(2, 3, 4, lo=lo, hi=hi), A(4, lo=lo2, hi=hi2)], id=f"{name}-bcast-right"),
        Case(f, [A(3, 1, lo=lo, hi=hi), A(1, 4, lo=lo2, hi=hi2)], id=f"{name}-bcast-both"),
        Case(f, [A(4, lo=lo, hi=hi), A(3, 4, lo=lo2, hi=hi2)], wrt=0, id=f"{name}-bcast-left-wrt0"),
        Case(f, [A(3, 4, lo=lo, hi=hi), A(4, lo=lo2, hi=hi2)], wrt=1, id=f"{name}-bcast-wrt1"),
        Case(f, [F(lo, hi), A(3, lo=lo2, hi=hi2)], id=f"{name}-float-array"),
        Case(f, [F(lo, hi), A(3, lo=lo2, hi=hi2)], wrt=0, id=f"{name}-float-wrt0"),
        Case(f, [F(lo, hi), F(lo2, hi2)], id=f"{name}-floats"),
    ]


UNIT = dict(lo=-0.9, hi=0.9)
POSITIVE = dict(lo=0.5, hi=2.0)

CASES = [
    # -- numpy elementwise
    Case(P.np_sin, [A(3, 4)]),
    Case(P.np_sin, [F()], id="np_sin-float"),
    Case(P.np_cos, [A(3, 4)]),
    Case(P.np_tan, [A(3, 4)]),
    Case(P.np_arcsin, [A(3, 4, **UNIT)]),
    Case(P.np_arccos, [A(3, 4, **UNIT)]),
    Case(P.np_arctan, [A(3, 4)]),
    Case(P.np_sinh, [A(3, 4)]),
    Case(P.np_cosh, [A(3, 4)]),
    Case(P.np_tanh, [A(3, 4)]),
    Case(P.np_exp, [A(3, 4)]),
    Case(P.np_exp2, [A(3, 4)]),
    Case(P.np_expm1, [A(3, 4)]),
    Case(P.np_log, [A(3, 4, **POSITIVE)]),
    Case(P.np_log2, [A(3, 4, **POSITIVE)]),
    Case(P.np_log10, [A(3, 4, **POSITIVE)]),
    Case(P.np_log1p, [A(3, 4, **POSITIVE)]),
    Case(P.np_sqrt, [A(3, 4, **POSITIVE)]),
    Case(P.np_square, [A(3, 4)]),
    Case(P.np_abs, [A(3, 4)]),
    Case(P.np_absolute, [A(3, 4)]),
    Case(P.np_negative, [A(3, 4)]),
    Case(P.np_positive, [A(3, 4)]),
    Case(P.np_reciprocal, [A(3, 4, **POSITIVE)]),
    Case(P.op_square, [A(3, 4)]),
    Case(P.op_square, [F()], id="op_square-float"),
    Case(P.op_rpow, [A(3, 4)]),
    Case(P.op_neg, [A(3, 4)]),
    Case(P.op_neg, [F()], id="op_neg-float"),
    Case(P.op_pos, [A(3, 4)]),
    Case(P.relu, [A(3, 4)]),
    # -- binary ufuncs and operators, with broadcasting
    *binary(P.np_add),
    *binary(P.op_add),
    *binary(P.np_subtract),
    *binary(P.op_sub),
    *binary(P.np_multiply),
    *binary(P.op_mul),
    *binary(P.np_true_divide, lo2=0.5, hi2=2.0),
    *binary(P.np_divide, lo2=0.5, hi2=2.0),
    *binary(P.op_div, lo2=0.5, hi2=2.0),
    *binary(P.np_power, lo=0.5, hi=2.0),
    *binary(P.op_pow, lo=0.5, hi=2.0),
    *binary(P.np_maximum),
    *binary(P.np_minimum),
    *binary(P.np_logaddexp),
    *binary(P.np_arctan2),
    *binary(P.np_hypot),
    Case(P.op_pow, [A(3, 4, lo=-2.0, hi=-0.5), 3.0], wrt=0, id="op_pow-negative-base"),
    Case(P.np_matmul, [A(3, 4), A(4, 2)]),
    Case(P.op_matmul, [A(3, 4), A(4, 2)]),
    Case(P.op_matmul, [A(2, 3, 4), A(4, 5)], id="op_matmul-batch"),
    Case(P.op_matmul, [A(3), A(3, 4)], id="op_matmul-vector-matrix"),
    Case(P.op_matmul, [A(3, 4), A(4)], wrt=1, id="op_matmul-matrix-vector-wrt1"),
    Case(P.op_matmul, [A(4), A(4)], id="op_matmul-inner"),
    # -- selection
    Case(P.np_where, [A(3, 4), A(3, 4)]),
    Case(P.np_where, [A(2, 4), A(3, 1, 4)], id="np_where-bcast"),
    Case(P.np_where, [A(4), A(3, 4)], wrt=0, id="np_where-bcast-wrt0"),
    Case(P.np_where, [A(3, 4), A(4)], wrt=1, id="np_where-bcast-wrt1"),
    Case(P.np_where_scalar, [A(3, 4)]),
    Case(P.np_clip, [A(3, 4)]),
    Case(P.np_clip_bounds, [A(3, 4), A(4, lo=-1.0, hi=-0.2), A(3, 1, lo=0.2, hi=1.0)]),
    Case(P.np_clip_bounds, [A(3, 4), A(4, lo=-1.0, hi=-0.2), A(3, 1, lo=0.2, hi=1.0)], wrt=(1, 2), id="np_clip_bounds-wrt-bounds"),
    Case(P.np_clip_bounds, [A(4), A(3, 1, lo=-1.0, hi=-0.2), 0.5], wrt=1, id="np_clip_bounds-bcast-wrt1"),
    Case(P.np_clip_upper, [A(3, 4)]),
    Case(P.np_clip_keyword, [A(3, 4)]),
    Case(P.method_clip, [A(3, 4)]),
    # -- reductions
    Case(P.np_sum, [A(3, 4)]),
    Case(P.np_sum_axis, [A(3, 4)]),
    Case(P.np_sum_keepdims, [A(3, 4)]),
    Case(P.np_sum_axes, [A(2, 3, 4)]),
    Case(P.np_sum_keyword, [A(3, 4)]),
    Case(P.method_sum, [A(3, 4)]),
    Case(P.np_mean, [A(3, 4)]),
    Case(P.np_mean_axis, [A(3, 4)]),
    Case(P.np_prod, [A(3, 4, **POSITIVE)]),
    Case(P.np_prod, [np.array([[0.5, 0.0, 1.5], [1.2, 0.7, 2.0]])], id="np_prod-one-zero"),
    Case(P.np_prod, [np.array([[0.5, 0.0, 1.5], [1.2, 0.0, 2.0]])], id="np_prod-two-zeros"),
    Case(P.np_prod_axis, [A(3, 4)]),
    Case(P.np_prod_axis, [np.array([[0.5, 0.0, 1.5], [1.2, 0.0, 2.0], [0.0, 0.3, 0.4]])], id="np_prod_axis-zeros"),
    Case(P.np_prod_keepdims, [A(3, 4)]),
    Case(P.np_max, [A(3, 4)]),
    Case(P.np_max_axis, [A(3, 4)]),
    Case(P.np_max_keepdims, [A(3, 4)]),
    Case(P.np_min, [A(3, 4)]),
    Case(P.np_min_axis, [A(3, 4)]),
    Case(P.np_amax, [A(3, 4)]),
    Case(P.np_amin, [A(3, 4)]),
    Case(P.method_max, [A(3, 4)]),
    Case(P.np_var, [A(3, 4)]),
    Case(P.np_var_axis, [A(3, 4)]),
    Case(P.np_var_keepdims, [A(3, 4)]),
    Case(P.np_std, [A(3, 4)]),
    Case(P.np_std_axis, [A(3, 4)]),
    Case(P.np_cumsum, [A(3, 4)]),
    Case(P.np_cumsum_axis, [A(3, 4)]),
    Case(P.np_cumprod, [A(3, 4, **POSITIVE)]),
    Case(P.np_cumprod_axis, [A(3, 4, lo=-2.0, hi=-0.5)]),
    Case(P.np_trace, [A(4, 4)]),
    Case(P.np_trace_offset, [A(3, 4)]),
    # -- products
    Case(P.np_dot, [A(3, 4), A(4)]),
    Case(P.np_dot, [A(4), A(4)], id="np_dot-vectors"),
    Case(P.np_dot, [A(3, 4), A(4, 2)], wrt=1, id="np_dot-wrt1"),
    Case(P.np_outer, [A(3), A(4)]),
    Case(P.np_inner, [A(3, 4), A(2, 4)]),
    Case(P.np_tensordot, [A(3, 4), A(4, 2)]),
    Case(P.np_tensordot_axes, [A(3, 4, 2), A(4, 3)]),
    Case(P.np_einsum, [A(3, 4), A(4, 2)]),
    Case(P.np_einsum, [A(3, 4), A(4, 2)], wrt=0, id="np_einsum-wrt0"),
    Case(P.np_einsum3, [A(3), A(3, 4), A(4)]),
    Case(P.np_einsum3, [A(3), A(3, 4), A(4)], wrt=1, id="np_einsum3-wrt1"),
    Case(P.np_einsum_optimize, [A(3, 4), A(4, 2)]),
    # -- shapes
    Case(P.np_transpose, [A(3, 4)]),
    Case(P.np_transpose_axes, [A(2, 3, 4)]),
    Case(P.attribute_T, [A(3, 4)]),
    Case(P.np_swapaxes, [A(2, 3, 4)]),
    Case(P.np_moveaxis, [A(2, 3, 4)]),
    Case(P.np_reshape, [A(2, 3)]),
    Case(P.np_reshape_keyword, [A(3, 2)]),
    Case(P.method_reshape, [A(2, 3)]),
    Case(P.np_ravel, [A(2, 3)]),
    Case(P.method_flatten, [A(2, 3)]),
    Case(P.np_squeeze, [A(3, 1, 2)]),
    Case(P.np_squeeze_axis, [A(3, 1, 2)]),
    Case(P.np_expand_dims, [A(3, 2)]),
    Case(P.np_broadcast_to, [A(3)]),
    Case(P.np_concatenate, [A(2, 3), A(4, 3)]),
    Case(P.np_concatenate, [A(2, 3), A(4, 3)], wrt=1, id="np_concatenate-wrt1"),
    Case(P.np_concatenate_axis, [A(2, 3), A(2, 1)]),
    Case(P.np_stack, [A(2, 3), A(2, 3)]),
    Case(P.np_stack, [A(2, 3), A(2, 3)], wrt=0, id="np_stack-wrt0"),
    Case(P.np_hstack, [A(2, 3), A(2, 2)]),
    Case(P.np_vstack, [A(3), A(3)]),
    Case(P.np_split, [A(4, 3)]),
    Case(P.np_split_indices, [A(2, 5)]),
    Case(P.np_take, [A(3, 4)]),
    Case(P.np_take_axis, [A(3, 4)]),
    Case(P.np_diag_vector, [A(3)]),
    Case(P.np_diag_matrix, [A(3, 4)]),
    Case(P.np_diagonal, [A(3, 4)]),
    Case(P.np_diagonal_offset, [A(2, 3, 4)]),
    Case(P.np_copy, [A(3, 4)]),
    Case(P.method_copy, [A(3, 4)]),
    Case(P.np_astype, [A(3, 4)]),
    Case(P.method_astype_int, [A(3, 4, lo=0.1, hi=0.9) + np.arange(4.0)]),
    # -- linear algebra
    Case(P.norm, [A(5)]),
    Case(P.norm, [A(3, 4)], id="norm-matrix"),
    Case(P.norm_axis, [A(3, 4)]),
    Case(P.norm_keepdims, [A(3, 4)]),
    Case(P.norm_fro, [A(3, 4)]),
    Case(P.norm_ord1, [A(5)]),
    Case(P.norm_ord3, [A(3, 4)]),
    Case(P.norm_inf, [A(5)]),
    Case(P.norm_minus_inf, [A(3, 4)]),
    Case(P.norm_ord0, [A(5)]),
    Case(P.inv, [spd(3)]),
    Case(P.inv, [spd(3, (2,))], id="inv-batch"),
    Case(P.solve, [spd(3), A(3)]),
    Case(P.solve, [spd(3), A(3, 2)], id="solve-matrix"),
    Case(P.solve, [spd(3), A(3)], wrt=1, id="solve-wrt1"),
    Case(P.solve, [spd(3, (2,)), A(2, 3, 2)], id="solve-batch"),
    Case(P.solve, [spd(3, (2,)), A(3)], wrt=0, id="solve-batch-vector-wrt0"),
    Case(P.det, [spd(3)]),
    Case(P.det, [spd(3, (2,))], id="det-batch"),
    # -- math (Python floats)
    Case(P.math_sin, [F()]),
    Case(P.math_cos, [F()]),
    Case(P.math_tan, [F()]),
    Case(P.math_asin, [F(**UNIT)]),
    Case(P.math_acos, [F(**UNIT)]),
    Case(P.math_atan, [F()]),
    Case(P.math_sinh, [F()]),
    Case(P.math_cosh, [F()]),
    Case(P.math_tanh, [F()]),
    Case(P.math_asinh, [F()]),
    Case(P.math_acosh, [F(1.5, 3.0)]),
    Case(P.math_atanh, [F(**UNIT)]),
    Case(P.math_exp, [F()]),
    Case(P.math_expm1, [F()]),
    Case(P.math_log, [F(**POSITIVE)]),
    Case(P.math_log_base, [F(**POSITIVE), F(1.5, 3.0)]),
    Case(P.math_log_base, [F(**POSITIVE), F(1.5, 3.0)], wrt=1, id="math_log_base-wrt1"),
    Case(P.math_log2, [F(**POSITIVE)]),
    Case(P.math_log10, [F(**POSITIVE)]),
    Case(P.math_log1p, [F(**POSITIVE)]),
    Case(P.math_sqrt, [F(**POSITIVE)]),
    Case(P.math_pow, [F(**POSITIVE), F()]),
    Case(P.math_pow, [F(-2.0, -0.5), 3.0], wrt=0, id="math_pow-negative-base"),
    Case(P.math_fabs, [F()]),
    Case(P.math_hypot, [F(), F()]),
    Case(P.math_hypot3, [F(), F()]),
    Case(P.math_hypot3, [F(), F()], wrt=1, id="math_hypot3-wrt1"),
    Case(P.math_atan2, [F(), F()]),
    Case(P.math_degrees, [F()]),
    Case(P.math_radians, [F()]),
    Case(P.math_erf, [F()]),
    Case(P.math_erfc, [F()]),
    Case(P.math_copysign, [F(), F()]),
    Case(P.math_fmod, [F(1.0, 3.0), F(0.3, 0.9)]),
    *([Case(P.math_exp2, [F()]), Case(P.math_cbrt, [F(**POSITIVE)])] if hasattr(math, "cbrt") else []),
    # -- builtins
    Case(P.builtin_abs, [F()]),
    Case(P.builtin_abs_array, [A(3, 4)]),
    Case(P.builtin_sum, [F(), F()]),
    Case(P.builtin_sum, [A(3), A(3)], id="builtin_sum-arrays"),
    Case(P.builtin_sum_start, [F(), F()]),
    Case(P.builtin_sum_start, [F(), A(3)], wrt=1, id="builtin_sum_start-wrt1"),
    Case(P.builtin_sum_array, [A(3, 4)]),
    Case(P.builtin_max2, [F(), F()]),
    Case(P.builtin_max2, [0.9, -0.3], wrt=1, id="builtin_max2-inactive-winner"),
    Case(P.builtin_max3, [F(), F(0.6, 1.0)]),
    Case(P.builtin_max_list, [F(0.1, 0.5), F(2.0, 3.0)]),
    Case(P.builtin_min2, [F(), F()]),
    Case(P.builtin_min_list, [F(0.5, 1.0), F(-1.0, 0.0)]),
    Case(P.builtin_float, [A(3)]),
    Case(P.builtin_pow, [F(**POSITIVE), F()]),
    Case(P.builtin_pow_int, [F()]),
    # -- structure
    Case(P.list_append, [A(3), A(3)]),
    Case(P.list_append, [F(), F()], wrt=1, id="list_append-floats-wrt1"),
    Case(P.list_append_constant, [F()]),
    Case(P.list_append_to_empty, [A(3)]),
    Case(P.item_assign, [A(4), F()]),
    Case(P.item_assign, [A(4), F()], wrt=0, id="item_assign-wrt0"),
    Case(P.item_assign, [A(4), F()], wrt=1, id="item_assign-wrt1"),
    Case(P.item_assign_into_constant, [A(2)]),
    Case(P.item_assign_constant, [A(2, 3)]),
    Case(P.list_item_assign, [F(), F()]),
    Case(P.list_item_assign, [F(), F()], wrt=1, id="list_item_assign-wrt1"),
    Case(P.list_item_assign, [A(3), A(3)], wrt=0, id="list_item_assign-ragged-wrt0"),
    Case(P.getitem_call, [A(3, 4)]),
    Case(P.array_from_list, [F(), F()]),
    Case(P.array_from_list, [A(2), A(2)], wrt=0, id="array_from_list-arrays-wrt0"),
    Case(P.array_from_nested, [F(), F()]),
    Case(P.array_from_array, [A(3)]),
]


# -- which primitives a program calls, for the vjp half ---------------------------------------


def primitives(f):
    """The differentiable library callables ``f`` calls (operators and subscripts included)."""
    fdef = normalize(parse(f))
    found = []
    for node in gast.walk(fdef):
        if isinstance(node, gast.Call) and hasattr(node, "s2s_target"):
            found.append(node.s2s_target)
        elif isinstance(node, (gast.BinOp, gast.UnaryOp)):
            found.append(OPERATORS[type(node.op)])
        elif isinstance(node, gast.Attribute) and node.attr in ATTRIBUTE_FUNCTIONS:
            found.append(ATTRIBUTE_FUNCTIONS[node.attr])
        elif isinstance(node, gast.Subscript):
            found.append(operator.getitem)
    out = []
    for fn in found:
        rule = BUILTIN.lookup(fn)
        if rule is None or not rule.nondifferentiable:
            out.append(fn)
    return out


def missing_adjoints(f):
    names = []
    for fn in primitives(f):
        rule = BUILTIN.lookup(fn)
        if rule is None or rule.adjoint is None:
            names.append((rule.name if rule else None) or getattr(fn, "__name__", repr(fn)))
    return sorted(set(names))


MISSING = {case.f: missing_adjoints(case.f) for case in CASES}  # checked at import time


# -- helpers ------------------------------------------------------------------------------------


def direction(value, rng):
    if isinstance(value, float):
        return float(rng.normal())
    return rng.normal(size=np.shape(value))


def shifted(args, indices, tangents, eps):
    out = list(args)
    for i, t in zip(indices, tangents):
        out[i] = args[i] + eps * t
    return out


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_jvp_matches_finite_differences(case):
    rng = np.random.default_rng(1)
    tangents = [direction(case.args[i], rng) for i in case.indices]
    value, tangent = s2s.jvp(case.f, wrt=case.wrt)(*fresh(case.args), *tangents)
    expected = case.f(*fresh(case.args))
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    assert np.shape(tangent) == np.shape(expected)
    up = case.f(*shifted(case.args, case.indices, tangents, EPS))
    down = case.f(*shifted(case.args, case.indices, tangents, -EPS))
    numeric = (np.asarray(up, dtype=np.float64) - np.asarray(down, dtype=np.float64)) / (2 * EPS)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_jvp_agrees_with_vjp(case):
    if MISSING[case.f]:
        pytest.skip(f"no adjoint rule yet for {', '.join(MISSING[case.f])}")
    rng = np.random.default_rng(2)
    tangents = [direction(case.args[i], rng) for i in case.indices]
    value, tangent = s2s.jvp(case.f, wrt=case.wrt)(*fresh(case.args), *tangents)
    w = direction(value, rng) if np.ndim(value) else float(rng.normal())
    grads = s2s.vjp(case.f, wrt=tuple(case.indices))(*fresh(case.args), w)
    lhs = inner(tangent, w)
    rhs = sum(inner(g, t) for g, t in zip(grads, tangents))
    assert lhs == pytest.approx(rhs, rel=1e-8, abs=1e-10)


# -- rules whose edge cases a random point does not reach -------------------------------------


def test_maximum_and_minimum_split_ties_evenly():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])
    _, t = s2s.jvp(P.np_maximum, wrt=(0, 1))(x, y, np.ones(3), np.zeros(3))
    np.testing.assert_array_equal(t, [0.5, 1.0, 0.0])
    _, t = s2s.jvp(P.np_minimum, wrt=(0, 1))(x, y, np.ones(3), np.zeros(3))
    np.testing.assert_array_equal(t, [0.5, 0.0, 1.0])


def test_max_reduction_splits_ties_evenly():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
    _, t = s2s.jvp(P.np_max_axis)(x, np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]))
    np.testing.assert_array_equal(t, [8.0, 2.0, 4.0])
    _, t = s2s.jvp(P.np_max)(x, np.array([[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]))
    assert t == 3.0


def test_clip_passes_the_tangent_only_inside_the_bounds():
    x = np.array([-2.0, 0.0, 2.0])
    _, t = s2s.jvp(P.np_clip)(x, np.ones(3))
    np.testing.assert_array_equal(t, [0.0, 1.0, 0.0])


def test_astype_to_int_has_a_zero_tangent():
    x = np.array([0.5, 1.5])
    _, t = s2s.jvp(P.method_astype_int)(x, np.ones(2))
    np.testing.assert_array_equal(t, [1.0, 1.0])  # only the `+ x` contributes


def test_matrix_norm_with_a_spectral_ord_is_the_top_singular_pair():
    x, v = np.eye(2) + 0.1, np.ones((2, 2))
    _, t = s2s.jvp(P.norm_matrix2)(x, v)
    u, _, vh = np.linalg.svd(x)
    assert t == pytest.approx(u[:, 0] @ v @ vh[0], rel=1e-12)


def test_python_float_tangents_stay_scalars():
    value, t = s2s.jvp(P.math_sin)(0.3, 1.0)
    assert isinstance(value, float) and np.ndim(t) == 0
    _, t = s2s.jvp(P.builtin_max2, wrt=(0, 1))(0.3, 0.7, 1.0, 2.0)
    assert t == 2.0
