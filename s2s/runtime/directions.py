"""Vector mode: tangents that carry many directions at once (:mod:`s2s.vector`).

Every tangent in vector-mode code has one more axis than its value, the
*directions* axis, first: the tangent of a value of shape ``s`` has shape
``(directions,) + s`` (a Python float's is a 1-D array of ``directions``
numbers; a container's is the container of its leaves' tangents).  These
helpers are what the generated code needs of that layout where a numpy call
alone does not give it:

* ``lift_to`` lines a tangent up with a broadcast result (the direction axis
  stays first, the value's dimensions align from the right);
* ``tangent_zeros`` is the zero tangent of a value, ``count_directions`` the
  number of directions a tangent carries;
* ``tangent_axis``/``tangent_axes``: an axis or permutation of the value,
  as the same axis of its tangent;
* ``tangent_item``: ``x[index]`` of an array's tangent (``x_dot[:, index]``)
  or of a container's;
* ``matmul_left``/``matmul_right``, ``dot_right``, ``array_of_tangents``,
  ``unbroadcast_tangent``, ``unreduce_tangent``, ``matmul_dx_tangent``: products, ``np.array`` of a
  list and the broadcasting adjoints, with the direction axis kept apart;
* ``unstack_tangent``, ``unpacked_adjoint_tangent``, ``unconcatenate_tangent``,
  ``unstack_axis_tangent``, ``extremum_adjoint_tangent``: the tangents of the
  helpers generated gradients call (for ``s2s.hessian``);
* ``direction_of``/``stack_directions``: one direction of a tangent, and the
  tangents of each direction stacked again (the loop a rule without a vector
  form runs).
"""

import numpy as np

from .products import matmul_dx, matmul_dy
from .scatter import _is_basic_index, unindex
from .broadcasting import unreduce
from .values import GradDict, GradTuple, ShapeOf, is_record


def count_directions(*tangents):
    """The number of directions the tangents carry: the length of axis 0 of their first array."""
    for t in tangents:
        leaf = _first_leaf(t)
        if leaf is not None:
            return np.shape(leaf)[0]
    raise ValueError("vector mode needs at least one tangent array to count its directions")


