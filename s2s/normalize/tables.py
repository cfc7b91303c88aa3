"""Desugaring of calls through a module-level table of functions: one branch per entry.

Takes a function body (gast statements), after comprehensions became loops and
before function values are resolved (:mod:`.functions`).  Guarantees: a call
``TABLE[key](args)``, or a call passing ``TABLE[key]`` as an argument, where
``TABLE`` names (as a global or closure variable) a dict whose keys are strings
or integers and whose values are functions, is gone: before the statement that
holds it, an ``if``/``elif`` chain compares ``key`` with each key of the table,
in the table's order, and makes the call with that entry's function, by its
name; a key missing from the table raises the ``KeyError`` the lookup would.  The table is read when the function is
transformed (a table changed later is not seen by code generated before).  A
call in a ``while`` condition is refused (it would run once, before the loop).

    pred = MODELS[name](h, *theta)   ->   if name == 'lin':
                                              pred = lin(h, *theta)
                                          elif name == 'quad':
                                              pred = quad(h, *theta)
                                          else:
                                              raise KeyError(name)

A sequence of functions (a tuple or list literal of references, or a global
tuple or list of functions) is such a table by position, and a loop over one
(``for w, f in zip(weights, (np.sin, np.cos))``, as a generator expression
desugars to) iterates the positions: each call of its loop variable is a call
through the table (``f(x)`` -> ``(np.sin, np.cos)[f_position](x)``, then the
branches above).
"""

import copy
import types

import gast

from ..frontend import MISSING
from ..naming import Namer, function_name
from ..rules import canonical_name
from .tree import assign, call_builtin, dotted, dotted_expr, map_statements, name_node, own_fields, rewritten_fields



def desugar(body, parsed):
    body = map_statements(body, lambda stmt: [_positions(stmt, parsed)] if isinstance(stmt, gast.For) else [stmt])
    if not any(_dispatched(n, parsed) is not None for stmt in body for n in gast.walk(stmt)):
        return body
    names = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)}
    dispatch = _Dispatch(parsed, Namer(names))

    def statement(stmt):
        if isinstance(stmt, gast.With):
            return [stmt]
        fields = own_fields(stmt)
        if not any(_dispatched(n, parsed) is not None for f in fields for n in _walk(getattr(stmt, f, None))):
            return [stmt]
        if isinstance(stmt, gast.While):
            raise parsed.loc.error(stmt.test, "a call through a table of functions in a `while` condition: compute it "
                                              "into a name before the loop and at the end of its body")
        dispatch.before = []
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and _dispatched(stmt.value, parsed) is not None:  # `pred = MODELS[name](...)` assigns pred in each branch
            dispatch.branches(stmt.value, stmt.targets[0].id)
            return dispatch.before
        return dispatch.before + [rewritten_fields(stmt, fields, dispatch)]

    return map_statements(body, statement)


def _positions(loop, parsed):
    """A ``for`` over a sequence of functions (alone, or in ``zip``, ``enumerate``, ``reversed``) as a
    ``for`` over its positions, where the body only calls the loop variable or passes it to calls."""
    it, target = loop.iter, loop.target
    if _sequence(it, parsed) is not None and isinstance(target, gast.Name):
        places = [(None, target)]
    elif isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and it.func.id in ("zip", "enumerate", "reversed") \
            and parsed.scope.resolve(it.func) in (zip, enumerate, reversed) and isinstance(target, gast.Tuple if it.func.id != "reversed" else gast.Name):
        offset = 1 if it.func.id == "enumerate" else 0
        elts = [target] if it.func.id == "reversed" else target.elts[offset:]
        places = [(k, elt) for k, (arg, elt) in enumerate(zip(it.args, elts)) if _sequence(arg, parsed) is not None and isinstance(elt, gast.Name)]
    else:
        return loop
    places = [(k, elt) for k, elt in places if _only_called(elt.id, loop.body)]
    if not places:
        return loop
    names = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)}
    loop = copy.deepcopy(loop)
    for k, elt in places:
        seq = loop.iter if k is None else loop.iter.args[k]
        elt = loop.target if k is None or loop.iter.func.id == "reversed" else loop.target.elts[k + (loop.iter.func.id == "enumerate")]
        function, position = elt.id, Namer(names).fresh(f"{elt.id}_position")
        names.add(position)
        count = gast.copy_location(call_builtin("range", [gast.Constant(value=len(_sequence(seq, parsed)), kind=None)]), seq)
        if k is None:
            loop.iter = count
        else:
            loop.iter.args[k] = count
        elt.id = position
        loop.body = [_Through(function, seq, position).visit(stmt) for stmt in loop.body]
    return loop


def _sequence(node, parsed):
    """The functions a tuple or list literal of references, or a global tuple or list of functions, holds."""
    if isinstance(node, (gast.Tuple, gast.List)):
        found = [_function(e, parsed) for e in node.elts]
        return found if found and all(f is not None for f in found) else None
    root = parsed.scope.root(node) if isinstance(node, (gast.Name, gast.Attribute)) else None
    if root is None or root.id in parsed.scope.locals:
        return None
    obj = parsed.scope.resolve(node)
    if isinstance(obj, (tuple, list)) and obj and all(callable(f) and not isinstance(f, type) for f in obj):
        return list(obj)
    return None


