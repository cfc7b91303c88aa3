"""Dead-code removal: pure assignments whose values reach nothing the function does go.

Takes a generated function and removes, in place, the pure assignments
(numpy, math, the runtime helpers, arithmetic) that no effect, test, index
store or return depends on (see the package docstring for the calling
convention).
"""

import gast

from .expressions import is_call, removable
from .facts import names


def remove_dead(fdef, facts):
    """Remove the pure assignments whose values reach nothing the function does, and
    the loops over a range and the ``if`` statements left with nothing to do::

        t = np.sin(x)                 ->    s = x * 2.0
        s = x * 2.0                         return s
        for i in range(n):
            loss_3 = loss_2 + s
            loss_2 = loss_3
        return s

    Liveness from the roots: a name is live if something other than a pure
    assignment reads it (a return, a call kept for its effect, a loop's range,
    a test, an assignment into an item), or if a pure assignment to a live
    name does. So values that only feed each other are dead too, such as a
    running sum carried around a loop that the forward sweep no longer returns
    (``loss_3 = loss_2 + ...; loss_2 = loss_3``).
    """
    live = _live(fdef)
    ranges = {s.targets[0].id for s in gast.walk(fdef) if removable(s) and is_call(s.value, "range")}
    changed = emptied = False

    def idle(stmt):
        """A ``for`` loop over a range that does nothing: its index not read after it either."""
        return (
            isinstance(stmt, gast.For) and all(isinstance(s, gast.Pass) for s in stmt.body) and not stmt.orelse
            and (isinstance(stmt.iter, gast.Name) and stmt.iter.id in ranges or is_call(stmt.iter, "range"))
            and not set(names(stmt.target, gast.Store)) & live
        )

    def empty(stmt):
        """An ``if`` on a name with nothing to do in either branch."""
        return (
            isinstance(stmt, gast.If) and isinstance(stmt.test, (gast.Name, gast.Constant))
            and all(isinstance(s, gast.Pass) for s in stmt.body + stmt.orelse)
        )

    def sweep(body):
        nonlocal changed, emptied
        out = []
        for stmt in body:
            for field in ("body", "orelse"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and (block or field == "body"):
                    setattr(stmt, field, sweep(block) or ([gast.Pass()] if field == "body" else []))
            if removable(stmt) and stmt.targets[0].id not in live or idle(stmt) or empty(stmt):
                changed = True
                emptied |= not removable(stmt)  # what it read may be dead now
                continue
            out.append(stmt)
        return out

    fdef.body = sweep(fdef.body)
    if emptied:
        remove_dead(fdef, facts)
    return changed


def _live(fdef):
    """The names whose values reach something other than a pure assignment."""
    defs = {}  # name -> names the pure assignments to it read
    live = set()
    for stmt in (n for n in gast.walk(fdef) if isinstance(n, gast.stmt) and n is not fdef):
        if removable(stmt):
            defs.setdefault(stmt.targets[0].id, set()).update(names(stmt.value, gast.Load))
            continue
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
            live.add(stmt.target.id)  # d += e reads d
        for field, value in gast.iter_fields(stmt):
            if field in ("body", "orelse"):
                continue
            for node in value if isinstance(value, list) else [value]:
                if isinstance(node, gast.AST):
                    live.update(names(node, gast.Load))
    work = list(live)
    while work:
        for n in defs.get(work.pop(), ()):
            if n not in live:
                live.add(n)
                work.append(n)
    return live
