"""Desugaring of augmented assignment: ``x op= v`` becomes ``x = x op v``.

Takes a function body (gast statements).  Guarantees: no ``AugAssign``
remains outside ``insert_grad_of`` blocks; ``y[i] += v`` becomes
``y[i] = y[i] + v``, an assignment into a subscript that normalization turns
into a new array.  The new statement and its ``BinOp`` keep the user's
location.

    x += 2 * y        ->   x = x + 2 * y
"""

import gast

from .tree import as_load, assign, map_statements


def desugar(body, parsed):
    return map_statements(body, _statement)


def _statement(stmt):
    if not isinstance(stmt, gast.AugAssign):
        return [stmt]
    value = gast.copy_location(gast.BinOp(left=as_load(stmt.target), op=stmt.op, right=stmt.value), stmt)
    return [gast.copy_location(assign(stmt.target, value), stmt)]
