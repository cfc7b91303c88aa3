"""Helpers that generated code calls at run time.

Generated modules import only numpy and the names they use from here.  Every
helper uses dispatching numpy forms (``np.sum``, ``np.zeros_like``,
``np.broadcast_to``, ufuncs) so that arrays from other libraries that follow
NumPy's ``__array_function__``/``__array_ufunc__`` protocols (cupy, dask) pass
through without being converted to host numpy arrays.
"""

import math

import numpy as np

__all__ = [
    "copy_of",
    "astype",
    "size_of",
    "matrix_norm_adjoint",
    "unsort",
    "untile",
    "unrepeat",
    "undiff",
    "unpad",
    "untake_along_axis",
    "linspace_adjoint",
    "cholesky_adjoint",
    "eigh_adjoint",
    "prod_items_adjoint",
    "prod_others_tangent",
    "prod_items_adjoint_tangent",
    "prod_items_adjoint_adjoint",
    "norm_adjoint_tangent",
    "matrix_norm_adjoint_tangent",
    "einsum_adjoint_tangent",
    "cholesky_adjoint_tangent",
    "cholesky_adjoint_adjoint",
    "eigh_adjoint_tangent",
    "eigh_adjoint_adjoint",
    "solve_adjoint_tangent",
    "solve_adjoint_adjoint",
    "hypot_adjoint",
    "dist_adjoint",
    "hypot_adjoint_adjoint",
    "dist_adjoint_adjoint",
    "extremum_args_pick",
    "sum_adjoint_adjoint",
    "restack",
    "revolve",
    "extremum_args_adjoint",
    "sum_adjoint",
    "solve_adjoint",
    "norm_adjoint",
    "einsum_adjoint",
    "tensordot_adjoint",
    "inner_adjoint",
    "outer_adjoint",
    "dot_adjoint",
    "untrace",
    "undiagonal",
    "undiag",
    "untake",
    "unvstack",
    "unhstack",
    "unstack_axis",
    "unconcatenate",
    "clip_mask",
    "uncumsum",
    "var_adjoint",
    "prod_adjoint",
    "extremum_adjoint",
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
    "seed_like",
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
    kind = type(value)
    if kind is float or kind is int or kind is tuple or kind is list or kind is bool or kind is GradTuple:
        return value  # a Python scalar is as small as its shape; a container keeps references
    return ShapeOf(np.shape(value))


# Positions of arguments that helpers and numpy functions read only the shape of.
SHAPE_ONLY_ARGUMENTS = {"unbroadcast": 1, "unreduce": 1, "np.shape": 0, "np.ndim": 0, "np.size": 0, "size_of": 0}


def size_of(value, axis=None):
    """``np.size(value, axis)`` from the shape alone: dask has no ``np.size`` (its
    fallback computes the array), and a :class:`ShapeOf` has no data."""
    shape = np.shape(value)
    if axis is not None:
        return int(shape[axis])
    return math.prod(int(n) for n in shape)


def _is_host(value):
    """A numpy array or numpy scalar (or a Python number): data in host memory."""
    return isinstance(value, (np.ndarray, np.generic, float, int, complex, bool))


def _library_array(*values):
    """The first of ``values`` that is an array of another library (cupy, dask, ...):
    what ``like=`` takes so that new arrays are made there; None for numpy."""
    for value in values:
        if not _is_host(value) and hasattr(value, "__array_function__"):
            return value
    return None


def _broadcast_to(value, shape, like=None):
    """``np.broadcast_to(value, shape)``, made in the library of ``like`` when ``value``
    is a Python or numpy scalar: numpy would make a host array of it, which cupy
    refuses to mix with its arrays."""
    if like is not None and _is_host(value) and _library_array(like) is not None:
        value = np.asarray(value, like=like)
    return np.broadcast_to(value, shape)


def copy_of(x, order="K"):
    """``x.copy()``: the method, which every array library has (dask has no ``np.copy``)."""
    return x.copy(order=order) if isinstance(x, np.ndarray) else x.copy()


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(dtype)``: the method (dask has no ``np.astype``); numpy's keywords pass on numpy arrays."""
    if isinstance(x, np.ndarray):
        return x.astype(dtype, order=order, casting=casting, subok=subok, copy=copy)
    return x.astype(dtype)


def zeros_like(value):
    """A zero adjoint shaped like ``value`` (arrays, scalars, tuples, lists)."""
    if value is None or isinstance(value, (ShapeOf, str)):
        return None  # no derivative: a placeholder, a saved shape, a name
    if isinstance(value, (tuple, list)):
        return GradTuple(zeros_like(v) for v in value)
    if isinstance(value, (bool, int, float, complex)):
        return type(value)(0) if not isinstance(value, bool) else 0.0
    return np.zeros_like(value)


def seed_like(*arguments):
    """The seed 1 of an output known to be a scalar, without the output: in the
    floating dtype of the arguments differentiated for (float32 arrays give a
    float32 seed, as the output they make would be) and their array library,
    or a Python float."""
    arrays = []
    for a in arguments:
        for v in a if isinstance(a, (tuple, list)) else (a,):
            dtype = getattr(v, "dtype", None)
            if dtype is not None and np.issubdtype(dtype, np.inexact):
                arrays.append(v)
    if not arrays:
        return 1.0
    one = np.ones_like(arrays[0], dtype=np.result_type(*(v.dtype for v in arrays)), shape=())
    return one[()] if isinstance(one, np.ndarray) else one  # a 0-d array of the arguments' library


def seed_scalar(value, name="the function"):
    """The seed adjoint 1 of a scalar output; ``ValueError`` for any other shape."""
    shape = np.shape(value)
    if shape != ():
        raise ValueError(
            f"grad needs a scalar output, but {name} returned an array of shape "
            f"{shape}; use s2s.vjp to pull back a non-scalar output"
        )
    return np.ones_like(value) if hasattr(value, "dtype") else 1.0


_PY_SCALARS = (float, int, bool)


def unbroadcast(grad, like):
    """Reduce ``grad`` to the shape of ``like``, undoing numpy broadcasting."""
    if type(like) in _PY_SCALARS:  # the fast path of scalar code
        return grad if type(grad) in _PY_SCALARS or not np.ndim(grad) else np.sum(grad)
    if isinstance(like, (tuple, list)) or isinstance(grad, (tuple, list)):
        return grad  # containers do not broadcast
    shape = np.shape(like)
    gshape = np.shape(grad)
    if gshape == shape:
        return grad
    if len(gshape) < len(shape) or any(
        g != s and s != 1 for g, s in zip(gshape[len(gshape) - len(shape):], shape)
    ):  # a new array, not a read-only view: generated code may add into it in place
        return _broadcast_to(grad, shape, like).copy()
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
    return _broadcast_to(grad, shape, like)


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
    out = _zeros(like, grad)
    if _is_basic_index(index):
        out[index] = grad
        return out
    return _scatter_add(out, index, grad)


def _zeros(like, grad):
    """Zeros shaped like ``like``, made in the library of ``grad`` where ``like`` is
    a host array and ``grad`` is not (a constant of the program indexed by a value)."""
    other = _library_array(grad)
    if other is not None and _library_array(like) is None:
        return np.zeros_like(other, shape=np.shape(like))
    return np.zeros_like(like)


def _host_index(index):
    """Whether every part of a subscript is host data (ints, slices, lists, numpy arrays)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, (slice, list, np.ndarray, np.generic, int))
        for p in parts
    )


def _scatter_add(out, index, values):
    """``out`` with ``values`` added at ``out[index]``, repeated positions accumulating:
    ``np.add.at``, which numpy arrays have (it writes into ``out``) and lazy or device
    arrays do not.  Elsewhere the flat positions ``index`` selects are found by indexing
    a grid of positions (on the host when the index is host data), and the sums are a
    weighted ``np.bincount``, which dask and cupy implement."""
    if type(out) is np.ndarray and _library_array(values) is None:
        np.add.at(out, index, values)
        return out
    shape = np.shape(out)
    size = size_of(out)
    if _host_index(index):
        positions = np.reshape(np.arange(size), shape)[index]
    else:
        positions = np.reshape(np.arange(size, like=out), shape)[index]
    return out + _bincount(positions, values, shape, out)


def _bincount(positions, values, shape, like):
    """An array of ``shape`` holding at each flat position the sum of the ``values`` at
    that entry of ``positions`` (values broadcast to the positions' shape)."""
    weights = np.ravel(_broadcast_to(values, np.shape(positions), like))
    flat = np.ravel(positions)
    if _library_array(flat) is None and _library_array(weights) is not None:
        flat = np.asarray(flat, like=weights)
    # an elementwise sum with the weights gives the positions the weights' chunks (dask)
    flat = np.zeros_like(weights, dtype=flat.dtype) + flat
    size = math.prod(shape)
    if weights.dtype.kind == "c":
        sums = np.bincount(flat, weights=np.real(weights), minlength=size) + 1j * np.bincount(
            flat, weights=np.imag(weights), minlength=size
        )
    else:
        sums = np.bincount(flat, weights=weights, minlength=size)
    return np.reshape(sums.astype(like.dtype), shape)


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
    if np.ndim(x) == 2 and np.ndim(y) == 2:  # the common case, without reshapes
        return grad @ y.T
    g, xm, ym = _as_matrices(grad, x, y)
    return np.reshape(unbroadcast(g @ np.swapaxes(ym, -1, -2), xm), np.shape(x))


def matmul_dy(grad, x, y):
    """The adjoint of ``y`` in ``x @ y`` (1-D operands and batch dims included)."""
    if np.ndim(x) == 2 and np.ndim(y) == 2:
        return x.T @ grad
    g, xm, ym = _as_matrices(grad, x, y)
    return np.reshape(unbroadcast(np.swapaxes(xm, -1, -2) @ g, ym), np.shape(y))


def untranspose_axes(axes, like):
    """The axes that undo ``np.transpose(..., axes)``."""
    if axes is None:
        return None
    return _inverse_permutation([a % np.ndim(like) for a in axes])


def _inverse_permutation(axes):
    """The axes (a tuple of ints) that undo a transposition by ``axes``."""
    return tuple(sorted(range(len(axes)), key=lambda i: axes[i]))


def appended(items, item):
    """``items + [item]``: ``items.append(item)`` without mutating ``items``."""
    return list(items) + [item]


def updated(array, index, value):
    """A copy of ``array`` with ``array[index] = value``: item assignment without mutation."""
    if isinstance(array, list):
        out = list(array)
    else:
        out = array.copy()  # the method: dask has no np.copy
    out[index] = value
    return out


def zeroed(grad, index):
    """A copy of ``grad`` with zeros at ``index`` (the adjoint of an overwritten item)."""
    if isinstance(grad, (tuple, list)):
        out = list(grad)
        out[index] = zeros_like(out[index])
        return GradTuple(out)
    out = grad.copy()
    out[index] = 0
    return out


def rebroadcast(tangent, like):
    """Broadcast a tangent to the shape of the result it belongs to."""
    if isinstance(like, (tuple, list)) or isinstance(tangent, (tuple, list)):
        return tangent  # containers do not broadcast
    shape = np.shape(like)
    if np.shape(tangent) == shape:
        return tangent
    return _broadcast_to(tangent, shape, like)


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


# -- helpers of the adjoint rules (derivatives/numpy_rules.py) --------------------


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim for a in axes)


def extremum_adjoint(grad, result, a, axis=None, keepdims=False):
    """The adjoint of ``np.max``/``np.min``: split evenly between tied extrema."""
    at = unreduce(result, a, axis, keepdims) == a
    count = np.maximum(np.sum(at, axis=axis, keepdims=True), 1)  # 0 where an `initial` value won
    return unreduce(grad, a, axis, keepdims) * at / np.broadcast_to(count, np.shape(a))


def prod_adjoint(grad, result, a, axis=None, keepdims=False):
    """The adjoint of ``np.prod``: the product of the other entries, exact with zeros."""
    is_zero = a == 0
    nonzero = np.where(is_zero, 1.0, a)
    product = np.prod(nonzero, axis=axis, keepdims=True)
    zeros = np.sum(is_zero, axis=axis, keepdims=True)
    others = np.where(zeros == 0, product / nonzero, np.where(is_zero & (zeros == 1), product, 0.0))
    return unreduce(grad, a, axis, keepdims) * others


def var_adjoint(grad, a, axis=None, ddof=0, keepdims=False):
    """The adjoint of ``np.var``."""
    shape = np.shape(a)
    count = math.prod(shape[i] for i in _axes(axis, len(shape)))  # the entries in each mean
    centered = a - np.mean(a, axis=axis, keepdims=True)
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


def unconcatenate(grad, arrays, axis=0):
    """The adjoint of ``np.concatenate(arrays, axis)``: one slice per array."""
    if axis is None:
        pieces = _split(np.ravel(grad), [size_of(x) for x in arrays], 0)
        return GradTuple(np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays))
    pieces = _split(grad, [np.shape(x)[axis] for x in arrays], axis)
    return GradTuple(unbroadcast(p, x) for p, x in zip(pieces, arrays))


