"""Helpers that generated code calls at run time.

Generated modules import only numpy and the names they use from here.  Every
helper uses dispatching numpy forms (``np.sum``, ``np.zeros_like``,
``np.broadcast_to``, ufuncs) so that arrays from other libraries that follow
NumPy's ``__array_function__``/``__array_ufunc__`` protocols (cupy, dask) pass
through without being converted to host numpy arrays.
"""

import numpy as np

__all__ = [
    "einsum_tangent",
    "matmul_dy_adjoint_x",
    "matmul_dy_adjoint_grad",
    "matmul_dx_adjoint_w",
    "matmul_dx_adjoint_grad",
    "reduce_like",
    "GradTuple",
    "rebroadcast",
    "shape_of",
    "appended",
    "updated",
    "zeroed",
    "matmul_dx",
    "matmul_dy",
    "seed_scalar",
    "unbroadcast",
    "unindex",
    "unreduce",
    "unstack",
    "untranspose_axes",
    "zeros_like",
]


class GradTuple(tuple):
    """The adjoint of a tuple or list value: one adjoint per element.

    ``+`` adds element by element (a plain tuple would concatenate), so
    generated code accumulates container adjoints with the same ``+`` it uses
    for arrays; ``None`` is the zero of an element that has no derivative.  Numpy defers to it instead of converting it to an array.
    """

    __slots__ = ()
    __array_ufunc__ = None

    def __add__(self, other):
        if not isinstance(other, (tuple, list)) or len(other) != len(self):
            return NotImplemented
        return GradTuple(b if a is None else a if b is None else a + b for a, b in zip(self, other))

    __radd__ = __add__

    def __repr__(self):
        return f"GradTuple({tuple.__repr__(self)})"


class ShapeOf:
    """What the backward sweep keeps of a value it only needs the shape of.

    ``np.shape``, ``np.ndim`` and ``np.size`` accept it, and so do
    ``unbroadcast`` and ``unreduce``; the forward sweep saves ``shape_of(t)``
    instead of a temporary ``t``, so the temporary's memory is released.
    """

    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    def __repr__(self):
        return f"shape_of({self.shape})"


def shape_of(value):
    """The shape of ``value``, kept instead of the value (see :class:`ShapeOf`)."""
    if isinstance(value, (tuple, list)):
        return value  # a container keeps its items (references, no copies)
    return ShapeOf(np.shape(value))


# Positions of arguments that helpers and numpy functions read only the shape of.
SHAPE_ONLY_ARGUMENTS = {"unbroadcast": 1, "unreduce": 1, "np.shape": 0, "np.ndim": 0, "np.size": 0}


def zeros_like(value):
    """A zero adjoint shaped like ``value`` (arrays, scalars, tuples, lists)."""
    if value is None or isinstance(value, (ShapeOf, str)):
        return None  # no derivative: a placeholder, a saved shape, a name
    if isinstance(value, (tuple, list)):
        return GradTuple(zeros_like(v) for v in value)
    if isinstance(value, (bool, int, float, complex)):
        return type(value)(0) if not isinstance(value, bool) else 0.0
    return np.zeros_like(value)


def seed_scalar(value, name="the function"):
    """The seed adjoint 1 of a scalar output; ``ValueError`` for any other shape."""
    shape = np.shape(value)
    if shape != ():
        raise ValueError(
            f"grad needs a scalar output, but {name} returned an array of shape "
            f"{shape}; use s2s.vjp to pull back a non-scalar output"
        )
    return np.ones_like(value) if hasattr(value, "dtype") else 1.0


def unbroadcast(grad, like):
    """Reduce ``grad`` to the shape of ``like``, undoing numpy broadcasting."""
    if isinstance(like, (tuple, list)) or isinstance(grad, (tuple, list)):
        return grad  # containers do not broadcast
    shape = np.shape(like)
    gshape = np.shape(grad)
    if gshape == shape:
        return grad
    if len(gshape) < len(shape) or any(
        g != s and s != 1 for g, s in zip(gshape[len(gshape) - len(shape):], shape)
    ):
        return np.broadcast_to(grad, shape)
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1
    )
    out = np.sum(grad, axis=axes, keepdims=True) if axes else grad
    if lead:
        out = np.reshape(out, shape)
    return out


