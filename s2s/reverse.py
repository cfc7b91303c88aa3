"""Reverse mode: a forward sweep and a backward sweep for one ANF function.

Takes an ANF function (:mod:`s2s.normalize`), its :class:`~s2s.activity.Activity`
and the rules.  Returns two ``gast.FunctionDef``:

* ``<f>_forward(<f's parameters>)`` runs the primal and returns
  ``(value, saved)``, ``saved`` being the tuple of exactly the primal values
  the backward sweep reads;
* ``<f>_backward(saved, d<result>)`` walks the active statements in reverse,
  inlines each rule's adjoint template, and returns the adjoints of the active
  parameters (one value, or a tuple in parameter order).

Guarantees: every generated statement carries the ``s2s_line``/``s2s_text`` of
the primal statement it differentiates; the first contribution to an adjoint
assigns it and later ones add to it; contributions of broadcasting rules are
reduced to the argument's shape with ``unbroadcast``; a zero adjoint is never
materialized except for an active parameter that received nothing.  A call
that needs a derivative and has no rule raises ``S2SError`` at the call.
"""

import collections
import copy
import inspect
import operator

import gast
import numpy

from .activity import differentiated, is_user_function, local_names, simple_statements, targets
from .naming import adjoint_name
from .rules import ATTRIBUTE_FUNCTIONS, OPERATORS
from .runtime import SHAPE_ONLY_ARGUMENTS
from .shapes import scalar_arguments
from .template import Contribution


def name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None, type_comment=None)


def call(func, *args):
    return gast.Call(func=name(func) if isinstance(func, str) else func, args=list(args), keywords=[])


def assign(target, value):
    node = gast.Assign(targets=[target if isinstance(target, gast.AST) else name(target, store=True)], value=value, type_comment=None)
    return node


def assigned(stmts):
    """Names assigned anywhere in ``stmts`` (loop targets included)."""
    out = set()
    for stmt in stmts:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                out.add(n.id)
    return out


