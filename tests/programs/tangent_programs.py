"""One small function per tangent rule (and per variant of a rule's call):
tests/test_tangents.py checks s2s.jvp of each against finite differences and
against s2s.vjp."""

import math
import operator

import numpy as np

# -- numpy elementwise -----------------------------------------------------------


def np_sin(x):
    return np.sin(x)


def np_cos(x):
    return np.cos(x)


def np_tan(x):
    return np.tan(x)


def np_arcsin(x):
    return np.arcsin(x)


def np_arccos(x):
    return np.arccos(x)


def np_arctan(x):
    return np.arctan(x)


def np_sinh(x):
    return np.sinh(x)


def np_cosh(x):
    return np.cosh(x)


def np_tanh(x):
    return np.tanh(x)


def np_exp(x):
    return np.exp(x)


def np_exp2(x):
    return np.exp2(x)


def np_expm1(x):
    return np.expm1(x)


def np_log(x):
    return np.log(x)


def np_log2(x):
    return np.log2(x)


def np_log10(x):
    return np.log10(x)


def np_log1p(x):
    return np.log1p(x)


def np_sqrt(x):
    return np.sqrt(x)


def np_square(x):
    return np.square(x)


def np_abs(x):
    return np.abs(x)


def np_absolute(x):
    return np.absolute(x)


def np_negative(x):
    return np.negative(x)


def np_positive(x):
    return np.positive(x)


def np_reciprocal(x):
    return np.reciprocal(x)


# -- numpy binary ufuncs and the operators ---------------------------------------------


def np_add(x, y):
    return np.add(x, y)


def np_subtract(x, y):
    return np.subtract(x, y)


def np_multiply(x, y):
    return np.multiply(x, y)


def np_true_divide(x, y):
    return np.true_divide(x, y)


def np_divide(x, y):
    return np.divide(x, y)


def np_power(x, y):
    return np.power(x, y)


def np_maximum(x, y):
    return np.maximum(x, y)


def np_minimum(x, y):
    return np.minimum(x, y)


def np_logaddexp(x, y):
    return np.logaddexp(x, y)


def np_arctan2(x, y):
    return np.arctan2(x, y)


def np_hypot(x, y):
    return np.hypot(x, y)


def np_matmul(x, y):
    return np.matmul(x, y)


def op_add(x, y):
    return x + y


def op_sub(x, y):
    return x - y


def op_mul(x, y):
    return x * y


def op_div(x, y):
    return x / y


def op_pow(x, y):
    return x ** y


def op_square(x):
    return x ** 2


def op_rpow(x):
    return 2.0 ** x


def op_neg(x):
    return -x


def op_pos(x):
    return +x


def op_matmul(x, y):
    return x @ y


def relu(x):
    return np.maximum(x, 0.0)


# -- selection -------------------------------------------------------------------------


def np_where(x, y):
    return np.where(x > 0.0, x, y)


def np_where_scalar(x):
    return np.where(x > 0.0, x, 0.0)


def np_clip(x):
    return np.clip(x, -0.5, 0.5)


def np_clip_bounds(x, lo, hi):
    return np.clip(x, lo, hi)


def np_clip_upper(x):
    return np.clip(x, None, 0.5)


def np_clip_keyword(x):
    return np.clip(x, min=-0.5)


def method_clip(x):
    return x.clip(-0.5, 0.5)


# -- reductions ---------------------------------------------------------------------


def np_sum(x):
    return np.sum(x)


def np_sum_axis(x):
    return np.sum(x, axis=0)


def np_sum_keepdims(x):
    return np.sum(x, axis=1, keepdims=True)


def np_sum_axes(x):
    return np.sum(x, axis=(0, 2))


def np_sum_keyword(x):
    return np.sum(a=x, axis=-1)


def method_sum(x):
    return x.sum(axis=1)


def np_mean(x):
    return np.mean(x)


def np_mean_axis(x):
    return np.mean(x, axis=1, keepdims=True)


def np_prod(x):
    return np.prod(x)


def np_prod_axis(x):
    return np.prod(x, axis=0)


def np_prod_keepdims(x):
    return np.prod(x, axis=1, keepdims=True)


def np_max(x):
    return np.max(x)


def np_max_axis(x):
    return np.max(x, axis=0)


def np_max_keepdims(x):
    return np.max(x, axis=1, keepdims=True)


def np_min(x):
    return np.min(x)


