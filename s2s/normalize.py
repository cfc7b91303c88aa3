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
import copy

import gast
import numpy

from .frontend import MISSING, canonical_module, generated_names
from . import aliasing, markers, runtime
from .jumps import lower
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
# Methods kept as methods, through a runtime helper: numpy's function form
# (np.copy, np.astype) is not one that every array library implements (dask).
METHOD_HELPERS = {"copy": "copy_of", "astype": "astype"}
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
        self.fixed = set()  # flags and loop-condition temporaries: never versioned
        self.out = []  # the block being built
        self.shadowing = generated_names() | set(dir(builtins))  # what generated code may refer to
        self.stmt = None  # the user statement being normalized
        self.user_stmt = None

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
        self.check_unsupported(body)
        aliasing.check(self.parsed)
        result = self.namer.fresh(self.node.name)
        lowered, flags = lower(body, self.namer.fresh, result, self.loc, self.node)
        self.fixed |= flags
        self.reads_by_loop = {}
        self.all_reads = _reads(lowered)
        self.out = []
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
        new.s2s_fixed = self.fixed
        return new

    def check_unsupported(self, body):
        for stmt in body:
            for node in gast.walk(stmt):
                kind = type(node).__name__
                if kind in UNSUPPORTED_STATEMENTS and not self.is_grad_hook(node):
                    what = UNSUPPORTED_STATEMENTS[kind]
                    if kind == "With":
                        what += " (other than `with s2s.insert_grad_of(x) as dx:`)"
                    raise self.loc.error(node, f"s2s does not support {what}")
                if kind in UNSUPPORTED_EXPRESSIONS and kind not in ("IfExp", "Starred"):
                    raise self.loc.error(node, f"s2s does not support {UNSUPPORTED_EXPRESSIONS[kind]}")

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

    # -- statements ---------------------------------------------------------
    def statement(self, stmt):
        if getattr(stmt, "lineno", None):
            self.stmt = self.user_stmt = stmt
        else:
            self.stmt = stmt
        if isinstance(stmt, gast.Pass) or _is_docstring(stmt):
            return
        if self.is_grad_hook(stmt):
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
        elif isinstance(stmt, gast.AugAssign):
            load = _as_load(stmt.target)
            self.assign(stmt.target, gast.copy_location(gast.BinOp(left=load, op=stmt.op, right=stmt.value), stmt))
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
            if _is_method(value, "append") and self.is_local(value.func.value):
                if len(value.args) != 1 or value.keywords:
                    raise self.loc.error(value, "`.append` takes one argument")
                self.assign_list_append(value.func.value, value.args[0])
                return
            self.emit(gast.Expr(value=self.rhs(value)))
        elif isinstance(stmt, gast.Assert):
            self.emit(gast.Assert(test=self.atom(stmt.test), msg=stmt.msg and self.atom(stmt.msg)))
        else:
            kind = type(stmt).__name__
            raise self.loc.error(stmt, f"s2s does not support {UNSUPPORTED_STATEMENTS.get(kind, f'`{kind}` statements')}")

    def is_grad_hook(self, node):
        """``with s2s.insert_grad_of(x) as dx:``."""
        if not isinstance(node, gast.With) or len(node.items) != 1:
            return False
        expr = node.items[0].context_expr
        return isinstance(expr, gast.Call) and self.scope.resolve(expr.func) is markers.insert_grad_of

    def grad_hook(self, stmt):
        """A block the backward sweep runs on the adjoint of ``x`` (a marker statement here)."""
        item = stmt.items[0]
        call = item.context_expr
        if len(call.args) != 1 or call.keywords or not self.is_local(call.args[0]):
            raise self.loc.error(call, "insert_grad_of takes one local variable: `with s2s.insert_grad_of(x) as dx:`")
        target = item.optional_vars
        if target is not None and not isinstance(target, gast.Name):
            raise self.loc.error(target, "bind the adjoint to a name: `as dx`")
        dname = target.id if target is not None else None
        assigned = set()
        for node in stmt.body:
            assigned |= _assigned_names(node)
            for n in gast.walk(node):
                if type(n).__name__ in UNSUPPORTED_STATEMENTS:
                    raise self.loc.error(n, f"s2s does not support {UNSUPPORTED_STATEMENTS[type(n).__name__]} here")
        clash = sorted(n for n in assigned - {dname} if n in self.version or n in self.scope.locals and n in self.all_reads)
        if clash:
            raise self.loc.error(stmt, f"an insert_grad_of block may assign only its adjoint `{dname}` and names of its own, not `{clash[0]}`")
        hook = gast.Pass()
        hook.s2s_grad_of = self.atom(call.args[0]).id
        hook.s2s_hook_name = dname
        hook.s2s_hook_body = [self.hook_names(copy.deepcopy(n), dname, assigned) for n in stmt.body]
        hook.s2s_hook_locals = assigned - {dname}
        self.emit(hook)

    def hook_names(self, node, dname, assigned):
        """Resolve the names of a hook block: locals to their current versions, globals as references."""
        normalizer = self

        class Rename(gast.NodeTransformer):
            def visit_Name(self, n):
                if n.id == dname or n.id in assigned:
                    return n
                if isinstance(n.ctx, gast.Load) and n.id in normalizer.version:
                    return _name(normalizer.version[n.id])
                ref = normalizer.global_ref(n)
                return ref if ref is not None else n

            def visit_Attribute(self, n):
                root = normalizer.scope.root(n)
                if root is not None and root.id not in normalizer.version and root.id not in assigned and root.id != dname:
                    return normalizer.global_ref(n)
                self.generic_visit(n)
                return n

        return Rename().visit(node)

    def is_local(self, node):
        return isinstance(node, gast.Name) and (node.id in self.version or node.id in self.scope.locals)

    def assign_list_append(self, target, item):
        """``xs.append(v)`` as ``xs = appended(xs, v)``: list values are not mutated."""
        if not isinstance(target, gast.Name):
            raise self.loc.error(target, "`.append` is supported on local list variables only")
        call = gast.Call(func=_runtime_ref("appended"), args=[self.atom(target), self.atom(item)], keywords=[])
        call.s2s_target = runtime.appended
        gast.copy_location(call, item)
        self.emit(gast.Assign(targets=[self.store(target.id)], value=call, type_comment=None))

    def assign(self, target, value):
        if isinstance(value, gast.Call) and _is_method(value, "pop") and self.is_local(value.func.value) and not value.args:
            self.assign_list_pop(target, value.func.value)
            return
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
            stores = []
            nested = []
            for elt in target.elts:
                if isinstance(elt, gast.Name):
                    stores.append(self.store(elt.id))
                else:
                    tmp = self.namer.fresh("part")
                    self.version[tmp] = tmp
                    self.defined.add(tmp)
                    stores.append(_name(tmp, store=True))
                    nested.append((tmp, elt))
            self.emit(gast.Assign(targets=[gast.Tuple(elts=stores, ctx=gast.Store())], value=source, type_comment=None))
            for tmp, elt in nested:
                self.assign(elt, _name(tmp))
        elif isinstance(target, gast.Subscript):
            self.assign_item(target, value)
        elif isinstance(target, gast.Attribute):
            raise self.loc.error(target, "assignment to an attribute is not supported: s2s differentiates values, not objects")
        else:
            raise self.loc.error(target, f"s2s does not support assignment to `{type(target).__name__}`")

    def assign_list_pop(self, target, items):
        """``v = xs.pop()`` as ``v = xs[-1]`` then ``xs = xs[:-1]``: list values are not mutated."""
        last = gast.Subscript(value=items, slice=gast.Constant(value=-1, kind=None), ctx=gast.Load())
        self.assign(target, gast.copy_location(last, items))
        rest = gast.Subscript(value=_name(items.id), slice=gast.Slice(lower=None, upper=gast.Constant(value=-1, kind=None), step=None), ctx=gast.Load())
        self.assign(_name(items.id, True), gast.copy_location(rest, items))

    def assign_item(self, target, value):
        """``y[index] = v`` as ``y_2 = updated(y, index, v)``: arrays are not mutated."""
        if not self.is_local(target.value):
            raise self.loc.error(target, "assignment into a subscript is supported on local variables only (`y[i] = v`)")
        array = self.atom(target.value)
        index = self.index(target.slice)
        if not is_atom(index):
            s_ = _dotted_expr("np.s_")
            s_.s2s_global = numpy.s_
            s_.s2s_canonical = True
            index = self.bind(gast.Subscript(value=s_, slice=index, ctx=gast.Load()), "index")
        item = self.atom(value)
        call = gast.Call(func=_runtime_ref("updated"), args=[array, index, item], keywords=[])
        call.s2s_target = runtime.updated
        gast.copy_location(call, target)
        self.emit(gast.Assign(targets=[self.store(target.value.id)], value=call, type_comment=None))

    # -- control flow ---------------------------------------------------------
    def test_atom(self, node):
        """The branch decision as a single-assignment name (never a flag)."""
        test = self.atom(node, hint="cond")
        if isinstance(test, gast.Name) and test.id in self.fixed or not isinstance(test, gast.Name):
            test = self.bind(test, "cond")
        return test

    def if_statement(self, stmt):
        test = self.test_atom(stmt.test)
        before = dict(self.version)
        body, v_then = self.sub_block(stmt.body, before)
        orelse, v_else = self.sub_block(stmt.orelse, before)
        self.stmt = stmt
        for name in sorted(set(v_then) | set(v_else)):
            if name in self.fixed:
                continue
            a, b = v_then.get(name), v_else.get(name)
            if a == b:
                if a is not None:
                    self.version[name] = a
                continue
            if a is None or b is None:  # defined on one path only
                self.version[name] = a or b
                if (a or b) in self.defined and name in self.all_reads_outside(stmt):
                    # read later on paths where the other branch jumped past the
                    # read (``elif ...: return``); bound to None there, so saving
                    # it for the backward sweep never reads an unbound name
                    undefined = gast.Assign(targets=[_name(a or b, True)], value=gast.Constant(value=None, kind=None), type_comment=None)
                    undefined.s2s_phi = True
                    undefined.s2s_line = self.loc.lineno(self.user_stmt)
                    undefined.s2s_text = self.line_text(self.user_stmt)
                    (orelse if a else body).append(undefined)
                continue
            before_names = set(before.values())
            phi = a if a not in before_names else b if b not in before_names else self.namer.fresh(name)
            self.defined.add(phi)
            for block, current in ((body, a), (orelse, b)):
                if current == phi:
                    continue
                if current not in before_names:
                    _rename(block, current, phi)
                else:
                    copy = gast.Assign(targets=[_name(phi, True)], value=_name(current), type_comment=None)
                    copy.s2s_phi = True
                    copy.s2s_line = self.loc.lineno(self.user_stmt)
                    copy.s2s_text = self.line_text(self.user_stmt)
                    block.append(copy)
            self.version[name] = phi
        if not body and not orelse:
            return
        if not body:
            test = self.bind(gast.UnaryOp(op=gast.Not(), operand=test), "cond")
            body, orelse = orelse, []
        self.emit(gast.If(test=test, body=body, orelse=orelse))

    def carried(self, loop):
        """User names a loop assigns that outlive one iteration: (name, defined before?)."""
        assigned = sorted(_assigned(loop.body) - self.fixed)
        outside = self.all_reads_outside(loop)
        out = []
        for name in assigned:
            if name in self.version:
                out.append(name)
            elif name in outside:
                out.append(name)
        return out

    def all_reads_outside(self, loop):
        """Names read somewhere other than inside ``loop`` (so they may outlive it)."""
        inside = _reads([loop])
        return {n for n, count in self.all_reads.items() if count > inside.get(n, 0)}

    def loop_header(self, loop):
        """Copies that give each carried variable a name of its own before the loop."""
        carried = {}
        for name in self.carried(loop):
            source = self.load_name(name) if name in self.version else gast.Constant(value=None, kind=None)
            store = self.store(name)
            self.emit(gast.Assign(targets=[store], value=source, type_comment=None))
            carried[name] = store.id
        return carried

    def loop_carry(self, body, v_body, carried):
        for name, cname in carried.items():
            final = v_body.get(name, cname)
            if final != cname:
                copy = gast.Assign(targets=[_name(cname, True)], value=_name(final), type_comment=None)
                copy.s2s_carry = True
                copy.s2s_line = self.loc.lineno(self.user_stmt)
                copy.s2s_text = self.line_text(self.user_stmt)
                body.append(copy)

    def for_loop(self, stmt):
        steps, index, elements = self.iteration(stmt)
        carried = self.loop_header(stmt)
        self.stmt = stmt
        target = self.store(index) if index not in self.fixed else _name(index, True)
        version = dict(self.version)
        body, v_body = self.sub_block(elements + stmt.body, version)
        self.stmt = self.user_stmt = stmt
        self.loop_carry(body, v_body, carried)
        self.version.update(carried)
        for name, v in v_body.items():  # the loop variable and body names keep their last value
            if name not in carried and name not in self.version:
                self.version[name] = v
        loop = gast.For(target=target, iter=steps, body=body, orelse=[], type_comment=None)
        loop.s2s_break = stmt.s2s_break
        loop.s2s_revolve = stmt.s2s_revolve
        self.emit(loop)

    def iteration(self, stmt):
        """(range atom, index name, element assignments) for ``for target in iter``."""
        it = stmt.iter
        target = stmt.target
        stmt.s2s_revolve = None
        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is markers.checkpoint:
            # for t in s2s.checkpoint(range(n), snapshots=s): Revolve checkpointing
            snapshots = [k.value for k in it.keywords if k.arg == "snapshots"]
            if len(it.args) != 1 or not snapshots or not isinstance(snapshots[0], gast.Constant) or not isinstance(snapshots[0].value, int):
                raise self.loc.error(it, "a checkpointed loop reads `for t in s2s.checkpoint(range(n), snapshots=8):`")
            stmt.s2s_revolve = snapshots[0].value
            it = it.args[0]
            if not (isinstance(it, gast.Call) and self.scope.resolve(it.func) is range):
                raise self.loc.error(it, "only loops over range(...) can be checkpointed")
        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is range and self.scope.root(it.func) and not self.is_local(self.scope.root(it.func)):
            if not isinstance(target, gast.Name):
                raise self.loc.error(target, "the target of a loop over range must be a name")
            return self.atom(it, hint="steps"), target.id, []
        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is enumerate and not self.is_local(self.scope.root(it.func) or it.func):
            if not (isinstance(target, gast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[0], gast.Name)):
                raise self.loc.error(target, "loop over enumerate(...) needs a target `i, item`")
            if len(it.args) != 1 or it.keywords:
                raise self.loc.error(it, "s2s supports enumerate(sequence) without a start")
            length, elements = self.sequence(it.args[0], target.elts[1], target.elts[0].id, _assigned(stmt.body))
            return self.range_of(length), target.elts[0].id, elements
        backwards = self.is_reversed(it)
        if backwards:  # for item in reversed(seq): the indices of seq, last first
            it = it.args[0]
        index = self.namer.fresh("i" if "i" not in self.version else "index")
        length, elements = self.sequence(it, target, index, _assigned(stmt.body))
        if backwards:
            last = self.bind(gast.BinOp(left=length, op=gast.Sub(), right=gast.Constant(value=1, kind=None)), "last")
            minus_one = gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=1, kind=None))
            return self.bind(_call_builtin("range", [last, minus_one, copy.deepcopy(minus_one)]), "steps"), index, elements
        return self.range_of(length), index, elements

    def is_reversed(self, node):
        """Whether ``node`` is ``reversed(seq)`` (the builtin)."""
        if not (isinstance(node, gast.Call) and self.scope.resolve(node.func) is reversed and not self.is_local(self.scope.root(node.func) or node.func)):
            return False
        if len(node.args) != 1 or node.keywords:
            raise self.loc.error(node, "reversed takes one sequence")
        return True

    def sequence(self, it, target, index, rebound):
        """(length atom, element assignments ``target = seq[index]``) for a sequence or zip.

        The loop iterates the value the sequence has when the loop starts: a
        name the body rebinds (``for row in x: x = ...``) is first copied to a
        name of its own.
        """
        idx = _name(index)

        def iterated(node):
            seq = self.atom(node, hint="items")
            if not isinstance(seq, gast.Name) or (isinstance(node, gast.Name) and node.id in rebound):
                seq = self.bind(seq, "items")
            return seq

        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is zip and not self.is_local(self.scope.root(it.func) or it.func):
            backwards = [self.is_reversed(a) for a in it.args]  # zip(reversed(a), ...): a read from its end
            seqs = [iterated(a.args[0] if b else a) for a, b in zip(it.args, backwards)]
            for seq in seqs:
                self.version.setdefault(seq.id, seq.id)
            lengths = [self.bind(_call_builtin("len", [s]), "n") for s in seqs]
            length = lengths[0]
            if len(lengths) > 1:
                length = self.bind(_call_builtin("min", lengths), "n")
            items = []
            for s, n, b in zip(seqs, lengths, backwards):
                place = idx
                if b:
                    last = self.bind(gast.BinOp(left=n, op=gast.Sub(), right=gast.Constant(value=1, kind=None)), "last")
                    place = gast.BinOp(left=last, op=gast.Sub(), right=_name(index))  # in the body: normalized there
                items.append(gast.Subscript(value=s, slice=place, ctx=gast.Load()))
            if isinstance(target, (gast.Tuple, gast.List)):
                if len(target.elts) != len(items):
                    raise self.loc.error(target, f"loop target unpacks {len(target.elts)} values from zip of {len(items)}")
                return length, [gast.Assign(targets=[t], value=v, type_comment=None) for t, v in zip(target.elts, items)]
            return length, [gast.Assign(targets=[target], value=gast.Tuple(elts=items, ctx=gast.Load()), type_comment=None)]
        seq = iterated(it)
        self.version.setdefault(seq.id, seq.id)
        length = self.bind(_call_builtin("len", [seq]), "n")
        item = gast.Subscript(value=seq, slice=idx, ctx=gast.Load())
        return length, [gast.Assign(targets=[target], value=item, type_comment=None)]

    def range_of(self, length):
        return self.bind(_call_builtin("range", [length]), "steps")

    def while_loop(self, stmt):
        carried = self.loop_header(stmt)
        self.stmt = stmt
        cond_block, _ = self.sub_block([], self.version)
        saved_out = self.out
        self.out = cond_block
        test = self.atom(stmt.test, hint="running")
        self.out = saved_out
        for cstmt in cond_block:  # condition temporaries keep one name: they carry no derivative
            self.fixed |= _assigned_names(cstmt)
        self.out.extend(cond_block)
        version = dict(self.version)
        body, v_body = self.sub_block(stmt.body, version)
        self.stmt = self.user_stmt = stmt
        self.loop_carry(body, v_body, carried)
        for cstmt in copy.deepcopy(cond_block):  # re-evaluated at the end of each iteration
            cstmt.s2s_cond = True
            body.append(cstmt)
        self.version.update(carried)
        loop = gast.While(test=test, body=body, orelse=[])
        loop.s2s_break = stmt.s2s_break
        self.emit(loop)

    # -- names --------------------------------------------------------------
    def store(self, name):
        if name in self.fixed:
            return _name(name, store=True)
        if name in self.defined or name in self.shadowing:
            new = self.namer.fresh(name)  # a local named like np, a builtin or a runtime helper is renamed
        else:
            new = name
            self.namer.reserve(name)
        self.defined.add(new)
        self.version[name] = new
        return _name(new, store=True)

    def load_name(self, name):
        return _name(name if name in self.fixed else self.version[name])

    def load(self, node):
        return self.load_name(node.id)

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
        if isinstance(node, gast.Name) and (node.id in self.version or node.id in self.fixed):
            return self.load(node)
        if isinstance(node, gast.IfExp):
            return self.if_expression(node, hint)
        glob = self.global_ref(node)
        if glob is not None:
            return glob
        if isinstance(node, gast.UnaryOp) and isinstance(node.operand, gast.Constant) and isinstance(node.op, (gast.USub, gast.UAdd)):
            value = node.operand.value
            if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
                return gast.Constant(value=-value if isinstance(node.op, gast.USub) else value, kind=None)
        rhs = self.rhs(node)
        return self.bind(rhs, hint or describe(rhs))

    def if_expression(self, node, hint):
        """``a if c else b`` as an ``if`` statement assigning one name."""
        name = self.namer.fresh(hint or "choice")
        self.namer.taken.discard(name)
        branch = gast.copy_location(gast.If(
            test=node.test,
            body=[gast.copy_location(gast.Assign(targets=[_name(name, True)], value=node.body, type_comment=None), node)],
            orelse=[gast.copy_location(gast.Assign(targets=[_name(name, True)], value=node.orelse, type_comment=None), node)],
        ), node)
        stmt = self.stmt
        self.if_statement(branch)
        self.stmt = stmt
        return self.load_name(name)

    def global_ref(self, node):
        """A global reference atom for a free ``Name``/``Attribute`` chain, else None."""
        if not isinstance(node, (gast.Name, gast.Attribute)):
            return None
        root = self.scope.root(node)
        if root is None or root.id in self.version or root.id in self.scope.locals or root.id in self.fixed:
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
        if kind in UNSUPPORTED_EXPRESSIONS and kind != "IfExp":
            raise self.loc.error(node, f"s2s does not support {UNSUPPORTED_EXPRESSIONS[kind]}")
        if is_atom(node) or isinstance(node, (gast.Name, gast.IfExp)):
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
        if isinstance(func, gast.Call) and self.scope.resolve(func.func) is markers.checkpoint:
            # s2s.checkpoint(g)(x): a call of g (recomputation is not implemented yet)
            if len(func.args) != 1 or func.keywords:
                raise self.loc.error(func, "s2s.checkpoint takes one function: `s2s.checkpoint(g)(x)`")
            func = func.args[0]
            checkpoint = True
        else:
            checkpoint = False
        root = self.scope.root(func)
        if root is not None and root.id in self.scope.locals and root.id not in self.version and root.id not in self.fixed:
            raise self.loc.error(root, f"`{root.id}` is used before it is assigned (it is a local variable of {self.node.name})")
        if isinstance(func, gast.Attribute) and (
            root is None or root.id in self.version or root.id in self.scope.locals or root.id in self.fixed
        ):
            # a method call on a value: x.sum(axis=0) -> np.sum(x, axis=0)
            target = ARRAY_METHODS.get(func.attr)
            if target is None:
                raise self.loc.error(func, f"s2s does not support the method `.{func.attr}(...)` on a value")
            if func.attr in VARARG_METHODS and len(args) > 1:
                args = [gast.Tuple(elts=args, ctx=gast.Load())]
            args = [func.value] + args
            if func.attr in METHOD_HELPERS:
                func = _runtime_ref(METHOD_HELPERS[func.attr])
                target = func.s2s_global
            else:
                func = _dotted_expr("np." + ("ravel" if func.attr == "flatten" else func.attr))
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
        call.s2s_checkpoint = checkpoint
        gast.copy_location(call, node)
        return call


