"""numpy.linalg: adjoint and tangent rules side by side (the decompositions svd, qr, eig,
eigvals and eigvalsh are in :mod:`s2s.derivatives.numpy_decompositions`).

See :mod:`s2s.derivatives.numpy_special` for how the templates read.  Real matrices,
stacked on leading axes where numpy stacks them.  What a rule assumes: ``pinv`` and
``lstsq`` a matrix of full rank (full column rank for ``lstsq``, checked at run time:
the rank is held, the derivative of a rank change does not exist); ``lstsq``'s residuals
and singular values have rules too, its rank none; ``matrix_power`` any integer power
(negative ones of an invertible matrix); ``multi_dot`` and ``tensorsolve`` the numpy
defaults of ``out`` and ``axes`` (others are refused at the call).  ``matrix_rank`` has no
derivative.  The array API's names in numpy.linalg (``matmul``,
``outer``, ``tensordot``, ``vecdot``, ``cross``, ``trace``, ``diagonal``,
``matrix_transpose``) are numpy's functions on the last axes, linear in each argument.
"""

import numpy as np

from s2s.families import linear
from s2s.rules import adjoint, limits, nondifferentiable, tangent


@adjoint(np.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    dx = norm_adjoint(dy, y, x, ord, axis, keepdims)


@tangent(np.linalg.norm)
def norm_(y, x, ord=None, axis=None, keepdims=False):
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
        np.sum(x * dx if not np.iscomplexobj(x) else np.real(np.conj(x) * dx), axis=axis, keepdims=keepdims) / nonzero if frobenius
        else np.sum(matrix_norm_adjoint(np.ones_like(y), x, ord, axis, keepdims) * dx, axis=(-2, -1) if axis in (None,) else axis, keepdims=keepdims) if matrix
        else np.zeros_like(y) if ord == 0
        else np.sum(np.real(np.conj(np.sign(x)) * dx) * at_extremum, axis=axis, keepdims=keepdims) / np.sum(at_extremum, axis=axis, keepdims=keepdims) if np.isinf(ord)
        else np.sum(np.abs(x) ** (ord - 1) * np.real(np.conj(np.sign(x)) * dx), axis=axis, keepdims=keepdims) / nonzero ** (ord - 1)
    )


@adjoint(np.linalg.inv)
def inv(y, a):
    da = -(np.swapaxes(y, -1, -2) @ dy @ np.swapaxes(y, -1, -2))


@tangent(np.linalg.inv)
def inv_(y, a):
    dy = -(y @ da @ y)


@adjoint(np.linalg.solve)
def solve(z, a, b):
    adjoints = solve_adjoint(dz, z, a, b)
    da = adjoints[0]
    db = adjoints[1]


@tangent(np.linalg.solve)
def solve_(z, a, b):
    """``a dz = db - da z``; a 1-D ``b`` is one right-hand side (numpy >= 2)."""
    dz = -np.linalg.solve(a, da @ z) if np.ndim(b) > 1 else -np.linalg.solve(a, (da @ z[..., None]))[..., 0]
    dz = np.linalg.solve(a, db)


@adjoint(np.linalg.det)
def det(y, a):
    da = np.expand_dims(dy * y, (-1, -2)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@tangent(np.linalg.det)
def det_(y, a):
    dy = y * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)


@adjoint(np.linalg.slogdet)
def slogdet(y, a):
    """``y`` is ``(sign, logabsdet)``; the sign has no derivative."""
    da = np.expand_dims(dy[1], (-1, -2)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@tangent(np.linalg.slogdet)
def slogdet_(y, a):
    """``y`` is ``(sign, logabsdet)``; the sign's tangent is zero."""
    dy = GradTuple((np.zeros_like(y[0]), np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)))


@adjoint(np.linalg.cholesky)
def cholesky(y, a, *, upper=False):
    """The symmetric adjoint: ``a`` is taken to be symmetric, as cholesky assumes."""
    da = cholesky_adjoint(dy, y, upper)


