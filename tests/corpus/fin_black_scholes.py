"""Black-Scholes: call and put prices and greeks; a quadratic volatility smile calibrated to
market call prices (vega-weighted), and the price of a straddle as a function of the volatility."""

import numpy as np
from scipy.stats import norm


def d1_d2(S, K, T, r, sigma):
    sqrt_T = np.sqrt(T)
    d1 = (np.log(S / K) + (r + 0.5 * sigma**2) * T) / (sigma * sqrt_T)
    return d1, d1 - sigma * sqrt_T


def call_price(S, K, T, r, sigma):
    d1, d2 = d1_d2(S, K, T, r, sigma)
    return S * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)


def put_price(S, K, T, r, sigma):
    # put-call parity
    return call_price(S, K, T, r, sigma) - S + K * np.exp(-r * T)


def greeks(S, K, T, r, sigma):
    d1, d2 = d1_d2(S, K, T, r, sigma)
    return {
        "delta": norm.cdf(d1),
        "gamma": norm.pdf(d1) / (S * sigma * np.sqrt(T)),
        "vega": S * norm.pdf(d1) * np.sqrt(T),
    }


def smile(strikes, S, a, b, c):
    m = np.log(strikes / S)
    return a + b * m + c * m**2


def calibration_loss(coefficients, S, strikes, T, r, market_prices):
    if np.any(strikes <= 0):
        raise ValueError("strikes must be positive")
    sigma = smile(strikes, S, *coefficients)
    model = call_price(S, strikes, T, r, sigma)
    vega = greeks(S, strikes, T, r, sigma)["vega"]
    return np.mean(((model - market_prices) / vega) ** 2)


def straddle(sigma, S, K, T, r):
    return call_price(S, K, T, r, sigma) + put_price(S, K, T, r, sigma)


def market(rng):
    S, T, r = 100.0, 0.5, 0.02
    strikes = np.linspace(80.0, 120.0, 9)
    prices = call_price(S, strikes, T, r, smile(strikes, S, 0.2, -0.1, 0.3)) + 0.01 * rng.normal(size=9)
    return np.array([0.22, -0.05, 0.2]), S, strikes, T, r, prices


def one_option(rng):
    return 0.25 + 0.01 * rng.normal(), 100.0, 105.0, 0.5, 0.02


CORPUS = [dict(f=calibration_loss, wrt=0, inputs=market), dict(f=straddle, wrt=0, inputs=one_option)]
