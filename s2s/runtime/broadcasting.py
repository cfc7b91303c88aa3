"""Broadcasting and reductions: moving an adjoint or tangent between shapes.

``unbroadcast`` sums an adjoint back to the shape of an operand that numpy
broadcast; ``rebroadcast`` spreads a tangent to the shape of its result;
``unreduce`` spreads the adjoint of a reduction back over the reduced axes and
``reduce_like`` sums it again (its adjoint); ``untranspose_axes`` undoes a
transposition.  ``unbroadcast`` and ``unreduce`` read only the shape of
``like``: a saved ``ShapeOf`` does in place of the value.
"""

import numpy as np

from .dispatch import broadcast_like
from .values import ShapeOf


_PY_SCALARS = (float, int, bool)


def unbroadcast(grad, like):
    """Reduce ``grad`` to the shape of ``like``, undoing numpy broadcasting."""
    kind = type(like)
    if kind in _PY_SCALARS:  # the fast path of scalar code
        return grad if type(grad) in _PY_SCALARS or not np.ndim(grad) else np.sum(grad)
    if kind is np.ndarray or kind is ShapeOf:  # the common cases, without np.shape's dispatch
        shape = like.shape
    elif isinstance(like, (tuple, list)):
        return grad  # containers do not broadcast
    else:
        shape = np.shape(like)
    if type(grad) is np.ndarray:
        gshape = grad.shape
    elif isinstance(grad, (tuple, list)):
        return grad
    else:
        gshape = np.shape(grad)
    if gshape == shape:
        return grad
    if len(gshape) < len(shape) or any(
        g != s and s != 1 for g, s in zip(gshape[len(gshape) - len(shape):], shape)
    ):  # a new array, not a read-only view: generated code may add into it in place
        return broadcast_like(grad, shape, like).copy()
    lead = len(gshape) - len(shape)
    ones = tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if type(grad) is np.ndarray and shape:  # the method: np.sum's dispatch is most of the cost on small arrays
        if not ones:  # only leading axes: summed away
            return grad.sum(axis=tuple(range(lead)))
        out = grad.sum(axis=tuple(range(lead)) + ones, keepdims=True)
        return out.reshape(shape) if lead else out
    axes = tuple(range(lead)) + ones
    out = np.sum(grad, axis=axes, keepdims=True) if axes else grad
    if lead:
        out = np.reshape(out, shape)
    return out


def rebroadcast(tangent, like):
    """Broadcast a tangent to the shape of the result it belongs to."""
    if isinstance(like, (tuple, list)) or isinstance(tangent, (tuple, list)):
        return tangent  # containers do not broadcast
    shape = np.shape(like)
    if np.shape(tangent) == shape:
        return tangent
    return broadcast_like(tangent, shape, like)


def unreduce(grad, like, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction over ``axis`` back to ``like``'s shape."""
    kind = type(like)
    shape = like.shape if kind is np.ndarray or kind is ShapeOf else np.shape(like)
    if axis is not None and not keepdims:
        axes = axis if isinstance(axis, tuple) else (axis,)
        grad = np.expand_dims(grad, tuple(a % len(shape) for a in axes))
    if kind is np.ndarray or kind is ShapeOf:  # what broadcast_like does for these, without its tests
        return np.broadcast_to(grad, shape)
    return broadcast_like(grad, shape, like)


def reduce_like(grad, like, axis=None, keepdims=False):
    """The adjoint of ``unreduce``: sum ``grad`` back over the reduced axes."""
    out = np.sum(grad, axis=axis, keepdims=True) if axis is not None else np.sum(grad)
    if axis is not None and not keepdims:
        out = np.squeeze(out, axis=axis)
    return np.reshape(out, np.shape(like)) if np.shape(out) != np.shape(like) else out


def untranspose_axes(axes, like):
    """The axes that undo ``np.transpose(..., axes)``."""
    if axes is None:
        return None
    return inverse_permutation([a % np.ndim(like) for a in axes])


def inverse_permutation(axes):
    """The axes (a tuple of ints) that undo a transposition by ``axes``."""
    return tuple(sorted(range(len(axes)), key=lambda i: axes[i]))
