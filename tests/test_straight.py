"""End-to-end reverse mode on straight-line programs, against finite differences."""

import numpy as np
import pytest

import s2s
from gradcheck import check_grad, numeric_grad
from programs import straight as P

rng = np.random.default_rng(42)


def r(*shape):
    return rng.normal(size=shape)


def mlp_args():
    x = r(6, 4)
    y = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    return [r(4, 5), r(5), r(5, 3), r(3), x, y]


CASES = [
    (P.mlp_loss, mlp_args, ("W1", "b1", "W2", "b2")),
    (P.spellings, lambda: [r(3, 2)], 0),
    (P.augmented, lambda: [r(4), r(4)], (0, 1)),
    (P.unpacking, lambda: [r(3), r(3)], (0, 1)),
    (P.swap, lambda: [r(3), r(3)], (0, 1)),
    (P.chained, lambda: [0.2, -0.5, 0.5], 0),
    (P.chained, lambda: [0.9, -0.5, 0.5], 0),
    (P.constants, lambda: [r(4)], 0),
    (P.attributes, lambda: [r(3, 4), r(3)], (0, 1)),
    (P.methods, lambda: [r(4, 4), r(4)], (0, 1)),
    (P.subscripts, lambda: [r(4, 5), 1], 0),
    (P.array_literal, lambda: [r(2), r(2)], (0, 1)),
    (P.tuples, lambda: [r(3), r(3)], (0, 1)),
    (P.broadcasting, lambda: [r(3, 4), r(4), r(3, 1), 0.7], (0, 1, 2, 3)),
    (P.floats, lambda: [0.7, 1.3], ("a", "b")),
    (P.comparisons, lambda: [r(5), r(5)], (0, 1)),
    (P.keywords, lambda: [r(3)], 0),
    (P.two_levels, lambda: [r(3) * 0.5, r(3) * 0.5], (0, 1)),
    (P.use_pair, lambda: [r(3), r(3)], (0, 1)),
    (P.uses_identity, lambda: [r(3)], 0),
    (P.constant_call, lambda: [r(3), r(4)], 0),
]


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("f, make_args, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_matches_finite_differences(f, make_args, wrt, optimize):
    check_grad(f, make_args(), wrt=wrt, optimize=optimize)


def test_mlp_wrt_all_four_by_name():
    args = mlp_args()
    grads = s2s.grad(P.mlp_loss, wrt=("W1", "b1", "W2", "b2"))(*args)
    assert isinstance(grads, tuple) and len(grads) == 4
    for i, g in enumerate(grads):
        expected = numeric_grad(P.mlp_loss, args, i)
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-9)


def test_each_helper_transformed_once():
    source = s2s.grad(P.two_levels, wrt=(0, 1)).source
    assert source.count("def helper_outer_forward(") == 1
    assert source.count("def helper_outer_backward(") == 1
    # helper_inner is called with one active argument everywhere: one pair
    assert source.count("def helper_inner_forward(") == 1


def test_float_argument_gets_float_gradient():
    g = s2s.grad(P.floats, wrt=(0, 1))(0.7, 1.3)
    assert all(type(v) is float for v in g)


def test_wrt_order_is_respected():
    x, y = r(3), r(3)
    gx, gy = s2s.grad(P.use_pair, wrt=(0, 1))(x, y)
    gy2, gx2 = s2s.grad(P.use_pair, wrt=("y", "x"))(x, y)
    np.testing.assert_allclose(gx, gx2)
    np.testing.assert_allclose(gy, gy2)
    (only,) = s2s.grad(P.use_pair, wrt=(1,))(x, y)
    np.testing.assert_allclose(only, gy)
