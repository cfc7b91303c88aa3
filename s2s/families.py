"""Rule families: one definition of a function gives its adjoint and its tangent template.

In the spirit of JAX's ``defjvp``/``deflinear`` and autograd's ``defvjp``/``def_linear``,
each family takes one definition, written with a template's parameters (the result
first, then numpy's arguments, see :mod:`s2s.template`), and registers both templates
in the built-in rule set, built as gast trees from the definition's own nodes (errors
point at the definition).  What second order needs comes with them: the templates are
ordinary templates, whose runtime helpers tests/test_rules_hvp.py checks have rules.

:func:`elementwise` -- the definition returns the derivative of the result in each
argument, in terms of the result and the arguments::

    @elementwise(np.tanh, math.tanh)
    def tanh(y, x):
        return 1.0 - y * y

gives ``dx = dy * (1.0 - y * y)`` (adjoint) and ``dy = dx * (1.0 - y * y)`` (tangent).
A function of two arguments returns a tuple of the two partial derivatives (None where
it is zero: the function is locally constant in that argument, as ``copysign`` in its sign).  The incoming derivative becomes the leftmost factor that depends on the
arguments: ``1.0 / x`` gives ``dy / x``, ``-np.sin(x)`` gives ``-dy * np.sin(x)``,
``y * math.log(2.0)`` gives ``dy * y * math.log(2.0)``, a factor without the parameters
(``np.pi / 180.0``) is one factor, and a conditional derivative multiplies each branch;
so a derivative is written in the order its product should be computed.  A function
of the ``math`` module gets the template with ``np.f`` spelled ``math.f``, so Python
floats keep float derivatives; None among the functions is skipped (a ``math`` function
this Python lacks).  Numpy functions of two or more arguments broadcast (``broadcast``,
see :func:`s2s.rules.adjoint`).  Assignments before the ``return`` name values the
partials share (``z = (x - loc) / scale``); they open both templates.

:func:`linear` -- the definition's body is the transpose (its adjoint template, each
``d<arg> = ...`` for an argument the function is linear in) and it returns the function
applied to its arguments; the tangent is that application with each such argument
replaced by its tangent, one term per argument (so a bilinear function, which the body
transposes in both arguments, gets the product rule).  Without a ``return``, the
application is the function called with its positional parameters in order::

    @linear(np.swapaxes)
    def swapaxes(y, a, axis1, axis2):
        da = np.swapaxes(dy, axis1, axis2)
        return np.swapaxes(a, axis1, axis2)

Takes the functions and a definition; guarantees ``rule.adjoint`` and ``rule.tangent``
set for each function, and for an elementwise one its partial derivatives in ``PARTIALS``
(from which derivatives/numpy_ufuncs.py derives the rules of its ``reduce`` and
``accumulate``) (raises :class:`s2s.errors.S2SError` at the definition where it
does not fit its family).
"""

import copy
import math

import gast

from .rules import BUILTIN, spell
from .runtime.float_math import ON_FLOATS
from .template import Template, _is_docstring, parse_definition


PARTIALS = {}  # fn -> (parameter names, result first; the partial derivatives' gast nodes)


def elementwise(*fns):
    """Register the adjoint and tangent of the elementwise ``fns`` from the derivatives
    the decorated definition returns (see the module docstring)."""

    def register(definition):
        node, loc, _ = parse_definition(definition, "elementwise")
        result, args = _parameters(node)
        shared, returned = _returned(node, loc, "elementwise")
        partials = returned.elts if isinstance(returned, gast.Tuple) else [returned]
        if len(partials) > len(args):
            raise loc.error(returned, f"`{node.name}` returns {len(partials)} derivatives for {len(args)} arguments")
        templates = {}  # one pair per spelling: numpy's, math's
        PARTIALS.update({fn: ([result] + args, partials) for fn in fns if fn is not None})
        for fn in fns:
            if fn is None:
                continue
            in_math = getattr(fn, "__module__", None) == "math"
            if in_math not in templates:
                terms = [
                    (arg, _MathSpelling(loc).visit(copy.deepcopy(p)) if in_math else p)
                    for arg, p in zip(args, partials)
                    if not (isinstance(p, gast.Constant) and p.value is None)
                ]
                opening = [_MathSpelling(loc).visit(copy.deepcopy(s)) if in_math else s for s in shared]
                templates[in_math] = _templates(
                    definition,
                    opening + [_assign("d" + arg, _times(_name("d" + result), p), p) for arg, p in terms],
                    opening + [_assign("d" + result, _times(_name("d" + arg), p), p) for arg, p in terms],
                )
                if not in_math and any(getattr(f, "__module__", None) == "math" for f in fns):
                    templates[in_math][0].on_floats = _on_floats(definition, opening, result, terms)
            _register(fn, templates[in_math], broadcast=len(partials) > 1 and not in_math)
            BUILTIN.rule(fn).constant_in = tuple(
                arg for arg, p in zip(args, partials) if isinstance(p, gast.Constant) and p.value is None)
        return definition

    return register


