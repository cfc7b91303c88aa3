"""Rule templates: Python functions whose body is inlined into generated code.

A template's first parameter names the primal's result, the others its
arguments (defaults allowed, one ``*args`` allowed).  ``d<name>`` is the
derivative of ``<name>``.  In an adjoint template, ``d<result>`` is read and
each ``d<arg> = expr`` *contributes* ``expr`` to that argument's adjoint; in a
tangent template it is the other way round.  Any other assigned name is a
local temporary.  Free names must be ``np``, ``math``, ``scipy`` (as ``scipy.special.f``: :mod:`s2s.libraries`),
builtins or helpers from :mod:`s2s.runtime`, the only names a generated module has.

Templates are written in numpy's spelling, and the code they become runs on
every array library that follows numpy's dispatch protocols (cupy, dask): a
call of a numpy function that another library lacks but the runtime computes
from shapes is inlined as that helper (``np.size(x)`` as ``size_of(x)``), and
a keyword argument of a numpy function whose value is numpy's default is left
out (``np.reshape(dy, shape, order="C")`` becomes ``np.reshape(dy, shape)``:
dask's ``reshape`` takes no ``order``), except ``axis``, whose default differs
between libraries (dask's ``take`` defaults to ``axis=0``).

Takes a function (and, for a rule family of :mod:`s2s.families`, the body it
derived from that function's definition); guarantees a validated
:class:`Template` whose :meth:`Template.instantiate` returns statements with
every name substituted.
"""

import builtins
import copy
import inspect
import textwrap

import gast
import numpy

from . import libraries, runtime
from .errors import Located, S2SError

ALLOWED_GLOBALS = libraries.ROOTS | set(runtime.__all__)  # scipy as scipy.special.f, scipy.linalg.f, ...

# numpy functions that some array libraries lack (dask computes the array and calls
# numpy), and the runtime helper that templates are inlined with instead
PORTABLE_CALLS = {"size": "size_of"}
KEEP_DEFAULT_KEYWORDS = {"axis"}  # libraries disagree on these defaults


class Contribution:
    """``target`` (a template parameter) receives ``value`` (an expression)."""

    def __init__(self, param, value):
        self.param = param
        self.value = value


_DEFINITIONS = {}  # fn -> (node, loc, source): a family's templates share one parse


def parse_definition(fn, kind):
    """``(node, loc, source)``: the gast ``FunctionDef`` of the rule definition ``fn``
    (parsed once; shared, so callers build new nodes rather than edit it), the
    :class:`Located` that maps its lines to the file, and its source text."""
    if fn not in _DEFINITIONS:
        _DEFINITIONS[fn] = _parse_definition(fn, kind)
    return _DEFINITIONS[fn]


def _parse_definition(fn, kind):
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        raise S2SError(
            f"cannot read the source of the {kind} template {getattr(fn, '__qualname__', fn)!r}: "
            "rule templates must be functions defined with `def` in a file"
        ) from None
    source = textwrap.dedent("".join(lines))
    return gast.parse(source).body[0], Located(inspect.getsourcefile(fn), first - 1, 0), source


_BUILT = object()  # a template's _pending once it is built


