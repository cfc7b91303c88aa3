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

import copy
import inspect
import operator

import gast

from .activity import is_user_function, local_names, targets
from .rules import ATTRIBUTE_FUNCTIONS, OPERATORS
from .template import Contribution


def name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None, type_comment=None)


def call(func, *args):
    return gast.Call(func=name(func) if isinstance(func, str) else func, args=list(args), keywords=[])


def assign(target, value):
    node = gast.Assign(targets=[target if isinstance(target, gast.AST) else name(target, store=True)], value=value, type_comment=None)
    return node


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


class ReverseMode:
    def __init__(self, parsed, fdef, namer, activity, active_params, rules, request, forward_name, backward_name):
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
        self.primal_names = set(self.namer.taken)
        self.defined = set()  # adjoints assigned so far in the backward walk
        self.backward_locals = set()
        self.runtime_used = set()
        self.out = []  # backward statements, in order
        self.origin = None  # the primal statement being differentiated
        self.callees = {}  # id(stmt) -> (Callee, saved name)

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

    def contribute(self, atom, value):
        """Add ``value`` to the adjoint of ``atom`` if it is an active name."""
        if not isinstance(atom, gast.Name) or hasattr(atom, "s2s_global") or atom.id not in self.activity:
            return
        adj = self.adjoint(atom.id)
        if adj in self.defined:
            value = gast.BinOp(left=name(adj), op=gast.Add(), right=value)
        self.defined.add(adj)
        self.emit(assign(adj, value))

    # -- the two sweeps ---------------------------------------------------
    def run(self):
        forward_body = []
        for i, stmt in enumerate(self.fdef.body):
            forward_body.append(self.forward_statement(i, stmt))
        result = self.fdef.body[-1].value
        seed = self.adjoint(result.id) if isinstance(result, gast.Name) and result.id in self.activity else self.fresh("dresult")
        if isinstance(result, gast.Name) and result.id in self.activity:
            self.defined.add(seed)
        for stmt in self.fdef.body:  # report the first problem in source order
            self.check(stmt)
        for i in reversed(range(len(self.fdef.body) - 1)):
            self.origin = self.fdef.body[i]
            self.backward_statement(i, self.origin)
        self.origin = self.fdef.body[-1]
        returned = []
        for param in self.active_params:
            adj = self.adjoint(param)
            if adj not in self.defined:
                self.runtime_used.add("zeros_like")
                self.emit(assign(adj, call("zeros_like", name(param))))
                self.defined.add(adj)
            returned.append(name(adj))
        saved = self.saved_names()
        saved_param = self.namer.fresh("saved")
        ret = forward_body[-1]
        ret.value = gast.Tuple(elts=[copy.deepcopy(result), gast.Tuple(elts=[name(s) for s in saved], ctx=gast.Load())], ctx=gast.Load())
        forward = gast.FunctionDef(
            name=self.forward_name, args=copy.deepcopy(self.fdef.args), body=forward_body,
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        unpack = assign(gast.Tuple(elts=[name(s, store=True) for s in saved], ctx=gast.Store()), name(saved_param))
        unpack.s2s_line = None
        body = ([unpack] if saved else []) + self.out
        result_stmt = gast.Return(value=returned[0] if len(returned) == 1 else gast.Tuple(elts=returned, ctx=gast.Load()))
        result_stmt.s2s_line = None
        body.append(result_stmt)
        backward = gast.FunctionDef(
            name=self.backward_name,
            args=gast.arguments(
                args=[name(saved_param, True), name(seed, True)], posonlyargs=[], vararg=None,
                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[],
            ),
            body=body, decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        return forward, backward

    def saved_names(self):
        """Primal values the backward sweep reads, in order of definition."""
        read = set()
        for stmt in self.out:
            read.update(n for n in local_names(stmt) if n not in self.backward_locals)
        order = [a.id for a in self.fdef.args.posonlyargs + self.fdef.args.args + self.fdef.args.kwonlyargs]
        for stmt in self.fdef.body:
            order.extend(targets(stmt))
        for (_, saved_name) in self.callees.values():
            order.append(saved_name)
        return [n for n in dict.fromkeys(order) if n in read]

    def forward_statement(self, i, stmt):
        stmt = copy.deepcopy(stmt)
        rhs = getattr(stmt, "value", None)
        if isinstance(stmt, gast.Assign) and isinstance(rhs, gast.Call) and is_user_function(rhs.s2s_target):
            callee = self.user_call(stmt)
            if callee is not None:
                target = stmt.targets[0]
                saved = self.namer.fresh(f"{target.id if isinstance(target, gast.Name) else 'call'}_saved")
                self.callees[i] = (callee, saved)
                rhs.func = name(callee.forward)
                stmt.targets = [gast.Tuple(elts=[target, name(saved, True)], ctx=gast.Store())]
        return stmt

    def user_call(self, stmt):
        """The transformed callee of an active user call, or None for a constant call."""
        rhs = stmt.value
        t = targets(stmt)
        if not any(n in self.activity for n in t):
            return None
        fn = rhs.s2s_target
        try:
            bound = inspect.signature(fn).bind(*rhs.args, **{k.arg: k.value for k in rhs.keywords})
        except TypeError as exc:
            raise self.loc.error(rhs, f"bad call to {fn.__name__}: {exc}") from None
        active = []
        for param, value in bound.arguments.items():
            if isinstance(value, gast.Name) and not hasattr(value, "s2s_global") and value.id in self.activity.varied:
                active.append(param)
        if not active:
            return None
        return self.request(fn, tuple(active), rhs)

    # -- one statement's adjoint -----------------------------------------
    def check(self, stmt):
        """Raise ``S2SError`` if an active statement has no derivative."""
        if not isinstance(stmt, gast.Assign) or not any(n in self.activity for n in targets(stmt)):
            return
        rhs = stmt.value
        if isinstance(rhs, gast.BoolOp):
            raise self.loc.error(rhs, "cannot differentiate through `and`/`or`; use np.where or an `if`")
        if isinstance(rhs, gast.Attribute) and rhs.attr not in ATTRIBUTE_FUNCTIONS:
            raise self.loc.error(rhs, f"cannot differentiate the attribute `.{rhs.attr}`")
        fn = None
        if isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            fn = OPERATORS.get(type(rhs.op))
        elif isinstance(rhs, gast.Call) and not is_user_function(rhs.s2s_target):
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

    def backward_statement(self, i, stmt):
        if not isinstance(stmt, gast.Assign):
            return
        t = targets(stmt)
        if not any(n in self.activity for n in t):
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
            if i in self.callees:
                self.user_backward(rhs, target, *self.callees[i])
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
                self.runtime_used.add("zeros_like")
                elts.append(call("zeros_like", name(elt.id)))
        if any_defined:
            self.runtime_used.add("GradTuple")
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
        derivatives = {template.derivative_name(template.result): self.adjoint(target.id)}
        self.runtime_used |= template.runtime_used
        for item in template.instantiate(bindings, derivatives, self.fresh):
            if not isinstance(item, Contribution):
                self.emit(item)
                continue
            bound = bindings[item.param]
            if item.param == template.vararg:
                if not any(isinstance(e, gast.Name) and e.id in self.activity for e in bound.elts):
                    continue
                parts = self.fresh(f"d{item.param}")
                self.emit(assign(parts, item.value))
                for i, elt in enumerate(bound.elts):
                    self.contribute(elt, gast.Subscript(value=name(parts), slice=gast.Constant(value=i, kind=None), ctx=gast.Load()))
                continue
            value = item.value
            if rule.broadcast and isinstance(bound, gast.Name):
                self.runtime_used.add("unbroadcast")
                value = call("unbroadcast", value, copy.deepcopy(bound))
            self.contribute(bound, value)

    def user_backward(self, rhs, target, callee, saved):
        bound = inspect.signature(rhs.s2s_target).bind(*rhs.args, **{k.arg: k.value for k in rhs.keywords})
        grads = [self.fresh(f"d{p}_{callee.forward.rsplit('_forward', 1)[0]}") for p in callee.active_params]
        lhs = name(grads[0], True) if len(grads) == 1 else gast.Tuple(elts=[name(g, True) for g in grads], ctx=gast.Store())
        self.emit(assign(lhs, call(callee.backward, name(saved), name(self.adjoint(target.id)))))
        for param, g in zip(callee.active_params, grads):
            self.contribute(bound.arguments[param], name(g))


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
