"""Desugaring of array methods into the numpy functions that take the array first.

Takes a function body (gast statements) after the list-method pass.
Guarantees: every call of a method in :data:`ARRAY_METHODS` on a local
value outside ``insert_grad_of`` blocks became a call of a reference carrying
``s2s_global`` (the numpy function, or the runtime helper for ``copy`` and
``astype``, whose numpy forms not every array library has), with the value
as first argument.  Other methods are left as they are: normalization
refuses them (or the use of a name before it is assigned).

    x.sum(axis=0)         ->   np.sum(x, axis=0)
    x.reshape(n, 2)       ->   np.reshape(x, (n, 2))
    x.flatten()           ->   np.ravel(x)
    x.astype(float)       ->   astype(x, float)
"""

import copy

import gast
import numpy

from .tree import dotted_expr, runtime_ref, map_statements

# Array methods, rewritten to the numpy function that takes the array first.
ARRAY_METHODS = {
    name: getattr(numpy, name)
    for name in (
        "sum mean prod max min var std cumsum cumprod dot reshape transpose ravel "
        "squeeze clip trace diagonal astype copy argmax argmin argsort any all "
        "round conj conjugate nonzero swapaxes take repeat compress searchsorted argpartition"
    ).split()
}
ARRAY_METHODS["flatten"] = numpy.ravel
# Methods kept as methods, through a runtime helper: numpy's function form
# (np.copy, np.astype) is not one that every array library implements (dask).
METHOD_HELPERS = {"copy": "copy_of", "astype": "astype"}
VARARG_METHODS = {"reshape", "transpose"}  # x.reshape(a, b) == np.reshape(x, (a, b))
# Methods that change the array in place, and the value-returning form to write instead
IN_PLACE_METHODS = {
    "sort": "x = np.sort(x)", "partition": "x = np.partition(x, k)", "fill": "x = np.full_like(x, value)",
    "put": "x[indices] = values", "resize": "x = np.resize(x, shape)", "itemset": "x[i] = value",
}


def desugar(body, parsed):
    rewrite = _Methods(parsed)

    def statement(stmt):
        if isinstance(stmt, gast.With):  # an insert_grad_of block runs as written
            return [stmt]
        fields = ("test",) if isinstance(stmt, (gast.If, gast.While)) else ("iter",) if isinstance(stmt, gast.For) else stmt._fields
        parts = [getattr(stmt, f) for f in fields]
        if not any(rewrite.applies(n) for part in parts for n in _walk(part)):
            return [stmt]
        new = copy.copy(stmt)
        for field, part in zip(fields, parts):
            setattr(new, field, rewrite.visit_all(copy.deepcopy(part)))  # the user's tree stays as it was
        return [new]

    return map_statements(body, statement)


class _Methods(gast.NodeTransformer):
    def __init__(self, parsed):
        self.scope = parsed.scope

    def applies(self, node):
        """Whether ``node`` is a call of an array method on a local value."""
        if not isinstance(node, gast.Call) or not isinstance(node.func, gast.Attribute) or hasattr(node.func, "s2s_global"):
            return False
        root = self.scope.root(node.func)
        return (root is None or root.id in self.scope.locals) and node.func.attr in ARRAY_METHODS

    def visit_all(self, part):
        return [self.visit(p) for p in part] if isinstance(part, list) else self.visit(part) if isinstance(part, gast.AST) else part

    def visit_Call(self, node):
        self.generic_visit(node)
        if not self.applies(node):
            return node
        func = node.func
        args = node.args
        if func.attr in VARARG_METHODS and len(args) > 1:
            args = [gast.Tuple(elts=args, ctx=gast.Load())]
        if func.attr in METHOD_HELPERS:
            ref = runtime_ref(METHOD_HELPERS[func.attr])
        else:
            ref = dotted_expr("np." + ("ravel" if func.attr == "flatten" else func.attr))
            ref.s2s_global = ARRAY_METHODS[func.attr]
            ref.s2s_canonical = True
        call = gast.Call(func=ref, args=[func.value] + args, keywords=node.keywords)
        return gast.copy_location(call, node)


def _walk(part):
    for node in part if isinstance(part, list) else [part]:
        if isinstance(node, gast.AST):
            yield from gast.walk(node)
