"""Generated code is array-library agnostic: the rule programs and the control-flow
corpus, run on the strict duck array of tests/duck.py.

Each case runs twice, on numpy arrays and on duck arrays (every numpy array
argument wrapped, Python floats left alone), and the results must agree, with
nothing in the duck run's results a host numpy array or numpy scalar.  A duck
array cannot be converted to a host array, cannot give a Python bool or float,
refuses float host arrays mixed into its operations (as cupy does), has no
``np.add.at`` and no views that write through (as dask), so a pass means the
generated code and every rule and runtime helper it calls are dispatch-clean.

Programs whose *own* code cannot run on such arrays are listed below with the
reason; ``test_listed_programs_fail_without_s2s`` checks that each of them
fails when called directly on duck arrays, so the limit is in the program, not
in s2s:

* CONCRETE: control flow (or a Python number) on a value computed from array
  data: ``if np.sum(x) > 0`` needs ``bool()`` of a 0-d array.  cupy allows it
  at the cost of a device synchronisation, dask by computing; the duck array
  refuses.  These are xfail, except in ``vjp`` for the programs of VALUE_ONLY,
  where only the output needs the concrete value: ``vjp`` returns no value, so
  its generated code never computes it (one function, the value's own code dropped).
* HOST_ARRAYS: the program makes a host array (``np.zeros(shape)``) and mixes
  it with its inputs.  dask accepts that; cupy refuses it; they run with a duck
  array that accepts host operands (``accepting_host_arrays``).  On a device
  write ``np.zeros_like(x)`` or ``np.zeros(shape, like=x)``.
* HOST_WRITES: the program writes array values into a host array or converts
  arrays with ``np.array``: that copies data to the host on any library (numpy
  cannot store a device value).  These are xfail.
"""

import contextlib

import numpy as np
import pytest

import s2s
import test_control as C
import test_tangents as T
from duck import ConcreteValue, Duck, HostConversion, accepting_host_arrays, duck, host_leaks, to_numpy

# -- what the programs' own code needs ------------------------------------------------------

CONCRETE = {  # control flow (or a Python number) decided by array data
    # tests/programs/tangent_programs.py
    "builtin_float": "float(np.sum(x))",
    # tests/programs/control.py
    "if_any": "if (x > 1.0).any():",
    "if_all": "if (x > 0.0).all():",
    "if_sum_positive": "if np.sum(x) > 0:",
    "if_elif_else": "if s > 1.0: ... elif s > -1.0:  (s = np.sum(x))",
    "if_without_else": "if np.mean(x) > 0:",
    "if_both_define": "if np.max(x) > 0.5:",
    "if_norm_clip": "if n > 2.0:  (n = np.linalg.norm(x))",
    "if_compare_args": "if np.max(x) > np.max(y):",
    "if_combined_mask": "if both:  (a bool made from array sums)",
    "if_augassign": "if np.min(x) > -0.5:",
    "if_condition_on_active_value": "if m > 1.0:  (m from x)",
    "nested_if": "if s > 0.0: / if m > 1.5:",
    "nested_if_elif": "if np.sum(x) > np.sum(y):",
    "nested_if_reassign": "if np.sum(x) > 0:",
    "ifexp_array": "np.sin(x) if np.sum(x) > 0 else np.cos(x)",
    "ifexp_nested": "... if s > 1.0 else (... if s > -1.0 else ...)",
    "ifexp_in_call": "np.tanh(x if np.mean(x) > 0 else w)",
    "ifexp_in_return": "... if np.max(x) > 1.0 else ...",
    "ifexp_both_operands_active": "... if np.sum(x * y) > 0 else ...",
    "ifexp_in_loop": "v * v if v > 0.0 else np.sin(v)  (v an element of x)",
    "early_return_if": "if np.sum(x) > 0:",
    "early_return_else": "if np.max(h) > 0.5:",
    "early_return_depths": "if s > 0.0: / if np.max(x) > 2.0:",
    "early_return_after_work": "if np.sum(h) > 0.0:",
    "range_bounds_from_data": "start = 0 if np.sum(x) > 0 else n // 2",
    "for_rows_branch": "if np.sum(row) > 0.0:",
    "for_list_branch": "if np.sum(v) > 0.0:",
    "enumerate_zip_branch": "elif np.sum(row) > 0.0:",
    "nested_data_dependent_inner": "m = 1 if x[i] > 0.0 else 3",
    "newton_sqrt_array": "while np.max(np.abs(step)) > 1e-10:",
    "halve_until_small": "while np.sum(y * y) > 0.1:",
    "while_growth": "while np.sum(y) < 10.0:",
    "while_compound_condition": "while (np.max(np.abs(y)) > 0.05) & (i < 6):",
    "while_in_for": "while y > 0.1:  (y an element of x)",
    "while_with_if": "if np.sum(y) > 0:",
    "for_break": "if x[i] < 0.0: break",
    "for_continue": "if v < 0.0: continue",
    "while_true_break": "if np.max(np.abs(y)) < 0.2: break",
    "while_continue_data": "if v > 1.0: continue",
    "break_inner": "if v > 1.0: break",
    "break_outer_flag": "if v > 1.0:",
    "break_and_continue": "if x[i] < -1.0: / if x[i] < 0.0:",
    "return_in_for": "if x[i] > 1.0: return",
    "return_in_nested_loops": "if acc > 3.0: return",
    "return_after_carried": "if np.sum(h) > 2.0: return",
    "return_in_for_over_list": "if np.sum(v) > 1.0: return",
    "append_conditional_len": "if v > 0.0: ys.append(...)",
    "tuple_helper_unpack": "h_polar: if np.sum(r) > 4.0:",
    "setitem_branch": "if np.sum(x) > 0.0:",
    "call_in_branch": "if np.mean(x) > 0.0:",
    "call_branching_helper_in_loop": "h_soft_clip: if v > 1.0:",
    "recursion_data_termination": "h_halve: if np.sum(x * x) < 0.1:",
}