def _split(array, sizes, axis):
    """``array`` cut along ``axis`` into pieces of ``sizes``, by slicing (dask has no ``np.split``)."""
    axis = axis % np.ndim(array)
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


def untake(grad, a, indices, axis=None):
    """The adjoint of ``np.take``: scatter-add ``grad`` back."""
    if axis is None:
        return np.reshape(_scatter_add(_zeros(np.ravel(a), grad), indices, grad), np.shape(a))
    axis = axis % np.ndim(a)
    return _scatter_add(_zeros(a, grad), (slice(None),) * axis + (indices,), grad)


def undiag(grad, v, k=0):
    """The adjoint of ``np.diag(v, k)``."""
    if np.ndim(v) == 1:
        return np.diagonal(grad, offset=k)
    return undiagonal(grad, v, k)  # np.diag of a matrix is its diagonal


def _on_diagonal(shape, axis1, axis2, offset, like):
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
    grad = _broadcast_to(grad, np.shape(grad), a)
    length = np.shape(grad)[-1]
    # entry i of the diagonal sits at row i - min(offset, 0), column i + max(offset, 0):
    # index the padded adjoint by the row (offset >= 0) or by the column (offset < 0)
    n = rows if offset >= 0 else cols
    if n > length:
        grad = np.concatenate([grad, np.zeros_like(grad, shape=np.shape(grad)[:-1] + (n - length,))], axis=-1)
    spread = np.expand_dims(grad, -1) if offset >= 0 else np.expand_dims(grad, -2)
    mask = _on_diagonal(shape, axis1 % len(shape), axis2 % len(shape), offset, _library_array(grad, a))
    return _from_planes(np.where(mask, spread, 0), len(shape), axis1, axis2)


