"""Tangent (forward-mode) rules for numpy.

``d<arg>`` is an argument's tangent; each ``d<result> = ...`` is one term of
the result's tangent, dropped when the tangent it reads is zero (its argument
is inactive), so every term reads the tangent of one argument only.
Parameters carry numpy's own names and defaults, so keyword calls bind.

Terms are written to have the result's shape where a broadcasting argument
could make them smaller (``np.where(..., dx, np.zeros_like(z))``); the terms
of rules whose adjoint was registered with ``broadcast=True`` are also wrapped
in ``rebroadcast(term, result)`` by the transformer.
"""

import math

import numpy as np

from s2s.rules import tangent

# -- arithmetic (also Python's operators) -------------------------------------


@tangent(np.add)
def add(z, x1, x2):
    dz = dx1
    dz = dx2


@tangent(np.subtract)
def subtract(z, x1, x2):
    dz = dx1
    dz = -dx2


@tangent(np.multiply)
def multiply(z, x1, x2):
    dz = dx1 * x2
    dz = x1 * dx2


@tangent(np.true_divide)
def true_divide(z, x1, x2):
    dz = dx1 / x2
    dz = -dx2 * z / x2


@tangent(np.power)
@tangent(np.float_power)
def power(z, x1, x2):
    dz = dx1 * x2 * x1 ** (x2 - 1)
    dz = dx2 * z * np.log(np.where(x1 > 0, x1, 1.0))


@tangent(np.negative)
def negative(y, x):
    dy = -dx


@tangent(np.positive)
def positive(y, x):
    dy = dx


@tangent(np.matmul)
def matmul(z, x1, x2):
    dz = dx1 @ x2
    dz = x1 @ dx2


@tangent(np.square)
def square(y, x):
    dy = 2.0 * x * dx


@tangent(np.reciprocal)
def reciprocal(y, x):
    dy = -dx * y * y


@tangent(np.absolute)  # np.abs is np.absolute
@tangent(np.fabs)
def absolute(y, x):
    dy = dx * np.sign(x)


# -- elementwise functions ------------------------------------------------------


@tangent(np.sin)
def sin(y, x):
    dy = dx * np.cos(x)


@tangent(np.cos)
def cos(y, x):
    dy = -dx * np.sin(x)


@tangent(np.tan)
def tan(y, x):
    dy = dx * (1.0 + y * y)


@tangent(np.arcsin)
def arcsin(y, x):
    dy = dx / np.sqrt(1.0 - x * x)


@tangent(np.arccos)
def arccos(y, x):
    dy = -dx / np.sqrt(1.0 - x * x)


@tangent(np.arctan)
def arctan(y, x):
    dy = dx / (1.0 + x * x)


@tangent(np.arcsinh)
def arcsinh(y, x):
    dy = dx / np.sqrt(x * x + 1.0)


@tangent(np.arccosh)
def arccosh(y, x):
    dy = dx / np.sqrt(x * x - 1.0)


@tangent(np.arctanh)
def arctanh(y, x):
    dy = dx / (1.0 - x * x)


@tangent(np.sinh)
def sinh(y, x):
    dy = dx * np.cosh(x)


@tangent(np.cosh)
def cosh(y, x):
    dy = dx * np.sinh(x)


@tangent(np.tanh)
def tanh(y, x):
    dy = dx * (1.0 - y * y)


@tangent(np.exp)
def exp(y, x):
    dy = dx * y


@tangent(np.exp2)
def exp2(y, x):
    dy = dx * y * math.log(2.0)


@tangent(np.expm1)
def expm1(y, x):
    dy = dx * (y + 1.0)


@tangent(np.log)
def log(y, x):
    dy = dx / x


@tangent(np.log2)
def log2(y, x):
    dy = dx / (x * math.log(2.0))


@tangent(np.log10)
def log10(y, x):
    dy = dx / (x * math.log(10.0))


@tangent(np.log1p)
def log1p(y, x):
    dy = dx / (1.0 + x)


@tangent(np.sqrt)
def sqrt(y, x):
    dy = dx / (2.0 * y)