def _function(node, parsed):
    root = parsed.scope.root(node) if isinstance(node, (gast.Name, gast.Attribute)) else None
    if root is None or root.id in parsed.scope.locals:
        return None
    obj = parsed.scope.resolve(node)
    return obj if callable(obj) and not isinstance(obj, type) and obj is not MISSING else None


def _only_called(name, body):
    """Whether every read of ``name`` in ``body`` calls it or passes it to a call (and nothing rebinds it)."""
    uses, fine = 0, 0
    for stmt in body:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and n.id == name:
                if not isinstance(n.ctx, gast.Load):
                    return False
                uses += 1
            if isinstance(n, gast.Call):
                fine += sum(isinstance(a, gast.Name) and a.id == name for a in [n.func] + n.args + [k.value for k in n.keywords])
    return uses > 0 and uses == fine


class _Through(gast.NodeTransformer):
    """Reads of a loop variable as ``seq[position]``."""

    def __init__(self, name, seq, position):
        self.name, self.seq, self.position = name, seq, position

    def visit_Name(self, node):
        if node.id != self.name:
            return node
        return gast.copy_location(gast.Subscript(value=copy.deepcopy(self.seq), slice=name_node(self.position), ctx=gast.Load()), node)


def _walk(node):
    return gast.walk(node) if isinstance(node, gast.AST) else ()


def _dispatched(call, parsed):
    """The ``TABLE[key]`` a call calls or passes (the first), or None."""
    if not isinstance(call, gast.Call):
        return None
    return next((n for n in [call.func] + call.args + [k.value for k in call.keywords] if _table(n, parsed) is not None), None)


def _table(node, parsed):
    """The dict ``node`` (a subscript) reads an entry of, if it is a table of functions, or None."""
    if not isinstance(node, gast.Subscript):
        return None
    table = node.value
    functions = _sequence(table, parsed)
    if functions is not None:
        return dict(enumerate(functions))
    root = parsed.scope.root(table)
    if root is None or root.id in parsed.scope.locals:
        return None
    obj = parsed.scope.resolve(table)
    if obj is MISSING or not isinstance(obj, dict) or not obj:
        return None
    if not all(isinstance(k, (str, int)) and not isinstance(k, bool) and callable(v) for k, v in obj.items()):
        return None
    return obj


class _Dispatch(gast.NodeTransformer):
    def __init__(self, parsed, namer):
        self.parsed = parsed
        self.namer = namer
        self.before = []

    def visit_Lambda(self, node):
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        chosen = _dispatched(node, self.parsed)
        if chosen is None:
            return node
        result = self.namer.fresh(f"{_table_name(chosen)}_result")
        self.branches(node, result)
        return gast.copy_location(name_node(result), node)

    def branches(self, call, target):
        """The ``if``/``elif`` chain that assigns ``target`` the call with the chosen entry."""
        chosen = _dispatched(call, self.parsed)
        table = _table(chosen, self.parsed)
        key = chosen.slice
        if not isinstance(key, (gast.Name, gast.Constant)):
            held = self.namer.fresh(f"{_table_name(chosen)}_key")
            self.before.append(gast.copy_location(assign(name_node(held, store=True), key), call))
            key = name_node(held)
        missing = gast.Raise(exc=call_builtin("KeyError", [copy.deepcopy(key)]), cause=None)
        chain = [missing]
        for k, fn in reversed(list(table.items())):
            ref = self.reference(fn, chosen)

            def entry(node):
                return copy.deepcopy(ref) if node is chosen else copy.deepcopy(node)

            made = gast.Call(func=entry(call.func), args=[entry(a) for a in call.args],
                             keywords=[gast.keyword(arg=k.arg, value=entry(k.value)) for k in call.keywords])
            branch = assign(name_node(target, store=True), made)
            test = gast.Compare(left=copy.deepcopy(key), ops=[gast.Eq()], comparators=[gast.Constant(value=k, kind=None)])
            chain = [gast.If(test=test, body=[branch], orelse=chain)]
        for n in gast.walk(chain[0]):
            if isinstance(n, (gast.stmt, gast.expr)):
                gast.copy_location(n, call)
        self.before.append(chain[0])

    def reference(self, fn, chosen):
        spelled = canonical_name(fn)
        if spelled is not None:
            ref = dotted_expr(spelled)
            ref.s2s_canonical = True
        elif isinstance(fn, types.FunctionType):
            ref = name_node(function_name(fn))
        else:
            raise self.parsed.loc.error(chosen, f"the table `{gast.unparse(chosen.value)}` holds {fn!r}, which s2s cannot "
                                                   "call by a name: put functions of yours or numpy's in it")
        ref.s2s_global = fn
        return ref



def _table_name(chosen):
    """A name for what a call through ``chosen`` (``TABLE[key]``) computes: the table's, or the key's."""
    if isinstance(chosen.value, (gast.Tuple, gast.List)):
        return chosen.slice.id.removesuffix("_position") if isinstance(chosen.slice, gast.Name) else "call"
    return dotted(chosen.value).split(".")[-1].lower()
