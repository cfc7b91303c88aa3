"""numpy.linalg's decompositions: ``svd``, ``qr``, ``eig``, ``eigvals``, ``eigvalsh``.

Adjoint and tangent templates side by side (see :mod:`s2s.derivatives.numpy_special` for
how templates read), written in numpy calls that have rules, so that the gradient they
make differentiates again (``s2s.hvp``).  Real matrices, stacked on leading axes where
numpy stacks them.  Conventions, as JAX's and autograd's:

* distinct singular values and eigenvalues: the derivatives of the vectors divide by
  their gaps (``F[i, j] = 1 / (s_j^2 - s_i^2)`` for ``svd``, ``1 / (w_j - w_i)`` for
  ``eig``), which are infinite where two coincide; a gap of exactly zero counts as none;
* a singular vector's or eigenvector's sign (LAPACK's choice) is held, and eigenvectors of
  ``eig`` keep unit length, as numpy returns them;
* ``eigvalsh`` takes ``a`` symmetric, as ``eigh``'s rule does;
* ``svd(a, full_matrices=True)`` of a non-square ``a``: the extra singular vectors complete
  the basis arbitrarily, so a gradient that depends on them is an error at run time
  (``unique_columns``), and so is forward mode through them (``complete_columns``);
  ``full_matrices=False`` or ``compute_uv=False`` is what to pass;
* ``eig``/``eigvals`` cover a real spectrum only: complex eigenvalues are an error at run
  time (``real_spectrum``), never a wrong number;
* ``qr`` in its default mode 'reduced' (other modes are refused); a wide ``a`` (``m < n``)
  is ``Q [R_1 R_2]`` with ``Q R_1`` the QR of ``a``'s first ``m`` columns and
  ``R_2 = Q^T a_2``.

The checks are runtime helpers (``s2s/runtime/decompositions.py``), identities where they
pass, with the rules of identities (derivatives/runtime_rules.py).
"""

import numpy as np

from s2s.rules import adjoint, limits, tangent


@adjoint(np.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    """With ``J = (F * (U^T gU - gU^T U)) S + S (F * (V^T gV - gV^T V))``:
    ``da = U (diag(gs) + J) V^T + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)``
    (Townsend, 2016); the last two terms vanish for a square ``a``."""
    factors = y if compute_uv else np.linalg.svd(a, full_matrices=False)
    k = np.shape(factors[1])[-1]
    u = factors[0][..., :k]
    s = factors[1]
    vh = factors[2][..., :k, :]
    da = (u * np.expand_dims(dy[1] if compute_uv else dy, -2)) @ vh
    gu = unique_columns(dy[0], k) if compute_uv else np.zeros_like(u)
    gvh = np.swapaxes(unique_columns(np.swapaxes(dy[2], -1, -2), k), -1, -2) if compute_uv else np.zeros_like(vh)
    gap = np.expand_dims(s * s, -2) - np.expand_dims(s * s, -1)
    off = np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))
    ut_gu = np.swapaxes(u, -1, -2) @ gu
    vt_gv = vh @ np.swapaxes(gvh, -1, -2)
    inner = (off * (ut_gu - np.swapaxes(ut_gu, -1, -2))) * np.expand_dims(s, -2) + np.expand_dims(s, -1) * (off * (vt_gv - np.swapaxes(vt_gv, -1, -2)))
    da = u @ inner @ vh + ((gu - u @ ut_gu) / np.expand_dims(s, -2)) @ vh + (u / np.expand_dims(s, -2)) @ (gvh - np.swapaxes(vt_gv, -1, -2) @ vh)


@tangent(np.linalg.svd)
def svd_(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    """With ``dP = U^T da V``: ``ds = diag(dP)``,
    ``dU = U (F * (dP S + S dP^T)) + (I - U U^T) da V S^-1``,
    ``dV = V (F * (S dP + dP^T S)) + (I - V V^T) da^T U S^-1`` (JAX's rule)."""
    factors = y if compute_uv else np.linalg.svd(a, full_matrices=False)
    s = factors[1]
    v = np.swapaxes(factors[2], -1, -2)[..., : np.shape(s)[-1]]
    u = factors[0][..., : np.shape(s)[-1]]
    projected = np.swapaxes(u, -1, -2) @ da @ v
    ds = np.diagonal(projected, axis1=-2, axis2=-1)
    gap = np.expand_dims(s * s, -2) - np.expand_dims(s * s, -1)
    off = np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))
    right = projected * np.expand_dims(s, -2)
    left = np.expand_dims(s, -1) * projected
    du = u @ (off * (right + np.swapaxes(right, -1, -2))) + (da @ v - u @ projected) / np.expand_dims(s, -2)
    dv = v @ (off * (left + np.swapaxes(left, -1, -2))) + (np.swapaxes(da, -1, -2) @ u - v @ np.swapaxes(projected, -1, -2)) / np.expand_dims(s, -2)
    dy = GradTuple((complete_columns(du, factors[0]), ds, np.swapaxes(complete_columns(dv, np.swapaxes(factors[2], -1, -2)), -1, -2))) if compute_uv else ds


