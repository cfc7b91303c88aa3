"""Layouts and transposes of numpy's statistics: ``np.cov``/``np.corrcoef``'s variables,
weights and normalization, ``np.gradient`` and its transpose, ``np.ediff1d``'s span.

``cov_rows(m, rowvar)`` is the 2-D array of variables by rows that ``np.cov`` builds from
``m``, and ``uncov_rows`` puts an array of that layout back into ``m``'s (each is the
other's transpose).  ``cov_weights`` is the weight of each observation divided by
``np.cov``'s normalization (``fweights * aweights`` over ``N - ddof`` or numpy's weighted
form), so ``np.cov(m) == centered @ (centered * w).T``.  ``gradient_tuple`` is
``np.gradient`` with its result as one array or a :class:`GradTuple` (one per axis);
``ungradient`` is its transpose, built from the five diagonals of ``np.gradient``'s
(banded) matrix along each axis, which ``np.gradient`` itself gives applied to five
comb patterns: exact for every spacing and ``edge_order``.
"""

import numpy as np

from .dispatch import library_array
from .scans import shift_along
from .values import GradTuple


def cov_rows(m, rowvar=True):
    """``np.cov``'s layout of ``m``: 2-D, one variable per row."""
    x = np.atleast_2d(m)
    return x if rowvar or np.ndim(m) == 1 else np.transpose(x)


def uncov_rows(grad, m, rowvar=True):
    """``grad``, laid out as :func:`cov_rows` lays out ``m``, in ``m``'s layout."""
    grad = grad if rowvar or np.ndim(m) == 1 else np.transpose(grad)
    return np.reshape(grad, np.shape(m))


def cov_weights(x, fweights=None, aweights=None, ddof=None, bias=False):
    """Each observation's (column of ``x``'s) weight over ``np.cov``'s normalization."""
    w = np.ones_like(x[0])
    if fweights is not None:
        w = w * np.asarray(fweights, dtype=float)
    if aweights is not None:
        w = w * np.asarray(aweights, dtype=float)
    ddof = (0 if bias else 1) if ddof is None else ddof
    total = np.sum(w)
    if ddof == 0:
        fact = total
    elif aweights is None:
        fact = total - ddof
    else:
        fact = total - ddof * np.sum(w * np.asarray(aweights, dtype=float)) / total
    return w / fact


def _axes(f, axis):
    if axis is None:
        return tuple(range(np.ndim(f)))
    return tuple(a % np.ndim(f) for a in (axis if isinstance(axis, tuple) else (axis,)))


def _spacings(spacing, count):
    """``np.gradient``'s ``*varargs`` as one spacing (a number or coordinates) per axis."""
    if len(spacing) == 0:
        return [1.0] * count
    if len(spacing) == 1 and np.ndim(spacing[0]) == 0:
        return list(spacing) * count
    return list(spacing)


def gradient_tuple(f, spacing=(), axis=None, edge_order=1):
    """``np.gradient(f, *spacing, axis=axis, edge_order=edge_order)``; a :class:`GradTuple`
    where it gives one array per axis."""
    out = np.gradient(f, *spacing, axis=axis, edge_order=edge_order)
    return GradTuple(out) if isinstance(out, (tuple, list)) else out


def ungradient(grad, f, spacing=(), axis=None, edge_order=1):
    """The transpose of :func:`gradient_tuple`: ``grad`` one array, or one per axis (None for
    an axis whose result was not used), back to ``f``'s shape."""
    axes = _axes(f, axis)
    grads = [grad] if len(axes) == 1 else list(grad)
    total = None
    for g, ax, h in zip(grads, axes, _spacings(spacing, len(axes))):
        if g is None:
            continue
        term = _transposed_difference(g, ax, h, edge_order)
        total = term if total is None else total + term
    return np.zeros_like(f) if total is None else total


def _transposed_difference(g, axis, h, edge_order):
    """``D.T`` applied to ``g`` along ``axis``, ``D`` ``np.gradient``'s matrix along it."""
    n = np.shape(g)[axis]
    position = np.arange(n)
    combs = np.stack([np.gradient((position % 5 == r) * 1.0, h, edge_order=edge_order) for r in range(5)])
    shape = [1] * np.ndim(g)
    shape[axis] = n
    total = None
    for offset in (-2, -1, 0, 1, 2):
        band = combs[(position + offset) % 5, position]  # D[i, i + offset]: zero off the matrix
        band = np.reshape(np.asarray(band, like=g), shape)  # in g's library (cupy, dask)
        term = g * band
        for _ in range(abs(offset)):
            term = shift_along(term, axis, offset < 0)
        total = term if total is None else total + term
    return total


def ediff1d_span(y, to_end=None, to_begin=None):
    """The slice of ``np.ediff1d``'s result ``y`` that holds the differences."""
    return slice(0 if to_begin is None else np.size(to_begin), np.shape(y)[0] - (0 if to_end is None else np.size(to_end)))