@tangent(np.cbrt)
def cbrt(y, x):
    dy = dx / (3.0 * y * y)


@tangent(np.deg2rad)
@tangent(np.radians)
def deg2rad(y, x):
    dy = dx * (np.pi / 180.0)


@tangent(np.rad2deg)
@tangent(np.degrees)
def rad2deg(y, x):
    dy = dx * (180.0 / np.pi)


@tangent(np.conjugate)
def conjugate(y, x):
    dy = np.conjugate(dx)


@tangent(np.logaddexp)
def logaddexp(z, x1, x2):
    dz = dx1 * np.exp(x1 - z)
    dz = dx2 * np.exp(x2 - z)


@tangent(np.logaddexp2)
def logaddexp2(z, x1, x2):
    dz = dx1 * np.exp2(x1 - z)
    dz = dx2 * np.exp2(x2 - z)


@tangent(np.arctan2)
def arctan2(z, x1, x2):
    dz = dx1 * x2 / (x1 * x1 + x2 * x2)
    dz = -dx2 * x1 / (x1 * x1 + x2 * x2)


@tangent(np.hypot)
def hypot(z, x1, x2):
    dz = dx1 * x1 / np.where(z == 0, 1.0, z)
    dz = dx2 * x2 / np.where(z == 0, 1.0, z)


# -- selection ----------------------------------------------------------------------
# At ties maximum/minimum split the tangent evenly, as the max reduction does.


@tangent(np.maximum)
@tangent(np.fmax)
def maximum(z, x1, x2):
    dz = dx1 * np.where(x1 > x2, 1.0, np.where(x1 == x2, 0.5, 0.0))
    dz = dx2 * np.where(x2 > x1, 1.0, np.where(x1 == x2, 0.5, 0.0))


@tangent(np.minimum)
@tangent(np.fmin)
def minimum(z, x1, x2):
    dz = dx1 * np.where(x1 < x2, 1.0, np.where(x1 == x2, 0.5, 0.0))
    dz = dx2 * np.where(x2 < x1, 1.0, np.where(x1 == x2, 0.5, 0.0))


@tangent(np.mod)  # np.remainder is np.mod
def mod(z, x1, x2):
    """``mod(x1, x2) = x1 - floor(x1 / x2) * x2``; also the ``%`` operator."""
    dz = dx1
    dz = -dx2 * np.floor_divide(x1, x2)


@tangent(np.fmod)
def fmod(z, x1, x2):
    """``fmod(x1, x2) = x1 - trunc(x1 / x2) * x2``."""
    dz = dx1
    dz = -dx2 * np.trunc(x1 / x2)


@tangent(np.where)
def where(z, condition, x, y):
    dz = np.where(condition, dx, np.zeros_like(z))
    dz = np.where(condition, np.zeros_like(z), dy)


@tangent(np.clip)
def clip(y, a, a_min=None, a_max=None, out=None, min=None, max=None):
    """``a`` passes its tangent where it was not clipped; a bound where it clipped."""
    dy = np.where(y == a, da, np.zeros_like(y))
    dy = np.where(a < a_min, da_min, np.zeros_like(y))
    dy = np.where(a > a_max, da_max, np.zeros_like(y))
    dy = np.where(a < min, dmin, np.zeros_like(y))
    dy = np.where(a > max, dmax, np.zeros_like(y))


# -- reductions -------------------------------------------------------------------------


