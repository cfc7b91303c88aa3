"""Adjoint (reverse-mode) rules for numpy.

``d<result>`` is the incoming adjoint; each ``d<arg> = ...`` contributes to an
argument's adjoint (and is dropped when the argument carries no derivative).
``broadcast=True`` rules have every contribution reduced to its argument's
shape by the transformer (``unbroadcast``), so they never reduce by hand.
Parameter names and defaults are numpy's, so keyword calls bind.
"""

import numpy as np

from s2s.rules import adjoint, nondifferentiable

# -- arithmetic (and the Python operators that stand for it) ----------------------


@adjoint(np.add, broadcast=True)
def add(z, x1, x2):
    dx1 = dz
    dx2 = dz


@adjoint(np.subtract, broadcast=True)
def subtract(z, x1, x2):
    dx1 = dz
    dx2 = -dz


@adjoint(np.multiply, broadcast=True)
def multiply(z, x1, x2):
    dx1 = dz * x2
    dx2 = dz * x1


@adjoint(np.true_divide, broadcast=True)
def true_divide(z, x1, x2):
    dx1 = dz / x2
    dx2 = -dz * z / x2


@adjoint(np.power, broadcast=True)
@adjoint(np.float_power, broadcast=True)
def power(z, x1, x2):
    dx1 = dz * x2 * x1 ** (x2 - 1)
    dx2 = dz * z * np.log(np.where(x1 > 0, x1, 1))


@adjoint(np.negative)
def negative(y, x):
    dx = -dy


@adjoint(np.positive)
def positive(y, x):
    dx = dy


@adjoint(np.matmul)
def matmul(z, x1, x2):
    dx1 = matmul_dx(dz, x1, x2)
    dx2 = matmul_dy(dz, x1, x2)


@adjoint(np.square)
def square(y, x):
    dx = dy * 2.0 * x


@adjoint(np.reciprocal)
def reciprocal(y, x):
    dx = -dy * y * y


@adjoint(np.absolute)
@adjoint(np.fabs)
def absolute(y, x):
    dx = dy * np.sign(x)


@adjoint(np.maximum, broadcast=True)
@adjoint(np.fmax, broadcast=True)
def maximum(z, x1, x2):
    """Ties split the adjoint evenly."""
    dx1 = dz * ((x1 > x2) + 0.5 * (x1 == x2))
    dx2 = dz * ((x2 > x1) + 0.5 * (x1 == x2))


@adjoint(np.minimum, broadcast=True)
@adjoint(np.fmin, broadcast=True)
def minimum(z, x1, x2):
    dx1 = dz * ((x1 < x2) + 0.5 * (x1 == x2))
    dx2 = dz * ((x2 < x1) + 0.5 * (x1 == x2))


@adjoint(np.mod, broadcast=True)
def mod(z, x1, x2):
    """``mod(x1, x2) = x1 - floor(x1 / x2) * x2``; also the ``%`` operator."""
    dx1 = dz
    dx2 = -dz * np.floor_divide(x1, x2)


@adjoint(np.fmod, broadcast=True)
def fmod(z, x1, x2):
    """``fmod(x1, x2) = x1 - trunc(x1 / x2) * x2``."""
    dx1 = dz
    dx2 = -dz * np.trunc(x1 / x2)


@adjoint(np.where, broadcast=True)
def where(z, condition, x, y):
    dx = np.where(condition, dz, 0.0)
    dy = np.where(condition, 0.0, dz)


@adjoint(np.clip, broadcast=True)
def clip(y, a, a_min=None, a_max=None, out=None, min=None, max=None):
    da = dy * clip_mask(a, a_min, a_max, min, max)
    da_min = dy * (a < a_min)
    da_max = dy * (a > a_max)
    dmin = dy * (a < min)
    dmax = dy * (a > max)


# -- elementwise functions -------------------------------------------------------


@adjoint(np.sin)
def sin(y, x):
    dx = dy * np.cos(x)


@adjoint(np.cos)
def cos(y, x):
    dx = -dy * np.sin(x)


@adjoint(np.tan)
def tan(y, x):
    dx = dy * (1.0 + y * y)


