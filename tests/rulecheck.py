"""The checks the rule test files share: a rule in both modes and to second order.

``each_case(check, CASES, ...)``: a test that runs one of these checks on each case.
``check_gradient``: ``s2s.grad`` against central differences (gradcheck's ``check_grad``).
``check_jvp_and_vjp``: ``s2s.jvp`` against central differences along random tangents,
and ``s2s.vjp`` by the dot-product identity ``<J v, w> == <v, J^T w>``.
``check_hvp``: ``s2s.hvp`` against central differences of the gradient.
``check_modes``: the gradient (real and float-typed for a real argument) and both of
the above, for losses computed through complex values (tests/test_complex.py,
tests/test_rules_fft.py).  The tolerances are keyword arguments; the defaults are what
the rule files check to.  ``Draws``: a file's random test points, from its own seed.
"""

import numpy as np
import pytest

import s2s
from gradcheck import check_grad, fresh, inner, numeric_grad

EPS = 1e-6


class Draws:
    """A file's test points, drawn in order from one generator seeded once (``rng``)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def uniform(self, lo, hi, *shape):
        return self.rng.uniform(lo, hi, size=shape)

    def normal(self, *shape):
        return self.rng.normal(size=shape)

    def conditioned(self, n, batch=()):
        """A well-conditioned matrix (or a stack of them): 2 I plus small noise."""
        return self.rng.normal(size=batch + (n, n)) * 0.3 + 2.0 * np.eye(n)

    def spd(self, n, batch=()):
        """A symmetric positive definite matrix (or a stack of them)."""
        a = self.rng.normal(size=batch + (n, n))
        return a @ np.swapaxes(a, -1, -2) / n + np.eye(n)


def as_tuple(value, wrt):
    """A result of a transform over ``wrt``, as a tuple of one item per argument."""
    return value if isinstance(wrt, tuple) else (value,)


def first(wrt):
    """The first of the arguments ``wrt`` names."""
    return wrt[0] if isinstance(wrt, tuple) else wrt


def normal_tangents(args, indices, rng):
    """A standard normal tangent per argument: a float for a float, else an array of its shape."""
    return [float(rng.normal()) if isinstance(args[i], float) else rng.normal(size=np.shape(args[i])) for i in indices]


def shaped_tangents(args, indices, rng):
    """A standard normal tangent per argument, an array of its shape (0-d for a scalar)."""
    return [rng.normal(size=np.shape(args[i])) for i in indices]


def _perturbed(args, indices, tangents):
    up, down = fresh(args), fresh(args)
    for i, t in zip(indices, tangents):
        up[i], down[i] = args[i] + EPS * t, args[i] - EPS * t
    return up, down


def each_case(check, cases, *, wrt=None, **options):
    """A test, parametrized by ``cases`` (``pytest.param(f, args, wrt)``), that runs
    ``check(f, args, wrt, **options)`` on each; ``wrt``: a function of the case's ``wrt``
    giving the one to check (``first``: its first argument)."""
    along = wrt

    @pytest.mark.parametrize("f, args, wrt", cases)
    def test(f, args, wrt):
        check(f, args, along(wrt) if along else wrt, **options)

    return test


def check_gradient(f, args, wrt=0, **tolerances):
    """``check_grad`` on copies of ``args``, so the case's arrays stay as they are."""
    check_grad(f, fresh(args), wrt=wrt, **tolerances)


def check_jvp_and_vjp(f, args, wrt=0, *, rng=7, tangents=normal_tangents, real=False,
                      rtol=1e-5, atol=1e-7, value_rtol=1e-12, identity_rel=1e-8, identity_abs=1e-10):
    """``s2s.jvp`` of the scalar ``f``: its value is ``f``'s (``value_rtol``), its tangent the
    central difference along ``tangents(args, indices, rng)`` (``rtol``, ``atol``); then ``s2s.vjp``
    with a random cotangent ``w`` by ``<J v, w> == <v, J^T w>`` (``identity_rel``, ``identity_abs``).

    ``rng``: a seed, or a generator to go on drawing from; ``real``: the tangent is not complex."""
    indices = as_tuple(wrt, wrt)
    rng = np.random.default_rng(rng)
    v = tangents(args, indices, rng)
    value, tangent = s2s.jvp(f, wrt=wrt)(*fresh(args), *v)
    np.testing.assert_allclose(value, f(*fresh(args)), rtol=value_rtol)
    if real:
        assert not np.iscomplexobj(tangent)
    up, down = _perturbed(args, indices, v)
    np.testing.assert_allclose(tangent, (f(*up) - f(*down)) / (2 * EPS), rtol=rtol, atol=atol)
    w = float(rng.normal())
    pulled = as_tuple(s2s.vjp(f, wrt=wrt)(*fresh(args), w), wrt)
    assert inner(tangent, w) == pytest.approx(sum(inner(g, t) for g, t in zip(pulled, v)), rel=identity_rel, abs=identity_abs)


