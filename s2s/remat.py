"""Recompute cheap saved values in the backward sweep instead of saving them.

Takes the :class:`~s2s.saveplan.SavePlan` of an optimized forward/backward
pair with one exit (a function that does not end in a flattened branch,
:mod:`s2s.layout`), whose saved entries are all names saved whole.  A saved
name ``t`` that the forward sweep computes only to save it, as arithmetic of
other saved names (``u_times_u_minus = u * u - 1.0``), is no longer saved:
the backward sweep computes it from those names, right after its unpacking,
where its readers then take it in (``du = (u * u - 1.0) * u - f``, as by
hand).  The same operations run, once, on the same values, so every value is
the same; what changes is that ``t`` is not kept alive between the sweeps
(one array less held per such name) and the forward sweep does not compute
what only the backward sweep reads.

Guarantees: each moved assignment reads only names the backward sweep
unpacks and never reassigns, and nothing else in the forward sweep read it.
A plan that does not match its code raises :class:`~s2s.saveplan.PlanError`.
"""

import gast

from .optimize import arithmetic_of, def_use, names
from .saveplan import require

CHEAP = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def rematerialize(plan):
    """Move the cheap saved values of ``plan.forward`` into ``plan.backward``; True if any moved."""
    if len(plan.exits) != 1 or plan.exits[0].unpack is None:
        return False  # one tuple per branch, or nothing saved
    plan.check()
    forward, backward = plan.forward, plan.backward
    exit = plan.exits[0]
    require(forward.body[-1] is exit.ret, f"{forward.name} does not end with the return of its plan")
    require(backward.body[0] is exit.unpack, f"{backward.name} does not start with the unpacking of its plan")
    pairs = plan.entries(exit)
    if not all(isinstance(s, gast.Name) for s, _ in pairs):
        return False  # a value saved as its shape
    available = {s.id for s, t in pairs if s.id == t.id}
    f_loads, f_stores = def_use(forward)
    _, b_stores = def_use(backward)
    definitions = {
        stmt.targets[0].id: (i, stmt) for i, stmt in enumerate(forward.body)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
    }
    moved = []
    for t in sorted(available, key=lambda n: definitions.get(n, (len(forward.body),))[0]):
        if t not in definitions or f_stores.get(t) != 1 or f_loads.get(t) != 1 or b_stores.get(t) != 1:
            continue  # computed elsewhere, or read by the forward sweep itself
        stmt = definitions[t][1]
        operands = set(names(stmt.value, gast.Load))
        if not arithmetic_of(stmt.value, CHEAP) or not operands <= available - {m.targets[0].id for m in moved} - {t}:
            continue
        if any(f_stores.get(n) != 1 or b_stores.get(n) != 1 for n in operands):
            continue  # a value the two sweeps might not see alike
        moved.append(stmt)
    if not moved:
        return False
    gone = {m.targets[0].id for m in moved}
    forward.body = [s for s in forward.body if not any(s is m for m in moved)]
    plan.drop_saved(exit, gone)
    backward.body[1:1] = moved  # in the forward sweep's order: each reads only what is unpacked or before it
    return True
