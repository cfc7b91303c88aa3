"""Programs with list comprehensions and generator expressions, as their authors write them."""

import numpy as np


def deep_features(x, Ws):
    """A stack of tanh layers applied side by side, and their total energy."""
    hs = [np.tanh(x @ W) for W in Ws]
    return sum(np.sum(h ** 2) for h in hs)


def fourier_series(t, coeffs):
    """A truncated Fourier series evaluated at times t, its coefficients in a list."""
    terms = [a * np.cos(k * t) + b * np.sin(k * t) for k, (a, b) in enumerate(coeffs)]
    return np.sum(np.sum(np.stack(terms), axis=0) ** 2)


def positive_part_energy(x, weights):
    """Only the positive weights count (a filtered generator)."""
    return sum(w * np.sum(np.log1p(np.exp(w * x))) for w in weights if w > 0)


def polynomial_features(x, degree):
    return np.sum(np.column_stack([x ** k for k in range(1, degree + 1)]) @ np.linspace(1.0, 0.5, degree))


def pair_energy(r):
    """A soft pair potential over all ordered pairs, by a nested comprehension."""
    n = r.shape[0]
    return np.sum(np.array([[np.exp(-(r[i] - r[j]) ** 2) for j in range(n) if j != i] for i in range(n)]))


def shadowed(x):
    k = 2.0
    scaled = [x * k for k in (1.0, 3.0)]  # the comprehension's k is its own
    return np.sum(scaled[0] * scaled[1]) * k


def gated_mixture(x, w, b):
    """Small helpers bound to names inside the function, as people write them."""
    gate = lambda z: 1.0 / (1.0 + np.exp(-z))
    expert = lambda z, scale=1.0: scale * np.tanh(z @ w + b)
    mixed = [gate(x[i]) * expert(x, scale=float(i + 1)) for i in range(2)]
    return np.sum(mixed[0] + mixed[1])


BASIS = (np.sin, np.cos, np.tanh)


def basis_expansion(coeffs, t):
    """A signal as a weighted sum of basis functions from a module-level tuple."""
    return np.sum(sum(c * f(t) for c, f in zip(coeffs, BASIS)) ** 2)


def softplus(z):
    return np.log1p(np.exp(z))


def stacked_activations(x, Ws):
    """Layers with their own activations, a literal list of functions walked with enumerate."""
    h = x
    for k, activation in enumerate([softplus, np.tanh, np.sin]):
        h = activation(Ws[k] @ h)
    return np.sum(h * h)
