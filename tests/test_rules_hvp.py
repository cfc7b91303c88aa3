"""Second order over every adjoint rule: the generated gradient, differentiated again.

The cases are tests/test_rules.py's: each is a scalar loss, the rule's result times a
fixed random weight ``w``, summed.  With respect to its first differentiated
argument and along a random ``v``:

* ``s2s.hvp`` (forward mode over the generated gradient) is compared with central
  differences of ``s2s.grad`` along ``v`` (float64);
* ``s2s.vjp(s2s.grad(f))`` (reverse mode over the generated gradient) with the
  cotangent ``v`` is compared with the same differences (a Hessian is symmetric), for
  the cases whose rule calls a runtime helper of its own (``HELPER_CASES``; the
  elementwise rules' gradients are numpy arithmetic with ``unbroadcast`` and
  ``unreduce``, and reverse over reverse through them is test_higher_order.py's).

Generated gradients call the runtime helpers of the adjoint templates (``untile``,
``norm_adjoint``, ``eigh_adjoint``, ...).  Without a rule, s2s would differentiate a
helper's own source, which it mostly cannot (generator expressions, ``raise``) and,
where it can, gets wrong at the points the helper special-cases (``prod_adjoint``
with a zero entry).  So each helper has a tangent rule and an adjoint rule in
derivatives/runtime_rules.py, and the last tests keep it so.
"""

import math

import numpy as np
import pytest

import s2s
from gradcheck import fresh
from test_rules import CASES, weight

from s2s.rules import RULE_MODULES

EPS = 1e-6

# Points where the gradient jumps, so there is no Hessian to compare with (the
# differences of the gradient across the jump are of the order 1 / EPS).
NO_HESSIAN = {
    "np_maximum-ties": "x == y at some entries: the gradient of np.maximum jumps there",
    "np_max-ties": "two entries tie for the maximum: the gradient of np.max jumps there",
}


def second_order_params():
    params = []
    for case in CASES:
        f, args, wrt = case.values
        marks = list(case.marks)
        if case.id in NO_HESSIAN:
            marks.append(pytest.mark.skip(reason=f"no Hessian at this point: {NO_HESSIAN[case.id]}"))
        params.append(pytest.param(f, args, wrt, id=case.id, marks=marks))
    return params


PARAMS = second_order_params()

# helpers of the elementwise, broadcasting and reduction rules, and the ones with no derivative
ELEMENTARY = {"unbroadcast", "unreduce", "rebroadcast", "GradTuple", "seed_scalar", "seed_like", "shape_of", "zeros_like", "size_of", "untranspose_axes", "clip_mask"}


def helpers_called(f):
    """The runtime helpers other than ``ELEMENTARY`` that the adjoint rules of the calls,
    operators and subscripts in ``f`` use."""
    import operator

    import gast

    from s2s.frontend import parse
    from s2s.normalize import normalize
    from s2s.rules import BUILTIN, OPERATORS

    used = set()
    for node in gast.walk(normalize(parse(f))):
        fn = None
        if isinstance(node, gast.Call) and hasattr(node, "s2s_target"):
            fn = node.s2s_target
        elif isinstance(node, (gast.BinOp, gast.UnaryOp)):
            fn = OPERATORS[type(node.op)]
        elif isinstance(node, gast.Subscript):
            fn = operator.getitem
        rule = BUILTIN.lookup(fn) if fn is not None else None
        if rule is not None and rule.adjoint is not None:
            used |= rule.adjoint.runtime_used
    return used - ELEMENTARY


_called = {}
HELPER_CASES = [p for p in PARAMS if _called.setdefault(p.values[0], helpers_called(p.values[0]))]

_setups = {}


def setup(f, args, wrt):
    """The arguments (with ``w``), the one argument differentiated, a direction ``v`` and
    the central difference of the gradient along ``v`` (computed once per case)."""
    key = (f, id(args), wrt)
    if key not in _setups:
        _setups[key] = _setup(f, args, wrt)
    return _setups[key]


