"""Loop-invariant hoisting: a value the same on every iteration is computed once, before the loop.

Takes a function (generated, or the normal form before differentiation) and
moves, in place, the invariant assignments at the top of its loops' bodies
before the loops (see the package docstring for the calling convention).
"""

import gast

from .expressions import arithmetic_of
from .facts import def_use, names

INVARIANT_OPS = (gast.Add, gast.Sub, gast.Mult)  # cannot raise where the loop would not have run


def hoist_invariants(fdef, facts=None):
    """Move loop-invariant assignments out of the loops of ``fdef`` (inner loops first)::

        for i in range(n):            ->    t = 0.01 * x
            t = 0.01 * x                    for i in range(n):
            s = 0.9 * s + t * x                 s = 0.9 * s + t * x

    ``t = e`` in a loop's body moves before the loop where ``t`` is assigned
    only there, ``e`` is ``+``, ``-``, ``*`` of constants and names the loop
    never assigns nor can change in place (not assigned, not updated through
    an index or attribute, not handed to a call), and what it reads moved out
    already or comes from outside.  The value is the same on every iteration,
    so computing it once changes nothing but the time: ``0.01 * x`` of
    ``s = 0.9 * s + 0.01 * x * x`` is no longer computed, nor saved, per
    iteration.  Also run on the normal form, before differentiation (there
    without ``facts``, which it then computes), where it also spares the
    adjoint: ``dt`` of an invariant ``t`` is summed over the iterations and
    taken back through ``t``'s definition once.
    """
    moved = []
    fdef.body = _hoist(fdef.body, (facts or def_use(fdef)).stores, moved)
    return bool(moved)


def _hoist(body, stores, moved):
    """``body`` with the invariants of its loops before them; appends each to ``moved``."""
    out = []
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                setattr(stmt, field, _hoist(block, stores, moved))
        if isinstance(stmt, (gast.For, gast.While)):
            changed = _changed_in(stmt)
            kept = []
            for inner in stmt.body:
                if (
                    isinstance(inner, gast.Assign) and isinstance(inner.targets[0], gast.Name)
                    and stores.get(inner.targets[0].id) == 1 and _invariant(inner.value, changed)
                ):
                    out.append(inner)
                    moved.append(inner)
                    continue
                kept.append(inner)
            stmt.body = kept or [gast.Pass()]
        out.append(stmt)
    return out


def _changed_in(loop):
    """Names a loop assigns, updates through an index or attribute, or hands to a call."""
    changed = set(names(loop, gast.Store))
    for n in gast.walk(loop):
        if isinstance(n, (gast.AugAssign, gast.Assign)):
            for t in ([n.target] if isinstance(n, gast.AugAssign) else n.targets):
                changed.update(names(t, gast.Load))
        elif isinstance(n, gast.Call):
            changed.update(a.id for a in n.args + [k.value for k in n.keywords] if isinstance(a, gast.Name))
            if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name):
                changed.add(n.func.value.id)  # a method may change its object
    return changed


def _invariant(node, changed):
    return arithmetic_of(node, INVARIANT_OPS, lambda n: n.id not in changed)
