"""The public API of shared/API.md: forms, attributes, options."""

import functools
import inspect
import os

import numpy as np
import pytest

import s2s
from gradcheck import assert_close, numeric_grad
from programs import straight as P

rng = np.random.default_rng(1)


def quadratic(x, A):
    return 0.5 * np.sum(x * (A @ x))


def vector_out(x, W):
    return np.tanh(W @ x)


@s2s.grad
def decorated_plain(x):
    return np.sum(x * x * x)


@s2s.grad(wrt=(0, 1))
def decorated_with_wrt(x, y):
    return np.sum(x * y)


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return fn(*args)
    return wrapper


@logged
def wrapped(x):
    return np.sum(np.exp(x))


def make_closure(scale):
    offset = np.array([1.0, 2.0, 3.0])

    def inner(x):
        return np.sum((x * scale + offset) ** 2)
    return inner


def test_grad_value_and_grad_vjp_agree():
    x, A = rng.normal(size=3), rng.normal(size=(3, 3))
    g = s2s.grad(quadratic)(x, A)
    value, g2 = s2s.value_and_grad(quadratic)(x, A)
    assert value == pytest.approx(quadratic(x, A))
    assert_close(g, g2)
    assert_close(g, 0.5 * (A + A.T) @ x)
    g3 = s2s.vjp(quadratic)(x, A, 1.0)
    assert_close(g3, g)


def test_vjp_of_vector_output():
    x, W = rng.normal(size=3), rng.normal(size=(4, 3))
    dout = rng.normal(size=4)
    dx = s2s.vjp(vector_out)(x, W, dout)
    jac = np.stack([numeric_grad(lambda x, W: vector_out(x, W)[i], [x, W], 0) for i in range(4)])
    assert_close(dx, dout @ jac)
    dx2, dW = s2s.vjp(vector_out, wrt=(0, 1))(x, W, dout)
    assert_close(dx2, dx)
    assert dW.shape == W.shape


def test_transformed_function_carries_source_path_primal():
    g = s2s.grad(quadratic)
    assert g.primal is quadratic
    assert os.path.isfile(g.path)
    assert open(g.path).read() == g.source
    assert "def grad_quadratic(" in g.source
    assert inspect.getsource(g.generated).startswith("def grad_quadratic(")


def test_decorator_forms():
    x = rng.normal(size=4)
    assert_close(decorated_plain(x), 3 * x * x)
    gx, gy = decorated_with_wrt(x, 2 * x)
    assert_close(gx, 2 * x)
    assert_close(gy, x)


def test_functools_wraps_is_unwrapped():
    x = rng.normal(size=3)
    assert_close(s2s.grad(wrapped)(x), np.exp(x))


def test_closure_and_nested_definition():
    inner = make_closure(2.0)
    x = rng.normal(size=3)
    assert_close(s2s.grad(inner)(x), numeric_grad(inner, [x], 0))


def test_globals_are_bound():
    x = rng.normal(size=(2, 3))
    assert_close(s2s.grad(P.spellings)(x), numeric_grad(P.spellings, [x], 0))


def test_out_dir(tmp_path):
    g = s2s.grad(quadratic, out_dir=str(tmp_path))
    assert os.path.dirname(g.path) == str(tmp_path)
    assert os.path.basename(g.path) == "test_api_grad_quadratic.py"
    x, A = rng.normal(size=3), rng.normal(size=(3, 3))
    assert_close(g(x, A), 0.5 * (A + A.T) @ x)


def test_optimize_false_gives_identical_values():
    args = [rng.normal(size=s) for s in [(4, 5), (5,), (5, 3), (3,)]] + [rng.normal(size=(6, 4)), np.eye(3)[[0, 1, 2, 0, 1, 2]]]
    a = s2s.grad(P.mlp_loss, wrt=(0, 1, 2, 3))(*args)
    b = s2s.grad(P.mlp_loss, wrt=(0, 1, 2, 3), optimize=False)(*args)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_generation_is_deterministic():
    from s2s.transform import transform

    assert transform(P.mlp_loss, "grad", (0, 1)).source == transform(P.mlp_loss, "grad", (0, 1)).source