@tangent(np.linalg.cholesky)
def cholesky_(y, a, *, upper=False):
    """``dL = L Phi(L^-1 sym(da) L^-T)``, ``Phi`` the lower triangle with half the
    diagonal: ``a``'s tangent is taken symmetric, as the adjoint does."""
    lower = np.swapaxes(y, -1, -2) if upper else y
    symmetric = 0.5 * (da + np.swapaxes(da, -1, -2))
    inner = np.linalg.solve(lower, np.swapaxes(np.linalg.solve(lower, symmetric), -1, -2))
    lower_tangent = lower @ (np.tril(inner) - 0.5 * np.tril(np.triu(inner)))
    dy = np.swapaxes(lower_tangent, -1, -2) if upper else lower_tangent


@adjoint(np.linalg.eigh)
def eigh(y, a, UPLO="L"):
    """``y`` is ``(eigenvalues, eigenvectors)``; the symmetric adjoint, for distinct eigenvalues."""
    da = eigh_adjoint(dy, y)


@tangent(np.linalg.eigh)
def eigh_(y, a, UPLO="L"):
    """``y`` is ``(eigenvalues, eigenvectors)``; ``a``'s tangent taken symmetric, as the
    adjoint does; distinct eigenvalues.  With ``P = V^T da V``: ``dw = diag(P)``,
    ``dV = V (P / (w_j - w_i))`` off the diagonal."""
    symmetric = 0.5 * (da + np.swapaxes(da, -1, -2))
    projected = np.swapaxes(y[1], -1, -2) @ symmetric @ y[1]
    gap = np.expand_dims(y[0], -2) - np.expand_dims(y[0], -1)
    off = np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))
    dy = GradTuple((np.diagonal(projected, axis1=-2, axis2=-1), y[1] @ (off * projected)))


@adjoint(np.linalg.pinv)
def pinv(y, a, rcond=None, hermitian=False, *, rtol=None):
    """For ``P = pinv(a)`` of full rank:
    ``da = -P^T G P^T + (I - a P) G^T P P^T + P^T P G^T (I - P a)``."""
    left = np.swapaxes(dy, -1, -2) @ y @ np.swapaxes(y, -1, -2)
    right = np.swapaxes(y, -1, -2) @ y @ np.swapaxes(dy, -1, -2)
    da = -(np.swapaxes(y, -1, -2) @ dy @ np.swapaxes(y, -1, -2)) + left - a @ (y @ left) + right - (right @ y) @ a


@tangent(np.linalg.pinv)
def pinv_(y, a, rcond=None, hermitian=False, *, rtol=None):
    """``dP = -P da P + P P^T da^T (I - a P) + (I - P a) da^T P^T P`` (Golub and Pereyra,
    1973), for ``a`` of full rank: the rank is held."""
    left = y @ np.swapaxes(y, -1, -2) @ np.swapaxes(da, -1, -2)
    right = np.swapaxes(da, -1, -2) @ np.swapaxes(y, -1, -2) @ y
    dy = -(y @ da @ y) + left - (left @ a) @ y + right - y @ (a @ right)


@adjoint(np.linalg.lstsq)
def lstsq(y, a, b, rcond=None):
    """``y`` is ``(x, residuals, rank, sv)``; ``a`` of full column rank (else an error at
    run time).  With ``r = b - a x`` and ``z = (a^T a)^-1 gx``:
    ``db = a z + 2 r g_residuals``, ``da = r z^T - db x^T + U diag(g_sv) V^T``."""
    x = full_column_rank(np.reshape(y[0], (np.shape(a)[-1], -1)), y[2], np.shape(a)[-1])
    residual = np.reshape(b, (np.shape(a)[-2], -1)) - a @ x
    solved = np.linalg.solve(np.swapaxes(a, -1, -2) @ a, np.reshape(dy[0], np.shape(x)))
    gb = a @ solved + (residual * (2.0 * dy[1]) if np.size(dy[1]) else 0.0)
    db = np.reshape(gb, np.shape(b))
    da = residual @ np.swapaxes(solved, -1, -2) - gb @ np.swapaxes(x, -1, -2)
    factors = np.linalg.svd(a, full_matrices=False)
    da = (factors[0] * dy[3]) @ factors[2]


