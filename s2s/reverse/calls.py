"""Calls: inlining a rule's adjoint template, and calling a user function's backward sweep.

Part of :class:`s2s.reverse.ReverseMode` (a mixin).  ``prepare_calls``
requests the transformed callee of every active call of a user function
before either sweep is written, and records it (:class:`~s2s.saveplan.CallSave`)
in ``callees`` and in the function's plan.  ``apply_rule`` binds a rule's
adjoint template to a call, inlines it and hands each contribution to
:class:`~s2s.reverse.adjoints.Adjoints`, reduced to the argument's shape
where broadcasting may have grown it (``reduced``, with the shape facts of
:mod:`s2s.shapes`: ``known_reduction``, ``others_conform``).
"""

import copy
import inspect

import gast

from ..activity import is_user_function, simple_statements, targets
from ..naming import adjoint_name
from ..rules import bind_call
from ..saveplan import CallSave
from ..shapes import is_integer, scalar_arguments, subscript_key
from ..variants import INTEGER, passable
from ..template import Contribution
from .adjoints import is_call
from .syntax import assign, call, name


class CallsAndRules:
    """User-function calls and rule templates."""

    def prepare_calls(self, stmts):
        """Transformed callees for the active user-function calls."""
        for stmt in simple_statements(stmts):
            rhs = getattr(stmt, "value", None)
            if isinstance(stmt, gast.Assign) and isinstance(rhs, gast.Call) and is_user_function(rhs.s2s_target, self.rules):
                callee = self.user_call(stmt)
                if callee is not None:
                    target = stmt.targets[0]
                    saved = self.namer.fresh(f"{target.id if isinstance(target, gast.Name) else 'call'}_saved")
                    checkpointed = getattr(rhs, "s2s_checkpoint", False) or getattr(rhs.s2s_target, "__s2s_checkpoint__", False)
                    self.callees[id(stmt)] = CallSave(callee, saved, checkpointed)
                    if callee.rows:
                        self.group_call(stmt, self.callees[id(stmt)], target)
                    self.plan.calls.append(self.callees[id(stmt)])
                    if checkpointed:
                        self.backward_locals.add(saved)

    def group_call(self, stmt, save, target):
        """Lay out a call of a function of a recursive group in compiled code (see :class:`~s2s.saveplan.CallSave`)."""
        callee = save.callee
        if save.checkpointed:
            raise self.loc.error(stmt.value, f"compile='numba' cannot compile a checkpointed call in the recursion of "
                                             f"{stmt.value.s2s_target.__name__}: remove s2s.checkpoint, or differentiate without compile=")
        if not callee.head:  # a call inside the group (the group check made it so): its saved tuple nests
            save.rows = self.group_rows
            return
        save.row = self.fresh(f"{target.id if isinstance(target, gast.Name) else 'call'}_row")  # a backward local too
        if callee.rows == self.group_rows:
            save.rows = self.group_rows
        else:  # the group's entry: a list of its own, saved
            save.rows = save.saved = self.namer.fresh(callee.rows)
            save.made = True

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
        return self.request(fn, tuple(active), rhs, scalar_arguments(fn, rhs, self.scalar), self.argument_dims(bound))

    def argument_dims(self, bound):
        """``(parameter, dimensions)`` for the arguments of a call that hold arrays whose
        dimensions are known here (symbols and sizes, not slices of them: :mod:`s2s.shapes`),
        ``(parameter, INTEGER)`` for those that hold integers."""
        out = []
        for param, value in bound.arguments.items():
            if is_integer(value, self.integers):  # an index: the callee reads entries with it
                out.append((param, INTEGER))
                continue
            key = self.classes.get(value.id) if isinstance(value, gast.Name) and not hasattr(value, "s2s_global") else None
            if passable(key) is not None:
                out.append((param, passable(key)))
        return tuple(out)

    def apply_rule(self, fn, target, args, keywords, node):
        rule = self.rules.lookup(fn)
        template = rule.adjoint
        bindings = bind_call(rule, "adjoint", fn, args, keywords, self.active, self.loc, node)
        on_floats = getattr(template, "on_floats", None) if self.on_floats else None
        if on_floats is not None and all(self.number(bindings.get(p)) for p in template.params):
            template = on_floats  # np.sin(x) of a scalar: dx = dy * float_cos(x) (s2s.runtime.float_math)
        bindings[template.result] = name(target.id)
        adj = self.adjoint(target.id)
        derivatives = {template.derivative_name(template.result): adj}
        items = [self.fold_sizes(i) for i in template.instantiate(bindings, derivatives, self.fresh)]
        if adj in self.uniform or adj in self.partial:  # the rule may take it as it is if elementwise in it
            cls = self.classes[target.id]
            spread = {i.param for i in items if isinstance(i, Contribution) and self.spreads(i.value, bindings.get(i.param))}
            if template.vararg or any(
                self.active(bindings.get(p)) and self.classes.get(bindings[p].id) != cls and p not in spread
                for p in template.params if p != template.result
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

    def spreads(self, value, bound):
        """Whether ``value`` is ``unreduce(g, x, axis, keepdims)`` of a number ``g`` and the
        argument ``x`` itself: a number everywhere in ``x``'s shape (a reduction's adjoint)."""
        return (is_call(value, "unreduce") and len(value.args) == 4 and isinstance(bound, gast.Name)
                and isinstance(value.args[1], gast.Name) and value.args[1].id == bound.id and self.kind(value, None) == "uniform")

    def number(self, atom):
        """Whether ``atom`` is a scalar: a name that always holds one (:mod:`s2s.shapes`), a number."""
        return isinstance(atom, gast.Name) and atom.id in self.scalar or isinstance(atom, gast.Constant) and type(atom.value) in (int, float)

    def reduced(self, rule, bindings, param, template, value):
        """``value`` reduced to the shape of the argument bound to ``param`` where broadcasting may have grown it."""
        bound = bindings[param]
        if not (rule.broadcast and isinstance(bound, gast.Name)):
            return value
        result = bindings[template.result]
        own = self.classes.get(bound.id)
        part = self.part_of(value, result)
        if part is not None:  # ``dz[index]``: reduced from the part's shape, not the result's
            if part and part == (("dims", ()) if bound.id in self.scalar else own):
                return value
            axes = known_reduction(own, part) if part else None
        elif others_conform(bindings, param, template, self.scalar, self.classes):
            return value
        elif bound.id in self.scalar:  # a number broadcast to the result: the sum of all of it
            return gast.Call(func=gast.Attribute(value=name("np"), attr="sum", ctx=gast.Load()), args=[value], keywords=[])
        else:
            axes = known_reduction(own, self.classes.get(result.id))
        if axes is None:
            return call("unbroadcast", value, copy.deepcopy(bound))
        axis, keepdims = axes  # shapes known: the sum that unbroadcast would find, written out
        return summed(value, axis, keepdims)

    def part_of(self, value, result):
        """The shape class of ``value`` where it is a part ``dz[index]`` of the result's adjoint
        (the result of ``z = updated(y, index, v)``), False where it is a part of unknown
        shape, None where it is not a part (:mod:`s2s.shapes`)."""
        if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and isinstance(result, gast.Name)):
            return None
        if value.value.id != self.adjoint(result.id):
            return None
        part = subscript_key(gast.Subscript(value=name(result.id), slice=value.slice, ctx=gast.Load()), self.classes, self.integers)
        if part == ("dims", ()):
            value.s2s_basic = True  # an entry: a number, not a view (s2s.optimize.inplace)
        return part if isinstance(part, tuple) and part[0] == "dims" else False

    def user_backward(self, rhs, target, callee, saved, save=None):
        bound = inspect.signature(rhs.s2s_target).bind(*rhs.args, **{k.arg: k.value for k in rhs.keywords})
        grads = [self.fresh(adjoint_name(p, callee.forward.rsplit('_forward', 1)[0])) for p in callee.active_params]
        lhs = name(grads[0], True) if len(grads) == 1 else gast.Tuple(elts=[name(g, True) for g in grads], ctx=gast.Store())
        extra = [name(save.rows)] if save is not None and save.rows else []
        if extra and save.row:  # the head of a recursive group: its saved tuple is the last on the list
            self.emit(assign(save.row, call(gast.Attribute(value=name(save.rows), attr="pop", ctx=gast.Load()))))
            saved = save.row
        self.emit(assign(lhs, call(callee.backward, name(saved), name(self.adjoint(target.id)), *extra)))
        for param, g in zip(callee.active_params, grads):
            self.contribute(bound.arguments[param], name(g))


def summed(value, axis, keepdims):
    """``value.sum(axis=axis)`` (with ``keepdims=True`` where ``keepdims``), a negation taken out
    of it (``-g.sum(axis=0)``): an array's method, a third of ``np.sum``'s cost on small arrays
    (np.sum's dispatch), and duck arrays have it too."""
    negated = isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub)
    keywords = [gast.keyword(arg="axis", value=axis)]
    keywords += [gast.keyword(arg="keepdims", value=gast.Constant(value=True, kind=None))] if keepdims else []
    total = gast.Call(func=gast.Attribute(value=value.operand if negated else value, attr="sum", ctx=gast.Load()), args=[], keywords=keywords)
    total.s2s_pure = True  # (s2s.optimize.expressions.pure)
    return gast.UnaryOp(op=gast.USub(), operand=total) if negated else total


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
        if isinstance(node, (gast.Name, gast.Attribute)) and type(getattr(node, "s2s_global", None)) in (int, float):
            continue  # a module's number (G = 9.81, np.pi), as s2s.shapes counts it
        if isinstance(node, gast.Name) and not hasattr(node, "s2s_global") and (
            node.id in scalar or (own is not None and classes.get(node.id) == own)
        ):
            continue
        return False
    return True
