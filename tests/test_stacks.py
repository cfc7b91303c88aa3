"""What the forward sweep saves: per iteration, what the loop overwrites, not every temporary."""

import sys

import numpy as np
import pytest

import ast

import s2s
from s2s.runtime import ShapeOf
from s2s.transform import transform
from sweeps import sweeps


def rnn_many_temporaries(W, U, h, xs):
    for t in range(xs.shape[0]):
        a = W @ h
        b = U @ xs[t]
        c = a + b
        d = c * 0.5
        e = d + 1.0
        f = e - 1.0
        h = np.tanh(f + f)
    return np.sum(h)


def scalar_loop(x, n):
    y = x
    for i in range(n):
        a = y * 0.5
        b = a + 1.0
        c = b * b
        y = c - a
    return y


def rnn_caller(W, U, h, xs):
    return rnn_many_temporaries(W, U, h, xs)


def scalar_caller(x, n):
    return scalar_loop(x, n)


def recurse(x, n):
    if n == 0:
        return x
    return recurse(x * 0.999 + 0.001 * np.sin(x), n - 1)


def load(fn, wrt):
    namespace = {}
    exec(compile(transform(fn, "grad", wrt).source, "<test>", "exec"), namespace)
    return namespace


def pushes(source, function):
    """The ``stack.append(value)`` calls of ``function`` (a generated function) in ``source``."""
    fdef = next(f for f in ast.parse(source).body if isinstance(f, ast.FunctionDef) and f.name == function)
    return sorted(ast.unparse(n) for n in ast.walk(fdef) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append")


def test_one_function_pushes_what_the_forward_sweep_saves():
    """The gradient of the function transformed is one function (s2s.layout.fuse_entry); a callee
    keeps its two sweeps: both push the same values per iteration."""
    for fn, caller, wrt in ((rnn_many_temporaries, rnn_caller, (0, 1, 2)), (scalar_loop, scalar_caller, 0)):
        one = transform(fn, "grad", wrt).source
        two = transform(caller, "grad", wrt).source
        assert f"def {fn.__name__}_forward(" not in one and f"def {fn.__name__}_forward(" in two
        assert pushes(one, f"grad_{fn.__name__}") == pushes(two, f"{fn.__name__}_forward")


def saved_arrays(entry):
    return [v for v in entry if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("T", [5, 40])
def test_pushes_scale_with_steps_times_overwritten_state(T):
    rng = np.random.default_rng(0)
    W, U, h, xs = rng.normal(size=(4, 4)), rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(T, 3))
    ns = load(rnn_caller, (0, 1, 2))  # a callee's forward sweep, which returns what it saves
    saved = ns["rnn_many_temporaries_forward"](W, U, h, xs)
    columns = next(v for v in saved if isinstance(v, tuple) and v and all(isinstance(c, list) for c in v))
    # one list per saved name, one entry per step
    assert all(len(c) == T for c in columns)
    entries = list(zip(*columns))
    for entry in entries:
        arrays = saved_arrays(entry)
        # the state before and after the step (a tanh result is needed for its adjoint),
        # not the seven temporaries of the body: those are kept as shapes or not at all
        assert len(arrays) <= 3, entry
        assert sum(isinstance(v, ShapeOf) for v in entry) >= 1
    # the state after step t is the state before step t + 1: one object, not a copy
    assert all(entries[t][-1] is entries[t + 1][0] for t in range(T - 1) if isinstance(entries[t][-1], np.ndarray))


def test_scalar_loop_pushes_only_what_the_adjoint_reads():
    ns = load(scalar_caller, 0)
    saved = ns["scalar_loop_forward"](0.3, 10)  # (value, saved...): one tuple
    columns = next(v for v in saved if isinstance(v, tuple) and v and all(isinstance(c, list) for c in v))
    assert all(len(c) == 10 for c in columns) and len(columns) <= 4
    # scalars only: floats are kept as they are (as small as their shapes), no arrays, no tuples
    assert all(type(v) is float for c in columns for v in c)


def test_backward_loops_are_loops_not_unrolled():
    source = s2s.grad(rnn_many_temporaries, wrt=(0, 1, 2)).source
    backward = sweeps(source, rnn_many_temporaries)[1]
    assert sum(line.strip().startswith("for ") for line in backward.splitlines()) == 1 and "reversed(" in backward
    code = [line for line in backward.splitlines() if not line.strip().startswith("#")]
    assert not any("np.tanh(" in line for line in code)  # the forward is not recomputed


def test_recursion_depth_500():
    assert sys.getrecursionlimit() >= 1000
    g = s2s.grad(recurse)(0.5, 500)
    eps = 1e-6
    expected = (recurse(0.5 + eps, 500) - recurse(0.5 - eps, 500)) / (2 * eps)
    assert g == pytest.approx(expected, rel=1e-6)


def tent(x, n):
    """The tent map iterated n times, written as a recursion with a call in each branch."""
    if n == 0:
        return x
    if x < 0.5:
        return tent(1.9 * x, n - 1)
    return tent(1.9 * (1.0 - x), n - 1)


def test_recursion_past_the_limit_is_a_clear_error():
    g = s2s.grad(tent)  # two calls: left a recursion (s2s.normalize.recursion takes one)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.raises(RecursionError, match="setrecursionlimit"):
            g(0.3, 500)
    finally:
        sys.setrecursionlimit(old)


def test_linear_recursion_has_no_depth_limit():
    """One call per activation: differentiated as loops, at any depth."""
    g = s2s.grad(recurse)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        assert g(0.5, 500) == s2s.grad(recurse)(0.5, 500)
    finally:
        sys.setrecursionlimit(old)


def tree(x, depth):
    if depth == 0:
        return np.sin(x)
    left = tree(0.9 * x + 0.1, depth - 1)
    right = tree(1.1 * x - 0.2, depth - 1)
    return np.tanh(left * right + 0.5 * left)


def test_recursion_saves_one_flat_tuple_per_call():
    """A function ending in a branch returns one tuple per branch, value first, holding only
    what that branch's adjoint reads; callers take the value from it (s2s.layout)."""
    ns = load(tree, 0)
    assert ns["tree_forward"](0.3, 0) == (np.sin(0.3), True, 0.3)  # the base case: the test, then x
    value, test, *rest = ns["tree_forward"](0.3, 2)
    assert test is False and sum(isinstance(v, tuple) for v in rest) == 2
    assert not any(v is value for v in rest)  # the value, which the adjoint of tanh reads, is kept once
    assert all(type(v[1]) is bool for v in rest if isinstance(v, tuple))  # the callees' own tuples
    g = s2s.grad(tree)(0.3, 3)
    eps = 1e-6
    assert g == pytest.approx((tree(0.3 + eps, 3) - tree(0.3 - eps, 3)) / (2 * eps), rel=1e-7)