def check_hvp(f, args, wrt=0, *, rng=11, tangents=shaped_tangents, real=False, rtol=1e-5, atol=1e-6):
    """``s2s.hvp`` of the scalar ``f`` with respect to ``wrt`` (every argument it names, at
    once), along ``tangents(args, indices, rng)``, against central differences of
    ``s2s.grad`` (``rtol``, ``atol``).  ``rng``: a seed or a generator; ``real``: no complex result."""
    indices = as_tuple(wrt, wrt)
    v = tangents(args, indices, np.random.default_rng(rng))
    gradient = s2s.grad(f, wrt=wrt)
    up, down = _perturbed(args, indices, v)
    numeric = [(a - b) / (2 * EPS) for a, b in zip(as_tuple(gradient(*up), wrt), as_tuple(gradient(*down), wrt))]
    hv = s2s.hvp(f, wrt=wrt)(*fresh(args), tuple(v) if isinstance(wrt, tuple) else v[0])
    for got, expected in zip(as_tuple(hv, wrt), numeric):
        if real:
            assert not np.iscomplexobj(got)
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def check_modes(f, args, wrt=0, second_order=True, rtol=1e-5, atol=1e-7):
    """grad against central differences (real and float-typed for a real argument),
    jvp against central differences, vjp by ``<J v, w> == <v, J^T w>``, hvp (in the first
    argument of ``wrt``) against central differences of the gradient; no complex results."""
    grads = as_tuple(s2s.grad(f, wrt=wrt)(*fresh(args)), wrt)
    for i, g in zip(as_tuple(wrt, wrt), grads):
        assert not np.iscomplexobj(g), f"complex gradient for the real argument {i}: {g}"
        assert isinstance(g, float) if isinstance(args[i], float) else g.dtype == np.float64
        np.testing.assert_allclose(g, numeric_grad(f, fresh(args), i), rtol=rtol, atol=atol)
    rng = np.random.default_rng(7)  # the tangents, the cotangent, then the hvp's direction
    check_jvp_and_vjp(f, args, wrt, rng=rng, real=True, rtol=rtol, atol=atol)
    if second_order:
        check_hvp(f, args, first(wrt), rng=rng, real=True, rtol=1e-4, atol=1e-6)


# -- the library stays whole ---------------------------------------------------------------


def rules_of(*modules, loading):
    """The builtin rules whose adjoint is defined in one of ``modules`` (looking up
    ``loading`` first loads the rule modules), by key."""
    from s2s.rules import BUILTIN

    BUILTIN.lookup(loading)
    return {key: rule for key, rule in BUILTIN.rules.items() if rule.adjoint is not None and rule.adjoint.fn.__module__ in modules}


def template_calls(rules, library):
    """The names ``<x>.<library>.<name>`` the adjoint and tangent templates of ``rules`` call
    (``library="special"``: the scipy.special functions they call)."""
    import gast

    called = set()
    for rule in rules:
        for template in (rule.adjoint, rule.tangent):
            for stmt in template.body:
                for node in gast.walk(stmt):
                    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Attribute) and node.value.attr == library:
                        called.add(node.attr)
    return called


def without_both_rules(module, names):
    """Those of ``names`` (functions of ``module``) with no builtin adjoint or no tangent."""
    from s2s.rules import BUILTIN

    return sorted(n for n in names if (r := BUILTIN.lookup(getattr(module, n))) is None or r.adjoint is None or r.tangent is None)
