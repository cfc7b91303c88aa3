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

* copies propagated: ``a = b`` where both are assigned once and ``a`` is read
  only later in the same block goes, and ``a``'s readers read ``b``;
* single-use temporaries inlined: ``t = expr`` read once, later in the same
  block and for the same primal line, with only pure assignments between,
  moves into its reader (``s_3 = 0.9 * s_2 + 0.1 * sin`` instead of three
  statements), so each line's block reads like its source line.

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
            if isinstance(block, list) and (block or field == "body"):
                new, c = _remove_dead(block, loads)
                setattr(stmt, field, new or ([gast.Pass()] if field == "body" else []))
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


def _blocks(body):
    """Every statement list in ``body``, ``body`` first."""
    yield body
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                yield from _blocks(block)


def _names(node, ctx):
    return [n.id for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, ctx)]


def _propagate_copies(fdef):
    """Remove one copy ``a = b`` (see the module docstring); whether one went."""
    loads, stores = _counts(fdef)
    for block in _blocks(fdef.body):
        for i, stmt in enumerate(block):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)):
                continue
            a, b = stmt.targets[0].id, stmt.value.id
            if stores.get(a) != 1 or stores.get(b) != 1 or a == b:
                continue
            rest = block[i + 1:]
            if sum(_names(r, gast.Load).count(a) for r in rest) != loads.get(a, 0):
                continue  # read elsewhere (another block, or a loop's next iteration)
            for r in rest:
                for n in gast.walk(r):
                    if isinstance(n, gast.Name) and n.id == a and isinstance(n.ctx, gast.Load):
                        n.id = b
            del block[i]
            return True
    return False


def _inline_single_use(fdef):
    """Move one single-use temporary into its reader (see the module docstring)."""
    loads, stores = _counts(fdef)
    for block in _blocks(fdef.body):
        for i, stmt in enumerate(block):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            t = stmt.targets[0].id
            value = stmt.value
            if stores.get(t) != 1 or loads.get(t) != 1 or not isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)) or not _pure(value):
                continue
            operands = set(_names(value, gast.Load))
            for j in range(i + 1, len(block)):
                reader = block[j]
                if getattr(reader, "s2s_line", None) != getattr(stmt, "s2s_line", None):
                    break
                if not isinstance(reader, gast.Assign):
                    break
                if t in _names(reader.value, gast.Load):
                    for n in gast.walk(reader.value):
                        for field, child in gast.iter_fields(n):
                            if isinstance(child, gast.Name) and child.id == t:
                                setattr(n, field, value)
                            elif isinstance(child, list):
                                for k, item in enumerate(child):
                                    if isinstance(item, gast.Name) and item.id == t:
                                        child[k] = value
                    if reader.value is not value and isinstance(reader.value, gast.Name) and reader.value.id == t:
                        reader.value = value
                    del block[i]
                    return True
                if not _pure(reader.value) or operands & set(_names(reader.targets[0], gast.Store)):
                    break
    return False


def optimize(fdef):
    """Simplify ``fdef`` in place and return it."""
    for stmt in fdef.body:
        _Simplify().visit(stmt)
    while _coalesce(fdef):
        fdef.body = [s for s in fdef.body if s is not None]
    while _propagate_copies(fdef):
        pass
    while _inline_single_use(fdef):
        pass
    changed = True
    while changed:
        loads, _ = _counts(fdef)
        fdef.body, changed = _remove_dead(fdef.body, loads)
    return fdef