limits(np.linalg.svd, defaults_only=("hermitian",))


@adjoint(np.linalg.qr)
def qr(y, a, mode="reduced"):
    """For ``a = Q R`` with ``R`` square (``m >= n``), ``M = Q^T gQ - gR R^T`` and
    ``N = tril(M - M^T, -1) - M``: ``da = (gQ + Q N) R^-T``.  A wide ``a`` adds the
    adjoints through ``R_2 = Q^T a_2``."""
    k = np.shape(y[1])[-2]
    square = y[1][..., :k]
    rest = a[..., k:]
    gq = dy[0] + rest @ np.swapaxes(dy[1][..., k:], -1, -2)
    m = np.swapaxes(y[0], -1, -2) @ gq - dy[1][..., :k] @ np.swapaxes(square, -1, -2)
    n = np.tril(m - np.swapaxes(m, -1, -2), -1) - m
    da = np.concatenate([np.swapaxes(np.linalg.solve(square, np.swapaxes(gq + y[0] @ n, -1, -2)), -1, -2), y[0] @ dy[1][..., k:]], axis=-1)


@tangent(np.linalg.qr)
def qr_(y, a, mode="reduced"):
    """With ``X = da R^-1`` and ``C = Q^T X``, ``O = tril(C, -1) - tril(C, -1)^T``:
    ``dQ = Q (O - C) + X``, ``dR = (C - O) R`` (JAX's rule); a wide ``a`` adds
    ``dR_2 = dQ^T a_2 + Q^T da_2``."""
    k = np.shape(y[1])[-2]
    square = y[1][..., :k]
    scaled = np.swapaxes(np.linalg.solve(np.swapaxes(square, -1, -2), np.swapaxes(da[..., :k], -1, -2)), -1, -2)
    projected = np.swapaxes(y[0], -1, -2) @ scaled
    skew = np.tril(projected, -1) - np.swapaxes(np.tril(projected, -1), -1, -2)
    dq = y[0] @ (skew - projected) + scaled
    dy = GradTuple((dq, np.concatenate([(projected - skew) @ square, np.swapaxes(dq, -1, -2) @ a[..., k:] + np.swapaxes(y[0], -1, -2) @ da[..., k:]], axis=-1)))


limits(np.linalg.qr, defaults_only=("mode",))


@adjoint(np.linalg.eig)
def eig(y, a):
    """With ``H = V^T gV``, ``K = H - V^T V diag(diag(H))`` and ``F = 1 / (w_j - w_i)``:
    ``da = V^-T (diag(gw) + F * K) V^T`` (the diagonal of ``K`` keeps each eigenvector
    of unit length)."""
    w = real_spectrum(y[0])
    gap = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    off = np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap))
    vt = np.swapaxes(y[1], -1, -2)
    projected = vt @ dy[1]
    kept = projected - (vt @ y[1]) * np.expand_dims(np.diagonal(projected, axis1=-2, axis2=-1), -2)
    da = np.linalg.solve(vt, (off * kept) @ vt + np.expand_dims(dy[0], -1) * vt)


@tangent(np.linalg.eig)
def eig_(y, a):
    """With ``P = V^-1 da V`` and ``C = F * P``: ``dw = diag(P)``,
    ``dV = V C - V diag(diag(V^T V C))`` (unit eigenvectors)."""
    w = real_spectrum(y[0])
    projected = np.linalg.solve(y[1], da @ y[1])
    gap = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    moved = y[1] @ (np.where(gap == 0, 0.0, 1.0 / np.where(gap == 0, 1.0, gap)) * projected)
    dy = GradTuple((np.diagonal(projected, axis1=-2, axis2=-1), moved - y[1] * np.expand_dims(np.sum(y[1] * moved, axis=-2), -2)))


@adjoint(np.linalg.eigvals)
def eigvals(y, a):
    """``da = V^-T diag(gw) V^T``, ``V`` the eigenvectors."""
    vt = np.swapaxes(real_spectrum(np.linalg.eig(a)[1]), -1, -2)
    da = np.linalg.solve(vt, np.expand_dims(dy, -1) * vt)


@tangent(np.linalg.eigvals)
def eigvals_(y, a):
    """``dw = diag(V^-1 da V)``."""
    vectors = real_spectrum(np.linalg.eig(a)[1])
    dy = np.sum(np.linalg.solve(vectors, da) * np.swapaxes(vectors, -1, -2), axis=-1)


@adjoint(np.linalg.eigvalsh)
def eigvalsh(y, a, UPLO="L"):
    """``da = V diag(gw) V^T`` (symmetric), ``V`` the eigenvectors."""
    vectors = np.linalg.eigh(a, UPLO)[1]
    da = (vectors * np.expand_dims(dy, -2)) @ np.swapaxes(vectors, -1, -2)


@tangent(np.linalg.eigvalsh)
def eigvalsh_(y, a, UPLO="L"):
    """``dw = diag(V^T da V)``."""
    vectors = np.linalg.eigh(a, UPLO)[1]
    dy = np.sum(vectors * (da @ vectors), axis=-2)

