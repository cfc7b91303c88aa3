"""Small gast builders and queries shared by the normalization passes.

Nothing here transforms a function: names and references built the way the
passes need them (``s2s_global`` on a reference is the object it names,
``s2s_canonical`` that generated modules import its root themselves), and
questions about statement lists (which names they read, assign).
"""

import builtins
import copy

import gast

from .. import markers, runtime


def name_node(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None, type_comment=None)


def assign(target, value):
    return gast.Assign(targets=[target], value=value, type_comment=None)


def as_load(target):
    """A copy of an assignment target read as a value."""
    node = copy.deepcopy(target)
    for n in gast.walk(node):
        if hasattr(n, "ctx"):
            n.ctx = gast.Load()
    return node


def is_method(call, method):
    return isinstance(call.func, gast.Attribute) and call.func.attr == method


def is_docstring(stmt):
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(stmt.value.value, str)


def is_grad_hook(node, scope):
    """Whether ``node`` is ``with s2s.insert_grad_of(x) as dx:``."""
    if not isinstance(node, gast.With) or len(node.items) != 1:
        return False
    expr = node.items[0].context_expr
    return isinstance(expr, gast.Call) and scope.resolve(expr.func) is markers.insert_grad_of


def runtime_ref(helper):
    """A reference to the runtime helper ``helper`` (generated modules import it)."""
    ref = name_node(helper)
    ref.s2s_global = getattr(runtime, helper)
    ref.s2s_canonical = True
    return ref


def runtime_call(helper, args, location):
    """``helper(*args)`` for a runtime helper, located at ``location``."""
    call = gast.Call(func=runtime_ref(helper), args=list(args), keywords=[])
    call.s2s_target = getattr(runtime, helper)
    return gast.copy_location(call, location)


def call_builtin(builtin, args):
    ref = name_node(builtin)
    ref.s2s_global = getattr(builtins, builtin)
    ref.s2s_canonical = True
    call = gast.Call(func=ref, args=list(args), keywords=[])
    call.s2s_target = getattr(builtins, builtin)
    return call


def dotted(node):
    """``a.b.c`` for an attribute chain rooted at a name."""
    if isinstance(node, gast.Name):
        return node.id
    return dotted(node.value) + "." + node.attr


def dotted_expr(path):
    """The attribute chain spelled ``path`` (``np.linalg.inv``)."""
    parts = path.split(".")
    node = name_node(parts[0])
    for part in parts[1:]:
        node = gast.Attribute(value=node, attr=part, ctx=gast.Load())
    return node


def reads(stmts):
    """How often each name is read in ``stmts``."""
    counts = {}
    for stmt in stmts:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                counts[n.id] = counts.get(n.id, 0) + 1
    return counts


def assigned_names(stmt):
    return {n.id for n in gast.walk(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def assigned_in(stmts):
    """The names ``stmts`` bind, arrays and lists written into included.

    Written into: ``y[i] = v``, ``y[i] += v``, ``xs.append(v)``, ``xs.pop()``
    (the forms an ``insert_grad_of`` block keeps; elsewhere the desugaring
    passes made them assignments).
    """
    out = set()
    for stmt in stmts:
        out |= assigned_names(stmt)
        for n in gast.walk(stmt):
            if isinstance(n, (gast.Expr, gast.Assign)) and isinstance(n.value, gast.Call) and (
                is_method(n.value, "append") or is_method(n.value, "pop")
            ) and isinstance(n.value.func.value, gast.Name):
                out.add(n.value.func.value.id)
            if isinstance(n, (gast.Assign, gast.AugAssign)):
                for t in (n.targets if isinstance(n, gast.Assign) else [n.target]):
                    if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
                        out.add(t.value.id)
    return out


def rename(block, old, new):
    for stmt in block:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and n.id == old:
                n.id = new


OWN_FIELDS = {gast.If: ("test",), gast.For: ("iter",), gast.While: ("test",)}


def own_fields(stmt):
    """The fields of ``stmt`` that hold its own expressions (not the blocks of an if or a loop)."""
    return OWN_FIELDS.get(type(stmt), stmt._fields)


def rewritten_fields(stmt, fields, visitor):
    """A shallow copy of ``stmt`` whose ``fields`` (its own expressions) ``visitor`` rewrote, in copies."""
    new = copy.copy(stmt)
    for field in fields:
        value = getattr(stmt, field, None)
        if isinstance(value, gast.AST):
            setattr(new, field, visitor.visit(copy.deepcopy(value)))
    return new


def map_statements(body, rewrite):
    """A new list: ``body`` with each statement replaced by the list ``rewrite(stmt)`` returns.

    Descends into the blocks of ``if``, ``for`` and ``while`` (rewritten
    first, in a shallow copy of the statement); a ``with`` block (an
    ``insert_grad_of`` hook, kept as the user wrote it) is left alone.
    ``rewrite`` builds new nodes where it changes something: the user's tree
    is never modified.
    """
    out = []
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            stmt = copy.copy(stmt)
            stmt.body = map_statements(stmt.body, rewrite)
            stmt.orelse = map_statements(stmt.orelse, rewrite)
        out.extend(rewrite(stmt))
    return out
