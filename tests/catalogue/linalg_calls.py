"""numpy.linalg: products, solves, decompositions and norms, one call each (square,
stacked, tall and wide matrices; several ords and axes)."""

import numpy as np

from . import RNG, distinct, normal, spd


def real_eigenvalues(n):
    """A non-symmetric matrix with the real, distinct eigenvalues 1 .. n."""
    s = RNG.normal(size=(n, n)) * 0.3 + np.eye(n)
    return np.linalg.solve(s, np.arange(1.0, n + 1)[:, None] * s)


CALLS = [
    ("np.linalg.inv(a)", {"a": spd(3)}),
    ("np.linalg.solve(a, b)", {"a": spd(3), "b": normal(3)}),
    ("np.linalg.solve(a, b)", {"a": spd(3), "b": normal(3, 2)}),
    ("np.linalg.det(a)", {"a": spd(3)}),
    ("np.linalg.slogdet(a)[1]", {"a": spd(4)}),
    ("np.linalg.cholesky(a @ a.T + np.eye(3))", {"a": normal(3, 3)}),
    ("np.linalg.cholesky(a @ a.T + np.eye(3), upper=True)", {"a": normal(3, 3)}),
    ("np.linalg.eigh(a + a.T)[0]", {"a": distinct(3)}),
    ("np.linalg.eigh(a + a.T)[1] ** 2", {"a": distinct(3)}),
    ("np.linalg.eigvalsh(a + a.T)", {"a": distinct(4)}),
    ("np.linalg.norm(x)", {"x": normal(3, 4)}),
    ("np.linalg.norm(x, ord=1)", {"x": normal(5)}),
    ("np.linalg.norm(x, 3, axis=0)", {"x": normal(4, 2)}),
    ("np.linalg.norm(x, 'nuc')", {"x": normal(3, 4)}),
    ("np.linalg.norm(x, 2, axis=(1, 2), keepdims=True)", {"x": normal(2, 3, 4)}),
    ("np.linalg.norm(x, np.inf, axis=-1)", {"x": normal(3, 4)}),
    ("np.linalg.svd(a, compute_uv=False)", {"a": normal(4, 3)}),
    ("np.linalg.svd(a)[1]", {"a": normal(3, 3)}),
    ("np.linalg.svd(a, full_matrices=False)[0] ** 2", {"a": normal(4, 3)}),
    ("np.linalg.svd(a, full_matrices=False)[2] ** 2", {"a": normal(2, 3, 5)}),
    ("np.linalg.svdvals(a)", {"a": normal(3, 5)}),
    ("np.linalg.qr(a)[1]", {"a": normal(5, 3)}),
    ("np.linalg.qr(a)[0]", {"a": normal(3, 4)}),
    ("np.linalg.pinv(a)", {"a": normal(4, 3)}),
    ("np.linalg.lstsq(a, b, rcond=None)[0]", {"a": normal(6, 3), "b": normal(6)}),
    ("np.linalg.lstsq(a, b)[1]", {"a": normal(6, 3), "b": normal(6, 2)}),
    ("np.linalg.eig(a)[0]", {"a": real_eigenvalues(3)}),
    ("np.linalg.eig(a)[1][0]", {"a": real_eigenvalues(3)}),
    ("np.linalg.eigvals(a)", {"a": real_eigenvalues(4)}),
    ("np.linalg.matrix_power(a, 3)", {"a": normal(3, 3)}),
    ("np.linalg.matrix_power(a, -1)", {"a": spd(3)}),
    ("np.linalg.multi_dot([a, b, c])", {"a": normal(2, 3), "b": normal(3, 4), "c": normal(4)}),
    ("np.linalg.matrix_norm(x, ord='nuc')", {"x": normal(2, 3, 3)}),
    ("np.linalg.vector_norm(x, axis=1, ord=3)", {"x": normal(3, 4)}),
    ("np.linalg.tensorsolve(a, b)", {"a": np.reshape(spd(6), (2, 3, 6)), "b": normal(2, 3)}),
    ("np.linalg.tensorinv(a, ind=1)", {"a": np.reshape(spd(4), (4, 2, 2))}),
    ("np.linalg.matmul(a, b)", {"a": normal(2, 3, 4), "b": normal(4, 2)}),
    ("np.linalg.vecdot(x, z)", {"x": normal(3, 4), "z": normal(4)}),
    ("np.linalg.cross(x, z)", {"x": normal(2, 3), "z": normal(3)}),
    ("np.linalg.trace(a)", {"a": normal(2, 3, 3)}),
    ("np.linalg.cond(a)", {"a": spd(3)}),
    ("np.linalg.cond(a, 'fro')", {"a": spd(3)}),
]
