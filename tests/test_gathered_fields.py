"""Reads of several fields of a record (a dataclass, a NamedTuple, an object's attributes):
their adjoints are built at once, ``unattributes(p, a=a_bar, b=b_bar)``
(s2s/optimize/accumulate.py, ``gather_fields``), not one ``GradDict`` per field added up; the
gradients stay right, and so do the second derivatives, which read ``unattributes`` back as
the sum of ``unattribute``s (s2s/normalize/fields.py)."""

import copy
import dataclasses
from typing import NamedTuple

import numpy as np
import pytest

import s2s

rng = np.random.default_rng(7)


@dataclasses.dataclass
class Market:
    expected_returns: np.ndarray
    covariance: np.ndarray
    risk_free: float = 0.02


class Gaussian(NamedTuple):
    mean: np.ndarray
    log_scale: np.ndarray


@dataclasses.dataclass
class Kinetics:
    k_forward: float
    k_backward: float
    initial: np.ndarray


def sharpe_ratio(weights, market):
    excess = weights @ market.expected_returns - market.risk_free
    return excess / np.sqrt(weights @ market.covariance @ weights)


def gaussian_nll(params, x):
    z = (x - params.mean) * np.exp(-params.log_scale)
    return np.sum(0.5 * z**2 + params.log_scale + 0.5 * np.log(2 * np.pi))


def reversible_reaction(rates, steps, dt):
    """A <-> B by explicit Euler: each step reads both rates, the loop's adjoints by field."""
    a, b = rates.initial[0], rates.initial[1]
    for _ in range(steps):
        flux = rates.k_forward * a - rates.k_backward * b
        a = a - dt * flux
        b = b + dt * flux
    return b


def huber_regression(model, X, y):
    """The field ``delta`` read twice, in two statements: its adjoints add."""
    r = X @ model.expected_returns - y
    small = np.abs(r) <= model.risk_free
    loss = np.where(small, 0.5 * r**2, model.risk_free * (np.abs(r) - 0.5 * model.risk_free))
    return np.mean(loss)


class LogisticRegression:
    def __init__(self, n_features, penalty=0.1):
        self.W = rng.normal(size=n_features)
        self.b = 0.3
        self.penalty = penalty

    def loss(self, X, y):
        logits = X @ self.W + self.b
        return np.mean(np.logaddexp(0.0, logits) - y * logits) + self.penalty * np.sum(self.W**2)


def market():
    factors = rng.normal(size=(5, 2))
    return Market(0.05 + 0.03 * rng.normal(size=5), 0.04 * (factors @ factors.T + np.eye(5)), 0.015)


def numeric_field_grads(f, args, index, eps=1e-6):
    """Central differences of ``f`` by each float or float array field of ``args[index]``."""
    record = args[index]
    names = record._fields if hasattr(record, "_fields") else [k for k, v in vars(record).items() if isinstance(v, (float, np.ndarray))]
    out = {}
    for name in names:
        value = getattr(record, name)
        flat = np.array(value, dtype=np.float64).ravel()
        g = np.zeros_like(flat)
        for i in range(flat.size):
            parts = []
            for step in (eps, -eps):
                moved = flat.copy()
                moved[i] += step
                new = moved.reshape(np.shape(value)) if isinstance(value, np.ndarray) else float(moved[0])
                changed = record._replace(**{name: new}) if hasattr(record, "_replace") else _with(record, name, new)
                parts.append(f(*args[:index], changed, *args[index + 1:]))
            g[i] = (parts[0] - parts[1]) / (2 * eps)
        out[name] = g.reshape(np.shape(value))
    return out


def _with(record, name, value):
    out = copy.copy(record)
    setattr(out, name, value)
    return out


def check_fields(gradient, expected, rtol=1e-6, atol=1e-8):
    for name, value in expected.items():
        np.testing.assert_allclose(getattr(gradient, name), value, rtol=rtol, atol=atol, err_msg=name)


CASES = [
    (sharpe_ratio, lambda: (rng.dirichlet(np.ones(5)), market()), 1),
    (gaussian_nll, lambda: (Gaussian(rng.normal(size=4), 0.1 * rng.normal(size=4)), rng.normal(size=(30, 4))), 0),
    (reversible_reaction, lambda: (Kinetics(0.7, 0.2, np.array([1.0, 0.1])), 40, 0.05), 0),
    (huber_regression, lambda: (Market(rng.normal(size=3), np.eye(3), 0.8), rng.normal(size=(20, 3)), rng.normal(size=20)), 0),
]


@pytest.mark.parametrize("f, make, index", CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("optimize", [True, False])
def test_record_gradients(f, make, index, optimize):
    args = make()
    gradient = s2s.grad(f, wrt=index, optimize=optimize)(*args)
    assert type(gradient) is type(args[index])
    check_fields(gradient, numeric_field_grads(f, args, index))


def test_straight_line_reads_gather():
    args = (rng.dirichlet(np.ones(5)), market())
    source = s2s.grad(sharpe_ratio, wrt=(0, 1)).specialize(*args).source
    assert "market_bar = unattributes(market, covariance=market_covariance_bar, risk_free=" in source
    assert "unattribute(" not in source
    args = CASES[1][1]()
    assert "unattributes(params, " in s2s.grad(gaussian_nll).specialize(*args).source


def test_a_method_reading_its_attributes():
    model = LogisticRegression(4)
    X, y = rng.normal(size=(25, 4)), (rng.random(25) < 0.5).astype(float)
    g = s2s.grad(LogisticRegression.loss, wrt="self")
    gradient = g(model, X, y)
    assert isinstance(gradient, LogisticRegression)
    assert "self_bar = unattributes(self, " in g.specialize(model, X, y).source
    check_fields(gradient, numeric_field_grads(lambda m, X, y: LogisticRegression.loss(m, X, y), (model, X, y), 0))


def test_second_order_reads_them_back():
    weights, m = rng.dirichlet(np.ones(5)), market()
    v = (rng.normal(size=5), Market(rng.normal(size=5), rng.normal(size=(5, 5)), 0.3))
    hv = s2s.hvp(sharpe_ratio, wrt=(0, 1))(weights, m, v)
    plain = s2s.hvp(sharpe_ratio, wrt=(0, 1), optimize=False)(weights, m, v)
    g = s2s.grad(sharpe_ratio, wrt=(0, 1))
    eps = 1e-6
    up = g(weights + eps * v[0], Market(*(getattr(m, n) + eps * getattr(v[1], n) for n in ("expected_returns", "covariance", "risk_free"))))
    down = g(weights - eps * v[0], Market(*(getattr(m, n) - eps * getattr(v[1], n) for n in ("expected_returns", "covariance", "risk_free"))))
    np.testing.assert_allclose(hv[0], (up[0] - down[0]) / (2 * eps), rtol=1e-6, atol=1e-8)
    for name in ("expected_returns", "covariance", "risk_free"):
        fd = (getattr(up[1], name) - getattr(down[1], name)) / (2 * eps)
        np.testing.assert_allclose(getattr(hv[1], name), fd, rtol=1e-6, atol=1e-8, err_msg=name)
        np.testing.assert_allclose(getattr(hv[1], name), getattr(plain[1], name), rtol=1e-12, atol=1e-14, err_msg=name)

    def gradient_size(market, weights):  # reverse over reverse, through the generated gradient
        return np.sum(g(weights, market)[0] ** 2)

    gradient = s2s.grad(gradient_size)(m, weights)
    check_fields(gradient, numeric_field_grads(gradient_size, (m, weights), 0), rtol=1e-5)
