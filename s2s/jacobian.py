"""The full derivative matrices: ``jacobian`` and ``hessian`` (see shared/API.md).

``jacobian(f, mode="forward")`` runs vector mode (:mod:`s2s.vector`): the
generated ``jacobian_f`` is ``f``'s jvp with tangents that carry one direction
per entry of the ``wrt`` arguments on a leading axis, seeded here with the
identity, so one sweep gives every column.  ``mode="reverse"`` is vector mode
over the generated ``vjp`` in its cotangent: the cotangent's tangent is the
identity over the output's entries, so the backward sweep carries one
cotangent per output entry (vector cotangents) and one sweep gives every row;
the forward sweep, which does not depend on the cotangent, runs once.
``"auto"`` takes reverse where the output has fewer entries than the inputs,
forward otherwise, from the sizes at the call (reverse and auto evaluate ``f``
once more, for the output's shape).  ``hessian`` is vector
mode over the generated gradient (forward over reverse, as :func:`s2s.hvp`
with every direction at once).

Takes a function and the transforms' options; returns a function called like
``f`` whose result is the matrix shaped ``out.shape + arg.shape`` (JAX's
layout): for a container output, that container of them; for a container
argument, its structure inside; for a tuple ``wrt``, a tuple over it.
"""

import dataclasses
import functools
import inspect

import numpy as np

from . import jit
from .api import _bound_method, _check_differentiable, _transform, grad, vjp
from .display import rich
from .runtime.values import GradDict, is_record
from .transform import resolve_wrt

MODES = ("auto", "forward", "reverse")


def jacobian(fn=None, wrt=0, mode="auto", *, optimize=True, out_dir=None, rules=None, compile=None):
    """The Jacobian of ``fn`` with respect to ``wrt``, shaped ``out.shape + arg.shape``:
    ``mode="forward"`` one vector-mode sweep of tangents (columns), ``"reverse"`` one sweep of
    vector cotangents (rows), ``"auto"`` whichever the sizes at the call favour.  Not
    compiled: ``compile`` other than None, or a numba function, is refused."""
    jit.refuse("jacobian", fn, compile)
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}: expected one of {MODES}")
    if fn is None:
        return lambda f: jacobian(f, wrt, mode, optimize=optimize, out_dir=out_dir, rules=rules)
    if inspect.ismethod(fn):
        return _bound_method(fn, wrt, lambda f, w: jacobian(f, w, mode, optimize=optimize, out_dir=out_dir, rules=rules))
    single, wrt_names = resolve_wrt(inspect.unwrap(fn), wrt)
    sig = inspect.signature(fn)
    built = {}

    def forward():
        if "forward" not in built:
            built["forward"] = _transform("jacobian", fn, wrt, optimize, out_dir, rules)
        return built["forward"]

    def reverse():
        if "reverse" not in built:  # vector mode over the generated vjp, in its cotangent
            pullback = vjp(fn, wrt, optimize=optimize, out_dir=out_dir, rules=rules).generated
            cotangent = list(inspect.signature(pullback).parameters)[-1]
            built["reverse"] = _transform("jacobian", pullback, cotangent, optimize, out_dir, rules)
        return built["reverse"]

    choices = {}  # the input and output sizes a call had -> the mode "auto" chose

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        inputs = [bound.arguments[n] for n in wrt_names]
        for n, value in zip(wrt_names, inputs):
            _check_differentiable_leaves(n, value, fn)
        chosen = mode
        if mode == "auto":
            key = tuple(np.shape(leaf) for value in inputs for _, leaf in _leaves(value))
            chosen = choices.get(key)
            if chosen is None:
                size_in = sum(int(np.prod(s)) for s in key)
                size_out = sum(_size(leaf) for _, leaf in _leaves(fn(*args, **kwargs)))
                chosen = choices[key] = "reverse" if size_out < size_in else "forward"
        if chosen == "forward":
            tangents, directions = _basis(inputs)
            value, value_dot = forward()(*args, *tangents, **kwargs)
            return _columns(value, value_dot, inputs, directions, single)
        return _rows(reverse(), args, kwargs, fn(*args, **kwargs), inputs, single)

    main = reverse() if mode == "reverse" else forward()  # generated now, as every transform's file is
    wrapper.source = main.source
    wrapper.path = main.path
    wrapper.primal = fn
    return rich(wrapper, f"s2s.jacobian({fn.__qualname__})")


