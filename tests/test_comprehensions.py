"""List comprehensions and generator expressions become the loops s2s differentiates
(s2s/normalize/comprehensions.py); a loop over a sequence of functions iterates its
positions, each call a branch per function (s2s/normalize/tables.py); lambdas bound to a name are inlined where they are
called (s2s/normalize/lambdas.py); the gradients are right in both modes."""

import numpy as np
import pytest

import s2s
from gradcheck import assert_close, check_grad, numeric_grad
from programs import comprehensions as P

RNG = np.random.default_rng(21)
X = RNG.normal(size=3)
CASES = [
    pytest.param(P.deep_features, [X, [0.5 * np.eye(3), RNG.normal(size=(3, 3))]], id="layers"),
    pytest.param(P.fourier_series, [np.linspace(0.0, 3.0, 5), [(0.5, -0.2), (0.1, 0.3), (-0.4, 0.2)]], id="fourier"),
    pytest.param(P.positive_part_energy, [X, [0.5, -1.0, 2.0]], id="filtered"),
    pytest.param(P.polynomial_features, [X, 3], id="features"),
    pytest.param(P.pair_energy, [np.array([0.1, 0.7, -0.4, 1.2])], id="pairs"),
    pytest.param(P.shadowed, [X], id="shadowed"),
    pytest.param(P.gated_mixture, [X, RNG.normal(size=(3, 2)), RNG.normal(size=2)], id="lambdas"),
    pytest.param(P.basis_expansion, [np.array([0.5, -0.3, 0.8]), np.linspace(0.0, 2.0, 5)], id="sequence-of-functions"),
    pytest.param(P.stacked_activations, [X, [0.5 * RNG.normal(size=(3, 3)) for _ in range(3)]], id="loop-over-functions"),
]


@pytest.mark.parametrize("f, args", CASES)
def test_gradient(f, args):
    check_grad(f, args, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("f, args", CASES)
def test_tangent(f, args):
    v = np.linspace(-1.0, 1.0, np.size(args[0])).reshape(np.shape(args[0]))
    _, tangent = s2s.jvp(f)(*args, v)
    assert_close(tangent, np.sum(numeric_grad(f, args, 0) * v), rtol=1e-5, atol=1e-8)


def test_a_comprehension_in_a_while_condition_is_refused_with_the_rewrite():
    def settle(x):
        while sum([v * v for v in x]) > 1.0:
            x = x * 0.5
        return np.sum(x)

    with pytest.raises(s2s.S2SError, match="comprehension in a `while` condition"):
        s2s.grad(settle)(np.ones(3))


def captures(x, ks):
    f = lambda v: v * k  # noqa: E731
    k = 2.0
    return np.sum([f(x) for k in ks])


def test_a_lambda_whose_name_a_comprehension_rebinds_is_refused():
    with pytest.raises(s2s.S2SError, match="the comprehension around this call binds too"):
        s2s.grad(captures)(np.ones(2), [1.0, 2.0])