def untrace(grad, a, offset=0, axis1=0, axis2=1):
    """The adjoint of ``np.trace``: ``grad`` on the diagonal of zeros."""
    shape = np.shape(a)
    mask = _on_diagonal(shape, axis1 % len(shape), axis2 % len(shape), offset, _library_array(grad, a))
    grad = _broadcast_to(grad, np.shape(grad), a)
    return _from_planes(np.where(mask, np.expand_dims(grad, (-2, -1)), 0), len(shape), axis1, axis2)


def dot_adjoint(grad, a, b):
    """The adjoints of ``np.dot(a, b)`` for scalars, vectors and matrices."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return GradTuple((unbroadcast(grad * b, a), unbroadcast(grad * a, b)))
    if np.ndim(a) <= 2 and np.ndim(b) <= 2:
        return GradTuple((matmul_dx(grad, a, b), matmul_dy(grad, a, b)))
    axes_a = np.ndim(a) - 1
    da = np.tensordot(grad, np.moveaxis(b, -2, -1), axes=(tuple(range(axes_a, np.ndim(grad))), tuple(range(np.ndim(b) - 1))))
    db = np.moveaxis(np.tensordot(a, grad, axes=(tuple(range(axes_a)), tuple(range(axes_a)))), 0, -2)
    return GradTuple((da, db))


def outer_adjoint(grad, a, b):
    """The adjoints of ``np.outer(a, b)``."""
    g = np.reshape(grad, (size_of(a), size_of(b)))
    return GradTuple((np.reshape(g @ np.ravel(b), np.shape(a)), np.reshape(np.ravel(a) @ g, np.shape(b))))


def inner_adjoint(grad, a, b):
    """The adjoints of ``np.inner(a, b)`` (a contraction over the last axes)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return GradTuple((unbroadcast(grad * b, a), unbroadcast(grad * a, b)))
    na, nb = np.ndim(a) - 1, np.ndim(b) - 1
    da = np.tensordot(grad, b, axes=(tuple(range(na, na + nb)), tuple(range(nb))))
    db = np.tensordot(grad, a, axes=(tuple(range(na)), tuple(range(na))))
    return GradTuple((da, db))


def tensordot_adjoint(grad, a, b, axes=2):
    """The adjoints of ``np.tensordot(a, b, axes)``."""
    if isinstance(axes, int):
        axes_a = list(range(np.ndim(a) - axes, np.ndim(a)))
        axes_b = list(range(axes))
    else:
        axes_a, axes_b = ([axes[0]] if isinstance(axes[0], int) else list(axes[0])), ([axes[1]] if isinstance(axes[1], int) else list(axes[1]))
        axes_a = [x % np.ndim(a) for x in axes_a]
        axes_b = [x % np.ndim(b) for x in axes_b]
    free_a = [i for i in range(np.ndim(a)) if i not in axes_a]
    free_b = [i for i in range(np.ndim(b)) if i not in axes_b]
    nfa = len(free_a)
    # grad has axes free_a + free_b
    # da: free_a, then b's contracted axes in b's order, each standing for its partner in a
    da = np.tensordot(grad, b, axes=(list(range(nfa, nfa + len(free_b))), free_b))
    da = np.transpose(da, _inverse_permutation(free_a + [axes_a[axes_b.index(j)] for j in sorted(axes_b)]))
    # db: a's contracted axes in a's order (standing for their partners in b), then free_b
    db = np.tensordot(a, grad, axes=(free_a, list(range(nfa))))
    db = np.transpose(db, _inverse_permutation([axes_b[axes_a.index(i)] for i in sorted(axes_a)] + free_b))
    return GradTuple((da, db))


