"""Adjoints of numpy's reductions and scans: max/min, prod, var, cumsum, and clip's mask.

``prod_others_tangent`` is the second-order part of ``prod_adjoint`` (its tangent
and its own adjoint).  All are exact where entries tie or are zero.  ``quantile_weights``
and ``interp_weights`` are the (piecewise constant) weights by which ``np.quantile``,
``np.percentile``, ``np.median`` and ``np.interp`` combine entries.
"""

import math

import numpy as np

from .broadcasting import unreduce


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim for a in axes)


def extremum_adjoint(grad, result, a, axis=None, keepdims=False):
    """The adjoint of ``np.max``/``np.min``: split evenly between tied extrema."""
    if type(a) is np.ndarray:
        if axis is None:  # the extremum of all entries: nothing to spread back over axes
            at = a == result
            return at * (grad / max(int(np.count_nonzero(at)), 1))
        at, grad, axes, single = _extrema(grad, result, a, axis, keepdims)
        if single:
            out = np.zeros(a.shape, np.result_type(a, grad))
            np.copyto(out, grad, where=at)
            return out
        count = np.maximum(np.add.reduce(at, axis=axes, keepdims=True), 1)  # 0 where an `initial` value won
        return at * (grad / count)
    at = unreduce(result, a, axis, keepdims) == a
    count = np.maximum(np.sum(at, axis=axis, keepdims=True), 1)
    return unreduce(grad, a, axis, keepdims) * at / np.broadcast_to(count, np.shape(a))


def extremum_added(total, grad, result, a, axis=None, keepdims=False):
    """``total + extremum_adjoint(grad, result, a, axis, keepdims)``, added into ``total`` in place
    where it is a numpy array (generated code passes only an adjoint it owns and reads no more,
    :mod:`s2s.optimize.inplace`): with one extremum in each reduced slice, ``grad`` is added
    where the extrema are and nothing else is written, where the dense adjoint would be made,
    filled and added.  Transformed again, a call reads as the sum it computes
    (:mod:`s2s.normalize.augmented`)."""
    if type(total) is not np.ndarray or not np.can_cast(np.result_type(total, grad, a), total.dtype, "same_kind"):
        return total + extremum_adjoint(grad, result, a, axis, keepdims)
    if type(a) is np.ndarray and axis is not None and total.shape == a.shape:
        at, kept, _, single = _extrema(grad, result, a, axis, keepdims)
        if single:
            return np.add(total, kept, out=total, where=at)
    total += extremum_adjoint(grad, result, a, axis, keepdims)
    return total


def _extrema(grad, result, a, axis, keepdims):
    """``(at, grad, axes, single)`` for the extrema ``result`` of a numpy array ``a`` over ``axis``:
    where ``a`` equals them, ``grad`` with the reduced axes kept (as 1s), those axes, and whether
    each reduced slice holds exactly one (the usual case: no ties, no NaN, no ``initial`` that won)."""
    axes = _axes(axis, a.ndim)
    if not keepdims:
        kept = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
        result = result.reshape(kept) if type(result) is np.ndarray else result  # a numpy scalar broadcasts
        grad = grad.reshape(kept) if type(grad) is np.ndarray else grad
    at = a == result
    single = np.count_nonzero(at) == np.size(result) == np.count_nonzero(np.logical_or.reduce(at, axis=axes))
    return at, grad, axes, single


def prod_adjoint(grad, result, a, axis=None, keepdims=False):
    """The adjoint of ``np.prod``: the product of the other entries, exact with zeros."""
    is_zero = a == 0
    nonzero = np.where(is_zero, 1.0, a)
    product = np.prod(nonzero, axis=axis, keepdims=True)
    zeros = np.sum(is_zero, axis=axis, keepdims=True)
    others = np.where(zeros == 0, product / nonzero, np.where(is_zero & (zeros == 1), product, 0.0))
    return unreduce(grad, a, axis, keepdims) * others


