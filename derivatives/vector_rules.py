"""Vector tangents: the few rules whose tangent does not broadcast over a leading axis.

In vector mode (:mod:`s2s.vector`) every tangent carries its directions on axis 0.
Elementwise rules need nothing (``dy = dx * np.cos(x)`` broadcasts as it is) and
structural ones on containers neither; the transformer lines their tangents up
with ``lift_to`` once for all of them.  A rule that names axes, contracts or
reshapes is written here once more with the directions in mind: its axes
shifted past the directions (``tangent_axis``), products that keep the
directions apart (``matmul_left``), shapes with the directions in front.  A
rule with no entry here and no elementwise form runs once per direction
(:mod:`s2s.vector`), which is exact but a loop.

Each template has the parameters of the rule it stands for (``derivatives/numpy_linear.py``).
"""

import operator

import numpy as np

from s2s import runtime
from s2s.vector import vector_tangent


@vector_tangent(np.matmul)
def matmul(z, x1, x2):
    dz = matmul_left(dx1, x2)
    dz = matmul_right(x1, dx2)


@vector_tangent(np.dot)
def dot(z, a, b, out=None):
    dz = dot_left(da, b)
    dz = dot_right(a, db)


@vector_tangent(np.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    dy = np.sum(da, axis=tangent_axis(axis, a), keepdims=keepdims)


@vector_tangent(np.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    dy = np.mean(da, axis=tangent_axis(axis, a), keepdims=keepdims, where=where)


@vector_tangent(np.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    dy = np.cumsum(da, axis=tangent_axis(axis, a)) if axis is not None else np.cumsum(np.reshape(da, (np.shape(da)[0], -1)), axis=1)


@vector_tangent(np.max, np.amax, np.min, np.amin)
def extremum(y, a, axis=None, out=None, keepdims=False, initial=None):
    at_extremum = a == unreduce(y, a, axis, keepdims)
    dy = np.sum(da * at_extremum, axis=tangent_axis(axis, a), keepdims=keepdims) / np.maximum(np.sum(at_extremum, axis=axis, keepdims=keepdims), 1)


@vector_tangent(np.transpose)
def transpose(y, a, axes=None):
    dy = np.transpose(da, tangent_axes(axes, a))


@vector_tangent(np.swapaxes)
def swapaxes(y, a, axis1, axis2):
    dy = np.swapaxes(da, tangent_axis(axis1, a), tangent_axis(axis2, a))


@vector_tangent(np.moveaxis)
def moveaxis(y, a, source, destination):
    dy = np.moveaxis(da, tangent_axis(source, a), tangent_axis(destination, y))


@vector_tangent(np.reshape)
def reshape(y, a, shape=None, order="C", newshape=None, copy=None):
    dy = np.reshape(da, np.shape(da)[:1] + np.shape(y), order=order)


@vector_tangent(np.ravel)
def ravel(y, a, order="C"):
    dy = np.reshape(da, np.shape(da)[:1] + np.shape(y), order=order)


@vector_tangent(np.squeeze)
def squeeze(y, a, axis=None):
    dy = np.reshape(da, np.shape(da)[:1] + np.shape(y))


@vector_tangent(np.expand_dims)
def expand_dims(y, a, axis):
    dy = np.reshape(da, np.shape(da)[:1] + np.shape(y))


@vector_tangent(np.atleast_1d, np.atleast_2d, np.atleast_3d)
def atleast_nd(y, arys):
    dy = np.reshape(darys, np.shape(darys)[:1] + np.shape(y))


@vector_tangent(np.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    dy = lift_to(darray, y)


@vector_tangent(np.concatenate)
def concatenate(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    dy = np.concatenate(darrays, axis=tangent_axis(axis, y)) if axis is not None else np.concatenate([np.reshape(t, (np.shape(t)[0], -1)) for t in darrays], axis=1)


@vector_tangent(np.stack)
def stack(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    dy = np.stack(darrays, axis=tangent_axis(axis, y))


@vector_tangent(np.flip)
def flip(y, m, axis=None):
    dy = np.flip(dm, axis=tangent_axis(axis, m))


@vector_tangent(np.diff)
def diff(y, a, n=1, axis=-1):
    dy = np.diff(da, n, axis=tangent_axis(axis, a))


@vector_tangent(np.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    dy = np.take(da, indices, axis=tangent_axis(axis, a), mode=mode) if axis is not None else np.take(np.reshape(da, (np.shape(da)[0], -1)), indices, axis=1, mode=mode)


@vector_tangent(np.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    dy = np.trace(da, offset=offset, axis1=tangent_axis(axis1, a), axis2=tangent_axis(axis2, a))


@vector_tangent(np.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    dy = np.diagonal(da, offset=offset, axis1=tangent_axis(axis1, a), axis2=tangent_axis(axis2, a))


@vector_tangent(np.array)
def array(y, object, dtype=None, copy=True, order="K", subok=False, ndmin=0, like=None):
    dy = array_of_tangents(dobject)


@vector_tangent(np.asarray, np.asanyarray)
def asarray(y, a, dtype=None, order=None, *, device=None, copy=None, like=None):
    dy = array_of_tangents(da)


@vector_tangent(operator.getitem)
def getitem(y, x, index):
    dy = tangent_item(dx, index)


@vector_tangent(runtime.updated)
def updated(z, array, index, value):
    dz = updated_tangent(darray, index, tangent_zeros(count_directions(darray), value))
    dz = updated_tangent(tangent_zeros(count_directions(dvalue), array), index, dvalue)


@vector_tangent(runtime.unindex)
def unindex(y, grad, like, index):
    dy = unindex_tangent(dgrad, like, index)


@vector_tangent(runtime.unbroadcast)
def unbroadcast(y, grad, like):
    dy = unbroadcast_tangent(dgrad, like)


@vector_tangent(runtime.rebroadcast)
def rebroadcast(y, tangent, like):
    dy = lift_to(dtangent, like)


@vector_tangent(runtime.unreduce)
def unreduce(y, grad, like, axis=None, keepdims=False):
    dy = unreduce_tangent(dgrad, like, axis, keepdims)


@vector_tangent(runtime.matmul_dx)
def matmul_dx(y, grad, x, w):
    dy = matmul_dx_tangent(grad, x, w, dgrad=dgrad)
    dy = matmul_dx_tangent(grad, x, w, dy=dw)


@vector_tangent(runtime.matmul_dy)
def matmul_dy(y, grad, x, w):
    dy = matmul_dy_tangent(grad, x, w, dgrad=dgrad)
    dy = matmul_dy_tangent(grad, x, w, dx=dx)


@vector_tangent(np.roll)
def roll(y, a, shift, axis=None):
    dy = np.roll(da, shift, axis=tangent_axis(axis, a)) if axis is not None else np.reshape(np.roll(np.reshape(da, (np.shape(da)[0], -1)), shift, axis=1), np.shape(da))


@vector_tangent(np.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False):
    is_zero = a == 0
    nonzero = np.where(is_zero, 1.0, a)
    nonzero_product = np.prod(nonzero, axis=axis, keepdims=True)
    zero_count = np.sum(is_zero, axis=axis, keepdims=True)
    others = np.where(zero_count == 0, nonzero_product / nonzero, np.where(is_zero & (zero_count == 1), nonzero_product, 0.0))
    dy = np.sum(da * others, axis=tangent_axis(axis, a), keepdims=keepdims)


@vector_tangent(np.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    centered = a - np.mean(a, axis=axis, keepdims=True)
    dy = 2.0 * np.sum(centered * da if not np.iscomplexobj(centered) else np.real(np.conj(centered) * da), axis=tangent_axis(axis, a), keepdims=keepdims) / (size_of(a) / size_of(y) - ddof - correction)


@vector_tangent(np.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    centered = a - np.mean(a, axis=axis, keepdims=True)
    dy = np.sum(centered * da if not np.iscomplexobj(centered) else np.real(np.conj(centered) * da), axis=tangent_axis(axis, a), keepdims=keepdims) / ((size_of(a) / size_of(y) - ddof - correction) * y)


@vector_tangent(np.cumprod)
def cumprod(y, a, axis=None, dtype=None, out=None):
    dy = y * np.cumsum(da / a, axis=tangent_axis(axis, a)) if axis is not None else y * np.cumsum(np.reshape(da / a, (np.shape(da)[0], -1)), axis=1)


@vector_tangent(np.nansum)
def nansum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    dy = np.sum(np.where(np.isnan(a), 0.0, da), axis=tangent_axis(axis, a), keepdims=keepdims)


@vector_tangent(np.nanmean)
def nanmean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    dy = np.nanmean(np.where(np.isnan(a), np.nan, da), axis=tangent_axis(axis, a), keepdims=keepdims)


@vector_tangent(np.sort)
def sort(y, a, axis=-1, kind=None, order=None, *, stable=None):
    dy = np.take_along_axis(da, np.expand_dims(np.argsort(a, axis=axis, kind="stable"), 0), axis=tangent_axis(axis, a)) if axis is not None else np.take_along_axis(np.reshape(da, (np.shape(da)[0], -1)), np.expand_dims(np.argsort(a, axis=None, kind="stable"), 0), axis=1)


@vector_tangent(np.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    dy = np.take_along_axis(darr, np.expand_dims(indices, 0), axis=tangent_axis(axis, arr)) if axis is not None else np.take_along_axis(np.reshape(darr, (np.shape(darr)[0], -1)), np.expand_dims(np.ravel(indices), 0), axis=1)


@vector_tangent(np.triu)
def triu(y, m, k=0):
    dy = np.triu(dm if np.ndim(m) >= 2 else np.broadcast_to(np.expand_dims(dm, 1), np.shape(dm)[:1] + np.shape(y)), k)


@vector_tangent(np.tril)
def tril(y, m, k=0):
    dy = np.tril(dm if np.ndim(m) >= 2 else np.broadcast_to(np.expand_dims(dm, 1), np.shape(dm)[:1] + np.shape(y)), k)


@vector_tangent(np.full)
def full(y, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    dy = lift_to(dfill_value, y)


@vector_tangent(np.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    dy = lift_to(dfill_value, y)


@vector_tangent(np.outer)
def outer(z, a, b, out=None):
    dz = np.expand_dims(np.reshape(da, (np.shape(da)[0], -1)), 2) * np.ravel(b)
    dz = np.expand_dims(np.ravel(a), 1) * np.expand_dims(np.reshape(db, (np.shape(db)[0], -1)), 1)


@vector_tangent(np.vdot)
def vdot(z, a, b):
    dz = np.sum(np.conj(np.reshape(da, (np.shape(da)[0], -1))) * np.ravel(b), axis=1)
    dz = np.sum(np.conj(np.ravel(a)) * np.reshape(db, (np.shape(db)[0], -1)), axis=1)


@vector_tangent(runtime.unstack)
def unstack(y, grad, like):
    dy = unstack_tangent(dgrad, like)


@vector_tangent(runtime.unpacked_adjoint)
def unpacked_adjoint(y, adjoints, like):
    dy = unpacked_adjoint_tangent(dadjoints, like)


@vector_tangent(runtime.unconcatenate)
def unconcatenate(y, grad, arrays, axis=0):
    dy = unconcatenate_tangent(dgrad, arrays, axis)


@vector_tangent(runtime.unstack_axis)
def unstack_axis(y, grad, arrays, axis=0):
    dy = unstack_axis_tangent(dgrad, arrays, axis)


@vector_tangent(runtime.extremum_adjoint)
def extremum_adjoint(y, grad, result, a, axis=None, keepdims=False):
    dy = extremum_adjoint_tangent(dgrad, result, a, axis, keepdims)
