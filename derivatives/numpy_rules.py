"""Adjoint rules for numpy.

``d<result>`` is the incoming adjoint; ``d<arg> = ...`` contributes to an
argument's adjoint.  ``broadcast=True`` rules have their contributions reduced
to each argument's shape by the transformer (``unbroadcast``).
"""

import operator

import numpy as np

from s2s.rules import adjoint, nondifferentiable

# -- arithmetic (also Python's operators) -----------------------------------


@adjoint(np.add, broadcast=True)
def add(z, x, y):
    dx = dz
    dy = dz


@adjoint(np.subtract, broadcast=True)
def subtract(z, x, y):
    dx = dz
    dy = -dz


@adjoint(np.multiply, broadcast=True)
def multiply(z, x, y):
    dx = dz * y
    dy = dz * x


@adjoint(np.true_divide, broadcast=True)
def divide(z, x, y):
    dx = dz / y
    dy = -dz * z / y


@adjoint(np.power, broadcast=True)
def power(z, x, p):
    dx = dz * p * x ** (p - 1)
    dp = dz * z * np.log(np.where(x > 0, x, 1))


@adjoint(np.negative)
def negative(y, x):
    dx = -dy


@adjoint(np.positive)
def positive(y, x):
    dx = dy


@adjoint(np.matmul)
def matmul(z, x, y):
    dx = matmul_dx(dz, x, y)
    dy = matmul_dy(dz, x, y)


@adjoint(operator.getitem)
def getitem(y, x, index):
    dx = unindex(dy, x, index)


nondifferentiable(
    np.floor_divide, np.mod, np.sign, np.floor, np.ceil, np.round, np.rint, np.trunc,
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.nonzero,
    np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.arange, np.linspace, np.eye, np.identity,
    np.any, np.all, np.isnan, np.isinf, np.isfinite, np.equal, np.not_equal,
    np.less, np.less_equal, np.greater, np.greater_equal, np.logical_and,
    np.logical_or, np.logical_not,
)

# -- elementwise functions ----------------------------------------------------


@adjoint(np.tanh)
def tanh(y, x):
    dx = dy * (1.0 - y * y)


@adjoint(np.exp)
def exp(y, x):
    dx = dy * y


@adjoint(np.log)
def log(y, x):
    dx = dy / x


@adjoint(np.sin)
def sin(y, x):
    dx = dy * np.cos(x)


@adjoint(np.cos)
def cos(y, x):
    dx = -dy * np.sin(x)


@adjoint(np.sqrt)
def sqrt(y, x):
    dx = dy / (2.0 * y)


# -- reductions -----------------------------------------------------------------


@adjoint(np.sum)
def sum(y, x, axis=None, dtype=None, out=None, keepdims=False):
    dx = unreduce(dy, x, axis, keepdims)


@adjoint(np.mean)
def mean(y, x, axis=None, dtype=None, out=None, keepdims=False):
    dx = unreduce(dy, x, axis, keepdims) * (np.size(y) / np.size(x))


@adjoint(np.max)
def max(y, x, axis=None, out=None, keepdims=False):
    mask = unreduce(y, x, axis, keepdims) == x
    dx = unreduce(dy, x, axis, keepdims) * mask / unreduce(np.sum(mask, axis=axis, keepdims=keepdims), x, axis, keepdims)


# -- shapes ---------------------------------------------------------------------


@adjoint(np.transpose)
def transpose(y, x, axes=None):
    dx = np.transpose(dy, untranspose_axes(axes, dy))


@adjoint(np.reshape)
def reshape(y, x, shape):
    dx = np.reshape(dy, np.shape(x))
