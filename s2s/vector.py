"""Vector mode: forward mode whose tangents carry many directions at once (the lifting step).

Takes what :class:`s2s.forward.ForwardMode` takes.  Returns
``<f>_jvp(directions, <tangents>, <f's parameters>)`` returning
``(value, tangent_of_value)``, where every tangent has one more axis than its
value: axis 0, ``directions`` long, one entry per direction (Tapenade's
multi-directional mode).  One sweep computes the tangents of all directions;
each operation is one numpy call on the whole batch; control flow and calls
stay as in :mod:`s2s.forward` (a loop runs once for all directions).

The direction axis is handled here, in one place, not in the rules.  Each
rule's tangent is lifted in one of three ways, decided per rule:

* pointwise (:func:`lifting` says ``POINTWISE``): the elementwise rules
  (those of :func:`s2s.families.elementwise`, the arithmetic operators,
  ``np.where``, ...) and the rules that only move containers about: the
  template as it is, each tangent it reads lined up with the result by
  ``lift_to(x_dot, y)`` where their shapes may differ (a leading axis broadcasts
  against trailing ones, but a lower-rank operand must be lined up first);
* a vector template (``derivatives/vector_rules.py``): the rules that name
  axes, contract, reshape or index (``np.sum``, ``@``, ``np.dot``,
  ``np.reshape``, ``x[i]``, and the runtime helpers generated gradients call:
  ``unbroadcast``, ``unindex``, ``updated``, ...);
* any other rule (and every user-registered one) runs its own tangent
  template once per direction, in a loop over the directions
  (``direction_of``, ``stack_directions``): exact, never a wrong Jacobian,
  at the price of a Python loop for that one operation.

In every lifted template a zero made from a value (``zeros_like(x)``) becomes
``tangent_zeros(directions, x)``.  Guarantees, beyond those of forward mode:
every tangent has shape ``(directions,) + shape(value)`` (a container's
tangent is the container of its leaves'); the zero tangent is
``tangent_zeros(directions, x)``.
"""

import copy
import importlib

import gast

from .families import PARTIALS
from .forward import ForwardMode, _read_param
from .naming import tangent_name
from .reverse import assign, call, name, others_conform
from .rules import BUILTIN, bind_call
from .template import Contribution, Template

from . import runtime

DIRECTIONS_COMMENT = "directions: axis 0 of every *_dot (one entry per direction; `directions` of them)"

POINTWISE = "pointwise"
EACH = "each direction"

_VECTOR = {}  # fn -> the vector tangent Template (derivatives/vector_rules.py)
_loaded = False


def vector_tangent(*fns):
    """Register the decorated template as the vector-mode tangent of ``fns`` (its tangents
    carry the directions on axis 0; see derivatives/vector_rules.py)."""

    def register(template_fn):
        template = Template(template_fn, "tangent")
        for fn in fns:
            _VECTOR[fn] = template
        return template_fn

    return register


def _pointwise_functions():
    import builtins

    import numpy as np

    from .runtime import GradTuple

    return {
        np.multiply, np.where, np.clip, np.real, np.imag, np.angle, np.absolute, builtins.abs, builtins.complex,
        np.conjugate, np.copy, np.astype, np.matrix_transpose, np.linalg.matrix_transpose,
        runtime.copy_of, runtime.astype, runtime.appended, runtime.field_tangent, runtime.dict_of,
        runtime.dict_entries, runtime.unvalues, runtime.unitems, runtime.item_tangents, runtime.values_of,
        runtime.items_of, runtime.record_of, runtime.record_entries, runtime.record_adjoint,
        builtins.getattr, GradTuple,
    }


_POINTWISE = None


def lifting(fn, rules):
    """How ``fn``'s tangent is lifted to vector mode: ``POINTWISE``, a vector template, or ``EACH``."""
    global _loaded, _POINTWISE
    if not _loaded:
        _loaded = True
        importlib.import_module("s2s.derivatives.vector_rules")
        _POINTWISE = _pointwise_functions()
    if rules.lookup(fn) is not BUILTIN.lookup(fn):
        return EACH  # a rule of the user's: nothing is known of its shapes
    try:
        if fn in PARTIALS or fn in _POINTWISE:
            return POINTWISE
        return _VECTOR.get(fn, EACH)
    except TypeError:  # unhashable
        return EACH


