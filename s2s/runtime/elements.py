"""Element loops on Python floats (:mod:`s2s.elements`): a float64 vector's entries as a list.

A loop that reads and writes single entries of a vector (``y[i] = a * y[i - 1] + b * x[i]``,
``x_bar[i] += g``) spends most of its time making and unboxing numpy scalars; the same
loop on a list of Python floats computes the same numbers, bit for bit, several times
faster.  Generated code takes the list before the loop and writes the entries back after
it; anything that is not a one-dimensional float64 numpy array is used as it is.
"""

import numpy as np


def float_lists(vectors, trips=None, floats=(), nonzero=(), zeros=(), taken=(), numbers=(), results=False):
    """The entries of each of ``vectors`` as a list of Python floats, where each is a
    one-dimensional float64 numpy array that a loop of ``trips`` iterations reads entry by
    entry (not much longer: a few reads of a long vector stay reads of the array) and each
    of ``floats`` is a float64 numpy array or number, or a Python number (the loop's floats
    meet them) and each of ``nonzero`` a number other than zero or an array (the
    loop divides by it: ``x / 0.0`` raises on a Python float where numpy gives inf); else
    ``vectors`` as they are.  All or none: a loop computes either with Python floats or
    with what it always did.  Each of ``zeros`` (some of ``vectors``, by identity) is known to
    hold zeros (``zeros_like(x)`` just made it): its list is ``[0.0] * n``, not read entry by entry.
    ``taken`` pairs a vector with what an earlier call gave for it (the loops only read it):
    that list again where it is one.

    ``numbers``, the numbers the loop reads from before it (``g``, ``L``, an accumulator), follow
    the lists: each float64 scalar as a Python float (a Python number as it is; a zero-dimensional
    float64 array among ``zeros`` as 0.0), or, where one is anything else, all as they are with the
    vectors.  With ``results``, last comes the function the loop passes its numpy functions'
    values through: ``float`` (``float(np.sin(x))``, the same bits, a Python float to compute on)
    where the loop runs on Python floats, else one that gives its argument back."""
    if numbers:
        converted = _numbers(numbers, zeros)
        if converted is None:
            return tuple(vectors) + tuple(numbers) + ((_same,) if results else ())
        lists = float_lists(vectors, trips, floats, nonzero, zeros, taken) if vectors else ()
        if lists is not vectors or not vectors and _checks(floats, nonzero):
            return tuple(lists) + converted + ((float,) if results else ())
        return tuple(vectors) + tuple(numbers) + ((_same,) if results else ())
    longest = 4 * (64 if trips is None else trips) + 16
    for v in vectors:  # (``is`` first: numpy's float64 dtype is one object; ``==`` for any other spelling)
        if not (type(v) is np.ndarray and (v.dtype is _FLOAT64 or v.dtype == _FLOAT64) and v.ndim == 1 and len(v) <= longest):
            return vectors + ((_same,) if results else ())
    if not _checks(floats, nonzero):
        return vectors + ((_same,) if results else ())
    if zeros or taken:
        lists = tuple([_list_of(v, zeros, taken) for v in vectors])
    elif len(vectors) == 1:  # the common case, without a generator
        lists = (vectors[0].tolist(),)
    else:
        lists = tuple([v.tolist() for v in vectors])
    return lists + ((float,) if results else ())


def _checks(floats, nonzero):
    for v in floats:
        kind = type(v)
        if not (kind is float or kind is np.float64 or kind is int or kind is range or kind is np.ndarray and (v.dtype is _FLOAT64 or v.dtype == _FLOAT64)):
            return False  # (a range: the integers a loop iterates, saved for the backward sweep)
    for d in nonzero:
        if isinstance(d, (int, float)) and d == 0:
            return False
    return True


def _numbers(numbers, zeros):
    """Each of ``numbers`` as a Python number, or None where one is not a number of float64's kind."""
    out = []
    for v in numbers:
        kind = type(v)
        if kind is float or kind is int or kind is bool:
            out.append(v)
        elif kind is np.float64:
            out.append(float(v))
        elif kind is np.ndarray and v.ndim == 0 and v.dtype == _FLOAT64 and any(v is z for z in zeros):
            out.append(0.0)  # just made by zeros_like: no one else holds it
        else:
            return None
    return tuple(out)


def _same(value):
    """What a loop left on numpy scalars passes its numpy functions' values through: the value."""
    return value


_FLOAT64 = np.dtype(np.float64)


def _list_of(v, zeros, taken):
    for z in zeros:
        if v is z:
            return [0.0] * len(v)
    for w, entries in taken:
        if v is w and type(entries) is list:
            return entries
    return v.tolist()


def write_back(a, entries):
    """Write the entries a loop computed in the list :func:`float_lists` made back into ``a``
    (nothing to do where the loop wrote into ``a`` itself)."""
    if entries is not a:
        a[...] = np.fromiter(entries, np.float64, len(entries))  # 3x faster than numpy reading the list as a sequence
