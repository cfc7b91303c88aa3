"""Desugaring of ``*args`` and ``**kwargs`` at call sites into unpacking and plain arguments.

Takes a function body (gast statements), after the function values are
resolved (:mod:`.functions`).  Guarantees: no ``Starred`` argument and no
``**`` keyword remains in a call.  A starred argument whose length is known
statically is unpacked, before the statement that holds the call, into names
that the call then passes one by one (unpacking is what s2s differentiates: an
array unpacked gets an array-shaped adjoint).  The length is known from

* the callee's signature, for one of the user's functions (or any function
  with a Python signature): the positional parameters left after the other
  positional arguments and the keywords, none of them with a default, and
  no ``*args`` parameter; the names are the parameters' own;
* a tuple or list literal: written out, or bound once to a name in the
  function (the names are then ``<name>_0``, ``<name>_1``...).

``**{"k": v}`` (a dict literal with string keys) becomes ``k=v``.  Anything
else is refused at the user's line, with the rewrite.  A starred argument in
a ``while`` condition is refused too (it would be unpacked once, before the
loop).

    k1 = lotka_volterra(y, *theta)   ->   alpha, beta, gamma, delta = theta
                                          k1 = lotka_volterra(y, alpha, beta, gamma, delta)
"""

import inspect

import gast

from ..naming import Namer
from .tree import assign, map_statements, name_node, own_fields, rewritten_fields



def desugar(body, parsed):
    if not any(_spread(n) for stmt in body for n in gast.walk(stmt)):
        return body
    names = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)}
    spreader = _Spread(parsed, Namer(names), _literal_lengths(body))

    def statement(stmt):
        if isinstance(stmt, gast.With):  # an insert_grad_of block runs as written
            return [stmt]
        fields = own_fields(stmt)
        if not any(_spread(n) for f in fields for n in _walk(getattr(stmt, f, None))):
            return [stmt]
        if isinstance(stmt, gast.While):
            raise parsed.loc.error(stmt.test, "a call with `*args` in a `while` condition: compute it into a name "
                                              "before the loop and at the end of its body")
        spreader.before = []
        return spreader.before + [rewritten_fields(stmt, fields, spreader)]

    return map_statements(body, statement)


def _walk(node):
    return gast.walk(node) if isinstance(node, gast.AST) else ()


def _spread(node):
    return isinstance(node, gast.Call) and (any(isinstance(a, gast.Starred) for a in node.args)
                                            or any(k.arg is None for k in node.keywords))


def _literal_lengths(body):
    """``{name: length}`` for each name the body binds once, to a tuple or list literal."""
    stores, lengths = {}, {}
    for node in (n for stmt in body for n in gast.walk(stmt)):
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        if (isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)
                and isinstance(node.value, (gast.Tuple, gast.List))
                and not any(isinstance(e, gast.Starred) for e in node.value.elts)):
            lengths[node.targets[0].id] = len(node.value.elts)
    return {k: n for k, n in lengths.items() if stores.get(k) == 1}


class _Spread(gast.NodeTransformer):
    """Each call with ``*``/``**`` arguments made plain; the unpacking goes to ``before``."""

    def __init__(self, parsed, namer, lengths):
        self.parsed = parsed
        self.namer = namer
        self.lengths = lengths
        self.before = []

    def visit_Lambda(self, node):
        return node  # its calls run when it is called: lifted or inlined with it

    def visit_Call(self, node):
        self.generic_visit(node)
        if not _spread(node):
            return node
        starred = [i for i, a in enumerate(node.args) if isinstance(a, gast.Starred)]
        if len(starred) > 1:
            raise self.parsed.loc.error(node.args[starred[1]], "a call with two `*` arguments: unpack them into names first")
        keywords = self.keywords(node)
        args = list(node.args)
        if starred:
            i = starred[0]
            args[i:i + 1] = self.unpacked(node, i, [k.arg for k in keywords])
        return gast.copy_location(gast.Call(func=node.func, args=args, keywords=keywords), node)

    def keywords(self, node):
        out = []
        for k in node.keywords:
            if k.arg is not None:
                out.append(k)
                continue
            value = k.value
            if not (isinstance(value, gast.Dict) and all(isinstance(key, gast.Constant) and isinstance(key.value, str) for key in value.keys)):
                raise self.parsed.loc.error(value, "a call with `**kwargs`: s2s needs the arguments by name, "
                                                   "`f(x, a=kwargs[\"a\"], b=kwargs[\"b\"])`")
            out += [gast.keyword(arg=key.value, value=v) for key, v in zip(value.keys, value.values)]
        return out

    def unpacked(self, call, index, keyword_names):
        """The arguments that stand for ``call.args[index]`` (a ``Starred``)."""
        value = call.args[index].value
        if isinstance(value, (gast.Tuple, gast.List)) and not any(isinstance(e, gast.Starred) for e in value.elts):
            return list(value.elts)
        names = self.parameter_names(call, index, keyword_names)
        if names is None and isinstance(value, gast.Name) and value.id in self.lengths:
            names = [f"{value.id}_{i}" for i in range(self.lengths[value.id])]
        if names is None:
            what = gast.unparse(value) if hasattr(gast, "unparse") else "the sequence"
            raise self.parsed.loc.error(call.args[index], f"s2s cannot tell how many arguments `*{what}` passes here: "
                                                          f"unpack it into names first (`a, b = {what}`) and pass them")
        names = [self.namer.fresh(n) for n in names]
        target = gast.Tuple(elts=[name_node(n, store=True) for n in names], ctx=gast.Store())
        self.before.append(gast.copy_location(assign(target, value), call))
        return [gast.copy_location(name_node(n), value) for n in names]

    def parameter_names(self, call, index, keyword_names):
        """The names of the parameters ``call.args[index]`` fills, from the callee's
        signature, or None where the signature does not tell."""
        callee = getattr(call.func, "s2s_global", None)
        if callee is None:
            callee = self.parsed.scope.resolve(call.func)
        try:
            params = list(inspect.signature(callee).parameters.values())
        except (TypeError, ValueError):
            return None
        if any(p.kind == p.VAR_POSITIONAL for p in params):
            return None
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in keyword_names]
        after = len(call.args) - index - 1
        filled = positional[index:len(positional) - after]
        if not filled or any(p.default is not p.empty for p in filled):
            return None
        return [p.name for p in filled]