def unreduce(grad, like, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction over ``axis`` back to ``like``'s shape."""
    shape = np.shape(like)
    if axis is not None and not keepdims:
        axes = axis if isinstance(axis, tuple) else (axis,)
        grad = np.expand_dims(grad, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(grad, shape)


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
        for p in parts
    )


def unindex(grad, like, index):
    """The adjoint of ``like[index]``: ``grad`` placed at ``index`` in zeros."""
    if isinstance(like, (tuple, list)):
        out = [zeros_like(v) for v in like]
        if isinstance(index, slice):
            for i, g in zip(range(*index.indices(len(like))), grad):
                out[i] = g
        else:
            out[index] = grad
        return GradTuple(out)
    out = np.zeros_like(like)
    if _is_basic_index(index):
        out[index] = grad
    else:
        np.add.at(out, index, grad)
    return out


def unstack(grad, like):
    """The adjoint of ``np.array(like)`` for a (nested) list or tuple ``like``."""
    if isinstance(like, (tuple, list)):
        return GradTuple(unstack(grad[i], v) for i, v in enumerate(like))
    return grad


def _as_matrices(grad, x, y):
    """``x @ y`` with 1-D operands promoted to matrices, as numpy defines it."""
    if np.ndim(x) == 1 and np.ndim(y) == 1:  # an inner product: make it (1, k) @ (k, 1)
        return np.reshape(grad, (1, 1)), np.expand_dims(x, 0), np.expand_dims(y, -1)
    if np.ndim(x) == 1:
        x = np.expand_dims(x, 0)
        grad = np.expand_dims(grad, -2)
    if np.ndim(y) == 1:
        y = np.expand_dims(y, -1)
        grad = np.expand_dims(grad, -1)
    return grad, x, y


def matmul_dx(grad, x, y):
    """The adjoint of ``x`` in ``x @ y`` (1-D operands and batch dims included)."""
    g, xm, ym = _as_matrices(grad, x, y)
    return np.reshape(unbroadcast(g @ np.swapaxes(ym, -1, -2), xm), np.shape(x))


def matmul_dy(grad, x, y):
    """The adjoint of ``y`` in ``x @ y`` (1-D operands and batch dims included)."""
    g, xm, ym = _as_matrices(grad, x, y)
    return np.reshape(unbroadcast(np.swapaxes(xm, -1, -2) @ g, ym), np.shape(y))


def untranspose_axes(axes, like):
    """The axes that undo ``np.transpose(..., axes)``."""
    if axes is None:
        return None
    return tuple(np.argsort([a % np.ndim(like) for a in axes]))


def appended(items, item):
    """``items + [item]``: ``items.append(item)`` without mutating ``items``."""
    return list(items) + [item]


def updated(array, index, value):
    """A copy of ``array`` with ``array[index] = value``: item assignment without mutation."""
    if isinstance(array, list):
        out = list(array)
    else:
        out = np.copy(array)
    out[index] = value
    return out


def zeroed(grad, index):
    """A copy of ``grad`` with zeros at ``index`` (the adjoint of an overwritten item)."""
    if isinstance(grad, (tuple, list)):
        out = list(grad)
        out[index] = zeros_like(out[index])
        return GradTuple(out)
    out = np.copy(grad)
    out[index] = 0
    return out


def rebroadcast(tangent, like):
    """Broadcast a tangent to the shape of the result it belongs to."""
    if isinstance(like, (tuple, list)) or isinstance(tangent, (tuple, list)):
        return tangent  # containers do not broadcast
    shape = np.shape(like)
    if np.shape(tangent) == shape:
        return tangent
    return np.broadcast_to(tangent, shape)


def reduce_like(grad, like, axis=None, keepdims=False):
    """The adjoint of ``unreduce``: sum ``grad`` back over the reduced axes."""
    out = np.sum(grad, axis=axis, keepdims=True) if axis is not None else np.sum(grad)
    if axis is not None and not keepdims:
        out = np.squeeze(out, axis=axis)
    return np.reshape(out, np.shape(like)) if np.shape(out) != np.shape(like) else out


def matmul_dx_adjoint_grad(cot, grad, x, y):
    """The adjoint, in ``grad``, of ``matmul_dx(grad, x, y)`` (it is linear in ``grad``)."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(xm))
    c = np.broadcast_to(c, np.shape(g)[:-1] + np.shape(xm)[-1:])
    return np.reshape(unbroadcast(c @ ym, g), np.shape(grad))


def matmul_dx_adjoint_w(cot, grad, x, y):
    """The adjoint, in ``y``, of ``matmul_dx(grad, x, y)``."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(xm))
    return np.reshape(unbroadcast(np.swapaxes(c, -1, -2) @ g, ym), np.shape(y))


def matmul_dy_adjoint_grad(cot, grad, x, y):
    """The adjoint, in ``grad``, of ``matmul_dy(grad, x, y)``."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(ym))
    return np.reshape(unbroadcast(xm @ c, g), np.shape(grad))


def matmul_dy_adjoint_x(cot, grad, x, y):
    """The adjoint, in ``x``, of ``matmul_dy(grad, x, y)``."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(ym))
    return np.reshape(unbroadcast(g @ np.swapaxes(c, -1, -2), xm), np.shape(x))


def einsum_tangent(subscripts, operands, tangents, optimize=False):
    """The tangent of ``np.einsum(subscripts, *operands)``: one product per operand
    with that operand replaced by its tangent."""
    total = 0.0
    for i, tangent in enumerate(tangents):
        if tangent is not None:
            total = total + np.einsum(subscripts, *operands[:i], tangent, *operands[i + 1:], optimize=optimize)
    return total
