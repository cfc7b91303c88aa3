"""Optimization of generated functions.

Takes a generated ``gast.FunctionDef``; returns it simplified, computing
exactly the same values:

* arithmetic on constants folded; ``x * 1``, ``1 * x``, ``x + 0``, ``0 + x``,
  ``x - 0``, ``x / 1`` and ``x ** 1`` reduced to ``x``;
* dead code removed: assignments to names nothing reads, when what they call
  is pure (numpy, math, the runtime helpers, arithmetic);
* copies coalesced: ``a = b`` where ``b`` is computed once, read only by the
  copy, and ``a`` is assigned only there becomes one assignment to ``a``
  (``dW1, db1 = layer_backward(...)`` instead of a temporary and two copies).

Passes that would need alias analysis (in-place accumulation) are not done.
"""

import builtins

import gast

from . import runtime

IDENTITY_RIGHT = {gast.Mult: 1, gast.Div: 1, gast.Add: 0, gast.Sub: 0, gast.Pow: 1}
IDENTITY_LEFT = {gast.Mult: 1, gast.Add: 0}
PURE_BUILTINS = {"len", "range", "abs", "min", "max", "float", "int", "slice", "tuple", "list", "sum", "bool"}


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


def _pure(node):
    for n in gast.walk(node):
        if isinstance(n, gast.Call):
            func = n.func
            root = func
            while isinstance(root, gast.Attribute):
                root = root.value
            if not isinstance(root, gast.Name):
                return False
            if isinstance(func, gast.Attribute) and root.id in ("np", "math"):
                continue
            if isinstance(func, gast.Name) and (func.id in runtime.__all__ or func.id in PURE_BUILTINS):
                continue
            return False
    return True


def _counts(fdef):
    loads, stores = {}, {}
    for n in gast.walk(fdef):
        if isinstance(n, gast.Name):
            table = stores if isinstance(n.ctx, gast.Store) else loads
            table[n.id] = table.get(n.id, 0) + 1
    for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs:
        stores[a.id] = stores.get(a.id, 0) + 1
    return loads, stores


def _remove_dead(body, loads):
    changed = False
    out = []
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                new, c = _remove_dead(block, loads)
                setattr(stmt, field, new or [gast.Pass()])
                changed |= c
        if (
            isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Name)
            and loads.get(stmt.targets[0].id, 0) == 0
            and _pure(stmt.value)
        ):
            changed = True
            continue
        out.append(stmt)
    return out, changed


def _coalesce(fdef):
    loads, stores = _counts(fdef)
    body = fdef.body
    defining = {}
    for i, stmt in enumerate(body):
        if isinstance(stmt, gast.Assign):
            for t in gast.walk(stmt.targets[0]):
                if isinstance(t, gast.Name):
                    defining[t.id] = i
    for i, stmt in enumerate(body):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)):
            continue
        a, b = stmt.targets[0].id, stmt.value.id
        if stores.get(a) != 1 or stores.get(b) != 1 or loads.get(b) != 1 or b not in defining or defining[b] >= i:
            continue
        for t in gast.walk(body[defining[b]].targets[0]):
            if isinstance(t, gast.Name) and t.id == b:
                t.id = a
        body[i] = None
        return True
    return False


def optimize(fdef):
    """Simplify ``fdef`` in place and return it."""
    for stmt in fdef.body:
        _Simplify().visit(stmt)
    while _coalesce(fdef):
        fdef.body = [s for s in fdef.body if s is not None]
    changed = True
    while changed:
        loads, _ = _counts(fdef)
        fdef.body, changed = _remove_dead(fdef.body, loads)
    return fdef
