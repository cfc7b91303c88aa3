"""Rewrites of arithmetic: exact algebra on expressions, and the seed of ``grad``.

Takes a generated function and simplifies its arithmetic in place, each
rewrite computing exactly the same values (see the package docstring for the
calling convention).
"""

import copy
import math

import gast

from .expressions import SAFE_PARENTS, arithmetic, const, pure
from .facts import blocks, names

IDENTITY_RIGHT = {gast.Mult: 1, gast.Div: 1, gast.Add: 0, gast.Sub: 0, gast.Pow: 1}
IDENTITY_LEFT = {gast.Mult: 1, gast.Add: 0}


def simplify_arithmetic(fdef, facts):
    """Fold and reduce arithmetic, exactly.

    Arithmetic on constants is folded; ``x * 1``, ``1 * x``, ``x + 0``,
    ``0 + x``, ``x - 0``, ``x / 1`` and ``x ** 1`` reduce to ``x``; ``a + -b``,
    ``a - -b * c``, ``-a + b`` and ``-(-a * b)`` become ``a - b``, ``a + b * c``, ``b - a``
    and ``a * b`` (negation is exact, addition commutes); ``np.sum(-x, axis)`` of a floating
    ``x`` becomes ``-np.sum(x, axis)`` (a pass over the reduced array, not the whole one); ``e + e`` (the two contributions
    of ``x * x``) becomes ``2 * e``; ``k * (a * b)`` becomes ``(k * a) * b``
    for ``k`` a power of two (exact too), so that ``k`` meets a number before
    an array where the product starts with one::

        dx = 1 * g * 0.5 + -y         ->    dx = g * 0.5 - y
        dy = t + t                          dy = 2 * t
        dz = 2 * (g * y)                    dz = 2 * g * y
    """
    simplify = _Simplify()
    simplify.floats = getattr(fdef, "s2s_floats", frozenset())
    for stmt in fdef.body:
        simplify.visit(stmt)
    return simplify.changed


class _Simplify(gast.NodeTransformer):
    changed = False
    floats = frozenset()  # names holding floating values (adjoints, active values): see drop_unit_seed

    def visit_Call(self, node):
        self.generic_visit(node)
        inner = _negation(node.args[0]) if len(node.args) == 1 and _spelled(node.func) == "np.sum" else None
        if (inner is not None and not {k.arg for k in node.keywords} - {"axis", "keepdims"}
                and any(isinstance(leaf, gast.Name) and leaf.id in self.floats for leaf in _arithmetic_leaves(inner))):
            # np.sum(-x, axis) is -np.sum(x, axis), exactly for floating x (not for unsigned integers,
            # which wrap): the negation meets the reduced array, not the whole one
            self.changed = True
            node.args[0] = inner
            return gast.UnaryOp(op=gast.USub(), operand=node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.USub) and _negation(node.operand) is not None:
            # -(-a * b / c) is a * b / c: two negations, each exact, cancel (a sigmoid's adjoint)
            self.changed = True
            return _negation(node.operand)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        simpler = self._simpler(node)
        if simpler is not node:
            self.changed = True
        return simpler

    def _simpler(self, node):
        op = type(node.op)
        if const(node.left) and const(node.right) and op in (gast.Add, gast.Sub, gast.Mult):
            value = {gast.Add: lambda a, b: a + b, gast.Sub: lambda a, b: a - b, gast.Mult: lambda a, b: a * b}[op](node.left.value, node.right.value)
            return gast.Constant(value=value, kind=None)
        if const(node.right) and op in IDENTITY_RIGHT and node.right.value == IDENTITY_RIGHT[op]:
            return node.left
        if const(node.left) and op in IDENTITY_LEFT and node.left.value == IDENTITY_LEFT[op]:
            return node.right
        if op in (gast.Add, gast.Sub) and _negation(node.right) is not None:
            # a + -b is a - b, a - -b * c is a + b * c: negation is exact, and this saves a pass
            return gast.BinOp(left=node.left, op=gast.Sub() if op is gast.Add else gast.Add(), right=_negation(node.right))
        if op is gast.Add and _negation(node.left) is not None and pure(node):
            # -a + b is b - a (addition commutes exactly)
            return gast.BinOp(left=node.right, op=gast.Sub(), right=_negation(node.left))
        if op is gast.Add and pure(node.left) and gast.dump(node.left) == gast.dump(node.right):
            # e + e is exactly 2 * e in floating point, and computes e once
            return self.visit_BinOp(gast.BinOp(left=gast.Constant(value=2, kind=None), op=gast.Mult(), right=node.left))
        if op is gast.Mult and _power_of_two(node.left) and isinstance(node.right, gast.BinOp) and isinstance(node.right.op, gast.Mult):
            # k * (a * b) is exactly (k * a) * b for k a power of two: down the product's left
            # operands, k meets the first factor, often a number (g * 0.5 * x), so an array pass goes
            inner = node.right
            inner.left = self.visit_BinOp(gast.BinOp(left=node.left, op=gast.Mult(), right=inner.left))
            return inner
        return node


