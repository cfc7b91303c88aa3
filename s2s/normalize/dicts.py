"""Desugaring of dict literals and of the dict views into runtime helpers over lists.

Takes a function body (gast statements) after the comprehension pass (which writes a
dict comprehension as a loop that assigns ``d[key] = value``).  Guarantees: outside
``insert_grad_of`` blocks no ``Dict`` node remains, and ``.items()``, ``.values()`` and
``.keys()`` called without arguments on a local value are calls of the runtime helpers
(:mod:`s2s.runtime.dicts`), which give lists: loops index them and their adjoints are
known.  A loop ``for k in d:`` whose body reads ``d[k]`` iterates ``keys_of(d)`` (a
sequence is not indexed by its own elements: ``d`` is a dict).  ``d.get(k, default)``, with
``d`` and ``k`` plain reads, is the conditional expression it means; ``dict(d)`` is a copy
and ``dict(a=x)`` a literal.  ``d[k] = v`` on a dict is item assignment (``updated``), as for lists.  A literal
that unpacks another dict (``{**d, "k": v}``) is refused at the user's line.

    {"a": x * 2, "b": y}        ->   dict_of(("a", "b"), [x * 2, y])
    {}                          ->   dict_of()
    for k, v in p.items():      ->   for k, v in items_of(p):
    for k in p: ... p[k] ...    ->   for k in keys_of(p): ... p[k] ...
    cfg.get("lam", 0.1)         ->   cfg["lam"] if "lam" in cfg else 0.1
    dict(a=x)                   ->   dict_of(("a",), [x])
    dict(d)                     ->   dict_of(keys_of(d), values_of(d))
"""

import copy

import gast

from .tree import map_statements, own_fields, runtime_call

VIEWS = {"items": "items_of", "values": "values_of", "keys": "keys_of"}


def desugar(body, parsed):
    rewrite = _Dicts(parsed)

    def statement(stmt):
        if isinstance(stmt, gast.With):  # an insert_grad_of block runs as written
            return [stmt]
        fields = own_fields(stmt)  # the statement's own expressions
        new = copy.copy(stmt)
        changed = False
        for field in fields:
            part = getattr(stmt, field, None)
            if isinstance(part, gast.AST) and any(rewrite.applies(n) for n in gast.walk(part)):
                setattr(new, field, rewrite.visit(copy.deepcopy(part)))  # the user's tree stays as it was
                changed = True
        if isinstance(stmt, gast.For) and _keyed_by_target(stmt):  # for k in d: ... d[k] ...
            new.iter = runtime_call("keys_of", [stmt.iter], stmt.iter)
            changed = True
        return [new] if changed else [stmt]

    return map_statements(body, statement)


def _keyed_by_target(loop):
    """Whether ``loop`` is ``for k in d:`` with ``d[k]`` in its body: ``d`` is a mapping
    (a sequence is not indexed by its own elements), iterated by key."""
    if not (isinstance(loop.target, gast.Name) and isinstance(loop.iter, gast.Name)):
        return False
    return any(
        isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and n.value.id == loop.iter.id
        and isinstance(n.slice, gast.Name) and n.slice.id == loop.target.id
        for stmt in loop.body for n in gast.walk(stmt)
    )


class _Dicts(gast.NodeTransformer):
    def __init__(self, parsed):
        self.parsed = parsed
        self.scope = parsed.scope

    def applies(self, node):
        return isinstance(node, gast.Dict) or self.view(node) is not None or self.lookup(node) or self.constructor(node)

    def constructor(self, node):
        """Whether ``node`` is ``dict(d)`` (a copy) or ``dict(a=x, b=y)`` (a literal)."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id not in self.scope.locals):
            return False
        if self.scope.resolve(node.func) is not dict:
            return False
        if len(node.args) == 1 and not node.keywords:
            return True
        return not node.args and all(k.arg is not None for k in node.keywords)

    def lookup(self, node):
        """Whether ``node`` is ``d.get(k)`` or ``d.get(k, default)`` on a local value, ``d`` and
        ``k`` reads that may be evaluated twice."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "get"):
            return False
        if node.keywords or not 1 <= len(node.args) <= 2 or hasattr(node.func, "s2s_global"):
            return False
        root = self.scope.root(node.func)
        return (root is None or root.id in self.scope.locals) and _read(node.func.value) and _read(node.args[0])

    def view(self, node):
        """The helper for ``d.items()``/``.values()``/``.keys()`` on a local value, else None
        (a global's are called as written)."""
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
                                              "`out = dict(d)`, and assign the other entries, `out[k] = v`")
        if not node.keys:
            return runtime_call("dict_of", [], node)
        keys = gast.Tuple(elts=node.keys, ctx=gast.Load())
        if all(isinstance(k, gast.Constant) for k in node.keys):  # written in the call, not named
            keys = gast.Constant(value=tuple(k.value for k in node.keys), kind=None)
        values = gast.List(elts=node.values, ctx=gast.Load())
        return runtime_call("dict_of", [keys, values], node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.constructor(node):  # dict(d) -> a copy; dict(a=x) -> {"a": x}
            if node.args:  # a copy made of its keys and values, so that only a dict is copied
                keys, values = (runtime_call(h, [copy.deepcopy(node.args[0])], node) for h in ("keys_of", "values_of"))
                return runtime_call("dict_of", [keys, values], node)
            literal = gast.Dict(keys=[gast.Constant(value=k.arg, kind=None) for k in node.keywords], values=[k.value for k in node.keywords])
            return self.visit_Dict(gast.copy_location(literal, node))
        if self.lookup(node):  # d.get(k, default) -> d[k] if k in d else default
            d, key = node.func.value, node.args[0]
            default = node.args[1] if len(node.args) == 2 else gast.Constant(value=None, kind=None)
            item = gast.copy_location(gast.Subscript(value=d, slice=key, ctx=gast.Load()), node)
            test = gast.copy_location(gast.Compare(left=copy.deepcopy(key), ops=[gast.In()], comparators=[copy.deepcopy(d)]), node)
            return gast.copy_location(gast.IfExp(test=test, body=item, orelse=default), node)
        helper = self.view(node)
        if helper is None:
            return node
        return runtime_call(helper, [node.func.value], node)


def _read(node):
    """Whether ``node`` only reads (a name, a constant, attributes and constant subscripts of those)."""
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.Attribute):
        return _read(node.value)
    return isinstance(node, gast.Subscript) and _read(node.value) and isinstance(node.slice, (gast.Name, gast.Constant))