def _first_leaf(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        for v in value:
            leaf = _first_leaf(v)
            if leaf is not None:
                return leaf
        return None
    if value is None or isinstance(value, (ShapeOf, str)) or is_record(value):
        return None
    return value


def tangent_zeros(directions, like):
    """The zero tangent of ``like``: zeros of shape ``(directions,) + shape(like)`` in its
    floating dtype and array library, as a read-only broadcast of one zero (no memory, and
    the products below skip it: see :func:`_is_zero`); an empty ``GradDict`` for a dict or
    record, the zero tangent of each element for a tuple or list, None for what has no
    derivative."""
    if like is None or isinstance(like, (ShapeOf, str)):
        return None
    if isinstance(like, dict) or is_record(like):
        return GradDict()
    if isinstance(like, (tuple, list)):
        return GradTuple(tangent_zeros(directions, v) for v in like)
    if isinstance(like, (bool, int, float, complex)):
        return np.broadcast_to(np.zeros((), dtype=complex if isinstance(like, complex) else float), (directions,))
    dtype = getattr(like, "dtype", None)
    if dtype is None:  # a range, a list of numbers: numpy's zeros
        return np.broadcast_to(np.zeros(()), (directions,) + np.shape(like))
    dtype = dtype if np.issubdtype(dtype, np.inexact) else np.float64
    return np.broadcast_to(np.zeros_like(like, dtype=dtype, shape=()), (directions,) + np.shape(like))


def _is_zero(tangent):
    """Whether ``tangent`` is a broadcast zero (what :func:`tangent_zeros` makes): every
    stride 0, so one element stands for all, and that element 0.  O(1)."""
    return type(tangent) is np.ndarray and tangent.ndim > 0 and not any(tangent.strides) and tangent[(0,) * tangent.ndim] == 0


def _zeros(tangent, shape, like=None):
    """A broadcast zero of shape ``(directions,) + shape`` in the dtype of ``tangent`` and ``like``."""
    dtype = np.result_type(tangent, like) if like is not None else tangent.dtype
    return np.broadcast_to(np.zeros((), dtype=dtype), np.shape(tangent)[:1] + tuple(shape))


def lift_to(tangent, like):
    """``tangent`` (directions first) broadcast to ``(directions,) + shape(like)``: a tangent
    of an operand of an elementwise operation, lined up with its result (``like``)."""
    if isinstance(like, (tuple, list, dict)) or isinstance(tangent, (tuple, list, dict)):
        return tangent  # containers do not broadcast
    shape = np.shape(like)
    tshape = np.shape(tangent)
    if tshape[1:] == shape:
        return tangent
    missing = len(shape) - (len(tshape) - 1)
    if missing > 0:
        tangent = np.reshape(tangent, tshape[:1] + (1,) * missing + tshape[1:])
    return np.broadcast_to(tangent, tshape[:1] + shape)


def tangent_axis(axis, like):
    """The axis (or tuple of axes) ``axis`` of ``like`` as an axis of its tangent; ``None``
    (all of ``like``'s axes) as all axes but the directions."""
    if axis is None:
        return tuple(range(1, np.ndim(like) + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(a + 1 if a >= 0 else a for a in axis)
    return axis + 1 if axis >= 0 else axis


def tangent_axes(axes, like):
    """The permutation ``axes`` of ``np.transpose(like, axes)`` as one of its tangent."""
    n = np.ndim(like)
    if axes is None:
        return (0,) + tuple(range(n, 0, -1))
    return (0,) + tuple(a % n + 1 for a in axes)


def tangent_item(tangent, index):
    """``value[index]``'s tangent from ``value``'s: ``tangent[:, index]`` for an array, the
    entry of a container's tangent for a list, tuple or dict."""
    if isinstance(tangent, (tuple, list, dict)):
        return tangent[index]
    return tangent[(slice(None),) + (index if isinstance(index, tuple) else (index,))]


def updated_tangent(tangent, index, value_tangent):
    """The tangent of ``updated(array, index, value)``: ``tangent`` with ``value``'s tangent
    written at ``index`` (behind the directions axis, for an array)."""
    if isinstance(tangent, (tuple, list)):
        out = list(tangent)
        out[index] = value_tangent
        return GradTuple(out)
    if isinstance(tangent, dict):
        out = GradDict(tangent)
        out[index] = value_tangent
        return out
    out = tangent.copy()
    at = (slice(None),) + (index if isinstance(index, tuple) else (index,))
    out[at] = lift_to(value_tangent, ShapeOf(np.shape(out[at])[1:]))
    return out


def unindex_tangent(tangent, like, index):
    """The tangent of ``unindex(grad, like, index)`` from ``grad``'s: ``tangent`` placed at
    ``index`` in zeros shaped like ``like`` (added up where an index array repeats)."""
    if isinstance(like, (dict, tuple, list)) or not _is_basic_index(index):
        return stack_directions([unindex(t, like, index) for t in tangent])
    shape = like.shape if isinstance(like, ShapeOf) else np.shape(like)
    out = np.zeros_like(tangent, shape=np.shape(tangent)[:1] + tuple(shape))
    out[(slice(None),) + (index if isinstance(index, tuple) else (index,))] = tangent
    return out


def matmul_left(tangent, right):
    """``x @ right``'s tangent from ``x``'s (directions first)."""
    xnd, rnd = np.ndim(tangent) - 1, np.ndim(right)
    if rnd == 1:  # (k, ..., n) @ (n,) -> (k, ...)
        return tangent @ right
    tshape = np.shape(tangent)
    if xnd == 1:  # a vector on the left: one row per direction, batched like right
        return (np.reshape(tangent, tshape[:1] + (1,) * (rnd - 1) + tshape[1:]) @ right)[..., 0, :]
    return np.reshape(tangent, tshape[:1] + (1,) * (max(xnd, rnd) - xnd) + tshape[1:]) @ right


def matmul_right(left, tangent):
    """``left @ x``'s tangent from ``x``'s (directions first)."""
    lnd, xnd = np.ndim(left), np.ndim(tangent) - 1
    tshape = np.shape(tangent)
    if lnd == 1:  # (n,) @ (k, ..., n, m) -> (k, ..., m); (k, n) @ (n,) -> (k,)
        return tangent @ left if xnd == 1 else left @ tangent
    if xnd == 1:  # a vector on the right: a column per direction, batched like left
        return (left @ np.reshape(tangent, tshape[:1] + (1,) * (lnd - 2) + tshape[1:] + (1,)))[..., 0]
    return left @ np.reshape(tangent, tshape[:1] + (1,) * (max(lnd, xnd) - xnd) + tshape[1:])


def dot_left(tangent, right):
    """``np.dot(x, right)``'s tangent from ``x``'s (directions first)."""
    if np.ndim(tangent) == 1:  # x a number: x * right
        return lift_to(tangent, right) * right
    return np.dot(tangent, right)


def dot_right(left, tangent):
    """``np.dot(left, x)``'s tangent from ``x``'s (directions first)."""
    if np.ndim(left) == 0:
        return left * tangent
    if np.ndim(tangent) == 1:  # x a number: left * x
        return lift_to(tangent, left) * left
    moved = np.dot(left, tangent if np.ndim(tangent) > 2 else np.swapaxes(tangent, 0, -1))
    return np.moveaxis(moved, np.ndim(left) - 1, 0)


def array_of_tangents(tangents):
    """The tangent of ``np.array(items)`` from the items' tangents, a list (nested) of
    tangents with the directions first: the directions first again."""
    if not isinstance(tangents, (tuple, list)):
        return tangents
    return np.stack([array_of_tangents(t) for t in tangents], axis=1)


def unbroadcast_tangent(tangent, like):
    """The tangent of ``unbroadcast(grad, like)``: ``tangent`` summed to ``(directions,) + shape(like)``."""
    if isinstance(like, (tuple, list)) or isinstance(tangent, (tuple, list)):
        return tangent
    shape = like.shape if isinstance(like, ShapeOf) else np.shape(like)
    tshape = np.shape(tangent)
    if tshape[1:] == shape:
        return tangent
    if _is_zero(tangent):
        return _zeros(tangent, shape)
    extra = len(tshape) - 1 - len(shape)
    axes = tuple(range(1, 1 + extra)) + tuple(
        1 + extra + i for i, s in enumerate(shape) if s == 1 and tshape[1 + extra + i] != 1)
    summed = np.sum(tangent, axis=axes, keepdims=True)
    return np.reshape(summed, tshape[:1] + shape)


def unreduce_tangent(tangent, like, axis=None, keepdims=False):
    """The tangent of ``unreduce(grad, like, axis, keepdims)``: ``tangent`` spread over the
    reduced axes of ``like`` behind the directions axis."""
    shape = like.shape if isinstance(like, ShapeOf) else np.shape(like)
    k = np.shape(tangent)[0]
    if not keepdims and axis is not None:
        axes = (axis,) if not isinstance(axis, (tuple, list)) else axis
        for a in sorted(a % len(shape) for a in axes):
            tangent = np.expand_dims(tangent, a + 1)
    elif not keepdims:
        tangent = np.reshape(tangent, (k,) + (1,) * len(shape))
    return np.broadcast_to(tangent, (k,) + tuple(shape))


def direction_of(tangent, j):
    """Direction ``j`` of a tangent: its ``j``-th slice, container by container."""
    if tangent is None or isinstance(tangent, (ShapeOf, str)):
        return tangent
    if isinstance(tangent, dict):
        return type(tangent)({k: direction_of(v, j) for k, v in tangent.items()})
    if isinstance(tangent, (tuple, list)):
        parts = [direction_of(v, j) for v in tangent]
        return GradTuple(parts) if isinstance(tangent, GradTuple) else type(tangent)(parts)
    if isinstance(tangent, (int, float, complex)):
        return tangent  # a constant: the same in every direction
    return tangent[j]


def stack_directions(items):
    """The tangents of each direction, stacked into one tangent (directions first)."""
    first = items[0]
    if first is None:
        return None
    if isinstance(first, dict):
        return type(first)({k: stack_directions([i[k] for i in items]) for k in first})
    if isinstance(first, (tuple, list)):
        parts = [stack_directions([i[n] for i in items]) for n in range(len(first))]
        return GradTuple(parts) if isinstance(first, GradTuple) else type(first)(parts)
    return np.stack(items)


def matmul_dx_tangent(grad, x, y, dgrad=None, dy=None):
    """The tangent of ``matmul_dx(grad, x, y)`` (the adjoint of ``x`` in ``x @ y``) from the
    tangent of ``grad`` or of ``y`` (directions first)."""
    nx, ny = np.ndim(x), np.ndim(y)
    tangent = dgrad if dgrad is not None else dy
    if _is_zero(tangent):
        return _zeros(tangent, np.shape(x), y)
    if dgrad is not None:
        if nx == 2 and ny == 2 or nx == 1 and ny == 2:
            return dgrad @ np.swapaxes(y, -1, -2)
        if nx == 1 and ny == 1:
            return lift_to(dgrad, y) * y
        if nx == 2 and ny == 1:
            return dgrad[..., None] * y
        return stack_directions([matmul_dx(t, x, y) for t in dgrad])
    if nx == 2 and ny == 2:
        return grad @ np.swapaxes(dy, -1, -2)
    if nx == 1 and ny == 1:
        return grad * dy
    if nx == 1 and ny == 2:
        return dy @ grad
    if nx == 2 and ny == 1:
        return grad[:, None] * dy[:, None, :]
    return stack_directions([matmul_dx(grad, x, t) for t in dy])


def matmul_dy_tangent(grad, x, y, dgrad=None, dx=None):
    """The tangent of ``matmul_dy(grad, x, y)`` (the adjoint of ``y`` in ``x @ y``) from the
    tangent of ``grad`` or of ``x`` (directions first)."""
    nx, ny = np.ndim(x), np.ndim(y)
    tangent = dgrad if dgrad is not None else dx
    if _is_zero(tangent):
        return _zeros(tangent, np.shape(y), x)
    if dgrad is not None:
        if nx == 2 and ny == 2:
            return np.swapaxes(x, -1, -2) @ dgrad
        if nx == 1 and ny == 1:
            return lift_to(dgrad, x) * x
        if nx == 1 and ny == 2:
            return x[:, None] * dgrad[:, None, :]
        if nx == 2 and ny == 1:
            return dgrad @ x
        return stack_directions([matmul_dy(t, x, y) for t in dgrad])
    if nx == 2 and ny == 2:
        return np.swapaxes(dx, -1, -2) @ grad
    if nx == 1 and ny == 1:
        return grad * dx
    if nx == 1 and ny == 2:
        return dx[..., None] * grad
    if nx == 2 and ny == 1:
        return np.swapaxes(dx, -1, -2) @ grad
    return stack_directions([matmul_dy(grad, t, y) for t in dx])


def unstack_tangent(tangent, like):
    """The tangent of ``unstack(grad, like)`` (the adjoint of ``np.array(like)``): entry
    ``i`` of a list or tuple ``like`` is ``tangent[:, i]``."""
    if isinstance(like, (tuple, list)):
        return GradTuple(unstack_tangent(tangent[:, i], v) for i, v in enumerate(like))
    return tangent


def unpacked_adjoint_tangent(tangents, like):
    """The tangent of ``unpacked_adjoint(adjoints, like)`` (``a, b = like``): stacked behind
    the directions where ``like`` is an array, one per element where it is a tuple or list."""
    if isinstance(like, (tuple, list)):
        return GradTuple(tangents)
    return np.stack(tangents, axis=1)


def unconcatenate_tangent(tangent, arrays, axis=0):
    """The tangent of ``unconcatenate(grad, arrays, axis)``: one slice per array, cut behind
    the directions axis."""
    k = np.shape(tangent)[0]
    if axis is None:
        flat = np.reshape(tangent, (k, -1))
        sizes = [int(np.prod(np.shape(x), dtype=np.int64)) for x in arrays]
        starts = np.cumsum([0] + sizes)
        return GradTuple(np.reshape(flat[:, s:s + n], (k,) + np.shape(x)) for s, n, x in zip(starts, sizes, arrays))
    out, start = [], 0
    shift = tangent_axis(axis, tangent)
    for x in arrays:
        size = np.shape(x)[axis]
        index = [slice(None)] * np.ndim(tangent)
        index[shift] = slice(start, start + size)
        out.append(unbroadcast_tangent(tangent[tuple(index)], x))
        start += size
    return GradTuple(out)


def unstack_axis_tangent(tangent, arrays, axis=0):
    """The tangent of ``unstack_axis(grad, arrays, axis)`` (the adjoint of ``np.stack``)."""
    shift = tangent_axis(axis, tangent)
    return GradTuple(unbroadcast_tangent(np.take(tangent, i, axis=shift), x) for i, x in enumerate(arrays))


def extremum_adjoint_tangent(tangent, result, a, axis=None, keepdims=False):
    """The tangent of ``extremum_adjoint(grad, result, a, axis, keepdims)`` from ``grad``'s
    (which entries are extrema does not change under a small step)."""
    at = unreduce(result, a, axis, keepdims) == a
    count = np.maximum(np.sum(at, axis=axis, keepdims=True), 1)
    return unreduce_tangent(tangent, a, axis, keepdims) * at / np.broadcast_to(count, np.shape(a))
