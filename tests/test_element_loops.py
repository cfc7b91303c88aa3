"""Element loops on Python floats (s2s/elements.py, s2s/runtime/elements.py): the same numbers,
bit for bit, as the loops on numpy scalars; vectors lowered only where a Python float cannot
act otherwise than a numpy scalar."""

import ast
import textwrap
import warnings

import gast
import numpy as np
import pytest

import s2s
from s2s.elements import lower_element_loops
from s2s.runtime import float_lists
from gradcheck import check_grad
from programs import element_loops as el


def _unlowered(source, entry):
    """The generated function with float_lists taking nothing apart: the loops as they were."""
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    namespace["float_lists"] = lambda vectors, *rest, numbers=(), results=False, **checks: (
        tuple(vectors) + tuple(numbers) + ((lambda value: value,) if results else ()))
    return namespace[entry]


def _lowered(source, entry):
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace[entry]


def _same(a, b):
    if isinstance(a, tuple):
        return all(_same(u, v) for u, v in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b)) and np.asarray(a).dtype == np.asarray(b).dtype


CASES = [
    (el.exponential_smoothing_sse, lambda rng, dtype: (rng.normal(size=40).cumsum().astype(dtype), 0.3), (0, 1), "y_list"),
    (el.discounted_returns_loss, lambda rng, dtype: (rng.normal(size=50).astype(dtype), 0.95, rng.normal(size=50).astype(dtype)), (0, 1, 2), "G_list"),
    (el.leaky_integrator, lambda rng, dtype: (rng.normal(size=60).astype(dtype), 12.0, 0.5), (0, 1), "v_list"),
]


@pytest.mark.parametrize("fn, make, wrt, lowered", CASES, ids=lambda c: getattr(c, "__name__", None))
def test_gradients_of_element_loops_are_right_and_run_on_python_floats(fn, make, wrt, lowered):
    rng = np.random.default_rng(3)
    args = make(rng, np.float64)
    grad = s2s.grad(fn, wrt=wrt)
    source = grad.specialize(*args).source
    assert "float_lists(" in source and f"{lowered}[" in source
    check_grad(fn, args, wrt=wrt)


@pytest.mark.parametrize("fn, make, wrt, lowered", CASES, ids=lambda c: getattr(c, "__name__", None))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lowered_loops_compute_what_the_loops_on_numpy_scalars_compute(fn, make, wrt, lowered, dtype):
    """Bit for bit and dtype for dtype, float64 (taken apart) and float32 (left as it is)."""
    rng = np.random.default_rng(4)
    args = make(rng, dtype)
    generated = s2s.value_and_grad(fn, wrt=wrt).specialize(*args)
    entry = generated.source.split("def ", 1)[1].split("(", 1)[0]
    assert _same(_lowered(generated.source, entry)(*args), _unlowered(generated.source, entry)(*args))


def test_a_division_by_an_entry_stays_on_numpy_scalars():
    """1 / 0.0 raises on Python floats where numpy gives inf: the entries a division reads
    are not taken apart, so a zero price gives inf as the function does."""
    prices = np.array([10.0, 11.0, 9.5, 10.2, 10.8])
    grad = s2s.grad(el.mean_relative_change)
    assert "prices_list" not in grad.specialize(prices).source
    check_grad(el.mean_relative_change, (prices,), wrt=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value, g = s2s.value_and_grad(el.mean_relative_change)(np.array([10.0, 0.0, 9.5]))
    assert np.isinf(value) or np.isnan(value)


def _lower(code, scalars=()):
    fdef = gast.parse(textwrap.dedent(code)).body[0]
    lower_element_loops(fdef, scalars, entry=True)
    return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(fdef)))


def test_the_docstring_example():
    out = _lower("""
        def f(x, a, b, n):
            y = np.zeros(n)
            steps = range(1, n)
            for i in steps:
                y[i] = a * y[i - 1] + b * x[i]
            return y
    """, scalars=("a", "b", "n"))
    # y just made: [0.0] * n; a and b, Python numbers or float64 scalars, as Python floats (s2s.numbers)
    assert "y_list, x_list, a, b = float_lists((y, x), len(steps), zeros=(y,), numbers=(a, b))" in out
    assert "y_list[i] = a * y_list[i - 1] + b * x_list[i]" in out and "write_back(y, y_list)" in out


