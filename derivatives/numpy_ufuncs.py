"""The methods of numpy's binary ufuncs: ``reduce``, ``accumulate`` and ``outer``
(``np.logaddexp.reduce``, ``np.maximum.accumulate``, ``np.subtract.outer``), derived for
every ufunc from its own elementwise derivative.

A ufunc ``u`` of two arguments has partial derivatives ``p1(z, x1, x2)`` and
``p2(z, x1, x2)`` (its ``@elementwise`` definition, :data:`s2s.families.PARTIALS`;
``multiply``'s are below, its rule being bilinear).  Its methods are written once here,
in terms of ``ufunc``, ``partial1`` and ``partial2``, which :func:`ufunc_methods` fills in
for each ufunc:

- ``u.accumulate(a, axis)`` is the fold ``y[k] = u(y[k - 1], a[k])``: ``y[k]`` moves with
  ``a[k]`` by ``p2`` and with ``y[k - 1]`` by ``p1``, so the adjoint is a linear recurrence
  run from the end (``s2s.runtime.linear_scan``) and the tangent the same one run from
  the start.  Exact where entries are zero (``multiply``: no division).
- ``u.reduce(a, axis)`` is the last entry of that fold, run along the axes ``axis`` (an
  int, a tuple, None for all) merged into one (``s2s.runtime.merged_axes``); ``keepdims``;
  not ``initial``, ``where``, ``out``.
- ``u.outer(a, b)`` is ``u`` of ``a`` (with ``b.ndim`` new axes) and ``b``.
- ``np.add.reduceat(a, indices, axis)`` (only ``add``'s) is linear: sums of segments.

Ties of ``maximum``/``minimum`` split the derivative evenly at each step of the fold, as
``np.maximum``'s rule does (two tied entries share it evenly, as ``np.max``'s rule does;
for three or more, earlier entries get less than an even share).  A ufunc without an
elementwise rule has no rule for its methods, and is refused at the user's line
(``no derivative rule for np.gcd.reduce``), as are ``np.power.reduce`` and
``np.arctan2.reduce``, which numpy does not compute as the fold (``NOT_FOLDS``).  Values are real.

Each definition holds the adjoint (``d<arg> = ...``) and the tangent (``d<result> =
...``) and the temporaries they share; :func:`ufunc_methods` splits it.  The runtime
helpers ``shift_along``, ``linear_scan`` and ``merged_axes`` get their own rules here, for
second order.
"""

import copy

import gast
import numpy as np

from s2s import runtime
from s2s.families import PARTIALS, linear
from s2s.rules import BUILTIN, adjoint, limits, nondifferentiable, spell, tangent
from s2s.template import Template, _is_docstring, parse_definition

from . import numpy_elementwise  # noqa: F401 -- the partials (PARTIALS) derived from here


def multiply(z, x1, x2):
    return x2, x1


OWN_PARTIALS = {np.multiply: multiply}  # ufuncs whose rule is not @elementwise

# numpy's reduce of these is not the fold their accumulate computes (numpy 2.x, contiguous
# data: np.power.reduce([a, b, c, d]) is a ** d, np.arctan2's likewise): no rule, refused
NOT_FOLDS = {"reduce": (np.power, np.arctan2)}


def ufuncs():
    """``{ufunc: (parameter names, (partial1, partial2))}`` for every binary numpy ufunc
    with partials (not scipy.special's, whose rules load later)."""
    found = {}
    for fn, (names, partials) in PARTIALS.items():
        numpy_ufunc = isinstance(fn, np.ufunc) and getattr(np, fn.__name__, None) is fn
        if numpy_ufunc and fn.nin == 2 and fn.nout == 1 and len(partials) == 2:
            found[fn] = (names, partials)
    for fn, definition in OWN_PARTIALS.items():
        node, _, _ = parse_definition(definition, "partials")
        found[fn] = ([a.id for a in node.args.args], node.body[0].value.elts)
    return found


def ufunc_methods(method):
    """Register, for ``u.<method>`` of every ufunc ``u`` of :func:`ufuncs`, the adjoint and
    the tangent of the decorated definition, with ``ufunc`` spelled ``u`` and
    ``partial1``/``partial2`` its partial derivatives."""

    def register(definition):
        node, _, _ = parse_definition(definition, "ufunc method")
        body = [s for s in node.body if not _is_docstring(s)]
        result = node.args.args[0].id
        for ufunc, (names, partials) in ufuncs().items():
            if ufunc in NOT_FOLDS.get(method, ()):
                continue
            filled = _filled(body, _Fill(spell(ufunc), names, partials))  # made when a template is first used
            rule = BUILTIN.rule(getattr(ufunc, method))
            rule.adjoint = Template(definition, "adjoint", lazy=True,
                                    body=lambda f=filled: _needed(f(), lambda t: t != "d" + result and t.startswith("d")))
            rule.tangent = Template(definition, "tangent", lazy=True, body=lambda f=filled: _needed(f(), lambda t: t == "d" + result))
            rule.nondifferentiable = False
        return definition

    return register


def _filled(body, fill):
    """A function giving ``body`` filled in by ``fill`` (made once, on the first call)."""
    made = []

    def filled():
        if not made:
            made.append([fill.visit(copy.deepcopy(s)) for s in body])
        return made[0]

    return filled


