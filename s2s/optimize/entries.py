"""Entries zeroed that nothing reads again: the adjoint of a loop that fills an array.

Takes a generated function after writing in place (see the package docstring for the
calling convention).  The adjoint of a write ``y[i] = v`` takes the entry's adjoint and
zeroes it (``v_bar = y_bar[i]; y_bar[i] = 0``), so that what the overwritten entry
held gets nothing.  In the backward loop of a loop that fills ``y`` index by index, no
one reads that entry again: later iterations run at smaller indices and read at most
``i``, the code after the loop reads entries below the range, and the array goes
(:func:`drop_dead_zeroing`).  Only the store goes: every value is the same.
"""

import gast

from .expressions import is_call
from .facts import assigns, names
from .inplace import fresh


def drop_dead_zeroing(fdef, facts):
    """``A[i] = 0`` in a loop over ``reversed(range(s, e))`` (or a ``zip`` of it and stacks),
    at the top of the function, goes where nothing reads ``A[i]`` after it::

        for i in reversed(steps):               for i in reversed(steps):
            i_minus_1 = i - 1                       i_minus_1 = i - 1
            g = y_bar[i]                 ->         g = y_bar[i]
            y_bar[i] = 0                            y_bar[i_minus_1] += g * a
            y_bar[i_minus_1] += g * a           x_bar_0 = y_bar[0]
        x_bar_0 = y_bar[0]

    (and likewise ``A[i + 1] = 0`` of a loop that fills ``y[i + 1]``).  ``A`` is made once in
    the function and appears nowhere but as ``A[index]``: in the loop only at ``i + d`` with
    ``d`` at most the zeroed offset (below it after the zeroing), so each later iteration
    stays below the zeroed entry; after the loop only at constant indices below those the
    loop zeroes.
    """
    starts = {s.targets[0].id: _start(s.value) for s in fdef.body
              if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and is_call(s.value, "range")}
    changed = False
    parents = None
    for at, loop in enumerate(fdef.body):
        index, start = _descending(loop, starts, facts)
        if index is None:
            continue
        named = _offsets(loop.body, index, facts)
        for stmt in list(loop.body):
            zeroed = _zeroing(stmt, index, named)
            if zeroed is None:
                continue
            parents = parents or {c: p for p in gast.walk(fdef) for c in gast.iter_child_nodes(p)}
            if _dead(*zeroed, stmt, loop, fdef.body[at + 1:], index, named, start, facts, fdef, parents):
                loop.body.remove(stmt)
                changed = True
    return changed


def _start(call):
    """The first value of ``range(...)`` counting up by one from an integer constant, else None."""
    args = call.args
    if call.keywords or not 1 <= len(args) <= 3 or len(args) == 3 and not (isinstance(args[2], gast.Constant) and args[2].value == 1):
        return None
    if len(args) == 1:
        return 0
    return args[0].value if isinstance(args[0], gast.Constant) and type(args[0].value) is int else None


def _descending(loop, starts, facts):
    """``(i, s)`` for ``for i in reversed(r)`` or ``for i, ... in zip(reversed(r), ...)``, ``r`` a
    name of ``range(s, ...)`` assigned once, else ``(None, None)``."""
    if not isinstance(loop, gast.For) or loop.orelse:
        return None, None
    target, it = loop.target, loop.iter
    if isinstance(target, gast.Tuple) and is_call(it, "zip") and it.args and target.elts:
        target, it = target.elts[0], it.args[0]
    if not (isinstance(target, gast.Name) and is_call(it, "reversed") and len(it.args) == 1 and isinstance(it.args[0], gast.Name)):
        return None, None
    r = it.args[0].id
    if facts.stores.get(r) != 1 or starts.get(r) is None:
        return None, None
    return target.id, starts[r]


def _offsets(body, index, facts):
    """The names the loop body binds, once, to ``index + c`` or ``index - c``, with their offsets."""
    out = {}
    for stmt in body:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and facts.stores.get(stmt.targets[0].id) == 1:
            d = _offset(stmt.value, index, {})
            if d is not None:
                out[stmt.targets[0].id] = d
    return out


def _offset(node, index, named):
    """``d`` where ``node`` is ``index + d`` (``index``, ``index - 2``, ``index + 1``, a name of
    ``named``), else None."""
    if isinstance(node, gast.Name):
        return 0 if node.id == index else named.get(node.id)
    if (isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)) and isinstance(node.left, gast.Name)
            and node.left.id == index and isinstance(node.right, gast.Constant) and type(node.right.value) is int):
        return node.right.value if isinstance(node.op, gast.Add) else -node.right.value
    return None


def _zeroing(stmt, index, named):
    """``(A, d)`` for ``A[index + d] = 0``, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript)):
        return None
    target = stmt.targets[0]
    d = _offset(target.slice, index, named)
    zero = isinstance(stmt.value, gast.Constant) and type(stmt.value.value) in (int, float) and stmt.value.value == 0
    return (target.value.id, d) if zero and isinstance(target.value, gast.Name) and d is not None else None


def _dead(array, z, zeroing, loop, after, index, named, start, facts, fdef, parents):
    """Whether nothing reads ``array[index + z]`` after ``zeroing``: each iteration of the loop
    touches the array at ``index + d`` with ``d <= z`` (``d < z`` after the zeroing), so the
    iterations after it (smaller indices) stay below; the code after the loop reads it at
    constant indices below ``start + z``, the lowest it zeroes; no other name holds it."""
    made = [s for s in gast.walk(fdef) if assigns(s, array)]
    if facts.stores.get(array) != 1 or len(made) != 1 or not fresh(made[0].value):
        return False  # made once, a new array no other name holds
    seen = False
    for stmt in loop.body:
        if stmt is zeroing:
            seen = True
            continue
        uses = [n for n in gast.walk(stmt) if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and n.value.id == array]
        if len(uses) != names(stmt, gast.Load).count(array) + names(stmt, gast.Store).count(array):
            return False  # the array itself, not an entry of it
        if uses and not isinstance(stmt, (gast.Assign, gast.AugAssign)):
            return False  # (inside a branch or a loop of the body: kept simple)
        for use in uses:
            d = _offset(use.slice, index, named)
            if d is None or d > z or d == z and seen:
                return False
    after_uses = [n for stmt in after for n in gast.walk(stmt) if isinstance(n, gast.Name) and n.id == array]
    entries = [n for stmt in after for n in gast.walk(stmt) if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and n.value.id == array]
    if len(entries) != len(after_uses):
        return False
    for e in entries:
        if not (isinstance(e.ctx, gast.Load) and isinstance(e.slice, gast.Constant) and type(e.slice.value) is int and 0 <= e.slice.value < start + z):
            return False
    for n, parent in parents.items():  # read whole only by arithmetic, which makes new arrays: no alias
        if isinstance(n, gast.Name) and n.id == array and isinstance(n.ctx, gast.Load):
            if not (isinstance(parent, gast.Subscript) and parent.value is n or isinstance(parent, (gast.BinOp, gast.UnaryOp, gast.Compare))):
                return False
    return True
