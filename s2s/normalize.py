"""Normalization to A-normal form (ANF), with single assignment.

Takes a :class:`~s2s.frontend.Parsed` function.  Returns a new
``gast.FunctionDef`` whose body has one operation per statement:

* ``name = rhs`` where ``rhs`` is an *atom* (a local ``Name``, a ``Constant``
  or a global reference), or one operation on atoms: ``BinOp``, ``UnaryOp``,
  single ``Compare``, ``BoolOp``, ``Call``, ``Attribute``, ``Subscript``
  (index made of atoms and slices of atoms), ``Tuple``/``List`` of atoms;
* ``a, b = t`` (unpacking a local name into names, nested unpacking split);
* ``return atom`` as the last statement; an expression statement ``call(...)``.

Guarantees: every local name is assigned once (a re-assignment gets a version
name such as ``h_2``); temporaries are named after what they hold; array
methods are rewritten to numpy calls (``x.sum(axis=0)`` to
``np.sum(x, axis=0)``); every call carries ``s2s_target``, the object it calls;
global references carry ``s2s_global`` (the object) and are spelled ``np.…``/
``math.…`` when they come from those modules; every statement carries
``s2s_line`` (the user's file line) and ``s2s_text`` (that line's code).
Constructs outside this subset raise ``S2SError`` at the user's line.
"""

import builtins

import gast
import numpy

from .frontend import MISSING, canonical_module
from .naming import OPERATOR_WORDS, Namer, short

# Array methods, rewritten to the numpy function that takes the array first.
ARRAY_METHODS = {
    name: getattr(numpy, name)
    for name in (
        "sum mean prod max min var std cumsum cumprod dot reshape transpose ravel "
        "squeeze clip trace diagonal astype copy argmax argmin argsort any all "
        "round conj nonzero"
    ).split()
}
ARRAY_METHODS["flatten"] = numpy.ravel
REFUSED_BUILTINS = ("eval", "exec", "compile", "globals", "locals", "vars", "__import__", "setattr", "delattr")
VARARG_METHODS = {"reshape", "transpose"}  # x.reshape(a, b) == np.reshape(x, (a, b))

UNSUPPORTED_STATEMENTS = {
    "Try": "`try` statements",
    "TryStar": "`try` statements",
    "With": "`with` blocks",
    "AsyncWith": "`async with` blocks",
    "AsyncFor": "`async for` loops",
    "Delete": "`del` statements",
    "Global": "`global` declarations",
    "Nonlocal": "`nonlocal` declarations",
    "ClassDef": "class definitions",
    "FunctionDef": "nested function definitions",
    "AsyncFunctionDef": "nested function definitions",
    "Import": "imports inside the function",
    "ImportFrom": "imports inside the function",
    "Raise": "`raise` statements",
    "Match": "`match` statements",
    "If": "`if` statements (control flow is not supported yet)",
    "For": "`for` loops (control flow is not supported yet)",
    "While": "`while` loops (control flow is not supported yet)",
    "Break": "`break`",
    "Continue": "`continue`",
}

UNSUPPORTED_EXPRESSIONS = {
    "Lambda": "lambda expressions",
    "ListComp": "list comprehensions",
    "SetComp": "set comprehensions",
    "DictComp": "dict comprehensions",
    "GeneratorExp": "generator expressions",
    "Yield": "`yield` (generators)",
    "YieldFrom": "`yield from` (generators)",
    "Await": "`await`",
    "NamedExpr": "assignment expressions (`:=`)",
    "Dict": "dict literals",
    "Set": "set literals",
    "JoinedStr": "f-strings",
    "Starred": "starred expressions (`*x`)",
    "IfExp": "conditional expressions (control flow is not supported yet)",
}


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant)) or hasattr(node, "s2s_global")


def normalize(parsed):
    """The ANF, single-assignment form of ``parsed.node`` (a new FunctionDef)."""
    return Normalizer(parsed).run()


