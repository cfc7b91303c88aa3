"""Rewrites of accumulations ``d = d + e``: fewer statements (done in place by :mod:`.inplace`).

Takes a generated function and merges its adjoint accumulations, in place;
the same additions run on the same values (see the package docstring for the
calling convention).
"""

import gast

from .expressions import is_call, pure, removable
from .facts import blocks, names



def merge_accumulations(fdef, facts):
    """``d = a`` followed, for the same source line, by ``d = d + b`` (or ``- b``)
    becomes ``d = a + b``::

        dx = g * y                    ->    dx = g * y + g * 2.0
        dx = dx + g * 2.0

    The same one addition of the same two values, so the result is exact,
    and a statement (and for arrays a pass) goes.  ``a`` must be pure and not
    read ``d`` (``d = d + e; d = d + b`` stays: an accumulation that becomes
    in place), the statements between pure assignments to names that neither
    ``a`` reads nor are ``d``; ``b`` must not read ``d``, nor be an
    ``unindex`` (that becomes an in-place update of a part).
    """
    changed = False
    for block in blocks(fdef.body):
        first = {}  # d -> index of ``d = a`` still open for merging
        for j, stmt in enumerate(block):
            target = stmt.targets[0].id if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
            value = getattr(stmt, "value", None)
            i = first.get(target)
            if (
                i is not None
                and isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))
                and isinstance(value.left, gast.Name) and value.left.id == target
                and target not in names(value.right, gast.Load)
                and not is_call(value.right, "unindex")
                and getattr(block[i], "s2s_line", None) == getattr(stmt, "s2s_line", None)
            ):
                between = [s for s in block[i + 1:j] if s is not None]
                reads = set(names(block[i].value, gast.Load))
                if all(removable(s) and not reads & set(names(s.targets[0], gast.Store)) for s in between):
                    value.left = block[i].value
                    block[i] = None
                    changed = True
            for name_ in list(first):  # what this statement touches is closed for merging
                if name_ == target or name_ in names(stmt, gast.Load) or not removable(stmt):
                    first.pop(name_)
            if target is not None and pure(value) and target not in names(value, gast.Load):
                first[target] = j  # a new value of d, not an accumulation into it
        block[:] = [s for s in block if s is not None]
    return changed
