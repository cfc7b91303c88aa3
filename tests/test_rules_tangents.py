"""Every adjoint rule has a tangent rule, and the two agree.

The cases are tests/test_rules.py's: for each, ``s2s.jvp`` along a random
direction is compared with a central finite difference (float64), and the
tangent with ``s2s.vjp`` through the dot-product identity
``<J v, w> == <v, J^T w>``.  Two tests keep the rule library whole: the set
of functions with an adjoint rule but no tangent rule (and no
``nondifferentiable`` declaration) is empty, and each tangent template takes
the parameters of its adjoint template, so a call form reverse mode accepts is
accepted in forward mode.  Last, edge cases a random point does not reach.
"""

import math

import numpy as np
import pytest

import s2s
from gradcheck import fresh, inner
from test_rules import CASES, LIBRARIES, weight

EPS = 1e-6
RNG = np.random.default_rng(31)


def direction(value, rng):
    """A random tangent shaped like ``value`` (a Python float for a float)."""
    if isinstance(value, float):
        return float(rng.normal())
    return rng.normal(size=np.shape(value))


def shifted(args, indices, tangents, eps):
    out = list(args)
    for i, t in zip(indices, tangents):
        out[i] = args[i] + eps * t
    return out


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_jvp_matches_finite_differences_and_vjp(f, args, wrt):
    args = list(args) + [weight(f, args)]
    indices = wrt if isinstance(wrt, tuple) else (wrt,)
    rng = np.random.default_rng(7)
    tangents = [direction(args[i], rng) for i in indices]

    value, tangent = s2s.jvp(f, wrt=wrt)(*fresh(args), *tangents)
    expected = f(*fresh(args))
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    assert np.shape(tangent) == np.shape(expected)
    up = f(*shifted(args, indices, tangents, EPS))
    down = f(*shifted(args, indices, tangents, -EPS))
    numeric = (np.asarray(up, dtype=np.float64) - np.asarray(down, dtype=np.float64)) / (2 * EPS)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-5, atol=1e-7)

    w = direction(value, rng) if np.ndim(value) else float(rng.normal())
    grads = s2s.vjp(f, wrt=wrt)(*fresh(args), w)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    lhs = inner(tangent, w)
    rhs = sum(inner(g, t) for g, t in zip(grads, tangents))
    assert lhs == pytest.approx(rhs, rel=1e-8, abs=1e-10)


def test_every_adjoint_rule_has_a_tangent_rule():
    from s2s.rules import BUILTIN

    BUILTIN.lookup(abs)  # loads the rule library
    missing = sorted(
        rule.name or repr(rule.fn) for rule in BUILTIN.rules.values()
        if rule.adjoint is not None and rule.tangent is None and not rule.nondifferentiable
    )
    assert not missing, f"adjoint rules without a tangent rule: {missing}"


def test_every_call_the_adjoint_rule_accepts_the_tangent_rule_accepts():
    """The library's tangent templates take the parameters (names, kinds and
    defaults) of the adjoint templates, so keyword calls bind in both modes."""
    import inspect

    from s2s.rules import BUILTIN

    BUILTIN.lookup(abs)
    libraries = {f"s2s.derivatives.{m}" for m in LIBRARIES}
    differ = []
    for rule in BUILTIN.rules.values():
        if rule.adjoint is None or rule.tangent is None or rule.adjoint.fn.__module__ not in libraries:
            continue
        adjoint = list(inspect.signature(rule.adjoint.fn).parameters.values())[1:]
        tangent = list(inspect.signature(rule.tangent.fn).parameters.values())[1:]
        if adjoint != tangent:
            differ.append(f"{rule.name}: ({', '.join(map(str, adjoint))}) vs ({', '.join(map(str, tangent))})")
    assert not differ, "tangent rules whose parameters differ from the adjoint's:\n" + "\n".join(differ)


# -- edge cases a random point does not reach --------------------------------------------------