@tangent(np.linalg.lstsq)
def lstsq_(y, a, b, rcond=None):
    """``dx = (a^T a)^-1 (a^T (db - da x) + da^T r)``; ``d residuals = 2 sum(r (db - da x))``
    (``a^T r = 0``); ``d sv = diag(U^T da V)``; the rank is held."""
    x = full_column_rank(np.reshape(y[0], (np.shape(a)[-1], -1)), y[2], np.shape(a)[-1])
    residual = np.reshape(b, (np.shape(a)[-2], -1)) - a @ x
    gram = np.swapaxes(a, -1, -2) @ a
    moved = da @ x
    factors = np.linalg.svd(a, full_matrices=False)
    dy = GradTuple((
        np.reshape(np.linalg.solve(gram, np.swapaxes(da, -1, -2) @ residual - np.swapaxes(a, -1, -2) @ moved), np.shape(y[0])),
        -2.0 * np.sum(residual * moved, axis=0) if np.size(y[1]) else np.zeros_like(y[1]),
        np.zeros_like(y[2]),
        np.sum(factors[0] * (da @ np.swapaxes(factors[2], -1, -2)), axis=-2),
    ))
    dy = GradTuple((
        np.reshape(np.linalg.solve(gram, np.swapaxes(a, -1, -2) @ np.reshape(db, np.shape(residual))), np.shape(y[0])),
        2.0 * np.sum(residual * np.reshape(db, np.shape(residual)), axis=0) if np.size(y[1]) else np.zeros_like(y[1]),
        np.zeros_like(y[2]),
        np.zeros_like(y[3]),
    ))


@adjoint(np.linalg.matrix_power)
def matrix_power(y, a, n):
    """The adjoint of the Fréchet derivative ``L(a, E)`` of ``a^n`` is ``L(a^T, G)``, the
    upper right block of ``[[a^T, G], [0, a^T]]^n`` (any integer ``n``)."""
    at = np.swapaxes(a, -1, -2)
    da = np.linalg.matrix_power(np.concatenate([np.concatenate([at, dy], axis=-1), np.concatenate([np.zeros_like(a), at], axis=-1)], axis=-2), n)[..., : np.shape(a)[-1], np.shape(a)[-1] :]


@tangent(np.linalg.matrix_power)
def matrix_power_(y, a, n):
    """``dy`` is the upper right block of ``[[a, da], [0, a]]^n`` (any integer ``n``)."""
    dy = np.linalg.matrix_power(np.concatenate([np.concatenate([a, da], axis=-1), np.concatenate([np.zeros_like(a), a], axis=-1)], axis=-2), n)[..., : np.shape(a)[-1], np.shape(a)[-1] :]


@adjoint(np.linalg.multi_dot)
def multi_dot(y, arrays, *, out=None):
    darrays = multi_dot_adjoint(dy, arrays)


@tangent(np.linalg.multi_dot)
def multi_dot_(y, arrays, *, out=None):
    """The sum over factors of the chain with that factor replaced by its tangent."""
    dy = multi_dot_tangent(arrays, darrays)


limits(np.linalg.multi_dot, defaults_only=("out",))


@adjoint(np.linalg.matrix_norm)
def matrix_norm(y, x, *, keepdims=False, ord="fro"):
    dx = norm_adjoint(dy, y, x, ord, (-2, -1), keepdims)


@tangent(np.linalg.matrix_norm)
def matrix_norm_(y, x, *, keepdims=False, ord="fro"):
    """``np.linalg.norm(x, ord, axis=(-2, -1))``: the tangent is the adjoint's direction
    (a unit adjoint) times ``dx``, summed over the matrix axes."""
    dy = np.sum(norm_adjoint(np.ones_like(y), y, x, ord, (-2, -1), keepdims) * dx, axis=(-2, -1), keepdims=keepdims)


@adjoint(np.linalg.vector_norm)
def vector_norm(y, x, *, axis=None, keepdims=False, ord=2):
    """A p-norm over ``axis`` (all axes where None, whatever their number); the infinity
    norms share the adjoint among the entries at the extreme magnitude."""
    scale = unreduce(dy, x, axis, keepdims)
    norm = unreduce(y, x, axis, keepdims)
    at_extremum = np.abs(x) == norm
    dx = (
        scale * np.sign(x) * at_extremum / np.sum(at_extremum, axis=axis, keepdims=True) if np.isinf(ord)
        else np.zeros_like(x) if ord == 0
        else scale * np.abs(x) ** (ord - 1) * np.sign(x) / np.where(norm == 0, 1.0, norm) ** (ord - 1)
    )