class Normalizer:
    def __init__(self, parsed):
        self.parsed = parsed
        self.loc = parsed.loc
        self.scope = parsed.scope
        node = parsed.node
        self.node = node
        user_names = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        # The returned value is named after the function (`loss`, so its
        # adjoint is `dloss`) unless the function refers to itself.
        self.namer = Namer(user_names)
        self.version = {}  # user name -> current single-assignment name
        self.defined = set()
        self.body = []
        self.stmt = None  # the user statement being normalized

    # -- driver -------------------------------------------------------------
    def run(self):
        args = self.node.args
        if args.vararg or args.kwarg:
            bad = args.vararg or args.kwarg
            raise self.loc.error(bad, "`*args`/`**kwargs` in a differentiated function are not supported")
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            self.version[a.id] = a.id
            self.defined.add(a.id)
        body = list(self.node.body)
        if body and _is_docstring(body[0]):
            body = body[1:]
        for stmt in body:
            self.statement(stmt)
        if not self.body or not isinstance(self.body[-1], gast.Return):
            raise self.loc.error(
                self.node, f"`{self.node.name}` must end with a `return` of the value to differentiate"
            )
        new = gast.FunctionDef(
            name=self.node.name,
            args=self.node.args,
            body=self.body,
            decorator_list=[],
            returns=None,
            type_comment=None,
            type_params=[],
        )
        new.s2s_namer = self.namer
        return new

    def emit(self, stmt):
        stmt.s2s_line = self.loc.lineno(self.stmt)
        stmt.s2s_text = self.line_text(self.stmt)
        self.body.append(stmt)

    def line_text(self, stmt):
        lines = self.parsed.source.splitlines()
        first = stmt.lineno - 1
        return lines[first].strip() if 0 <= first < len(lines) else ""

    # -- statements ---------------------------------------------------------
    def statement(self, stmt):
        self.stmt = stmt
        kind = type(stmt).__name__
        if isinstance(self.body[-1:] and self.body[-1], gast.Return):
            raise self.loc.error(stmt, "code after `return` is never run; remove it")
        if kind in UNSUPPORTED_STATEMENTS:
            raise self.loc.error(stmt, f"s2s does not support {UNSUPPORTED_STATEMENTS[kind]}")
        if isinstance(stmt, gast.Pass) or _is_docstring(stmt):
            return
        if isinstance(stmt, gast.Assign):
            value = stmt.value
            if len(stmt.targets) > 1:
                value = self.atom(value)
            for target in stmt.targets:
                self.assign(target, value)
        elif isinstance(stmt, gast.AnnAssign):
            if stmt.value is not None:
                self.assign(stmt.target, stmt.value)
        elif isinstance(stmt, gast.AugAssign):
            if not isinstance(stmt.target, gast.Name):
                raise self.loc.error(stmt.target, "augmented assignment to a subscript or attribute is not supported yet")
            load = gast.Name(id=stmt.target.id, ctx=gast.Load(), annotation=None, type_comment=None)
            gast.copy_location(load, stmt.target)
            self.assign(stmt.target, gast.copy_location(gast.BinOp(left=load, op=stmt.op, right=stmt.value), stmt))
        elif isinstance(stmt, gast.Return):
            if stmt.value is None:
                raise self.loc.error(stmt, "a differentiated function must return a value")
            self.emit(gast.Return(value=self.atom(stmt.value, hint=self.node.name)))
        elif isinstance(stmt, gast.Expr):
            value = stmt.value
            if not isinstance(value, gast.Call):
                for node in gast.walk(value):
                    if type(node).__name__ in UNSUPPORTED_EXPRESSIONS:
                        raise self.loc.error(node, f"s2s does not support {UNSUPPORTED_EXPRESSIONS[type(node).__name__]}")
                return  # a bare expression without effect
            self.emit(gast.Expr(value=self.rhs(value)))
        elif isinstance(stmt, gast.Assert):
            self.emit(gast.Assert(test=self.atom(stmt.test), msg=stmt.msg and self.atom(stmt.msg)))
        else:
            raise self.loc.error(stmt, f"s2s does not support `{kind}` statements")

    def assign(self, target, value):
        if isinstance(target, gast.Name):
            rhs = self.rhs(value)
            self.emit(gast.Assign(targets=[self.store(target.id)], value=rhs, type_comment=None))
        elif isinstance(target, (gast.Tuple, gast.List)):
            if any(isinstance(e, gast.Starred) for e in target.elts):
                raise self.loc.error(target, "starred assignment (`a, *b = ...`) is not supported")
            hint = "_".join(e.id for e in target.elts if isinstance(e, gast.Name))
            source = self.atom(value, hint=short(hint, fallback="unpacked"))
            if not isinstance(source, gast.Name):
                source = self.bind(source, "unpacked")
            names = []
            nested = []
            for elt in target.elts:
                if isinstance(elt, gast.Name):
                    names.append(elt)
                else:
                    tmp = gast.Name(id=self.namer.fresh("part"), ctx=gast.Store(), annotation=None, type_comment=None)
                    self.version[tmp.id] = tmp.id
                    names.append(None)
                    nested.append((len(names) - 1, tmp, elt))
            stores = []
            for i, elt in enumerate(names):
                if elt is None:
                    tmp = next(t for j, t, _ in nested if j == i)
                    stores.append(gast.Name(id=tmp.id, ctx=gast.Store(), annotation=None, type_comment=None))
                else:
                    stores.append(self.store(elt.id))
            self.emit(gast.Assign(targets=[gast.Tuple(elts=stores, ctx=gast.Store())], value=source, type_comment=None))
            for _, tmp, elt in nested:
                self.assign(elt, gast.Name(id=tmp.id, ctx=gast.Load(), annotation=None, type_comment=None))
        elif isinstance(target, gast.Subscript):
            raise self.loc.error(target, "assignment into a subscript is not supported yet")
        elif isinstance(target, gast.Attribute):
            raise self.loc.error(target, "assignment to an attribute is not supported: s2s differentiates values, not objects")
        else:
            raise self.loc.error(target, f"s2s does not support assignment to `{type(target).__name__}`")

    # -- names --------------------------------------------------------------
    def store(self, name):
        if name in self.defined:
            new = self.namer.fresh(name)
        else:
            new = name
            self.namer.reserve(name)
        self.defined.add(new)
        self.version[name] = new
        return gast.Name(id=new, ctx=gast.Store(), annotation=None, type_comment=None)

    def load(self, node):
        return gast.Name(id=self.version[node.id], ctx=gast.Load(), annotation=None, type_comment=None)

    def bind(self, rhs, hint):
        """Emit ``tmp = rhs`` and return ``tmp`` as an atom."""
        name = self.namer.fresh(hint)
        self.version[name] = name
        self.defined.add(name)
        self.emit(gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)], value=rhs, type_comment=None))
        return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)

    # -- expressions --------------------------------------------------------
    def atom(self, node, hint=None):
        """An atom for ``node``, emitting statements for what it computes."""
        if isinstance(node, gast.Constant):
            return node
        if isinstance(node, gast.Name) and node.id in self.version:
            return self.load(node)
        glob = self.global_ref(node)
        if glob is not None:
            return glob
        if isinstance(node, gast.UnaryOp) and isinstance(node.operand, gast.Constant) and isinstance(node.op, (gast.USub, gast.UAdd)):
            value = node.operand.value
            if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
                return gast.Constant(value=-value if isinstance(node.op, gast.USub) else value, kind=None)
        rhs = self.rhs(node)
        return self.bind(rhs, hint or describe(rhs))

    def global_ref(self, node):
        """A global reference atom for a free ``Name``/``Attribute`` chain, else None."""
        if not isinstance(node, (gast.Name, gast.Attribute)):
            return None
        root = self.scope.root(node)
        if root is None or root.id in self.version or root.id in self.scope.locals:
            if isinstance(node, gast.Name):
                raise self.loc.error(node, f"`{node.id}` is used before it is assigned")
            return None
        obj = self.scope.resolve(node)
        if obj is MISSING:
            raise self.loc.error(node, f"cannot resolve `{gast.unparse(node) if hasattr(gast, 'unparse') else _dotted(node)}`: no such global, closure variable or builtin")
        expr = _respell(node, self.scope)
        expr.s2s_global = obj
        return expr

    def rhs(self, node):
        """An ANF right-hand side for ``node`` (one operation on atoms), located at ``node``."""
        out = self._rhs(node)
        if not hasattr(out, "lineno"):
            gast.copy_location(out, node)
        return out

    def _rhs(self, node):
        kind = type(node).__name__
        if kind in UNSUPPORTED_EXPRESSIONS:
            raise self.loc.error(node, f"s2s does not support {UNSUPPORTED_EXPRESSIONS[kind]}")
        if is_atom(node) or isinstance(node, gast.Name):
            return self.atom(node)
        if isinstance(node, gast.BinOp):
            return gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        if isinstance(node, gast.BoolOp):
            return gast.BoolOp(op=node.op, values=[self.atom(v) for v in node.values])
        if isinstance(node, gast.Compare):
            return self.compare(node)
        if isinstance(node, gast.Call):
            return self.call(node)
        if isinstance(node, gast.Attribute):
            glob = self.global_ref(node)
            if glob is not None:
                return glob
            return gast.Attribute(value=self.atom(node.value), attr=node.attr, ctx=gast.Load())
        if isinstance(node, gast.Subscript):
            return gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice), ctx=gast.Load())
        if isinstance(node, (gast.Tuple, gast.List)):
            if any(isinstance(e, gast.Starred) for e in node.elts):
                raise self.loc.error(node, "starred expressions (`*x`) are not supported")
            return type(node)(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        raise self.loc.error(node, f"s2s does not support `{kind}` expressions")

    def index(self, node):
        if isinstance(node, gast.Slice):
            return gast.Slice(
                lower=node.lower and self.atom(node.lower),
                upper=node.upper and self.atom(node.upper),
                step=node.step and self.atom(node.step),
            )
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node)

    def compare(self, node):
        operands = [self.atom(node.left)] + [self.atom(c) for c in node.comparators]
        parts = [
            gast.Compare(left=operands[i], ops=[op], comparators=[operands[i + 1]])
            for i, op in enumerate(node.ops)
        ]
        if len(parts) == 1:
            return parts[0]
        return gast.BoolOp(op=gast.And(), values=[self.bind(p, describe(p)) for p in parts])

    def call(self, node):
        for arg in node.args:
            if isinstance(arg, gast.Starred):
                raise self.loc.error(arg, "calls with `*args` are not supported")
        for kw in node.keywords:
            if kw.arg is None:
                raise self.loc.error(kw.value, "calls with `**kwargs` are not supported")
        func = node.func
        args = list(node.args)
        root = self.scope.root(func)
        if isinstance(func, gast.Attribute) and (
            root is None or root.id in self.version or root.id in self.scope.locals
        ):
            # a method call on a value: x.sum(axis=0) -> np.sum(x, axis=0)
            target = ARRAY_METHODS.get(func.attr)
            if target is None:
                raise self.loc.error(func, f"s2s does not support the method `.{func.attr}(...)` on a value")
            if func.attr in VARARG_METHODS and len(args) > 1:
                args = [gast.Tuple(elts=args, ctx=gast.Load())]
            args = [func.value] + args
            name = "np." + ("ravel" if func.attr == "flatten" else func.attr)
            func = _dotted_expr(name)
            func.s2s_global = target
            func.s2s_canonical = True
        else:
            func = self.global_ref(func)
            if func is None:
                raise self.loc.error(node.func, "s2s can only call functions named by a global, closure or builtin name")
            target = func.s2s_global
            if any(target is getattr(builtins, b) for b in REFUSED_BUILTINS):
                raise self.loc.error(node, f"s2s does not support `{target.__name__}`: it cannot see the code it runs")
        call = gast.Call(
            func=func,
            args=[self.atom(a) for a in args],
            keywords=[gast.keyword(arg=k.arg, value=self.atom(k.value)) for k in node.keywords],
        )
        call.s2s_target = target
        gast.copy_location(call, node)
        return call


