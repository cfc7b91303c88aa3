"""Gradients in the structure and types of the arguments they belong to.

Takes what a generated entry returns (arrays, numbers, ``GradTuple``s and
``GradDict``s of them) and the arguments of the call; gives each gradient its
argument's structure: a Python float for a float, a dict with all its keys for
a dict, the same NamedTuple, dataclass, list or tuple type, an object of the
same class (``wrt="self"``), zeros where the function read nothing, the real
part where complex intermediates gave a real argument a complex adjoint.
:mod:`s2s.api`'s wrapper calls it on every call.
"""

import copy
import dataclasses
import functools

import numpy as np

from .runtime import zeros_like
from .runtime.values import GradDict, is_record


def _array_like(g, value):
    """:func:`_like` where ``value`` is a numpy array or a Python number."""
    kind = type(value)
    if kind is np.ndarray and type(g) is np.ndarray and (g.dtype is value.dtype or g.dtype == value.dtype):
        return g
    if kind is float and (type(g) is float or type(g) is np.float64):
        return g if type(g) is float else float(g)
    return _like(g, value)


def _match_types(grads, arguments, wrt_names, single):
    """Give each gradient its argument's structure and types (:func:`_like`)."""
    if single:
        return _like(grads, arguments.get(wrt_names[0]))
    return tuple(_like(g, arguments.get(n)) for n, g in zip(wrt_names, grads))


def _like(g, value):
    """The gradient ``g`` of ``value`` in ``value``'s structure and types: a Python float for a
    float; a dict of its type with all its keys for a dict; the same NamedTuple, dataclass or
    list/tuple type for those, element by element; zeros where the function read nothing.

    A gradient that is an array of another library (a 0-d cupy or dask array) stays
    one: ``float()`` of it would synchronise the device or compute the graph."""
    kind = type(value)
    if kind is np.ndarray and type(g) is np.ndarray and g.dtype == value.dtype:
        return g  # the common leaf, at once
    if kind is float and (type(g) is float or type(g) is np.float64):
        return float(g)
    if type(g) is GradDict:  # a dataclass's fields, rebuilt at once where it keeps them in __dict__
        names = _RECORDS.get(kind)
        if names is None:
            names = _RECORDS[kind] = _plain_record(kind)
        if names and type(getattr(value, "__dict__", None)) is dict:
            return _record_like(g, value, names)
    if g is None:  # nothing read: zeros, in the value's structure
        if isinstance(value, (tuple, list)):
            g = (None,) * len(value)
        elif isinstance(value, dict) or is_record(value):
            g = {}
        else:
            return zeros_like(value)
    if type(value) is float:
        g = _real_like(g, value)
        return float(g) if isinstance(g, (float, int, np.ndarray, np.generic)) and np.ndim(g) == 0 else g
    if isinstance(value, dict) and isinstance(g, dict):
        out = type(value)()
        for key, entry in value.items():
            out[key] = _like(g.get(key), entry)
        return out
    if isinstance(value, tuple) and hasattr(value, "_fields") and isinstance(g, tuple):
        return _fields_like(dict(zip(value._fields, g)), value)
    if isinstance(g, dict) and (hasattr(value, "_fields") or dataclasses.is_dataclass(value)):
        return _fields_like(g, value)
    if isinstance(g, dict) and (is_record(value) or hasattr(type(value), "__slots__")):
        return _attributes_like(g, value)
    if isinstance(value, (tuple, list)) and isinstance(g, (tuple, list)) and len(g) == len(value):
        return type(value)(_like(part, entry) for part, entry in zip(g, value))
    return _real_like(g, value)


def _fields_like(g, value):
    """A NamedTuple's or a dataclass's gradient as the same type, field by field: zeros for
    the fields the function never read, the value itself for a field with no derivative
    (a string, a flag, an integer)."""
    named = hasattr(value, "_fields")
    names = value._fields if named else _field_names(type(value))
    parts = {}
    for name in names:
        entry = getattr(value, name)
        grad = g.get(name)
        kind = type(entry)
        if kind is np.ndarray and type(grad) is np.ndarray and grad.dtype == entry.dtype:
            parts[name] = grad  # the common leaves, as _like gives them, without a call
        elif kind is float and (type(grad) is float or type(grad) is np.float64):
            parts[name] = float(grad)
        else:
            parts[name] = _like(grad, entry) if grad is not None or _differentiable(entry) else entry
    if named:
        return type(value)(**parts)
    cls = type(value)
    if _plain_fields(cls) and type(getattr(value, "__dict__", None)) is dict:  # _copy's, the fields set at once
        out = cls.__new__(cls)
        out.__dict__.update(value.__dict__)
        out.__dict__.update(parts)  # what object.__setattr__ does to an instance without slots, frozen too
        return out
    out = _copy(value)
    for name, part in parts.items():
        object.__setattr__(out, name, part)  # frozen dataclasses too
    return out


