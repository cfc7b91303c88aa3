"""scipy.linalg: adjoint and tangent rules side by side, for real matrices.

Loaded by :mod:`s2s.rules` only once ``scipy.linalg`` has been imported (scipy is an
optional dependency).  See :mod:`s2s.derivatives.numpy_linalg` for how the templates read;
the numpy.linalg helpers of :mod:`s2s.runtime.decompositions` serve where the calculus is
the same (``cholesky_adjoint``, ``eigh_adjoint``).  Templates call scipy.linalg functions
that have rules here (``solve_triangular``, ``cho_solve``, ``lu_solve``, ``expm``, ...), so
the gradient differentiates again: second order needs no code of its own.

Conventions:

* Matrices are real; ``trans``'s 'C' is 'T'.  A 1-D right-hand side is one column.
* A function that reads one triangle of a symmetric matrix (``cholesky``, ``cho_factor``,
  ``eigh``, ``solve``/``inv`` with ``assume_a`` 'sym', 'her' or 'pos') has the symmetric
  adjoint: the matrix is taken to be symmetric, as the function assumes, as numpy's
  ``cholesky`` and ``eigh`` rules take it; a tangent is taken symmetric likewise.
  Triangular and banded ``assume_a`` read only their part, and only it gets an adjoint.
* ``solve_triangular``, ``cho_solve`` and ``lu_solve`` read only the triangles that hold
  their factors (``unit_diagonal``: not the diagonal); the other entries (``cho_factor``
  leaves arbitrary data there) have no derivative and get a zero adjoint.  ``lu_factor``'s
  pivots are integer data.  ``eigh`` assumes distinct eigenvalues for its eigenvectors.
* ``expm``, ``logm`` and ``sqrtm`` are primary matrix functions ``f``: ``f([[A, E], [0, A]])``
  holds the Fréchet derivative ``L(A, E)`` in its upper-right block, the tangent; for a
  real ``f`` the adjoint is ``L(A^T, G)``, the same block of ``f([[A^T, G], [0, A^T]])``.
"""

import numpy as np
import scipy.linalg

from s2s import runtime
from s2s.families import linear
from s2s.rules import adjoint, limits, nondifferentiable, tangent

# -- triangular systems and the Cholesky factorization ------------------------------------