def describe(rhs):
    """A name for the value ``rhs`` computes: ``tanh_z``, ``x_at_W1``, ``sum``."""
    def word(atom):
        if isinstance(atom, gast.Name):
            return atom.id
        if isinstance(atom, gast.Constant) and isinstance(atom.value, int) and not isinstance(atom.value, bool) and atom.value >= 0:
            return str(atom.value)
        return ""

    if isinstance(rhs, gast.BinOp):
        op = OPERATOR_WORDS.get(type(rhs.op).__name__, "value")
        return short(word(rhs.left), op, word(rhs.right), fallback=op if op != "at" else "matmul")
    if isinstance(rhs, gast.UnaryOp):
        op = OPERATOR_WORDS.get(type(rhs.op).__name__, "value")
        return short(op, word(rhs.operand), fallback=op)
    if isinstance(rhs, gast.Call):
        fname = rhs.func.attr if isinstance(rhs.func, gast.Attribute) else getattr(rhs.func, "id", "call")
        first = word(rhs.args[0]) if rhs.args else ""
        return short(fname, first, fallback=fname)
    if isinstance(rhs, gast.Attribute):
        return short(word(rhs.value), rhs.attr, fallback=rhs.attr)
    if isinstance(rhs, gast.Subscript):
        return short(word(rhs.value), "item", fallback="item")
    if isinstance(rhs, (gast.Tuple, gast.List)):
        return short(*(word(e) for e in rhs.elts), fallback="items")
    if isinstance(rhs, (gast.Compare, gast.BoolOp)):
        return "cond"
    return "tmp"


