"""Adjoint rules for the value forms normalization introduces.

``xs.append(v)`` becomes ``xs_2 = appended(xs, v)`` and ``y[i] = v`` becomes
``y_2 = updated(y, i, v)``: containers and arrays are updated as values, so
every version stays available to the backward sweep.
"""

import operator

from s2s.rules import adjoint
from s2s.runtime import appended, updated


@adjoint(operator.getitem)
def getitem(y, x, index):
    """``x[index]``: the adjoint lands at ``index`` in zeros shaped like ``x``."""
    dx = unindex(dy, x, index)


@adjoint(appended)
def appended_(ys, xs, x):
    dxs = GradTuple(dys[:-1])
    dx = dys[-1]


@adjoint(updated, broadcast=True)
def updated_(z, y, index, v):
    dy = zeroed(dz, index)
    dv = dz[index]
