"""A-normal form (ANF) with single assignment: the last normalization pass.

Takes the function's body after the desugaring passes and jump lowering
(see :func:`s2s.normalize.normalize`).  Returns a new ``gast.FunctionDef``
whose body has one operation per statement:

* ``name = rhs`` where ``rhs`` is an *atom* (a local ``Name``, a ``Constant``
  or a global reference), or one operation on atoms: ``BinOp``, ``UnaryOp``,
  single ``Compare``, ``BoolOp``, ``Call``, ``Attribute``, ``Subscript``
  (index made of atoms and slices of atoms), ``Tuple``/``List`` of atoms;
* ``a, b = t`` (unpacking a local name into names, nested unpacking split);
* ``return atom`` as the last statement; an expression statement ``call(...)``;
  ``assert atom, atom``; ``raise call(atoms)`` (or ``raise atom``).

Guarantees: every local name is assigned once (a re-assignment gets a version
name such as ``h_2``); temporaries are named after what they hold; ``y[i] = v``
is ``y_2 = updated(y, i, v)``; every call carries ``s2s_target``, the object
it calls; global references carry ``s2s_global`` (the object) and are spelled
``np.…``/``math.…`` when they come from those modules; every statement
carries ``s2s_line`` (the user's file line) and ``s2s_text`` (that line's
code).  Constructs outside this subset raise ``S2SError`` at the user's line.

The class is assembled from parts, one job each: statements and names here,
:mod:`.expressions` (operations on atoms), :mod:`.versioning` (branches and
loops), :mod:`.iteration` (what a ``for`` loop iterates), :mod:`.hooks`
(``insert_grad_of`` blocks).

    y = x * x + 1       ->   x_times_x = x * x
    y = y / 2                y = x_times_x + 1
                             y_2 = y / 2
"""

import builtins
import copy

import gast
import numpy

from ..frontend import generated_names
from ..naming import short
from .expressions import Expressions, is_atom
from .hooks import Hooks
from .iteration import Iteration
from .refuse import UNSUPPORTED_STATEMENTS
from .tree import call_builtin, dotted_expr, is_docstring, is_grad_hook, name_node, reads, runtime_call
from .versioning import ControlFlow