def linear(*fns, broadcast=False):
    """Register the adjoint (the decorated definition's body, the transpose) and the
    tangent (the returned application, on the tangents) of the linear ``fns``."""

    def register(definition):
        node, loc, _ = parse_definition(definition, "linear")
        result, args = _parameters(node)
        body = [s for s in node.body if not _is_docstring(s)]
        returned = body.pop().value if body and isinstance(body[-1], gast.Return) else None
        linear_in = [
            s.targets[0].id[1:] for s in body
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and s.targets[0].id[1:] in args
            and s.targets[0].id.startswith("d")
        ]
        if not linear_in:
            raise loc.error(node, f"`{node.name}` transposes none of its arguments (assign `d<arg>` for each argument it is linear in)")
        for fn in fns:
            application = returned if returned is not None else _call(fn, node, loc)
            tangent = [
                _assign("d" + result, _Replace(arg, "d" + arg).visit(copy.deepcopy(application)), application)
                for arg in linear_in
            ]
            _register(fn, _templates(definition, body, tangent), broadcast=broadcast)
        return definition

    return register


def _on_floats(definition, opening, result, terms):
    """The adjoint of a numpy function with a ``math`` twin, on scalars: its derivative's
    ``np.cos(x)`` spelled ``float_cos(x)`` (:mod:`s2s.runtime.float_math`: math's function on a
    Python float, numpy's at the edges); None where it calls none of those."""
    spelling = _FloatSpelling()
    opening = [spelling.visit(copy.deepcopy(s)) for s in opening]
    body = opening + [_assign("d" + arg, _times(_name("d" + result), spelling.visit(copy.deepcopy(p))), p) for arg, p in terms]
    return Template(definition, "adjoint", body=body) if spelling.spelled else None


def _templates(definition, adjoint, tangent):
    return Template(definition, "adjoint", body=adjoint), Template(definition, "tangent", body=tangent)


def _register(fn, templates, *, broadcast):
    rule = BUILTIN.rule(fn)
    rule.adjoint, rule.tangent = templates
    rule.broadcast = broadcast
    rule.nondifferentiable = False


def _times(seed, derivative):
    """``seed * derivative``, the seed the leftmost factor that depends on the arguments."""
    d = derivative
    if isinstance(d, gast.Constant) and type(d.value) in (int, float) and d.value == 1:
        return seed
    if isinstance(d, gast.UnaryOp) and isinstance(d.op, gast.USub):
        return _times(gast.UnaryOp(op=gast.USub(), operand=seed), d.operand)
    if isinstance(d, gast.BinOp) and isinstance(d.op, (gast.Mult, gast.Div)) and _reads_names(d):
        return gast.BinOp(left=_times(seed, d.left), op=d.op, right=copy.deepcopy(d.right))
    if isinstance(d, gast.IfExp):
        return gast.IfExp(test=copy.deepcopy(d.test), body=_times(seed, d.body), orelse=_times(seed, d.orelse))
    return gast.BinOp(left=seed, op=gast.Mult(), right=copy.deepcopy(d))


def _reads_names(node):
    """Whether ``node`` reads a name other than a module (``np``, ``math``)."""
    return any(
        isinstance(n, gast.Name) and n.id not in ("np", "math")
        for n in gast.walk(node)
    )


class _MathSpelling(gast.NodeTransformer):
    """``np.f`` as ``math.f``: the template of a ``math`` function."""

    def __init__(self, loc):
        self.loc = loc

    def visit_Attribute(self, node):
        if isinstance(node.value, gast.Name) and node.value.id == "np":
            if not hasattr(math, node.attr):
                raise self.loc.error(node, f"the math module has no `{node.attr}` to spell `np.{node.attr}` with")
            return gast.copy_location(gast.Attribute(value=_name("math"), attr=node.attr, ctx=node.ctx), node)
        return self.generic_visit(node)


class _FloatSpelling(gast.NodeTransformer):
    """``np.cos(x)`` as ``float_cos(x)`` (:data:`s2s.runtime.float_math.ON_FLOATS`)."""

    def __init__(self):
        self.spelled = False

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id == "np" and func.attr in ON_FLOATS and len(node.args) == 1 and not node.keywords:
            self.spelled = True
            return gast.copy_location(gast.Call(func=_name(ON_FLOATS[func.attr]), args=node.args, keywords=[]), node)
        return node


class _Replace(gast.NodeTransformer):
    """Every read of ``old`` as a read of ``new``."""

    def __init__(self, old, new):
        self.old = old
        self.new = new

    def visit_Name(self, node):
        return gast.copy_location(_name(self.new), node) if node.id == self.old else node


def _parameters(node):
    names = [a.id for a in node.args.args]
    return names[0], names[1:]


def _returned(node, loc, family):
    """The definition's shared assignments and its returned derivative."""
    body = [s for s in node.body if not _is_docstring(s)]
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None or not all(isinstance(s, gast.Assign) for s in body[:-1]):
        raise loc.error(node, f"malformed {family} definition `{node.name}`: its body must be assignments, then one `return` of the derivative")
    return body[:-1], body[-1].value


def _call(fn, node, loc):
    """``fn(param, ...)``: the function applied to the definition's positional parameters."""
    spelled = spell(fn)
    if spelled is None:
        raise loc.error(node, f"`{node.name}` must return the application of {fn!r}: s2s has no spelling for it")
    func = None
    for part in spelled.split("."):
        func = _name(part) if func is None else gast.Attribute(value=func, attr=part, ctx=gast.Load())
    args = [_name(a.id) for a in node.args.args[1:]]
    return gast.copy_location(gast.Call(func=func, args=args, keywords=[]), node)


def _assign(target, value, where):
    stmt = gast.Assign(targets=[gast.Name(id=target, ctx=gast.Store(), annotation=None, type_comment=None)], value=value, type_comment=None)
    return gast.fix_missing_locations(gast.copy_location(stmt, where))


def _name(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