def np_min_axis(x):
    return np.min(x, axis=1)


def np_amax(x):
    return np.amax(x, axis=1)


def np_amin(x):
    return np.amin(x, axis=0, keepdims=True)


def method_max(x):
    return x.max(axis=-1)


def np_var(x):
    return np.var(x)


def np_var_axis(x):
    return np.var(x, axis=0, ddof=1)


def np_var_keepdims(x):
    return np.var(x, axis=1, keepdims=True)


def np_std(x):
    return np.std(x)


def np_std_axis(x):
    return np.std(x, axis=1, ddof=1, keepdims=True)


def np_cumsum(x):
    return np.cumsum(x)


def np_cumsum_axis(x):
    return np.cumsum(x, axis=1)


def np_cumprod(x):
    return np.cumprod(x)


def np_cumprod_axis(x):
    return np.cumprod(x, axis=0)


def np_trace(x):
    return np.trace(x)


def np_trace_offset(x):
    return np.trace(x, offset=1)


# -- products -------------------------------------------------------------------------


def np_dot(x, y):
    return np.dot(x, y)


def np_outer(x, y):
    return np.outer(x, y)


def np_inner(x, y):
    return np.inner(x, y)


def np_tensordot(x, y):
    return np.tensordot(x, y, axes=1)


def np_tensordot_axes(x, y):
    return np.tensordot(x, y, axes=([0, 1], [1, 0]))


def np_einsum(x, y):
    return np.einsum("ij,jk->ik", x, y)


def np_einsum3(x, y, z):
    return np.einsum("i,ij,j->", x, y, z)


def np_einsum_optimize(x, y):
    return np.einsum("ij,jk->ik", x, y, optimize=True)


# -- shapes -----------------------------------------------------------------------------


def np_transpose(x):
    return np.transpose(x)


def np_transpose_axes(x):
    return np.transpose(x, (1, 2, 0))


def attribute_T(x):
    return x.T


def np_swapaxes(x):
    return np.swapaxes(x, 0, 2)


def np_moveaxis(x):
    return np.moveaxis(x, 0, -1)


def np_reshape(x):
    return np.reshape(x, (3, -1))


def np_reshape_keyword(x):
    return np.reshape(x, shape=(2, 3), order="F")


def method_reshape(x):
    return x.reshape(3, 2)


def np_ravel(x):
    return np.ravel(x)


def method_flatten(x):
    return x.flatten()


def np_squeeze(x):
    return np.squeeze(x)


def np_squeeze_axis(x):
    return np.squeeze(x, axis=1)


def np_expand_dims(x):
    return np.expand_dims(x, 1)


def np_broadcast_to(x):
    return np.broadcast_to(x, (4, 3))


def np_concatenate(x, y):
    return np.concatenate([x, y])


def np_concatenate_axis(x, y):
    return np.concatenate((x, y), axis=1)


def np_stack(x, y):
    return np.stack([x, y], axis=1)


def np_hstack(x, y):
    return np.hstack([x, y])


def np_vstack(x, y):
    return np.vstack((x, y))


def np_split(x):
    a, b = np.split(x, 2)
    return a * b


def np_split_indices(x):
    parts = np.split(x, [1, 3], axis=1)
    return parts[0] * np.sum(parts[1]) + np.sum(parts[2])


def np_take(x):
    return np.take(x, [0, 2, 2])


def np_take_axis(x):
    return np.take(x, [2, 0], axis=1)


def np_diag_vector(x):
    return np.diag(x)


def np_diag_matrix(x):
    return np.diag(x, k=1)


def np_diagonal(x):
    return np.diagonal(x)


def np_diagonal_offset(x):
    return np.diagonal(x, offset=-1, axis1=1, axis2=2)


def np_copy(x):
    return np.copy(x) * x


def method_copy(x):
    return x.copy()


def np_astype(x):
    return np.astype(x, np.float64)


def method_astype_int(x):
    return x.astype(int) + x


# -- linear algebra ---------------------------------------------------------------------


def norm(x):
    return np.linalg.norm(x)


def norm_axis(x):
    return np.linalg.norm(x, axis=1)


def norm_keepdims(x):
    return np.linalg.norm(x, axis=0, keepdims=True)


def norm_fro(x):
    return np.linalg.norm(x, "fro")


def norm_ord1(x):
    return np.linalg.norm(x, 1)


