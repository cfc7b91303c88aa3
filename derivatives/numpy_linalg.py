"""numpy.linalg: adjoint and tangent rules side by side.

See :mod:`s2s.derivatives.numpy_special` for how the
templates read.
"""

import numpy as np

from s2s.rules import adjoint, tangent


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