@tangent(np.linalg.vector_norm)
def vector_norm_(y, x, *, axis=None, keepdims=False, ord=2):
    """``dy = sum(|x|^(p-1) sign(x) dx) / y^(p-1)``; the infinity norms at the extreme magnitude."""
    at_extremum = np.abs(x) == unreduce(y, x, axis, keepdims)
    dy = (
        np.sum(np.sign(x) * dx * at_extremum, axis=axis, keepdims=keepdims) / np.sum(at_extremum, axis=axis, keepdims=keepdims) if np.isinf(ord)
        else np.zeros_like(y) if ord == 0
        else np.sum(np.abs(x) ** (ord - 1) * np.sign(x) * dx, axis=axis, keepdims=keepdims) / np.where(y == 0, 1.0, y) ** (ord - 1)
    )


@adjoint(np.linalg.tensorsolve)
def tensorsolve(y, a, b, axes=None):
    """As ``solve`` on ``a`` as a matrix (``b``'s entries by ``x``'s): ``db = a^-T gx``,
    ``da = -db (outer) x``."""
    gb = np.reshape(np.linalg.solve(np.swapaxes(np.reshape(a, (np.size(b), np.size(y))), -1, -2), np.reshape(dy, (-1,))), np.shape(b))
    db = gb
    da = -np.tensordot(gb, y, 0)


@tangent(np.linalg.tensorsolve)
def tensorsolve_(y, a, b, axes=None):
    dy = np.linalg.tensorsolve(a, db)
    dy = -np.linalg.tensorsolve(a, np.tensordot(da, y, np.ndim(y)))


limits(np.linalg.tensorsolve, defaults_only=("axes",))


@adjoint(np.linalg.tensorinv)
def tensorinv(y, a, ind=2):
    """As ``inv`` on ``a`` as a matrix: ``da = -y^T G y^T``."""
    inverse = np.reshape(y, (-1, np.prod(np.shape(a)[:ind])))
    da = -np.reshape(np.swapaxes(inverse, -1, -2) @ np.reshape(dy, np.shape(inverse)) @ np.swapaxes(inverse, -1, -2), np.shape(a))


@tangent(np.linalg.tensorinv)
def tensorinv_(y, a, ind=2):
    inverse = np.reshape(y, (-1, np.prod(np.shape(a)[:ind])))
    dy = -np.reshape(inverse @ np.reshape(da, np.shape(np.swapaxes(inverse, -1, -2))) @ inverse, np.shape(y))



@adjoint(np.linalg.svdvals)
def svdvals(y, x):
    """``dx = U diag(gs) V^T``."""
    factors = np.linalg.svd(x, full_matrices=False)
    dx = (factors[0] * np.expand_dims(dy, -2)) @ factors[2]


@tangent(np.linalg.svdvals)
def svdvals_(y, x):
    """``ds = diag(U^T dx V)``."""
    factors = np.linalg.svd(x, full_matrices=False)
    dy = np.sum(factors[0] * (dx @ np.swapaxes(factors[2], -1, -2)), axis=-2)


nondifferentiable(np.linalg.matrix_rank)


@adjoint(np.linalg.cond)
def cond(y, x, p=None):
    """For ``p`` None, 2 or -2, ``y = s_a / s_b`` (the extreme singular values):
    ``dx = y (u_a v_a^T / s_a - u_b v_b^T / s_b)``.  For the other ``p``, ``y = |x| |X|``
    with ``X = x^-1``: ``dx = |X| d|x| - X^T d|X| X^T`` (the norms' adjoints)."""
    factors = np.linalg.svd(x, full_matrices=False) if p in (None, 2, -2) else None
    inverse = None if p in (None, 2, -2) else np.linalg.inv(x)
    sign = np.expand_dims(dy * y, (-2, -1)) * (-1.0 if p == -2 else 1.0)
    dx = (
        sign * (factors[0][..., :1] @ factors[2][..., :1, :] / np.expand_dims(factors[1][..., :1], -1) - factors[0][..., -1:] @ factors[2][..., -1:, :] / np.expand_dims(factors[1][..., -1:], -1)) if p in (None, 2, -2)
        else norm_adjoint(dy * np.linalg.norm(inverse, p, (-2, -1)), np.linalg.norm(x, p, (-2, -1)), x, p, (-2, -1))
        - np.swapaxes(inverse, -1, -2) @ norm_adjoint(dy * np.linalg.norm(x, p, (-2, -1)), np.linalg.norm(inverse, p, (-2, -1)), inverse, p, (-2, -1)) @ np.swapaxes(inverse, -1, -2)
    )


