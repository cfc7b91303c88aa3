"""Dicts, NamedTuples and dataclasses built and read inside a differentiated function, as values.

Normalization writes a dict literal ``{"a": x, "b": y}`` as ``dict_of(("a", "b"), [x, y])``
(so its values are a list, whose adjoint s2s knows) and ``d.items()``, ``d.values()``,
``d.keys()`` as ``items_of(d)``, ``values_of(d)``, ``keys_of(d)`` (lists, which loops
index); ``d[k] = v`` is ``updated(d, k, v)`` as for lists.  The adjoint of a dict is a
``GradDict`` by key; ``dict_entries``, ``item_tangents`` and ``unitems``/``unvalues`` move adjoints between
the two forms (each is the transpose of the other's linear map).  A NamedTuple or dataclass
built in the function is ``record_of(cls, names, values)``; ``record_entries`` and
``record_adjoint`` move its adjoints likewise.
"""

from .seeds import zeros_like
from .values import GradDict, GradTuple


def dict_of(keys=(), values=()):
    """The dict ``{keys[0]: values[0], ...}`` (a dict literal; ``{}`` without arguments)."""
    return dict(zip(keys, values))


def dict_entries(grad, like):
    """The adjoint of ``dict_of(keys, values)`` in ``values``, for the dict ``like`` it made (or
    its keys): the adjoint of each key's entry, zeros (``None`` for keys alone) for an entry
    that received none."""
    if not isinstance(like, dict):
        return GradTuple(grad.get(key) for key in like)
    return GradTuple(zeros_like(entry) if grad.get(key) is None else grad[key] for key, entry in like.items())


def _mapping(d, method):
    if not isinstance(d, dict):
        raise TypeError(f"s2s reads `.{method}()` and `dict(d)` of a dict only, not of a {type(d).__name__}: "
                        "build the dict with a literal, a comprehension or `d[k] = v`")
    return d


def keys_of(d):
    """``list(d.keys())``."""
    return list(_mapping(d, "keys"))


def values_of(d):
    """``list(d.values())``."""
    return list(_mapping(d, "values").values())


def items_of(d):
    """``list(d.items())``."""
    return list(_mapping(d, "items").items())


def unvalues(grad, like):
    """The adjoint of ``values_of(like)``: the adjoint of each value, by its key."""
    return GradDict((key, g) for key, g in zip(like, grad) if g is not None)


def unitems(grad, like):
    """The adjoint of ``items_of(like)``: the adjoint of each ``(key, value)`` pair's value, by key."""
    return GradDict((key, g[1]) for key, g in zip(like, grad) if g is not None and g[1] is not None)


def item_tangents(grad, like):
    """The tangent of ``items_of(like)`` for the dict tangent ``grad``: ``(None, tangent)`` pairs
    in ``like``'s order (a key has no derivative)."""
    return GradTuple(GradTuple((None, grad.get(key))) for key in like)


def record_of(cls, names, values):
    """``cls(**dict(zip(names, values)))``: a NamedTuple or dataclass built in the function."""
    return cls(**dict(zip(names, values)))


def record_entries(grad, like, names):
    """The adjoint of ``record_of(cls, names, values)`` in ``values``, for the record ``like`` it
    made: the adjoint of each named field (by position for a NamedTuple's ``GradTuple``, by
    name for a ``GradDict``), zeros for a field that received none."""
    out = []
    for name in names:
        g = None
        if isinstance(grad, dict):
            g = grad.get(name)
        elif grad is not None and not isinstance(grad, dict):
            g = grad[like._fields.index(name)] if isinstance(grad, tuple) and hasattr(like, "_fields") else getattr(grad, name)
        out.append(zeros_like(getattr(like, name)) if g is None else g)
    return GradTuple(out)


def record_adjoint(grads, like, names):
    """The transpose of ``record_entries``: the adjoints of the named fields as the adjoint of
    the record ``like`` (a ``GradTuple`` by position for a NamedTuple, else a ``GradDict``)."""
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        out = [None] * len(like)
        for name, g in zip(names, grads):
            out[like._fields.index(name)] = g
        return GradTuple(out)
    return GradDict((name, g) for name, g in zip(names, grads) if g is not None)
