"""Calls of the user's functions that take ``*args``: each callee specialized for the call's count.

Takes a function body (gast statements), after the starred arguments of its
calls are unpacked (:mod:`.starred`), so that every call passes a number of
positional arguments known statically.  Guarantees: a call of one of the
user's functions whose signature has ``*args`` calls a function made from it
(:mod:`.made`) for that number of extra positional arguments: ``*args`` is gone
from its signature, a parameter per extra argument stands in its place, and
its body starts by binding the tuple, ``args = (args_0, args_1)`` (which
:mod:`.starred` then unpacks where the body passes ``*args`` on).  The made
function is shared by every call with the same count, and lives as long as
its callee.  A callee s2s cannot read is left alone, refused later if a
derivative needs it; so is one with a rule registered for it (``s2s.adjoint``).

    def rk4(rhs, y0, t, *args):               def rk4_2args(rhs, y0, t, args_0, args_1):
        ... rhs(y, t[i], *args) ...     ->        args = (args_0, args_1)
    rk4(pendulum, y0, t, damping, length)         ... rhs(y, t[i], *args) ...
                                              rk4_2args(pendulum, y0, t, damping, length)
"""

import copy
import inspect
import types
import weakref

import gast

from ..errors import S2SError
from ..frontend import parse, unwrap
from ..libraries import is_library
from ..naming import Namer
from ..rules import USER
from .made import make_function
from .tree import assign, is_docstring, map_statements, name_node

# callee -> {count of extra positional arguments: the callee specialized for it}
_SPECIALIZED = weakref.WeakKeyDictionary()


def desugar(body, parsed):
    if not any(isinstance(n, gast.Call) and _takes_varargs(_callee(n, parsed)) for stmt in body for n in gast.walk(stmt)):
        return body

    def statement(stmt):
        if isinstance(stmt, gast.With):  # an insert_grad_of block runs as written
            return [stmt]
        return [_Calls(parsed).visit(copy.deepcopy(stmt))]

    return map_statements(body, statement)


def _callee(call, parsed):
    """The function ``call`` calls, where a reference names it."""
    if hasattr(call.func, "s2s_global"):
        return call.func.s2s_global
    if isinstance(call.func, (gast.Name, gast.Attribute)):
        return parsed.scope.resolve(call.func)
    return None


def _takes_varargs(fn):
    """Whether ``fn`` is one of the user's functions with ``*args`` and no rule registered for it."""
    if not isinstance(fn, types.FunctionType) or is_library(fn) or USER.lookup(fn) is not None:
        return False
    code = unwrap(fn).__code__
    return bool(code.co_flags & inspect.CO_VARARGS)


class _Calls(gast.NodeTransformer):
    def __init__(self, parsed):
        self.parsed = parsed

    def visit_Lambda(self, node):
        return node  # its calls are rewritten where it is lifted or inlined

    def visit_Call(self, node):
        self.generic_visit(node)
        callee = _callee(node, self.parsed)
        if not _takes_varargs(callee):
            return node
        fdef = unwrap(callee)
        named = fdef.__code__.co_argcount  # positional parameters, ``*args`` apart
        count = max(0, len(node.args) - named)
        try:
            fn = specialized(callee, count)
        except S2SError:  # a callee s2s cannot read: evaluated as written, refused where a derivative needs it
            return node
        func = gast.copy_location(name_node(fn.__name__), node.func)
        func.s2s_global = fn
        return gast.copy_location(gast.Call(func=func, args=node.args, keywords=node.keywords), node)


def specialized(callee, count):
    """``callee`` (a function with ``*args``) made for ``count`` extra positional arguments."""
    made = _SPECIALIZED.setdefault(callee, {})
    if count not in made:
        made[count] = _make(callee, count)
    return made[count]


def _make(callee, count):
    parsed = parse(callee)
    node = parsed.node
    args = copy.deepcopy(node.args)
    star = args.vararg.id
    namer = Namer({n.id for n in gast.walk(node) if isinstance(n, gast.Name)} | set(parsed.scope.locals))
    extra = [namer.fresh(f"{star}_{i}") for i in range(count)]
    if extra:  # every positional parameter is given: a default before a parameter without one is no Python
        args.defaults = []
    args.args = args.args + [gast.Name(id=e, ctx=gast.Param(), annotation=None, type_comment=None) for e in extra]
    args.vararg = None
    body = copy.deepcopy(node.body)
    docstring = body[:1] if body and is_docstring(body[0]) else []
    packed = gast.Tuple(elts=[name_node(e) for e in extra], ctx=gast.Load())
    bind = gast.copy_location(assign(name_node(star, store=True), packed), node.args.vararg)
    body = docstring + [bind] + body[len(docstring):]
    fname = Namer(set(parsed.fn.__globals__)).fresh(f"{node.name}_{count}args")
    fdef = gast.copy_location(gast.FunctionDef(name=fname, args=args, body=body, decorator_list=[], returns=None,
                                               type_comment=None, type_params=[]), node)
    fn = make_function(fdef, parsed.loc, parsed.source, parsed.fn, _closure(parsed.fn), f"{parsed.fn.__qualname__}<{count} args>")
    for attribute in ("__s2s_values__", "__s2s_checkpoint__"):  # the function values its body calls; @s2s.checkpoint
        if hasattr(parsed.fn, attribute):
            setattr(fn, attribute, getattr(parsed.fn, attribute))
    return fn


def _closure(fn):
    """``{free name: object}`` of ``fn``'s closure (the names a function s2s made reads)."""
    out = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # a cell not yet filled: the name is refused where it is read
            pass
    return out
