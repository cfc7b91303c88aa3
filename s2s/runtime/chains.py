"""Adjoints of ``np.linalg.multi_dot``, and their derivatives for second order.

A chain ``A_1 A_2 ... A_k`` (a 1-D first array is a row, a 1-D last one a column, as in
``multi_dot``) is linear in each factor: its tangent is the sum over factors of the chain
with that factor replaced by its tangent, and its adjoint in ``A_i`` is
``L_i^T G R_i^T`` with ``L_i``, ``R_i`` the products before and after ``A_i``.  The
second-order helpers use block matrices: the chain of ``[[A_i, D_i], [0, A_i]]`` is
``[[P, dP], [0, P]]``, with ``dP`` the tangent of ``P`` along the ``D_i``; the adjoint of
that chain for the cotangent ``[[0, G], [0, 0]]`` holds, at each factor, the adjoint in
``D_i`` (the upper right block) and in ``A_i`` (the two diagonal blocks).
"""

import numpy as np

from .values import GradTuple


def _as_matrices(arrays):
    """The factors as matrices: a 1-D first factor a row, a 1-D last one a column."""
    matrices = list(arrays)
    if np.ndim(matrices[0]) == 1:
        matrices[0] = np.expand_dims(matrices[0], 0)
    if np.ndim(matrices[-1]) == 1:
        matrices[-1] = np.expand_dims(matrices[-1], -1)
    return matrices


def _chain_adjoints(grad, matrices):
    """``L_i^T grad R_i^T`` for each factor of the chain of ``matrices``."""
    right = [None] * len(matrices)
    product = None
    for i in range(len(matrices) - 1, 0, -1):
        product = matrices[i] if product is None else matrices[i] @ product
        right[i - 1] = product
    out, left = [], None
    for i, m in enumerate(matrices):
        g = grad if left is None else np.swapaxes(left, -1, -2) @ grad
        out.append(g if right[i] is None else g @ np.swapaxes(right[i], -1, -2))
        left = m if left is None else left @ m
    return out


def _blocks(matrices, tangents):
    """``[[A, D], [0, A]]`` for each factor ``A`` and its tangent ``D``."""
    return [
        np.concatenate([np.concatenate([a, d], axis=-1), np.concatenate([np.zeros_like(a), a], axis=-1)], axis=-2)
        for a, d in zip(matrices, tangents)
    ]


def _result_shape(arrays):
    """The shape of ``np.linalg.multi_dot(arrays)``: a 1-D end drops its axis."""
    first, last = np.shape(arrays[0]), np.shape(arrays[-1])
    return first[:-1] + last[1:]


def _shaped(adjoints, arrays):
    return GradTuple(np.reshape(g, np.shape(a)) for g, a in zip(adjoints, arrays))


def multi_dot_adjoint(grad, arrays):
    """The adjoints of ``np.linalg.multi_dot(arrays)``, one per factor."""
    matrices = _as_matrices(arrays)
    g = np.reshape(grad, (np.shape(matrices[0])[0], np.shape(matrices[-1])[-1]))
    return _shaped(_chain_adjoints(g, matrices), arrays)


def multi_dot_tangent(arrays, tangents):
    """The tangent of ``np.linalg.multi_dot(arrays)`` along ``tangents``, one per factor:
    the upper right block of the chain of ``[[A_i, D_i], [0, A_i]]``."""
    matrices = _as_matrices(arrays)
    product = np.linalg.multi_dot(_blocks(matrices, _as_matrices(tangents)))
    rows, cols = np.shape(matrices[0])[0], np.shape(matrices[-1])[-1]
    return np.reshape(product[:rows, cols:], _result_shape(arrays))


def multi_dot_adjoint_tangent(grad, arrays, tangents):
    """The tangent of ``multi_dot_adjoint(grad, arrays)`` along the ``tangents`` of the
    factors (``grad`` held; the helper is linear in it): the diagonal blocks of the block
    chain's adjoints for the cotangent ``[[0, G], [0, 0]]``."""
    matrices = _as_matrices(arrays)
    rows, cols = np.shape(matrices[0])[0], np.shape(matrices[-1])[-1]
    g = np.reshape(grad, (rows, cols))
    zeros = np.zeros_like(g)
    block_grad = np.concatenate([np.concatenate([zeros, g], axis=-1), np.concatenate([zeros, zeros], axis=-1)], axis=-2)
    adjoints = _chain_adjoints(block_grad, _blocks(matrices, _as_matrices(tangents)))
    diagonal = []
    for adjoint, m in zip(adjoints, matrices):
        r, c = np.shape(m)
        diagonal.append(adjoint[:r, :c] + adjoint[r:, c:])
    return _shaped(diagonal, arrays)


def multi_dot_adjoint_adjoint(cot, grad, arrays):
    """The adjoints of ``multi_dot_adjoint(grad, arrays)`` for the cotangents ``cot`` of its
    results: ``(dgrad, darrays)``.  ``sum_i <C_i, L_i^T G R_i^T> = <G, dP>`` with ``dP``
    the chain's tangent along the ``C_i``: ``dgrad = dP``, and ``darrays`` its adjoint in
    the factors, which is ``multi_dot_adjoint_tangent`` along ``cot`` (a Hessian is symmetric)."""
    cot = [np.zeros_like(a) if c is None else c for c, a in zip(cot, arrays)]
    return GradTuple((np.reshape(multi_dot_tangent(arrays, cot), np.shape(grad)), multi_dot_adjoint_tangent(grad, arrays, cot)))
