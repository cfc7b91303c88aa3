"""Tangent (forward-mode) rules for the math module (Python floats).

See :mod:`s2s.derivatives.numpy_tangents` for how a tangent template reads.
"""

import math

from s2s.rules import tangent


@tangent(math.sin)
def sin(y, x):
    dy = dx * math.cos(x)


@tangent(math.cos)
def cos(y, x):
    dy = -dx * math.sin(x)


@tangent(math.tan)
def tan(y, x):
    dy = dx * (1.0 + y * y)


@tangent(math.asin)
def asin(y, x):
    dy = dx / math.sqrt(1.0 - x * x)


@tangent(math.acos)
def acos(y, x):
    dy = -dx / math.sqrt(1.0 - x * x)


@tangent(math.atan)
def atan(y, x):
    dy = dx / (1.0 + x * x)


@tangent(math.sinh)
def sinh(y, x):
    dy = dx * math.cosh(x)


@tangent(math.cosh)
def cosh(y, x):
    dy = dx * math.sinh(x)


@tangent(math.tanh)
def tanh(y, x):
    dy = dx * (1.0 - y * y)


@tangent(math.asinh)
def asinh(y, x):
    dy = dx / math.sqrt(x * x + 1.0)


@tangent(math.acosh)
def acosh(y, x):
    dy = dx / math.sqrt(x * x - 1.0)


@tangent(math.atanh)
def atanh(y, x):
    dy = dx / (1.0 - x * x)


@tangent(math.exp)
def exp(y, x):
    dy = dx * y


@tangent(math.expm1)
def expm1(y, x):
    dy = dx * (y + 1.0)


@tangent(math.log)
def log(y, x, base=math.e):
    dy = dx / (x * math.log(base))
    dy = -dbase * y / (base * math.log(base))


@tangent(math.log2)
def log2(y, x):
    dy = dx / (x * math.log(2.0))


@tangent(math.log10)
def log10(y, x):
    dy = dx / (x * math.log(10.0))


@tangent(math.log1p)
def log1p(y, x):
    dy = dx / (1.0 + x)


@tangent(math.sqrt)
def sqrt(y, x):
    dy = dx / (2.0 * y)


@tangent(math.pow)
def pow(z, x, y):
    dz = dx * y * math.pow(x, y - 1.0)
    dz = dy * z * math.log(x) if x > 0 else 0.0 * dy


@tangent(math.fabs)
def fabs(y, x):
    dy = dx * math.copysign(1.0, x)


@tangent(math.hypot)
def hypot(z, *coordinates):
    """``sum(c * dc) / z``; ``math.prod((c, dc))`` is ``c * dc``."""
    dz = sum(map(math.prod, zip(coordinates, dcoordinates))) / z


@tangent(math.dist)
def dist(z, p, q):
    """``sum((p - q) * (dp - dq)) / z``, one term per point."""
    dz = sum((pi - qi) * ti for pi, qi, ti in zip(p, q, dp)) / z
    dz = sum((qi - pi) * ti for pi, qi, ti in zip(p, q, dq)) / z


@tangent(math.fsum)
def fsum(y, seq):
    dy = math.fsum(dseq)


@tangent(math.prod)
def prod(y, iterable, *, start=1):
    """Each item's tangent times the product of the others (exact with zeros)."""
    items = list(iterable)
    dy = sum(ti * start * math.prod(items[:i] + items[i + 1:]) for i, ti in enumerate(diterable))
    dy = dstart * math.prod(items)


@tangent(math.atan2)
def atan2(z, y, x):
    dz = dy * x / (x * x + y * y)
    dz = -dx * y / (x * x + y * y)


@tangent(math.degrees)
def degrees(y, x):
    dy = dx * (180.0 / math.pi)


@tangent(math.radians)
def radians(y, x):
    dy = dx * (math.pi / 180.0)


@tangent(math.erf)
def erf(y, x):
    dy = dx * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@tangent(math.erfc)
def erfc(y, x):
    dy = -dx * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@tangent(math.copysign)
def copysign(z, x, y):
    dz = dx * math.copysign(1.0, x) * math.copysign(1.0, y)


@tangent(math.fmod)
def fmod(z, x, y):
    """``fmod(x, y) = x - trunc(x / y) * y``."""
    dz = dx
    dz = -dy * math.trunc(x / y)


if hasattr(math, "exp2"):  # Python 3.11

    @tangent(math.exp2)
    def exp2(y, x):
        dy = dx * y * math.log(2.0)


if hasattr(math, "cbrt"):  # Python 3.11

    @tangent(math.cbrt)
    def cbrt(y, x):
        dy = dx / (3.0 * y * y)