def prod_others_tangent(a, da, axis=None):
    """The tangent along ``da`` of the products of the other entries that ``prod_adjoint``
    multiplies by: entry i gets the sum over j != i of ``da[j]`` times the product of the
    entries other than i and j, exact with zeros in ``a`` (no division by a zero).  The
    second derivatives are symmetric in (i, j), so this is also its own adjoint."""
    is_zero = a == 0
    nonzero = np.where(is_zero, 1.0, a)
    product = np.prod(nonzero, axis=axis, keepdims=True)
    zeros = np.sum(is_zero, axis=axis, keepdims=True)
    ratio = np.where(is_zero, 0.0, da / nonzero)
    ratios = np.sum(ratio, axis=axis, keepdims=True)
    at_zeros = np.sum(np.where(is_zero, da, 0.0), axis=axis, keepdims=True)
    none = product / nonzero * (ratios - ratio)  # no zero: (P / a_i) (sum_j da_j / a_j - da_i / a_i)
    one = np.where(is_zero, product * ratios, at_zeros * product / nonzero)
    two = np.where(is_zero, (at_zeros - da) * product, 0.0)  # the other zero's tangent
    return np.where(zeros == 0, none, np.where(zeros == 1, one, np.where(zeros == 2, two, 0.0)))


def var_adjoint(grad, a, axis=None, ddof=0, keepdims=False):
    """The adjoint of ``np.var``; of complex ``a``, the mean of ``|a - mean|**2``:
    ``2 conj(a - mean)`` times the real part of ``grad`` (see derivatives/numpy_complex.py)."""
    shape = np.shape(a)
    count = math.prod(shape[i] for i in _axes(axis, len(shape)))  # the entries in each mean
    centered = a - np.mean(a, axis=axis, keepdims=True)
    if np.iscomplexobj(centered):
        grad, centered = np.real(grad), np.conj(centered)
    return unreduce(grad, a, axis, keepdims) * 2.0 * centered / (count - ddof)


def uncumsum(grad, a, axis=None):
    """The adjoint of ``np.cumsum``: cumulative sums from the end."""
    if axis is None:
        flat = np.ravel(grad)
        return np.reshape(np.flip(np.cumsum(np.flip(flat))), np.shape(a))
    return np.flip(np.cumsum(np.flip(grad, axis), axis=axis), axis)


def clip_mask(a, a_min, a_max, min=None, max=None):
    """Where ``np.clip`` passes ``a`` through (True) or clips it (False)."""
    a_min = a_min if min is None else min
    a_max = a_max if max is None else max
    inside = np.ones_like(a, dtype=bool)
    if a_min is not None:
        inside = inside & (a >= a_min)
    if a_max is not None:
        inside = inside & (a <= a_max)
    return inside


def weights_shape(weights, a, axis):
    """The shape ``np.average`` gives ``weights`` against ``a``: ``a``'s own, or for 1-D
    weights along ``axis``, that axis (ones elsewhere)."""
    if np.ndim(weights) == np.ndim(a):
        return np.shape(a)
    shape = [1] * np.ndim(a)
    shape[axis] = -1
    return tuple(shape)


def quantile_weights(a, q, axis=None):
    """The weights of ``a``'s entries in ``np.quantile(a, q, axis)`` (a scalar ``q``, the
    linear method): ``1 - t`` at the entry of rank ``floor(q (n - 1))`` along ``axis`` and
    ``t`` at the next, so the quantile is ``np.sum(a * weights, axis)``.  Ties are ranked
    in order (a stable sort)."""
    flat = np.reshape(a, (-1,)) if axis is None else a
    along = 0 if axis is None else axis
    n = np.shape(flat)[along]
    ranks = np.argsort(np.argsort(flat, axis=along, kind="stable"), axis=along, kind="stable")
    position = q * (n - 1)
    low = math.floor(position)
    t = position - low
    weights = (1.0 - t) * (ranks == low) + t * (ranks == min(low + 1, n - 1))
    return np.reshape(weights, np.shape(a))


def interp_weights(x, xp, slope=False):
    """The weights of ``fp``'s entries in ``np.interp(x, xp, fp)``, shaped ``x``'s shape
    plus ``(len(xp),)``: ``np.interp(x, xp, fp) == weights @ fp``.  With ``slope``, the
    weights of the derivative in ``x`` instead (zero outside ``xp``'s range)."""
    xp = np.asarray(xp, like=x) if isinstance(xp, (list, tuple)) else xp  # np.interp takes a list of points
    n = np.shape(xp)[0]
    i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    width = xp[i + 1] - xp[i]
    t = (x - xp[i]) / width
    low = np.expand_dims(i, -1) == np.arange(n)
    high = np.expand_dims(i + 1, -1) == np.arange(n)
    if slope:
        inside = np.expand_dims((t >= 0.0) & (t <= 1.0), -1)
        return inside * (high * 1.0 - low * 1.0) / np.expand_dims(width, -1)
    t = np.expand_dims(np.clip(t, 0.0, 1.0), -1)
    return (1.0 - t) * low + t * high
