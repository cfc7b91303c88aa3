"""Compiled derivatives (``compile="numba"``, numba dispatchers): s2s.jit, s2s.runtime.compiled."""

import os
import subprocess
import sys

import numpy as np
import pytest

numba = pytest.importorskip("numba")

import s2s  # noqa: E402
from gradcheck import numeric_grad  # noqa: E402
from programs import numba_programs as nb  # noqa: E402

RNG = np.random.default_rng(7)
SIGNAL = RNG.standard_normal(64)
Z = RNG.standard_normal((40, 12))
Q0 = 0.1 * RNG.standard_normal(6)

CASES = [  # (function, arguments, wrt)
    (nb.projectile_range, (30.0, 0.7, 0.02), (0, 1, 2)),
    (nb.biquad_power, (SIGNAL, 0.2, 0.3, 0.2, -0.5, 0.2), (0, 1, 2, 3, 4, 5)),
    (nb.horner, (RNG.standard_normal(30), 0.9), (0, 1)),
    (nb.kepler_anomaly, (1.2, 0.3), (0, 1)),
    (nb.fpu_mode_energy, (Q0, np.zeros(6), 1.0, 0.25, 0.05, 15), (0, 2, 3)),
    (nb.asian_call, (100.0, 0.25, 0.03, 95.0, Z, 1.0 / 12), (0, 1, 2)),
    (nb.rod_history, (Q0, 4, 0.2), (0, 2)),  # 2-D entries written: np.s_[t + 1, i] lowered to a tuple
]


def _relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


