"""Adjoints of ``np.linalg.norm``: vector p-norms, Frobenius, and the matrix norms through the SVD.

``norm_adjoint_tangent`` and ``matrix_norm_adjoint_tangent`` are their
derivatives, for second order.
"""

import numpy as np

from .broadcasting import unreduce
from .products import transposed


def norm_adjoint(grad, result, x, ord=None, axis=None, keepdims=False):
    """The adjoint of ``np.linalg.norm`` for Frobenius/2-norms and vector p-norms; of a
    complex ``x``, the same with ``conj(x)`` and the real part of ``grad`` (see
    derivatives/numpy_complex.py; matrix norms other than Frobenius: real ``x`` only)."""
    if ord is None and axis is None and not keepdims and type(x) is np.ndarray and x.dtype.kind == "f":
        return grad * x / (result if result != 0 else 1.0)  # the 2-norm of all entries: what follows gives, sooner
    matrix = (axis is None and np.ndim(x) == 2) or (isinstance(axis, tuple) and len(axis) == 2)
    if np.iscomplexobj(x):
        grad, x = np.real(grad), np.conj(x)
    g = unreduce(grad, x, axis, keepdims)
    r = unreduce(result, x, axis, keepdims)
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        return g * x / np.where(r == 0, 1.0, r)
    if matrix:
        return matrix_norm_adjoint(grad, x, ord, axis, keepdims)
    if np.isinf(ord):
        at = np.abs(x) == r
        return g * np.sign(x) * at / np.sum(at, axis=axis, keepdims=True)
    if ord == 0:
        return np.zeros_like(x)
    return g * np.abs(x) ** (ord - 1) * np.sign(x) / np.where(r == 0, 1.0, r) ** (ord - 1)


def matrix_norm_adjoint(grad, x, ord, axis=None, keepdims=False):
    """The adjoint of a matrix norm ``np.linalg.norm(x, ord, axis=(rows, cols))``
    for ``ord`` 2, -2, 'nuc' (through the SVD) and 1, -1, inf, -inf (the
    extreme column or row sums of ``|x|``, ties sharing evenly).  Real ``x`` only."""
    if np.iscomplexobj(x):
        raise ValueError(
            f"s2s differentiates np.linalg.norm of a complex matrix only with ord=None or 'fro', not ord={ord!r}: "
            "wrap the matrix in s2s.stop_gradient, or register a rule with @s2s.adjoint(np.linalg.norm)")
    rows, cols = (a % np.ndim(x) for a in (axis if axis is not None else (-2, -1)))
    if keepdims:
        grad = np.squeeze(grad, axis=(rows, cols))
    xm = np.moveaxis(x, (rows, cols), (-2, -1))
    if ord in (2, -2, "nuc"):
        u, s, vh = np.linalg.svd(xm, full_matrices=False)
        if ord == "nuc":
            direction = u @ vh
        else:
            k = 0 if ord == 2 else np.shape(s)[-1] - 1  # singular values come largest first
            direction = u[..., :, k:k + 1] @ vh[..., k:k + 1, :]
    elif ord in (1, -1, np.inf, -np.inf):
        summed = -2 if ord in (1, -1) else -1  # 1: column sums (over rows); inf: row sums
        sums = np.sum(np.abs(xm), axis=summed, keepdims=True)
        extreme = (np.max if ord > 0 else np.min)(sums, axis=(-2, -1), keepdims=True)
        at = sums == extreme
        direction = np.sign(xm) * at / np.sum(at, axis=(-2, -1), keepdims=True)
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices")  # numpy's forward refuses it too
    return np.moveaxis(np.expand_dims(grad, (-2, -1)) * direction, (-2, -1), (rows, cols))


def _is_matrix_norm(x, axis):
    return (axis is None and np.ndim(x) == 2) or (isinstance(axis, tuple) and len(axis) == 2)


