"""Mean-variance portfolio choice: long-only weights through a softmax, utility = expected return
minus risk aversion times variance minus a quadratic turnover cost; and the Sharpe ratio."""

from dataclasses import dataclass

import numpy as np


@dataclass
class Market:
    expected_returns: np.ndarray
    covariance: np.ndarray
    risk_free: float = 0.01


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def utility(logits, market, current_weights, risk_aversion=3.0, cost=0.05):
    n = len(market.expected_returns)
    if market.covariance.shape != (n, n):
        raise ValueError(f"covariance must be {n}x{n}, got {market.covariance.shape}")
    w = softmax(logits)
    mean = w @ market.expected_returns
    variance = w @ market.covariance @ w
    turnover = np.sum((w - current_weights) ** 2)
    return -(mean - 0.5 * risk_aversion * variance - cost * turnover)


def sharpe_ratio(weights, market):
    excess = weights @ market.expected_returns - market.risk_free
    return excess / np.sqrt(weights @ market.covariance @ weights)


def corpus_inputs(rng):
    n = 6
    factors = rng.normal(size=(n, 2))
    covariance = 0.04 * (factors @ factors.T + np.eye(n))
    market = Market(expected_returns=0.05 + 0.03 * rng.normal(size=n), covariance=covariance)
    return rng.normal(size=n), market, np.full(n, 1.0 / n)


def weights(rng):
    market = corpus_inputs(rng)[1]
    return rng.dirichlet(np.ones(6)), market


CORPUS = [dict(f=utility, wrt=0), dict(f=sharpe_ratio, wrt=(0, 1), inputs=weights)]
