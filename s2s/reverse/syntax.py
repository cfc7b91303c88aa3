"""Small builders and readers of the gast nodes reverse mode writes.

Functions only, no state: ``name``/``call``/``assign`` build nodes,
``saved_tuple`` the tuple of saved values, ``located`` copies a primal
statement's line onto a generated one; ``assigned`` and
``index_expr`` read nodes.
"""

import copy

import gast




def name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None, type_comment=None)


def call(func, *args):
    return gast.Call(func=name(func) if isinstance(func, str) else func, args=list(args), keywords=[])


def assign(target, value):
    return gast.Assign(targets=[target if isinstance(target, gast.AST) else name(target, store=True)], value=value, type_comment=None)


def unpack_names(names, source):
    """``a, b = source``."""
    return assign(gast.Tuple(elts=[name(n, True) for n in names], ctx=gast.Store()), source)


def saved_tuple(entries):
    """The forward sweep's tuple of saved values: ``(name, shape_only)`` pairs,
    a shape-only value saved as ``shape_of(name)``."""
    elts = [call("shape_of", name(n)) if shape else name(n) for n, shape in entries]
    return gast.Tuple(elts=elts, ctx=gast.Load())


def located(node, origin):
    """``node`` under ``origin``'s primal line (its ``s2s_line``/``s2s_text``)."""
    node.s2s_line = origin.s2s_line
    node.s2s_text = origin.s2s_text
    return node


def assigned(stmts):
    """Names assigned anywhere in ``stmts`` (loop targets included)."""
    out = set()
    for stmt in stmts:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                out.add(n.id)
    return out


def index_expr(node):
    """A subscript's index as an expression (slices as ``slice(...)`` calls)."""
    if isinstance(node, gast.Slice):
        none = gast.Constant(value=None, kind=None)
        return call("slice", node.lower or none, node.upper or none, node.step or none)
    if isinstance(node, gast.Tuple):
        return gast.Tuple(elts=[index_expr(e) for e in node.elts], ctx=gast.Load())
    return copy.deepcopy(node)
