"""Statements that compute nothing differentiable run in the forward sweep as written:
`raise` (input checks, an unknown option), f-strings, print, logging, warnings, assert.
The derivatives are right in both modes, and a path that raises raises the user's error."""

import logging

import numpy as np
import pytest

import s2s
from gradcheck import assert_close, check_grad, numeric_grad
from programs import inert_statements as P

RNG = np.random.default_rng(17)
X, Y = RNG.normal(size=(6, 3)), RNG.normal(size=6)

CASES = [
    pytest.param(P.mlp_loss, [RNG.normal(size=(3, 4)), X, Y], {}, id="mlp-tanh"),
    pytest.param(P.mlp_loss, [RNG.normal(size=(3, 4)), X, Y, "softplus"], {}, id="mlp-softplus"),
    pytest.param(P.mlp_loss, [RNG.normal(size=(3, 4)), X, Y, "relu"], {}, id="mlp-relu"),
    pytest.param(P.damped_oscillator, [np.array([4.0, 0.3]), np.array([1.0, 0.0]), 0.01, 120], {}, id="oscillator"),
    pytest.param(P.black_scholes_call, [0.2, 100.0, 95.0, 1.5, 0.03], {}, id="black-scholes"),
    pytest.param(P.gaussian_nll, [0.3, -0.2, RNG.normal(size=8), True], {}, id="nll-verbose"),
]


@pytest.mark.parametrize("f, args, _", CASES)
def test_gradient(f, args, _, capsys):
    check_grad(f, args, wrt=0)


@pytest.mark.parametrize("f, args, _", CASES)
def test_tangent(f, args, _):
    direction = RNG.normal(size=np.shape(args[0])) if isinstance(args[0], np.ndarray) else 1.0
    value, tangent = s2s.jvp(f, wrt=0)(*args, direction)
    assert_close(value, f(*args))
    assert_close(tangent, np.sum(numeric_grad(f, args, 0) * direction), rtol=1e-5)


def test_print_runs_in_the_forward_sweep(capsys):
    s2s.grad(P.gaussian_nll)(0.3, -0.2, np.ones(3), True)
    assert "nll=" in capsys.readouterr().out


def test_logging_runs_in_the_forward_sweep(caplog):
    with caplog.at_level(logging.DEBUG, logger="inert_statements"):
        s2s.grad(P.damped_oscillator)(np.array([4.0, 0.3]), np.array([1.0, 0.0]), 0.01, 60)
    assert "step 50:" in caplog.text


def test_warnings_run_in_the_forward_sweep():
    with pytest.warns(UserWarning, match="outside the calibrated range"):
        s2s.grad(P.black_scholes_call)(0.2, 100.0, 95.0, 12.0, 0.03)


@pytest.mark.parametrize("transform", [s2s.grad, lambda f: (lambda *a: s2s.jvp(f)(*a, np.ones((3, 4))))])
def test_the_users_error_is_raised(transform):
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        transform(P.mlp_loss)(np.ones((3, 4)), X, Y, "gelu")
    with pytest.raises(ValueError, match="W has 2 rows but X has 3 features"):
        s2s.grad(P.mlp_loss)(np.ones((2, 4)), X, Y)
    with pytest.raises(AssertionError, match="state is"):
        s2s.grad(P.damped_oscillator)(np.array([4.0, 0.3]), np.zeros(3), 0.01, 5)


def test_a_raising_path_is_saved_nowhere():
    """The generated code keeps the check where the user wrote it, with no branch record."""
    g = s2s.grad(P.activation)
    source = g.source if hasattr(g, "source") else open(g.path).read()
    assert "raise ValueError(message)" in source
    assert source.count("zeros_like") == 0  # no backward branch for the path that raised
