"""Forward mode on the whole corpus: jvp against finite differences, and the
dot-product identity <jvp(f)(x; v), w> == <v, vjp(f)(x; w)> against reverse mode."""

import numpy as np
import pytest

import s2s
import test_control
import test_straight

CASES = [(f, [m], wrt) for f, m, wrt in test_straight.CASES] + [
    (f, makers, wrt) for f, makers, wrt in test_control.CASES
]
PARAMS = [
    pytest.param(f, maker, wrt, id=f"{f.__name__}-{k}")
    for f, makers, wrt in CASES
    for k, maker in enumerate(makers)
]


def wrt_indices(f, wrt):
    import inspect

    names = list(inspect.signature(f).parameters)
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    return [w if isinstance(w, int) else names.index(w) for w in items]


def direction(value, rng):
    if isinstance(value, float):
        return float(rng.normal())
    return rng.normal(size=np.shape(value))


def shifted(args, indices, tangents, eps):
    out = list(args)
    for i, t in zip(indices, tangents):
        out[i] = args[i] + eps * t if isinstance(args[i], float) else np.asarray(args[i], dtype=float) + eps * t
    return out


@pytest.mark.parametrize("f, make_args, wrt", PARAMS)
def test_jvp_matches_finite_differences_and_vjp(f, make_args, wrt):
    rng = np.random.default_rng(7)
    args = make_args()
    indices = wrt_indices(f, wrt)
    tangents = [direction(args[i], rng) for i in indices]
    value, tangent = s2s.jvp(f, wrt=wrt)(*args, *tangents)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12, atol=1e-12)
    eps = 1e-6
    numeric = (np.asarray(f(*shifted(args, indices, tangents, eps))) - np.asarray(f(*shifted(args, indices, tangents, -eps)))) / (2 * eps)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-6, atol=1e-8)
    # the adjoint identity: <J v, w> == <v, J^T w>
    w = direction(value, rng) if np.ndim(value) else float(rng.normal())
    grads = s2s.vjp(f, wrt=tuple(indices))(*args, w)
    lhs = float(np.sum(np.asarray(tangent) * w))
    rhs = float(sum(np.sum(np.asarray(g) * t) for g, t in zip(grads, tangents)))
    assert lhs == pytest.approx(rhs, rel=1e-8, abs=1e-10)


def summed_list(a):
    return np.sum([1.0, a * a, 2.0 * a])


def test_a_list_of_scalars_reaches_numpy_with_its_tangents():
    """The tangent of a list literal is a list: numpy converts it as it does the list."""
    value, tangent = s2s.jvp(summed_list)(1.5, 1.0)
    assert value == summed_list(1.5) and tangent == 2 * 1.5 + 2.0
    assert s2s.grad(summed_list)(1.5) == 2 * 1.5 + 2.0  # a float argument: forward mode