def einsum_adjoint(grad, subscripts, operands):
    """The adjoints of ``np.einsum(subscripts, *operands)``, one per operand."""
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        inputs, output = spec.split("->")
    else:
        inputs = spec
        letters = [c for c in inputs if c.isalpha()]
        output = ("..." if "..." in inputs else "") + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = inputs.split(",")
    out = []
    for i, term in enumerate(terms):
        if len(set(c for c in term if c.isalpha())) != len([c for c in term if c.isalpha()]):
            raise NotImplementedError(f"the adjoint of einsum with a repeated index in one operand ({term!r})")
        others = [t for j, t in enumerate(terms) if j != i]
        ops = [o for j, o in enumerate(operands) if j != i]
        missing = "".join(c for c in term if c.isalpha() and c not in output and all(c not in t for t in others))
        g = np.einsum(",".join([output] + others) + "->" + "".join(c for c in term if c not in missing), grad, *ops)
        if missing:  # an index summed away by this operand alone: broadcast back
            g = np.broadcast_to(np.expand_dims(g, tuple(term.index(c) for c in missing)), np.shape(operands[i]))
        out.append(unbroadcast(g, operands[i]))
    return GradTuple(out)


def norm_adjoint(grad, result, x, ord=None, axis=None, keepdims=False):
    """The adjoint of ``np.linalg.norm`` for Frobenius/2-norms and vector p-norms."""
    g = unreduce(grad, x, axis, keepdims)
    r = unreduce(result, x, axis, keepdims)
    matrix = (axis is None and np.ndim(x) == 2) or (isinstance(axis, tuple) and len(axis) == 2)
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        return g * x / np.where(r == 0, 1.0, r)
    if matrix:
        return matrix_norm_adjoint(grad, x, ord, axis, keepdims)
    if np.isinf(ord):
        at = np.abs(x) == r
        return g * np.sign(x) * at / np.sum(at, axis=axis, keepdims=True)
    if ord == 0:
        return np.zeros_like(x)
    return g * np.abs(x) ** (ord - 1) * np.sign(x) / np.where(r == 0, 1.0, r) ** (ord - 1)


def solve_adjoint(grad, result, a, b):
    """The adjoints of ``np.linalg.solve(a, b)``."""
    vector = np.ndim(b) == 1
    g = np.expand_dims(grad, -1) if vector else grad
    z = np.expand_dims(result, -1) if vector else result
    db = np.linalg.solve(np.swapaxes(a, -1, -2), g)
    da = -(db @ np.swapaxes(z, -1, -2))
    return unbroadcast(da, a), np.reshape(unbroadcast(db, np.expand_dims(b, -1) if vector else b), np.shape(b))


def sum_adjoint(grad, items):
    """The adjoint of the builtin ``sum(items)``: ``grad`` for each item."""
    if isinstance(items, (tuple, list)):
        return GradTuple(unbroadcast(grad, x) for x in items)
    return _broadcast_to(grad, np.shape(items), items)


def extremum_args_adjoint(grad, result, args):
    """The adjoints of the builtins ``max``/``min``: the first argument equal to the result."""
    items = args[0] if len(args) == 1 else args
    out = [zeros_like(x) for x in items]
    for i, x in enumerate(items):
        if np.all(x == result):
            out[i] = grad
            break
    return (GradTuple(out),) if len(args) == 1 else GradTuple(out)


def _binomial(s, r):
    """beta(s, r) = C(s + r, s): the most steps s snapshots and r repetitions reverse."""
    out = 1
    for i in range(1, s + 1):
        out = out * (r + i) // i
    return out


def revolve(step, state, steps, snapshots):
    """The saved values of each iteration of a loop, last iteration first.

    ``step(state, t)`` runs one iteration and returns ``(next_state, saved)``.
    Only ``state`` (the loop's starting state) was kept by the forward sweep;
    iterations are re-run from at most ``snapshots`` stored states, split by
    the binomial rule of Griewank and Walther's Revolve, so memory is
    O(snapshots) states and each iteration is re-run O(log) times.
    """
    if not isinstance(steps, range):
        steps = list(steps)

    def reverse(state, lo, hi, s):
        n = hi - lo
        if n == 1:
            yield step(state, steps[lo])[1]
            return
        if s <= 0:  # no snapshot to spare: re-run from the start for each iteration
            for j in range(hi - 1, lo - 1, -1):
                current = state
                for i in range(lo, j):
                    current = step(current, steps[i])[0]
                yield step(current, steps[j])[1]
            return
        r = 0
        while _binomial(s, r) < n:
            r += 1
        right = max(1, min(n - 1, _binomial(s - 1, r)))
        middle = hi - right
        current = state
        for i in range(lo, middle):
            current = step(current, steps[i])[0]
        yield from reverse(current, middle, hi, s - 1)
        yield from reverse(state, lo, middle, s)

    if steps:
        yield from reverse(state, 0, len(steps), snapshots)


# -- more helpers of the adjoint rules ----------------------------------------------------


def matrix_norm_adjoint(grad, x, ord, axis=None, keepdims=False):
    """The adjoint of a matrix norm ``np.linalg.norm(x, ord, axis=(rows, cols))``
    for ``ord`` 2, -2, 'nuc' (through the SVD) and 1, -1, inf, -inf (the
    extreme column or row sums of ``|x|``, ties sharing evenly)."""
    rows, cols = (a % np.ndim(x) for a in (axis if axis is not None else (-2, -1)))
    if keepdims:
        grad = np.squeeze(grad, axis=(rows, cols))
    xm = np.moveaxis(x, (rows, cols), (-2, -1))
    if ord in (2, -2, "nuc"):
        u, s, vh = np.linalg.svd(xm, full_matrices=False)
        if ord == "nuc":
            direction = u @ vh
        else:
            k = 0 if ord == 2 else np.shape(s)[-1] - 1  # singular values come largest first
            direction = u[..., :, k:k + 1] @ vh[..., k:k + 1, :]
    elif ord in (1, -1, np.inf, -np.inf):
        summed = -2 if ord in (1, -1) else -1  # 1: column sums (over rows); inf: row sums
        sums = np.sum(np.abs(xm), axis=summed, keepdims=True)
        extreme = (np.max if ord > 0 else np.min)(sums, axis=(-2, -1), keepdims=True)
        at = sums == extreme
        direction = np.sign(xm) * at / np.sum(at, axis=(-2, -1), keepdims=True)
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices")  # numpy's forward refuses it too
    return np.moveaxis(np.expand_dims(grad, (-2, -1)) * direction, (-2, -1), (rows, cols))


