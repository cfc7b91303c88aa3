"""Rules for the value forms normalization introduces, and subscripts.

``xs.append(v)`` becomes ``xs_2 = appended(xs, v)`` and ``y[i] = v`` becomes
``y_2 = updated(y, i, v)``: containers and arrays are updated as values, so
every version stays available to the backward sweep.  The tangent of a list is a
``GradTuple`` of the tangents of its items; each tangent term reads one argument's
tangent, so the other argument's place is filled with zeros.
"""

import builtins
import operator

from s2s.families import linear
from s2s.rules import adjoint, tangent
from s2s.runtime import appended, updated


@linear(operator.getitem)
def getitem(y, x, index):
    """``x[index]``: the adjoint lands at ``index`` in zeros shaped like ``x``."""
    dx = unindex(dy, x, index)
    return x[index]


@linear(builtins.getattr)
def getattr_(y, obj, name):
    """``params.W`` of a NamedTuple or a dataclass: the adjoint by attribute name."""
    dobj = unattribute(dy, obj, name)
    return getattr(obj, name)


@adjoint(appended)
def appended_(ys, xs, x):
    dxs = GradTuple(dys[:-1])
    dx = dys[-1]


@tangent(appended)
def appended__(ys, xs, x):
    dys = GradTuple(tuple(dxs) + (zeros_like(x),))
    dys = GradTuple(tuple(zeros_like(xs)) + (dx,))


@adjoint(updated, broadcast=True)
def updated_(z, y, index, v):
    dy = zeroed(dz, index)
    dv = dz[index]


@tangent(updated)
def updated__(z, array, index, value):
    """``array`` contributes outside ``index``; ``value`` at ``index``."""
    dz = zeroed(darray, index)
    dz = GradTuple(updated(list(zeros_like(array)), index, dvalue)) if isinstance(array, (list, tuple)) else updated(zeros_like(array), index, dvalue)