@tangent(np.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    dy = np.sum(da, axis=axis, keepdims=keepdims)


@tangent(np.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    dy = np.mean(da, axis=axis, keepdims=keepdims)


@tangent(np.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False):
    """Exact with zeros in ``a``: the product of the others, not ``y / a``."""
    is_zero = a == 0
    nonzero = np.where(is_zero, 1.0, a)
    nonzero_product = np.prod(nonzero, axis=axis, keepdims=True)
    zero_count = np.sum(is_zero, axis=axis, keepdims=True)
    others = np.where(zero_count == 0, nonzero_product / nonzero, np.where(is_zero & (zero_count == 1), nonzero_product, 0.0))
    dy = np.sum(da * others, axis=axis, keepdims=keepdims)


@tangent(np.max)
@tangent(np.amax)
@tangent(np.min)
@tangent(np.amin)
def extremum(y, a, axis=None, out=None, keepdims=False, initial=None):
    """The tangent at the extremum; split evenly between ties, as the adjoint does;
    zero where ``initial`` wins."""
    at_extremum = a == unreduce(y, a, axis, keepdims)
    dy = np.sum(da * at_extremum, axis=axis, keepdims=keepdims) / np.maximum(np.sum(at_extremum, axis=axis, keepdims=keepdims), 1)


@tangent(np.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    """``correction`` is the array API's name for ``ddof`` (numpy takes one of them)."""
    centered = a - np.mean(a, axis=axis, keepdims=True)
    dy = 2.0 * np.sum(centered * da, axis=axis, keepdims=keepdims) / (np.size(a) / np.size(y) - ddof - correction)


@tangent(np.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=0):
    centered = a - np.mean(a, axis=axis, keepdims=True)
    dy = np.sum(centered * da, axis=axis, keepdims=keepdims) / ((np.size(a) / np.size(y) - ddof - correction) * y)


@tangent(np.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    dy = np.cumsum(da, axis=axis)


@tangent(np.cumprod)
def cumprod(y, a, axis=None, dtype=None, out=None):
    """``y * cumsum(da / a)``: not defined where ``a`` has zeros."""
    dy = y * np.cumsum(da / a, axis=axis)


@tangent(np.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    dy = np.trace(da, offset=offset, axis1=axis1, axis2=axis2)


# -- products ---------------------------------------------------------------------------


@tangent(np.dot)
def dot(z, a, b, out=None):
    dz = np.dot(da, b)
    dz = np.dot(a, db)


@tangent(np.outer)
def outer(z, a, b, out=None):
    dz = np.outer(da, b)
    dz = np.outer(a, db)


@tangent(np.inner)
def inner(z, a, b):
    dz = np.inner(da, b)
    dz = np.inner(a, db)


@tangent(np.tensordot)
def tensordot(z, a, b, axes=2):
    dz = np.tensordot(da, b, axes=axes)
    dz = np.tensordot(a, db, axes=axes)


@tangent(np.einsum)
def einsum(z, subscripts, *operands, optimize=False):
    dz = einsum_tangent(subscripts, operands, doperands, optimize)


# -- shapes: linear, the same operation on the tangent ------------------------------------


@tangent(np.transpose)
def transpose(y, a, axes=None):
    dy = np.transpose(da, axes)


@tangent(np.swapaxes)
def swapaxes(y, a, axis1, axis2):
    dy = np.swapaxes(da, axis1, axis2)


@tangent(np.moveaxis)
def moveaxis(y, a, source, destination):
    dy = np.moveaxis(da, source, destination)


@tangent(np.reshape)
def reshape(y, a, shape=None, order="C", newshape=None, copy=None):
    dy = np.reshape(da, np.shape(y), order=order)


@tangent(np.ravel)
def ravel(y, a, order="C"):
    dy = np.ravel(da, order=order)


@tangent(np.squeeze)
def squeeze(y, a, axis=None):
    dy = np.reshape(da, np.shape(y))


@tangent(np.expand_dims)
def expand_dims(y, a, axis):
    dy = np.expand_dims(da, axis)


@tangent(np.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    dy = np.broadcast_to(darray, shape)


@tangent(np.concatenate)
def concatenate(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """``dtype`` is passed on only when given (not every array library takes it)."""
    dy = np.concatenate(darrays, axis=axis) if dtype is None else np.concatenate(darrays, axis=axis, dtype=dtype)


@tangent(np.stack)
def stack(y, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    dy = np.stack(darrays, axis=axis) if dtype is None else np.stack(darrays, axis=axis, dtype=dtype)


@tangent(np.hstack)
def hstack(y, tup, dtype=None, casting="same_kind"):
    dy = np.hstack(dtup) if dtype is None else np.hstack(dtup, dtype=dtype)


@tangent(np.vstack)
def vstack(y, tup, dtype=None, casting="same_kind"):
    dy = np.vstack(dtup) if dtype is None else np.vstack(dtup, dtype=dtype)


@tangent(np.split)
def split(y, ary, indices_or_sections, axis=0):
    dy = GradTuple(np.split(dary, indices_or_sections, axis=axis))


@tangent(np.array_split)
def array_split(y, ary, indices_or_sections, axis=0):
    dy = GradTuple(np.array_split(dary, indices_or_sections, axis=axis))


@tangent(np.hsplit)
def hsplit(y, ary, indices_or_sections):
    dy = GradTuple(np.hsplit(dary, indices_or_sections))


@tangent(np.vsplit)
def vsplit(y, ary, indices_or_sections):
    dy = GradTuple(np.vsplit(dary, indices_or_sections))


@tangent(np.flip)
def flip(y, m, axis=None):
    dy = np.flip(dm, axis)


@tangent(np.roll)
def roll(y, a, shift, axis=None):
    dy = np.roll(da, shift, axis)


@tangent(np.tile)
def tile(y, A, reps):
    dy = np.tile(dA, reps)


@tangent(np.repeat)
def repeat(y, a, repeats, axis=None):
    dy = np.repeat(da, repeats, axis)


@tangent(np.diff)
def diff(y, a, n=1, axis=-1):
    """Not with ``prepend``/``append``."""
    dy = np.diff(da, n, axis)


@tangent(np.pad)
def pad(y, array, pad_width, mode="constant", constant_values=0):
    """``array``'s tangent padded the same way (every mode but ``"empty"`` is linear in
    ``array`` with zero pad values); one (scalar) ``constant_values`` fills the border."""
    dy = np.pad(darray, pad_width, mode=mode)
    dy = np.pad(np.zeros_like(array), pad_width, mode="constant", constant_values=1.0) * dconstant_values


@tangent(np.sort)
def sort(y, a, axis=-1, kind=None, order=None, *, stable=None):
    """``a``'s tangent in sorted order; ties in the stable order, as the adjoint does."""
    dy = np.take_along_axis(da, np.argsort(a, axis=axis, kind="stable"), axis=axis)


@tangent(np.triu)
def triu(y, m, k=0):
    dy = np.triu(dm, k)


@tangent(np.tril)
def tril(y, m, k=0):
    dy = np.tril(dm, k)


@tangent(np.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    dy = np.take(da, indices, axis=axis, mode=mode)


@tangent(np.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    dy = np.take_along_axis(darr, indices, axis=axis)


@tangent(np.diag)
def diag(y, v, k=0):
    dy = np.diag(dv, k=k)


@tangent(np.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    dy = np.diagonal(da, offset=offset, axis1=axis1, axis2=axis2)


@tangent(np.copy)
def copy(y, a, order="K", subok=False):
    dy = np.copy(da, order=order)


@tangent(np.astype)
def astype(y, x, dtype, copy=True):
    """A cast to an integer or boolean type has a zero tangent."""
    dy = np.astype(dx, dtype) if np.issubdtype(dtype, np.inexact) else np.zeros_like(dx)


# -- constructors: the tangent of the values filled in ----------------------------------------


@tangent(np.full)
def full(y, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    dy = np.full_like(y, dfill_value)


@tangent(np.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    dy = np.full_like(y, dfill_value)


@tangent(np.linspace)
def linspace(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    """Linear in ``(start, stop)``: the same samples between the tangents, each
    broadcast to the samples' shape first so ``axis`` lands where it does in ``y``."""
    ends = np.broadcast_shapes(np.shape(start), np.shape(stop))
    dy = np.linspace(np.broadcast_to(dstart, ends), np.zeros_like(dstart, shape=ends), num, endpoint=endpoint, axis=axis)
    dy = np.linspace(np.zeros_like(dstop, shape=ends), np.broadcast_to(dstop, ends), num, endpoint=endpoint, axis=axis)


# -- linear algebra ---------------------------------------------------------------------------


@tangent(np.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    """Frobenius, vector and matrix norms.

    For a vector p-norm ``dy = sum(|x|^(p-1) sign(x) dx) / y^(p-1)``; the
    infinity norms take the tangent at the largest (smallest) magnitude.  A
    matrix norm with another ``ord`` is ``sum(direction * dx)`` over the
    matrix axes, with the direction of its adjoint (``matrix_norm_adjoint``
    with a unit adjoint): the outer product of the extreme singular vectors
    for 2 and -2, ``u @ vh`` for 'nuc', ``sign(x)`` on the extreme column
    (row) sums for 1, -1 (inf, -inf), ties sharing evenly.
    """
    frobenius = ord in (None, "fro")
    matrix = not frobenius and (ord == "nuc" or (len(axis) == 2 if isinstance(axis, tuple) else axis in (None,) and np.ndim(x) == 2))
    at_extremum = np.abs(x) == unreduce(y, x, axis, keepdims) if not frobenius and not matrix and np.isinf(ord) else None
    nonzero = np.where(y == 0, 1.0, y)  # at x = 0 the tangent is 0, as the adjoint is (norm_adjoint)
    dy = (
        np.sum(x * dx, axis=axis, keepdims=keepdims) / nonzero if frobenius
        else np.sum(matrix_norm_adjoint(np.ones_like(y), x, ord, axis, keepdims) * dx, axis=(-2, -1) if axis in (None,) else axis, keepdims=keepdims) if matrix
        else np.zeros_like(y) if ord == 0
        else np.sum(np.sign(x) * dx * at_extremum, axis=axis, keepdims=keepdims) / np.sum(at_extremum, axis=axis, keepdims=keepdims) if np.isinf(ord)
        else np.sum(np.abs(x) ** (ord - 1) * np.sign(x) * dx, axis=axis, keepdims=keepdims) / nonzero ** (ord - 1)
    )


@tangent(np.linalg.inv)
def inv(y, a):
    dy = -(y @ da @ y)


@tangent(np.linalg.solve)
def solve(z, a, b):
    """``a dz = db - da z``; a 1-D ``b`` is one right-hand side (numpy >= 2)."""
    dz = -np.linalg.solve(a, da @ z) if np.ndim(b) > 1 else -np.linalg.solve(a, (da @ z[..., None]))[..., 0]
    dz = np.linalg.solve(a, db)


@tangent(np.linalg.det)
def det(y, a):
    dy = y * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)


@tangent(np.linalg.slogdet)
def slogdet(y, a):
    """``y`` is ``(sign, logabsdet)``; the sign's tangent is zero."""
    dy = GradTuple((np.zeros_like(y[0]), np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)))


@tangent(np.linalg.cholesky)
def cholesky(y, a, *, upper=False):
    """``dL = L Phi(L^-1 sym(da) L^-T)``, ``Phi`` the lower triangle with half the
    diagonal: ``a``'s tangent is taken symmetric, as the adjoint does."""
    lower = np.swapaxes(y, -1, -2) if upper else y
    symmetric = 0.5 * (da + np.swapaxes(da, -1, -2))
    inner = np.linalg.solve(lower, np.swapaxes(np.linalg.solve(lower, symmetric), -1, -2))
    lower_tangent = lower @ (np.tril(inner) - 0.5 * np.tril(np.triu(inner)))
    dy = np.swapaxes(lower_tangent, -1, -2) if upper else lower_tangent


@tangent(np.linalg.eigh)
def eigh(y, a, UPLO="L"):
    """``y`` is ``(eigenvalues, eigenvectors)``; ``a``'s tangent taken symmetric, as the
    adjoint does; distinct eigenvalues.  With ``P = V^T da V``: ``dw = diag(P)``,
    ``dV = V (P / (w_j - w_i))`` off the diagonal."""
    symmetric = 0.5 * (da + np.swapaxes(da, -1, -2))
    projected = np.swapaxes(y[1], -1, -2) @ symmetric @ y[1]
    gap = np.expand_dims(y[0], -2) - np.expand_dims(y[0], -1)
    off = np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))
    dy = GradTuple((np.diagonal(projected, axis1=-2, axis2=-1), y[1] @ (off * projected)))
