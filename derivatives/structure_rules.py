"""Rules for the value forms normalization introduces, and subscripts.

``xs.append(v)`` becomes ``xs_2 = appended(xs, v)`` and ``y[i] = v`` becomes
``y_2 = updated(y, i, v)``: containers and arrays are updated as values, so
every version stays available to the backward sweep.  A dict literal is
``dict_of(keys, values)`` and ``d.items()``/``d.values()`` are ``items_of(d)``/``values_of(d)``;
the adjoint of a dict is a ``GradDict`` by key.  The tangent of a list is a
``GradTuple`` of the tangents of its items; each tangent term reads one argument's
tangent, so the other argument's place is filled with zeros.
"""

import builtins
import operator

from s2s.families import linear
from s2s import runtime
from s2s.rules import adjoint, nondifferentiable, tangent
from s2s.runtime import appended, updated


@linear(operator.getitem)
def getitem(y, x, index):
    """``x[index]``: the adjoint lands at ``index`` in zeros shaped like ``x``."""
    dx = unindex(dy, x, index)
    return x[index]


@adjoint(builtins.getattr)
def getattr_(y, obj, name):
    """``params.W`` of a NamedTuple, a dataclass or an object: the adjoint by attribute name."""
    dobj = unattribute(dy, obj, name)


@tangent(builtins.getattr)
def getattr__(y, obj, name):
    """The tangent of a record is one too, or a zero-started ``GradTuple``/``GradDict``."""
    dy = field_tangent(dobj, obj, name)


@linear(runtime.field_tangent)
def field_tangent(y, tangent, like, name):
    dtangent = unattribute(dy, like, name)


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
    dv = dz[index]
    dy = zeroed(dz, index)


@tangent(updated)
def updated__(z, array, index, value):
    """``array`` contributes outside ``index``; ``value`` at ``index``."""
    dz = zeroed(darray, index)
    dz = GradTuple(updated(list(zeros_like(array)), index, dvalue)) if isinstance(array, (list, tuple)) else updated(zeros_like(array), index, dvalue)


nondifferentiable(runtime.keys_of)


@linear(runtime.dict_of)
def dict_of(y, keys, values):
    """The tangent is a ``GradDict`` too (it adds by key)."""
    dvalues = dict_entries(dy, y)
    return unvalues(values, keys)


@linear(runtime.dict_entries)
def dict_entries(y, grad, keys):
    dgrad = unvalues(dy, keys)


@linear(runtime.unvalues)
def unvalues(y, grad, like):
    dgrad = dict_entries(dy, like)


@linear(runtime.unitems)
def unitems(y, grad, like):
    dgrad = item_tangents(dy, like)


@linear(runtime.item_tangents)
def item_tangents(y, grad, like):
    dgrad = unitems(dy, like)


@adjoint(runtime.values_of)
def values_of_(y, d):
    dd = unvalues(dy, d)


@tangent(runtime.values_of)
def values_of__(y, d):
    """In the order of ``d``'s keys, whatever the tangent's order."""
    dy = dict_entries(dd, d)


@adjoint(runtime.items_of)
def items_of_(y, d):
    dd = unitems(dy, d)


@tangent(runtime.items_of)
def items_of__(y, d):
    dy = item_tangents(dd, d)


@linear(runtime.record_of)
def record_of(y, cls, names, values):
    """A NamedTuple or dataclass built in the function; its tangent is one of the same type."""
    dvalues = record_entries(dy, y, names)


@linear(runtime.record_entries)
def record_entries(y, grad, like, names):
    dgrad = record_adjoint(dy, like, names)


@linear(runtime.record_adjoint)
def record_adjoint(y, grads, like, names):
    dgrads = record_entries(dy, like, names)