def unsort(grad, a, axis=-1):
    """The adjoint of ``np.sort(a, axis)``: ``grad`` put back where each entry came from."""
    if axis is None:
        return np.reshape(unsort(grad, np.ravel(a), -1), np.shape(a))
    order = np.argsort(a, axis=axis, kind="stable")
    return np.take_along_axis(grad, np.argsort(order, axis=axis, kind="stable"), axis=axis)


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
    for _ in range(n):
        edge = np.zeros_like(np.take(grad, [0], axis=axis))
        grad = np.concatenate([edge, grad], axis=axis) - np.concatenate([grad, edge], axis=axis)
    return grad


PAD_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")  # every padded entry is a copy of an entry


def unpad(grad, array, pad_width, mode="constant"):
    """The adjoint of ``np.pad(array, pad_width, mode)`` in ``array``: the inner block
    for ``"constant"``; for the modes that copy entries, each entry's gradient
    summed over its copies (found by padding a grid of positions the same way)."""
    if mode in PAD_COPY_MODES:
        shape = np.shape(array)
        positions = np.pad(np.arange(math.prod(shape)).reshape(shape), pad_width, mode=mode)
        flat = np.zeros_like(grad, shape=(math.prod(shape),))
        return np.reshape(_scatter_add(flat, positions, grad), shape)
    if mode != "constant":
        raise ValueError(
            f"s2s has no derivative of np.pad with mode={mode!r}: its derivative rule covers "
            f"'constant' and the modes that copy entries {PAD_COPY_MODES}"
        )
    widths = np.broadcast_to(pad_width, (np.ndim(array), 2))
    return grad[tuple(slice(int(before), int(before) + n) for (before, _), n in zip(widths, np.shape(array)))]


def untake_along_axis(grad, arr, indices, axis=-1):
    """The adjoint of ``np.take_along_axis``: scatter-add ``grad`` back."""
    if axis is None:
        return np.reshape(untake(grad, np.ravel(arr), indices, 0), np.shape(arr))
    axis = axis % np.ndim(grad)
    shape = list(np.shape(grad))
    shape[axis] = np.shape(arr)[axis]
    lib = _library_array(grad, indices, arr)
    out = np.zeros_like(arr if lib is None else lib, dtype=getattr(arr, "dtype", None), shape=tuple(shape))
    if lib is None:
        index = tuple(
            np.broadcast_to(indices, np.shape(grad)) if i == axis
            else np.reshape(np.arange(n), tuple(n if j == i else 1 for j in range(len(shape))))
            for i, n in enumerate(np.shape(grad))
        )
        np.add.at(out, index, grad)
        return unbroadcast(out, arr)
    # no np.add.at: the flat position of each entry of grad in out, then a bincount
    if _library_array(indices) is None:
        indices = np.asarray(indices, like=lib)
    positions = 0
    stride = 1
    for i in reversed(range(len(shape))):
        if i == axis:
            part = np.broadcast_to(indices, np.shape(grad)) % shape[i]
        else:
            part = np.reshape(np.arange(shape[i], like=lib), tuple(shape[i] if j == i else 1 for j in range(len(shape))))
        positions = positions + part * stride
        stride *= shape[i]
    return unbroadcast(out + _bincount(positions, grad, tuple(shape), out), arr)


def linspace_adjoint(grad, start, stop, num=50, endpoint=True, axis=0):
    """The adjoints of ``np.linspace(start, stop, num, endpoint, axis=axis)``."""
    g = np.moveaxis(grad, axis, -1)
    fraction = np.arange(num, like=g) / (num - 1 if endpoint and num > 1 else num)  # sample i: start + fraction[i] * (stop - start)
    dstop = np.sum(g * fraction, axis=-1)
    return GradTuple((unbroadcast(np.sum(g, axis=-1) - dstop, start), unbroadcast(dstop, stop)))


def cholesky_adjoint(grad, factor, upper=False):
    """The adjoint of ``np.linalg.cholesky(a)`` in a symmetric ``a`` (Murray, 2016)."""
    lower = np.swapaxes(factor, -1, -2) if upper else factor
    g = np.swapaxes(grad, -1, -2) if upper else grad
    inner = np.tril(np.swapaxes(lower, -1, -2) @ g)
    inner = inner - 0.5 * np.tril(np.triu(inner))  # halve the diagonal
    inv = np.linalg.inv(lower)
    s = np.swapaxes(inv, -1, -2) @ inner @ inv
    return 0.5 * (s + np.swapaxes(s, -1, -2))


def eigh_adjoint(grad, result):
    """The adjoint of ``np.linalg.eigh(a)`` in a symmetric ``a`` with distinct eigenvalues."""
    w, v = result
    gw, gv = grad
    vt = np.swapaxes(v, -1, -2)
    s = np.zeros_like(v) if gw is None else (v * np.expand_dims(gw, -2)) @ vt  # v diag(gw) v^T
    if gv is not None:
        gap = np.expand_dims(w, -2) - np.expand_dims(w, -1)  # gap[i, j] = w[j] - w[i]
        off = np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))
        s = s + v @ (off * (vt @ gv)) @ vt
    return 0.5 * (s + np.swapaxes(s, -1, -2))


def prod_items_adjoint(grad, items, start=1):
    """The adjoint of ``math.prod(items, start=start)``: the product of the others, per item."""
    items = list(items)
    return GradTuple(unbroadcast(grad * start * math.prod(items[:i] + items[i + 1:]), x) for i, x in enumerate(items))


# -- derivatives of the adjoint helpers (derivatives/runtime_rules.py): second order ----------


def _swap(m):
    return np.swapaxes(m, -1, -2)


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


