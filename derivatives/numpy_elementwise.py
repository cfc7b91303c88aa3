"""Elementwise functions of numpy and their ``math`` twins: one line of calculus each.

Each definition returns the derivative of the result (``y``, or ``z`` for two
arguments) in each argument; :func:`s2s.families.elementwise` makes the adjoint
(``dx = dy * ...``) and the tangent (``dy = dx * ...``) templates, and the ``math``
functions listed get the same derivative spelled with ``math``.  Parameter names are
numpy's, so keyword calls bind.  Write a derivative in the order its product with
the incoming derivative should be computed (see :mod:`s2s.families`): ``1.0 / x``
divides by ``x``.
"""

import math

import numpy as np

from s2s.families import elementwise
from s2s.rules import limits

# -- arithmetic (and the Python operators that stand for it) ----------------------


@elementwise(np.add)
def add(z, x1, x2):
    return 1.0, 1.0


@elementwise(np.subtract)
def subtract(z, x1, x2):
    return 1.0, -1.0


@elementwise(np.true_divide)
def true_divide(z, x1, x2):
    return 1.0 / x2, -z / x2


@elementwise(np.power, np.float_power)
def power(z, x1, x2):
    """In ``x2``: ``z * log(x1)``, 0 where a real ``x1`` is not positive."""
    return x2 * x1 ** (x2 - 1), z * np.log(np.where(x1 != 0, x1, 1) if np.iscomplexobj(x1) else np.where(x1 > 0, x1, 1))


@elementwise(np.negative)
def negative(y, x):
    return -1.0


@elementwise(np.positive)
def positive(y, x):
    return 1.0


@elementwise(np.square)
def square(y, x):
    return 2.0 * x


@elementwise(np.reciprocal)
def reciprocal(y, x):
    return -y * y


@elementwise(np.fabs)  # np.abs (of complex values too) and abs: numpy_complex.py
def fabs(y, x):
    return np.sign(x)


@elementwise(np.maximum, np.fmax)
def maximum(z, x1, x2):
    """Ties split the derivative evenly, as the max reduction does."""
    return (x1 > x2) + 0.5 * (x1 == x2), (x2 > x1) + 0.5 * (x1 == x2)


@elementwise(np.minimum, np.fmin)
def minimum(z, x1, x2):
    return (x1 < x2) + 0.5 * (x1 == x2), (x2 < x1) + 0.5 * (x1 == x2)


@elementwise(np.mod)  # np.remainder is np.mod
def mod(z, x1, x2):
    """``mod(x1, x2) = x1 - floor(x1 / x2) * x2``; also the ``%`` operator."""
    return 1.0, -np.floor_divide(x1, x2)


@elementwise(np.fmod, math.fmod)
def fmod(z, x1, x2):
    """``fmod(x1, x2) = x1 - trunc(x1 / x2) * x2``."""
    return 1.0, -np.trunc(x1 / x2)


# -- elementwise functions -------------------------------------------------------


@elementwise(np.sin, math.sin)
def sin(y, x):
    return np.cos(x)


@elementwise(np.cos, math.cos)
def cos(y, x):
    return -np.sin(x)


@elementwise(np.tan, math.tan)
def tan(y, x):
    return 1.0 + y * y


@elementwise(np.arcsin, math.asin)
def arcsin(y, x):
    return 1.0 / np.sqrt(1.0 - x * x)


@elementwise(np.arccos, math.acos)
def arccos(y, x):
    return -1.0 / np.sqrt(1.0 - x * x)


@elementwise(np.arctan, math.atan)
def arctan(y, x):
    return 1.0 / (1.0 + x * x)


@elementwise(np.arcsinh, math.asinh)
def arcsinh(y, x):
    return 1.0 / np.sqrt(x * x + 1.0)


@elementwise(np.arccosh, math.acosh)
def arccosh(y, x):
    return 1.0 / np.sqrt(x * x - 1.0)


@elementwise(np.arctanh, math.atanh)
def arctanh(y, x):
    return 1.0 / (1.0 - x * x)


@elementwise(np.sinh, math.sinh)
def sinh(y, x):
    return np.cosh(x)


@elementwise(np.cosh, math.cosh)
def cosh(y, x):
    return np.sinh(x)


@elementwise(np.tanh, math.tanh)
def tanh(y, x):
    return 1.0 - y * y


@elementwise(np.exp, math.exp)
def exp(y, x):
    return y


@elementwise(np.exp2, getattr(math, "exp2", None))  # math.exp2: Python 3.11+
def exp2(y, x):
    return y * np.log(2.0)


@elementwise(np.expm1, math.expm1)
def expm1(y, x):
    return y + 1.0


@elementwise(np.log)  # math.log takes a base: math_rules.py
def log(y, x):
    return 1.0 / x


@elementwise(np.log2, math.log2)
def log2(y, x):
    return 1.0 / (x * np.log(2.0))


@elementwise(np.log10, math.log10)
def log10(y, x):
    return 1.0 / (x * np.log(10.0))


@elementwise(np.log1p, math.log1p)
def log1p(y, x):
    return 1.0 / (1.0 + x)


@elementwise(np.sqrt, math.sqrt)
def sqrt(y, x):
    return 1.0 / (2.0 * y)


@elementwise(np.cbrt, getattr(math, "cbrt", None))  # math.cbrt: Python 3.11+
def cbrt(y, x):
    return 1.0 / (3.0 * y * y)


@elementwise(np.sinc)
def sinc(y, x):
    """``sinc(x) = sin(pi x) / (pi x)``: ``(cos(pi x) - sinc(x)) / x``; at 0 its first
    Taylor term, ``-pi**2 / 3 * x`` (0, with the slope second order needs)."""
    return np.where(x == 0, -np.pi**2 / 3 * x, (np.cos(np.pi * x) - y) / np.where(x == 0, 1.0, x))


@elementwise(np.deg2rad, np.radians, math.radians)
def deg2rad(y, x):
    return np.pi / 180.0


@elementwise(np.rad2deg, np.degrees, math.degrees)
def rad2deg(y, x):
    return 180.0 / np.pi


@elementwise(np.logaddexp)
def logaddexp(z, x1, x2):
    return np.exp(x1 - z), np.exp(x2 - z)


@elementwise(np.logaddexp2)
def logaddexp2(z, x1, x2):
    return np.exp2(x1 - z), np.exp2(x2 - z)


@elementwise(np.arctan2, math.atan2)
def arctan2(z, x1, x2):
    return x2 / (x1 * x1 + x2 * x2), -x1 / (x1 * x1 + x2 * x2)


@elementwise(np.hypot)
def hypot(z, x1, x2):
    """At ``z == 0`` both arguments are 0: the derivative 0 (the smallest subgradient), not 0 / 0."""
    return x1 / np.where(z == 0, 1.0, z), x2 / np.where(z == 0, 1.0, z)


@elementwise(np.nan_to_num)
def nan_to_num(y, x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Not a number and the infinities are replaced by constants."""
    return np.isfinite(x)


limits(np.nan_to_num, without=("nan", "posinf", "neginf"))