class Normalizer(Expressions, ControlFlow, Iteration, Hooks):
    """One function's normalization; ``flags`` are the jump flags (names never versioned)."""

    def __init__(self, parsed, namer, flags):
        self.parsed = parsed
        self.loc = parsed.loc
        self.scope = parsed.scope
        self.node = parsed.node
        self.namer = namer
        self.version = {}  # user name -> current single-assignment name
        self.defined = set()
        self.fixed = set(flags)  # flags and loop-condition temporaries: never versioned
        self.out = []  # the block being built
        self.shadowing = generated_names() | set(dir(builtins))  # what generated code may refer to
        self.stmt = None  # the user statement being normalized
        self.user_stmt = None
        self.all_reads = {}

    def run(self, lowered):
        """The normalized FunctionDef of ``lowered``, a body ending in ``return name``."""
        args = self.node.args
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            self.version[a.id] = a.id
            self.defined.add(a.id)
        self.all_reads = reads(lowered)
        for stmt in lowered[:-1]:
            self.statement(stmt)
        self.emit(gast.Return(value=self.load(lowered[-1].value)))  # located at the last user line
        new = gast.FunctionDef(
            name=self.node.name,
            args=self.node.args,
            body=self.out,
            decorator_list=[],
            returns=None,
            type_comment=None,
            type_params=[],
        )
        new.s2s_namer = self.namer
        return new

    def emit(self, stmt):
        origin = self.stmt if getattr(self.stmt, "lineno", None) else self.user_stmt
        stmt.s2s_line = self.loc.lineno(origin)
        stmt.s2s_text = self.line_text(origin)
        self.out.append(stmt)
        return stmt

    def line_text(self, stmt):
        lines = self.parsed.source.splitlines()
        first = getattr(stmt, "lineno", 1) - 1
        return lines[first].strip() if 0 <= first < len(lines) else ""

    def sub_block(self, stmts, version):
        """Normalize ``stmts`` into a new block starting from ``version``."""
        saved_out, saved_version = self.out, self.version
        self.out, self.version = [], dict(version)
        try:
            for stmt in stmts:
                self.statement(stmt)
            return self.out, self.version
        finally:
            self.out, self.version = saved_out, saved_version

    def statement(self, stmt):
        if getattr(stmt, "lineno", None):
            self.stmt = self.user_stmt = stmt
        else:
            self.stmt = stmt
        if isinstance(stmt, gast.Pass) or is_docstring(stmt):
            return
        if is_grad_hook(stmt, self.scope):
            self.grad_hook(stmt)
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
        elif isinstance(stmt, gast.If):
            self.if_statement(stmt)
        elif isinstance(stmt, gast.For):
            self.for_loop(stmt)
        elif isinstance(stmt, gast.While):
            self.while_loop(stmt)
        elif isinstance(stmt, gast.Break):
            self.out.append(stmt)  # only as `if flag: break`, placed by jumps.lower
        elif isinstance(stmt, gast.Expr):
            value = stmt.value
            if not isinstance(value, gast.Call):
                return  # a bare expression without effect
            self.emit(gast.Expr(value=self.rhs(value)))
        elif isinstance(stmt, gast.Assert):
            self.emit(gast.Assert(test=self.atom(stmt.test), msg=stmt.msg and self.atom(stmt.msg)))
        elif isinstance(stmt, gast.Raise):  # runs as written; a sweep that raises has no backward sweep
            if stmt.exc is None:
                raise self.loc.error(stmt, "a bare `raise` re-raises the exception being handled, and s2s does not support `try`")
            self.emit(gast.Raise(exc=self.rhs(stmt.exc), cause=stmt.cause and self.atom(stmt.cause)))
        else:
            kind = type(stmt).__name__
            raise self.loc.error(stmt, f"s2s does not support {UNSUPPORTED_STATEMENTS.get(kind, f'`{kind}` statements')}")

    def is_local(self, node):
        return isinstance(node, gast.Name) and (node.id in self.version or node.id in self.scope.locals)

    def assign(self, target, value):
        if isinstance(target, gast.Name):
            rhs = self.rhs(value)
            self.emit(gast.Assign(targets=[self.store(target.id)], value=rhs, type_comment=None))
        elif isinstance(target, (gast.Tuple, gast.List)):
            if any(isinstance(e, gast.Starred) for e in target.elts):
                return self.assign_starred(target, value)
            hint = "_".join(e.id for e in target.elts if isinstance(e, gast.Name))
            source = self.atom(value, hint=short(hint, fallback="unpacked"))
            if not isinstance(source, gast.Name):
                source = self.bind(source, "unpacked")
            stores = []
            nested = []
            for elt in target.elts:
                if isinstance(elt, gast.Name):
                    stores.append(self.store(elt.id))
                else:
                    tmp = self.namer.fresh("part")
                    self.version[tmp] = tmp
                    self.defined.add(tmp)
                    stores.append(name_node(tmp, store=True))
                    nested.append((tmp, elt))
            self.emit(gast.Assign(targets=[gast.Tuple(elts=stores, ctx=gast.Store())], value=source, type_comment=None))
            for tmp, elt in nested:
                self.assign(elt, name_node(tmp))
        elif isinstance(target, gast.Subscript):
            self.assign_item(target, value)
        elif isinstance(target, gast.Attribute):
            raise self.loc.error(target, "assignment to an attribute is not supported: s2s differentiates values, not objects")
        else:
            raise self.loc.error(target, f"s2s does not support assignment to `{type(target).__name__}`")

    def assign_starred(self, target, value):
        """``a, *rest, z = v`` as ``a = v[0]``, ``rest = list(v[1:-1])``, ``z = v[-1]``."""
        source = self.atom(value, hint="unpacked")
        if not isinstance(source, gast.Name):
            source = self.bind(source, "unpacked")
        star = next(k for k, e in enumerate(target.elts) if isinstance(e, gast.Starred))
        after = len(target.elts) - star - 1

        def item(index):
            return gast.copy_location(gast.Subscript(value=copy.deepcopy(source), slice=index, ctx=gast.Load()), target)

        for k, elt in enumerate(target.elts):
            if k != star:
                self.assign(elt, item(gast.Constant(value=k if k < star else k - len(target.elts), kind=None)))
        rest = gast.Slice(lower=gast.Constant(value=star, kind=None), upper=gast.Constant(value=-after, kind=None) if after else None, step=None)
        self.assign(target.elts[star].value, gast.copy_location(call_builtin("list", [item(rest)]), target))

    def assign_item(self, target, value):
        """``y[index] = v`` as ``y_2 = updated(y, index, v)``: arrays are not mutated."""
        if not self.is_local(target.value):
            raise self.loc.error(target, "assignment into a subscript is supported on local variables only (`y[i] = v`)")
        array = self.atom(target.value)
        index = self.index(target.slice)
        if isinstance(index, gast.Tuple) and all(is_atom(e) for e in index.elts):
            pass  # ``y[i, j] = v``: the tuple of atoms itself, which the shape facts read as integers
        elif not is_atom(index):
            s_ = dotted_expr("np.s_")
            s_.s2s_global = numpy.s_
            s_.s2s_canonical = True
            index = self.bind(gast.Subscript(value=s_, slice=index, ctx=gast.Load()), "index")
        item = self.atom(value)
        call = runtime_call("updated", [array, index, item], target)
        self.emit(gast.Assign(targets=[self.store(target.value.id)], value=call, type_comment=None))

    # -- names --------------------------------------------------------------
    def store(self, name):
        if name in self.fixed:
            return name_node(name, store=True)
        if name in self.defined or name in self.shadowing:
            new = self.namer.fresh(name)  # a local named like np, a builtin or a runtime helper is renamed
        else:
            new = name
            self.namer.reserve(name)
        self.defined.add(new)
        self.version[name] = new
        return name_node(new, store=True)

    def load_name(self, name):
        return name_node(name if name in self.fixed else self.version[name])

    def load(self, node):
        return self.load_name(node.id)

    def bind(self, rhs, hint):
        """Emit ``tmp = rhs`` and return ``tmp`` as an atom."""
        tmp = self.namer.fresh(hint)
        self.version[tmp] = tmp
        self.defined.add(tmp)
        self.emit(gast.Assign(targets=[name_node(tmp, store=True)], value=rhs, type_comment=None))
        return name_node(tmp)