def _name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None, type_comment=None)


def _as_load(target):
    node = copy.deepcopy(target)
    for n in gast.walk(node):
        if hasattr(n, "ctx"):
            n.ctx = gast.Load()
    return node


def _is_method(call, name):
    return isinstance(call.func, gast.Attribute) and call.func.attr == name


def _runtime_ref(name):
    ref = _name(name)
    ref.s2s_global = getattr(runtime, name)
    ref.s2s_canonical = True
    ref.s2s_runtime = True
    return ref


def _builtin_ref(name):
    ref = _name(name)
    ref.s2s_global = getattr(builtins, name)
    ref.s2s_canonical = True
    return ref


def _call_builtin(name, args):
    call = gast.Call(func=_builtin_ref(name), args=list(args), keywords=[])
    call.s2s_target = getattr(builtins, name)
    return call


def _reads(stmts):
    """How often each name is read in ``stmts``."""
    counts = {}
    for stmt in stmts:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                counts[n.id] = counts.get(n.id, 0) + 1
    return counts


def _assigned_names(stmt):
    out = set()
    for n in gast.walk(stmt):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            out.add(n.id)
    return out


def _assigned(stmts):
    out = set()
    for stmt in stmts:
        out |= _assigned_names(stmt)
        for n in gast.walk(stmt):
            if isinstance(n, (gast.Expr, gast.Assign)) and isinstance(n.value, gast.Call) and (
                _is_method(n.value, "append") or _is_method(n.value, "pop")
            ) and isinstance(n.value.func.value, gast.Name):
                out.add(n.value.func.value.id)  # list methods rebind the list (see assign_list_append)
            if isinstance(n, (gast.Assign, gast.AugAssign)):
                for t in (n.targets if isinstance(n, gast.Assign) else [n.target]):
                    if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
                        out.add(t.value.id)
    return out


def _rename(block, old, new):
    for stmt in block:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and n.id == old:
                n.id = new


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
