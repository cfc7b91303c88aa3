"""Linear and bilinear numpy functions: the transpose (the adjoint) and the function itself.

Each definition's body is the transpose of the function in each argument it is linear
in (``da = ...``, reading the incoming adjoint ``dy``); it returns the function as the
tangent applies it, to the tangent of each of those arguments in turn (see
:func:`s2s.families.linear`).  ``broadcast=True`` rules have every contribution
reduced to its argument's shape by the transformer (``unbroadcast``).  Parameter names
and defaults are numpy's, so keyword calls bind.
"""

import numpy as np

from s2s.families import linear
from s2s.rules import limits

# -- products ---------------------------------------------------------------------------


@linear(np.multiply, broadcast=True)
def multiply(z, x1, x2):
    dx1 = dz * x2
    dx2 = dz * x1
    return x1 * x2


@linear(np.matmul)
def matmul(z, x1, x2):
    dx1 = matmul_dx(dz, x1, x2)
    dx2 = matmul_dy(dz, x1, x2)
    return x1 @ x2


@linear(np.dot)
def dot(z, a, b, out=None):
    adjoints = dot_adjoint(dz, a, b)
    da = adjoints[0]
    db = adjoints[1]
    return np.dot(a, b)


@linear(np.outer)
def outer(z, a, b, out=None):
    adjoints = outer_adjoint(dz, a, b)
    da = adjoints[0]
    db = adjoints[1]
    return np.outer(a, b)


@linear(np.inner)
def inner(z, a, b):
    adjoints = inner_adjoint(dz, a, b)
    da = adjoints[0]
    db = adjoints[1]
    return np.inner(a, b)


@linear(np.tensordot)
def tensordot(z, a, b, axes=2):
    adjoints = tensordot_adjoint(dz, a, b, axes)
    da = adjoints[0]
    db = adjoints[1]
    return np.tensordot(a, b, axes=axes)


@linear(np.conjugate)
def conjugate(y, x):
    dx = np.conjugate(dy)
    return np.conjugate(x)


# -- reductions ----------------------------------------------------------------------


