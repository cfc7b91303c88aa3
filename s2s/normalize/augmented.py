"""Desugaring of augmented assignment: ``x op= v`` becomes ``x = x op v``.

Takes a function body (gast statements).  Guarantees: no ``AugAssign``
remains outside ``insert_grad_of`` blocks; ``y[i] += v`` becomes
``y[i] = y[i] + v``, an assignment into a subscript that normalization turns
into a new array.  The new statement and its ``BinOp`` keep the user's
location.  The in-place sums of generated code (a gradient transformed
again) read as the sums they compute: ``d = extremum_added(d, ...)`` (which
adds into ``d``) becomes ``d = d + extremum_adjoint(...)``, so a derivative
of it saves no array that the call would change.

    x += 2 * y                      ->   x = x + 2 * y
    d = extremum_added(d, g, ...)   ->   d = d + extremum_adjoint(g, ...)
"""

import gast

from .. import runtime
from .tree import as_load, assign, map_statements, runtime_call


def desugar(body, parsed):
    return map_statements(body, lambda stmt: _statement(stmt, parsed))


def _statement(stmt, parsed):
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) and stmt.value.args and not stmt.value.keywords \
            and parsed.scope.resolve(stmt.value.func) is runtime.extremum_added:
        call = stmt.value
        adjoint = runtime_call("extremum_adjoint", call.args[1:], call)
        stmt.value = gast.copy_location(gast.BinOp(left=call.args[0], op=gast.Add(), right=adjoint), call)
        return [stmt]
    if not isinstance(stmt, gast.AugAssign):
        return [stmt]
    value = gast.copy_location(gast.BinOp(left=as_load(stmt.target), op=stmt.op, right=stmt.value), stmt)
    return [gast.copy_location(assign(stmt.target, value), stmt)]