def hessian(fn=None, wrt=0, *, optimize=True, out_dir=None, rules=None, compile=None):
    """The Hessian of the scalar ``fn`` with respect to ``wrt``, shaped ``arg.shape + arg.shape``:
    vector mode over the generated gradient, every direction in one sweep.  Not compiled (as
    :func:`jacobian`)."""
    jit.refuse("hessian", fn, compile)
    if fn is None:
        return lambda f: hessian(f, wrt, optimize=optimize, out_dir=out_dir, rules=rules)
    if inspect.ismethod(fn):
        return _bound_method(fn, wrt, lambda f, w: hessian(f, w, optimize=optimize, out_dir=out_dir, rules=rules))
    gradient = grad(fn, wrt, optimize=optimize, out_dir=out_dir, rules=rules)
    single, wrt_names = resolve_wrt(inspect.unwrap(fn), wrt)
    over = _transform("jacobian", gradient.generated, wrt_names[0] if single else wrt_names, optimize, out_dir, rules)
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        inputs = [bound.arguments[n] for n in wrt_names]
        for n, value in zip(wrt_names, inputs):
            _check_differentiable_leaves(n, value, fn)
        tangents, directions = _basis(inputs)
        _, gradient_dot = over(*args, *tangents, **kwargs)
        like = inputs[0] if single else tuple(inputs)
        return _columns(like, _symmetric(gradient_dot, like, directions, single), inputs, directions, single)

    wrapper.source = over.source
    wrapper.path = over.path
    wrapper.primal = fn
    wrapper.gradient = gradient
    return rich(wrapper, f"s2s.hessian({fn.__qualname__})")


def _check_differentiable_leaves(name, value, fn):
    """An integer or boolean argument (not a container holding some) is refused, as by ``grad``."""
    if not isinstance(value, (dict, tuple, list)) and not dataclasses.is_dataclass(value):
        _check_differentiable(name, value, fn)


# -- containers: leaves by path ---------------------------------------------------------------

def _leaves(value, path=()):
    """``[(path, leaf)]`` of a value: arrays and numbers inside dicts, lists, tuples,
    NamedTuples and dataclasses, in order; strings, None and integers (no derivative) left out."""
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _leaves(v, path + (k,))]
    if isinstance(value, (tuple, list)):
        return [item for i, v in enumerate(value) for item in _leaves(v, path + (i,))]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [item for f in dataclasses.fields(value) for item in _leaves(getattr(value, f.name), path + (f.name,))]
    if value is None or isinstance(value, (str, bool, int)) or is_record(value):
        return []
    dtype = getattr(value, "dtype", None)
    if dtype is not None and not np.issubdtype(dtype, np.inexact):
        return []
    return [(path, value)]


def _get(tree, path):
    """The entry of ``tree`` at ``path`` (None where a ``GradDict`` has none: a zero)."""
    for key in path:
        if tree is None:
            return None
        if isinstance(tree, dict):
            tree = tree.get(key)
        elif isinstance(tree, (tuple, list)) and isinstance(key, int):
            tree = tree[key]
        elif isinstance(tree, tuple) and hasattr(tree, "_fields"):
            tree = getattr(tree, key)
        else:
            tree = getattr(tree, key, None)
    return tree


def _build(value, leaf, path=()):
    """``value``'s structure with each differentiable leaf at ``path`` replaced by ``leaf(path, v)``."""
    if isinstance(value, dict):
        return type(value)((k, _build(v, leaf, path + (k,))) for k, v in value.items())
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_build(v, leaf, path + (i,)) for i, v in enumerate(value)))
    if isinstance(value, (tuple, list)):
        return type(value)(_build(v, leaf, path + (i,)) for i, v in enumerate(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _build(getattr(value, f.name), leaf, path + (f.name,))
                                             for f in dataclasses.fields(value) if f.init})
    if _leaves(value):
        return leaf(path, value)
    return value


def _size(leaf):
    """The number of entries of an array or number (``np.size`` reads a dask array's data)."""
    return int(np.prod(np.shape(leaf), dtype=np.int64))


# -- forward: seeds and columns ---------------------------------------------------------------

