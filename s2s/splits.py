"""Equal splits: the shapes of ``np.split``'s parts, and the sizes a variant knows to be
multiples of others.

``i, f, o, g = np.split(z, 4, axis=1)`` (an LSTM's gates) gives parts of one shape, ``z``'s
with the split dimension a quarter as long.  :func:`split_key` is that fact for
:mod:`s2s.shapes`: a list of parts alike.  A quarter of a dimension is a symbol of its own
(``"b/4"``, equal only to itself), unless the variant's key says which size it is: a call's
sizes that are ``k`` times another of its sizes, for the ``k`` the function splits by
(:func:`split_factors`, recorded in the general code's header), are spelled so in the key
(``"4c"``, :func:`s2s.variants.key_of`), and a quarter of ``"4c"`` is ``c``.  The state an
LSTM carries through its loop, made of the gates, then keeps the shape ``(a, c)`` of the
state it starts from, and the reverse sweep no longer reduces by ``unbroadcast`` nor saves
shapes.
"""

import gast
import numpy

from .variants import multiple, sequence_fields, spell_multiple

SPLITS = {numpy.split, numpy.array_split}


def split_factors(fdef):
    """The numbers of equal parts function ``fdef`` (parsed, its calls resolved) splits arrays
    into with ``np.split(x, k, ...)`` or ``np.array_split``, ``k`` an integer constant: the
    factors :func:`s2s.variants.key_of` spells sizes by."""
    found = set()
    for node in gast.walk(fdef):
        fn = getattr(node, "s2s_target", None) if isinstance(node, gast.Call) else None
        if (fn is numpy.split or fn is numpy.array_split) and len(node.args) >= 2:
            k = _int_constant(node.args[1])
            if k is not None and k > 1:
                found.add(k)
    return tuple(sorted(found))


def split_key(fn, rhs, dims_of):
    """The class (:mod:`s2s.shapes`) of ``np.split(x, k, axis)`` (or ``np.array_split``) into
    ``k`` parts, an integer constant: a list of ``k`` arrays alike, each of ``x``'s shape
    (``dims_of(x)``, None where unknown) with the split dimension :func:`part_dimension`;
    None where a part's length is not known (``np.array_split`` of a dimension ``k`` may
    not divide: parts of two lengths)."""
    options = dict(zip(("ary", "indices_or_sections", "axis"), rhs.args))
    options.update((k.arg, k.value) for k in rhs.keywords)
    if len(options) != len(rhs.args) + len(rhs.keywords) or set(options) - {"ary", "indices_or_sections", "axis"}:
        return None
    shape = dims_of(options["ary"]) if "ary" in options else None
    k = _int_constant(options.get("indices_or_sections"))
    axis = _int_constant(options.get("axis", gast.Constant(value=0, kind=None)))
    if shape is None or k is None or k < 1 or axis is None or not -len(shape) <= axis < len(shape):
        return None
    axis %= len(shape)
    part = part_dimension(shape[axis], k, equal=fn is numpy.split)
    if part is None:
        return None
    return sequence_fields([shape[:axis] + (part,) + shape[axis + 1:]] * k)


def part_dimension(d, k, equal):
    """The length of each of ``k`` equal parts of a dimension ``d`` (a size, or a variant's
    symbol): ``d // k`` of a size ``k`` divides; ``c`` of ``"4c"`` (a size the variant knows
    to be 4 times ``c``'s) split in 4, ``"2c"`` in 2; a symbol of its own, ``"d/k"``, for
    any other symbol where the parts are known to be equal (``equal``: ``np.split`` raises
    where they cannot be), which equals only itself: two parts of the same length, nothing
    more (no key spells it, so a callee is not told of it: :func:`s2s.variants.passable`).
    None where nothing is known."""
    if type(d) is int:
        return d // k if d % k == 0 else None
    if not isinstance(d, str):
        return None
    if k == 1:
        return d
    times, base = multiple(d)
    if times % k == 0:
        return spell_multiple(times // k, base)
    return f"{d}/{k}" if equal else None


def _int_constant(node):
    """The integer a constant (``2``, ``-1``) spells, else None."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        value = _int_constant(node.operand)
        return None if value is None else -value
    return node.value if isinstance(node, gast.Constant) and type(node.value) is int else None