def prod_items_adjoint_tangent(grad, items, ditems, start=1):
    """The tangent of ``prod_items_adjoint(grad, items, start)`` along the items' tangents
    ``ditems``: for item i, ``grad * start`` times the sum over j != i of ``ditems[j]``
    times the product of the items other than i and j (no division: exact with zeros).
    Symmetric in (i, j): with ``ditems`` a cotangent it is the adjoint in ``items``."""
    items = list(items)
    out = []
    for i, x in enumerate(items):
        total = 0.0
        for j, t in enumerate(ditems):
            if j != i and t is not None:
                total = total + t * math.prod(items[k] for k in range(len(items)) if k != i and k != j)
        out.append(unbroadcast(grad * start * total, x))
    return GradTuple(out)


def prod_items_adjoint_adjoint(cot, grad, items, start=1):
    """The adjoints of ``prod_items_adjoint(grad, items, start)`` for the cotangent ``cot``
    (one per item): ``(dgrad, ditems, dstart)``."""
    items = list(items)
    dgrad = 0.0
    dstart = 0.0
    for i, c in enumerate(cot):
        if c is not None:
            others = math.prod(items[:i] + items[i + 1:])
            dgrad = dgrad + unbroadcast(c * start * others, grad)
            dstart = dstart + np.sum(c * grad * others)
    dgrad = rebroadcast(dgrad, grad) if np.shape(dgrad) != np.shape(grad) else dgrad
    return GradTuple((dgrad, prod_items_adjoint_tangent(grad, items, cot, start), unbroadcast(dstart, start)))


def _is_matrix_norm(x, axis):
    return (axis is None and np.ndim(x) == 2) or (isinstance(axis, tuple) and len(axis) == 2)


def norm_adjoint_tangent(grad, result, x, ord=None, axis=None, keepdims=False, dresult=None, dx=None):
    """The tangent of ``norm_adjoint(grad, result, x, ord, axis, keepdims)`` along the tangent
    ``dresult`` of ``result`` or ``dx`` of ``x`` (pass one; ``grad`` held: the helper is
    linear in it).  Frobenius and vector p-norms differentiate ``g |x|^(p-1) sign(x) / r^(p-1)``;
    the infinity norms, ``ord=0`` and the matrix 1 and infinity norms have a piecewise
    constant adjoint (zero tangent); the matrix 2, -2 and nuclear norms differentiate the
    singular vectors (``matrix_norm_adjoint_tangent``), which depend on ``x`` alone."""
    matrix = _is_matrix_norm(x, axis)
    g = unreduce(grad, x, axis, keepdims)
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        r = np.where(unreduce(result, x, axis, keepdims) == 0, 1.0, unreduce(result, x, axis, keepdims))
        if dx is not None:
            return g * dx / r
        return -g * x * unreduce(dresult, x, axis, keepdims) / (r * r)
    if matrix:
        if dx is None:
            return np.zeros_like(x)
        return matrix_norm_adjoint_tangent(grad, x, dx, ord, axis, keepdims)
    if np.isinf(ord) or ord == 0:
        return np.zeros_like(x)
    r = np.where(unreduce(result, x, axis, keepdims) == 0, 1.0, unreduce(result, x, axis, keepdims))
    if dx is not None:
        at_zero = x == 0  # |x|^(p-2) has no value there for p < 2: the kink gets zero
        return g * (ord - 1) * np.where(at_zero, 0.0, np.where(at_zero, 1.0, np.abs(x)) ** (ord - 2)) * dx / r ** (ord - 1)
    return -(ord - 1) * g * np.abs(x) ** (ord - 1) * np.sign(x) * unreduce(dresult, x, axis, keepdims) / r ** ord


def matrix_norm_adjoint_tangent(grad, x, dx, ord, axis=None, keepdims=False):
    """The tangent along ``dx`` of ``matrix_norm_adjoint(grad, x, ord, axis, keepdims)``.

    With the thin SVD ``x = U S V^T`` and ``P = U^T dx V``: for ``'nuc'`` the direction
    ``U V^T`` moves by ``U ((P - P^T) / (s_i + s_j)) V^T`` plus the parts of ``dx`` outside
    the singular subspaces, ``(I - U U^T) dx V S^-1 V^T + U S^-1 U^T dx (I - V V^T)``; for
    2 and -2 the direction ``u_k v_k^T`` moves with the singular vectors,
    ``u_j . du_k = (s_k P_jk + s_j P_kj) / (s_k^2 - s_j^2)`` and
    ``v_j . dv_k = (s_j P_jk + s_k P_kj) / (s_k^2 - s_j^2)`` (a simple extreme singular
    value), plus ``(I - U U^T) dx v_k / s_k`` and ``(I - V V^T) dx^T u_k / s_k``.  The 1 and
    infinity norms' directions are piecewise constant: zero."""
    rows, cols = (a % np.ndim(x) for a in (axis if axis is not None else (-2, -1)))
    if ord not in (2, -2, "nuc"):
        if ord in (1, -1, np.inf, -np.inf):
            return np.zeros_like(x)
        raise ValueError(f"Invalid norm order {ord!r} for matrices")
    if keepdims:
        grad = np.squeeze(grad, axis=(rows, cols))
    xm = np.moveaxis(x, (rows, cols), (-2, -1))
    dxm = np.moveaxis(dx, (rows, cols), (-2, -1))
    u, s, vh = np.linalg.svd(xm, full_matrices=False)
    v = _swap(vh)
    p = _swap(u) @ dxm @ v
    if ord == "nuc":
        pairs = np.expand_dims(s, -1) + np.expand_dims(s, -2)
        inside = u @ ((p - _swap(p)) / pairs) @ vh
        left = (dxm @ v - u @ p) / np.expand_dims(s, -2) @ vh  # (I - U U^T) dx V S^-1 V^T
        right = u @ (_swap(_swap(dxm) @ u - v @ _swap(p)) / np.expand_dims(s, -1))  # U S^-1 U^T dx (I - V V^T)
        direction = inside + left + right
    else:
        k = 0 if ord == 2 else np.shape(s)[-1] - 1
        sk = s[..., k:k + 1]
        column = p[..., :, k]  # P_jk
        row = p[..., k, :]  # P_kj
        here = np.arange(np.shape(s)[-1], like=s) == k
        gaps = np.where(here, 1.0, sk * sk - s * s)
        a = np.where(here, 0.0, (sk * column + s * row) / gaps)
        b = np.where(here, 0.0, (s * column + sk * row) / gaps)
        uk = u[..., :, k:k + 1]
        vk = v[..., :, k:k + 1]
        sk = np.expand_dims(sk, -1)
        du = u @ np.expand_dims(a, -1) + (dxm @ vk - u @ p[..., :, k:k + 1]) / sk
        dv = v @ np.expand_dims(b, -1) + (_swap(dxm) @ uk - v @ _swap(p)[..., :, k:k + 1]) / sk
        direction = du @ _swap(vk) + uk @ _swap(dv)
    return np.moveaxis(np.expand_dims(grad, (-2, -1)) * direction, (-2, -1), (rows, cols))