def _basis(inputs):
    """The identity as tangents of ``inputs``: one direction per entry of their leaves
    (the leaves' tangents slice the rows of one identity matrix), and the offsets."""
    sizes = [_size(leaf) for value in inputs for _, leaf in _leaves(value)]
    n = sum(sizes)
    if n == 0:
        raise ValueError("s2s.jacobian: the arguments differentiated have no entries")
    dtypes = [np.result_type(leaf) for value in inputs for _, leaf in _leaves(value)]
    leaves = [leaf for value in inputs for _, leaf in _leaves(value)]
    device = next((leaf for leaf in leaves if type(leaf).__module__.split(".")[0] == "cupy"), None)
    dtype = np.result_type(*dtypes, np.float32) if dtypes else float
    # numpy seeds for numpy and dask arguments (the direction axis one chunk); a GPU array's on its device
    eye = np.eye(n, dtype=dtype) if device is None else np.eye(n, dtype=dtype, like=device)
    offsets = {}
    start = [0]

    def seed(key):
        def leaf_seed(path, leaf):
            size = _size(leaf)
            offsets[(key, path)] = start[0]
            block = eye[:, start[0]:start[0] + size].reshape((n,) + np.shape(leaf))
            start[0] += size
            return block
        return leaf_seed

    tangents = [_build(value, seed(i)) for i, value in enumerate(inputs)]
    tangents = [_as_tangent(t, v) for t, v in zip(tangents, inputs)]
    return tangents, (n, offsets)


def _as_tangent(tangent, value):
    """A dict argument's tangent as the ``GradDict`` jvp reads (other containers as they are)."""
    if isinstance(value, dict) and not isinstance(tangent, GradDict):
        return GradDict(tangent)
    return tangent


def _columns(value, value_dot, inputs, directions, single):
    """The Jacobian from the output's tangents (``(n,) + out.shape`` per output leaf)."""
    n, offsets = directions

    def per_output(out_path, out_leaf):
        tangent = _get(value_dot, out_path)
        out_shape = np.shape(out_leaf)
        blocks = []
        for i, value_in in enumerate(inputs):
            def block(path, leaf, i=i):
                start = offsets[(i, path)]
                size = _size(leaf)
                if tangent is None:
                    return np.zeros(out_shape + np.shape(leaf))
                part = np.reshape(tangent[start:start + size], np.shape(leaf) + out_shape)
                k = len(np.shape(leaf))
                return np.transpose(part, tuple(range(k, k + len(out_shape))) + tuple(range(k)))
            blocks.append(_build(value_in, block))
        return blocks[0] if single else tuple(blocks)

    return _build(value, per_output)


def _symmetric(gradient_dot, like, directions, single):
    """The gradient's tangents (the Hessian's columns) as one ``n x n`` matrix made exactly
    symmetric, ``(H + H.T) / 2``, and split again: forward over reverse rounds the two
    triangles differently, by a few units in the last place."""
    n, offsets = directions
    order = sorted(offsets, key=offsets.get)
    parts = []
    for i, path in order:
        tangent = _get(gradient_dot, path if single else (i,) + path)
        leaf = _get(like, path if single else (i,) + path)
        size = _size(leaf)
        parts.append(np.zeros((n, size)) if tangent is None else np.reshape(tangent, (n, size)))
    matrix = np.concatenate(parts, axis=1)
    matrix = 0.5 * (matrix + matrix.T)

    def column(path, leaf):
        key = (0, path) if single else (path[0], path[1:])
        start = offsets[key]
        return np.reshape(matrix[:, start:start + _size(leaf)], (n,) + np.shape(leaf))

    return _build(like, column)


# -- reverse: vector cotangents, seeds and rows -----------------------------------------------

def _rows(rows, args, kwargs, value, inputs, single):
    """The Jacobian from vector mode over the vjp: a direction per entry of the output
    ``value`` (the identity as the cotangent's tangent), one sweep, a row each."""
    (seeds,), (_, offsets) = _basis([value])
    zero = _build(value, lambda path, leaf: 0.0 * leaf)
    _, rows_dot = rows(*args, zero, seeds, **kwargs)

    def per_output(out_path, out_leaf):
        start, size, out_shape = offsets[(0, out_path)], _size(out_leaf), np.shape(out_leaf)
        blocks = []
        for i, value_in in enumerate(inputs):
            def block(path, leaf, i=i):
                tangent = _get(rows_dot if not single else (rows_dot,), (i,) + path)
                if tangent is None:
                    return np.zeros(out_shape + np.shape(leaf))
                return np.reshape(tangent[start:start + size], out_shape + np.shape(leaf))
            blocks.append(_build(value_in, block))
        return blocks[0] if single else tuple(blocks)

    return _build(value, per_output)
