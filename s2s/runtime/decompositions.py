"""Adjoints of ``np.linalg.solve``, ``np.linalg.cholesky`` and ``np.linalg.eigh``, and the
checks of the other decompositions' rules.

Each adjoint with its ``*_tangent`` and ``*_adjoint_adjoint`` derivatives, for second
order (Murray, 2016, for the Cholesky factor; distinct eigenvalues for eigh).  The checks
(``real_spectrum``, ``unique_columns``, ``complete_columns``, ``full_column_rank``) pass
their first argument through, or raise a ``ValueError`` saying why the rule of
derivatives/numpy_decompositions.py or numpy_linalg.py does not cover the value.
"""

import numpy as np

from .broadcasting import unbroadcast
from .diagonals import on_diagonal
from .dispatch import broadcast_like, library_array
from .products import transposed
from .values import GradTuple


def solve_adjoint(grad, result, a, b):
    """The adjoints of ``np.linalg.solve(a, b)``."""
    vector = np.ndim(b) == 1
    g = np.expand_dims(grad, -1) if vector else grad
    z = np.expand_dims(result, -1) if vector else result
    db = np.linalg.solve(np.swapaxes(a, -1, -2), g)
    da = -(db @ np.swapaxes(z, -1, -2))
    return unbroadcast(da, a), np.reshape(unbroadcast(db, np.expand_dims(b, -1) if vector else b), np.shape(b))


def solve_adjoint_tangent(grad, result, a, b, dresult=None, da=None):
    """The tangent of ``solve_adjoint(grad, result, a, b)`` along the tangent ``dresult`` of
    ``result`` or ``da`` of ``a`` (pass one; ``grad`` held: the helper is linear in it).
    With ``db = a^-T g``: along ``da``, ``d(db) = -a^-T da^T db``; along ``dresult``,
    only ``da = -db z^T`` moves."""
    vector = np.ndim(b) == 1
    g = np.expand_dims(grad, -1) if vector else grad
    z = np.expand_dims(result, -1) if vector else result
    db = np.linalg.solve(transposed(a), g)
    if da is not None:
        ddb = -np.linalg.solve(transposed(a), transposed(da) @ db)
        dda = -(ddb @ transposed(z))
    else:
        dz = np.expand_dims(dresult, -1) if vector else dresult
        ddb = np.zeros_like(db)
        dda = -(db @ transposed(dz))
    return GradTuple((unbroadcast(dda, a), np.reshape(unbroadcast(ddb, np.expand_dims(b, -1) if vector else b), np.shape(b))))


def solve_adjoint_adjoint(cot, grad, result, a, b):
    """The adjoints of ``solve_adjoint(grad, result, a, b)`` for the cotangent
    ``cot = (ca, cb)``: ``(dgrad, dresult, da)``.  The cotangent of ``db = a^-T g`` is
    ``cb - ca z``; then ``dg = a^-1 (cb - ca z)``, ``da = -db dg^T``, ``dz = -ca^T db``."""
    vector = np.ndim(b) == 1
    g = np.expand_dims(grad, -1) if vector else grad
    z = np.expand_dims(result, -1) if vector else result
    db = np.linalg.solve(transposed(a), g)
    ca, cb = cot
    ca = np.zeros_like(a) if ca is None else ca
    cb = np.zeros_like(db) if cb is None else (np.expand_dims(cb, -1) if vector else cb)
    ca = broadcast_like(ca, np.shape(db)[:-2] + np.shape(ca)[-2:], db)
    cdb = cb - ca @ z
    dg = np.linalg.solve(a, cdb)
    dgrad = unbroadcast(dg, g)
    dz = unbroadcast(-(transposed(ca) @ db), z)
    dgrad, dz = (dgrad[..., 0], dz[..., 0]) if vector else (dgrad, dz)
    return GradTuple((dgrad, dz, unbroadcast(-(db @ transposed(dg)), a)))


def cholesky_adjoint(grad, factor, upper=False):
    """The adjoint of ``np.linalg.cholesky(a)`` in a symmetric ``a`` (Murray, 2016)."""
    lower = np.swapaxes(factor, -1, -2) if upper else factor
    g = np.swapaxes(grad, -1, -2) if upper else grad
    inner = np.tril(np.swapaxes(lower, -1, -2) @ g)
    inner = inner - 0.5 * np.tril(np.triu(inner))  # halve the diagonal
    inv = np.linalg.inv(lower)
    s = np.swapaxes(inv, -1, -2) @ inner @ inv
    return 0.5 * (s + np.swapaxes(s, -1, -2))


