"""Desugaring of ``unattributes`` (generated code differentiated again) into ``unattribute``s.

Takes a function body (gast statements).  Guarantees: a call of the runtime helper
``unattributes`` with plain keyword arguments (what :func:`s2s.optimize.accumulate.gather_fields`
writes) is the sum of one ``unattribute`` per field, whose derivatives s2s knows:

    unattributes(p, a=ga, b=gb)   ->   unattribute(ga, p, "a") + unattribute(gb, p, "b")
"""

import copy

import gast

from .. import runtime
from .tree import map_statements, runtime_call


def desugar(body, parsed):
    rewrite = _Gathered(parsed.scope)

    def statement(stmt):
        if isinstance(stmt, gast.With) or not any(rewrite.gathered(n) for n in gast.walk(stmt)):
            return [stmt]
        return [rewrite.visit(copy.deepcopy(stmt))]  # the user's tree stays as it was

    return map_statements(body, statement)


class _Gathered(gast.NodeTransformer):
    def __init__(self, scope):
        self.scope = scope

    def gathered(self, node):
        """Whether ``node`` calls ``unattributes`` with one argument and keywords."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id not in self.scope.locals):
            return False
        return (self.scope.resolve(node.func) is runtime.unattributes and len(node.args) == 1 and node.keywords
                and all(k.arg is not None for k in node.keywords) and not isinstance(node.args[0], gast.Starred))

    def visit_Call(self, node):
        self.generic_visit(node)
        if not self.gathered(node):
            return node
        like = node.args[0]
        total = None
        for k in node.keywords:
            part = runtime_call("unattribute", [k.value, copy.deepcopy(like), gast.Constant(value=k.arg, kind=None)], node)
            total = part if total is None else gast.copy_location(gast.BinOp(left=total, op=gast.Add(), right=part), node)
        return total