def _spelled(node):
    """``np.sum`` for that attribute of a name, else None."""
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _negation(node):
    """``b`` for ``-b``, ``b * c`` for ``-b * c`` (down a product's or quotient's left
    operands): the same value negated, exactly; None for anything else."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div)):
        inner = _negation(node.left)
        if inner is not None:
            return gast.BinOp(left=inner, op=node.op, right=node.right)
    return None


def _power_of_two(node):
    """A number literal that is ± a power of two: multiplying by it is exact."""
    if not const(node) or node.value == 0:
        return False
    mantissa, _ = math.frexp(node.value)
    return abs(mantissa) == 0.5


def drop_unit_seed(fdef, facts):
    """Multiplications by the seed of ``grad``'s backward sweep, which is exactly one, go.

    The seed is the name ``fdef.s2s_unit`` (the rewrite does nothing without
    it, or where the function assigns it); ``fdef.s2s_floats`` holds the
    floating names of the program (active values and adjoints)::

        dx = 2 * dloss * 0.5 * lap    ->    dx = lap
        dy = y - dloss * f                  dy = y - f
        return (dx * y, dy)                 return (dx * y, dy)

    Multiplying a floating value by one changes no value, but the seed also
    carries the arguments' floating dtype, so a product loses it only inside
    arithmetic that reads a floating name of the program, which gives the
    result a floating dtype anyway.  Where the product was all that kept a
    name from being another name's alias (``dlap = lap``), the one stays
    unless every read of the target is an operand of arithmetic (a gradient
    returned to the caller is never the caller's own array).
    """
    unit = getattr(fdef, "s2s_unit", None)
    if unit is None or any(unit in names(stmt, gast.Store) for stmt in fdef.body):
        return False
    floats = fdef.s2s_floats
    safe = _operand_only(fdef, facts)
    changed = False
    for block in blocks(fdef.body):
        for stmt in block:
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            value = _without_unit(copy.deepcopy(stmt.value), unit, floats)
            if value is None:
                continue
            value = _Simplify().visit(value)
            if isinstance(value, gast.Name) and stmt.targets[0].id not in safe:
                continue
            stmt.value = value
            changed = True
    return changed


def _without_unit(node, unit, floats):
    """``node`` with the factors ``unit`` of its arithmetic taken out, or None if it has none."""
    changed = False

    def is_unit(n):
        return isinstance(n, gast.Name) and n.id == unit

    def strip(n):
        nonlocal changed
        if isinstance(n, gast.BinOp) and isinstance(n.op, gast.Mult):
            n.left, n.right = strip(n.left), strip(n.right)
            for one, other in ((n.left, n.right), (n.right, n.left)):
                if is_unit(one):
                    changed = True
                    return other
                if isinstance(one, gast.UnaryOp) and isinstance(one.op, gast.USub) and is_unit(one.operand):
                    changed = True
                    return gast.UnaryOp(op=gast.USub(), operand=other)
            return n
        if arithmetic(n):
            for field in ("left", "right", "operand"):
                if hasattr(n, field):
                    setattr(n, field, strip(getattr(n, field)))
            return n
        return visit(n)

    def visit(n):  # outside arithmetic: each arithmetic tree that reads a floating name
        if arithmetic(n):
            leaves = _arithmetic_leaves(n)
            return strip(n) if any(isinstance(leaf, gast.Name) and leaf.id in floats and leaf.id != unit for leaf in leaves) else n
        for field, child in gast.iter_fields(n):
            if isinstance(child, gast.AST):
                setattr(n, field, visit(child))
            elif isinstance(child, list):
                child[:] = [visit(c) if isinstance(c, gast.AST) else c for c in child]
        return n

    node = visit(node)
    return node if changed else None


def _arithmetic_leaves(node):
    if arithmetic(node):
        return [leaf for field in ("left", "right", "operand") if hasattr(node, field) for leaf in _arithmetic_leaves(getattr(node, field))]
    return [node]


def _operand_only(fdef, facts):
    """Names assigned once whose every read is an operand of arithmetic (or the value of an
    augmented assignment) and that nothing updates in place: an alias in them is harmless."""
    bad = set()

    def visit(n, parent):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            if not (isinstance(parent, SAFE_PARENTS) or isinstance(parent, gast.AugAssign) and parent.value is n):
                bad.add(n.id)
        for child in gast.iter_child_nodes(n):
            visit(child, n)

    for stmt in fdef.body:
        visit(stmt, None)
    for n in gast.walk(fdef):
        if isinstance(n, gast.AugAssign):
            bad.update(names(n.target, gast.Load) + names(n.target, gast.Store))
    return {n for n, k in facts.stores.items() if k == 1} - bad
