"""Linear recursions as their authors write them: one call of itself per call (s2s.normalize.recursion)."""

import numpy as np


def horner(c, x, i):
    """c[i] + x*(c[i+1] + x*(...)): Horner's rule, one coefficient per call."""
    if i == len(c) - 1:
        return c[i]
    return c[i] + x * horner(c, x, i + 1)


def polynomial(c, x):
    return horner(c, x, 0)


def lambert_tail(x2, k, depth):
    """(2k+1) - x^2 / ((2k+3) - x^2 / (...)): the tail of Lambert's continued fraction for tan."""
    if k == depth:
        return 2.0 * k + 1.0
    return 2.0 * k + 1.0 - x2 / lambert_tail(x2, k + 1, depth)


def tan_cf(x, depth):
    """tan x = x / (1 - x^2 / (3 - x^2 / (5 - ...))), evaluated recursively."""
    return x / lambert_tail(x * x, 0, depth)


def continued_fraction(a, b, i):
    """a[i] + b[i] / (a[i+1] + b[i+1] / (...)), a generalized continued fraction from entry i on."""
    return a[i] if i == len(a) - 1 else a[i] + b[i] / continued_fraction(a, b, i + 1)


def power(x, n):
    """x**n by squaring: x**(n//2) squared, times x where n is odd."""
    if n == 0:
        return 1.0
    half = power(x, n // 2)
    if n % 2 == 1:
        return x * half * half
    return half * half


def discounted_return(rewards, gamma, t):
    """The return from step t on: r[t] + gamma r[t+1] + gamma^2 r[t+2] + ..."""
    if t == len(rewards):
        return 0.0
    return rewards[t] + gamma * discounted_return(rewards, gamma, t + 1)


def value_of(rewards, gamma):
    return discounted_return(rewards, gamma, 0)


def horner_shared(c, x, i):
    """Horner's rule whose base case falls through into the code the recursive case runs."""
    if i == len(c) - 1:
        inner = 0.0
    else:
        inner = horner_shared(c, x, i + 1)
    return c[i] + x * inner


def polynomial_shared(c, x):
    return horner_shared(c, x, 0)


def sinc_product(x, n):
    """sin(x)/x = cos(x/2) cos(x/4) ... (Viete), n factors: the argument halves each call."""
    if n == 0:
        return 1.0
    return np.cos(0.5 * x) * sinc_product(0.5 * x, n - 1)


def babylonian(a, x, n):
    """sqrt(a) by n Newton steps from x (tail recursion: nothing to do after the call)."""
    if n == 0:
        return x
    return babylonian(a, 0.5 * (x + a / x), n - 1)


def pairwise(w, lo, hi):
    """sum of w[lo:hi]**2, pairwise (two calls: left a recursion)."""
    if hi - lo == 1:
        return w[lo] * w[lo]
    mid = (lo + hi) // 2
    return pairwise(w, lo, mid) + pairwise(w, mid, hi)


def sum_of_squares(w, scale):
    return scale * pairwise(w, 0, len(w))


def power_early(x, n):
    """x**n by squaring, stopping a level early where n is 1 (two base cases before the call)."""
    if n == 0:
        return 1.0
    if n == 1:
        return x
    half = power_early(x, n // 2)
    if n % 2 == 1:
        return x * half * half
    return half * half


def branching_sum(x, depth):
    """A recursion whose one call runs in a loop, twice per call (left a recursion)."""
    if depth == 0:
        return np.sin(x)
    total = 0.0
    for k in range(2):
        total = total + branching_sum(0.5 * x + 0.1 * k, depth - 1)
    return total


def continued_fraction_truncated(a, b, i):
    """a[i] + b[i] / (a[i+1] + ...), cut where a partial numerator vanishes (a test after a statement)."""
    if i == len(a) - 1:
        return a[i]
    size = abs(b[i])
    if size < 1e-300:
        return a[i]
    return a[i] + b[i] / continued_fraction_truncated(a, b, i + 1)


def rising(x, n):
    """The rising factorial x (x + 1) ... (x + n - 1) (Pochhammer): pushes x, a float stepped by 1."""
    if n == 0:
        return 1.0
    return x * rising(x + 1, n - 1)
