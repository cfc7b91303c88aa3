"""Numpy functions whose derivatives are genuinely their own: selections, reductions
that read values, splits, padding, sorting; adjoint and tangent side by side.

See :mod:`s2s.template` for how a template reads: in an adjoint, ``d<result>`` is the
incoming adjoint and each ``d<arg> = ...`` contributes to an argument's adjoint; in a
tangent, each ``d<result> = ...`` is one term of the result's tangent, read from one
argument's tangent (dropped when that argument is inactive).  Tangent terms are
written to have the result's shape where a broadcasting argument could make them
smaller (``np.where(..., dx, np.zeros_like(z))``).  Parameter names and defaults are
numpy's, so keyword calls bind.
"""

import numpy as np

from s2s.rules import adjoint, nondifferentiable, tangent


@adjoint(np.where, broadcast=True)
def where(z, condition, x, y):
    dx = np.where(condition, dz, 0.0)
    dy = np.where(condition, 0.0, dz)


@tangent(np.where)
def where_(z, condition, x, y):
    dz = np.where(condition, dx, np.zeros_like(z))
    dz = np.where(condition, np.zeros_like(z), dy)


@adjoint(np.clip, broadcast=True)
def clip(y, a, a_min=None, a_max=None, out=None, min=None, max=None):
    da = dy * clip_mask(a, a_min, a_max, min, max)
    da_min = dy * (a < a_min)
    da_max = dy * (a > a_max)
    dmin = dy * (a < min)
    dmax = dy * (a > max)


@tangent(np.clip)
def clip_(y, a, a_min=None, a_max=None, out=None, min=None, max=None):
    """``a`` passes its tangent where it was not clipped; a bound where it clipped."""
    dy = np.where(y == a, da, np.zeros_like(y))
    dy = np.where(a < a_min, da_min, np.zeros_like(y))
    dy = np.where(a > a_max, da_max, np.zeros_like(y))
    dy = np.where(a < min, dmin, np.zeros_like(y))
    dy = np.where(a > max, dmax, np.zeros_like(y))


@adjoint(np.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False):
    da = prod_adjoint(dy, y, a, axis, keepdims)


@tangent(np.prod)
def prod_(y, a, axis=None, dtype=None, out=None, keepdims=False):
    """Exact with zeros in ``a``: the product of the others, not ``y / a``."""
    is_zero = a == 0
    nonzero = np.where(is_zero, 1.0, a)
    nonzero_product = np.prod(nonzero, axis=axis, keepdims=True)
    zero_count = np.sum(is_zero, axis=axis, keepdims=True)
    others = np.where(zero_count == 0, nonzero_product / nonzero, np.where(is_zero & (zero_count == 1), nonzero_product, 0.0))
    dy = np.sum(da * others, axis=axis, keepdims=keepdims)


@adjoint(np.max, np.amax, np.min, np.amin)
def extremum(y, a, axis=None, out=None, keepdims=False, initial=None):
    """Tied extrema share the adjoint evenly; none gets it where ``initial`` wins."""
    da = extremum_adjoint(dy, y, a, axis, keepdims)


@tangent(np.max, np.amax, np.min, np.amin)
def extremum_(y, a, axis=None, out=None, keepdims=False, initial=None):
    """The tangent at the extremum; split evenly between ties, as the adjoint does;
    zero where ``initial`` wins."""
    at_extremum = a == unreduce(y, a, axis, keepdims)
    dy = np.sum(da * at_extremum, axis=axis, keepdims=keepdims) / np.maximum(np.sum(at_extremum, axis=axis, keepdims=keepdims), 1)