class Template:
    """The template of ``fn``: its body, or ``body`` (statements derived from ``fn``'s
    definition by a rule family, :mod:`s2s.families`, carrying the definition's
    line numbers, so errors point at the definition)."""

    def __init__(self, fn, kind, body=None, lazy=False):
        """``lazy``: built (parsed, checked) on first use, not now: the rule library's
        templates, hundreds of which a process never uses (a user's rules are checked
        when registered, so that an error points at once to the definition); ``body``
        may then be a function that makes it."""
        self.fn = fn
        self.kind = kind
        if lazy:
            self.__dict__["_pending"] = body
        else:
            self._build(body() if callable(body) else body)

    def __getattr__(self, name):
        """A lazy template builds itself the first time anything else is read of it."""
        pending = self.__dict__.pop("_pending", _BUILT)
        if pending is _BUILT or name.startswith("__"):
            if pending is not _BUILT:
                self.__dict__["_pending"] = pending
            raise AttributeError(name)
        self._build(pending() if callable(pending) else pending)
        return getattr(self, name)

    def _build(self, body):
        fn, kind = self.fn, self.kind
        node, self.loc, self.source = parse_definition(fn, kind)
        if body is not None:
            node = copy.copy(node)
            node.body = body
        args = node.args
        if args.kwarg or not args.args:
            raise self.loc.error(node, f"malformed {kind} template `{node.name}`: parameters must be (result, arg, ..., [*args], [keyword-only, ...])")
        names = [a.id for a in args.args]
        self.result = names[0]
        self.params = names[1:] + [a.id for a in args.kwonlyargs]
        self.vararg = args.vararg.id if args.vararg else None
        sig = inspect.signature(fn)
        self.signature = sig.replace(parameters=list(sig.parameters.values())[1:])
        self.body = [_Portable().visit(s) for s in node.body if not _is_docstring(s)]
        self.globals_used = set()
        self.runtime_used = set()
        self._check(node)

    def derivative_name(self, param):
        return "d" + param

    def _check(self, node):
        params = set(self.params) | {self.result} | ({self.vararg} if self.vararg else set())
        outputs = {self.derivative_name(p) for p in params - {self.result}}
        inputs = {self.derivative_name(self.result)}
        if self.kind == "tangent":
            outputs, inputs = {self.derivative_name(self.result)}, outputs
        temps = set()
        contributes = False
        for stmt in self.body:
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
                raise self.loc.error(stmt, f"malformed {self.kind} template `{node.name}`: every statement must be `name = expression`")
            target = stmt.targets[0].id
            if target in params or target in inputs:
                raise self.loc.error(stmt, f"malformed {self.kind} template `{node.name}`: it must not assign `{target}`")
            bound_here = {
                t.id for c in gast.walk(stmt.value) if isinstance(c, gast.comprehension)
                for t in gast.walk(c.target) if isinstance(t, gast.Name)
            }  # comprehension variables are the expression's own
            for n in gast.walk(stmt.value):
                if isinstance(n, gast.Name) and n.id not in params | inputs | temps | bound_here:
                    if n.id in outputs:
                        raise self.loc.error(n, f"malformed {self.kind} template `{node.name}`: `{n.id}` is written, not read")
                    if n.id not in ALLOWED_GLOBALS and not hasattr(builtins, n.id):
                        raise self.loc.error(n, f"malformed {self.kind} template `{node.name}`: unknown name `{n.id}` (templates may use np, math, scipy.special/linalg/stats, builtins, s2s.runtime helpers and their parameters)")
                    self.globals_used.add(n.id)
            if target in outputs:
                contributes = True
            else:
                temps.add(target)
        read_later = {n.id for stmt in self.body for n in gast.walk(stmt.value) if isinstance(n, gast.Name)}
        for stmt in self.body:
            target = stmt.targets[0].id
            if target in temps and target.startswith("d") and target not in read_later:
                raise self.loc.error(
                    stmt,
                    f"malformed {self.kind} template `{node.name}`: it assigns `{target}`, which is not the "
                    f"derivative of a parameter ({', '.join([self.result] + self.params)})",
                )
        if not contributes:
            raise self.loc.error(node, f"malformed {self.kind} template `{node.name}`: it assigns none of {sorted(outputs)}")
        self.runtime_used = self.globals_used & set(runtime.__all__)  # the helpers it calls (each needs rules of its own)
        # the parameters whose derivative the template gives (adjoint) or takes (tangent);
        # an argument that carries a derivative into any other is refused (rules.outside_limits)
        derivative_of = {self.derivative_name(p): p for p in params - {self.result}}
        if self.kind == "tangent":
            touched = {n.id for stmt in self.body for n in gast.walk(stmt.value) if isinstance(n, gast.Name)}
        else:
            touched = {stmt.targets[0].id for stmt in self.body}
        self.differentiated = {derivative_of[d] for d in touched if d in derivative_of}

    def bind(self, args, keywords):
        """Map template parameters to call atoms: ``{param: node}`` or raise TypeError."""
        bound = self.signature.bind(*args, **keywords)
        bound.apply_defaults()
        out = {}
        for name, value in bound.arguments.items():
            if name == self.vararg:
                out[name] = gast.Tuple(elts=list(value), ctx=gast.Load())
            elif isinstance(value, gast.AST):
                out[name] = value
            else:
                out[name] = gast.Constant(value=value, kind=None)
        return out

    def instantiate(self, bindings, derivatives, fresh):
        """Statements for one use of the template.

        ``bindings`` maps parameters (and the result) to atoms; ``derivatives``
        maps the input derivative names (``d<result>`` for adjoints, ``d<arg>``
        for tangents) to generated names, or to None for a zero derivative:
        statements that read a zero derivative are dropped.  ``fresh(base)``
        names temporaries.  Returns a list of
        ``gast.Assign`` (temporaries) and :class:`Contribution` items.
        Temporaries are named after the template's function, less a trailing
        underscore (``prod_``, the tangent beside ``prod``'s adjoint, names them
        ``prod_...``).
        """
        names = {}
        out = []
        # a parameter named like another's derivative (np.trapezoid's ``dx``) reads the parameter
        dropped = {d for d, generated in derivatives.items() if generated is None and d not in bindings}
        for stmt in self.body:
            read = {n.id for n in gast.walk(stmt.value) if isinstance(n, gast.Name)}
            target = stmt.targets[0].id
            if read & dropped:  # reads the derivative of an inactive argument: it is zero
                dropped.add(target)
                continue
            value = _Substitute(bindings, derivatives, names).visit(copy.deepcopy(stmt.value))
            value = _DropDefaults().visit(value)
            value = _ConstantChoice().visit(value)
            if target.startswith("d") and target[1:] in bindings and target not in names:
                out.append(Contribution(target[1:], value))
            else:
                names[target] = fresh(f"{self.fn.__name__.rstrip('_')}_{target}")
                out.append(gast.Assign(targets=[gast.Name(id=names[target], ctx=gast.Store(), annotation=None, type_comment=None)], value=value, type_comment=None))
        return out


