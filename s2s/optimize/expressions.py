"""What the rewrites need to know of one expression or statement, read off its tree.

Predicates and small tree operations shared by the rewrites; none reads
anything but the node it is given, and only ``substitute`` edits it.
"""

import ast

import gast

from .. import libraries, runtime
from ..naming import spelling

PURE_BUILTINS = {"len", "range", "abs", "min", "max", "float", "int", "slice", "tuple", "list", "sum", "bool"}
# how a name may be read without another name, container or call holding its value
SAFE_PARENTS = (gast.BinOp, gast.UnaryOp, gast.Compare)


def const(node):
    """A number literal (not a bool)."""
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def pure(node):
    """Whether ``node`` calls nothing but the libraries of :mod:`s2s.libraries`, the runtime helpers,
    pure builtins and array methods the transformer wrote (``s2s_pure``, as ``g.sum(axis=0)``)."""
    for n in gast.walk(node):
        if isinstance(n, gast.Call) and not getattr(n, "s2s_pure", False):
            func = n.func
            root = func
            while isinstance(root, gast.Attribute):
                root = root.value
            if not isinstance(root, gast.Name):
                return False
            if isinstance(func, gast.Attribute) and libraries.is_library_call(spelling(func)):
                continue
            if isinstance(func, gast.Name) and (func.id in runtime.__all__ or func.id in PURE_BUILTINS):
                continue
            return False
    return True


def removable(stmt):
    """A pure assignment to one name: removing it changes nothing but that name."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and pure(stmt.value)


def arithmetic(node):
    """A binary operation other than ``@``, or a unary ``-``/``+``."""
    return isinstance(node, gast.BinOp) and not isinstance(node.op, gast.MatMult) or isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd))


def arithmetic_of(node, ops, name_ok=lambda n: True):
    """Whether ``node`` is arithmetic by ``ops`` (and negation) of number literals and names
    that ``name_ok`` accepts: no calls, nothing that could raise where these cannot."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, ops):
        return arithmetic_of(node.left, ops, name_ok) and arithmetic_of(node.right, ops, name_ok)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div) and _nonzero(node.right):
        return arithmetic_of(node.left, ops, name_ok)  # division by a nonzero number cannot raise
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return arithmetic_of(node.operand, ops, name_ok)
    if isinstance(node, gast.Name):
        return name_ok(node)
    return const(node)


def _nonzero(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) and node.value != 0


def simple_test(node):
    """A comparison (or ``and``/``or``/``not`` of comparisons) of names and numbers."""
    if isinstance(node, gast.Compare):
        return all(simple_test(n) for n in [node.left] + node.comparators)
    if isinstance(node, gast.BoolOp):
        return all(simple_test(n) for n in node.values)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not):
        return simple_test(node.operand)
    return isinstance(node, gast.Name) or const(node)


def is_call(node, name):
    """A call of the plain name ``name``."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == name


def constant_slices(index):
    """An index of slices by number literals (``1:-1, 2:``): the subscript is a view, which
    reads the same values wherever it is taken while its base name is not rebound."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return all(
        isinstance(p, gast.Slice) and all(b is None or (isinstance(b, gast.Constant) and type(b.value) is int) for b in (p.lower, p.upper, p.step))
        for p in parts
    )


def text(node):
    """``node`` as Python source."""
    return ast.unparse(gast.gast_to_ast(node))


def substitute(node, name, value):
    """Replace the first load of ``name`` in ``node`` (not ``node`` itself) by ``value``."""
    for n in gast.walk(node):
        for field, child in gast.iter_fields(n):
            if isinstance(child, gast.Name) and child.id == name:
                setattr(n, field, value)
                return
            if isinstance(child, list):
                for k, item in enumerate(child):
                    if isinstance(item, gast.Name) and item.id == name:
                        child[k] = value
                        return
