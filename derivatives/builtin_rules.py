"""Rules for Python builtins, adjoint and tangent side by side.

``abs`` has the rule of ``np.absolute`` (:mod:`s2s.derivatives.numpy_complex`).
``*args`` tangents are tuples, with zeros for inactive entries.  See
:mod:`s2s.template` for how a template reads, :mod:`s2s.families` for the families.
"""

import builtins

from s2s.families import elementwise, linear
from s2s.rules import adjoint, nondifferentiable, tangent


@adjoint(builtins.sum)
def sum_(y, iterable, start=0):
    diterable = sum_adjoint(dy, iterable)
    dstart = unbroadcast(dy, start)


@tangent(builtins.sum)
def sum__(y, iterable, start=0):
    dy = sum(diterable)
    dy = dstart


@adjoint(builtins.max, builtins.min)
def extremum(y, *args):
    """The first argument equal to the result gets the adjoint."""
    dargs = extremum_args_adjoint(dy, y, args)


@tangent(builtins.max, builtins.min)
def extremum_(y, *args):
    """The tangent of the first item equal to the result: ``max(a, b, ...)`` or ``max(iterable)``."""
    position = list(args if len(args) > 1 else args[0]).index(y)
    dy = (dargs if len(args) > 1 else dargs[0])[position]


@linear(builtins.float)
def float_(y, x=0.0):
    dx = dy
    return float(x)


@elementwise(builtins.pow)
def pow_(z, base, exp, mod=None):
    return exp * base ** (exp - 1), z * np.log(np.where(base > 0, base, 1.0))


nondifferentiable(
    builtins.len, builtins.range, builtins.int, builtins.bool, builtins.round,
    builtins.isinstance, builtins.print, builtins.str, builtins.repr, builtins.id,
    builtins.slice,  # its bounds are positions: second order reads slice(None, n) in a gradient
    builtins.hash, builtins.type, builtins.callable, builtins.hasattr, builtins.format, builtins.ord, builtins.chr,
)


@adjoint(builtins.list, builtins.tuple)
def sequence(y, iterable=()):
    """``list(x)``, ``tuple(x)``: one item per element of ``x``, as unpacking it gives."""
    diterable = unpacked_adjoint(dy, iterable)


@tangent(builtins.list, builtins.tuple)
def sequence_(y, iterable=()):
    dy = GradTuple(diterable)
