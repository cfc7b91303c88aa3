"""Adjoints of the builtins and ``math`` functions over a sequence of items.

``sum``, ``max``/``min``, ``math.prod``, ``math.hypot`` and ``math.dist``, whose
arguments are lists or tuples of values: each returns a ``GradTuple`` with one
adjoint per item.  The ``*_tangent`` and ``*_adjoint_adjoint`` helpers are their
derivatives, for second order.
"""

import math

import numpy as np

from .broadcasting import rebroadcast, unbroadcast
from .dispatch import broadcast_like
from .seeds import zeros_like
from .values import GradTuple


def sum_adjoint(grad, items):
    """The adjoint of the builtin ``sum(items)``: ``grad`` for each item."""
    if isinstance(items, (tuple, list)):
        return GradTuple(unbroadcast(grad, x) for x in items)
    return broadcast_like(grad, np.shape(items), items)


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


def extremum_args_adjoint(grad, result, args):
    """The adjoints of the builtins ``max``/``min``: the first argument equal to the result."""
    items = args[0] if len(args) == 1 else args
    out = [zeros_like(x) for x in items]
    for i, x in enumerate(items):
        if _equal(x, result):
            out[i] = grad
            break
    return (GradTuple(out),) if len(args) == 1 else GradTuple(out)


def _equal(x, result):
    """``np.all(x == result)``; a comparison of numbers read at once (``max(0.2, h)`` in a loop)."""
    same = x == result
    kind = type(same)
    if kind is bool or kind is np.bool_:
        return bool(same)
    return bool(np.all(same))


def extremum_args_pick(cot, grad, result, args):
    """The adjoint in ``grad`` of ``extremum_args_adjoint(grad, result, args)``: the cotangent
    of the argument that received ``grad`` (the first equal to the result)."""
    items = args[0] if len(args) == 1 else args
    cot = cot[0] if len(args) == 1 else cot
    for i, x in enumerate(items):
        if _equal(x, result):
            return zeros_like(grad) if cot[i] is None else unbroadcast(cot[i], grad)
    return zeros_like(grad)


def prod_items_adjoint(grad, items, start=1):
    """The adjoint of ``math.prod(items, start=start)``: the product of the others, per item."""
    items = list(items)
    return GradTuple(unbroadcast(grad * start * math.prod(items[:i] + items[i + 1:]), x) for i, x in enumerate(items))


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


def sequence_length(seq):
    """``len(seq)``, for a loop that indexes ``seq`` by position. A dict is refused: a loop over it
    iterates its keys, which indexing by position would not give."""
    if isinstance(seq, dict):
        raise TypeError("a loop over a dict iterates its keys, and s2s indexes what a loop iterates: write "
                        "`for k in d.keys()` (or `d.items()`, `d.values()`), which s2s differentiates")
    return len(seq)
