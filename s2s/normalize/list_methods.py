"""Desugaring of list methods on local lists into new list values.

Takes a function body (gast statements).  Guarantees: ``xs.append(v)`` as a
statement and ``v = xs.pop()`` (one target) on a local ``xs`` are
assignments that rebind ``xs``; s2s treats lists as values, never mutated.
Other list methods are left for the array-method pass, which refuses them.

    xs.append(h)      ->   xs = appended(xs, h)
    h = xs.pop()      ->   h = xs[-1]
                           xs = xs[:-1]
"""

import gast

from .tree import assign, is_method, name_node, runtime_call, map_statements


def desugar(body, parsed):
    def statement(stmt):
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            call = stmt.value
            if is_method(call, "append") and _is_local(call.func.value, parsed):
                if len(call.args) != 1 or call.keywords:
                    raise parsed.loc.error(call, "`.append` takes one argument")
                items = call.func.value
                appended = runtime_call("appended", [items, call.args[0]], call.args[0])
                return [gast.copy_location(assign(name_node(items.id, True), appended), stmt)]
        if isinstance(stmt, (gast.Assign, gast.AnnAssign)) and isinstance(stmt.value, gast.Call):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            call = stmt.value
            if len(targets) == 1 and is_method(call, "pop") and not call.args and _is_local(call.func.value, parsed):
                items = call.func.value
                last = gast.copy_location(gast.Subscript(value=items, slice=_constant(-1), ctx=gast.Load()), items)
                rest = gast.Subscript(value=name_node(items.id), slice=gast.Slice(lower=None, upper=_constant(-1), step=None), ctx=gast.Load())
                return [
                    gast.copy_location(assign(targets[0], last), stmt),
                    gast.copy_location(assign(name_node(items.id, True), gast.copy_location(rest, items)), stmt),
                ]
        return [stmt]

    return map_statements(body, statement)


def _is_local(node, parsed):
    return isinstance(node, gast.Name) and node.id in parsed.scope.locals


def _constant(value):
    return gast.Constant(value=value, kind=None)
