"""Seeds and zeros: the adjoints a backward sweep starts from or resets to.

``seed_scalar``/``seed_like`` give the seed 1 of a scalar output (in the
arguments' dtype and library); ``zeros_like`` the zero adjoint of any value
(``None`` where a value has no derivative); ``zeroed`` an adjoint with the
entry of an overwritten item reset to zero.
"""

import dataclasses

import numpy as np

from .values import GradDict, GradTuple, SparseTuple, zeros_like

_FLOAT64 = np.dtype(np.float64)


def seed_like(*arguments):
    """The seed 1 of an output known to be a scalar, without the output: in the
    floating dtype of the arguments differentiated for (float32 arrays give a
    float32 seed, as the output they make would be) and their array library,
    or a Python float (for float64 numpy arrays too: the same arithmetic, faster)."""
    for a in arguments:  # the common call: Python floats, float64 numpy arrays and dataclasses, at once
        kind = type(a)
        if not (kind is float or kind is np.ndarray and a.dtype is _FLOAT64):
            record = _RECORDS.get(kind)
            if record is None:
                record = _RECORDS[kind] = _record_type(kind)
            if not record:
                break
    else:
        return 1.0
    arrays = []
    numpy_only = True  # every inexact argument a numpy array
    for a in arguments:
        kind = type(a)
        if kind is float:
            continue
        if kind is np.ndarray:  # the common argument, at once
            if a.dtype.kind in ("f", "c"):
                arrays.append(a)
            continue
        for v in a if isinstance(a, (tuple, list)) else (a,):
            kind = type(v)
            if kind is float or kind is int:  # a NamedTuple's or list's numbers
                continue
            if getattr(getattr(v, "dtype", None), "kind", None) in ("f", "c"):  # inexact
                arrays.append(v)
                # a numpy scalar (np.log(0.3) in a NamedTuple) is numpy's too
                numpy_only = numpy_only and (kind is np.ndarray or isinstance(v, np.generic))
    if not arrays:
        return 1.0
    if numpy_only:  # what the general case gives numpy, sooner
        dtype = arrays[0].dtype
        if len(arrays) > 1 and any(v.dtype != dtype for v in arrays):
            dtype = np.result_type(*{v.dtype for v in arrays})
        # float64 arithmetic is a Python float's, at a fraction of a numpy scalar's cost
        return 1.0 if dtype == np.float64 else dtype.type(1)
    one = np.ones_like(arrays[0], dtype=np.result_type(*(v.dtype for v in arrays)), shape=())
    return one[()] if isinstance(one, np.ndarray) else one  # a 0-d array of the arguments' library


_RECORDS = {}  # type -> whether seed_like reads no dtype off its instances (see _record_type)


def _record_type(kind):
    """Whether ``kind`` is a dataclass (not a tuple or list) with no ``dtype`` of its own or of
    its fields': :func:`seed_like` reads nothing of its instances, in any call."""
    return (dataclasses.is_dataclass(kind) and not issubclass(kind, (tuple, list)) and not hasattr(kind, "dtype")
            and "dtype" not in kind.__dataclass_fields__ and not hasattr(kind, "__getattr__"))


def seed_scalar(value, name="the function"):
    """The seed adjoint 1 of a scalar output; ``ValueError`` for any other shape."""
    if type(value) is float:
        return 1.0
    if type(value) is np.float64:
        return np.float64(1.0)  # what np.ones_like gives it, at a tenth of the cost
    shape = np.shape(value)
    if shape != ():
        raise ValueError(
            f"grad needs a scalar output, but {name} returned an array of shape "
            f"{shape}; use s2s.vjp to pull back a non-scalar output"
        )
    return np.ones_like(value) if hasattr(value, "dtype") else 1.0


def zeroed(grad, index):
    """A copy of ``grad`` with zeros at ``index`` (the adjoint of an overwritten item)."""
    if type(grad) is np.ndarray:  # the common case, first
        out = grad.copy()
        out[index] = 0
        return out
    if type(grad) is SparseTuple:
        out = list(tuple.__iter__(grad))
        out[index] = None
        return SparseTuple(out, grad.like)
    if isinstance(grad, (tuple, list)):
        out = list(grad)
        out[index] = zeros_like(out[index])
        return GradTuple(out)
    if isinstance(grad, dict):
        out = GradDict(grad)
        out.pop(index, None)
        return out
    out = grad.copy()
    out[index] = 0
    return out
