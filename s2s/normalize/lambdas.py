"""Desugaring of lambdas bound to a name in the function: each call becomes the lambda's body.

Takes a function body (gast statements), before the other desugaring passes.
Guarantees: a ``name = lambda ...: body`` statement whose name the function
assigns once and only calls (``name(a, b)``) is gone, and each call is the
body with the parameters replaced by the call's arguments (defaults filled
in).  The body reads the function's other names where the call stands, as the
lambda would when called (Python closures read variables when called).  A
lambda used otherwise (passed to a function, returned, stored) is left for
normalization, which refuses it at its line; so is a call whose arguments
cannot be matched to the parameters, and a call inside a comprehension that
binds a name the body reads (the body would read the comprehension's variable).

    scale = lambda v, k=2.0: v * k     ->   (removed)
    y = scale(x) + scale(z, 3.0)       ->   y = x * 2.0 + z * 3.0
"""

import copy

import gast

from .tree import map_statements


def desugar(body, parsed):
    lambdas = _inlinable(body, parsed)
    if not lambdas:
        return body

    def statement(stmt):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in lambdas:
            return []
        if isinstance(stmt, gast.With):
            return [stmt]
        return [_Inline(lambdas, parsed).visit(copy.deepcopy(stmt))]

    return map_statements(body, statement)


def _inlinable(body, parsed):
    """``{name: Lambda}`` for each name bound once to a lambda and otherwise only called."""
    stores, loads, calls, found = {}, {}, {}, {}
    for node in (n for stmt in body for n in gast.walk(stmt)):
        if isinstance(node, gast.Name):
            table = stores if isinstance(node.ctx, gast.Store) else loads
            table[node.id] = table.get(node.id, 0) + 1
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            calls[node.func.id] = calls.get(node.func.id, 0) + 1
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Lambda):
            found[node.targets[0].id] = node.value
    params = {a.id for a in parsed.node.args.args + parsed.node.args.posonlyargs + parsed.node.args.kwonlyargs}
    return {
        name: lam for name, lam in found.items()
        if stores.get(name) == 1 and loads.get(name, 0) == calls.get(name, 0) and name not in params
        and not lam.args.vararg and not lam.args.kwarg
    }


class _Inline(gast.NodeTransformer):
    def __init__(self, lambdas, parsed):
        self.lambdas = lambdas
        self.parsed = parsed
        self.bound = []  # names comprehensions around the node being visited bind

    def visit_comprehension_scope(self, node):
        names = {n.id for g in node.generators for n in gast.walk(g.target) if isinstance(n, gast.Name)}
        self.bound.append(names)
        try:
            return self.generic_visit(node)
        finally:
            self.bound.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_comprehension_scope

    def visit_Call(self, node):
        self.generic_visit(node)
        if not (isinstance(node.func, gast.Name) and node.func.id in self.lambdas):
            return node
        lam = self.lambdas[node.func.id]
        values = self.bind(lam, node)
        free = {n.id for n in gast.walk(lam.body) if isinstance(n, gast.Name)} - set(values)
        captured = free & set().union(*self.bound) if self.bound else set()
        if captured:
            raise self.parsed.loc.error(node, f"the lambda `{node.func.id}` reads `{sorted(captured)[0]}`, which the "
                                              "comprehension around this call binds too: rename one of them")
        body = _Substitute(values).visit(copy.deepcopy(lam.body))
        return gast.copy_location(body, node) if not hasattr(body, "lineno") else body

    def bind(self, lam, call):
        """``{parameter: argument expression}`` of a call, defaults filled in."""
        args = lam.args
        positional = [a.id for a in args.posonlyargs + args.args]
        defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        defaults.update({a.id: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        if len(call.args) > len(positional) or any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise self.parsed.loc.error(call, f"this call of the lambda `{call.func.id}` does not match its parameters")
        values = dict(zip(positional, call.args))
        for keyword in call.keywords:
            if keyword.arg in values:
                raise self.parsed.loc.error(call, f"`{keyword.arg}` is given twice to the lambda `{call.func.id}`")
            values[keyword.arg] = keyword.value
        for name in positional + [a.id for a in args.kwonlyargs]:
            if name not in values:
                if name not in defaults:
                    raise self.parsed.loc.error(call, f"the lambda `{call.func.id}` needs its argument `{name}`")
                if not isinstance(defaults[name], gast.Constant):
                    raise self.parsed.loc.error(call, f"the default of `{name}` of the lambda `{call.func.id}` is computed "
                                                      "when the lambda is made: give the argument at this call")
                values[name] = defaults[name]
        return values


class _Substitute(gast.NodeTransformer):
    def __init__(self, values):
        self.values = values

    def visit_Name(self, node):
        if node.id in self.values and isinstance(node.ctx, gast.Load):
            return copy.deepcopy(self.values[node.id])
        return node

    def visit_Lambda(self, node):
        return node  # a lambda inside the body has its own parameters
