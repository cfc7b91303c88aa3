"""Adjoints of the functions that build one array from pieces or copies.

``np.array`` of a nested list (``unstack``, and ``restack`` its adjoint),
``np.concatenate``, ``np.stack``, ``np.hstack``, ``np.vstack``, ``np.column_stack``,
``np.dstack``, ``np.tile``, ``np.repeat``, ``np.diff`` and ``np.linspace``: each piece
or copy gets its slice of the adjoint, copies summed.
"""

import numpy as np

from .broadcasting import unbroadcast
from .seeds import zeros_like
from .values import GradTuple, size_of


def unstack(grad, like):
    """The adjoint of ``np.array(like)`` for a (nested) list or tuple ``like``."""
    if isinstance(like, (tuple, list)):
        if type(grad) is np.ndarray and grad.ndim == 1 and grad.dtype == np.float64:
            for v in like:  # (a loop, not all() of a generator: this runs once per step of an ODE)
                kind = type(v)
                if kind is not float and kind is not np.float64:
                    break
            else:  # a vector of numbers: its entries at once
                return GradTuple(grad.tolist())
        return GradTuple(unstack(grad[i], v) for i, v in enumerate(like))
    return grad


def stacked(parts):
    """``np.stack(parts)``: ``np.array(parts)`` where every part is a float64 number (a Python
    float or a numpy float64: the adjoints of a vector's entries unpacked into names), at a
    tenth of ``np.stack``'s cost; ``np.stack`` for anything else (rows, other dtypes, arrays
    of other libraries)."""
    for part in parts:
        kind = type(part)
        if kind is not float and kind is not np.float64:
            return np.stack(parts)
    return np.array(parts)


def split_parts(ary, sections, axis=0):
    """``np.split(ary, sections, axis)``: for a numpy array split into ``sections`` equal parts,
    the same views by slicing, at a tenth of ``np.split``'s cost (it swaps axes twice per
    part); ``np.split`` itself for anything else (another library's array, unequal parts,
    split points), which raises what it raises."""
    if type(ary) is np.ndarray and type(sections) is int and type(axis) is int and sections > 0 and -ary.ndim <= axis < ary.ndim:
        n = ary.shape[axis]
        if n % sections == 0:
            step = n // sections
            before = (slice(None),) * (axis % ary.ndim)
            return [ary[before + (slice(i * step, (i + 1) * step),)] for i in range(sections)]
    return np.split(ary, sections, axis)


def unpacked_adjoint(adjoints, like):
    """The adjoint of ``a, b, c = like`` from the adjoints of ``a``, ``b`` and ``c``: an array
    shaped like ``like`` where ``like`` is an array (``alpha, beta = theta``), one adjoint
    per element where it is a tuple or a list.  ``like`` may be its :class:`ShapeOf`."""
    if isinstance(like, (tuple, list)):
        return GradTuple(adjoints)
    return stacked(adjoints)  # numbers (an array's entries unpacked into names) at once


def restack(cot, like):
    """The adjoint of ``unstack(grad, like)``: the (nested) cotangents stacked into one array."""
    if isinstance(like, (tuple, list)):
        return np.stack([restack(c, x) for c, x in zip(cot, like)])
    return zeros_like(like) if cot is None else cot


def unconcatenate(grad, arrays, axis=0):
    """The adjoint of ``np.concatenate(arrays, axis)``: one slice per array."""
    if axis is None:
        pieces = _split(np.ravel(grad), [size_of(x) for x in arrays], 0)
        return GradTuple(np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays))
    pieces = _split(grad, [_length(x, axis) for x in arrays], axis)
    return GradTuple([p if type(x) is list or type(x) is np.ndarray and p.shape == x.shape else unbroadcast(p, x)
                      for p, x in zip(pieces, arrays)])  # a list's piece, or an array's of its shape: as cut


def _length(x, axis):
    """``np.shape(x)[axis]``; a numpy array's or a flat list's of numbers (``[0.0]``) without
    converting it."""
    if type(x) is np.ndarray:
        return x.shape[axis]
    if type(x) is list and (axis == 0 or axis == -1) and all(type(v) is float or type(v) is int for v in x):
        return len(x)
    return np.shape(x)[axis]