def _is_docstring(stmt):
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(stmt.value.value, str)


def _dotted(node):
    if isinstance(node, gast.Name):
        return node.id
    return _dotted(node.value) + "." + node.attr


def _dotted_expr(dotted):
    parts = dotted.split(".")
    node = gast.Name(id=parts[0], ctx=gast.Load(), annotation=None, type_comment=None)
    for part in parts[1:]:
        node = gast.Attribute(value=node, attr=part, ctx=gast.Load())
    return node


def _respell(node, scope):
    """The chain ``node``, spelled ``np.…``/``math.…`` where it names numpy or math.

    A chain rooted at the numpy or math module keeps the user's attribute path
    under the canonical root; a library function with a rule imported by name
    (``from numpy import tanh``) gets the rule's spelling.  Both are marked
    ``s2s_canonical``: generated modules import numpy and math themselves.
    """
    parts = _dotted(node).split(".")
    canonical = False
    mod = canonical_module(scope.lookup(parts[0]))
    if mod is not None:
        parts[0] = mod
        canonical = True
    else:
        from .rules import canonical_name

        name = canonical_name(scope.resolve(node))
        if name is not None:
            parts = name.split(".")
            canonical = True
    expr = _dotted_expr(".".join(parts))
    expr.s2s_canonical = canonical
    return expr
