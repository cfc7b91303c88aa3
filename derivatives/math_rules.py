"""Rules for the math module (Python floats) that numpy's have no twin of.

The elementwise functions that have a numpy twin get their rules with it
(:mod:`s2s.derivatives.numpy_elementwise`, ``@elementwise(np.tanh, math.tanh)``);
here are the others, one definition each where a family fits
(:mod:`s2s.families`), adjoint and tangent side by side where none does.
"""

import math

from s2s.families import elementwise, linear
from s2s.rules import adjoint, nondifferentiable, tangent


@elementwise(math.log)
def log(y, x, base=math.e):
    return 1.0 / (x * math.log(base)), -y / (base * math.log(base))


@elementwise(math.pow)
def pow(z, x, y):
    return y * x ** (y - 1.0), z * math.log(x) if x > 0 else 0.0


@elementwise(math.fabs)
def fabs(y, x):
    return math.copysign(1.0, x)


@elementwise(math.copysign)
def copysign(z, x, y):
    return math.copysign(1.0, x) * math.copysign(1.0, y), None


@elementwise(math.erf)
def erf(y, x):
    return (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@elementwise(math.erfc)
def erfc(y, x):
    return -(2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@linear(math.fsum)
def fsum(y, seq):
    dseq = sum_adjoint(dy, seq)


@adjoint(math.hypot)
def hypot(z, *coordinates):
    dcoordinates = hypot_adjoint(dz, z, coordinates)


@tangent(math.hypot)
def hypot_(z, *coordinates):
    """``sum(c * dc) / z``; ``math.prod((c, dc))`` is ``c * dc``."""
    dz = sum(map(math.prod, zip(coordinates, dcoordinates))) / z


@adjoint(math.dist)
def dist(z, p, q):
    adjoints = dist_adjoint(dz, z, p, q)
    dp = adjoints[0]
    dq = adjoints[1]


@tangent(math.dist)
def dist_(z, p, q):
    """``sum((p - q) * (dp - dq)) / z``, one term per point."""
    dz = sum((pi - qi) * ti for pi, qi, ti in zip(p, q, dp)) / z
    dz = sum((qi - pi) * ti for pi, qi, ti in zip(p, q, dq)) / z


@adjoint(math.prod)
def prod(y, iterable, *, start=1):
    diterable = prod_items_adjoint(dy, iterable, start)
    dstart = dy * y / start


@tangent(math.prod)
def prod_(y, iterable, *, start=1):
    """Each item's tangent times the product of the others (exact with zeros)."""
    items = list(iterable)
    dy = sum(ti * start * math.prod(items[:i] + items[i + 1:]) for i, ti in enumerate(diterable))
    dy = dstart * math.prod(items)


nondifferentiable(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite, math.isclose)