def _split(array, sizes, axis):
    """``array`` cut along ``axis`` into pieces of ``sizes``, by slicing (dask has no ``np.split``)."""
    axis = axis % (array.ndim if type(array) is np.ndarray else np.ndim(array))
    pieces = []
    start = 0
    for n in sizes:
        pieces.append(array[(slice(None),) * axis + (slice(start, start + n),)])
        start += n
    return pieces


def unstack_axis(grad, arrays, axis=0):
    """The adjoint of ``np.stack(arrays, axis)``."""
    return GradTuple(unbroadcast(np.take(grad, i, axis=axis), x) for i, x in enumerate(arrays))


def unhstack(grad, arrays):
    """The adjoint of ``np.hstack``."""
    axis = 0 if all(np.ndim(x) <= 1 for x in arrays) else 1
    pieces = unconcatenate(grad, [np.atleast_1d(x) for x in arrays], axis)
    return GradTuple(np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays))


def unvstack(grad, arrays):
    """The adjoint of ``np.vstack``."""
    pieces = unconcatenate(grad, [np.atleast_2d(x) for x in arrays], 0)
    return GradTuple(np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays))


def untile(grad, A, reps):
    """The adjoint of ``np.tile(A, reps)``: the sum over the copies."""
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    shape = np.shape(A)
    n = max(len(shape), len(reps))
    shape_n = (1,) * (n - len(shape)) + tuple(shape)
    reps_n = (1,) * (n - len(reps)) + reps
    copies = np.reshape(grad, tuple(d for pair in zip(reps_n, shape_n) for d in pair))
    return np.reshape(np.sum(copies, axis=tuple(range(0, 2 * n, 2))), shape)


def unrepeat(grad, a, repeats, axis=None):
    """The adjoint of ``np.repeat(a, repeats, axis)``: the sum over each entry's repeats."""
    g = grad if axis is None else np.moveaxis(grad, axis, 0)
    n = size_of(a) if axis is None else np.shape(a)[axis]
    if np.ndim(repeats) == 0:
        out = np.sum(np.reshape(g, (n, repeats) + np.shape(g)[1:]), axis=1)
    else:  # differences of running sums at the ends of the runs
        counts = np.broadcast_to(repeats, (n,))
        ends = np.cumsum(counts)
        running = np.cumsum(g, axis=0)
        running = np.concatenate([np.zeros_like(running[:1]), running], axis=0)
        out = running[ends] - running[ends - counts]
    return np.reshape(out, np.shape(a)) if axis is None else np.moveaxis(out, 0, axis)


def undiff(grad, n=1, axis=-1):
    """The adjoint of ``np.diff(a, n, axis)``: each difference gives back to its two ends."""
    if type(grad) is np.ndarray and grad.ndim:  # numpy: one new array per order, written in place
        axis = axis % grad.ndim
        before = (slice(None),) * axis
        for _ in range(n):
            shape = list(grad.shape)
            shape[axis] += 1
            out = np.zeros(shape, grad.dtype)
            out[before + (slice(1, None),)] = grad
            out[before + (slice(None, -1),)] -= grad
            grad = out
        return grad
    for _ in range(n):
        edge = np.zeros_like(np.take(grad, [0], axis=axis))
        grad = np.concatenate([edge, grad], axis=axis) - np.concatenate([grad, edge], axis=axis)
    return grad


def linspace_adjoint(grad, start, stop, num=50, endpoint=True, axis=0):
    """The adjoints of ``np.linspace(start, stop, num, endpoint, axis=axis)``."""
    g = np.moveaxis(grad, axis, -1)
    fraction = np.arange(num, like=g) / (num - 1 if endpoint and num > 1 else num)  # sample i: start + fraction[i] * (stop - start)
    dstop = np.sum(g * fraction, axis=-1)
    return GradTuple((unbroadcast(np.sum(g, axis=-1) - dstop, start), unbroadcast(dstop, stop)))


def uncolumn_stack(grad, tup):
    """The adjoint of ``np.column_stack(tup)``: 1-D arrays were columns."""
    pieces = unconcatenate(grad, [np.reshape(x, (-1, 1)) if np.ndim(x) < 2 else x for x in tup], 1)
    return GradTuple(np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup))


def undstack(grad, tup):
    """The adjoint of ``np.dstack(tup)``: each array was made 3-D, then joined on axis 2."""
    pieces = unconcatenate(grad, [np.atleast_3d(x) for x in tup], 2)
    return GradTuple(np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup))