def einsum_adjoint_tangent(grad, subscripts, operands, doperands):
    """The tangent of ``einsum_adjoint(grad, subscripts, operands)`` along the operands'
    tangents ``doperands`` (``grad`` held): operand i's adjoint is multilinear in the other
    operands, so its tangent is the sum over j != i of that adjoint with operand j replaced
    by its tangent.  With ``doperands`` a cotangent of the adjoints, the same sum is the
    adjoint in ``operands``."""
    operands = list(operands)
    total = [None] * len(operands)
    for j, t in enumerate(doperands):
        if t is None:
            continue
        adjoints = einsum_adjoint(grad, subscripts, operands[:j] + [t] + operands[j + 1:])
        for i, a in enumerate(adjoints):
            if i != j:
                total[i] = a if total[i] is None else total[i] + a
    return GradTuple(zeros_like(x) if t is None else t for x, t in zip(operands, total))


def _lower_half_diagonal(m):
    """The lower triangle of ``m`` with its diagonal halved (``Phi`` in Murray, 2016)."""
    return np.tril(m) - 0.5 * np.tril(np.triu(m))


def cholesky_adjoint_tangent(grad, factor, dfactor, upper=False):
    """The tangent of ``cholesky_adjoint(grad, factor, upper)`` along ``dfactor`` (``grad``
    held; the helper is linear in it): the product rule through ``L^-T Phi(L^T G) L^-1``."""
    lower = _swap(factor) if upper else factor
    dlower = _swap(dfactor) if upper else dfactor
    g = _swap(grad) if upper else grad
    inner = _lower_half_diagonal(_swap(lower) @ g)
    inv = np.linalg.inv(lower)
    dinv = -(inv @ dlower @ inv)
    s = _swap(dinv) @ inner @ inv + _swap(inv) @ _lower_half_diagonal(_swap(dlower) @ g) @ inv + _swap(inv) @ inner @ dinv
    return 0.5 * (s + _swap(s))


def cholesky_adjoint_adjoint(cot, grad, factor, upper=False):
    """The adjoints of ``cholesky_adjoint(grad, factor, upper)`` for the cotangent ``cot``:
    ``(dgrad, dfactor)``.  With ``C`` the symmetric part of ``cot``, ``W = L^-1 C L^-T`` and
    ``M = Phi(L^T G)``: ``dG = L Phi(W)``, ``dL = G Phi(W)^T - L^-T (M + M^T) L^-1 C L^-T``."""
    lower = _swap(factor) if upper else factor
    g = _swap(grad) if upper else grad
    c = 0.5 * (cot + _swap(cot))
    inv = np.linalg.inv(lower)
    inner = _lower_half_diagonal(_swap(lower) @ g)
    w = _lower_half_diagonal(inv @ c @ _swap(inv))
    dgrad = lower @ w
    dlower = g @ _swap(w) - _swap(inv) @ (inner + _swap(inner)) @ inv @ c @ _swap(inv)
    return GradTuple((_swap(dgrad) if upper else dgrad, _swap(dlower) if upper else dlower))


def _inverse_gaps(w):
    """``1 / (w_j - w_i)`` at ``[i, j]``, zero where the eigenvalues coincide."""
    gap = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    return np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))


def eigh_adjoint_tangent(grad, result, dresult):
    """The tangent of ``eigh_adjoint(grad, result)`` along the tangent ``dresult`` of the
    eigendecomposition ``result`` (``grad`` held; the helper is linear in it): the product
    rule through ``sym(V diag(gw) V^T + V (F * (V^T gv)) V^T)``, ``F = 1 / (w_j - w_i)``."""
    w, v = result
    gw, gv = grad
    dw, dv = dresult
    vt = _swap(v)
    s = np.zeros_like(v)
    if gw is not None and dv is not None:
        s = s + 2.0 * ((dv * np.expand_dims(gw, -2)) @ vt)  # symmetrized below
    if gv is not None:
        off = _inverse_gaps(w)
        projected = vt @ gv
        if dw is not None:
            dgap = np.expand_dims(dw, -2) - np.expand_dims(dw, -1)
            s = s + v @ (-off * off * dgap * projected) @ vt
        if dv is not None:
            m = off * projected
            s = s + dv @ m @ vt + v @ m @ _swap(dv) + v @ (off * (_swap(dv) @ gv)) @ vt
    return 0.5 * (s + _swap(s))


def eigh_adjoint_adjoint(cot, grad, result):
    """The adjoints of ``eigh_adjoint(grad, result)`` for the cotangent ``cot``:
    ``((dgw, dgv), (dw, dv))``.  With ``C`` the symmetric part of ``cot``, ``B = V^T C V``,
    ``F = 1 / (w_j - w_i)`` and ``N = diag(gw) + F * (V^T gv)``: ``dgw = diag(B)``,
    ``dgv = V (F * B)``, ``dV = C V (N + N^T) + gv (F * B)^T`` and ``dw`` from ``dF``."""
    w, v = result
    gw, gv = grad
    c = 0.5 * (cot + _swap(cot))
    vt = _swap(v)
    b = vt @ c @ v
    off = _inverse_gaps(w)
    n = np.zeros_like(b)
    dgw = dgv = None
    dw = np.zeros_like(w)
    if gw is not None:
        dgw = np.diagonal(b, axis1=-2, axis2=-1)
        n = n + np.where(_on_diagonal(np.shape(b), -2, -1, 0, _library_array(b)), np.expand_dims(gw, -2), 0.0)
    dv = None
    if gv is not None:
        fb = off * b
        dgv = v @ fb
        projected = vt @ gv
        n = n + off * projected
        h = -b * projected * off * off
        dw = np.sum(h, axis=-2) - np.sum(h, axis=-1)
        dv = gv @ _swap(fb)
    dv = c @ v @ (n + _swap(n)) + (0.0 if dv is None else dv)
    return GradTuple((GradTuple((dgw, dgv)), GradTuple((dw, dv))))