_RECORDS = {}  # type -> its field names where _record_like may rebuild an instance (see _plain_record), else False


def _plain_record(cls):
    """The field names of a dataclass (not a NamedTuple) whose fields :func:`_fields_like`
    sets as plain ``__dict__`` entries, else False."""
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and not hasattr(cls, "_fields") and _plain_fields(cls):
        return _field_names(cls)
    return False


def _record_like(g, value, names):
    """:func:`_fields_like` of an instance of a dataclass that :func:`_plain_record` names the
    fields of: a new instance with ``value``'s ``__dict__``, each field its gradient."""
    cls = type(value)
    out = cls.__new__(cls)
    fields = out.__dict__
    fields.update(value.__dict__)
    for name in names:
        entry = getattr(value, name)
        grad = g.get(name)
        kind = type(entry)
        if kind is np.ndarray and type(grad) is np.ndarray and grad.dtype == entry.dtype:
            fields[name] = grad
        elif kind is float and (type(grad) is float or type(grad) is np.float64):
            fields[name] = float(grad)
        else:
            fields[name] = _like(grad, entry) if grad is not None or _differentiable(entry) else entry
    return out


@functools.lru_cache(maxsize=256)
def _field_names(cls):
    """The names of a dataclass's fields, in order (``dataclasses.fields``, once per class)."""
    return tuple(f.name for f in dataclasses.fields(cls))


def _copy(value):
    """``copy.copy(value)``; for an instance of a class that customizes no copying or pickling
    (most dataclasses), the same shallow copy made directly: a new instance with the same
    ``__dict__``."""
    cls = type(value)
    if _plain_copy(cls) and type(getattr(value, "__dict__", None)) is dict:
        out = cls.__new__(cls)
        out.__dict__.update(value.__dict__)
        return out
    return copy.copy(value)


@functools.lru_cache(maxsize=256)
def _plain_copy(cls):
    """Whether ``copy.copy`` of a ``cls`` instance is ``cls.__new__(cls)`` with the ``__dict__`` copied."""
    return (
        not hasattr(cls, "__copy__") and cls.__reduce_ex__ is object.__reduce_ex__ and cls.__reduce__ is object.__reduce__
        and getattr(cls, "__getstate__", None) is getattr(object, "__getstate__", None)
        and getattr(cls, "__setstate__", None) is None and not hasattr(cls, "__slots__")
    )


@functools.lru_cache(maxsize=256)
def _plain_fields(cls):
    """Whether a dataclass's fields are plain entries of its instances' ``__dict__``: copied as
    :func:`_copy` copies, and no field name a data descriptor (a property) of the class."""
    return _plain_copy(cls) and not any(
        hasattr(type(getattr(cls, name, None)), "__set__") for name in _field_names(cls))


def _attributes_like(g, value):
    """The gradient of an instance of a plain class (``wrt="self"``): a shallow copy of it whose
    attributes holding floats, inexact arrays or containers hold their gradients (zeros for
    those never read); other attributes (names, flags, integers, generators) are kept as they
    are.  A copy of the same class, as for dataclasses, so ``model.W -= lr * g.W`` reads as
    the user's update does."""
    if hasattr(type(value), "__slots__"):
        raise TypeError(f"s2s gives the gradient of a {type(value).__qualname__} as a copy with gradients in its "
                        "attributes, which needs attributes in __dict__ (no __slots__): make it a dataclass or "
                        "differentiate with respect to the arrays, passed as arguments")
    out = copy.copy(value)
    for name, entry in vars(value).items():
        if g.get(name) is not None or _differentiable(entry):
            object.__setattr__(out, name, _like(g.get(name), entry))
    return out


def _differentiable(value):
    """Whether a value never read has a zero gradient (rather than no derivative at all)."""
    if isinstance(value, (float, complex, dict, list, tuple)) or is_record(value):
        return True
    dtype = getattr(value, "dtype", None)
    return dtype is not None and np.issubdtype(dtype, np.inexact)


def _real_like(g, value):
    """The gradient of a real argument is the real part of the complex adjoint that complex
    intermediates give it (the convention of :mod:`s2s.derivatives.numpy_complex`); :func:`_like`
    asks at each leaf of a container."""
    if isinstance(g, (dict, tuple, list)):
        return g
    if np.iscomplexobj(g) and (isinstance(value, float) or hasattr(value, "dtype")) and not np.iscomplexobj(value):
        return np.real(g)
    return g
