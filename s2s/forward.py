"""Forward mode: one function that computes values and their tangents together.

Takes an ANF function (:mod:`s2s.normalize`), its :class:`~s2s.activity.Activity`
and the rules.  Returns ``<f>_jvp(<tangents>, <f's parameters>)``: first the
tangents of the active parameters (``dx``, ...), then ``f``'s own; the
function returns ``(value, tangent_of_value)``.

Guarantees: each statement that computes an active value is followed by the
statements computing its tangent (``dx`` for ``x``), inlined from the rule's
tangent template; a term of a template that reads the tangent of an inactive
argument is dropped, and a value none of whose inputs vary gets an explicit
zero tangent, so every active name has a tangent wherever it has a value.
Control flow is kept as it is: no stacks are needed.
"""

import copy
import inspect

import gast

from .activity import differentiated, is_user_function, require_rule, simple_statements, targets
from .naming import tangent_name
from .reverse import assign, call, name, others_conform
from .rules import OPERATORS, attribute_call, bind_call
from .shapes import scalar_arguments
from .template import Contribution


class ForwardMode:
    def __init__(self, parsed, fdef, namer, activity, active_params, rules, request, jvp_name, scalar=frozenset()):
        self.parsed = parsed
        self.loc = parsed.loc
        self.fdef = fdef
        self.namer = namer
        self.activity = activity
        self.active_params = active_params
        self.rules = rules
        self.request = request  # (fn, active_params, node) -> Callee
        self.jvp_name = jvp_name
        self.scalar = scalar  # names that always hold scalars (s2s.shapes): no rebroadcast needed
        self.origin = None

    def tangent(self, primal):
        return self.namer.tangent(primal)

    def active(self, atom):
        return isinstance(atom, gast.Name) and not hasattr(atom, "s2s_global") and atom.id in self.activity

    def run(self):
        for stmt in simple_statements(self.fdef.body):
            require_rule(stmt, self.activity, self.rules, self.loc, "tangent")
        params = self.leading_params() + [self.tangent(p) for p in self.active_params]
        body = self.block(self.fdef.body[:-1])
        result = self.fdef.body[-1].value
        self.origin = self.fdef.body[-1]
        if self.active(result):
            dresult = name(self.tangent(result.id))
        else:
            dresult = self.zero_tangent(result)
        ret = gast.Return(value=gast.Tuple(elts=[copy.deepcopy(result), dresult], ctx=gast.Load()))
        ret.s2s_line = None
        body.append(ret)
        args = copy.deepcopy(self.fdef.args)
        args.args = [name(t, True) for t in params] + args.args
        return gast.FunctionDef(name=self.jvp_name, args=args, body=body, decorator_list=[], returns=None, type_comment=None, type_params=[])

    # -- blocks -------------------------------------------------------------
    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                new = copy.copy(stmt)
                new.body = self.block(stmt.body) or [gast.Pass()]
                new.orelse = self.block(stmt.orelse)
                out.append(new)
            elif isinstance(stmt, (gast.For, gast.While)):
                main = [s for s in stmt.body if not getattr(s, "s2s_cond", False)]
                cond = [s for s in stmt.body if getattr(s, "s2s_cond", False)]
                new = copy.copy(stmt)
                body = self.block(main)
                if stmt.s2s_break:
                    brk = gast.If(test=name(stmt.s2s_break), body=[gast.Break()], orelse=[])
                    brk.s2s_line = stmt.s2s_line
                    brk.s2s_text = stmt.s2s_text
                    body.append(brk)
                new.body = body + self.block(cond)
                out.append(new)
            elif hasattr(stmt, "s2s_grad_of"):
                continue  # insert_grad_of acts on adjoints only
            else:
                out.extend(self.statement(stmt))
        return out

    def emit(self, out, stmt):
        stmt.s2s_line = self.origin.s2s_line
        stmt.s2s_text = self.origin.s2s_text
        out.append(stmt)

    def statement(self, stmt):
        self.origin = stmt
        out = []
        if not isinstance(stmt, gast.Assign) or not any(n in self.activity for n in targets(stmt)):
            return [stmt]
        if not differentiated(stmt, self.activity, self.rules):  # a constant assigned to an active name
            for t in targets(stmt):
                self.zero(out, t)
            return [stmt] + out
        rhs = stmt.value
        target = stmt.targets[0]
        if isinstance(rhs, gast.Call) and is_user_function(rhs.s2s_target, self.rules):
            return self.user_call(stmt)
        out.append(stmt)
        if isinstance(target, gast.Tuple):  # a, b = t
            source = rhs
            stores = [name(self.tangent(e.id), True) for e in target.elts]
            if self.active(source):
                self.emit(out, assign(gast.Tuple(elts=stores, ctx=gast.Store()), name(self.tangent(source.id))))
            else:
                for e in target.elts:
                    self.zero(out, e.id)
            return out
        terms = self.terms(target, rhs)
        dy = self.tangent(target.id)
        if not terms:
            self.zero(out, target.id)
            return out
        value = terms[0]
        for term in terms[1:]:
            value = gast.BinOp(left=value, op=gast.Add(), right=term)
        for item in self.pending:
            self.emit(out, item)
        self.emit(out, assign(dy, value))
        return out

    def leading_params(self):
        """Parameters of the jvp function before the tangents (none here; see :mod:`s2s.vector`)."""
        return []

    def zero_tangent(self, value):
        """The zero tangent of the atom ``value``."""
        return call("zeros_like", copy.deepcopy(value))

    def zero(self, out, primal):
        self.emit(out, assign(self.tangent(primal), self.zero_tangent(name(primal))))

    def terms(self, target, rhs):
        """The tangent of ``target = rhs`` as a list of summands (temporaries in ``self.pending``)."""
        self.pending = []
        if isinstance(rhs, gast.Constant) or hasattr(rhs, "s2s_global"):
            return []
        if isinstance(rhs, gast.Name):
            return [name(self.tangent(rhs.id))] if self.active(rhs) else []
        if isinstance(rhs, (gast.Tuple, gast.List)):
            if not any(self.active(e) for e in rhs.elts):
                return []
            elts = []
            for e in rhs.elts:
                if self.active(e):
                    elts.append(name(self.tangent(e.id)))
                else:
                    elts.append(self.zero_tangent(e))
            # the container the primal is: numpy converts a list of tangents as it does the list
            # (np.sum([1.0, a * a])), and a tuple's tangent concatenates as the tuple does
            return [type(rhs)(elts=elts, ctx=gast.Load())]
        if isinstance(rhs, gast.Subscript):
            if not self.active(rhs.value):
                return []
            return [gast.Subscript(value=name(self.tangent(rhs.value.id)), slice=copy.deepcopy(rhs.slice), ctx=gast.Load())]
        if isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            args = [rhs.left, rhs.right] if isinstance(rhs, gast.BinOp) else [rhs.operand]
            return self.apply_rule(OPERATORS.get(type(rhs.op)), target, args, {}, rhs)
        if isinstance(rhs, gast.Attribute):
            fn, args = attribute_call(rhs)
            return self.apply_rule(fn, target, args, {}, rhs)
        if isinstance(rhs, gast.Call):
            return self.apply_rule(rhs.s2s_target, target, rhs.args, {k.arg: k.value for k in rhs.keywords}, rhs)
        raise self.loc.error(rhs, f"cannot differentiate `{type(rhs).__name__}`")

    def apply_rule(self, fn, target, args, keywords, node):
        rule = self.rules.lookup(fn)
        template = rule.tangent
        bindings = bind_call(rule, "tangent", fn, args, keywords, self.active, self.loc, node)
        bindings[template.result] = name(target.id)
        derivatives = {}
        for param, bound in bindings.items():
            if param == template.result:
                continue
            d = template.derivative_name(param)
            if param == template.vararg:
                derivatives[d] = None
                if any(self.active(e) for e in bound.elts):
                    derivatives[d] = self.varargs_tangent(bound)
            else:
                derivatives[d] = self.tangent(bound.id) if self.active(bound) else None
        terms = []
        for item in template.instantiate(bindings, {k: v for k, v in derivatives.items() if not isinstance(v, gast.AST)}, self.namer.fresh):
            if isinstance(item, Contribution):
                value = item.value
                if rule.broadcast and not others_conform(bindings, _read_param(item.value, derivatives), template, self.scalar):
                    value = call("rebroadcast", value, name(target.id))
                terms.append(value)
            else:
                self.pending.append(item)
        return terms

    def varargs_tangent(self, bound):
        """A tuple of tangents for a ``*args`` parameter (zeros for inactive entries)."""
        parts = self.namer.fresh(tangent_name("parts"))
        elts = [name(self.tangent(e.id)) if self.active(e) else self.zero_tangent(e) for e in bound.elts]
        self.pending.append(assign(parts, gast.Tuple(elts=elts, ctx=gast.Load())))
        return parts

    def user_call(self, stmt):
        rhs = stmt.value
        fn = rhs.s2s_target
        try:
            bound = inspect.signature(fn).bind(*rhs.args, **{k.arg: k.value for k in rhs.keywords})
        except TypeError as exc:
            raise self.loc.error(rhs, f"bad call to {fn.__name__}: {exc}") from None
        active = [p for p, v in bound.arguments.items() if self.active(v)]
        target = stmt.targets[0]
        if not active:
            out = [stmt]
            if isinstance(target, gast.Name):
                self.zero(out, target.id)
            return out
        callee = self.request(fn, tuple(active), rhs, scalar_arguments(fn, rhs, self.scalar))
        new = copy.deepcopy(stmt)
        new.value.func = name(callee.forward)
        new.value.args = [name(self.tangent(bound.arguments[p].id)) for p in active] + new.value.args
        new.targets = [gast.Tuple(elts=[target, name(self.tangent(target.id), True)], ctx=gast.Store())]
        return [new]


def _read_param(value, derivatives):
    """The parameter whose tangent a tangent term reads (None if several or none)."""
    read = {n.id for n in gast.walk(value) if isinstance(n, gast.Name)}
    params = [d[1:] for d, generated in derivatives.items() if generated is not None and generated in read]
    return params[0] if len(params) == 1 else None
