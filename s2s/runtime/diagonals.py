"""Adjoints that put values on a diagonal: of ``np.diag``, ``np.diagonal`` and ``np.trace``.

Built with a mask of the diagonal (``on_diagonal``), not by writing through a
view, which lazy and device arrays do not have.
"""

import numpy as np

from .dispatch import broadcast_like, library_array


def undiag(grad, v, k=0):
    """The adjoint of ``np.diag(v, k)``."""
    if np.ndim(v) == 1:
        return np.diagonal(grad, offset=k)
    return undiagonal(grad, v, k)  # np.diag of a matrix is its diagonal


def on_diagonal(shape, axis1, axis2, offset, like):
    """The mask (rows, cols) of the ``offset`` diagonal of the ``axis1``/``axis2`` plane
    of an array of ``shape``, made in the library of ``like``."""
    rows, cols = shape[axis1], shape[axis2]
    r = np.arange(rows, like=like)
    c = np.arange(cols, like=like)
    return np.expand_dims(c, 0) - np.expand_dims(r, 1) == offset


def _from_planes(planes, ndim, axis1, axis2):
    """``planes`` (the two diagonal axes last) with those axes moved back to ``axis1``, ``axis2``."""
    return np.moveaxis(planes, (-2, -1), (axis1 % ndim, axis2 % ndim))


def undiagonal(grad, a, offset=0, axis1=0, axis2=1):
    """The adjoint of ``np.diagonal``: ``grad`` on the diagonal of zeros, built with a
    mask (lazy and device arrays have no views that write through)."""
    shape = np.shape(a)
    rows, cols = shape[axis1], shape[axis2]
    grad = broadcast_like(grad, np.shape(grad), a)
    length = np.shape(grad)[-1]
    # entry i of the diagonal sits at row i - min(offset, 0), column i + max(offset, 0):
    # index the padded adjoint by the row (offset >= 0) or by the column (offset < 0)
    n = rows if offset >= 0 else cols
    if n > length:
        grad = np.concatenate([grad, np.zeros_like(grad, shape=np.shape(grad)[:-1] + (n - length,))], axis=-1)
    spread = np.expand_dims(grad, -1) if offset >= 0 else np.expand_dims(grad, -2)
    mask = on_diagonal(shape, axis1 % len(shape), axis2 % len(shape), offset, library_array(grad, a))
    return _from_planes(np.where(mask, spread, 0), len(shape), axis1, axis2)


def untrace(grad, a, offset=0, axis1=0, axis2=1):
    """The adjoint of ``np.trace``: ``grad`` on the diagonal of zeros."""
    shape = np.shape(a)
    mask = on_diagonal(shape, axis1 % len(shape), axis2 % len(shape), offset, library_array(grad, a))
    grad = broadcast_like(grad, np.shape(grad), a)
    return _from_planes(np.where(mask, np.expand_dims(grad, (-2, -1)), 0), len(shape), axis1, axis2)