def solve_adjoint_tangent(grad, result, a, b, dresult=None, da=None):
    """The tangent of ``solve_adjoint(grad, result, a, b)`` along the tangent ``dresult`` of
    ``result`` or ``da`` of ``a`` (pass one; ``grad`` held: the helper is linear in it).
    With ``db = a^-T g``: along ``da``, ``d(db) = -a^-T da^T db``; along ``dresult``,
    only ``da = -db z^T`` moves."""
    vector = np.ndim(b) == 1
    g = np.expand_dims(grad, -1) if vector else grad
    z = np.expand_dims(result, -1) if vector else result
    db = np.linalg.solve(_swap(a), g)
    if da is not None:
        ddb = -np.linalg.solve(_swap(a), _swap(da) @ db)
        dda = -(ddb @ _swap(z))
    else:
        dz = np.expand_dims(dresult, -1) if vector else dresult
        ddb = np.zeros_like(db)
        dda = -(db @ _swap(dz))
    return GradTuple((unbroadcast(dda, a), np.reshape(unbroadcast(ddb, np.expand_dims(b, -1) if vector else b), np.shape(b))))


def solve_adjoint_adjoint(cot, grad, result, a, b):
    """The adjoints of ``solve_adjoint(grad, result, a, b)`` for the cotangent
    ``cot = (ca, cb)``: ``(dgrad, dresult, da)``.  The cotangent of ``db = a^-T g`` is
    ``cb - ca z``; then ``dg = a^-1 (cb - ca z)``, ``da = -db dg^T``, ``dz = -ca^T db``."""
    vector = np.ndim(b) == 1
    g = np.expand_dims(grad, -1) if vector else grad
    z = np.expand_dims(result, -1) if vector else result
    db = np.linalg.solve(_swap(a), g)
    ca, cb = cot
    ca = np.zeros_like(a) if ca is None else ca
    cb = np.zeros_like(db) if cb is None else (np.expand_dims(cb, -1) if vector else cb)
    ca = _broadcast_to(ca, np.shape(db)[:-2] + np.shape(ca)[-2:], db)
    cdb = cb - ca @ z
    dg = np.linalg.solve(a, cdb)
    dgrad = unbroadcast(dg, g)
    dz = unbroadcast(-(_swap(ca) @ db), z)
    dgrad, dz = (dgrad[..., 0], dz[..., 0]) if vector else (dgrad, dz)
    return GradTuple((dgrad, dz, unbroadcast(-(db @ _swap(dg)), a)))


def hypot_adjoint(grad, result, coordinates):
    """The adjoints of ``math.hypot(*coordinates)``: ``grad * c / result`` for each coordinate."""
    return GradTuple(grad * c / result for c in coordinates)


def dist_adjoint(grad, result, p, q):
    """The adjoints ``(dp, dq)`` of ``math.dist(p, q)``: ``grad * (p - q) / result`` and its negative."""
    dp = GradTuple(grad * (a - b) / result for a, b in zip(p, q))
    return GradTuple((dp, GradTuple(-t for t in dp)))


def _inner_items(a, b):
    """The sum of the products of the paired items of ``a`` and ``b`` (``None`` is zero)."""
    total = 0.0
    for x, y in zip(a, b):
        if x is not None and y is not None:
            total = total + (np.sum(x * y) if np.ndim(x) or np.ndim(y) else x * y)
    return total


def hypot_adjoint_adjoint(cot, grad, result, coordinates):
    """The adjoints of ``hypot_adjoint(grad, result, coordinates)`` for the cotangent ``cot``
    (one per coordinate): ``(dgrad, dresult, dcoordinates)``."""
    inner = _inner_items(cot, coordinates)
    return GradTuple((inner / result, -grad * inner / (result * result), hypot_adjoint(grad, result, [0.0 if c is None else c for c in cot])))


def dist_adjoint_adjoint(cot, grad, result, p, q):
    """The adjoints of ``dist_adjoint(grad, result, p, q)`` for the cotangent ``cot = (cp, cq)``:
    ``(dgrad, dresult, dp, dq)``."""
    cp, cq = cot
    e = [(0.0 if x is None else x) - (0.0 if y is None else y) for x, y in zip(cp, cq)]
    inner = _inner_items(e, [a - b for a, b in zip(p, q)])
    dp = hypot_adjoint(grad, result, e)
    return GradTuple((inner / result, -grad * inner / (result * result), dp, GradTuple(-t for t in dp)))


def extremum_args_pick(cot, grad, result, args):
    """The adjoint in ``grad`` of ``extremum_args_adjoint(grad, result, args)``: the cotangent
    of the argument that received ``grad`` (the first equal to the result)."""
    items = args[0] if len(args) == 1 else args
    cot = cot[0] if len(args) == 1 else cot
    for i, x in enumerate(items):
        if np.all(x == result):
            return zeros_like(grad) if cot[i] is None else unbroadcast(cot[i], grad)
    return zeros_like(grad)


def sum_adjoint_adjoint(cot, grad, items):
    """The adjoint in ``grad`` of ``sum_adjoint(grad, items)``: the items' cotangents summed,
    each broadcast back to ``grad``'s shape."""
    if isinstance(items, (tuple, list)):
        total = zeros_like(grad)
        for c in cot:
            if c is not None:
                total = total + rebroadcast(c, grad)
        return total
    return unbroadcast(np.sum(cot, axis=0), grad)


def restack(cot, like):
    """The adjoint of ``unstack(grad, like)``: the (nested) cotangents stacked into one array."""
    if isinstance(like, (tuple, list)):
        return np.stack([restack(c, x) for c, x in zip(cot, like)])
    return zeros_like(like) if cot is None else cot
