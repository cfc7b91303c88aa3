"""Activity analysis: which values carry derivatives.

Takes an ANF function (see :mod:`s2s.normalize`) and the names of its
parameters that vary (the ``wrt`` inputs).  Returns facts, never edits the
tree: :class:`Activity` with ``varied`` (depends differentiably on a varying
input), ``useful`` (reaches the returned value through differentiable
operations) and ``active`` (both).  Only active values get adjoints.
"""

import types

import gast

from .errors import describe, gast_text
from .libraries import is_library
from .rules import NONDIFFERENTIABLE_ATTRIBUTES, OPERATORS, ValueMethod, attribute_call


class Activity:
    def __init__(self, varied, useful):
        self.varied = varied
        self.useful = useful
        self.active = varied & useful

    def __contains__(self, name):
        return name in self.active


def local_names(node):
    """Names of local values (not global references) read by ``node``."""
    return [
        n.id
        for n in gast.walk(node)
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and not hasattr(n, "s2s_global")
    ]


def differentiated(stmt, activity, rules):
    """Whether a derivative flows through ``stmt``: an assignment to an active
    name that depends differentiably on at least one active value.

    An active name can be assigned a constant on one path (``v = h(a)`` with
    ``a`` inactive, or ``v = np.zeros_like(x)``, in one branch and ``v = y`` in
    the other): that assignment needs no derivative rule and passes nothing back.
    """
    return any(n in activity for n in targets(stmt)) and any(n in activity for n in dependencies(stmt, rules))


def require_rule(stmt, activity, rules, loc, mode):
    """Raise ``S2SError`` at ``stmt`` if a derivative flows through it and its
    operation has no rule for ``mode`` (``"adjoint"`` or ``"tangent"``)."""
    if not differentiated(stmt, activity, rules):
        return
    rhs = stmt.value
    if isinstance(rhs, gast.BoolOp):
        raise loc.error(rhs, "cannot differentiate through `and`/`or`; use np.where or an `if`")
    if isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
        fn = OPERATORS.get(type(rhs.op))
    elif isinstance(rhs, gast.Call) and not is_user_function(rhs.s2s_target, rules):
        fn = rhs.s2s_target
    elif isinstance(rhs, gast.Attribute):
        fn = attribute_call(rhs)[0]
    else:
        return
    if isinstance(fn, ValueMethod):
        raise loc.error(rhs, fn.refusal)
    rule = rules.lookup(fn) if fn is not None else None
    if rule is None or getattr(rule, mode) is None:
        what = gast_text(rhs) if not isinstance(rhs, gast.Call) else describe(fn)
        if mode == "tangent":
            message = f"no forward-mode (tangent) rule for {what}; register one with @s2s.tangent({describe(fn)})"
        else:
            message = (f"no derivative rule for {what}; register one with @s2s.adjoint({describe(fn)}) "
                       "or wrap its argument in s2s.stop_gradient")
        raise loc.error(rhs, message)


def targets(stmt):
    """Names a statement assigns."""
    if isinstance(stmt, gast.Assign):
        return [n.id for n in gast.walk(stmt.targets[0]) if isinstance(n, gast.Name)]
    return []


def dependencies(stmt, rules):
    """Local names whose derivatives flow into the statement's targets."""
    if not isinstance(stmt, gast.Assign):
        return []
    rhs = stmt.value
    if isinstance(rhs, gast.Compare):
        return []
    if isinstance(rhs, gast.BinOp) or isinstance(rhs, gast.UnaryOp):
        rule = rules.lookup(OPERATORS.get(type(rhs.op)))
        if rule is not None and rule.nondifferentiable:
            return []
        return local_names(rhs)
    if isinstance(rhs, gast.Call):
        rule = rules.lookup(rhs.s2s_target)
        if rule is not None and rule.nondifferentiable or getattr(rhs, "s2s_shift", False):
            return []
        return local_names(rhs)
    if isinstance(rhs, gast.Attribute):
        if rhs.attr in NONDIFFERENTIABLE_ATTRIBUTES:
            return []
        return local_names(rhs.value)
    if isinstance(rhs, gast.Subscript):
        return local_names(rhs.value)
    return local_names(rhs)


def simple_statements(stmts):
    """All non-compound statements, depth first, in source order."""
    for stmt in stmts:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            yield from simple_statements(stmt.body)
            yield from simple_statements(stmt.orelse)
        else:
            yield stmt


def analyse(fdef, varying, rules):
    """The :class:`Activity` of an ANF function whose parameters ``varying`` vary.

    Control flow is followed conservatively: a value is varied (useful) if it
    is on any path, and loops are iterated to a fixed point.  Branch
    decisions carry no derivative.
    """
    body = list(simple_statements(fdef.body))
    varied = set(varying)
    changed = True
    while changed:
        changed = False
        for stmt in body:
            if any(d in varied for d in dependencies(stmt, rules)):
                for t in targets(stmt):
                    if t not in varied:
                        varied.add(t)
                        changed = True
    useful = set()
    for stmt in body:
        if isinstance(stmt, gast.Return):
            useful.update(local_names(stmt.value))
    changed = True
    while changed:
        changed = False
        for stmt in reversed(body):
            if any(t in useful for t in targets(stmt)):
                for d in dependencies(stmt, rules):
                    if d not in useful:
                        useful.add(d)
                        changed = True
    return Activity(varied, useful)


def is_user_function(obj, rules):
    """A Python function s2s differentiates by transforming its source: the user's own
    code (not a library's, :func:`s2s.libraries.is_library`) with no rule."""
    return isinstance(obj, types.FunctionType) and rules.lookup(obj) is None and not is_library(obj)
