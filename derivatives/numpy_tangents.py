"""Tangent (forward-mode) rules for numpy.

``d<arg>`` is an argument's tangent; each ``d<result> = ...`` is one term of
the result's tangent, dropped when the tangent it reads is zero.
"""

import numpy as np

from s2s.rules import tangent


@tangent(np.add)
def add(z, x, y):
    dz = dx
    dz = dy


@tangent(np.multiply)
def multiply(z, x, y):
    dz = dx * y
    dz = x * dy


@tangent(np.tanh)
def tanh(y, x):
    dy = dx * (1.0 - y * y)


@tangent(np.sum)
def sum(y, x, axis=None, dtype=None, out=None, keepdims=False):
    dy = np.sum(dx, axis=axis, keepdims=keepdims)


@tangent(np.matmul)
def matmul(z, x, y):
    dz = dx @ y
    dz = x @ dy
