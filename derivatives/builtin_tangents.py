"""Tangent (forward-mode) rules for Python builtins.

See :mod:`s2s.derivatives.numpy_tangents` for how a tangent template reads.
``*args`` tangents are tuples, with zeros for inactive entries.
"""

import builtins

from s2s.rules import tangent


@tangent(builtins.abs)
def abs_(y, x):
    dy = dx * np.sign(x)


@tangent(builtins.sum)
def sum_(y, iterable, start=0):
    dy = sum(diterable)
    dy = dstart


@tangent(builtins.max)
@tangent(builtins.min)
def extremum(y, *args):
    """The tangent of the first item equal to the result: ``max(a, b, ...)`` or ``max(iterable)``."""
    position = list(args if len(args) > 1 else args[0]).index(y)
    dy = (dargs if len(args) > 1 else dargs[0])[position]


@tangent(builtins.float)
def float_(y, x=0.0):
    dy = float(dx)


@tangent(builtins.pow)
def pow_(z, base, exp, mod=None):
    dz = dbase * exp * base ** (exp - 1)
    dz = dexp * z * np.log(np.where(base > 0, base, 1.0))
