"""The values generated code carries besides arrays: container adjoints and saved shapes.

``GradTuple`` is the adjoint of a tuple or list (it adds element by element), ``GradDict``
of a dict or of an object's attributes (``is_record``);
``ShapeOf`` is what the forward sweep saves of a value whose shape alone the
backward sweep reads (``shape_of``), with ``SHAPE_ONLY_ARGUMENTS`` saying which
arguments those are; ``size_of`` reads a size from a shape alone.
"""

import dataclasses
import math
import types

import numpy as np


class GradTuple(tuple):
    """The adjoint of a tuple or list value: one adjoint per element.

    ``+`` adds element by element (a plain tuple would concatenate), so
    generated code accumulates container adjoints with the same ``+`` it uses
    for arrays; ``None`` is the zero of an element that has no derivative, or
    (in a :class:`SparseTuple`) of one that received no adjoint.  Numpy defers
    to it instead of converting it to an array.
    """

    __slots__ = ()
    __array_ufunc__ = None

    def __add__(self, other):
        if not isinstance(other, (tuple, list)) or len(other) != len(self):
            return NotImplemented
        # the entries as held: None where a SparseTuple has none (its own iteration would give zeros)
        theirs = other if type(other) is list else tuple.__iter__(other)
        out = [b if a is None else a if b is None else a + b for a, b in zip(tuple.__iter__(self), theirs)]
        like = self.like if type(self) is SparseTuple else other.like if type(other) is SparseTuple else None
        if like is not None:
            for entry in out:
                if entry is None:
                    return SparseTuple(out, like)
        return GradTuple(out)

    __radd__ = __add__

    def __repr__(self):
        return f"GradTuple({tuple.__repr__(self)})"


class SparseTuple(GradTuple):
    """A tuple's or list's adjoint that only some entries received: ``None`` elsewhere,
    read as zeros like the entries of ``like``, the primal container.

    The adjoint of reading one entry (``p.W``, ``t[i]``) is one, so a read costs the entry's
    adjoint, not zeros of every entry; ``+`` adds only the entries both have.  Reading an
    entry (``t_bar[0]``, unpacking, iterating, ``tuple(t_bar)``, numpy converting it) gives
    zeros where it holds ``None``, so rules and generated code that read the adjoints of a
    tuple's entries read arrays, and a user's gradient (:mod:`s2s.structure`) has zeros in
    its argument's structure.
    """

    __array_ufunc__ = None

    def __new__(cls, items=(), like=None):
        out = tuple.__new__(cls, items)
        out.like = like
        return out

    def __getitem__(self, index):
        part = tuple.__getitem__(self, index)
        if isinstance(index, slice):
            return SparseTuple(part, None if self.like is None else self.like[index])
        if part is None and self.like is not None:
            return zeros_like(self.like[index])
        return part

    def __iter__(self):
        if self.like is None:
            return tuple.__iter__(self)
        return (zeros_like(v) if a is None else a for a, v in zip(tuple.__iter__(self), self.like))

    def __reduce__(self):
        return GradTuple, (tuple(self),)

    def __repr__(self):
        return f"SparseTuple({tuple.__repr__(self)})"




class GradDict(dict):
    """The adjoint of a dict value (``params["W1"]``): adjoints of the entries read, by key.

    ``+`` merges by key, adding where both have one, so reads of several entries
    accumulate as the adjoints of arrays do; an entry never read has none (the
    transforms fill in zeros for a dict argument's gradient)."""

    __slots__ = ()
    __array_ufunc__ = None

    def __add__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        out = GradDict(self)
        for key, value in other.items():
            out[key] = value if key not in out or out[key] is None else out[key] if value is None else out[key] + value
        return out

    __radd__ = __add__

    def __iadd__(self, other):
        """``+``, merged into this dict: generated code writes ``p_bar += e`` only where
        ``p_bar`` is owned, a dict no other name or container holds (:mod:`s2s.optimize.inplace`).
        The entries are added as ``+`` adds them, into new values, never in place."""
        if not isinstance(other, dict):
            return NotImplemented
        for key, value in other.items():
            mine = self.get(key)
            if mine is None:
                self[key] = value
            elif value is not None:
                self[key] = mine + value
        return self

    def __missing__(self, key):
        return 0.0  # an entry that received no adjoint or tangent: zero, which broadcasts

    def copy(self):
        return GradDict(self)

    def __repr__(self):
        return f"GradDict({dict.__repr__(self)})"


def is_record(value):
    """Whether ``value`` is an object whose adjoint is a ``GradDict`` by attribute name: a
    dataclass instance, or an instance of a plain class (attributes in its ``__dict__``)
    that is not an array."""
    if isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType)):
        return False
    if dataclasses.is_dataclass(value):
        return True
    return hasattr(value, "__dict__") and not hasattr(value, "__array_function__") and not hasattr(value, "__array_ufunc__")


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
    if kind is np.ndarray:
        return ShapeOf(value.shape)
    if kind is float or kind is int or kind is tuple or kind is list or kind is bool or kind is GradTuple or kind is SparseTuple or kind is dict:
        return value  # a Python scalar is as small as its shape; a container keeps references
    return ShapeOf(np.shape(value))


# Positions of arguments that helpers and numpy functions read only the shape of.
SHAPE_ONLY_ARGUMENTS = {"unbroadcast": 1, "unreduce": 1, "unpacked_adjoint": 1, "np.shape": 0, "np.ndim": 0, "np.size": 0, "size_of": 0, "fit_to": 1}


def size_of(value, axis=None):
    """``np.size(value, axis)`` from the shape alone: dask has no ``np.size`` (its
    fallback computes the array), and a :class:`ShapeOf` has no data."""
    shape = np.shape(value)
    if axis is not None:
        return int(shape[axis])
    return math.prod(int(n) for n in shape)


def zeros_like(value):
    """A zero adjoint shaped like ``value``: zeros for arrays and numbers, a :class:`SparseTuple`
    with no entries for a tuple or list (read, an entry is zeros like its value), an empty
    ``GradDict`` for a dict or an object with attributes, whose adjoints are by key or name;
    ``None`` for what has no derivative."""
    kind = type(value)
    if kind is np.ndarray:
        if value.ndim <= 1:  # no layout to keep: np.zeros, at a fifth of np.zeros_like's cost
            return np.zeros(value.shape, value.dtype)
        return np.zeros_like(value)
    if kind is float:
        return 0.0
    if kind is list or kind is tuple:  # plain containers, without asking whether they are records
        return SparseTuple((None,) * len(value), value)
    if value is None or isinstance(value, (ShapeOf, str)):
        return None  # no derivative: a placeholder, a saved shape, a name
    if isinstance(value, dict) or is_record(value):
        return GradDict()
    if isinstance(value, (tuple, list)):
        return SparseTuple((None,) * len(value), value)
    if isinstance(value, (bool, int, float, complex)):
        return type(value)(0) if not isinstance(value, bool) else 0.0
    return np.zeros_like(value)