def _needed(body, keeps):
    """The statements of ``body`` whose target ``keeps`` accepts, and the temporaries they read."""
    needed, out = set(), []
    for stmt in reversed(body):
        target = stmt.targets[0].id
        if keeps(target) or (target in needed and not target.startswith("d")):
            out.append(stmt)
            needed |= {n.id for n in gast.walk(stmt.value) if isinstance(n, gast.Name)}
    return out[::-1]


class _Fill(gast.NodeTransformer):
    """``ufunc`` as the ufunc's spelling; ``partialN(z, x1, x2)`` as its N-th partial
    derivative of those arguments (0.0 where it has none)."""

    def __init__(self, spelled, names, partials):
        self.spelled = spelled
        self.names = names
        self.partials = partials

    def visit_Name(self, node):
        if node.id != "ufunc":
            return node
        func = None
        for part in self.spelled.split("."):
            func = gast.Name(id=part, ctx=gast.Load(), annotation=None, type_comment=None) if func is None else gast.Attribute(value=func, attr=part, ctx=gast.Load())
        return gast.copy_location(func, node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id in ("partial1", "partial2"):
            partial = self.partials[int(node.func.id[-1]) - 1]
            if isinstance(partial, gast.Constant) and partial.value is None:
                return gast.copy_location(gast.Constant(value=0.0, kind=None), node)
            return _Arguments(dict(zip(self.names, node.args))).visit(copy.deepcopy(partial))
        return node


class _Arguments(gast.NodeTransformer):
    def __init__(self, arguments):
        self.arguments = arguments

    def visit_Name(self, node):
        return copy.deepcopy(self.arguments[node.id]) if node.id in self.arguments else node


@ufunc_methods("accumulate")
def accumulate(y, array, axis=0, dtype=None, out=None):
    first = np.reshape(np.arange(np.shape(array)[axis]) == 0, along_axis(array, axis))
    previous = np.where(first, y, shift_along(y, axis))
    step = np.where(first, 1.0, partial2(y, previous, array))
    carry = partial1(y, previous, array)
    darray = step * linear_scan(dy, carry, axis, True)
    dy = linear_scan(step * darray, carry, axis)


@ufunc_methods("reduce")
def reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    flat = merged_axes(array, axis)
    folded = ufunc.accumulate(flat, -1)
    position = np.arange(np.shape(flat)[-1])
    previous = np.where(position == 0, folded, shift_along(folded, -1))
    step = np.where(position == 0, 1.0, partial2(folded, previous, flat))
    carry = partial1(folded, previous, flat)
    last = np.where(position == np.shape(flat)[-1] - 1, merged_axes(unreduce(dy, array, axis, keepdims), axis), 0.0)
    darray = unmerged_axes(step * linear_scan(last, carry, -1, True), array, axis)
    dy = np.reshape(np.take(linear_scan(step * merged_axes(darray, axis), carry, -1), -1, axis=-1), np.shape(y))


@ufunc_methods("outer")
def outer(y, a, b):
    spread = np.reshape(a, np.shape(a) + (1,) * np.ndim(b))
    da = np.reshape(np.sum(dy * partial1(y, spread, b), axis=tuple(range(np.ndim(a), np.ndim(y)))), np.shape(a))
    db = np.sum(dy * partial2(y, spread, b), axis=tuple(range(np.ndim(a))))
    dy = np.broadcast_to(partial1(y, spread, b) * np.reshape(da, np.shape(spread)), np.shape(y))
    dy = np.broadcast_to(partial2(y, spread, b) * db, np.shape(y))


@linear(np.add.reduceat)
def add_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    """The sums of segments: ``reduceat_segments`` says which entries each takes."""
    darray = np.moveaxis(np.tensordot(np.moveaxis(dy, axis, -1), reduceat_segments(indices, np.shape(array)[axis], dy), axes=1), -1, axis)
    return np.add.reduceat(array, indices, axis)


limits(np.add.reduceat, defaults_only=("out",))

for _ufunc in ufuncs():
    if _ufunc not in NOT_FOLDS["reduce"]:
        limits(_ufunc.reduce, defaults_only=("out", "initial", "where"))
    limits(_ufunc.accumulate, defaults_only=("out",))


# -- the recurrences' own rules (second order) ----------------------------------------------


@linear(runtime.shift_along)
def shift_rule(y, x, axis, reverse=False):
    dx = shift_along(dy, axis, not reverse)
    return shift_along(x, axis, reverse)


@linear(runtime.merged_axes)
def merged_axes_rule(y, a, axis):
    da = unmerged_axes(dy, a, axis)


@linear(runtime.unmerged_axes)
def unmerged_axes_rule(y, grad, a, axis):
    dgrad = merged_axes(dy, axis)


@adjoint(runtime.linear_scan, broadcast=True)
def linear_scan_rule(g, b, f, axis, reverse=False):
    """Each recurrence's transpose is the other one, for the same ``f``."""
    back = linear_scan(dg, f, axis, not reverse)
    db = back
    df = shift_along(back, axis) * g if reverse is True else back * shift_along(g, axis)


@tangent(runtime.linear_scan)
def linear_scan_rule_(g, b, f, axis, reverse=False):
    dg = linear_scan(db, f, axis, reverse)
    dg = linear_scan(shift_along(df * g, axis, True), f, axis, reverse) if reverse is True else linear_scan(df * shift_along(g, axis), f, axis, reverse)


nondifferentiable(runtime.reduceat_segments)
