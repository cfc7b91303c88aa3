"""Adjoint rules for Python builtins.

See :mod:`s2s.derivatives.numpy_rules` for how an adjoint template reads.
"""

import builtins

from s2s.rules import adjoint, nondifferentiable


@adjoint(builtins.abs)
def abs_(y, x):
    dx = dy * np.sign(x)


@adjoint(builtins.sum)
def sum_(y, iterable, start=0):
    diterable = sum_adjoint(dy, iterable)
    dstart = unbroadcast(dy, start)


@adjoint(builtins.max)
@adjoint(builtins.min)
def extremum(y, *args):
    """The first argument equal to the result gets the adjoint."""
    dargs = extremum_args_adjoint(dy, y, args)


@adjoint(builtins.float)
def float_(y, x=0.0):
    dx = dy


@adjoint(builtins.pow, broadcast=True)
def pow_(z, base, exp, mod=None):
    dbase = dz * exp * base ** (exp - 1)
    dexp = dz * z * np.log(np.where(base > 0, base, 1.0))


nondifferentiable(
    builtins.len, builtins.range, builtins.int, builtins.bool, builtins.round,
    builtins.isinstance, builtins.print, builtins.str, builtins.repr, builtins.id,
)
