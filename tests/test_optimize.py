"""The optimizer's rewrites: what they make of generated code, and that they keep its values.

Every parametrized finite-difference test with ``optimize=False`` also checks
that the optimized gradient is bit for bit the same (tests/gradcheck.py); the
tests here pin the shapes the rewrites give and the cases they must leave
alone.
"""

import math

import numpy as np
import pytest

import s2s
from sweeps import sweeps

rng = np.random.default_rng(7)


def half_square(x):
    return 0.5 * np.sum(x * x)


def weighted(x, k):
    return np.sum(k * x)


def test_grad_seed_is_one_and_multiplies_nothing():
    g = s2s.grad(half_square)
    assert "x_bar = x\n" not in g.source  # ...but the gradient is not the argument itself
    x = rng.normal(size=5)
    dx = g(x)
    np.testing.assert_array_equal(dx, x)
    assert dx is not x and not np.shares_memory(dx, x)


def test_seed_stays_where_only_integers_would_remain():
    k = np.arange(4)
    x = rng.normal(size=4)
    dx = s2s.grad(weighted)(x, k)
    assert dx.dtype == np.float64 and not np.shares_memory(dx, k)
    np.testing.assert_array_equal(dx, k)


def test_float32_gradient_stays_float32():
    x = rng.normal(size=5).astype(np.float32)
    assert s2s.grad(half_square)(x).dtype == np.float32


def accumulate(x, y):
    return np.sum(np.sin(x) * y + x * y * y)


def test_a_first_contribution_and_its_addition_merge():
    source = s2s.grad(accumulate, wrt=(0, 1)).source
    backward = sweeps(source, accumulate)[1]
    assert backward.count(" x_bar =") + backward.count(" x_bar +=") == 1, backward


def loop_with_invariant(x, a, n):
    s = 0.0
    for i in range(n):
        s = 0.9 * s + 0.1 * math.sin(x * s + a) + 0.01 * x * x
    return s


def test_loop_invariant_is_computed_once():
    source = s2s.grad(loop_with_invariant, wrt=(0, 1)).source
    forward = sweeps(source, loop_with_invariant)[0]
    loop = forward.index("\n    for i in ")
    assert forward.index("times_x = 0.01 * x") < loop
    g = s2s.grad(loop_with_invariant, wrt=(0, 1), optimize=False)(0.7, 0.3, 20)
    assert s2s.grad(loop_with_invariant, wrt=(0, 1))(0.7, 0.3, 20) == g


def loop_changing_operand(x, n):
    s = 0.0
    w = x
    for i in range(n):
        s = s + 0.5 * w * x
        w = w * 0.9
    return s


def test_a_name_the_loop_changes_is_not_invariant():
    x = 0.8
    eps = 1e-6
    g = s2s.grad(loop_changing_operand)(x, 5)
    assert g == pytest.approx((loop_changing_operand(x + eps, 5) - loop_changing_operand(x - eps, 5)) / (2 * eps), rel=1e-7)


def backwards_loop(xs):
    acc = 0.0
    for v in reversed(xs):
        acc = 0.5 * acc + np.sin(v)
    return acc


def test_user_loop_over_reversed():
    xs = rng.normal(size=6)
    g = s2s.grad(backwards_loop)(xs)
    eps = 1e-6
    fd = [(backwards_loop(xs + eps * e) - backwards_loop(xs - eps * e)) / (2 * eps) for e in np.eye(6)]
    np.testing.assert_allclose(g, fd, rtol=1e-7)


def test_one_number_is_differentiated_in_forward_mode(tmp_path, monkeypatch):
    from test_stacks import tree as recursion

    monkeypatch.setenv("S2S_CACHE_DIR", str(tmp_path))
    g = s2s.grad(recursion)
    value = g(0.4, 4)
    eps = 1e-6
    assert value == pytest.approx((recursion(0.4 + eps, 4) - recursion(0.4 - eps, 4)) / (2 * eps), rel=1e-7)
    (variant,) = [p for p in tmp_path.iterdir() if "in forward mode" in p.read_text()]
    source = variant.read_text()
    assert "def tree_jvp(x_dot, x, depth):" in source and "rebroadcast" not in source and "_saved" not in source
    assert s2s.grad(recursion, optimize=False)(0.4, 4) == value
    v, d = s2s.value_and_grad(recursion)(0.4, 4)
    assert v == recursion(0.4, 4) and d == value
    # an array argument, or two numbers, stay in reverse mode
    two = s2s.grad(loop_with_invariant, wrt=(0, 1))
    two(0.7, 0.3, 5)
    assert not any("in forward mode" in p.read_text() and "loop_with_invariant" in p.read_text() for p in tmp_path.iterdir())


def scaled_mean(x):
    return -np.mean(np.sum(x * x, axis=1)) * 3


def scaled_total(x):
    return np.sum(np.sum(x, axis=1)) * 3


def test_the_seed_stays_in_products_of_sizes_and_numbers():
    """Only a floating value of the program may take the seed's place: a product of the seed
    and sizes or numbers alone keeps it (dropping it would leave integer arithmetic)."""
    source = s2s.grad(scaled_total).source
    assert "seed_like(x)" in sweeps(source, scaled_total)[1]
    for fn, expected in ((scaled_mean, lambda x: -6 * x / 4), (scaled_total, lambda x: np.full_like(x, 3))):
        for dtype in (np.float64, np.float32):
            x = rng.normal(size=(4, 3)).astype(dtype)
            for g in (s2s.grad(fn), s2s.grad(fn).specialize(x)):
                got = g(x)
                assert got.dtype == dtype, (fn.__name__, dtype, got.dtype)
                np.testing.assert_allclose(got, expected(x), rtol=1e-6 if dtype == np.float32 else 1e-12)