def max_initial(x): return np.max(x, axis=0, initial=0.0)
def sort_rows(x): return np.sort(x, axis=-1)
def pad_reflect(x): return np.pad(x, (1, 2), mode="reflect")
def pad_constant(x, c): return np.pad(x, ((1, 0), (0, 2)), constant_values=c)
def linspace_axis0(a, b): return np.linspace(a, b, 4, axis=0)
def math_prod_zero(x, y): return math.prod([x, y, 0.0, 2.0])
def cholesky_of(a): return np.linalg.cholesky(a)
def eigh_of(a): return np.linalg.eigh(a)


def test_max_where_initial_wins_has_a_zero_tangent():
    x = np.array([[0.5, -0.2], [0.1, -0.4]])
    _, t = s2s.jvp(max_initial)(x, np.ones((2, 2)))
    np.testing.assert_array_equal(t, [1.0, 0.0])


def test_sort_takes_tied_tangents_in_stable_order():
    x = np.array([[1.0, 0.0, 1.0]])
    _, t = s2s.jvp(sort_rows)(x, np.array([[2.0, 3.0, 5.0]]))
    np.testing.assert_array_equal(t, [[3.0, 2.0, 5.0]])


def test_pad_in_forward_mode_takes_the_linear_modes_and_the_constant():
    x = RNG.normal(size=4)
    v = RNG.normal(size=4)
    _, t = s2s.jvp(pad_reflect)(x, v)
    np.testing.assert_allclose(t, np.pad(v, (1, 2), mode="reflect"))
    _, t = s2s.jvp(pad_constant, wrt=1)(RNG.normal(size=(2, 3)), 0.5, 2.0)
    np.testing.assert_array_equal(t, np.pad(np.zeros((2, 3)), ((1, 0), (0, 2)), constant_values=2.0))


def test_linspace_with_broadcast_ends_along_a_leading_axis():
    a, b, da, db = RNG.normal(size=3), RNG.normal(size=(2, 1)), RNG.normal(size=3), RNG.normal(size=(2, 1))
    value, t = s2s.jvp(linspace_axis0, wrt=(0, 1))(a, b, da, db)
    assert np.shape(t) == np.shape(value) == (4, 2, 3)
    np.testing.assert_allclose(t, np.linspace(np.broadcast_to(da, (2, 3)), np.broadcast_to(db, (2, 3)), 4, axis=0))


def test_math_prod_is_exact_with_a_zero_item():
    _, t = s2s.jvp(math_prod_zero, wrt=(0, 1))(0.5, 3.0, 1.0, 1.0)
    assert t == 0.0


def test_cholesky_and_eigh_take_the_symmetric_part_of_the_tangent():
    a = RNG.normal(size=(3, 3)) * 0.3 + 2.0 * np.eye(3) + np.diag([0.0, 1.0, 2.0])
    a = 0.5 * (a + a.T)
    v = RNG.normal(size=(3, 3))
    sym = 0.5 * (v + v.T)
    _, t = s2s.jvp(cholesky_of)(a, v)
    _, t_sym = s2s.jvp(cholesky_of)(a, sym)
    np.testing.assert_allclose(t, t_sym, rtol=1e-12, atol=1e-14)
    numeric = (np.linalg.cholesky(a + EPS * sym) - np.linalg.cholesky(a - EPS * sym)) / (2 * EPS)
    np.testing.assert_allclose(t, numeric, rtol=1e-6, atol=1e-8)
    (_, vectors), (dw, dv) = s2s.jvp(eigh_of)(a, v)
    up, down = np.linalg.eigh(a + EPS * sym), np.linalg.eigh(a - EPS * sym)
    np.testing.assert_allclose(dw, (up[0] - down[0]) / (2 * EPS), rtol=1e-6, atol=1e-8)
    aligned = [m * np.sign(np.sum(m * vectors, axis=0)) for m in (up[1], down[1])]  # up to sign
    np.testing.assert_allclose(dv, (aligned[0] - aligned[1]) / (2 * EPS), rtol=1e-5, atol=1e-7)