@adjoint(scipy.linalg.solve_triangular)
def solve_triangular(x, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """``op(T) x = b``, ``T`` the triangle of ``a`` that ``lower`` names: ``b``'s adjoint is
    ``op(T)^-T dx``, ``op(T)``'s ``-db x^T``, kept on the triangle the solver reads."""
    gb = scipy.linalg.solve_triangular(a, dx, trans=0 if trans in (1, 2, "T", "C") else 1, lower=lower, unit_diagonal=unit_diagonal)
    db = gb
    outer = -(np.expand_dims(gb, -1) @ np.expand_dims(x, -2)) if np.ndim(b) == 1 else -(gb @ np.swapaxes(x, -1, -2))
    full = np.swapaxes(outer, -1, -2) if trans in (1, 2, "T", "C") else outer
    da = np.tril(full, -1 if unit_diagonal else 0) if lower else np.triu(full, 1 if unit_diagonal else 0)


@tangent(scipy.linalg.solve_triangular)
def solve_triangular_(x, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """``op(T) dx = db - op(dT) x``."""
    dt = np.tril(da, -1 if unit_diagonal else 0) if lower else np.triu(da, 1 if unit_diagonal else 0)
    dx = scipy.linalg.solve_triangular(a, -((np.swapaxes(dt, -1, -2) if trans in (1, 2, "T", "C") else dt) @ x), trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    dx = scipy.linalg.solve_triangular(a, db, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


@adjoint(scipy.linalg.cholesky)
def cholesky(y, a, lower=False, overwrite_a=False, check_finite=True):
    """The upper factor unless ``lower``; the symmetric adjoint (Murray, 2016)."""
    da = cholesky_adjoint(dy, y, not lower)


@tangent(scipy.linalg.cholesky)
def cholesky_(y, a, lower=False, overwrite_a=False, check_finite=True):
    """``dL = L Phi(L^-1 sym(da) L^-T)``, ``Phi`` the lower triangle with half the
    diagonal, by two triangular solves; the upper factor's is its transpose."""
    factor = y if lower else np.swapaxes(y, -1, -2)
    inner = scipy.linalg.solve_triangular(factor, np.swapaxes(scipy.linalg.solve_triangular(factor, 0.5 * (da + np.swapaxes(da, -1, -2)), lower=True), -1, -2), lower=True)
    tangent_lower = factor @ (np.tril(inner) - 0.5 * np.tril(np.triu(inner)))
    dy = tangent_lower if lower else np.swapaxes(tangent_lower, -1, -2)


@adjoint(scipy.linalg.cho_factor)
def cho_factor(y, a, lower=False, overwrite_a=False, check_finite=True):
    """``y`` is ``(c, lower)``; only the triangle of ``c`` that holds the factor has a derivative."""
    da = cholesky_adjoint(np.tril(dy[0]) if lower else np.triu(dy[0]), np.tril(y[0]) if lower else np.triu(y[0]), not lower)


@tangent(scipy.linalg.cho_factor)
def cho_factor_(y, a, lower=False, overwrite_a=False, check_finite=True):
    """The factor's tangent (as ``cholesky``'s) in its triangle, zero in the other (arbitrary data)."""
    factor = np.tril(y[0]) if lower else np.swapaxes(np.triu(y[0]), -1, -2)
    inner = scipy.linalg.solve_triangular(factor, np.swapaxes(scipy.linalg.solve_triangular(factor, 0.5 * (da + np.swapaxes(da, -1, -2)), lower=True), -1, -2), lower=True)
    tangent_lower = factor @ (np.tril(inner) - 0.5 * np.tril(np.triu(inner)))
    dy = GradTuple((tangent_lower if lower else np.swapaxes(tangent_lower, -1, -2), None))


@adjoint(scipy.linalg.cho_solve)
def cho_solve(x, c_and_lower, b, overwrite_b=False, check_finite=True):
    """``A x = b``, ``A = L L^T`` (``U^T U``): ``db = A^-1 dx``; ``A``'s adjoint ``-db x^T``
    taken through the factor, ``dL = S L`` (``dU = U S``), ``S = -(db x^T + x db^T)``."""
    gb = scipy.linalg.cho_solve(c_and_lower, dx)
    db = gb
    outer = np.expand_dims(gb, -1) @ np.expand_dims(x, -2) if np.ndim(b) == 1 else gb @ np.swapaxes(x, -1, -2)
    s = -(outer + np.swapaxes(outer, -1, -2))
    dc_and_lower = GradTuple((np.tril(s @ np.tril(c_and_lower[0])) if c_and_lower[1] else np.triu(np.triu(c_and_lower[0]) @ s), None))


@tangent(scipy.linalg.cho_solve)
def cho_solve_(x, c_and_lower, b, overwrite_b=False, check_finite=True):
    """``A dx = db - dA x``, ``dA = dL L^T + L dL^T`` (``dU^T U + U^T dU``)."""
    product = np.tril(dc_and_lower[0]) @ np.swapaxes(np.tril(c_and_lower[0]), -1, -2) if c_and_lower[1] else np.swapaxes(np.triu(dc_and_lower[0]), -1, -2) @ np.triu(c_and_lower[0])
    dx = scipy.linalg.cho_solve(c_and_lower, -((product + np.swapaxes(product, -1, -2)) @ x))
    dx = scipy.linalg.cho_solve(c_and_lower, db)


# -- the LU factorization: P a = L U, L unit lower triangular, both packed in one matrix --------


@adjoint(scipy.linalg.lu_factor)
def lu_factor(y, a, overwrite_a=False, check_finite=True):
    """``y`` is ``(lu, piv)``.  The tangent is ``dL = L tril(X, -1)``, ``dU = triu(X) U``
    with ``X = L^-1 P da U^-1``; so ``da = P^T L^-T M U^-T`` with
    ``M = tril(L^T G, -1) + triu(G U^T)`` for the adjoint ``G`` of ``lu``."""
    m = np.tril(np.swapaxes(np.tril(y[0], -1), -1, -2) @ dy[0] + dy[0], -1) + np.triu(dy[0] @ np.swapaxes(np.triu(y[0]), -1, -2))
    solved = scipy.linalg.solve_triangular(y[0], m, trans=1, lower=True, unit_diagonal=True)
    z = np.swapaxes(scipy.linalg.solve_triangular(y[0], np.swapaxes(solved, -1, -2), lower=False), -1, -2)
    da = np.take_along_axis(z, np.expand_dims(np.argsort(lu_permutation(y[1]), axis=-1), -1), axis=-2)


@tangent(scipy.linalg.lu_factor)
def lu_factor_(y, a, overwrite_a=False, check_finite=True):
    """``X = L^-1 P da U^-1``; ``dlu = tril(X, -1) + tril(lu, -1) tril(X, -1) + triu(X) U``; the pivots' tangent is None."""
    w = scipy.linalg.solve_triangular(y[0], np.take_along_axis(da, np.expand_dims(lu_permutation(y[1]), -1), axis=-2), lower=True, unit_diagonal=True)
    x = np.swapaxes(scipy.linalg.solve_triangular(y[0], np.swapaxes(w, -1, -2), trans=1, lower=False), -1, -2)
    dy = GradTuple((np.tril(x, -1) + np.tril(y[0], -1) @ np.tril(x, -1) + np.triu(x) @ np.triu(y[0]), None))


@adjoint(scipy.linalg.lu_solve)
def lu_solve(x, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """``op(A) x = b``, ``A = P^T L U``: ``db = op(A)^-T dx``; ``A``'s adjoint ``Abar``
    (``-db x^T``, transposed back through op) to the factors: with ``N = P Abar``,
    ``dL = tril(N U^T, -1)``, ``dU = triu(L^T N)``."""
    gb = scipy.linalg.lu_solve(lu_and_piv, dx, trans=0 if trans in (1, 2, "T", "C") else 1)
    db = gb
    outer = -(np.expand_dims(gb, -1) @ np.expand_dims(x, -2)) if np.ndim(b) == 1 else -(gb @ np.swapaxes(x, -1, -2))
    permuted = np.take_along_axis(np.swapaxes(outer, -1, -2) if trans in (1, 2, "T", "C") else outer, np.expand_dims(lu_permutation(lu_and_piv[1]), -1), axis=-2)
    dlu_and_piv = GradTuple((np.tril(permuted @ np.swapaxes(np.triu(lu_and_piv[0]), -1, -2), -1) + np.triu(np.swapaxes(np.tril(lu_and_piv[0], -1), -1, -2) @ permuted + permuted), None))


@tangent(scipy.linalg.lu_solve)
def lu_solve_(x, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """``op(A) dx = db - op(dA) x``, ``dA = P^T (dL U + L dU)``."""
    product = np.tril(dlu_and_piv[0], -1) @ np.triu(lu_and_piv[0]) + np.tril(lu_and_piv[0], -1) @ np.triu(dlu_and_piv[0]) + np.triu(dlu_and_piv[0])
    change = np.take_along_axis(product, np.expand_dims(np.argsort(lu_permutation(lu_and_piv[1]), axis=-1), -1), axis=-2)
    dx = scipy.linalg.lu_solve(lu_and_piv, -((np.swapaxes(change, -1, -2) if trans in (1, 2, "T", "C") else change) @ x), trans=trans)
    dx = scipy.linalg.lu_solve(lu_and_piv, db, trans=trans)


@adjoint(scipy.linalg.lu)
def lu(y, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """``y`` is ``(p, l, u)``, ``a = p l u``: ``lu_factor``'s calculus with ``P = p^T``,
    ``l`` and ``u`` unpacked (an unused one's adjoint is zero)."""
    m = np.tril(np.swapaxes(y[1], -1, -2) @ (np.zeros_like(y[1]) if dy[1] is None else dy[1]), -1) + np.triu((np.zeros_like(y[2]) if dy[2] is None else dy[2]) @ np.swapaxes(y[2], -1, -2))
    solved = scipy.linalg.solve_triangular(y[1], m, trans=1, lower=True, unit_diagonal=True)
    da = y[0] @ np.swapaxes(scipy.linalg.solve_triangular(y[2], np.swapaxes(solved, -1, -2), lower=False), -1, -2)


@tangent(scipy.linalg.lu)
def lu_(y, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """``X = l^-1 p^T da u^-1``: ``dl = l tril(X, -1)``, ``du = triu(X) u``; ``p`` is constant."""
    w = scipy.linalg.solve_triangular(y[1], np.swapaxes(y[0], -1, -2) @ da, lower=True, unit_diagonal=True)
    x = np.swapaxes(scipy.linalg.solve_triangular(y[2], np.swapaxes(w, -1, -2), trans=1, lower=False), -1, -2)
    dy = GradTuple((np.zeros_like(y[0]), y[1] @ np.tril(x, -1), np.triu(x) @ y[2]))


# -- general matrices -----------------------------------------------------------------------


@adjoint(scipy.linalg.inv)
def inv(y, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """``-y^T dy y^T``, on the part of ``a`` that ``assume_a`` reads."""
    da = assumed_structure(-(np.swapaxes(y, -1, -2) @ dy @ np.swapaxes(y, -1, -2)), assume_a)


@tangent(scipy.linalg.inv)
def inv_(y, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    dy = -(y @ assumed_structure(da, assume_a) @ y)


@adjoint(scipy.linalg.solve)
def solve(x, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None, transposed=False):
    """``op(a) x = b``: ``db = op(a)^-T dx``, ``op(a)``'s adjoint ``-db x^T``, on the part of
    ``a`` that ``assume_a`` reads."""
    gb = scipy.linalg.solve(a, dx, lower=lower, assume_a=assume_a, transposed=not transposed)
    db = gb
    outer = -(np.expand_dims(gb, -1) @ np.expand_dims(x, -2)) if np.ndim(b) == 1 else -(gb @ np.swapaxes(x, -1, -2))
    da = assumed_structure(np.swapaxes(outer, -1, -2) if transposed else outer, assume_a)


@tangent(scipy.linalg.solve)
def solve_(x, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None, transposed=False):
    """``op(a) dx = db - op(da) x``."""
    dx = scipy.linalg.solve(a, -((np.swapaxes(assumed_structure(da, assume_a), -1, -2) if transposed else assumed_structure(da, assume_a)) @ x), lower=lower, assume_a=assume_a, transposed=transposed)
    dx = scipy.linalg.solve(a, db, lower=lower, assume_a=assume_a, transposed=transposed)


@adjoint(scipy.linalg.det)
def det(y, a, overwrite_a=False, check_finite=True):
    """numpy.linalg's calculus: ``dy * y * a^-T``."""
    da = np.expand_dims(dy * y, (-1, -2)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@tangent(scipy.linalg.det)
def det_(y, a, overwrite_a=False, check_finite=True):
    dy = y * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)


# -- the symmetric eigenproblem -------------------------------------------------------------


@adjoint(scipy.linalg.eigh)
def eigh(y, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """``y`` is ``(eigenvalues, eigenvectors)``, or the eigenvalues alone: then ``V diag(dy) V^T``
    with the eigenvectors computed again."""
    vectors = scipy.linalg.eigh(a, lower=lower)[1] if eigvals_only else None
    da = (vectors * np.expand_dims(dy, -2)) @ np.swapaxes(vectors, -1, -2) if eigvals_only else eigh_adjoint(dy, y)


@tangent(scipy.linalg.eigh)
def eigh_(y, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """With ``P = V^T sym(da) V``: ``dw = diag(P)``, ``dV = V (P / (w_j - w_i))`` off the diagonal."""
    pair = scipy.linalg.eigh(a, lower=lower) if eigvals_only else y
    projected = np.swapaxes(pair[1], -1, -2) @ (0.5 * (da + np.swapaxes(da, -1, -2))) @ pair[1]
    gaps = np.expand_dims(pair[0], -2) - np.expand_dims(pair[0], -1)
    inverse_gaps = np.where(gaps == 0, 0.0, 1.0 / np.where(gaps == 0, 1.0, gaps))
    dy = np.diagonal(projected, axis1=-2, axis2=-1) if eigvals_only else GradTuple((np.diagonal(projected, axis1=-2, axis2=-1), pair[1] @ (inverse_gaps * projected)))


# -- primary matrix functions: the Fréchet derivative in a block-triangular matrix -----------


@adjoint(scipy.linalg.expm)
def expm(y, A):
    """The upper-right block of ``expm([[A^T, dy], [0, A^T]])`` (module docstring); logm's and sqrtm's alike."""
    dA = scipy.linalg.expm(frechet_block(np.swapaxes(A, -1, -2), dy))[..., :np.shape(A)[-1], np.shape(A)[-1]:]


@tangent(scipy.linalg.expm)
def expm_(y, A):
    dy = scipy.linalg.expm(frechet_block(A, dA))[..., :np.shape(A)[-1], np.shape(A)[-1]:]


@adjoint(scipy.linalg.logm)
def logm(y, A, disp=True):
    dA = scipy.linalg.logm(frechet_block(np.swapaxes(A, -1, -2), dy))[..., :np.shape(A)[-1], np.shape(A)[-1]:]


@tangent(scipy.linalg.logm)
def logm_(y, A, disp=True):
    dy = scipy.linalg.logm(frechet_block(A, dA))[..., :np.shape(A)[-1], np.shape(A)[-1]:]


@adjoint(scipy.linalg.sqrtm)
def sqrtm(y, A, disp=True, blocksize=64):
    dA = scipy.linalg.sqrtm(frechet_block(np.swapaxes(A, -1, -2), dy))[..., :np.shape(A)[-1], np.shape(A)[-1]:]


@tangent(scipy.linalg.sqrtm)
def sqrtm_(y, A, disp=True, blocksize=64):
    dy = scipy.linalg.sqrtm(frechet_block(A, dA))[..., :np.shape(A)[-1], np.shape(A)[-1]:]


# -- block matrices ----------------------------------------------------------------------------


@adjoint(scipy.linalg.block_diag)
def block_diag(y, *arrs):
    darrs = unblock_diag(dy, arrs)


@tangent(scipy.linalg.block_diag)
def block_diag_(y, *arrs):
    dy = scipy.linalg.block_diag(*darrs)


# -- what the options do not cover, refused at the call ------------------------------------------

limits(scipy.linalg.eigh, without=("b",), defaults_only=("b", "type", "subset_by_index", "subset_by_value"))
limits(scipy.linalg.logm, defaults_only=("disp",))
limits(scipy.linalg.sqrtm, defaults_only=("disp", "blocksize"))
limits(scipy.linalg.lu, defaults_only=("permute_l", "p_indices"))


# -- the helpers of these rules ----------------------------------------------------------------

nondifferentiable(runtime.lu_permutation)


@adjoint(runtime.frechet_block)
def frechet_block_(y, a, e):
    """Linear in ``a`` and ``e`` together: ``a`` sits in both diagonal blocks."""
    da = dy[..., :np.shape(a)[-1], :np.shape(a)[-1]] + dy[..., np.shape(a)[-1]:, np.shape(a)[-1]:]
    de = dy[..., :np.shape(a)[-1], np.shape(a)[-1]:]


@tangent(runtime.frechet_block)
def frechet_block__(y, a, e):
    dy = frechet_block(da, np.zeros_like(e))
    dy = frechet_block(np.zeros_like(a), de)


@linear(runtime.assumed_structure)
def assumed_structure_(y, grad, assume_a=None):
    """An orthogonal projection: its own transpose."""
    dgrad = assumed_structure(dy, assume_a)


@linear(runtime.unblock_diag)
def unblock_diag_(y, grad, arrs):
    dgrad = scipy.linalg.block_diag(*dy)
