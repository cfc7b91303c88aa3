"""scipy.special: the special functions statisticians and physicists differentiate.

Loaded by :mod:`s2s.rules` only once ``scipy.special`` has been imported (scipy is an
optional dependency).  Elementwise functions are one line of calculus each, through
:func:`s2s.families.elementwise` (see :mod:`s2s.derivatives.numpy_elementwise` for how a
definition reads); the reductions ``logsumexp``, ``softmax`` and ``log_softmax`` have
adjoint and tangent templates side by side.  Derivatives are written in their
numerically stable form, in terms of the result where that is stabler
(``log_ndtr``'s ``exp(-x**2/2 - y)``, ``erfinv``'s ``exp(y**2)``), and where a
derivative is itself a scipy.special function (``gammaln``'s ``digamma``) that
function has a rule here too, so second order works.  Templates spell scipy's
functions ``scipy.special.f``; generated modules import ``scipy.special`` for them.
"""

import math

import numpy as np
import scipy.special

from s2s.rules import adjoint, tangent
from s2s.families import elementwise

# -- logistic and normal distributions ------------------------------------------------


@elementwise(scipy.special.expit)
def expit(y, x):
    return y * (1.0 - y)


@elementwise(scipy.special.logit)
def logit(y, x):
    return 1.0 / (x * (1.0 - x))


@elementwise(scipy.special.erf)
def erf(y, x):
    return np.exp(-x * x) * (2.0 / math.sqrt(math.pi))


@elementwise(scipy.special.erfc)
def erfc(y, x):
    return -np.exp(-x * x) * (2.0 / math.sqrt(math.pi))


@elementwise(scipy.special.erfinv)
def erfinv(y, x):
    return np.exp(y * y) * (math.sqrt(math.pi) / 2.0)


@elementwise(scipy.special.erfcinv)
def erfcinv(y, x):
    return -np.exp(y * y) * (math.sqrt(math.pi) / 2.0)


@elementwise(scipy.special.ndtr)
def ndtr(y, x):
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


@elementwise(scipy.special.ndtri)
def ndtri(y, x):
    return np.exp(0.5 * y * y) * math.sqrt(2.0 * math.pi)


@elementwise(scipy.special.log_ndtr)
def log_ndtr(y, x):
    """The normal density over its tail probability, without dividing by a tail that underflows."""
    return np.exp(-0.5 * x * x - y) / math.sqrt(2.0 * math.pi)


# -- gamma and beta functions ---------------------------------------------------------


@elementwise(scipy.special.gammaln)
def gammaln(y, x):
    return scipy.special.digamma(x)


@elementwise(scipy.special.gamma)
def gamma(y, x):
    return y * scipy.special.digamma(x)


@elementwise(scipy.special.digamma)  # scipy.special.psi is scipy.special.digamma
def digamma(y, x):
    return scipy.special.polygamma(1, x)


@elementwise(scipy.special.polygamma)
def polygamma(y, n, x):
    """Differentiable in ``x`` only (``n`` is an order)."""
    return None, scipy.special.polygamma(n + 1, x)


@elementwise(scipy.special.betaln)
def betaln(z, a, b):
    return scipy.special.digamma(a) - scipy.special.digamma(a + b), scipy.special.digamma(b) - scipy.special.digamma(a + b)


@elementwise(scipy.special.beta)
def beta(z, a, b):
    return z * (scipy.special.digamma(a) - scipy.special.digamma(a + b)), z * (scipy.special.digamma(b) - scipy.special.digamma(a + b))


# -- information theory: zero where x is zero ----------------------------------------------


@elementwise(scipy.special.xlogy)
def xlogy(z, x, y):
    """``log(y)`` where ``x`` is not zero, 0 where it is (so ``y = 0`` there gives no -inf)."""
    return scipy.special.xlogy(x != 0, y), x / y


@elementwise(scipy.special.xlog1py)
def xlog1py(z, x, y):
    return scipy.special.xlog1py(x != 0, y), x / (1.0 + y)


@elementwise(scipy.special.entr)
def entr(y, x):
    return -(np.log(x) + 1.0)


@elementwise(scipy.special.rel_entr)
def rel_entr(z, x, y):
    return np.log(x / y) + 1.0, -x / y


@elementwise(scipy.special.kl_div)
def kl_div(z, x, y):
    return np.log(x / y), 1.0 - x / y


# -- modified Bessel functions (and their exponentially scaled forms) -------------------


@elementwise(scipy.special.i0)
def i0(y, x):
    return scipy.special.i1(x)


@elementwise(scipy.special.i1)
def i1(y, x):
    """``i0(x) - i1(x) / x``, whose limit at 0 is 1/2."""
    return np.where(x == 0, 0.5, scipy.special.i0(x) - y / np.where(x == 0, 1.0, x))


@elementwise(scipy.special.i0e)
def i0e(y, x):
    return scipy.special.i1e(x) - np.sign(x) * y


@elementwise(scipy.special.i1e)
def i1e(y, x):
    """``i0e(x) - i1e(x) (sign(x) + 1/x)``, whose limit at 0 is 1/2."""
    return np.where(x == 0, 0.5, scipy.special.i0e(x) - y * (np.sign(x) + 1.0 / np.where(x == 0, 1.0, x)))


# -- reductions ------------------------------------------------------------------------
@adjoint(scipy.special.logsumexp, broadcast=True)
def logsumexp(y, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The weights ``b * exp(a - y)``, each reduced entry's share of the sum.  With
    ``return_sign``, ``y`` is ``(log|sum|, sign)``: the weights take the sign
    (``d log|s| = ds / s``), which itself has no derivative."""
    log_abs = y[0] if return_sign else y
    weights = np.exp(a - unreduce(log_abs, a, axis, keepdims)) * (unreduce(y[1], a, axis, keepdims) if return_sign else 1.0)
    seed = unreduce(dy[0] if return_sign else dy, a, axis, keepdims)
    da = seed * weights if b is None else seed * weights * b
    db = seed * weights


@tangent(scipy.special.logsumexp)
def logsumexp_(y, a, axis=None, b=None, keepdims=False, return_sign=False):
    log_abs = y[0] if return_sign else y
    weights = np.exp(a - unreduce(log_abs, a, axis, keepdims)) * (unreduce(y[1], a, axis, keepdims) if return_sign else 1.0)
    from_a = np.sum(weights * da if b is None else weights * b * da, axis=axis, keepdims=keepdims)
    dy = GradTuple((from_a, np.zeros_like(y[1]))) if return_sign else from_a
    from_b = np.sum(weights * db, axis=axis, keepdims=keepdims)
    dy = GradTuple((from_b, np.zeros_like(y[1]))) if return_sign else from_b


@adjoint(scipy.special.softmax)
def softmax(y, x, axis=None):
    """The Jacobian ``diag(y) - y yᵀ`` is symmetric: adjoint and tangent read alike."""
    dx = y * (dy - np.sum(dy * y, axis=axis, keepdims=True))


@tangent(scipy.special.softmax)
def softmax_(y, x, axis=None):
    dy = y * (dx - np.sum(dx * y, axis=axis, keepdims=True))


@adjoint(scipy.special.log_softmax)
def log_softmax(y, x, axis=None):
    dx = dy - np.exp(y) * np.sum(dy, axis=axis, keepdims=True)


@tangent(scipy.special.log_softmax)
def log_softmax_(y, x, axis=None):
    dy = dx - np.sum(np.exp(y) * dx, axis=axis, keepdims=True)