@adjoint(np.arcsin)
def arcsin(y, x):
    dx = dy / np.sqrt(1.0 - x * x)


@adjoint(np.arccos)
def arccos(y, x):
    dx = -dy / np.sqrt(1.0 - x * x)


@adjoint(np.arctan)
def arctan(y, x):
    dx = dy / (1.0 + x * x)


@adjoint(np.arcsinh)
def arcsinh(y, x):
    dx = dy / np.sqrt(x * x + 1.0)


@adjoint(np.arccosh)
def arccosh(y, x):
    dx = dy / np.sqrt(x * x - 1.0)


@adjoint(np.arctanh)
def arctanh(y, x):
    dx = dy / (1.0 - x * x)


@adjoint(np.sinh)
def sinh(y, x):
    dx = dy * np.cosh(x)


@adjoint(np.cosh)
def cosh(y, x):
    dx = dy * np.sinh(x)


@adjoint(np.tanh)
def tanh(y, x):
    dx = dy * (1.0 - y * y)


@adjoint(np.exp)
def exp(y, x):
    dx = dy * y


@adjoint(np.exp2)
def exp2(y, x):
    dx = dy * y * np.log(2.0)


@adjoint(np.expm1)
def expm1(y, x):
    dx = dy * (y + 1.0)


@adjoint(np.log)
def log(y, x):
    dx = dy / x


@adjoint(np.log2)
def log2(y, x):
    dx = dy / (x * np.log(2.0))


@adjoint(np.log10)
def log10(y, x):
    dx = dy / (x * np.log(10.0))


@adjoint(np.log1p)
def log1p(y, x):
    dx = dy / (1.0 + x)


@adjoint(np.sqrt)
def sqrt(y, x):
    dx = dy / (2.0 * y)


@adjoint(np.cbrt)
def cbrt(y, x):
    dx = dy / (3.0 * y * y)


@adjoint(np.deg2rad)
@adjoint(np.radians)
def deg2rad(y, x):
    dx = dy * (np.pi / 180.0)


@adjoint(np.rad2deg)
@adjoint(np.degrees)
def rad2deg(y, x):
    dx = dy * (180.0 / np.pi)


@adjoint(np.logaddexp, broadcast=True)
def logaddexp(z, x1, x2):
    dx1 = dz * np.exp(x1 - z)
    dx2 = dz * np.exp(x2 - z)


@adjoint(np.logaddexp2, broadcast=True)
def logaddexp2(z, x1, x2):
    dx1 = dz * np.exp2(x1 - z)
    dx2 = dz * np.exp2(x2 - z)


@adjoint(np.arctan2, broadcast=True)
def arctan2(z, x1, x2):
    dx1 = dz * x2 / (x1 * x1 + x2 * x2)
    dx2 = -dz * x1 / (x1 * x1 + x2 * x2)


@adjoint(np.hypot, broadcast=True)
def hypot(z, x1, x2):
    # at z == 0 both arguments are 0: the gradient 0 (the smallest subgradient), not 0 / 0
    dx1 = dz * x1 / np.where(z == 0, 1.0, z)
    dx2 = dz * x2 / np.where(z == 0, 1.0, z)


@adjoint(np.conjugate)
def conjugate(y, x):
    dx = np.conjugate(dy)


# -- reductions ----------------------------------------------------------------------