class VectorMode(ForwardMode):
    """Forward mode with a leading axis of directions on every tangent (see the module docstring)."""

    def run(self):
        self.directions = self.namer.fresh("directions")
        return super().run()

    def leading_params(self):
        return [self.directions]

    def zero_tangent(self, value):
        return call("tangent_zeros", name(self.directions), copy.deepcopy(value))

    def terms(self, target, rhs):
        if isinstance(rhs, gast.Subscript):
            self.pending = []
            if not self.active(rhs.value):
                return []
            return [_item(name(self.tangent(rhs.value.id)), rhs.slice)]
        return super().terms(target, rhs)

    def user_call(self, stmt):
        out = super().user_call(stmt)
        if out and out[-1] is not stmt and isinstance(out[-1].value, gast.Call) and isinstance(out[-1].targets[0], gast.Tuple):
            out[-1].value.args.insert(0, name(self.directions))
        return out

    def apply_rule(self, fn, target, args, keywords, node):
        rule = self.rules.lookup(fn)
        how = lifting(fn, self.rules)
        bindings = bind_call(rule, "tangent", fn, args, keywords, self.active, self.loc, node)
        template = rule.tangent
        if isinstance(how, Template):
            template = how
            try:
                bindings = template.bind(args, keywords)
            except TypeError as exc:
                raise self.loc.error(node, f"the vector tangent rule for {rule.name} does not accept this call: {exc}") from None
        bindings[template.result] = name(target.id)
        derivatives = {}
        for param, bound in bindings.items():
            if param == template.result:
                continue
            d = template.derivative_name(param)
            if param == template.vararg:
                derivatives[d] = self.varargs_tangent(bound) if any(self.active(e) for e in bound.elts) else None
            else:
                derivatives[d] = self.tangent(bound.id) if self.active(bound) else None
        plain = {k: v for k, v in derivatives.items() if not isinstance(v, gast.AST)}
        if how == EACH:
            return self.each_direction(rule, template, bindings, plain, target)
        tangents = {v for v in plain.values() if v is not None}
        terms = []
        for item in template.instantiate(bindings, plain, self.namer.fresh):
            if isinstance(item, Contribution):
                value = item.value
                if how == POINTWISE and rule.broadcast and not others_conform(bindings, _read_param(value, derivatives), template, self.scalar):
                    value = _Lift(tangents, target.id).visit(value)
                terms.append(_Zeros(tangents, self.directions).visit(value))
            else:
                item.value = _Zeros(tangents, self.directions).visit(item.value)
                self.pending.append(item)
        return terms

    def each_direction(self, rule, template, bindings, derivatives, target):
        """The rule's own tangent, once per direction: a loop over the directions."""
        j = self.namer.fresh("direction")
        each = {d: self.namer.fresh(f"{g}_{j}") for d, g in derivatives.items() if g is not None}
        body = [assign(each[d], call("direction_of", name(derivatives[d]), name(j))) for d in each]
        terms = []
        for item in template.instantiate(bindings, {d: each.get(d) for d in derivatives}, self.namer.fresh):
            if isinstance(item, Contribution):
                terms.append(item.value)
            else:
                body.append(item)
        if not terms:
            return []
        value = terms[0]
        for term in terms[1:]:
            value = gast.BinOp(left=value, op=gast.Add(), right=term)
        collected = self.namer.fresh(tangent_name(target.id) + "_each")
        body.append(gast.Expr(value=gast.Call(
            func=gast.Attribute(value=name(collected), attr="append", ctx=gast.Load()), args=[value], keywords=[])))
        loop = gast.For(target=name(j, True), iter=call("range", name(self.directions)), body=body, orelse=[], type_comment=None)
        stacked = self.namer.fresh(tangent_name(target.id) + "_stacked")
        self.pending += [assign(collected, gast.List(elts=[], ctx=gast.Load())), loop, assign(stacked, call("stack_directions", name(collected)))]
        return [name(stacked)]


def _item(tangent, index):
    """``x[index]``'s tangent from ``x``'s: ``x_dot[:, index]`` where ``x`` is an array (a
    tuple index), ``x_dot["key"]`` where it is a dict, else ``tangent_item(x_dot, index)``."""
    index = copy.deepcopy(index)
    if isinstance(index, gast.Constant) and isinstance(index.value, str):
        return gast.Subscript(value=tangent, slice=index, ctx=gast.Load())
    if isinstance(index, gast.Tuple):
        every = gast.Slice(lower=None, upper=None, step=None)
        return gast.Subscript(value=tangent, slice=gast.Tuple(elts=[every] + index.elts, ctx=gast.Load()), ctx=gast.Load())
    if isinstance(index, gast.Slice):
        index = call("slice", *[p if p is not None else gast.Constant(value=None, kind=None) for p in (index.lower, index.upper, index.step)])
    return call("tangent_item", tangent, index)


class _Lift(gast.NodeTransformer):
    """Each read of a tangent in ``tangents`` as ``lift_to(x_dot, y)``."""

    def __init__(self, tangents, result):
        self.tangents = tangents
        self.result = result

    def visit_Name(self, node):
        if node.id in self.tangents and isinstance(node.ctx, gast.Load):
            return call("lift_to", node, name(self.result))
        return node


class _Zeros(gast.NodeTransformer):
    """``zeros_like(x)`` of a value (not of a tangent) as ``tangent_zeros(directions, x)``."""

    def __init__(self, tangents, directions):
        self.tangents = tangents
        self.directions = directions

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        spelled = func.id if isinstance(func, gast.Name) else f"np.{func.attr}" if (
            isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id == "np") else None
        if spelled in ("zeros_like", "np.zeros_like") and len(node.args) == 1 and not node.keywords:
            if not any(isinstance(n, gast.Name) and n.id in self.tangents for n in gast.walk(node.args[0])):
                return call("tangent_zeros", name(self.directions), node.args[0])
        return node