class _Substitute(gast.NodeTransformer):
    def __init__(self, bindings, derivatives, names):
        self.bindings = bindings
        self.derivatives = derivatives
        self.names = names

    def visit_Name(self, node):
        if node.id in self.names:
            return gast.Name(id=self.names[node.id], ctx=node.ctx, annotation=None, type_comment=None)
        if node.id in self.bindings:
            return copy.deepcopy(self.bindings[node.id])
        if node.id in self.derivatives:
            return gast.Name(id=self.derivatives[node.id], ctx=node.ctx, annotation=None, type_comment=None)
        return node


class _Portable(gast.NodeTransformer):
    """``np.size(x)`` as ``size_of(x)`` (see ``PORTABLE_CALLS``)."""

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if (
            isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
            and func.value.id == "np" and func.attr in PORTABLE_CALLS
        ):
            name = gast.Name(id=PORTABLE_CALLS[func.attr], ctx=gast.Load(), annotation=None, type_comment=None)
            node.func = gast.copy_location(name, func)
        return node


def _numpy_function(node):
    """The numpy function a template's ``np.f``/``np.linalg.f`` refers to, or None."""
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not (isinstance(node, gast.Name) and node.id == "np" and parts):
        return None
    obj = numpy
    for part in reversed(parts):
        obj = getattr(obj, part, None)
    return obj


class _ConstantChoice(gast.NodeTransformer):
    """``a if c is k else b`` (or ``c == k`` of integers) as ``a`` or ``b`` where ``c`` was
    bound to a constant (a parameter left at its default: ``np.mean``'s ``where``,
    ``np.array``'s ``ndmin``)."""

    def visit_IfExp(self, node):
        self.generic_visit(node)
        test = node.test
        if (
            isinstance(test, gast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (gast.Is, gast.IsNot, gast.Eq, gast.NotEq))
            and isinstance(test.left, gast.Constant) and isinstance(test.comparators[0], gast.Constant)
        ):
            left, right = test.left.value, test.comparators[0].value
            if isinstance(test.ops[0], (gast.Is, gast.IsNot)):
                same = left is right
            elif type(left) is int and type(right) is int:
                same = left == right
            else:
                return node
            return node.body if same == isinstance(test.ops[0], (gast.Is, gast.Eq)) else node.orelse
        return node


class _DropDefaults(gast.NodeTransformer):
    """Leaves out the keyword arguments of numpy calls whose value is numpy's default."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if not node.keywords:
            return node
        params = _parameters(_numpy_function(node.func))
        if params:
            node.keywords = [k for k in node.keywords if not _is_default(k, params)]
        return node


_PARAMETERS = {}


def _parameters(fn):
    """The parameters of a numpy function, or None (ufuncs and builtins have no signature)."""
    if fn is None:
        return None
    try:
        return _PARAMETERS[fn]
    except (KeyError, TypeError):
        pass
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = None
    try:
        _PARAMETERS[fn] = params
    except TypeError:  # unhashable
        pass
    return params


def _is_default(keyword, params):
    param = params.get(keyword.arg)
    if param is None or param.default is inspect.Parameter.empty or keyword.arg in KEEP_DEFAULT_KEYWORDS:
        return False
    value = keyword.value
    return (
        isinstance(value, gast.Constant) and type(value.value) is type(param.default)
        and value.value == param.default
    )


def _is_docstring(stmt):
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(stmt.value.value, str)


def template_error(fn, message):
    return S2SError(message, inspect.getsourcefile(fn), fn.__code__.co_firstlineno)
