"""First-order linear recurrences along one axis: the adjoints and tangents of a ufunc's
``reduce`` and ``accumulate`` (derivatives/numpy_ufuncs.py).

``linear_scan(b, f, axis)`` solves ``g[k] = b[k] + f[k] * g[k - 1]`` (``g[0] = b[0]``)
along ``axis``; with ``reverse``, ``g[k] = b[k] + f[k + 1] * g[k + 1]`` from the end.  The
two are each other's transposes for one ``f`` (``f[0]`` is never read), which is what the
adjoint of a fold ``y[k] = ufunc(y[k - 1], a[k])`` needs: its derivative in ``y[k - 1]``
is ``f[k]``.  ``shift_along`` moves an array one place along an axis (zero where it leaves);
``merged_axes`` lays out a reduction's axes as one last axis (a fold runs along it) and
``unmerged_axes`` puts them back.  ``reduceat_segments`` is the 0/1 matrix of the entries
each sum of ``np.add.reduceat`` takes.
Both are exact with zeros in ``f`` (no division) and take every array library's arrays
(``np.moveaxis``, ``np.stack``, ``np.pad`` dispatch).
"""

import numpy as np


def shift_along(x, axis, reverse=False):
    """``x`` one place later along ``axis`` (``out[k] = x[k - 1]``, zero at the start); with
    ``reverse`` one place earlier (``out[k] = x[k + 1]``, zero at the end)."""
    n = np.shape(x)[axis]
    index = [slice(None)] * np.ndim(x)
    index[axis] = slice(1, n) if reverse else slice(0, n - 1)
    pad = [(0, 0)] * np.ndim(x)
    pad[axis] = (0, 1) if reverse else (1, 0)
    return np.pad(x[tuple(index)], pad)


def linear_scan(b, f, axis, reverse=False):
    """``g`` with ``g[k] = b[k] + f[k] * g[k - 1]`` along ``axis`` (with ``reverse``,
    ``g[k] = b[k] + f[k + 1] * g[k + 1]``); ``b`` and ``f`` broadcast against each other."""
    shape = np.broadcast_shapes(np.shape(b), np.shape(f))
    bs = np.moveaxis(np.broadcast_to(b, shape), axis, 0)
    fs = np.moveaxis(np.broadcast_to(f, shape), axis, 0)
    n = np.shape(bs)[0]
    if n == 0:
        return np.moveaxis(bs, 0, axis)
    order = range(n - 1, -1, -1) if reverse else range(n)
    out = [None] * n
    previous = None
    for k in order:
        step = k + 1 if reverse else k
        out[k] = bs[k] if previous is None else bs[k] + fs[step] * previous
        previous = out[k]
    return np.moveaxis(np.stack(out), 0, axis)


def _axes(a, axis):
    if axis is None:
        return tuple(range(np.ndim(a)))
    return tuple(ax % np.ndim(a) for ax in (axis if isinstance(axis, tuple) else (axis,)))


def merged_axes(a, axis):
    """``a`` with its axes ``axis`` (an int, a tuple, or None for all) moved to the end in
    order and merged into one: the entries a reduction over ``axis`` folds, in its order."""
    axes = _axes(a, axis)
    moved = np.moveaxis(a, axes, tuple(range(-len(axes), 0)))
    return np.reshape(moved, np.shape(moved)[:np.ndim(a) - len(axes)] + (-1,))


def unmerged_axes(grad, a, axis):
    """``grad``, laid out as :func:`merged_axes` lays out ``a``, in ``a``'s layout."""
    axes = _axes(a, axis)
    kept = [n for i, n in enumerate(np.shape(a)) if i not in axes]
    moved = np.reshape(grad, tuple(kept) + tuple(np.shape(a)[i] for i in axes))
    return np.moveaxis(moved, tuple(range(-len(axes), 0)), axes)


def reduceat_segments(indices, n, like=None):
    """``m`` with ``np.add.reduceat(a, indices) == m @ a`` for ``a`` of length ``n``: row i
    holds ones from ``indices[i]`` to the next index (to the end for the last), or at
    ``indices[i]`` alone where the next index is not larger."""
    indices = [int(i) for i in np.ravel(np.asarray(indices))]
    ends = indices[1:] + [n]
    column = np.arange(n)
    rows = [(column >= start) & (column < max(end, start + 1)) for start, end in zip(indices, ends)]
    segments = np.stack(rows) * 1.0
    return segments if like is None or isinstance(like, np.ndarray) else np.asarray(segments, like=like)