def norm_ord3(x):
    return np.linalg.norm(x, ord=3, axis=1)


def norm_inf(x):
    return np.linalg.norm(x, np.inf)


def norm_minus_inf(x):
    return np.linalg.norm(x, -np.inf, axis=0)


def norm_ord0(x):
    return np.linalg.norm(x, 0) * x


def norm_matrix2(x):
    return np.linalg.norm(x, 2)


def inv(a):
    return np.linalg.inv(a)


def solve(a, b):
    return np.linalg.solve(a, b)


def det(a):
    return np.linalg.det(a)


# -- math -----------------------------------------------------------------------------


def math_sin(x):
    return math.sin(x)


def math_cos(x):
    return math.cos(x)


def math_tan(x):
    return math.tan(x)


def math_asin(x):
    return math.asin(x)


def math_acos(x):
    return math.acos(x)


def math_atan(x):
    return math.atan(x)


def math_sinh(x):
    return math.sinh(x)


def math_cosh(x):
    return math.cosh(x)


def math_tanh(x):
    return math.tanh(x)


def math_asinh(x):
    return math.asinh(x)


def math_acosh(x):
    return math.acosh(x)


def math_atanh(x):
    return math.atanh(x)


def math_exp(x):
    return math.exp(x)


def math_expm1(x):
    return math.expm1(x)


def math_log(x):
    return math.log(x)


def math_log_base(x, base):
    return math.log(x, base)


def math_log2(x):
    return math.log2(x)


def math_log10(x):
    return math.log10(x)


def math_log1p(x):
    return math.log1p(x)


def math_sqrt(x):
    return math.sqrt(x)


def math_pow(x, y):
    return math.pow(x, y)


def math_fabs(x):
    return math.fabs(x)


def math_hypot(x, y):
    return math.hypot(x, y)


def math_hypot3(x, y):
    return math.hypot(x, 2.0, y)


def math_atan2(x, y):
    return math.atan2(x, y)


def math_degrees(x):
    return math.degrees(x)


def math_radians(x):
    return math.radians(x)


def math_erf(x):
    return math.erf(x)


def math_erfc(x):
    return math.erfc(x)


def math_copysign(x, y):
    return math.copysign(x, y)


def math_fmod(x, y):
    return math.fmod(x, y)


def math_exp2(x):
    return math.exp2(x)


def math_cbrt(x):
    return math.cbrt(x)


# -- builtins -----------------------------------------------------------------------------


def builtin_abs(x):
    return abs(x)


def builtin_abs_array(x):
    return abs(x)


def builtin_sum(x, y):
    return sum([x, y, x * y])


def builtin_sum_start(x, y):
    return sum([x, 2.0], y)


def builtin_sum_array(x):
    return sum(x)


def builtin_max2(x, y):
    return max(x, y)


def builtin_max3(x, y):
    return max(x, 0.5, y)


def builtin_max_list(x, y):
    return max([x, y, x * y])


def builtin_min2(x, y):
    return min(x, y)


def builtin_min_list(x, y):
    return min([x, y, 0.25])


def builtin_float(x):
    return float(np.sum(x))


def builtin_pow(x, y):
    return pow(x, y)


def builtin_pow_int(x):
    return pow(x, 3)


# -- structure ---------------------------------------------------------------------------


def list_append(x, y):
    xs = [x]
    xs.append(y * 2.0)
    xs.append(x * y)
    return xs[0] + xs[1] * xs[2]


def list_append_constant(x):
    xs = [x]
    xs.append(1.5)
    return np.array(xs)


def list_append_to_empty(x):
    xs = []
    xs.append(x)
    xs.append(x * x)
    return np.stack(xs)


def item_assign(x, v):
    y = x * 1.0
    y[1] = v
    return y * x


def item_assign_into_constant(v):
    y = np.zeros(4)
    y[1:3] = v
    return y


def item_assign_constant(x):
    y = x * 2.0
    y[0, 1] = 0.0
    return y


def list_item_assign(x, v):
    xs = [x, x * x, 1.0]
    xs[1] = v
    return xs[0] * xs[1] + xs[2]


def getitem_call(x):
    return operator.getitem(x, 1) * x


def array_from_list(x, y):
    return np.array([x, y, x * y])


def array_from_nested(x, y):
    return np.array([[x, 1.0], [y, x * y]])


def array_from_array(x):
    return np.array(x) * x
