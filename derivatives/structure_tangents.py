"""Tangent rules for the value forms normalization introduces, subscripts and
``np.array`` of lists.

``xs.append(v)`` becomes ``xs_2 = appended(xs, v)`` and ``y[i] = v`` becomes
``y_2 = updated(y, i, v)``; the tangent of a list is a ``GradTuple`` of the
tangents of its items.  Each term reads one argument's tangent, so the other
argument's place is filled with zeros.
"""

import operator

import numpy as np

from s2s.rules import tangent
from s2s.runtime import appended, updated


@tangent(appended)
def appended_(ys, xs, x):
    dys = GradTuple(tuple(dxs) + (zeros_like(x),))
    dys = GradTuple(tuple(zeros_like(xs)) + (dx,))


@tangent(updated)
def updated_(z, array, index, value):
    """``array`` contributes outside ``index``; ``value`` at ``index``."""
    dz = zeroed(darray, index)
    dz = GradTuple(updated(list(zeros_like(array)), index, dvalue)) if isinstance(array, (list, tuple)) else updated(zeros_like(array), index, dvalue)


@tangent(operator.getitem)
def getitem(y, x, index):
    dy = dx[index]


@tangent(np.array)
def array(y, object, dtype=None, copy=True, order="K", subok=False, ndmin=0, like=None):
    dy = np.array(dobject, dtype=dtype, ndmin=ndmin)
