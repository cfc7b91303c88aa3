"""numba's implementations of the runtime helpers that compiled derivatives call.

A module generated with ``compile="numba"`` (:mod:`s2s.jit`) imports this
module; importing it registers, with ``numba.extending.overload``, how numba
compiles each helper for the types it meets, so the generated file calls the
same helpers by the same names as the Python derivative.  Each implementation
is chosen from the argument types when numba compiles, which is where the
Python helpers look at values: a seed becomes a literal of the output's dtype,
``shape_of`` of a number is the number, of an array its shape.

A helper called with types it has no implementation for fails numba's typing
(reported at the user's line: :func:`s2s.jit.guarded`), never with a wrong
value: ``unindex`` takes integers and slices only (numba's fancy-index
assignment would drop repeated indices' sums).

``reversed(steps)`` of a range is compiled code's ``steps[k]``: ranges get
indexing here (numba has none).
"""

import operator

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import overload, register_jitable

from .broadcasting import rebroadcast, unbroadcast, unreduce
from .methods import appended, copy_of, updated
from .rows import push_row
from .scatter import add_at, unindex
from .sequences import sequence_length
from .seeds import seed_like, seed_scalar, zeroed, zeros_like
from .values import shape_of

NUMBERS = (types.Number, types.Boolean)


@overload(operator.getitem)
def _range_item(steps, k):
    if isinstance(steps, types.RangeType) and isinstance(k, types.Integer):
        return lambda steps, k: steps.start + k * steps.step


@overload(zeros_like)
def _zeros_like(value):
    if isinstance(value, types.Optional) and isinstance(value.type, types.Number):
        value = value.type  # a value not yet set (None) on some paths, as a function's result before it returns
    if isinstance(value, types.Boolean):
        return lambda value: 0.0
    if isinstance(value, types.Number):
        zero = value.cast_python_value(0)
        return lambda value: zero
    if isinstance(value, types.Array):
        return lambda value: np.zeros_like(value)


@overload(seed_scalar)
def _seed_scalar(value, name="the function"):
    if isinstance(value, types.Float):
        return lambda value, name="the function": 1.0
    if isinstance(value, types.Number):
        one = value.cast_python_value(1)
        return lambda value, name="the function": one
    if isinstance(value, types.Array):
        if value.ndim == 0:
            return lambda value, name="the function": np.ones_like(value)[()]
        who = name.literal_value if isinstance(name, types.StringLiteral) else "the function"
        message = f"grad needs a scalar output, but {who} returned an array; use s2s.vjp to pull back a non-scalar output"

        def impl(value, name="the function"):
            raise ValueError(message)
        return impl


@overload(seed_like)
def _seed_like(*arguments):
    dtypes = []
    for a in arguments[0] if arguments and isinstance(arguments[0], types.BaseTuple) else arguments:
        for t in a.types if isinstance(a, types.BaseTuple) else (a,):
            if isinstance(t, types.Array) and isinstance(t.dtype, (types.Float, types.Complex)):
                dtypes.append(np.dtype(str(t.dtype)))
    one = np.result_type(*dtypes).type(1) if dtypes else 1.0
    one = 1.0 if one == 1.0 and type(one) is np.float64 else one
    return lambda *arguments: one


@overload(shape_of)
def _shape_of(value):
    if isinstance(value, NUMBERS):
        return lambda value: value
    if isinstance(value, types.Array):
        return lambda value: value.shape


@overload(unbroadcast)
def _unbroadcast(grad, like):
    if isinstance(like, NUMBERS):  # a number: the sum of all of it
        if isinstance(grad, types.Array):
            return lambda grad, like: np.sum(grad)
        if isinstance(grad, NUMBERS):
            return lambda grad, like: grad
        return None
    shaped = isinstance(like, types.UniTuple) and isinstance(like.dtype, types.Integer) or like == types.Tuple(())
    if not (isinstance(like, types.Array) or shaped):  # an array, or its shape saved by shape_of
        return None
    if isinstance(grad, NUMBERS):
        if shaped:
            return lambda grad, like: np.full(like, grad)
        return lambda grad, like: np.full(like.shape, grad)
    if isinstance(grad, types.Array):
        rank = len(like) if shaped else like.ndim
        total = _same_rank if grad.ndim == rank else _sum_to
        if shaped:
            return lambda grad, like: total(grad, like)
        return lambda grad, like: total(grad, like.shape)