@pytest.mark.parametrize("code", [
    # an alias of the vector the loop writes exists before the loop
    """
    def f(x, a, n):
        y = np.zeros(n)
        z = y
        for i in range(1, n):
            y[i] = a * y[i - 1] + x[i]
        return z
    """,
    # a parameter the loop writes into: the caller holds it
    """
    def f(y, a, n):
        for i in range(1, n):
            y[i] = a * y[i - 1]
        return y
    """,
    # the loop calls a function that could write into the vector it reads
    """
    def f(x, a, n):
        total = 0.0
        for i in range(n):
            total = total + a * x[i]
            update(x)
        return total
    """,
    # an entry meets an operand of unknown dtype: a Python float is weaker than np.float64 beside float32
    """
    def f(x, w, n):
        total = np.zeros(3)
        for i in range(n):
            total = total + x[i] * w_of(i)
        return total
    """,
    # an entry raised to a power: ** overflows into an error on Python floats
    """
    def f(x, n):
        total = 0.0
        for i in range(n):
            total = total + x[i] ** 2.5
        return total
    """,
])
def test_loops_left_on_numpy_scalars(code):
    assert "float_lists" not in _lower(code, scalars=("a", "n"))


def test_float_lists_takes_apart_float64_vectors_only():
    x = np.arange(5.0)
    assert float_lists((x,), 5) == ([0.0, 1.0, 2.0, 3.0, 4.0],)
    for other in (x.astype(np.float32), x.reshape(1, 5), np.arange(5), [1.0, 2.0]):
        assert float_lists((other,), 5)[0] is other
    assert float_lists((x, x.astype(np.float32)), 5)[0] is x  # all or none
    assert float_lists((x,), 5, (x.astype(np.float32),))[0] is x  # a float64 witness
    long = np.zeros(10_000)
    assert float_lists((long,), 3)[0] is long  # three reads of a long vector stay reads


def test_float_lists_checks_dtypes_however_spelled():
    """The fast checks (``dtype is float64``) fall back on ``==``: a float64 dtype made another way
    still counts, a non-native byte order or another dtype does not; witnesses likewise."""
    x = np.arange(3.0)
    same = np.frombuffer(x.tobytes(), dtype=np.dtype("<f8"))
    assert float_lists((same,), 3) == ([0.0, 1.0, 2.0],)
    swapped = x.astype(">f8")
    assert float_lists((swapped,), 3)[0] is swapped
    assert float_lists((x, x), 3, floats=(np.float64(2.0), 2.0, 2, x)) == ([0.0, 1.0, 2.0],) * 2
    for witness in (np.float32(2.0), True, 2j, x.astype(np.float32)):
        assert float_lists((x,), 3, floats=(witness,))[0] is x


def test_seed_and_zeros_fast_paths_give_what_the_general_paths_give():
    from s2s.runtime import seed_like, zeros_like

    x = np.arange(6.0)
    assert seed_like(x, 0.5) == 1.0 and type(seed_like(x, 0.5)) is float
    assert type(seed_like(x.astype(np.float32), 0.5)) is np.float32  # float32 arrays: a float32 seed
    assert type(seed_like(x, x.astype(np.complex128))) is np.complex128
    assert seed_like() == 1.0
    for value in (x, x.astype(np.float32), np.float64(2.0) * np.ones(()), x.reshape(2, 3), np.asfortranarray(x.reshape(2, 3))):
        z = zeros_like(value)
        assert z.shape == value.shape and z.dtype == value.dtype and not z.any() and z.strides == np.zeros_like(value).strides
        assert not np.signbit(z).any()


def test_a_vector_just_made_of_zeros_is_taken_as_zeros_without_reading_it():
    made = _lower("""
        def f(x, n):
            y = np.zeros(n)
            steps = range(1, n)
            for i in steps:
                y[i] = y[i - 1] + x[i]
            return y
    """, scalars=("n",))
    assert "zeros=(y,)" in made
    written = _lower("""
        def f(x, n):
            y = np.zeros(n)
            y[0] = x[0]
            steps = range(1, n)
            for i in steps:
                y[i] = y[i - 1] + x[i]
            return y
    """, scalars=("n",))
    assert "float_lists((y, x), len(steps))" in written and "zeros=" not in written  # written since: read it
    x = np.arange(4.0)
    y = np.zeros(4)
    listed = float_lists((x, y), 4, zeros=(y,))
    assert listed == ([0.0, 1.0, 2.0, 3.0], [0.0] * 4) and not any(np.signbit(listed[1]))
    assert float_lists((x, y.astype(np.float32)), 4, zeros=(y,))[0] is x  # still all or none


def test_accumulated_adjoints_start_from_zero_lists_and_stay_right():
    def horner(c, x):
        p = 0.0
        for i in range(c.shape[0] - 1, -1, -1):
            p = p * x + c[i]
        return p

    c, x = np.random.default_rng(1).normal(size=9), 0.9
    grad = s2s.grad(horner, wrt=("c", "x"))
    source = grad.specialize(c, x).source
    assert "zeros=(c_bar,)" in source
    check_grad(horner, (c, x), wrt=(0, 1))
    fast, slow = _lowered(source, "grad_horner"), _unlowered(source, "grad_horner")
    assert _same(fast(c, x), slow(c, x))
    assert _same(fast(c.astype(np.float32), np.float32(x)), slow(c.astype(np.float32), np.float32(x)))