@adjoint(np.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    da = unreduce(dy, a, axis, keepdims)


@adjoint(np.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    da = unreduce(dy, a, axis, keepdims) * (np.size(y) / np.size(a))


@adjoint(np.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False):
    da = prod_adjoint(dy, y, a, axis, keepdims)


@adjoint(np.max)
@adjoint(np.amax)
@adjoint(np.min)
@adjoint(np.amin)
def extremum(y, a, axis=None, out=None, keepdims=False, initial=None):
    """Tied extrema share the adjoint evenly; none gets it where ``initial`` wins."""
    da = extremum_adjoint(dy, y, a, axis, keepdims)


@adjoint(np.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    """``correction`` is the array API's name for ``ddof`` (numpy takes one of them)."""
    da = var_adjoint(dy, a, axis, ddof + correction, keepdims)


@adjoint(np.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    da = var_adjoint(dy / (2.0 * y), a, axis, ddof + correction, keepdims)


@adjoint(np.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    da = uncumsum(dy, a, axis)


@adjoint(np.cumprod)
def cumprod(y, a, axis=None, dtype=None, out=None):
    """Not defined where ``a`` has zeros."""
    da = np.reshape(uncumsum(dy * y, a, axis), np.shape(a)) / a


@adjoint(np.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    da = untrace(dy, a, offset, axis1, axis2)


# -- products ------------------------------------------------------------------------


@adjoint(np.dot)
def dot(z, a, b, out=None):
    adjoints = dot_adjoint(dz, a, b)
    da = adjoints[0]
    db = adjoints[1]


@adjoint(np.outer)
def outer(z, a, b, out=None):
    adjoints = outer_adjoint(dz, a, b)
    da = adjoints[0]
    db = adjoints[1]


@adjoint(np.inner)
def inner(z, a, b):
    adjoints = inner_adjoint(dz, a, b)
    da = adjoints[0]
    db = adjoints[1]


@adjoint(np.tensordot)
def tensordot(z, a, b, axes=2):
    adjoints = tensordot_adjoint(dz, a, b, axes)
    da = adjoints[0]
    db = adjoints[1]


@adjoint(np.einsum)
def einsum(z, subscripts, *operands, optimize=False):
    doperands = einsum_adjoint(dz, subscripts, operands)


# -- shapes: the inverse rearrangement of the adjoint ------------------------------------


@adjoint(np.transpose)
def transpose(y, a, axes=None):
    da = np.transpose(dy, untranspose_axes(axes, dy))


@adjoint(np.swapaxes)
def swapaxes(y, a, axis1, axis2):
    da = np.swapaxes(dy, axis1, axis2)


@adjoint(np.moveaxis)
def moveaxis(y, a, source, destination):
    da = np.moveaxis(dy, destination, source)


@adjoint(np.reshape)
def reshape(y, a, shape=None, order="C", newshape=None, copy=None):
    da = np.reshape(dy, np.shape(a), order=order)


@adjoint(np.ravel)
def ravel(y, a, order="C"):
    da = np.reshape(dy, np.shape(a), order=order)


@adjoint(np.squeeze)
def squeeze(y, a, axis=None):
    da = np.reshape(dy, np.shape(a))


@adjoint(np.expand_dims)
def expand_dims(y, a, axis):
    da = np.reshape(dy, np.shape(a))


@adjoint(np.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    darray = unbroadcast(dy, array)


@adjoint(np.concatenate)
def concatenate(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    darrays = unconcatenate(dy, arrays, axis)


@adjoint(np.stack)
def stack(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    darrays = unstack_axis(dy, arrays, axis)


@adjoint(np.hstack)
def hstack(y, tup, dtype=None, casting="same_kind"):
    dtup = unhstack(dy, tup)


@adjoint(np.vstack)
def vstack(y, tup, dtype=None, casting="same_kind"):
    dtup = unvstack(dy, tup)


@adjoint(np.split)
@adjoint(np.array_split)
def split(y, ary, indices_or_sections, axis=0):
    dary = np.concatenate(dy, axis=axis)


@adjoint(np.hsplit)
def hsplit(y, ary, indices_or_sections):
    dary = np.hstack(dy)


@adjoint(np.vsplit)
def vsplit(y, ary, indices_or_sections):
    dary = np.vstack(dy)


@adjoint(np.flip)
def flip(y, m, axis=None):
    dm = np.flip(dy, axis)


@adjoint(np.roll)
def roll(y, a, shift, axis=None):
    da = np.roll(dy, np.negative(shift), axis)


@adjoint(np.tile)
def tile(y, A, reps):
    dA = untile(dy, A, reps)


@adjoint(np.repeat)
def repeat(y, a, repeats, axis=None):
    da = unrepeat(dy, a, repeats, axis)


@adjoint(np.diff)
def diff(y, a, n=1, axis=-1):
    """Not with ``prepend``/``append``."""
    da = undiff(dy, n, axis)


@adjoint(np.pad)
def pad(y, array, pad_width, mode="constant", constant_values=0):
    """``mode="constant"`` (one scalar ``constant_values``) and the modes that copy entries."""
    inside = unpad(dy, array, pad_width, mode)
    darray = inside
    dconstant_values = np.sum(dy) - np.sum(inside)


@adjoint(np.sort)
def sort(y, a, axis=-1, kind=None, order=None, *, stable=None):
    da = unsort(dy, a, axis)


@adjoint(np.triu)
def triu(y, m, k=0):
    dm = np.triu(dy, k)


@adjoint(np.tril)
def tril(y, m, k=0):
    dm = np.tril(dy, k)


@adjoint(np.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    da = untake(dy, a, indices, axis)


@adjoint(np.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    darr = untake_along_axis(dy, arr, indices, axis)


@adjoint(np.diag)
def diag(y, v, k=0):
    dv = undiag(dy, v, k)


@adjoint(np.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    da = undiagonal(dy, a, offset, axis1, axis2)


@adjoint(np.copy)
def copy(y, a, order="K", subok=False):
    da = dy


@adjoint(np.astype)
def astype(y, x, dtype, copy=True):
    """A cast to an integer or boolean type has no derivative."""
    dx = np.astype(dy, x.dtype) if np.issubdtype(dtype, np.inexact) else np.zeros_like(x)


# -- constructors: the adjoint flows back to the values filled in ------------------------


@adjoint(np.full)
def full(y, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    dfill_value = unbroadcast(dy, fill_value)


@adjoint(np.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    dfill_value = unbroadcast(dy, fill_value)


@adjoint(np.linspace)
def linspace(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    adjoints = linspace_adjoint(dy, start, stop, num, endpoint, axis)
    dstart = adjoints[0]
    dstop = adjoints[1]


@adjoint(np.array)
def array(y, object, dtype=None, copy=True, order="K", subok=False, ndmin=0, like=None):
    dobject = unstack(np.reshape(dy, np.shape(object)), object)


# -- linear algebra ------------------------------------------------------------------


@adjoint(np.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    dx = norm_adjoint(dy, y, x, ord, axis, keepdims)


@adjoint(np.linalg.inv)
def inv(y, a):
    da = -(np.swapaxes(y, -1, -2) @ dy @ np.swapaxes(y, -1, -2))


@adjoint(np.linalg.solve)
def solve(z, a, b):
    adjoints = solve_adjoint(dz, z, a, b)
    da = adjoints[0]
    db = adjoints[1]


@adjoint(np.linalg.det)
def det(y, a):
    da = np.expand_dims(dy * y, (-1, -2)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@adjoint(np.linalg.slogdet)
def slogdet(y, a):
    """``y`` is ``(sign, logabsdet)``; the sign has no derivative."""
    da = np.expand_dims(dy[1], (-1, -2)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@adjoint(np.linalg.cholesky)
def cholesky(y, a, *, upper=False):
    """The symmetric adjoint: ``a`` is taken to be symmetric, as cholesky assumes."""
    da = cholesky_adjoint(dy, y, upper)


@adjoint(np.linalg.eigh)
def eigh(y, a, UPLO="L"):
    """``y`` is ``(eigenvalues, eigenvectors)``; the symmetric adjoint, for distinct eigenvalues."""
    da = eigh_adjoint(dy, y)


# -- no derivative ---------------------------------------------------------------------

nondifferentiable(
    np.floor_divide, np.sign, np.floor, np.ceil, np.round, np.rint, np.trunc, np.fix,
    np.heaviside, np.signbit, np.digitize, np.argwhere, np.flatnonzero,
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.nonzero,
    np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like,
    np.arange, np.eye, np.identity, np.diag_indices,
    np.any, np.all, np.isnan, np.isinf, np.isfinite, np.isclose, np.allclose,
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    np.bitwise_and, np.bitwise_or, np.invert, np.count_nonzero, np.searchsorted,
    np.issubdtype,
)