def norm_adjoint_tangent(grad, result, x, ord=None, axis=None, keepdims=False, dresult=None, dx=None):
    """The tangent of ``norm_adjoint(grad, result, x, ord, axis, keepdims)`` along the tangent
    ``dresult`` of ``result`` or ``dx`` of ``x`` (pass one; ``grad`` held: the helper is
    linear in it).  Frobenius and vector p-norms differentiate ``g |x|^(p-1) sign(x) / r^(p-1)``;
    the infinity norms, ``ord=0`` and the matrix 1 and infinity norms have a piecewise
    constant adjoint (zero tangent); the matrix 2, -2 and nuclear norms differentiate the
    singular vectors (``matrix_norm_adjoint_tangent``), which depend on ``x`` alone.
    Real ``x`` only: second order of the norm of complex values is refused with the rewrite."""
    if np.iscomplexobj(x):
        raise ValueError(
            "s2s gives np.linalg.norm of complex values first derivatives only: for a second derivative write the "
            "norm as np.sqrt(np.sum(np.real(x * np.conj(x)))), or register a rule with @s2s.tangent")
    matrix = _is_matrix_norm(x, axis)
    g = unreduce(grad, x, axis, keepdims)
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        r = np.where(unreduce(result, x, axis, keepdims) == 0, 1.0, unreduce(result, x, axis, keepdims))
        if dx is not None:
            return g * dx / r
        return -g * x * unreduce(dresult, x, axis, keepdims) / (r * r)
    if matrix:
        if dx is None:
            return np.zeros_like(x)
        return matrix_norm_adjoint_tangent(grad, x, dx, ord, axis, keepdims)
    if np.isinf(ord) or ord == 0:
        return np.zeros_like(x)
    r = np.where(unreduce(result, x, axis, keepdims) == 0, 1.0, unreduce(result, x, axis, keepdims))
    if dx is not None:
        at_zero = x == 0  # |x|^(p-2) has no value there for p < 2: the kink gets zero
        return g * (ord - 1) * np.where(at_zero, 0.0, np.where(at_zero, 1.0, np.abs(x)) ** (ord - 2)) * dx / r ** (ord - 1)
    return -(ord - 1) * g * np.abs(x) ** (ord - 1) * np.sign(x) * unreduce(dresult, x, axis, keepdims) / r ** ord


def matrix_norm_adjoint_tangent(grad, x, dx, ord, axis=None, keepdims=False):
    """The tangent along ``dx`` of ``matrix_norm_adjoint(grad, x, ord, axis, keepdims)``.

    With the thin SVD ``x = U S V^T`` and ``P = U^T dx V``: for ``'nuc'`` the direction
    ``U V^T`` moves by ``U ((P - P^T) / (s_i + s_j)) V^T`` plus the parts of ``dx`` outside
    the singular subspaces, ``(I - U U^T) dx V S^-1 V^T + U S^-1 U^T dx (I - V V^T)``; for
    2 and -2 the direction ``u_k v_k^T`` moves with the singular vectors,
    ``u_j . du_k = (s_k P_jk + s_j P_kj) / (s_k^2 - s_j^2)`` and
    ``v_j . dv_k = (s_j P_jk + s_k P_kj) / (s_k^2 - s_j^2)`` (a simple extreme singular
    value), plus ``(I - U U^T) dx v_k / s_k`` and ``(I - V V^T) dx^T u_k / s_k``.  The 1 and
    infinity norms' directions are piecewise constant: zero."""
    rows, cols = (a % np.ndim(x) for a in (axis if axis is not None else (-2, -1)))
    if ord not in (2, -2, "nuc"):
        if ord in (1, -1, np.inf, -np.inf):
            return np.zeros_like(x)
        raise ValueError(f"Invalid norm order {ord!r} for matrices")
    if keepdims:
        grad = np.squeeze(grad, axis=(rows, cols))
    xm = np.moveaxis(x, (rows, cols), (-2, -1))
    dxm = np.moveaxis(dx, (rows, cols), (-2, -1))
    u, s, vh = np.linalg.svd(xm, full_matrices=False)
    v = transposed(vh)
    p = transposed(u) @ dxm @ v
    if ord == "nuc":
        pairs = np.expand_dims(s, -1) + np.expand_dims(s, -2)
        inside = u @ ((p - transposed(p)) / pairs) @ vh
        left = (dxm @ v - u @ p) / np.expand_dims(s, -2) @ vh  # (I - U U^T) dx V S^-1 V^T
        right = u @ (transposed(transposed(dxm) @ u - v @ transposed(p)) / np.expand_dims(s, -1))  # U S^-1 U^T dx (I - V V^T)
        direction = inside + left + right
    else:
        k = 0 if ord == 2 else np.shape(s)[-1] - 1
        sk = s[..., k:k + 1]
        column = p[..., :, k]  # P_jk
        row = p[..., k, :]  # P_kj
        here = np.arange(np.shape(s)[-1], like=s) == k
        gaps = np.where(here, 1.0, sk * sk - s * s)
        a = np.where(here, 0.0, (sk * column + s * row) / gaps)
        b = np.where(here, 0.0, (s * column + sk * row) / gaps)
        uk = u[..., :, k:k + 1]
        vk = v[..., :, k:k + 1]
        sk = np.expand_dims(sk, -1)
        du = u @ np.expand_dims(a, -1) + (dxm @ vk - u @ p[..., :, k:k + 1]) / sk
        dv = v @ np.expand_dims(b, -1) + (transposed(dxm) @ uk - v @ transposed(p)[..., :, k:k + 1]) / sk
        direction = du @ transposed(vk) + uk @ transposed(dv)
    return np.moveaxis(np.expand_dims(grad, (-2, -1)) * direction, (-2, -1), (rows, cols))