@register_jitable
def _sum_to(grad, shape):
    """``grad`` summed over the axes broadcasting added or stretched, to ``shape``."""
    out = np.zeros(shape, grad.dtype)
    flat = out.reshape(-1)
    rank = len(shape)
    lead = grad.ndim - rank
    for index in np.ndindex(grad.shape):
        offset = 0
        for d in range(rank):
            n = shape[d]
            offset = offset * n + (index[lead + d] if n != 1 else 0)
        flat[offset] += grad[index]
    return out


@register_jitable
def _same_rank(grad, shape):
    """:func:`_sum_to` where ``grad`` has as many axes as ``shape``: itself where they agree."""
    if grad.shape == shape:
        return grad
    return _sum_to(grad, shape)


@overload(rebroadcast)
def _rebroadcast(tangent, like):
    if isinstance(like, NUMBERS) and isinstance(tangent, NUMBERS):
        return lambda tangent, like: tangent
    if isinstance(like, types.Array) and isinstance(tangent, NUMBERS + (types.Array,)):
        return lambda tangent, like: np.zeros(like.shape, like.dtype) + tangent  # numba's broadcasting, a new array


def _basic(index):
    parts = index.types if isinstance(index, types.BaseTuple) else (index,)
    return all(isinstance(p, (types.Integer, types.SliceType)) for p in parts)


@overload(unindex)
def _unindex(grad, like, index):
    if not isinstance(like, types.Array):
        return None
    if not _basic(index):
        raise TypingError("s2s's compiled unindex takes integers and slices only: the adjoint of an array index "
                          "sums repeated indices, which numba's index assignment does not")

    def impl(grad, like, index):
        out = np.zeros_like(like)
        out[index] = grad
        return out
    return impl


@overload(add_at)
def _add_at(total, index, grad):
    if isinstance(total, types.Array) and _basic(index):
        def impl(total, index, grad):
            total[index] += grad
        return impl


@overload(zeroed)
def _zeroed(grad, index):
    if isinstance(grad, types.Array) and _basic(index):
        def impl(grad, index):
            out = grad.copy()
            out[index] = 0
            return out
        return impl


@overload(updated)
def _updated(array, index, value):
    if isinstance(array, types.Array):
        def impl(array, index, value):
            out = array.copy()
            out[index] = value
            return out
        return impl


@overload(appended)
def _appended(items, item):
    if isinstance(items, types.List):
        def appended_list(items, item):
            out = list(items)
            out.append(item)
            return out
        return appended_list


@overload(copy_of)
def _copy_of(x, order="K"):
    if isinstance(x, types.Array):
        return lambda x, order="K": x.copy()


@overload(unreduce)
def _unreduce(grad, like, axis=None, keepdims=False):
    """The adjoint of a whole reduction (``np.sum(x)``): the number spread over ``like``."""
    if not (axis is None or isinstance(axis, types.NoneType)) or not isinstance(grad, NUMBERS):
        return None  # along an axis: refused by numba's typing, at the user's line
    if isinstance(like, types.Array):
        return lambda grad, like, axis=None, keepdims=False: np.full(like.shape, grad)
    if isinstance(like, NUMBERS):
        return lambda grad, like, axis=None, keepdims=False: grad


@overload(sequence_length)
def _sequence_length(seq):
    if isinstance(seq, (types.Array, types.BaseTuple, types.List, types.RangeType)):
        return lambda seq: len(seq)


@overload(push_row)
def _push_row(rows, row):
    if isinstance(rows, types.NoneType):  # the call that types the list (s2s.runtime.rows)
        return lambda rows, row: None
    if isinstance(rows, types.List):
        return lambda rows, row: rows.append(row)
