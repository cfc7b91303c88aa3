"""scipy.linalg: one-line calls (derivatives/scipy_linalg.py).  A function that reads one
triangle of a symmetric matrix is given a symmetric one (``a @ a.T + np.eye(3)``,
``a + a.T``), as its derivative takes it; eigenvectors enter squared (their sign is arbitrary)."""

import numpy as np

from catalogue import distinct, normal, spd

CALLS = [
    ("scipy.linalg.solve_triangular(np.tril(a) + 3 * np.eye(3), b, lower=True)", {"a": normal(3, 3), "b": normal(3, 2)}),
    ("scipy.linalg.solve_triangular(a, b, trans='T')", {"a": spd(3), "b": normal(3)}),
    ("scipy.linalg.solve_triangular(a, b, lower=True, unit_diagonal=True)", {"a": spd(3), "b": normal(3, 2)}),
    ("scipy.linalg.cholesky(a @ a.T + np.eye(3))", {"a": normal(3, 3)}),
    ("scipy.linalg.cholesky(a @ a.T + np.eye(3), lower=True)", {"a": normal(3, 3)}),
    ("np.triu(scipy.linalg.cho_factor(a @ a.T + np.eye(3))[0])", {"a": normal(3, 3)}),
    ("scipy.linalg.cho_solve(scipy.linalg.cho_factor(a @ a.T + np.eye(3)), b)", {"a": normal(3, 3), "b": normal(3)}),
    ("scipy.linalg.cho_solve(scipy.linalg.cho_factor(a @ a.T + np.eye(3), lower=True), b)", {"a": normal(3, 3), "b": normal(3, 2)}),
    ("scipy.linalg.cho_solve((np.tril(a) + 3 * np.eye(3), True), b)", {"a": normal(3, 3), "b": normal(3)}),
    ("scipy.linalg.lu_factor(a)[0]", {"a": normal(4, 4)}),
    ("scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b)", {"a": normal(4, 4), "b": normal(4)}),
    ("scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b, trans=1)", {"a": spd(3), "b": normal(3, 2)}),
    ("scipy.linalg.lu(a)[1] + scipy.linalg.lu(a)[2]", {"a": normal(4, 4)}),
    ("scipy.linalg.expm(a)", {"a": normal(3, 3)}),
    ("scipy.linalg.expm(0.1 * (a - a.T))", {"a": normal(3, 3)}),
    ("scipy.linalg.logm(a @ a.T + np.eye(3))", {"a": normal(3, 3)}),
    ("scipy.linalg.sqrtm(a @ a.T + np.eye(3))", {"a": normal(3, 3)}),
    ("scipy.linalg.eigh(a + a.T, eigvals_only=True)", {"a": distinct(3)}),
    ("scipy.linalg.eigh(a + a.T)[1] ** 2", {"a": distinct(3)}),
    ("scipy.linalg.eigh(a + a.T, lower=False)[0]", {"a": distinct(3)}),
    ("scipy.linalg.inv(a)", {"a": spd(3)}),
    ("scipy.linalg.inv(a @ a.T + np.eye(3), assume_a='pos')", {"a": normal(3, 3)}),
    ("scipy.linalg.det(a)", {"a": normal(3, 3)}),
    ("scipy.linalg.solve(a, b)", {"a": spd(3), "b": normal(3, 2)}),
    ("scipy.linalg.solve(a, b, transposed=True)", {"a": spd(3), "b": normal(3)}),
    ("scipy.linalg.solve(a @ a.T + np.eye(3), b, assume_a='pos')", {"a": normal(3, 3), "b": normal(3)}),
    ("scipy.linalg.solve(a + a.T, b, assume_a='sym')", {"a": spd(3), "b": normal(3)}),
    ("scipy.linalg.block_diag(a, b)", {"a": normal(2, 2), "b": normal(3)}),
]

REFUSED = [
    ("scipy.linalg.eigh(a + a.T, b @ b.T + np.eye(3))[0]", {"a": distinct(3), "b": normal(3, 3)}, "scipy.linalg.eigh"),
]