@pytest.mark.parametrize("f,args,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_compiled_gradient_agrees_with_python_and_differences(f, args, wrt):
    compiled = s2s.grad(f, wrt=wrt)  # a dispatcher: differentiated through py_func, compiled
    python = s2s.grad(f.py_func, wrt=wrt)
    got, expected = compiled(*args), python(*args)
    for g, e, k in zip(got, expected, wrt):
        assert type(g) is type(e)
        assert _relative(g, e) <= 1e-12, (f.__name__, k)
        assert np.allclose(g, numeric_grad(f.py_func, args, k), rtol=1e-5, atol=1e-7), (f.__name__, k)
    assert isinstance(compiled.specialize(*args).dispatcher, numba.core.registry.CPUDispatcher)


def test_plain_function_compiled_on_request_and_other_transforms():
    f = nb.biquad_power.py_func
    args = (SIGNAL, 0.2, 0.3, 0.2, -0.5, 0.2)
    value, grads = s2s.value_and_grad(f, wrt=(1, 4), compile="numba")(*args)
    assert value == pytest.approx(f(*args), rel=1e-14)
    expected = s2s.grad(f, wrt=(1, 4))(*args)
    assert _relative(grads, expected) <= 1e-12
    dout = 0.7
    assert _relative(s2s.vjp(f, wrt=1, compile="numba")(*args, dout), dout * expected[0]) <= 1e-12
    projectile = nb.projectile_range.py_func
    jvp = s2s.jvp(projectile, wrt=(1, 2), compile="numba")
    value, tangent = jvp(30.0, 0.7, 0.02, 1.0, 0.5)
    assert value == projectile(30.0, 0.7, 0.02)
    da, dd = s2s.grad(projectile, wrt=(1, 2))(30.0, 0.7, 0.02)
    assert tangent == pytest.approx(da + 0.5 * dd, rel=1e-12)
    assert "@numba.njit(cache=True)" in jvp.specialize(30.0, 0.7, 0.02, 1.0, 0.5).source


def test_generated_file_is_compiled_by_its_own_decorators(tmp_path):
    """The file carries the decorators and imports: it runs compiled with no help from s2s."""
    g = s2s.grad(nb.horner, wrt=(0, 1))
    c = RNG.standard_normal(12)
    variant = g.specialize(c, 0.4)
    source = variant.source
    assert source.count("@numba.njit(cache=True)") == 1  # the entry, its sweeps inlined (s2s.layout.fuse_entry)
    assert "def horner_forward" not in source and "saved" not in source
    assert "import s2s.runtime.compiled" in source
    assert "horner_loop_stack" not in source or ".append(" in source
    path = tmp_path / "horner_gradient.py"
    path.write_text(source)
    run = (
        "import numpy as np, horner_gradient as m, numba\n"
        "assert isinstance(m.grad_horner, numba.core.registry.CPUDispatcher)\n"
        f"print(repr(m.grad_horner(np.array({c.tolist()!r}), 0.4)[1]))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.dirname(os.path.dirname(s2s.__file__))]))
    out = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) == g(c, 0.4)[1]


def test_dispatcher_options_carry_over():
    fast = numba.njit(fastmath=True, boundscheck=True)(nb.horner.py_func)
    g = s2s.grad(fast, wrt=1)
    assert "@numba.njit(boundscheck=True, cache=True, fastmath=True)" in g.specialize(np.ones(4), 0.5).source
    assert g(np.ones(4), 0.5) == pytest.approx(1 + 2 * 0.5 + 3 * 0.25)


def test_loop_stack_is_one_list_of_rows():
    source = s2s.grad(nb.projectile_range, wrt=(0, 2)).specialize(30.0, 0.7, 0.02).source
    assert "for iteration in range(len(" in source and "reversed(" not in source
    assert "branch" in source and "= None" in source  # a store per branch, None on the other path


RECURSIONS = [  # (function, arguments, wrt, kept recursive): a number, entries, two calls, two functions
    (nb.compound, (100.0, 0.05, 13), (0, 1), False),  # one call per activation: loops (s2s.normalize.recursion)
    (nb.annuity_value, (100.0, 0.05, 9), (0, 1), False),  # called in a loop
    (nb.horner_recursive, (RNG.standard_normal(12), 0.8), (0, 1), False),
    (nb.chain, (np.arange(6.0) * 1.1, np.linspace(1.0, 2.0, 5)), (0, 1), True),  # a float saved per call: compiled, a recursion
    (nb.gaussian_area, (1.3, -0.4, 1.7, 1e-7), (0, 1, 2), True),  # tree recursion, stops where the estimate is good
    (nb.weight_decay, (RNG.standard_normal(11), 0.3), (0, 1), True),  # tree recursion reading w[i]
    (nb.wave, (1.5, 0.3, 0.9), (0, 1, 2), True),  # sine and cosine call each other
]


@pytest.mark.parametrize("f,args,wrt,recursive", RECURSIONS, ids=[c[0].__name__ for c in RECURSIONS])
def test_recursion_compiled_agrees_with_python_and_differences(f, args, wrt, recursive):
    compiled = s2s.grad(f, wrt=wrt)
    got, expected = compiled(*args), s2s.grad(f.py_func, wrt=wrt)(*args)
    for g, e, k in zip(got, expected, wrt):
        assert _relative(g, e) <= 1e-12, (f.__name__, k)
        assert np.allclose(g, numeric_grad(f.py_func, args, k), rtol=1e-6, atol=1e-8), (f.__name__, k)
    source = compiled.specialize(*args).source
    if recursive:
        assert "push_row(" in source and ".pop()" in source and "cache=True" not in source
    else:  # a descent and an ascent loop, no recursion left
        assert "push_row(" not in source and "while " in source and "cache=True" in source


def test_recursion_keeps_one_list_of_rows():
    """The head's saved tuples go on one list, typed by a comprehension that calls nothing;
    a function of the group other than the head is inlined into its callers."""
    source = s2s.grad(nb.wave, wrt=(0, 2)).specialize(1.5, 0.3, 0.9).source
    assert "sine_rows = [sine_forward(None, t_plus_phase, np.int64(6))[1] for _ in range(0)]" in source
    assert "def sine_forward(sine_rows, x, depth):" in source and "def sine_backward(saved, sine_2_bar, sine_rows):" in source
    assert source.count("inline='always'") == 2  # cosine's sweeps
    value, grads = s2s.value_and_grad(nb.horner_recursive.py_func, wrt=(0, 1), compile="numba")(np.ones(4), 0.5)
    assert value == pytest.approx(1.875) and grads[1] == pytest.approx(1 + 2 * 0.5 + 3 * 0.25)


def test_recursion_adds_into_the_adjoint_its_call_returns():
    """A recursion's backward sweep returns adjoints nothing else holds (s2s.optimize.inplace.returns_owned):
    its caller adds the entry's contribution in place instead of a new array per call."""
    source = s2s.grad(nb.weight_decay, wrt=(0, 1)).specialize(np.ones(5), 0.5).source
    # lo is an integer at every call (s2s.shapes.integer_names): the entry is added in place as by hand
    assert "w_bar[lo] += " in source and "+ unindex(" not in source
    from s2s.runtime import add_at
    total = np.zeros(4)
    add_at(total, np.array([1, 1, 3]), np.array([1.0, 2.0, 4.0]))  # the Python form sums repeated indices
    add_at(total, slice(0, 2), 0.5)
    assert total.tolist() == [0.5, 3.5, 0.0, 4.0]


def test_recursion_in_forward_mode_is_compiled_uncached():
    """One number: forward mode, which saves nothing; numba's cache of a recursion is off."""
    g = s2s.grad(nb.wave, wrt=2)
    assert g(1.5, 0.3, 0.9) == pytest.approx(s2s.grad(nb.wave.py_func, wrt=2)(1.5, 0.3, 0.9), rel=1e-13)
    source = g.specialize(1.5, 0.3, 0.9).source
    assert "def sine_jvp" in source and "cache=False" in source and "cache=True" not in source


def test_recursion_called_at_two_functions_is_refused_at_the_call():
    with pytest.raises(s2s.S2SError) as info:
        s2s.grad(nb.phasor_power, compile="numba")(0.4)
    assert info.value.lineno == nb.phasor_power.py_func.__code__.co_firstlineno + 3  # the call of cosine, the second
    assert "recursion of cosine" in str(info.value) and "without compile=" in str(info.value)


def test_checkpointed_loop_is_refused_at_the_loop():
    with pytest.raises(s2s.S2SError) as info:
        s2s.grad(nb.relaxed, compile="numba")
    assert info.value.lineno == nb.relaxed.__code__.co_firstlineno + 2
    assert "checkpointed loop" in str(info.value)
    assert s2s.grad(nb.relaxed)(0.3, 20) == pytest.approx(numeric_grad(nb.relaxed, [0.3, 20], 0), rel=1e-7)


def test_what_numba_cannot_type_is_reported_at_the_users_line():
    g = s2s.grad(nb.peak_ratio, compile="numba")
    with pytest.raises(s2s.S2SError) as info:
        g(np.array([1.0, 3.0, 2.0]))
    assert info.value.filename == nb.__file__
    assert info.value.lineno == nb.peak_ratio.__code__.co_firstlineno + 2
    assert "numba cannot compile the derivative" in str(info.value)
    assert "without compile=" in str(info.value)
    assert np.allclose(s2s.grad(nb.peak_ratio)(np.array([1.0, 3.0, 2.0])), numeric_grad(nb.peak_ratio, [np.array([1.0, 3.0, 2.0])], 0))


@pytest.mark.parametrize("transform", ["hvp", "jacobian", "hessian"])
def test_second_order_and_vector_transforms_refuse_to_compile(transform):
    with pytest.raises(ValueError, match=f"{transform} does not compile"):
        getattr(s2s, transform)(nb.horner, wrt=1)
    with pytest.raises(ValueError, match=f"{transform} does not compile"):
        getattr(s2s, transform)(nb.horner.py_func, wrt=1, compile="numba")


def test_hvp_of_the_python_function():
    assert s2s.hvp(nb.horner.py_func, wrt=1)(np.ones(3), 0.5, 1.0) == pytest.approx(2.0)


def test_unknown_compiler_and_missing_numba(monkeypatch):
    with pytest.raises(ValueError, match="compile must be one of"):
        s2s.grad(nb.peak_ratio, compile="cython")
    monkeypatch.setitem(sys.modules, "numba", None)
    with pytest.raises(ImportError, match=r"s2s\[numba\]"):
        s2s.grad(nb.peak_ratio, compile="numba")


def test_command_line_writes_a_compiled_file(tmp_path):
    from s2s.cli import main

    target = f"{nb.__file__}::horner"
    assert main(["grad", target, "--wrt", "c,t", "--shapes", "c=n,t=float", "-o", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("*.py")
    text = written.read_text()
    assert "--compile numba" in text.splitlines()[1] and "@numba.njit(cache=True)" in text
    assert main(["check", str(tmp_path)]) == 0


def test_control_flow_corpus_compiled_agrees_where_numba_compiles():
    """A sample of tests/test_control.py's programs (every seventh): each compiled gradient
    agrees with the Python one to 1e-12 relative, or is refused with an S2SError at the
    user's line (array code whose adjoint helpers numba has no form of)."""
    import test_control

    compiled = 0
    for f, inputs, wrt in test_control.CASES[::7]:
        args = inputs[0]()
        expected = s2s.grad(f, wrt=wrt)(*args)
        try:
            got = s2s.grad(f, wrt=wrt, compile="numba")(*args)
        except s2s.S2SError as exc:
            assert exc.filename and exc.lineno, f.__name__
            continue
        compiled += 1
        for g, e in zip(got if isinstance(wrt, tuple) else (got,), expected if isinstance(wrt, tuple) else (expected,)):
            assert _relative(g, e) <= 1e-12 or np.max(np.abs(np.asarray(g) - np.asarray(e))) <= 1e-15, f.__name__
    assert compiled >= 8