def _setup(f, args, wrt):
    args = list(args) + [weight(f, args)]
    index = wrt[0] if isinstance(wrt, tuple) else wrt
    x = args[index]
    rng = np.random.default_rng(11)
    v = float(rng.normal()) if isinstance(x, float) else rng.normal(size=np.shape(x))
    gradient = s2s.grad(f, wrt=index)
    up, down = list(args), list(args)
    up[index], down[index] = x + EPS * v, x - EPS * v
    numeric = (np.asarray(gradient(*up), dtype=np.float64) - np.asarray(gradient(*down), dtype=np.float64)) / (2 * EPS)
    return args, index, v, gradient, numeric


@pytest.mark.parametrize("f, args, wrt", PARAMS)
def test_hvp_matches_finite_differences_of_the_gradient(f, args, wrt):
    args, index, v, _, numeric = setup(f, args, wrt)
    hv = s2s.hvp(f, wrt=index)(*fresh(args), v)
    assert np.shape(hv) == np.shape(args[index])
    np.testing.assert_allclose(np.asarray(hv, dtype=np.float64), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f, args, wrt", HELPER_CASES)
def test_reverse_over_reverse_matches_finite_differences_of_the_gradient(f, args, wrt):
    args, index, v, gradient, numeric = setup(f, args, wrt)
    vh = s2s.vjp(gradient, wrt=index)(*fresh(args), v)
    assert np.shape(vh) == np.shape(args[index])
    np.testing.assert_allclose(np.asarray(vh, dtype=np.float64), numeric, rtol=1e-5, atol=1e-7)


def test_points_without_a_hessian_are_cases():
    assert set(NO_HESSIAN) <= {case.id for case in CASES}


def test_reverse_over_reverse_covers_the_helpers():
    """Every helper that the adjoint rules of the cases call is checked in reverse over
    reverse by some case."""
    covered = set().union(*(_called[p.values[0]] for p in HELPER_CASES if p.id not in NO_HESSIAN))
    assert covered == set().union(*_called.values()) - ELEMENTARY
    for name in ("untile", "unpad", "untake_along_axis", "norm_adjoint", "eigh_adjoint", "cholesky_adjoint", "prod_adjoint", "prod_items_adjoint"):
        assert name in covered


# -- the rule library stays closed under differentiation ---------------------------------------

FIRST_ORDER = tuple(m for m in RULE_MODULES if m != "runtime_rules")


def helpers_of_adjoint_templates():
    """``{helper name: [rules whose adjoint template calls it]}`` for the public
    ``s2s.runtime`` helpers named in the adjoint templates of the library's first-order
    rules: the helpers generated gradients call."""
    from s2s import runtime
    from s2s.rules import BUILTIN

    BUILTIN.lookup(abs)  # loads the rule library
    modules = {f"s2s.derivatives.{m}" for m in FIRST_ORDER}
    used = {}
    for rule in BUILTIN.rules.values():
        if rule.adjoint is None or rule.adjoint.fn.__module__ not in modules:
            continue
        for name in rule.adjoint.runtime_used:
            assert name in runtime.__all__
            used.setdefault(name, []).append(rule.name or repr(rule.fn))
    return used


def missing(kind):
    from s2s import runtime
    from s2s.rules import BUILTIN

    out = []
    for name, users in sorted(helpers_of_adjoint_templates().items()):
        rule = BUILTIN.lookup(getattr(runtime, name))
        if rule is None or (not rule.nondifferentiable and getattr(rule, kind) is None):
            out.append(f"{name} (used by the adjoint of {', '.join(sorted(set(users)))})")
    return out


def test_the_scan_finds_the_helpers():
    used = helpers_of_adjoint_templates()
    for name in ("untile", "unpad", "untake_along_axis", "norm_adjoint", "eigh_adjoint", "prod_items_adjoint", "unbroadcast"):
        assert name in used


def test_every_helper_of_an_adjoint_rule_has_a_tangent_rule():
    """``s2s.hvp`` is forward mode over the generated gradient."""
    assert not missing("tangent"), "runtime helpers without a tangent rule:\n" + "\n".join(missing("tangent"))


def test_every_helper_of_an_adjoint_rule_has_an_adjoint_rule():
    """``s2s.grad(s2s.grad(f))`` is reverse mode over the generated gradient."""
    assert not missing("adjoint"), "runtime helpers without an adjoint rule:\n" + "\n".join(missing("adjoint"))


def test_adjoint_templates_have_no_comprehensions():
    """A template is inlined into the generated gradient, where a comprehension would
    become a loop (s2s/normalize/comprehensions.py) that second order differentiates
    step by step: a template that needs one calls a runtime helper (which has rules)."""
    import gast

    from s2s.rules import BUILTIN

    BUILTIN.lookup(abs)
    modules = {f"s2s.derivatives.{m}" for m in FIRST_ORDER}
    found = sorted(
        rule.name or repr(rule.fn) for rule in BUILTIN.rules.values()
        if rule.adjoint is not None and rule.adjoint.fn.__module__ in modules
        and any(isinstance(n, (gast.GeneratorExp, gast.ListComp, gast.SetComp, gast.DictComp)) for stmt in rule.adjoint.body for n in gast.walk(stmt))
    )
    assert not found, f"adjoint templates with comprehensions: {found}"


# -- edge cases ---------------------------------------------------------------------------------


def prod_with_zero(x, y):
    return math.prod([x, y, x, 2.0])


def np_prod_squares(x):
    return np.prod(x * x)


def nuclear_norm(x):
    return np.linalg.norm(x, "nuc")


def spectral_norms(x):
    return np.sum(np.linalg.norm(x, 2, axis=(2, 1), keepdims=True) * np.array([[[1.5]], [[-0.5]]]))


def test_second_derivatives_of_products_are_exact_at_zeros():
    """``2 x^2 y`` at ``x = 0``: the adjoint helpers multiply the other items, never divide."""
    assert s2s.hvp(prod_with_zero)(0.0, 0.7, 1.0) == pytest.approx(2.8, abs=1e-14)
    assert s2s.grad(s2s.grad(prod_with_zero))(0.0, 0.7) == pytest.approx(2.8, abs=1e-14)
    # (x0 x1 x2)^2 with x1 = 0: only d^2 / dx1^2 = 2 (x0 x2)^2 is not zero
    x = np.array([0.5, 0.0, 2.0])
    np.testing.assert_allclose(s2s.hvp(np_prod_squares)(x, np.ones(3)), [0.0, 2.0, 0.0], atol=1e-14)
    np.testing.assert_allclose(s2s.vjp(s2s.grad(np_prod_squares))(x, np.ones(3)), [0.0, 2.0, 0.0], atol=1e-14)


@pytest.mark.parametrize("f, shape", [(nuclear_norm, (3, 4)), (spectral_norms, (2, 3, 4))])
def test_matrix_norms_forward_over_forward_and_reverse_over_forward(f, shape):
    """The tangent rule of ``np.linalg.norm`` calls ``matrix_norm_adjoint``: its rules make
    jvp code differentiable again."""
    rng = np.random.default_rng(5)
    x, v, u = (rng.normal(size=shape) for _ in range(3))
    jvp = s2s.jvp(f)
    numeric = (jvp(x + EPS * u, v)[1] - jvp(x - EPS * u, v)[1]) / (2 * EPS)  # u^T H v
    _, (_, forward) = s2s.jvp(jvp.generated, wrt="x")(x, v, u)
    assert forward == pytest.approx(numeric, rel=1e-5)
    reverse = s2s.vjp(jvp.generated, wrt="x")(x, v, (0.0, 1.0))
    assert np.sum(reverse * u) == pytest.approx(numeric, rel=1e-5)


def test_third_order_is_refused_naming_the_helper():
    """The helpers of the second-order rules have no rules of their own: differentiating
    them once more is an error at the call, not a derivative of the helper's source."""
    second = s2s.grad(s2s.grad(prod_with_zero))
    with pytest.raises(s2s.S2SError, match="no derivative rule for s2s.runtime.prod_items_adjoint_adjoint"):
        s2s.grad(second)
