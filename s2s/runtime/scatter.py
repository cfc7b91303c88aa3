"""Scatter: adjoints that place values at the positions an index selected.

The adjoints of ``x[index]`` (``unindex``), ``np.take``, ``np.take_along_axis``,
``np.sort`` and ``np.pad``.  Repeated positions accumulate: ``np.add.at`` on
numpy arrays, a weighted ``np.bincount`` of flat positions on the libraries
without it (cupy, dask).
"""

import math

import numpy as np

from .broadcasting import unbroadcast
from .dispatch import broadcast_like, library_array, library_zeros
from .seeds import zeros_like
from .values import GradDict, GradTuple, SparseTuple, size_of


def add_at(total, index, grad):
    """``total + unindex(grad, total, index)``, written into ``total`` (compiled code's in-place
    accumulation, :mod:`s2s.optimize.inplace`); repeated indices summed."""
    if _is_basic_index(index):
        total[index] += grad
    else:
        np.add.at(total, index, grad)


def unindex(grad, like, index):
    """The adjoint of ``like[index]``: ``grad`` placed at ``index`` in zeros (a dict's: by key; a
    tuple's or list's: a :class:`~s2s.runtime.values.SparseTuple` holding ``grad`` alone)."""
    if type(like) is np.ndarray and (type(index) is int or type(index) is slice) and (
            type(grad) is float or type(grad) in (np.ndarray, np.float64) and grad.dtype.kind != "c"):
        out = np.zeros(like.shape, like.dtype)  # what library_zeros gives a numpy array and a real grad
        out[index] = grad
        return out
    if isinstance(like, dict):
        return GradDict({index: grad})
    if isinstance(like, (tuple, list)):  # the entries read; the others None (read as zeros)
        out = [None] * len(like)
        if isinstance(index, slice):
            for i, g in zip(range(*index.indices(len(like))), grad):
                out[i] = g
        else:
            out[index] = grad
        return SparseTuple(out, like)
    out = library_zeros(like, grad)
    if _is_basic_index(index):
        out[index] = grad
        return out
    return _scatter_add(out, index, grad)


def unattribute(grad, like, name):
    """The adjoint of ``like.name``: by attribute name (a dataclass's or an object's field), or
    by position for a NamedTuple, whose reads by index and by name then add up."""
    kind = type(like)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = _fields_of(kind)
    if fields is True:  # a dataclass or an object: by name
        out = GradDict()
        out[name] = grad
        return out
    if fields is False:
        raise TypeError(f"s2s cannot differentiate the attribute `.{name}` of an array")
    out = [None] * len(like)  # a NamedTuple: by position
    out[fields.index(name)] = grad
    return SparseTuple(out, like)


def unattributes(like, /, **grads):
    """The adjoint of reads of several fields of ``like`` (distinct names), built at once: the
    sum of :func:`unattribute` of each (``unattributes(p, a=ga, b=gb)`` is
    ``unattribute(ga, p, "a") + unattribute(gb, p, "b")``, which differentiating it again reads)."""
    kind = type(like)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = _fields_of(kind)
    if fields is True:
        return GradDict(grads)
    if fields is False:
        raise TypeError(f"s2s cannot differentiate the attributes {', '.join('.' + n for n in grads)} of an array")
    out = [None] * len(like)
    for name, grad in grads.items():
        out[fields.index(name)] = grad
    return SparseTuple(out, like) if any(g is None for g in out) else GradTuple(out)  # as their sum would be


_FIELDS = {}  # type -> its NamedTuple fields, True (adjoints by name) or False (an array): unattribute's look, once per type


def _fields_of(kind):
    fields = getattr(kind, "_fields", None)
    if fields is not None and issubclass(kind, tuple):
        return tuple(fields)
    if hasattr(kind, "__array_function__") or hasattr(kind, "__array_ufunc__"):
        return False
    return True


def field_tangent(tangent, like, name):
    """The tangent of ``like.name`` for the tangent ``tangent`` of ``like``: its attribute when
    it is a record like ``like`` (a tangent the user gave, one ``record_of`` built), else the
    entry of a zero-started ``GradTuple`` (a NamedTuple's, by position) or ``GradDict`` (by
    name), zeros where it has none."""
    if isinstance(tangent, GradDict):
        part = tangent.get(name)
    elif isinstance(tangent, GradTuple):
        part = tangent[like._fields.index(name)]
    else:
        return getattr(tangent, name)
    return zeros_like(getattr(like, name)) if part is None else part


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
        for p in parts
    )


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
    if type(out) is np.ndarray and library_array(values) is None:
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
    weights = np.ravel(broadcast_like(values, np.shape(positions), like))
    flat = np.ravel(positions)
    if library_array(flat) is None and library_array(weights) is not None:
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


def untake(grad, a, indices, axis=None):
    """The adjoint of ``np.take``: scatter-add ``grad`` back."""
    if axis is None:
        return np.reshape(_scatter_add(library_zeros(np.ravel(a), grad), indices, grad), np.shape(a))
    axis = axis % np.ndim(a)
    return _scatter_add(library_zeros(a, grad), (slice(None),) * axis + (indices,), grad)


def untake_along_axis(grad, arr, indices, axis=-1):
    """The adjoint of ``np.take_along_axis``: scatter-add ``grad`` back."""
    if axis is None:
        return np.reshape(untake(grad, np.ravel(arr), indices, 0), np.shape(arr))
    axis = axis % np.ndim(grad)
    shape = list(np.shape(grad))
    shape[axis] = np.shape(arr)[axis]
    lib = library_array(grad, indices, arr)
    out = np.zeros_like(arr if lib is None else lib, dtype=np.result_type(arr, grad) if np.iscomplexobj(grad) else getattr(arr, "dtype", None), shape=tuple(shape))
    if lib is None:
        index = tuple(
            np.broadcast_to(indices, np.shape(grad)) if i == axis
            else np.reshape(np.arange(n), tuple(n if j == i else 1 for j in range(len(shape))))
            for i, n in enumerate(np.shape(grad))
        )
        np.add.at(out, index, grad)
        return unbroadcast(out, arr)
    # no np.add.at: the flat position of each entry of grad in out, then a bincount
    if library_array(indices) is None:
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


def unsort(grad, a, axis=-1):
    """The adjoint of ``np.sort(a, axis)``: ``grad`` put back where each entry came from."""
    if axis is None:
        return np.reshape(unsort(grad, np.ravel(a), -1), np.shape(a))
    order = np.argsort(a, axis=axis, kind="stable")
    return np.take_along_axis(grad, np.argsort(order, axis=axis, kind="stable"), axis=axis)


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