def _spelling(func):
    """``np.size`` / ``unbroadcast``: how a generated call names its function."""
    parts = []
    while isinstance(func, gast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, gast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def index_expr(node):
    """A subscript's index as an expression (slices as ``slice(...)`` calls)."""
    if isinstance(node, gast.Slice):
        none = gast.Constant(value=None, kind=None)
        return call("slice", node.lower or none, node.upper or none, node.step or none)
    if isinstance(node, gast.Tuple):
        return gast.Tuple(elts=[index_expr(e) for e in node.elts], ctx=gast.Load())
    return copy.deepcopy(node)


class Callee:
    """What a call site needs to know of a transformed user function."""

    def __init__(self, forward, backward, active_params):
        self.forward = forward
        self.backward = backward
        self.active_params = active_params


class Plan:
    """What the forward sweep saves for one ``if`` or loop (decided by the backward sweep).

    ``names`` lists ``(name, shape_only)`` pairs (per branch for an ``if``);
    a shape-only value is saved as ``shape_of(name)``.
    """

    def __init__(self, store=None, names=()):
        self.store = store  # the tuple (if, loop: of its columns) or list (loop saving nothing) variable, or None
        self.names = list(names)
        self.columns = []  # a loop's list per saved name


def saved_tuple(entries):
    """The forward sweep's tuple of saved values."""
    elts = [call("shape_of", name(n)) if shape else name(n) for n, shape in entries]
    return gast.Tuple(elts=elts, ctx=gast.Load())


class ReverseMode:
    def __init__(self, parsed, fdef, namer, activity, active_params, rules, request, forward_name, backward_name, scalar=frozenset(), classes=None):
        self.parsed = parsed
        self.loc = parsed.loc
        self.fdef = fdef
        self.activity = activity
        self.active_params = active_params
        self.rules = rules
        self.request = request  # (fn, active_params, node) -> Callee
        self.forward_name = forward_name
        self.backward_name = backward_name
        self.namer = namer
        self.scalar = scalar  # names that always hold scalars (s2s.shapes)
        self.classes = classes or {}  # name -> shape class (s2s.shapes)
        self.defined = set()  # adjoints that hold a value at this point of the backward sweep
        self.uniform = {}  # adjoint -> (its primal, block), for adjoints held as one number (see contribute)
        self.block_defs = set()  # names the statements of the block being built assign
        self.block = self.top = None  # id of the block being built, and of the function's body
        args = fdef.args
        self.params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        stores = collections.Counter(n.id for n in gast.walk(fdef) if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Param)))
        self.once = {n for n, k in stores.items() if k == 1}  # names assigned once (parameters: never again)
        self.contributed = set()  # adjoints written by the block being built (see backward_loop)
        self.backward_locals = set()
        self.out = []  # the backward block being built
        self.origin = None  # the primal statement being differentiated
        self.callees = {}  # id(stmt) -> (Callee, saved name)
        self.checkpointed = set()  # id(stmt) of calls recomputed in the backward sweep
        self.plans = {}  # id(if or loop) -> Plan
        self.order = self.definition_order()

    def definition_order(self):
        args = self.fdef.args
        order = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]

        def visit(stmts):
            for stmt in stmts:
                if isinstance(stmt, gast.For):
                    order.append(stmt.target.id)
                if isinstance(stmt, (gast.If, gast.For, gast.While)):
                    visit(stmt.body)
                    visit(stmt.orelse)
                else:
                    order.extend(targets(stmt))
        visit(self.fdef.body)
        return list(dict.fromkeys(order))

    # -- adjoint bookkeeping ----------------------------------------------
    def adjoint(self, primal):
        adj = self.namer.adjoint(primal)
        self.backward_locals.add(adj)
        return adj

    def fresh(self, base):
        new = self.namer.fresh(base)
        self.backward_locals.add(new)
        return new

    def emit(self, stmt):
        stmt.s2s_line = self.origin.s2s_line
        stmt.s2s_text = self.origin.s2s_text
        self.out.append(stmt)

    def active(self, atom):
        return isinstance(atom, gast.Name) and not hasattr(atom, "s2s_global") and atom.id in self.activity

    def contribute(self, atom, value):
        """Add ``value`` to the adjoint of ``atom`` if it is an active name.

        A *uniform* contribution, every entry the same number (the adjoint of a
        full reduction, ``unreduce(g, t, None, False)``), is kept as that
        number when ``atom`` has a shape class (:mod:`s2s.shapes`), is
        assigned once and the block being built assigns it: the adjoint is then "``g`` everywhere in
        ``atom``'s shape", and the elementwise rule of ``atom``'s definition
        multiplies by the number instead of by a broadcast array
        (:meth:`apply_rule`).  Held so, the adjoint is a number or (after an
        array was added to it) an array of ``atom``'s shape; it never leaves
        the block.  A parameter's adjoint may be one too, in the function's
        body; it becomes an array before the backward sweep returns it.
        """
        if not self.active(atom):
            return
        adj = self.adjoint(atom.id)
        if self.uniform_value(value):
            value = self.strip_unreduce(value)
            if adj in self.defined:
                value = gast.BinOp(left=name(adj), op=gast.Add(), right=value)  # an array and a number
            elif atom.id in self.classes and atom.id in self.once and (atom.id in self.block_defs or (atom.id in self.params and self.block == self.top)):
                self.uniform[adj] = (atom.id, self.block)
            else:
                value = self.unreduce_all(value, atom.id)
        elif adj in self.defined:
            value = gast.BinOp(left=name(adj), op=gast.Add(), right=value)
            if self.uniform.get(adj, (None, None))[1] == self.block:
                del self.uniform[adj]  # an array now (elsewhere: a number or an array of atom's shape)
        self.defined.add(adj)
        self.contributed.add(adj)
        self.emit(assign(adj, value))

    def materialize(self, adj):
        """A uniform adjoint (see :meth:`contribute`) as an array of its primal's shape."""
        primal, _ = self.uniform.pop(adj, (None, None))
        if primal is not None:
            self.emit(assign(adj, self.unreduce_all(name(adj), primal)))

    def unreduce_all(self, value, primal):
        """``unreduce(value, primal, None, False)``: the number ``value`` everywhere in ``primal``'s shape."""
        return call("unreduce", value, name(primal), gast.Constant(value=None, kind=None), gast.Constant(value=False, kind=None))

    def uniform_value(self, node):
        """Whether ``node`` is one number standing for an array: arithmetic of
        full-reduction adjoints ``unreduce(g, t, None, False)``, uniform adjoints,
        scalars and sizes, with at least one of the first two."""
        return self.kind(node, None) == "uniform" and any(
            _is_unreduce_all(n) or (isinstance(n, gast.Name) and n.id in self.uniform) for n in gast.walk(node)
        )

    def kind(self, node, cls):
        """``"uniform"`` (a number), ``"full"`` (an array of shape class ``cls``)
        or None (anything else) for an elementwise expression of a rule's output."""
        if isinstance(node, gast.Constant):
            return "uniform" if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else None
        if isinstance(node, gast.Name):
            if hasattr(node, "s2s_global"):
                return None
            if node.id in self.uniform or node.id in self.scalar:
                return "uniform"
            return "full" if cls is not None and self.classes.get(node.id) == cls else None
        if _is_unreduce_all(node):
            return "uniform" if self.kind(node.args[0], None) == "uniform" or isinstance(node.args[0], gast.Name) else None
        if isinstance(node, gast.Call) and _spelling(node.func) in SIZES:
            return "uniform"
        if isinstance(node, gast.BinOp) and not isinstance(node.op, gast.MatMult):
            parts = [node.left, node.right]
        elif isinstance(node, gast.UnaryOp) and not isinstance(node.op, gast.Not):
            parts = [node.operand]
        elif isinstance(node, gast.Call) and isinstance(_numpy_function(node.func), numpy.ufunc) and not node.keywords:
            parts = node.args
        else:
            return None
        kinds = {self.kind(p, cls) for p in parts}
        if None in kinds:
            return None
        return "full" if "full" in kinds else "uniform"

    def strip_unreduce(self, node):
        """``node`` with each ``unreduce(g, t, None, False)`` replaced by ``g``."""
        if _is_unreduce_all(node):
            return node.args[0]
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.AST):
                setattr(node, field, self.strip_unreduce(value))
            elif isinstance(value, list):
                setattr(node, field, [self.strip_unreduce(v) if isinstance(v, gast.AST) else v for v in value])
        return node

    def zero_fill(self, primal):
        """``dv = zeros_like(v)``: a zero adjoint where a path contributed nothing."""
        adj = self.adjoint(primal)
        self.emit(assign(adj, call("zeros_like", name(primal))))
        self.defined.add(adj)

    def assigned(self, stmts):
        """Primal names the forward sweep of ``stmts`` assigns (saved callee values and nested stores too)."""
        out = assigned(stmts)
        for stmt in stmts:
            for node in gast.walk(stmt):
                if id(node) in self.callees:
                    out.add(self.callees[id(node)][1])
                plan = self.plans.get(id(node))
                if plan is not None and plan.store:
                    out.add(plan.store)
        return out

    def ordered(self, names):
        """``names`` in the order the forward sweep defines them."""
        order = self.order + [c[1] for c in self.callees.values()] + [p.store for p in self.plans.values() if p.store]
        return [n for n in dict.fromkeys(order) if n in names]

    def pack(self, names, code):
        """Decide how ``names`` are saved for ``code``: ``[(name, shape_only)]``.

        A name that ``code`` reads only for its shape (``unbroadcast(g, t)``)
        is saved as ``shape_of(t)``, and ``code`` reads ``t_shape`` instead;
        or, where a name saved whole is known to have the same shape
        (:func:`s2s.shapes.shape_classes`), ``code`` reads that name and
        nothing is saved for ``t``.
        """
        loads, shape_loads, stores = {}, {}, set()
        for stmt in code:
            for node in gast.walk(stmt):
                if isinstance(node, gast.Name):
                    if isinstance(node.ctx, gast.Store):
                        stores.add(node.id)
                    else:
                        loads[node.id] = loads.get(node.id, 0) + 1
                if isinstance(node, gast.Call):
                    position = SHAPE_ONLY_ARGUMENTS.get(_spelling(node.func))
                    if position is not None and len(node.args) > position and isinstance(node.args[position], gast.Name):
                        arg = node.args[position].id
                        shape_loads[arg] = shape_loads.get(arg, 0) + 1
        shape_only = {n for n in names if loads.get(n, 0) > 0 and shape_loads.get(n, 0) == loads[n] and n not in stores}
        # a name saved whole that has the same shape stands in for a shape-only one (s2s.shapes)
        stand_ins = {self.classes[n]: n for n in names if n not in shape_only and n in self.classes and loads.get(n)}
        entries = []
        renamed = {}
        for n in names:
            if n in shape_only:
                renamed[n] = stand_ins.get(self.classes.get(n))
                if renamed[n] is None:
                    renamed[n] = self.fresh(f"{n.rstrip('_')}_shape")
                    entries.append((n, renamed[n]))
            else:
                entries.append((n, None))
        if renamed:
            for stmt in code:
                for node in gast.walk(stmt):
                    if isinstance(node, gast.Name) and node.id in renamed:
                        node.id = renamed[node.id]
        return entries

    def unpack_saved(self, entries, source, origin):
        """``a, b_shape = source`` for the backward sweep."""
        targets_ = [name(new or n, True) for n, new in entries]
        return self.located(assign(gast.Tuple(elts=targets_, ctx=gast.Store()), source), origin)

    def reads(self, code):
        return {n for stmt in code for n in local_names(stmt) if n not in self.backward_locals}

    # -- the two sweeps ---------------------------------------------------
    def run(self):
        body = self.fdef.body
        for stmt in simple_statements(body):  # report the first problem in source order
            self.check(stmt)
        self.prepare_calls(body)
        result = body[-1].value
        if self.active(result):
            seed = self.adjoint(result.id)
            self.defined.add(seed)
        else:
            seed = self.fresh(adjoint_name("result"))
        top = body[:-1]
        self.top = id(top)
        code, reads = self.backward_block(top)
        self.out = code
        self.origin = body[-1]
        returned = []
        for param in self.active_params:
            if self.adjoint(param) not in self.defined:
                self.zero_fill(param)
                reads.add(param)
            elif self.adjoint(param) in self.uniform:
                self.materialize(self.adjoint(param))
                reads.add(param)
            returned.append(name(self.adjoint(param)))
        saved = self.pack(self.ordered(reads), self.out)
        forward_body = self.forward_block(body)
        forward_body[-1].value = gast.Tuple(elts=[copy.deepcopy(result), saved_tuple([(n, bool(new)) for n, new in saved])], ctx=gast.Load())
        forward = gast.FunctionDef(
            name=self.forward_name, args=copy.deepcopy(self.fdef.args), body=forward_body,
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        saved_param = self.namer.fresh("saved")
        backward_body = []
        if saved:
            backward_body.append(assign(gast.Tuple(elts=[name(new or n, store=True) for n, new in saved], ctx=gast.Store()), name(saved_param)))
        backward_body += self.out
        backward_body.append(gast.Return(value=returned[0] if len(returned) == 1 else gast.Tuple(elts=returned, ctx=gast.Load())))
        backward = gast.FunctionDef(
            name=self.backward_name,
            args=gast.arguments(
                args=[name(saved_param, True), name(seed, True)], posonlyargs=[], vararg=None,
                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[],
            ),
            body=backward_body, decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        backward.s2s_floats = set(self.activity.active) | set(self.namer.adjoints.values())  # hold floating values
        return forward, backward

    def prepare_calls(self, stmts):
        """Transformed callees for the active user-function calls."""
        for stmt in simple_statements(stmts):
            rhs = getattr(stmt, "value", None)
            if isinstance(stmt, gast.Assign) and isinstance(rhs, gast.Call) and is_user_function(rhs.s2s_target, self.rules):
                callee = self.user_call(stmt)
                if callee is not None:
                    target = stmt.targets[0]
                    saved = self.namer.fresh(f"{target.id if isinstance(target, gast.Name) else 'call'}_saved")
                    self.callees[id(stmt)] = (callee, saved)
                    if getattr(rhs, "s2s_checkpoint", False) or getattr(rhs.s2s_target, "__s2s_checkpoint__", False):
                        self.checkpointed.add(id(stmt))
                        self.backward_locals.add(saved)

    def user_call(self, stmt):
        """The transformed callee of an active user call, or None for a constant call."""
        rhs = stmt.value
        if not any(n in self.activity for n in targets(stmt)):
            return None
        fn = rhs.s2s_target
        try:
            bound = inspect.signature(fn).bind(*rhs.args, **{k.arg: k.value for k in rhs.keywords})
        except TypeError as exc:
            raise self.loc.error(rhs, f"bad call to {fn.__name__}: {exc}") from None
        active = [param for param, value in bound.arguments.items() if self.active(value)]
        if not active:
            return None
        return self.request(fn, tuple(active), rhs, scalar_arguments(fn, rhs, self.scalar))

    # -- forward sweep ----------------------------------------------------
    def forward_block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                out.append(self.forward_if(stmt))
            elif isinstance(stmt, (gast.For, gast.While)):
                out.extend(self.forward_loop(stmt))
            elif hasattr(stmt, "s2s_grad_of"):
                continue  # the forward sweep skips an insert_grad_of block
            else:
                out.append(self.forward_statement(stmt))
        return out

    def forward_statement(self, stmt):
        new = copy.deepcopy(stmt)
        if id(stmt) in self.callees and id(stmt) not in self.checkpointed:
            callee, saved = self.callees[id(stmt)]
            new.value.func = name(callee.forward)
            new.targets = [gast.Tuple(elts=[new.targets[0], name(saved, True)], ctx=gast.Store())]
        return new

    def located(self, node, origin):
        node.s2s_line = origin.s2s_line
        node.s2s_text = origin.s2s_text
        return node

    def forward_if(self, stmt):
        plan = self.plans.get(id(stmt), Plan())
        body = self.forward_block(stmt.body)
        orelse = self.forward_block(stmt.orelse)
        if plan.store:
            for block, entries in ((body, plan.names[0]), (orelse, plan.names[1])):
                block.append(self.located(assign(plan.store, saved_tuple(entries)), stmt))
        return self.located(gast.If(test=copy.deepcopy(stmt.test), body=body or [gast.Pass()], orelse=orelse), stmt)

    def forward_loop(self, stmt):
        plan = self.plans.get(id(stmt), Plan())
        main = [s for s in stmt.body if not getattr(s, "s2s_carry", False) and not getattr(s, "s2s_cond", False)]
        carry = [s for s in stmt.body if getattr(s, "s2s_carry", False)]
        cond = [s for s in stmt.body if getattr(s, "s2s_cond", False)]
        body = self.forward_block(main)
        out = []
        if getattr(plan, "revolve", False):  # keep the starting state only
            out.append(self.located(assign(plan.store, saved_tuple(plan.names)), stmt))
        elif plan.store and plan.columns:  # one list per saved name, the lists in one tuple after the loop
            for column in plan.columns:
                out.append(self.located(assign(column, gast.List(elts=[], ctx=gast.Load())), stmt))
            for column, value in zip(plan.columns, saved_tuple(plan.names).elts):
                push = gast.Expr(value=call(gast.Attribute(value=name(column), attr="append", ctx=gast.Load()), value))
                body.append(self.located(push, stmt))
        elif plan.store:  # nothing to save but the number of iterations
            out.append(self.located(assign(plan.store, gast.List(elts=[], ctx=gast.Load())), stmt))
            push = gast.Expr(value=call(
                gast.Attribute(value=name(plan.store), attr="append", ctx=gast.Load()),
                gast.Tuple(elts=[], ctx=gast.Load()),
            ))
            body.append(self.located(push, stmt))
        body += self.forward_block(carry)
        if stmt.s2s_break:
            body.append(self.located(gast.If(test=name(stmt.s2s_break), body=[gast.Break()], orelse=[]), stmt))
        body += self.forward_block(cond)
        new = copy.copy(stmt)
        new.body = body or [gast.Pass()]
        out.append(self.located(new, stmt))
        if plan.store and plan.columns and not getattr(plan, "revolve", False):
            # made after the loop, of the lists as they end: transformed again, ``append`` makes new lists
            out.append(self.located(assign(plan.store, gast.Tuple(elts=[name(c) for c in plan.columns], ctx=gast.Load())), stmt))
        return out

    # -- backward sweep ---------------------------------------------------
    def backward_block(self, stmts):
        """The adjoint of ``stmts`` (walked in reverse) and the primal names it reads."""
        saved_out, saved_defs, saved_block = self.out, self.block_defs, self.block
        self.out = []
        self.block = id(stmts)
        self.block_defs = {s.targets[0].id for s in stmts if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)}
        reads = set()
        try:
            for stmt in reversed(stmts):
                if isinstance(stmt, gast.If):
                    reads |= self.backward_if(stmt)
                elif isinstance(stmt, (gast.For, gast.While)):
                    reads |= self.backward_loop(stmt)
                elif hasattr(stmt, "s2s_grad_of"):
                    reads |= self.backward_hook(stmt)
                else:
                    self.origin = stmt
                    start = len(self.out)
                    self.backward_statement(stmt)
                    reads |= self.reads(self.out[start:])
                    for t in targets(stmt):  # the value before this statement is another value
                        self.defined.discard(self.namer.adjoints.get(t))
                        self.uniform.pop(self.namer.adjoints.get(t), None)
            return self.out, reads
        finally:
            self.out, self.block_defs, self.block = saved_out, saved_defs, saved_block

    def backward_hook(self, stmt):
        """The block of ``with insert_grad_of(x) as dx:``, run on the adjoint of ``x``."""
        primal = stmt.s2s_grad_of
        if primal not in self.activity:
            return set()
        self.origin = stmt
        start = len(self.out)
        if self.adjoint(primal) not in self.defined:
            self.zero_fill(primal)
        adj = self.adjoint(primal)
        self.materialize(adj)
        self.backward_locals |= set(stmt.s2s_hook_locals)
        for node in stmt.s2s_hook_body:
            node = copy.deepcopy(node)
            for n in gast.walk(node):
                if isinstance(n, gast.Name) and n.id == stmt.s2s_hook_name:
                    n.id = adj
            self.emit(node)
        return self.reads(self.out[start:])

    def backward_if(self, stmt):
        before = set(self.defined)
        self.defined = set(before)
        then_code, then_reads = self.backward_block(stmt.body)
        then_defined = self.defined
        self.defined = set(before)
        else_code, else_reads = self.backward_block(stmt.orelse)
        else_defined = self.defined
        assigned_then = self.assigned(stmt.body)
        assigned_else = self.assigned(stmt.orelse)
        local = assigned_then | assigned_else
        dead = {self.namer.adjoints.get(n) for n in local}
        then_defined -= dead
        else_defined -= dead
        merged = then_defined | else_defined
        self.origin = stmt
        for code, defined, reads in ((then_code, then_defined, then_reads), (else_code, else_defined, else_reads)):
            saved_out, self.out = self.out, code
            for primal in sorted(p for p, a in self.namer.adjoints.items() if a in merged - defined):
                self.zero_fill(primal)
                reads.add(primal)
            self.out = saved_out
        self.defined = merged
        if not then_code and not else_code:
            return set()
        phi = assigned_then & assigned_else
        names = (
            self.ordered(then_reads & (assigned_then - phi)),
            self.ordered(else_reads & (assigned_else - phi)),
        )
        plan = Plan()
        if names[0] or names[1]:
            plan = Plan(self.namer.fresh("branch"))
            for code, ns in ((then_code, names[0]), (else_code, names[1])):
                entries = self.pack(ns, code)
                plan.names.append([(n, bool(new)) for n, new in entries])
                if entries:
                    code.insert(0, self.unpack_saved(entries, name(plan.store), stmt))
        self.plans[id(stmt)] = plan
        reads = (then_reads - (assigned_then - phi)) | (else_reads - (assigned_else - phi))
        reads |= self.reads([stmt.test]) if isinstance(stmt.test, gast.Name) else set()
        if plan.store:
            reads.add(plan.store)
        self.out.append(self.located(gast.If(test=copy.deepcopy(stmt.test), body=then_code or [gast.Pass()], orelse=else_code), stmt))
        return reads

    def backward_loop(self, stmt):
        inside = assigned(stmt.body) | ({stmt.target.id} if isinstance(stmt, gast.For) else set())
        carried = [s.targets[0].id for s in stmt.body if getattr(s, "s2s_carry", False) and s.targets[0].id in self.activity]
        body = [s for s in stmt.body if not getattr(s, "s2s_cond", False)]
        outer = {n for s in simple_statements(body) for n in local_names(s) if n not in inside and n in self.activity}
        before = set(self.defined)
        assumed = {self.adjoint(n) for n in outer | set(carried)}
        self.defined = before | assumed
        contributed_outside, self.contributed = self.contributed, set()
        code, reads = self.backward_block(body)
        self.origin = stmt
        saved_out, self.out = self.out, code
        for c in carried:  # the adjoint of the value carried into this iteration
            if self.adjoint(c) not in self.defined:
                self.zero_fill(c)
                reads.add(c)
        self.out = saved_out
        written = self.contributed  # by this loop's body, whatever other paths wrote
        self.contributed = contributed_outside | written
        if not code:
            self.defined = before
            return set()
        inside = self.assigned(stmt.body) | inside
        entries = self.pack(self.ordered(reads & inside), code)
        if getattr(stmt, "s2s_revolve", None):
            loop, extra = self.revolve_loop(stmt, entries, code)
        else:
            stack = self.namer.fresh(f"{stmt.target.id}_stack" if isinstance(stmt, gast.For) else "loop_stack")
            plan = self.plans[id(stmt)] = Plan(stack, [(n, bool(new)) for n, new in entries])
            # each iteration's saved values, last first: one list per name (a tuple per
            # iteration would cost an allocation that a list of numbers does not)
            plan.columns = [self.fresh(f"{new or n}_stack") for n, new in entries]
            if not entries:
                loop = gast.For(target=name("_", True), iter=call("reversed", name(stack)), body=code, orelse=[], type_comment=None)
            else:
                columns = [call("reversed", name(c)) for c in plan.columns]
                names_ = [name(new or n, True) for n, new in entries]
                target = names_[0] if len(entries) == 1 else gast.Tuple(elts=names_, ctx=gast.Store())
                loop = gast.For(target=target, iter=columns[0] if len(columns) == 1 else call("zip", *columns), body=code, orelse=[], type_comment=None)
                self.out.append(self.located(assign(gast.Tuple(elts=[name(c, True) for c in plan.columns], ctx=gast.Store()), name(stack)), stmt))
            extra = {stack}
        # zero adjoints the loop accumulates into, before it
        self.defined = before
        needed = [n for n in self.order if self.adjoint(n) in (assumed & written) | {self.adjoint(c) for c in carried}]
        outer_reads = set()
        for n in dict.fromkeys(needed):
            if self.adjoint(n) not in before:
                self.zero_fill(n)
                outer_reads.add(n)
        self.defined = before | {self.adjoint(n) for n in needed}
        self.out.append(self.located(loop, stmt))
        return (reads - inside) | extra | outer_reads

    def revolve_loop(self, stmt, entries, code):
        """The backward loop of ``for t in s2s.checkpoint(range(n), snapshots=s)``.

        Instead of one saved tuple per iteration, the forward sweep keeps the
        loop's starting state; the backward sweep gets each iteration's tuple,
        last first, from ``revolve``, which re-runs iterations from at most
        ``s`` stored states (the binomial schedule of Griewank's Revolve).
        """
        if stmt.s2s_break:
            raise self.loc.error(stmt, "a checkpointed loop (s2s.checkpoint(range(...), snapshots=...)) cannot `break` or `return`")
        carried = [s.targets[0].id for s in stmt.body if getattr(s, "s2s_carry", False)]
        main = [s for s in stmt.body if not getattr(s, "s2s_carry", False)]
        carry = [s for s in stmt.body if getattr(s, "s2s_carry", False)]
        start = self.namer.fresh(f"{stmt.target.id}_start")
        step = self.namer.fresh(f"{self.fdef.name}_iteration")
        state = self.namer.fresh("state")
        snapshot = self.namer.fresh("saved_iteration")
        self.backward_locals |= {step, state, snapshot}
        body = []
        if carried:
            body.append(assign(gast.Tuple(elts=[name(c, True) for c in carried], ctx=gast.Store()), name(state)))
        body += self.forward_block(main)
        saved = saved_tuple([(n, bool(new)) for n, new in entries])
        body.append(assign(snapshot, saved))
        body += self.forward_block(carry)
        body.append(gast.Return(value=gast.Tuple(elts=[gast.Tuple(elts=[name(c) for c in carried], ctx=gast.Load()), name(snapshot)], ctx=gast.Load())))
        for b in body:
            self.located(b, stmt)
        function = gast.FunctionDef(
            name=step,
            args=gast.arguments(args=[name(state, True), copy.deepcopy(stmt.target)], posonlyargs=[], vararg=None,
                                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
            body=body, decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        function.args.args[1].ctx = gast.Param()
        local = assigned(body) | {state, stmt.target.id}
        free = {n for b in body for n in local_names(b)} - local
        self.out.append(self.located(function, stmt))
        self.plans[id(stmt)] = Plan(start, [(c, False) for c in carried])
        self.plans[id(stmt)].revolve = True
        if entries:
            code.insert(0, self.unpack_saved(entries, name(snapshot), stmt))
        loop = gast.For(
            target=name(snapshot, True),
            iter=call("revolve", name(step), name(start), copy.deepcopy(stmt.iter), gast.Constant(value=stmt.s2s_revolve, kind=None)),
            body=code or [gast.Pass()], orelse=[], type_comment=None,
        )
        return loop, {start, stmt.iter.id} | free

    # -- one statement's adjoint -----------------------------------------
    def check(self, stmt):
        """Raise ``S2SError`` if an active statement has no derivative."""
        if not differentiated(stmt, self.activity, self.rules):
            return
        rhs = stmt.value
        if isinstance(rhs, gast.BoolOp):
            raise self.loc.error(rhs, "cannot differentiate through `and`/`or`; use np.where or an `if`")
        if isinstance(rhs, gast.Attribute) and rhs.attr not in ATTRIBUTE_FUNCTIONS:
            raise self.loc.error(rhs, f"cannot differentiate the attribute `.{rhs.attr}`")
        fn = None
        if isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            fn = OPERATORS.get(type(rhs.op))
        elif isinstance(rhs, gast.Call) and not is_user_function(rhs.s2s_target, self.rules):
            fn = rhs.s2s_target
        if fn is not None or isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            rule = self.rules.lookup(fn) if fn is not None else None
            if rule is None or rule.adjoint is None:
                what = gast_text(rhs) if not isinstance(rhs, gast.Call) else _describe(fn)
                raise self.loc.error(
                    rhs,
                    f"no derivative rule for {what}; register one with @s2s.adjoint({_describe(fn)}) "
                    "or wrap its argument in s2s.stop_gradient",
                )

    def backward_statement(self, stmt):
        if not differentiated(stmt, self.activity, self.rules):
            return
        target = stmt.targets[0]
        rhs = stmt.value
        if isinstance(target, gast.Tuple):
            self.unpack(target, rhs)
            return
        adj = self.adjoint(target.id)
        if adj not in self.defined:
            return  # zero adjoint: nothing flows back
        dy = name(adj)
        if isinstance(rhs, gast.Constant) or hasattr(rhs, "s2s_global"):
            return  # a constant: nothing flows back
        if not isinstance(rhs, (gast.BinOp, gast.UnaryOp, gast.Call, gast.Name)) or id(stmt) in self.callees:
            self.materialize(adj)  # only rules and copies take a uniform adjoint
        if isinstance(rhs, gast.Name):
            self.contribute(rhs, dy)
        elif isinstance(rhs, (gast.Tuple, gast.List)):
            for i, elt in enumerate(rhs.elts):
                self.contribute(elt, gast.Subscript(value=name(adj), slice=gast.Constant(value=i, kind=None), ctx=gast.Load()))
        elif isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            args = [rhs.left, rhs.right] if isinstance(rhs, gast.BinOp) else [rhs.operand]
            self.apply_rule(OPERATORS.get(type(rhs.op)), target, args, {}, rhs)
        elif isinstance(rhs, gast.Call):
            fn = rhs.s2s_target
            if id(stmt) in self.callees:
                if id(stmt) in self.checkpointed:  # recompute the callee's forward sweep, then its backward
                    callee, saved = self.callees[id(stmt)]
                    again = copy.deepcopy(rhs)
                    again.func = name(callee.forward)
                    self.emit(assign(gast.Tuple(elts=[name("_", True), name(saved, True)], ctx=gast.Store()), again))
                self.user_backward(rhs, target, *self.callees[id(stmt)])
            else:
                self.apply_rule(fn, target, rhs.args, {k.arg: k.value for k in rhs.keywords}, rhs)
        elif isinstance(rhs, gast.Attribute):
            self.apply_rule(ATTRIBUTE_FUNCTIONS[rhs.attr], target, [rhs.value], {}, rhs)
        elif isinstance(rhs, gast.Subscript):
            self.apply_rule(operator.getitem, target, [rhs.value, index_expr(rhs.slice)], {}, rhs)
        else:
            raise self.loc.error(rhs, f"cannot differentiate `{type(rhs).__name__}`")

    def unpack(self, target, source):
        elts = []
        any_defined = False
        for elt in target.elts:
            adj = self.adjoint(elt.id)
            if elt.id in self.activity and adj in self.defined:
                elts.append(name(adj))
                any_defined = True
            else:
                elts.append(call("zeros_like", name(elt.id)))
        if any_defined:
            self.contribute(source, call("GradTuple", gast.Tuple(elts=elts, ctx=gast.Load())))

    def apply_rule(self, fn, target, args, keywords, node):
        rule = self.rules.lookup(fn)
        what = rule.name or _describe(fn)
        template = rule.adjoint
        try:
            bindings = template.bind(args, keywords)
        except TypeError as exc:
            raise self.loc.error(node, f"the derivative rule for {what} does not accept this call: {exc}") from None
        bindings[template.result] = name(target.id)
        adj = self.adjoint(target.id)
        derivatives = {template.derivative_name(template.result): adj}
        items = list(template.instantiate(bindings, derivatives, self.fresh))
        if adj in self.uniform:  # the rule may take the number if it is elementwise in it
            cls = self.classes[target.id]
            if template.vararg or any(
                self.active(bindings.get(p)) and self.classes.get(bindings[p].id) != cls for p in template.params if p != template.result
            ) or not all(
                isinstance(i, Contribution) and (not self.active(bindings.get(i.param)) or self.kind(i.value, cls) is not None)
                for i in items
            ):
                self.materialize(adj)  # the items read the adjoint by name: now the array
        # a name bound to several parameters (``x * x``) gets one contribution, their sum
        bound_names = [bindings[p].id for p in template.params if p != template.vararg and self.active(bindings.get(p))]
        shared = {n for n in bound_names if bound_names.count(n) > 1}
        pending = {}
        for item in items:
            if not isinstance(item, Contribution):
                self.emit(item)
                continue
            bound = bindings[item.param]
            if item.param == template.vararg:
                if not any(isinstance(e, gast.Name) and e.id in self.activity for e in bound.elts):
                    continue
                parts = self.fresh(adjoint_name(item.param))
                self.emit(assign(parts, item.value))
                for i, elt in enumerate(bound.elts):
                    self.contribute(elt, gast.Subscript(value=name(parts), slice=gast.Constant(value=i, kind=None), ctx=gast.Load()))
                continue
            value = item.value
            if isinstance(bound, gast.Name) and bound.id in shared:
                if bound.id in pending:
                    pending[bound.id][1] = gast.BinOp(left=pending[bound.id][1], op=gast.Add(), right=value)
                else:
                    pending[bound.id] = [item.param, value]
                continue
            self.contribute(bound, self.reduced(rule, bindings, item.param, template, value))
        for param, value in pending.values():
            self.contribute(bindings[param], self.reduced(rule, bindings, param, template, value))

    def reduced(self, rule, bindings, param, template, value):
        """``value`` reduced to the shape of the argument bound to ``param`` where broadcasting may have grown it."""
        bound = bindings[param]
        if rule.broadcast and isinstance(bound, gast.Name) and not others_conform(bindings, param, template, self.scalar, self.classes):
            axes = known_reduction(self.classes.get(bound.id), self.classes.get(bindings[template.result].id))
            if axes is not None:  # shapes known: the sum that unbroadcast would find, written out
                axis, keepdims = axes
                keywords = [gast.keyword(arg="axis", value=axis)]
                keywords += [gast.keyword(arg="keepdims", value=gast.Constant(value=True, kind=None))] if keepdims else []
                return gast.Call(func=gast.Attribute(value=name("np"), attr="sum", ctx=gast.Load()), args=[value], keywords=keywords)
            return call("unbroadcast", value, copy.deepcopy(bound))
        return value

    def user_backward(self, rhs, target, callee, saved):
        bound = inspect.signature(rhs.s2s_target).bind(*rhs.args, **{k.arg: k.value for k in rhs.keywords})
        grads = [self.fresh(adjoint_name(p, callee.forward.rsplit('_forward', 1)[0])) for p in callee.active_params]
        lhs = name(grads[0], True) if len(grads) == 1 else gast.Tuple(elts=[name(g, True) for g in grads], ctx=gast.Store())
        self.emit(assign(lhs, call(callee.backward, name(saved), name(self.adjoint(target.id)))))
        for param, g in zip(callee.active_params, grads):
            self.contribute(bound.arguments[param], name(g))




def known_reduction(own, result):
    """``(axis, keepdims)`` of the sum that reduces an array of the result's shape to
    the argument's, where both are known dimensions (``("dims", ...)`` classes of
    :mod:`s2s.shapes`) and one sum does it; else None."""
    if not (isinstance(own, tuple) and own[0] == "dims" and isinstance(result, tuple) and result[0] == "dims"):
        return None
    own, result = own[1], result[1]
    lead = len(result) - len(own)
    if lead < 0 or any(o != r and o != 1 for o, r in zip(own, result[lead:])):
        return None
    ones = [lead + i for i, (o, r) in enumerate(zip(own, result[lead:])) if o == 1 and r != 1]
    if lead and ones or not (lead or ones):
        return None
    axes = list(range(lead)) or ones
    axis = gast.Constant(value=axes[0], kind=None) if len(axes) == 1 else gast.Tuple(elts=[gast.Constant(value=a, kind=None) for a in axes], ctx=gast.Load())
    return axis, bool(ones)


def others_conform(bindings, param, template, scalar=(), classes=None):
    """Whether the argument bound to ``param`` has the result's shape: it is in
    the result's class (``classes``, see :mod:`s2s.shapes`), or every other
    argument is a scalar (a number literal, or a name in ``scalar``) or in
    the argument's class.

    Then ``param`` has the result's shape (a scalar broadcasts to anything), so
    its derivative needs no reduction or broadcast.
    """
    classes = classes or {}

    def key(node):
        return classes.get(node.id) if isinstance(node, gast.Name) and not hasattr(node, "s2s_global") else None

    own = key(bindings.get(param))
    if own is not None and own == key(bindings.get(template.result)):
        return True  # the argument has the result's shape
    for other in template.params:
        if other == param or other == template.result:
            continue
        node = bindings.get(other)
        if isinstance(node, gast.Constant) and (node.value is None or isinstance(node.value, (int, float))):
            continue
        if isinstance(node, gast.Name) and not hasattr(node, "s2s_global") and (
            node.id in scalar or (own is not None and classes.get(node.id) == own)
        ):
            continue
        return False
    return True


SIZES = {"np.size", "np.ndim", "size_of", "len"}


def _is_unreduce_all(node):
    """``unreduce(g, t, None, False)``: the adjoint of a reduction of all of ``t`` to a number."""
    return (
        isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "unreduce"
        and len(node.args) == 4 and not node.keywords
        and isinstance(node.args[2], gast.Constant) and node.args[2].value is None
        and isinstance(node.args[3], gast.Constant) and node.args[3].value is False
    )


def _numpy_function(func):
    """The numpy object ``np.name`` spells, or None."""
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id == "np":
        return getattr(numpy, func.attr, None)
    return None


def gast_text(node):
    """Source text of a generated expression, for messages."""
    import ast

    return ast.unparse(gast.gast_to_ast(node))


def _describe(fn):
    if fn is None:
        return "this operation"
    module = getattr(fn, "__module__", None)
    qual = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return f"{module}.{qual}" if module and module != "builtins" else qual
