"""Desugaring of list and dict comprehensions and generator expressions into loops that build lists
and dicts.

Takes a function body (gast statements), before the other desugaring passes.
Guarantees: no ``ListComp``, ``GeneratorExp`` or ``DictComp`` remains outside an
``insert_grad_of`` block.  Each becomes, before the statement that holds it, a
list started empty and a ``for`` loop (one per ``for`` clause, an ``if`` per
condition) that appends to it with ``appended`` (a dict comprehension: a dict
started empty, ``d[key] = value`` in the loop); the comprehension's place holds
the list.  A generator expression becomes a list too: the functions that take
one (``sum``, ``max``, ``np.array``, ``np.stack``, ``tuple``...) give the same
value for the list.  A comprehension assigned to a name builds that name; one
nested in an expression builds a list named after what it holds.  Its variables
keep their names unless the function uses those names elsewhere (comprehension
variables are the comprehension's own), when they are renamed.  A comprehension
in a ``while`` condition (evaluated again at each iteration) is refused at the
user's line.

    hs = [np.tanh(x @ W) for W in Ws]      ->   hs = []
                                                for W in Ws:
                                                    hs = appended(hs, np.tanh(x @ W))
    s = sum(w * x for w in ws if w > 0)    ->   terms = []
                                                for w in ws:
                                                    if w > 0:
                                                        terms = appended(terms, w * x)
                                                s = sum(terms)
    g = {k: v * 2 for k, v in p.items()}   ->   g = {}
                                                for k, v in p.items():
                                                    g[k] = v * 2
"""

import copy

import gast

from ..naming import Namer
from .tree import assign, map_statements, name_node, own_fields, runtime_call

COMPREHENSIONS = (gast.ListComp, gast.GeneratorExp, gast.DictComp)


def desugar(body, parsed):
    user_names = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)}
    lift = _Lift(Namer(user_names), parsed)

    def statement(stmt):
        if isinstance(stmt, gast.With):  # an insert_grad_of block runs as written
            return [stmt]
        fields = own_fields(stmt)
        if not any(isinstance(n, COMPREHENSIONS) for f in fields for n in _walk(getattr(stmt, f, None))):
            return [stmt]
        if isinstance(stmt, gast.While):
            comprehension = next(n for n in gast.walk(stmt.test) if isinstance(n, COMPREHENSIONS))
            raise parsed.loc.error(comprehension, "a comprehension in a `while` condition is computed again at each "
                                                  "iteration: assign it to a name before the loop and at the end of its body")
        before = []
        if _assigned_name(stmt) is not None:  # `hs = [...]` builds hs itself
            lift.comprehension(copy.deepcopy(stmt.value), before, stmt.targets[0].id)
            return before
        new = copy.copy(stmt)
        for field in fields:
            value = getattr(stmt, field, None)
            if isinstance(value, gast.AST):
                setattr(new, field, lift.within(copy.deepcopy(value), before))
        return before + [new]

    return map_statements(body, statement)


def _walk(node):
    return gast.walk(node) if isinstance(node, gast.AST) else ()


def _assigned_name(stmt):
    """The name a statement ``name = [... for ...]`` assigns, else None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id if isinstance(stmt.value, COMPREHENSIONS) else None
    return None


class _Lift(gast.NodeTransformer):
    """Each comprehension in an expression (innermost first) replaced by the name of its list,
    its loop emitted into the statements that run before."""

    def __init__(self, namer, parsed):
        self.namer = namer
        self.parsed = parsed
        self.before = None

    def within(self, node, before):
        saved, self.before = self.before, before
        try:
            return self.visit(node)
        finally:
            self.before = saved

    def visit_Lambda(self, node):
        return node  # its own scope: refused where it stands

    def visit_ListComp(self, node):
        items = self.namer.fresh("items")
        self.comprehension(node, self.before, items)
        return gast.copy_location(name_node(items), node)

    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        entries = self.namer.fresh("entries")
        self.comprehension(node, self.before, entries)
        return gast.copy_location(name_node(entries), node)

    def comprehension(self, node, before, items):
        """Emit into ``before`` the statements that build the list ``items`` of ``node``."""
        for generator in node.generators:
            if generator.is_async:
                raise self.parsed.loc.error(node, "s2s does not support async comprehensions")
        for later in [g.iter for g in node.generators[1:]] + [c for g in node.generators for c in g.ifs]:
            inner = next((n for n in gast.walk(later) if isinstance(n, COMPREHENSIONS)), None)
            if inner is not None:
                raise self.parsed.loc.error(inner, "a comprehension inside another's condition or inner `for` is not "
                                                   "supported: assign it to a name first")
        renames = {}
        for generator in node.generators:
            for n in gast.walk(generator.target):
                if isinstance(n, gast.Name) and self._used_outside(n.id, node):
                    renames[n.id] = self.namer.fresh(n.id)
        node = _Rename(renames).visit(node)
        first = self.within(node.generators[0].iter, before)  # evaluated once, before the loop
        body = []
        if isinstance(node, gast.DictComp):  # items[key] = value
            key = self.within(node.key, body)  # comprehensions in the entry: once per iteration
            entry = gast.Subscript(value=name_node(items), slice=key, ctx=gast.Store())
            body.append(gast.copy_location(assign(entry, self.within(node.value, body)), node))
        else:
            element = self.within(node.elt, body)
            body.append(gast.copy_location(assign(name_node(items, True), runtime_call("appended", [name_node(items), element], node.elt)), node))
        for index in reversed(range(len(node.generators))):
            generator = node.generators[index]
            for condition in reversed(generator.ifs):
                body = [gast.copy_location(gast.If(test=condition, body=body, orelse=[]), condition)]
            iterable = first if index == 0 else generator.iter
            body = [gast.copy_location(gast.For(target=generator.target, iter=iterable, body=body, orelse=[], type_comment=None), node)]
        empty = gast.Dict(keys=[], values=[]) if isinstance(node, gast.DictComp) else gast.List(elts=[], ctx=gast.Load())
        gast.copy_location(empty, node)
        before.append(gast.copy_location(assign(name_node(items, True), empty), node))
        before.extend(body)

    def _used_outside(self, name, comprehension):
        """Whether the function uses ``name`` other than as this comprehension's variable."""
        inside = sum(1 for n in gast.walk(comprehension) if isinstance(n, gast.Name) and n.id == name)
        everywhere = sum(1 for n in gast.walk(self.parsed.node) if isinstance(n, gast.Name) and n.id == name)
        return everywhere > inside


class _Rename(gast.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if node.id in self.renames:
            return gast.copy_location(name_node(self.renames[node.id], isinstance(node.ctx, gast.Store)), node)
        return node