def _iir_energy(x, a, b):
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = b * x[0]
    for i in range(1, n):
        y[i] = a * y[i - 1] + b * x[i]
    return np.sum(y ** 2)


def test_a_vector_only_read_is_taken_apart_once_for_both_sweeps():
    rng = np.random.default_rng(4)
    args = (rng.normal(size=30), 0.9, 0.5)
    grad = s2s.grad(_iir_energy, wrt=(0, 1, 2))
    source = grad.specialize(*args).source
    # x only read, y written back by the forward loop: the backward loop takes both lists again,
    # and reads y[i - 1] as the forward loop leaves it (no later iteration writes there): nothing saved
    taken = source.split("taken=(")[1].split("\n")[0]
    assert "(y, y_list)" in taken and "(x, x_list)" in taken and "_stack" not in source
    check_grad(_iir_energy, args, wrt=(0, 1, 2))
    fast, slow = _lowered(source, "grad__iir_energy"), _unlowered(source, "grad__iir_energy")
    assert _same(fast(*args), slow(*args))
    for dtype in (np.float32, np.float64):
        x = args[0].astype(dtype)
        assert _same(fast(x, 0.9, 0.5), slow(x, 0.9, 0.5))
    long = np.concatenate([args[0], np.zeros(1000)])  # long: the first loop keeps the array, the second takes it apart
    assert _same(fast(long, 0.9, 0.5), slow(long, 0.9, 0.5))


@pytest.mark.parametrize("code", [
    """
    def f(x, a, n):
        s = 0.0
        for i in steps:
            s = s + a * x[i]
        x[0] = s
        t = 0.0
        for i in steps:
            t = t + s * x[i]
        return t
    """,
    """
    def f(x, a, n):
        s = 0.0
        for i in steps:
            s = s + a * x[i]
        v = x[1:]
        v[0] = 2.0
        t = 0.0
        for i in steps:
            t = t + s * x[i]
        return t
    """,
])
def test_a_vector_written_or_viewed_is_taken_apart_again(code):
    """(Without the write, the second loop takes the first's list: see the IIR filter above.)"""
    out = _lower(code.replace("for i in steps", "for i in range(n)"), scalars=("a", "n"))
    assert out.count("float_lists((x,)") == 2 and "taken=" not in out


@pytest.mark.parametrize("between", [
    "y[0] = 2.0", "v = y[1:]\n    v[0] = 2.0", "np.copyto(y, 2.0)", "y += 1.0", "y = np.ones(n)", "y.fill(0.0)"])
def test_a_vector_written_back_is_taken_apart_again_where_it_is_written_since(between):
    code = """
        def f(x, a, n):
            y = np.zeros(n)
            for i in range(1, n):
                y[i] = a * y[i - 1] + x[i]
            BETWEEN
            t = 0.0
            for i in range(n):
                t = t + a * y[i]
            return t
    """
    out = _lower(textwrap.dedent(code).replace("BETWEEN", between), scalars=("a", "n"))
    assert "taken=((y," not in out
    same = _lower(textwrap.dedent(code).replace("BETWEEN", "u = y[0] + np.sum(y)"), scalars=("a", "n"))
    assert "taken=((y, y_list),)" in same


def test_float_lists_takes_an_earlier_list_only_where_it_is_one():
    x = np.arange(3.0)
    entries = x.tolist()
    assert float_lists((x,), 3, taken=((x, entries),))[0] is entries
    assert float_lists((x,), 3, taken=((x, x),)) == ([0.0, 1.0, 2.0],)  # the earlier loop kept the array
    other = x.astype(np.float32)
    assert float_lists((other,), 3, taken=((other, entries),))[0] is other  # still checked


@pytest.mark.parametrize("between", ["y[0] = 2.0", "v = y[1:]\n    v[0] = 2.0", "np.copyto(y, 2.0)", "y += 1.0"])
def test_a_vector_is_taken_apart_again_where_another_parameter_may_share_its_memory(between):
    code = """
        def f(x, y, a, n):
            s = 0.0
            for i in range(n):
                s = s + a * x[i]
            BETWEEN
            t = 0.0
            for i in range(n):
                t = t + s * x[i]
            return t
    """
    out = _lower(textwrap.dedent(code).replace("BETWEEN", between), scalars=("a", "n"))
    assert out.count("float_lists((x,)") == 2 and "taken=" not in out  # f(x, x, ...): y is x
    assert "taken=((x, x_list),)" in _lower(textwrap.dedent(code).replace("BETWEEN", "u = y[0]"), scalars=("a", "n"))


def test_a_loop_calling_a_numpy_function_that_writes_is_not_pure():
    out = _lower("""
        def f(x, y, a, n):
            s = 0.0
            for i in range(n):
                s = s + a * x[i]
                np.copyto(y, s)
            return s
    """, scalars=("a", "n"))
    assert "float_lists" not in out