# CONCRETE or HOST_WRITES where only the output is concrete or on the host: the vjp does not compute it
VALUE_ONLY = {"builtin_float", "array_from_list-arrays-wrt0"}

HOST_ARRAYS = {  # a host array from np.zeros(shape) meets the inputs
    "range_index_arithmetic": "y = np.zeros(x.shape)",
    "range_len": "acc = np.zeros(w.shape[1])",
    "for_rows_carried": "h = np.zeros(X.shape[1])",
    "for_tuple_literal": "acc = np.zeros(a.shape)",
    "rnn": "h = np.zeros(W.shape[0])",
    "rnn_rows_loss": "h = np.zeros(b.shape)",
    "append_reverse_index": "acc = np.zeros(x.shape)",
}

HOST_WRITES = {  # array data written into a host array, or np.array of arrays
    "item_assign_into_constant": "y = np.zeros(4); y[1:3] = v",
    "setitem_column_aug": "Y = np.zeros(X.shape); Y[:, j] += X[:, j] * v[j]",
    "array_from_list-arrays-wrt0": "np.array([x, y, x * y]): np.array does not dispatch (np.stack does)",
    "array_from_array": "np.array(x): np.array does not dispatch (np.array(x, like=x) does)",
    "setitem_loop": "y = np.zeros(n); y[i] = x[i] * ...",
    "setitem_slices": "y = np.zeros(2 * n); y[:n] = x",
    "setitem_repeated_index": "y = np.zeros(3); y[0] = ...",
    "setitem_lower_gram": "Y = np.zeros(...); Y[i, j] = np.dot(X[i], X[j])",
}


def has_arrays(args):
    return any(isinstance(a, np.ndarray) for a in args)


def limit(key, name):
    """``(kind, reason)`` if the program's own code cannot run on duck arrays, else None."""
    for table, kind in ((CONCRETE, "concrete"), (HOST_ARRAYS, "host-arrays"), (HOST_WRITES, "host-writes")):
        for k in (key, name):
            if k in table:
                return kind, table[k]
    return None


ERRORS = {
    "concrete": ConcreteValue,
    "host-arrays": HostConversion,
    "host-writes": (HostConversion, ConcreteValue, ValueError),  # numpy reports a failed item write as ValueError
}


def fails_on_ducks(f, args, errors=Exception):
    """Whether ``f`` itself (no s2s) raises ``errors`` when called on duck arrays."""
    try:
        f(*duck(args))
    except errors:
        return True
    return False


def marks(key, f, args):
    """xfail for a listed program, where its own code fails on these duck arguments
    (``if np.sum(h) > 2.0`` inside ``for i in range(n)`` does not run for ``n == 0``)."""
    found = limit(key, f.__name__)
    if found is None or found[0] == "host-arrays":
        return ()
    kind, reason = found
    if not fails_on_ducks(f, args):  # any error: the xfail's raises= checks which
        return ()
    what = "needs a concrete value" if kind == "concrete" else "copies to the host"
    return (pytest.mark.xfail(raises=ERRORS[kind], strict=True, reason=f"{what}: {reason}"),)


def context(key, name):
    found = limit(key, name)
    return accepting_host_arrays() if found and found[0] == "host-arrays" else contextlib.nullcontext()


def assert_same(got, expected):
    """``got`` (a duck run's result) equals ``expected`` (numpy's) and holds no host arrays."""
    assert host_leaks(got) == [], f"host values in the duck result: {host_leaks(got)}"
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e)
        return
    got = to_numpy(got)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


# -- the strict duck array itself ------------------------------------------------------------


def test_the_duck_array_refuses_the_host():
    x = Duck(np.arange(6.0).reshape(2, 3))
    for convert in (np.asarray, np.array, lambda v: np.zeros(3) + v):
        with pytest.raises(HostConversion):
            convert(x)
    for concrete in (bool, float, int):
        with pytest.raises(ConcreteValue):
            concrete(np.sum(x))
    with pytest.raises(ConcreteValue):
        if np.sum(x) > 0:
            pass
    with pytest.raises(HostConversion):
        np.add.at(np.zeros_like(x), [0, 0], 1.0)
    with pytest.raises(AttributeError):
        np.diagonal(x).setflags(write=True)