def _lower_half_diagonal(m):
    """The lower triangle of ``m`` with its diagonal halved (``Phi`` in Murray, 2016)."""
    return np.tril(m) - 0.5 * np.tril(np.triu(m))


def cholesky_adjoint_tangent(grad, factor, dfactor, upper=False):
    """The tangent of ``cholesky_adjoint(grad, factor, upper)`` along ``dfactor`` (``grad``
    held; the helper is linear in it): the product rule through ``L^-T Phi(L^T G) L^-1``."""
    lower = transposed(factor) if upper else factor
    dlower = transposed(dfactor) if upper else dfactor
    g = transposed(grad) if upper else grad
    inner = _lower_half_diagonal(transposed(lower) @ g)
    inv = np.linalg.inv(lower)
    dinv = -(inv @ dlower @ inv)
    s = transposed(dinv) @ inner @ inv + transposed(inv) @ _lower_half_diagonal(transposed(dlower) @ g) @ inv + transposed(inv) @ inner @ dinv
    return 0.5 * (s + transposed(s))


def cholesky_adjoint_adjoint(cot, grad, factor, upper=False):
    """The adjoints of ``cholesky_adjoint(grad, factor, upper)`` for the cotangent ``cot``:
    ``(dgrad, dfactor)``.  With ``C`` the symmetric part of ``cot``, ``W = L^-1 C L^-T`` and
    ``M = Phi(L^T G)``: ``dG = L Phi(W)``, ``dL = G Phi(W)^T - L^-T (M + M^T) L^-1 C L^-T``."""
    lower = transposed(factor) if upper else factor
    g = transposed(grad) if upper else grad
    c = 0.5 * (cot + transposed(cot))
    inv = np.linalg.inv(lower)
    inner = _lower_half_diagonal(transposed(lower) @ g)
    w = _lower_half_diagonal(inv @ c @ transposed(inv))
    dgrad = lower @ w
    dlower = g @ transposed(w) - transposed(inv) @ (inner + transposed(inner)) @ inv @ c @ transposed(inv)
    return GradTuple((transposed(dgrad) if upper else dgrad, transposed(dlower) if upper else dlower))


def eigh_adjoint(grad, result):
    """The adjoint of ``np.linalg.eigh(a)`` in a symmetric ``a`` with distinct eigenvalues."""
    w, v = result
    gw, gv = grad
    vt = np.swapaxes(v, -1, -2)
    s = np.zeros_like(v) if gw is None else (v * gw[..., None, :]) @ vt  # v diag(gw) v^T
    if gv is not None:
        s = s + v @ (_inverse_gaps(w) * (vt @ gv)) @ vt
    return 0.5 * (s + np.swapaxes(s, -1, -2))


def _inverse_gaps(w):
    """``1 / (w_j - w_i)`` at ``[i, j]``, zero where the eigenvalues coincide (new axes by
    indexing: ``np.expand_dims`` costs more than the arithmetic on small matrices)."""
    gap = w[..., None, :] - w[..., :, None]
    same = gap == 0
    return np.where(same, 0.0, 1.0 / np.where(same, 1.0, gap))


def eigh_adjoint_tangent(grad, result, dresult):
    """The tangent of ``eigh_adjoint(grad, result)`` along the tangent ``dresult`` of the
    eigendecomposition ``result`` (``grad`` held; the helper is linear in it): the product
    rule through ``sym(V diag(gw) V^T + V (F * (V^T gv)) V^T)``, ``F = 1 / (w_j - w_i)``."""
    w, v = result
    gw, gv = grad
    dw, dv = dresult
    vt = transposed(v)
    s = np.zeros_like(v)
    if gw is not None and dv is not None:
        s = s + 2.0 * ((dv * np.expand_dims(gw, -2)) @ vt)  # symmetrized below
    if gv is not None:
        off = _inverse_gaps(w)
        projected = vt @ gv
        if dw is not None:
            dgap = np.expand_dims(dw, -2) - np.expand_dims(dw, -1)
            s = s + v @ (-off * off * dgap * projected) @ vt
        if dv is not None:
            m = off * projected
            s = s + dv @ m @ vt + v @ m @ transposed(dv) + v @ (off * (transposed(dv) @ gv)) @ vt
    return 0.5 * (s + transposed(s))


