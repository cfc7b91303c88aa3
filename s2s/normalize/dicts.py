"""Desugaring of dict literals and of the dict views into runtime helpers over lists.

Takes a function body (gast statements) after the comprehension pass (which writes a
dict comprehension as a loop that assigns ``d[key] = value``).  Guarantees: outside
``insert_grad_of`` blocks no ``Dict`` node remains, and ``.items()``, ``.values()`` and
``.keys()`` called without arguments on a local value are calls of the runtime helpers
(:mod:`s2s.runtime.dicts`), which give lists: loops index them and their adjoints are
known.  ``d[k] = v`` on a dict is item assignment (``updated``), as for lists.  A literal
that unpacks another dict (``{**d, "k": v}``) is refused at the user's line.

    {"a": x * 2, "b": y}        ->   dict_of(("a", "b"), [x * 2, y])
    {}                          ->   dict_of()
    for k, v in p.items():      ->   for k, v in items_of(p):
"""

import copy

import gast

from .tree import map_statements, runtime_call

VIEWS = {"items": "items_of", "values": "values_of", "keys": "keys_of"}


def desugar(body, parsed):
    rewrite = _Dicts(parsed)

    def statement(stmt):
        if isinstance(stmt, gast.With):  # an insert_grad_of block runs as written
            return [stmt]
        if not any(rewrite.applies(n) for n in gast.walk(stmt)):
            return [stmt]
        return [rewrite.visit(copy.deepcopy(stmt))]  # the user's tree stays as it was

    return map_statements(body, statement)


class _Dicts(gast.NodeTransformer):
    def __init__(self, parsed):
        self.parsed = parsed
        self.scope = parsed.scope

    def applies(self, node):
        return isinstance(node, gast.Dict) or self.view(node) is not None

    def view(self, node):
        """The helper for ``d.items()``/``.values()``/``.keys()`` on a local value, else None."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in VIEWS):
            return None
        if node.args or node.keywords or hasattr(node.func, "s2s_global"):
            return None
        root = self.scope.root(node.func)
        return VIEWS[node.func.attr] if root is None or root.id in self.scope.locals else None

    def visit_Lambda(self, node):
        return node  # its own scope: refused where it stands

    def visit_Dict(self, node):
        self.generic_visit(node)
        if any(key is None for key in node.keys):
            raise self.parsed.loc.error(node, "s2s does not support `**` in a dict literal: start from a copy, "
                                              "`out = dict(d)`, or assign the entries one by one, `out[k] = v`")
        if not node.keys:
            return runtime_call("dict_of", [], node)
        keys = gast.Tuple(elts=node.keys, ctx=gast.Load())
        if all(isinstance(k, gast.Constant) for k in node.keys):  # written in the call, not named
            keys = gast.Constant(value=tuple(k.value for k in node.keys), kind=None)
        values = gast.List(elts=node.values, ctx=gast.Load())
        return runtime_call("dict_of", [keys, values], node)

    def visit_Call(self, node):
        self.generic_visit(node)
        helper = self.view(node)
        if helper is None:
            return node
        return runtime_call(helper, [node.func.value], node)