@linear(np.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    da = unreduce(dy, a, axis, keepdims)
    return np.sum(a, axis=axis, keepdims=keepdims)


@linear(np.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """With ``where``, the mean of the entries it selects (each slice by its own count)."""
    da = unreduce(dy, a, axis, keepdims) * (np.size(y) / np.size(a)) if where is True else np.where(where, unreduce(dy, a, axis, keepdims) / np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=True), 0.0)
    return np.mean(a, axis=axis, keepdims=keepdims) if where is True else np.mean(a, axis=axis, keepdims=keepdims, where=where)


@linear(np.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    da = uncumsum(dy, a, axis)
    return np.cumsum(a, axis=axis)


@linear(np.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    da = untrace(dy, a, offset, axis1, axis2)
    return np.trace(a, offset=offset, axis1=axis1, axis2=axis2)


# -- shapes: the inverse rearrangement of the adjoint ------------------------------------


@linear(np.transpose)
def transpose(y, a, axes=None):
    da = np.transpose(dy, untranspose_axes(axes, dy))
    return np.transpose(a, axes)


@linear(np.swapaxes)
def swapaxes(y, a, axis1, axis2):
    da = np.swapaxes(dy, axis1, axis2)
    return np.swapaxes(a, axis1, axis2)


@linear(np.moveaxis)
def moveaxis(y, a, source, destination):
    da = np.moveaxis(dy, destination, source)
    return np.moveaxis(a, source, destination)


@linear(np.reshape)
def reshape(y, a, shape=None, order="C", newshape=None, copy=None):
    da = np.reshape(dy, np.shape(a), order=order)
    return np.reshape(a, np.shape(y), order=order)


@linear(np.ravel)
def ravel(y, a, order="C"):
    da = np.reshape(dy, np.shape(a), order=order)
    return np.ravel(a, order=order)


@linear(np.squeeze)
def squeeze(y, a, axis=None):
    da = np.reshape(dy, np.shape(a))
    return np.reshape(a, np.shape(y))


@linear(np.expand_dims)
def expand_dims(y, a, axis):
    da = np.reshape(dy, np.shape(a))
    return np.expand_dims(a, axis)


@linear(np.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    darray = unbroadcast(dy, array)
    return np.broadcast_to(array, shape)


@linear(np.concatenate)
def concatenate(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """``dtype`` is passed on only when given (not every array library takes it)."""
    darrays = unconcatenate(dy, arrays, axis)
    return np.concatenate(arrays, axis=axis) if dtype is None else np.concatenate(arrays, axis=axis, dtype=dtype)


@linear(np.stack)
def stack(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    darrays = unstack_axis(dy, arrays, axis)
    return np.stack(arrays, axis=axis) if dtype is None else np.stack(arrays, axis=axis, dtype=dtype)


@linear(np.hstack)
def hstack(y, tup, dtype=None, casting="same_kind"):
    dtup = unhstack(dy, tup)
    return np.hstack(tup) if dtype is None else np.hstack(tup, dtype=dtype)


@linear(np.vstack)
def vstack(y, tup, dtype=None, casting="same_kind"):
    dtup = unvstack(dy, tup)
    return np.vstack(tup) if dtype is None else np.vstack(tup, dtype=dtype)


@linear(np.flip)
def flip(y, m, axis=None):
    dm = np.flip(dy, axis)
    return np.flip(m, axis)


@linear(np.roll)
def roll(y, a, shift, axis=None):
    da = np.roll(dy, np.negative(shift), axis)
    return np.roll(a, shift, axis)


@linear(np.tile)
def tile(y, A, reps):
    dA = untile(dy, A, reps)
    return np.tile(A, reps)


@linear(np.repeat)
def repeat(y, a, repeats, axis=None):
    da = unrepeat(dy, a, repeats, axis)
    return np.repeat(a, repeats, axis)


@linear(np.diff)
def diff(y, a, n=1, axis=-1):
    """Not with ``prepend``/``append``."""
    da = undiff(dy, n, axis)
    return np.diff(a, n, axis)


@linear(np.triu)
def triu(y, m, k=0):
    """A 1-D ``m`` is a row repeated (``np.triu`` makes it a square): its adjoint sums the rows."""
    dm = unbroadcast(np.triu(dy, k), m)
    return np.triu(m, k)


@linear(np.tril)
def tril(y, m, k=0):
    dm = unbroadcast(np.tril(dy, k), m)
    return np.tril(m, k)


@linear(np.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    da = untake(dy, a, indices, axis)
    return np.take(a, indices, axis=axis, mode=mode)


@linear(np.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    darr = untake_along_axis(dy, arr, indices, axis)
    return np.take_along_axis(arr, indices, axis=axis)


@linear(np.diag)
def diag(y, v, k=0):
    dv = undiag(dy, v, k)
    return np.diag(v, k=k)


@linear(np.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    da = undiagonal(dy, a, offset, axis1, axis2)
    return np.diagonal(a, offset=offset, axis1=axis1, axis2=axis2)


@linear(np.copy)
def copy(y, a, order="K", subok=False):
    da = dy
    return np.copy(a, order=order)


@linear(np.astype)
def astype(y, x, dtype, copy=True):
    """A cast to an integer or boolean type has no derivative."""
    dx = np.astype(dy, x.dtype) if np.issubdtype(dtype, np.inexact) else np.zeros_like(x)
    return np.astype(x, dtype) if np.issubdtype(dtype, np.inexact) else np.zeros_like(x)


# -- constructors: the adjoint flows back to the values filled in ------------------------


@linear(np.full)
def full(y, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    dfill_value = unbroadcast(dy, fill_value)
    return np.full_like(y, fill_value)


@linear(np.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    dfill_value = unbroadcast(dy, fill_value)
    return np.full_like(y, fill_value)


limits(np.full_like, constant_in=("a",))  # only its shape and dtype count


@linear(np.array)
def array(y, object, dtype=None, copy=True, order="K", subok=False, ndmin=0, like=None):
    """``ndmin`` puts leading axes of length 1 on: the adjoint takes them off again."""
    dobject = unstack(dy if ndmin == 0 else np.reshape(dy, np.shape(object)), object)
    return np.array(object, dtype=dtype, ndmin=ndmin)


@linear(np.asarray, np.asanyarray)
def asarray(y, a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """An array of ``a`` (an array, a list of values): the adjoint takes a list apart again."""
    da = unstack(dy, a)


@linear(np.ascontiguousarray, np.asfortranarray)
def ascontiguousarray(y, a, dtype=None, *, like=None):
    da = unstack(np.reshape(dy, np.shape(a)), a)


# -- the long tail: views and joins, products, convolutions -----------------------------


@linear(np.atleast_1d, np.atleast_2d, np.atleast_3d)
def atleast_nd(y, arys):
    """One array (several give a tuple, which has no rule)."""
    darys = np.reshape(dy, np.shape(arys))


@linear(np.matrix_transpose)
def matrix_transpose(y, x):
    """``x.mT`` and ``np.matrix_transpose(x)``, spelled ``np.swapaxes`` (dask, cupy)."""
    dx = np.swapaxes(dy, -1, -2)
    return np.swapaxes(x, -1, -2)


@linear(np.column_stack)
def column_stack(y, tup):
    dtup = uncolumn_stack(dy, tup)
    return np.column_stack(tup)


@linear(np.dstack)
def dstack(y, tup):
    dtup = undstack(dy, tup)
    return np.dstack(tup)


@linear(np.vdot)
def vdot(z, a, b):
    """``sum(conj(a) * b)``: ``a``'s adjoint is conjugated (the adjoint of ``np.conj``)."""
    da = np.conj(dz * np.reshape(b, np.shape(a)))
    db = dz * np.reshape(np.conj(a), np.shape(b))
    return np.vdot(a, b)


@linear(np.kron)
def kron(z, a, b):
    layout = kron_layout(a, b)
    split = np.reshape(dz, layout[0])
    da = np.reshape(np.sum(split * np.reshape(b, layout[2]), axis=layout[3]), np.shape(a))
    db = np.reshape(np.sum(split * np.reshape(a, layout[1]), axis=layout[4]), np.shape(b))
    return np.kron(a, b)


@linear(np.cross, broadcast=True)
def cross(z, a, b):
    """Vectors along the last axis (the default axes)."""
    da = np.cross(b, dz)
    db = np.cross(dz, a)
    return np.cross(a, b)


@linear(np.convolve)
def convolve(z, a, v, mode="full"):
    full = np.pad(dz, convolve_padding(a, v, mode))
    da = np.correlate(full, v, "valid")
    dv = np.correlate(full, a, "valid")
    return np.convolve(a, v, mode)


@linear(np.correlate)
def correlate(z, a, v, mode="valid"):
    """Real arrays: ``np.correlate(a, v)`` is ``np.convolve(a, np.flip(v))``."""
    full = np.pad(dz, convolve_padding(a, v, mode))
    da = np.convolve(full, v, "valid")
    dv = np.flip(np.correlate(full, a, "valid"))
    return np.correlate(a, v, mode)
