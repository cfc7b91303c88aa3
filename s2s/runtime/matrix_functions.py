"""Helpers of the scipy.linalg rules (``derivatives/scipy_linalg.py``).

What a rule template cannot say in one expression: the row permutation that LAPACK's
pivots stand for, the block matrix of the Fréchet derivative of a matrix function, the
part of a matrix a structured solver reads, and the blocks of ``block_diag``.  Each takes
arrays (never imports scipy) and uses numpy's dispatching forms; their derivative rules are
in ``derivatives/scipy_linalg.py`` (the permutation is integer data, with none).
"""

import numpy as np

from .values import GradTuple

# scipy.linalg.solve's and inv's ``assume_a``: the structures whose solver reads one
# triangle of a symmetric matrix, and those whose solver reads only a band
_SYMMETRIC = {"sym", "symmetric", "her", "hermitian", "pos", "positive definite"}
_BANDS = {"diagonal": (0, 0), "tridiagonal": (-1, 1), "upper triangular": (0, None), "lower triangular": (None, 0)}


def lu_permutation(piv):
    """The row order ``perm`` of ``scipy.linalg.lu_factor``'s pivots ``piv`` (row ``i``
    swapped with row ``piv[i]``, in turn): ``P a == a[..., perm, :]`` for ``P a = L U``."""
    piv = np.asarray(piv)
    perm = np.broadcast_to(np.arange(np.shape(piv)[-1]), np.shape(piv)).copy()
    flat, pivots = perm.reshape(-1, np.shape(piv)[-1]), piv.reshape(-1, np.shape(piv)[-1])
    for row, swaps in zip(flat, pivots):
        for i, j in enumerate(swaps):
            row[i], row[j] = row[j], row[i]
    return perm


def frechet_block(a, e):
    """``[[a, e], [0, a]]`` over the last two axes: a primary matrix function ``f`` of it
    holds ``f``'s Fréchet derivative at ``a`` in the direction ``e`` in its upper-right block."""
    top = np.concatenate([a, e], axis=-1)
    return np.concatenate([top, np.concatenate([np.zeros_like(a), a], axis=-1)], axis=-2)



def assumed_structure(grad, assume_a=None):
    """``grad`` projected on the matrices a solver given ``assume_a`` reads: symmetric for
    ``sym``/``her``/``pos`` (the matrix taken symmetric, as the solver assumes), the band or
    triangle for ``diagonal``, ``tridiagonal`` and the triangular ones, all of it otherwise
    (``None`` detects the structure from every entry; ``banded`` from the nonzeros).  An
    orthogonal projection: it is its own transpose."""
    if assume_a in _SYMMETRIC:
        return 0.5 * (grad + np.swapaxes(grad, -1, -2))
    if assume_a in _BANDS:
        below, above = _BANDS[assume_a]
        grad = grad if below is None else np.triu(grad, below)
        return grad if above is None else np.tril(grad, above)
    return grad


def unblock_diag(grad, arrs):
    """The adjoints of ``scipy.linalg.block_diag(*arrs)``: each block of ``grad`` on the
    diagonal, shaped like its array (a 1-D array is one row, a number one entry)."""
    blocks = []
    row = col = 0
    for a in arrs:
        shape = np.shape(a)
        rows, cols = (1, 1) if len(shape) == 0 else (1, shape[0]) if len(shape) == 1 else shape
        blocks.append(np.reshape(grad[row:row + rows, col:col + cols], shape))
        row, col = row + rows, col + cols
    return GradTuple(blocks)