@adjoint(np.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    """``correction`` is the array API's name for ``ddof`` (numpy takes one of them)."""
    da = var_adjoint(dy, a, axis, ddof + correction, keepdims)


@tangent(np.var)
def var_(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    """``correction`` is the array API's name for ``ddof`` (numpy takes one of them)."""
    centered = a - np.mean(a, axis=axis, keepdims=True)
    dy = 2.0 * np.sum(centered * da if not np.iscomplexobj(centered) else np.real(np.conj(centered) * da), axis=axis, keepdims=keepdims) / (np.size(a) / np.size(y) - ddof - correction)


@adjoint(np.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    da = var_adjoint(dy / (2.0 * y), a, axis, ddof + correction, keepdims)


@tangent(np.std)
def std_(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    centered = a - np.mean(a, axis=axis, keepdims=True)
    dy = np.sum(centered * da if not np.iscomplexobj(centered) else np.real(np.conj(centered) * da), axis=axis, keepdims=keepdims) / ((np.size(a) / np.size(y) - ddof - correction) * y)


@adjoint(np.cumprod)
def cumprod(y, a, axis=None, dtype=None, out=None):
    """Not defined where ``a`` has zeros."""
    da = np.reshape(uncumsum(dy * y, a, axis), np.shape(a)) / a


@tangent(np.cumprod)
def cumprod_(y, a, axis=None, dtype=None, out=None):
    """``y * cumsum(da / a)``: not defined where ``a`` has zeros."""
    dy = y * np.cumsum(da / a, axis=axis)


@adjoint(np.einsum)
def einsum(z, subscripts, *operands, optimize=False):
    doperands = einsum_adjoint(dz, subscripts, operands)


@tangent(np.einsum)
def einsum_(z, subscripts, *operands, optimize=False):
    dz = einsum_tangent(subscripts, operands, doperands, optimize)


@adjoint(np.split, np.array_split)
def split(y, ary, indices_or_sections, axis=0):
    dary = np.concatenate(dy, axis=axis)


@tangent(np.split)
def split_(y, ary, indices_or_sections, axis=0):
    dy = GradTuple(np.split(dary, indices_or_sections, axis=axis))


@tangent(np.array_split)
def array_split_(y, ary, indices_or_sections, axis=0):
    dy = GradTuple(np.array_split(dary, indices_or_sections, axis=axis))


@adjoint(np.hsplit)
def hsplit(y, ary, indices_or_sections):
    dary = np.hstack(dy)


@tangent(np.hsplit)
def hsplit_(y, ary, indices_or_sections):
    dy = GradTuple(np.hsplit(dary, indices_or_sections))


@adjoint(np.vsplit)
def vsplit(y, ary, indices_or_sections):
    dary = np.vstack(dy)


@tangent(np.vsplit)
def vsplit_(y, ary, indices_or_sections):
    dy = GradTuple(np.vsplit(dary, indices_or_sections))


@adjoint(np.pad)
def pad(y, array, pad_width, mode="constant", constant_values=0):
    """``mode="constant"`` (one scalar ``constant_values``) and the modes that copy entries."""
    inside = unpad(dy, array, pad_width, mode)
    darray = inside
    dconstant_values = np.sum(dy) - np.sum(inside)


@tangent(np.pad)
def pad_(y, array, pad_width, mode="constant", constant_values=0):
    """``array``'s tangent padded the same way (every mode but ``"empty"`` is linear in
    ``array`` with zero pad values); one (scalar) ``constant_values`` fills the border."""
    dy = np.pad(darray, pad_width, mode=mode)
    dy = np.pad(np.zeros_like(array), pad_width, mode="constant", constant_values=1.0) * dconstant_values


@adjoint(np.sort)
def sort(y, a, axis=-1, kind=None, order=None, *, stable=None):
    da = unsort(dy, a, axis)


@tangent(np.sort)
def sort_(y, a, axis=-1, kind=None, order=None, *, stable=None):
    """``a``'s tangent in sorted order; ties in the stable order, as the adjoint does."""
    dy = np.take_along_axis(da, np.argsort(a, axis=axis, kind="stable"), axis=axis)


@adjoint(np.linspace)
def linspace(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    adjoints = linspace_adjoint(dy, start, stop, num, endpoint, axis)
    dstart = adjoints[0]
    dstop = adjoints[1]


@tangent(np.linspace)
def linspace_(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    """Linear in ``(start, stop)``: the same samples between the tangents, each
    broadcast to the samples' shape first so ``axis`` lands where it does in ``y``."""
    ends = np.broadcast_shapes(np.shape(start), np.shape(stop))
    dy = np.linspace(np.broadcast_to(dstart, ends), np.zeros_like(dstart, shape=ends), num, endpoint=endpoint, axis=axis)
    dy = np.linspace(np.zeros_like(dstop, shape=ends), np.broadcast_to(dstop, ends), num, endpoint=endpoint, axis=axis)


# -- no derivative ---------------------------------------------------------------------

nondifferentiable(
    np.floor_divide, np.sign, np.floor, np.ceil, np.round, np.rint, np.trunc, np.fix,
    np.heaviside, np.signbit, np.digitize, np.argwhere, np.flatnonzero,
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.nonzero,
    np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like,
    np.arange, np.eye, np.identity, np.diag_indices,
    np.any, np.all, np.isnan, np.isinf, np.isfinite, np.isclose, np.allclose,
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    np.bitwise_and, np.bitwise_or, np.invert, np.count_nonzero, np.searchsorted,
    np.issubdtype, np.around, np.isneginf, np.isposinf, np.isreal, np.iscomplex,
    np.isrealobj, np.iscomplexobj, np.isscalar, np.isdtype, np.iterable, np.isin,
    np.array_equal, np.array_equiv, np.argpartition, np.lexsort, np.nanargmax, np.nanargmin,
    np.indices, np.ix_, np.mask_indices, np.triu_indices, np.tril_indices,
    np.triu_indices_from, np.tril_indices_from, np.diag_indices_from,
    np.can_cast, np.result_type, np.broadcast_shapes, np.gcd, np.lcm,
    np.left_shift, np.right_shift, np.bitwise_xor, np.bitwise_count, np.linalg.matrix_rank,
)
