"""Functional forms of methods and item assignment, which normalization rewrites to.

Generated code never mutates a value the backward sweep may read: ``x.append(v)``
becomes ``appended(x, v)`` and ``x[i] = v`` becomes ``updated(x, i, v)``.
``copy_of`` and ``astype`` call the method, which every array library has (dask
has no ``np.copy`` or ``np.astype``).
"""

import numbers

import numpy as np


def copy_of(x, order="K"):
    """``x.copy()``: the method, which every array library has (dask has no ``np.copy``)."""
    return x.copy(order=order) if isinstance(x, np.ndarray) else x.copy()


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(dtype)``: the method (dask has no ``np.astype``); numpy's keywords pass on numpy arrays."""
    if isinstance(x, np.ndarray):
        return x.astype(dtype, order=order, casting=casting, subok=subok, copy=copy)
    return x.astype(dtype)


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


def same_method(obj, name, function):
    """Check that ``obj.name`` is ``function``: generated code calls a method as the function of
    the class s2s knew the object by (the class a method was written in, a parameter's annotation,
    the class that made it), which a subclass may have overridden."""
    if getattr(type(obj), name, None) is not function:
        raise TypeError(
            f"{type(obj).__qualname__}.{name} is not {function.__qualname__}, the method s2s differentiated "
            f"`.{name}(...)` as: differentiate code that knows the object as a {type(obj).__qualname__}")


def require_number(value, message):
    """Check that ``value`` is a number (immutable): ``z = x; z *= y`` then rebinds ``z`` and
    leaves ``x`` as it is, as the generated code does; an array would be written into."""
    if not isinstance(value, (numbers.Number, np.generic)):
        raise TypeError(message)
