"""Recompute cheap saved values in the backward sweep instead of saving them.

Takes an optimized forward sweep and its backward sweep, where the forward
sweep ends ``return saved_tuple`` (``grad`` of a scalar function,
:func:`s2s.transform.drop_value`) or ``return (value, saved_tuple)`` and the
backward sweep starts by unpacking that tuple.  A saved name ``t`` that the
forward sweep computes only to save it, as arithmetic of other saved names
(``u_times_u_minus = u * u - 1.0``), is no longer saved: the backward sweep
computes it from those names, where its readers then take it in
(``du = (u * u - 1.0) * u - f``, as by hand).  The same operations run, once,
on the same values, so every value is the same; what changes is that ``t``
is not kept alive between the sweeps (one array less held per such name)
and the forward sweep does not compute what only the backward sweep reads.

Guarantees: each moved assignment reads only names the backward sweep
unpacks and never reassigns, and nothing else in the forward sweep read it.
"""

import gast

from .layout import is_pair
from .optimize import arithmetic_of, def_use as _counts, names as _names

CHEAP = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def rematerialize(forward, backward):
    """Move the cheap saved values of ``forward`` into ``backward``; True if any moved."""
    if not (forward.body and backward.body and isinstance(forward.body[-1], gast.Return)):
        return False
    ret = forward.body[-1].value
    saved = ret.elts[1] if is_pair(ret) else ret
    unpack = backward.body[0]
    if not (
        isinstance(saved, gast.Tuple) and isinstance(unpack, gast.Assign)
        and isinstance(unpack.targets[0], gast.Tuple) and isinstance(unpack.value, gast.Name)
        and unpack.value.id == backward.args.args[0].id and len(unpack.targets[0].elts) == len(saved.elts)
    ):
        return False
    pairs = list(zip(saved.elts, unpack.targets[0].elts))
    if not all(isinstance(s, gast.Name) and isinstance(t, gast.Name) for s, t in pairs):
        return False
    available = {s.id for s, t in pairs if s.id == t.id}
    f_loads, f_stores = _counts(forward)
    _, b_stores = _counts(backward)
    definitions = {
        stmt.targets[0].id: (i, stmt) for i, stmt in enumerate(forward.body)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
    }
    moved = []
    for t in sorted(available, key=lambda n: definitions.get(n, (len(forward.body),))[0]):
        if t not in definitions or f_stores.get(t) != 1 or f_loads.get(t) != 1 or b_stores.get(t) != 1:
            continue  # computed elsewhere, or read by the forward sweep itself
        stmt = definitions[t][1]
        operands = set(_names(stmt.value, gast.Load))
        if not _cheap(stmt.value) or not operands <= available - {m.targets[0].id for m in moved} - {t}:
            continue
        if any(f_stores.get(n) != 1 or b_stores.get(n) != 1 for n in operands):
            continue  # a value the two sweeps might not see alike
        moved.append(stmt)
    if not moved:
        return False
    gone = {m.targets[0].id for m in moved}
    forward.body = [s for s in forward.body if not any(s is m for m in moved)]
    keep = [(s, t) for s, t in pairs if s.id not in gone]
    saved.elts = [s for s, _ in keep]
    unpack.targets[0].elts = [t for _, t in keep]
    backward.body[1:1] = moved  # in the forward sweep's order: each reads only what is unpacked or before it
    return True


def _cheap(node):
    """Elementwise arithmetic of names and number literals (no calls, no matrix products)."""
    return arithmetic_of(node, CHEAP)