def eigh_adjoint_adjoint(cot, grad, result):
    """The adjoints of ``eigh_adjoint(grad, result)`` for the cotangent ``cot``:
    ``((dgw, dgv), (dw, dv))``.  With ``C`` the symmetric part of ``cot``, ``B = V^T C V``,
    ``F = 1 / (w_j - w_i)`` and ``N = diag(gw) + F * (V^T gv)``: ``dgw = diag(B)``,
    ``dgv = V (F * B)``, ``dV = C V (N + N^T) + gv (F * B)^T`` and ``dw`` from ``dF``."""
    w, v = result
    gw, gv = grad
    c = 0.5 * (cot + transposed(cot))
    vt = transposed(v)
    b = vt @ c @ v
    off = _inverse_gaps(w)
    n = np.zeros_like(b)
    dgw = dgv = None
    dw = np.zeros_like(w)
    if gw is not None:
        dgw = np.diagonal(b, axis1=-2, axis2=-1)
        n = n + np.where(on_diagonal(np.shape(b), -2, -1, 0, library_array(b)), np.expand_dims(gw, -2), 0.0)
    dv = None
    if gv is not None:
        fb = off * b
        dgv = v @ fb
        projected = vt @ gv
        n = n + off * projected
        h = -b * projected * off * off
        dw = np.sum(h, axis=-2) - np.sum(h, axis=-1)
        dv = gv @ transposed(fb)
    dv = c @ v @ (n + transposed(n)) + (0.0 if dv is None else dv)
    return GradTuple((GradTuple((dgw, dgv)), GradTuple((dw, dv))))


# -- the checks of the decompositions' rules: each passes its first argument through or
# raises where the rule's derivative would be wrong (linear, so they have rules of a line) --


def real_spectrum(values):
    """``values``, eigenvalues or eigenvectors of ``np.linalg.eig``, as real arrays where they
    are real (numpy makes both complex where one eigenvalue is, and numpy >= 2.5 always); a
    ``ValueError`` where they are complex (the rules cover real spectra only).  A complex
    result is checked on its values: a device array's are brought to the host."""
    if np.iscomplexobj(values):
        if bool(np.any(np.imag(values) != 0)):  # numpy >= 2.5 gives complex results for real spectra too
            raise ValueError(
                "s2s differentiates np.linalg.eig and np.linalg.eigvals only where the eigenvalues are "
                "real (and distinct); this matrix has complex eigenvalues")
        return np.real(values)
    return values


def unique_columns(grad, k):
    """The first ``k`` columns of ``grad``, the adjoint of the left singular vectors of
    ``np.linalg.svd(a, full_matrices=True)`` (or of the transposed right ones); a
    ``ValueError`` where a later column's adjoint is not zero: those columns complete
    the basis arbitrarily, and nothing differentiable depends on them."""
    if np.shape(grad)[-1] > k and bool(np.any(grad[..., k:] != 0)):
        raise ValueError(
            "the result depends on the extra singular vectors of np.linalg.svd(a, full_matrices=True) "
            "of a non-square matrix, which are not unique; pass full_matrices=False")
    return grad[..., :k]


def complete_columns(values, like):
    """``values``, the tangent of the first singular vectors of ``np.linalg.svd``, as the
    tangent of ``like`` (all of them); a ``ValueError`` where ``like`` has more columns
    (``full_matrices=True`` of a non-square matrix: the extra vectors have no derivative)."""
    if np.shape(values) != np.shape(like):
        raise ValueError(
            "forward mode through np.linalg.svd(a, full_matrices=True) of a non-square matrix: its "
            "extra singular vectors are not unique; pass full_matrices=False (or compute_uv=False)")
    return values


def full_column_rank(x, rank, columns):
    """``x``, the solution of ``np.linalg.lstsq``, where its ``rank`` is ``columns``; a
    ``ValueError`` otherwise (the minimum-norm solution of a rank-deficient system is not
    differentiable where the rank changes, and the rule covers full column rank)."""
    if rank < columns:
        raise ValueError(
            f"s2s differentiates np.linalg.lstsq only for a matrix of full column rank; this one has rank "
            f"{rank} < {columns} columns")
    return x
