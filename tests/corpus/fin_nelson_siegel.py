"""Nelson-Siegel yield curve fitted to the prices of zero-coupon bonds."""

import numpy as np


def nelson_siegel(maturities, beta0, beta1, beta2, tau):
    x = maturities / tau
    slope = (1.0 - np.exp(-x)) / x
    curvature = slope - np.exp(-x)
    return beta0 + beta1 * slope + beta2 * curvature


def bond_prices(params, maturities, face=100.0):
    yields = nelson_siegel(maturities, *params)
    return face * np.exp(-yields * maturities)


def fit_loss(params, maturities, market_prices):
    beta0, beta1, beta2, tau = params
    if tau <= 0:
        raise ValueError(f"tau must be positive, got {tau}")
    errors = bond_prices(params, maturities) - market_prices
    return np.sum((errors / maturities) ** 2)  # duration weighting


def corpus_inputs(rng):
    maturities = np.array([0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 20.0, 30.0])
    prices = bond_prices(np.array([0.045, -0.015, 0.02, 2.0]), maturities) + 0.02 * rng.normal(size=10)
    return np.array([0.04, -0.01, 0.01, 1.5]), maturities, prices


CORPUS = dict(f=fit_loss, wrt=0)
