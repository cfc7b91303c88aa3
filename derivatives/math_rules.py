"""Adjoint rules for the math module (Python floats).

See :mod:`s2s.derivatives.numpy_rules` for how an adjoint template reads.
"""

import math

from s2s.rules import adjoint, nondifferentiable


@adjoint(math.sin)
def sin(y, x):
    dx = dy * math.cos(x)


@adjoint(math.cos)
def cos(y, x):
    dx = -dy * math.sin(x)


@adjoint(math.tan)
def tan(y, x):
    dx = dy * (1.0 + y * y)


@adjoint(math.asin)
def asin(y, x):
    dx = dy / math.sqrt(1.0 - x * x)


@adjoint(math.acos)
def acos(y, x):
    dx = -dy / math.sqrt(1.0 - x * x)


@adjoint(math.atan)
def atan(y, x):
    dx = dy / (1.0 + x * x)


@adjoint(math.sinh)
def sinh(y, x):
    dx = dy * math.cosh(x)


@adjoint(math.cosh)
def cosh(y, x):
    dx = dy * math.sinh(x)


@adjoint(math.tanh)
def tanh(y, x):
    dx = dy * (1.0 - y * y)


@adjoint(math.asinh)
def asinh(y, x):
    dx = dy / math.sqrt(x * x + 1.0)


@adjoint(math.acosh)
def acosh(y, x):
    dx = dy / math.sqrt(x * x - 1.0)


@adjoint(math.atanh)
def atanh(y, x):
    dx = dy / (1.0 - x * x)


@adjoint(math.exp)
def exp(y, x):
    dx = dy * y


@adjoint(math.expm1)
def expm1(y, x):
    dx = dy * (y + 1.0)


@adjoint(math.log)
def log(y, x, base=math.e):
    dx = dy / (x * math.log(base))
    dbase = -dy * y / (base * math.log(base))


@adjoint(math.log2)
def log2(y, x):
    dx = dy / (x * math.log(2.0))


@adjoint(math.log10)
def log10(y, x):
    dx = dy / (x * math.log(10.0))


@adjoint(math.log1p)
def log1p(y, x):
    dx = dy / (1.0 + x)


@adjoint(math.sqrt)
def sqrt(y, x):
    dx = dy / (2.0 * y)


@adjoint(math.pow)
def pow(z, x, y):
    dx = dz * y * x ** (y - 1.0)
    dy = dz * z * math.log(x) if x > 0 else 0.0 * dz


@adjoint(math.fabs)
def fabs(y, x):
    dx = dy * math.copysign(1.0, x)


@adjoint(math.hypot)
def hypot(z, *coordinates):
    dcoordinates = hypot_adjoint(dz, z, coordinates)


@adjoint(math.dist)
def dist(z, p, q):
    adjoints = dist_adjoint(dz, z, p, q)
    dp = adjoints[0]
    dq = adjoints[1]


@adjoint(math.fsum)
def fsum(y, seq):
    dseq = sum_adjoint(dy, seq)


@adjoint(math.prod)
def prod(y, iterable, *, start=1):
    diterable = prod_items_adjoint(dy, iterable, start)
    dstart = dy * y / start


@adjoint(math.atan2)
def atan2(z, y, x):
    dy = dz * x / (x * x + y * y)
    dx = -dz * y / (x * x + y * y)


@adjoint(math.degrees)
def degrees(y, x):
    dx = dy * (180.0 / math.pi)


@adjoint(math.radians)
def radians(y, x):
    dx = dy * (math.pi / 180.0)


@adjoint(math.erf)
def erf(y, x):
    dx = dy * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@adjoint(math.erfc)
def erfc(y, x):
    dx = -dy * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@adjoint(math.copysign)
def copysign(z, x, y):
    dx = dz * math.copysign(1.0, x) * math.copysign(1.0, y)


@adjoint(math.fmod)
def fmod(z, x, y):
    """``fmod(x, y) = x - trunc(x / y) * y``."""
    dx = dz
    dy = -dz * math.trunc(x / y)


if hasattr(math, "exp2"):  # Python 3.11+

    @adjoint(math.exp2)
    def exp2(y, x):
        dx = dy * y * math.log(2.0)


if hasattr(math, "cbrt"):  # Python 3.11+

    @adjoint(math.cbrt)
    def cbrt(y, x):
        dx = dy / (3.0 * y * y)


nondifferentiable(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite, math.isclose)