def test_the_duck_array_dispatches_and_never_aliases():
    x = Duck(np.arange(6.0).reshape(2, 3))
    assert isinstance(np.tanh(x), Duck) and isinstance(np.sum(x), Duck) and np.sum(x).shape == ()
    assert isinstance(np.zeros_like(x), Duck) and isinstance(np.arange(3, like=x), Duck)
    assert isinstance(x @ x.T, Duck) and np.shape(x) == (2, 3) and np.ndim(x) == 2
    row = x[0]
    row[0] = 100.0  # no view: x is unchanged, as with dask
    assert to_numpy(x)[0, 0] == 0.0
    y = np.copy(x)
    y[1, 1:] = 0.0  # item assignment works, as on cupy and dask
    np.testing.assert_array_equal(to_numpy(y), [[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]])
    with accepting_host_arrays():
        assert isinstance(np.zeros(3) + x, Duck)


# -- every rule: forward and reverse mode ------------------------------------------------------

ARRAY_CASES = [c for c in T.CASES if has_arrays(c.args)]


def rule_param(case):
    return pytest.param(case, id=case.id, marks=marks(case.id, case.f, T.fresh(case.args)) + tuple(case.marks))


@pytest.mark.parametrize("case", [rule_param(c) for c in ARRAY_CASES])
def test_jvp_on_duck_arrays(case):
    rng = np.random.default_rng(1)
    tangents = [T.direction(case.args[i], rng) for i in case.indices]
    expected = s2s.jvp(case.f, wrt=case.wrt)(*T.fresh(case.args), *tangents)
    with context(case.id, case.f.__name__):
        got = s2s.jvp(case.f, wrt=case.wrt)(*duck(T.fresh(case.args)), *duck(tangents))
    assert_same(got, expected)


def vjp_param(case):
    if case.id in VALUE_ONLY or case.f.__name__ in VALUE_ONLY:
        return pytest.param(case, id=case.id, marks=tuple(case.marks))
    return rule_param(case)


@pytest.mark.parametrize("case", [vjp_param(c) for c in ARRAY_CASES])
def test_vjp_on_duck_arrays(case):
    if T.MISSING[case.f]:
        pytest.skip(f"no adjoint rule for {', '.join(T.MISSING[case.f])}")
    rng = np.random.default_rng(2)
    value = case.f(*T.fresh(case.args))
    cotangent = np.asarray(rng.normal(size=np.shape(value)))  # a duck array, 0-d for a scalar output
    expected = s2s.vjp(case.f, wrt=tuple(case.indices))(*T.fresh(case.args), cotangent)
    with context(case.id, case.f.__name__):
        got = s2s.vjp(case.f, wrt=tuple(case.indices))(*duck(T.fresh(case.args)), duck(cotangent))
    assert_same(tuple(got), tuple(expected))


# -- the control-flow corpus, reverse mode --------------------------------------------------------

CONTROL = [
    (f, make, wrt, f"{f.__name__}-{k}")
    for f, makers, wrt in C.CASES
    for k, make in enumerate(makers)
    if has_arrays(make())
]


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize(
    "f, make, wrt", [pytest.param(f, make, wrt, id=key, marks=marks(key, f, make())) for f, make, wrt, key in CONTROL]
)
def test_grad_through_control_flow_on_duck_arrays(f, make, wrt, optimize):
    expected = s2s.grad(f, wrt=wrt, optimize=optimize)(*make())
    with context(None, f.__name__):
        got = s2s.grad(f, wrt=wrt, optimize=optimize)(*duck(make()))
    assert_same(got, expected)


# -- the listed programs fail on duck arrays without s2s ----------------------------------------------


def listed():
    rules = {c.id: [c] for c in ARRAY_CASES} | {c.f.__name__: [c] for c in ARRAY_CASES}
    control = {}
    for f, make, _, _ in CONTROL:
        control.setdefault(f.__name__, (f, []))[1].append(make)
    for table, kind in ((CONCRETE, "concrete"), (HOST_ARRAYS, "host-arrays"), (HOST_WRITES, "host-writes")):
        for key in table:
            if key in rules:
                case = rules[key][0]
                yield pytest.param(case.f, [lambda c=case: T.fresh(c.args)], kind, id=key)
            else:
                f, makers = control[key]
                yield pytest.param(f, makers, kind, id=key)


@pytest.mark.parametrize("f, makers, kind", list(listed()))
def test_listed_programs_fail_without_s2s(f, makers, kind):
    """Each listed program fails on duck arrays by itself, for at least one of its inputs."""
    assert any(fails_on_ducks(f, make(), ERRORS[kind]) for make in makers)
    if kind == "host-arrays":
        with accepting_host_arrays():
            for make in makers:
                f(*duck(make()))  # it runs where host operands are accepted, as on dask


def test_every_listed_name_is_a_program():
    known = {c.id for c in T.CASES} | {c.f.__name__ for c in T.CASES} | {f.__name__ for f, _, _ in C.CASES}
    assert set(CONCRETE) | set(HOST_ARRAYS) | set(HOST_WRITES) <= known
    assert VALUE_ONLY <= set(CONCRETE) | set(HOST_WRITES)