@tangent(np.linalg.cond)
def cond_(y, x, p=None):
    """``dy = y (ds_a / s_a - ds_b / s_b)`` with ``ds = diag(U^T dx V)``, or the product
    rule through ``|x| |X|`` with ``dX = -X dx X``."""
    inverse = None if p in (None, 2, -2) else np.linalg.inv(x)
    factors = np.linalg.svd(x, full_matrices=False) if p in (None, 2, -2) else None
    moved = np.sum(factors[0] * (dx @ np.swapaxes(factors[2], -1, -2)), axis=-2) / factors[1] if p in (None, 2, -2) else None
    dy = (
        y * (moved[..., 0] - moved[..., -1]) * (-1.0 if p == -2 else 1.0) if p in (None, 2, -2)
        else np.linalg.norm(inverse, p, (-2, -1)) * np.sum(norm_adjoint(np.ones_like(y), np.linalg.norm(x, p, (-2, -1)), x, p, (-2, -1)) * dx, axis=(-2, -1))
        - np.linalg.norm(x, p, (-2, -1)) * np.sum(norm_adjoint(np.ones_like(y), np.linalg.norm(inverse, p, (-2, -1)), inverse, p, (-2, -1)) * (inverse @ dx @ inverse), axis=(-2, -1))
    )


# -- the array API's names in numpy.linalg: numpy's functions on the last axes -------------


@linear(np.linalg.matmul)
def linalg_matmul(z, x1, x2):
    dx1 = matmul_dx(dz, x1, x2)
    dx2 = matmul_dy(dz, x1, x2)
    return np.linalg.matmul(x1, x2)


@linear(np.linalg.outer)
def linalg_outer(z, x1, x2):
    adjoints = outer_adjoint(dz, x1, x2)
    dx1 = adjoints[0]
    dx2 = adjoints[1]
    return np.linalg.outer(x1, x2)


@linear(np.linalg.tensordot)
def linalg_tensordot(z, x1, x2, *, axes=2):
    adjoints = tensordot_adjoint(dz, x1, x2, axes)
    dx1 = adjoints[0]
    dx2 = adjoints[1]
    return np.linalg.tensordot(x1, x2, axes=axes)


@linear(np.linalg.vecdot, broadcast=True)
def linalg_vecdot(z, x1, x2, *, axis=-1):
    """Real vectors: ``sum(x1 * x2, axis)``."""
    dx1 = np.expand_dims(dz, axis) * x2
    dx2 = np.expand_dims(dz, axis) * x1
    return np.linalg.vecdot(x1, x2, axis=axis)


@linear(np.linalg.cross, broadcast=True)
def linalg_cross(z, x1, x2, *, axis=-1):
    dx1 = np.linalg.cross(x2, dz, axis=axis)
    dx2 = np.linalg.cross(dz, x1, axis=axis)
    return np.linalg.cross(x1, x2, axis=axis)


@linear(np.linalg.trace)
def linalg_trace(y, x, *, offset=0, dtype=None):
    dx = untrace(dy, x, offset, -2, -1)
    return np.linalg.trace(x, offset=offset)


@linear(np.linalg.diagonal)
def linalg_diagonal(y, x, *, offset=0):
    dx = undiagonal(dy, x, offset, -2, -1)
    return np.linalg.diagonal(x, offset=offset)


@linear(np.linalg.matrix_transpose)
def linalg_matrix_transpose(y, x):
    dx = np.swapaxes(dy, -1, -2)
    return np.swapaxes(x, -1, -2)
