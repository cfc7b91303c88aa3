"""Adjoints of products: ``@``, ``np.dot``, ``np.outer``, ``np.inner``, ``np.tensordot``, ``np.einsum``.

``matmul_dx``/``matmul_dy`` are the two adjoints of ``x @ y`` with numpy's rules
for 1-D operands and batch dimensions; the ``matmul_*_adjoint_*``,
``einsum_tangent`` and ``einsum_adjoint_tangent`` helpers are their derivatives,
for second order.  ``transposed`` swaps the last two axes (a stack of matrices).
``kron_layout``, ``convolve_padding`` and ``along_axis`` compute only shapes, for the
adjoint templates of ``np.kron``, ``np.convolve``/``np.correlate`` and ``np.trapezoid``.
"""

import functools

import numpy as np

from .broadcasting import inverse_permutation, unbroadcast
from .seeds import zeros_like
from .values import GradTuple, size_of


def transposed(m):
    """``m`` with its last two axes swapped: the transpose of each matrix of a stack."""
    return np.swapaxes(m, -1, -2)


def _as_matrices(grad, x, y):
    """``x @ y`` with 1-D operands promoted to matrices, as numpy defines it."""
    if np.ndim(x) == 1 and np.ndim(y) == 1:  # an inner product: make it (1, k) @ (k, 1)
        return np.reshape(grad, (1, 1)), np.expand_dims(x, 0), np.expand_dims(y, -1)
    if np.ndim(x) == 1:
        x = np.expand_dims(x, 0)
        grad = np.expand_dims(grad, -2)
    if np.ndim(y) == 1:
        y = np.expand_dims(y, -1)
        grad = np.expand_dims(grad, -1)
    return grad, x, y


def matmul_dx(grad, x, y):
    """The adjoint of ``x`` in ``x @ y`` (1-D operands and batch dims included)."""
    nx, ny = _ndim(x), _ndim(y)
    if nx == 2 and ny == 2:  # the common cases, without reshapes
        return grad @ y.T
    if nx == 1 and ny == 1:  # an inner product
        return grad * y
    if nx == 1 and ny == 2:  # a vector times a matrix
        return y @ grad
    if nx == 2 and ny == 1:  # a matrix times a vector
        return np.multiply.outer(grad, y)
    if nx == ny and nx > 2 and np.shape(x)[:-2] == np.shape(y)[:-2]:  # stacks of matrices, one batch shape
        return grad @ np.swapaxes(y, -1, -2)
    g, xm, ym = _as_matrices(grad, x, y)
    return np.reshape(unbroadcast(g @ np.swapaxes(ym, -1, -2), xm), np.shape(x))


def matmul_dy(grad, x, y):
    """The adjoint of ``y`` in ``x @ y`` (1-D operands and batch dims included)."""
    nx, ny = _ndim(x), _ndim(y)
    if nx == 2 and ny == 2:
        return x.T @ grad
    if nx == 1 and ny == 1:
        return grad * x
    if nx == 1 and ny == 2:
        return np.multiply.outer(x, grad)
    if nx == 2 and ny == 1:
        return x.T @ grad
    if nx == ny and nx > 2 and np.shape(x)[:-2] == np.shape(y)[:-2]:
        return np.swapaxes(x, -1, -2) @ grad
    g, xm, ym = _as_matrices(grad, x, y)
    return np.reshape(unbroadcast(np.swapaxes(xm, -1, -2) @ g, ym), np.shape(y))


def _ndim(value):
    """``np.ndim(value)``, a numpy array's without the dispatch."""
    return value.ndim if type(value) is np.ndarray else np.ndim(value)


def matmul_dx_adjoint_grad(cot, grad, x, y):
    """The adjoint, in ``grad``, of ``matmul_dx(grad, x, y)`` (it is linear in ``grad``)."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(xm))
    c = np.broadcast_to(c, np.shape(g)[:-1] + np.shape(xm)[-1:])
    return np.reshape(unbroadcast(c @ ym, g), np.shape(grad))


def matmul_dx_adjoint_w(cot, grad, x, y):
    """The adjoint, in ``y``, of ``matmul_dx(grad, x, y)``."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(xm))
    return np.reshape(unbroadcast(np.swapaxes(c, -1, -2) @ g, ym), np.shape(y))


def matmul_dy_adjoint_grad(cot, grad, x, y):
    """The adjoint, in ``grad``, of ``matmul_dy(grad, x, y)``."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(ym))
    return np.reshape(unbroadcast(xm @ c, g), np.shape(grad))


def matmul_dy_adjoint_x(cot, grad, x, y):
    """The adjoint, in ``x``, of ``matmul_dy(grad, x, y)``."""
    g, xm, ym = _as_matrices(grad, x, y)
    c = np.reshape(cot, np.shape(ym))
    return np.reshape(unbroadcast(g @ np.swapaxes(c, -1, -2), xm), np.shape(x))


def dot_adjoint(grad, a, b):
    """The adjoints of ``np.dot(a, b)`` for scalars, vectors and matrices."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return GradTuple((unbroadcast(grad * b, a), unbroadcast(grad * a, b)))
    if np.ndim(a) <= 2 and np.ndim(b) <= 2:
        return GradTuple((matmul_dx(grad, a, b), matmul_dy(grad, a, b)))
    axes_a = np.ndim(a) - 1
    da = np.tensordot(grad, np.moveaxis(b, -2, -1), axes=(tuple(range(axes_a, np.ndim(grad))), tuple(range(np.ndim(b) - 1))))
    db = np.moveaxis(np.tensordot(a, grad, axes=(tuple(range(axes_a)), tuple(range(axes_a)))), 0, -2)
    return GradTuple((da, db))


def outer_adjoint(grad, a, b):
    """The adjoints of ``np.outer(a, b)``."""
    g = np.reshape(grad, (size_of(a), size_of(b)))
    return GradTuple((np.reshape(g @ np.ravel(b), np.shape(a)), np.reshape(np.ravel(a) @ g, np.shape(b))))


def inner_adjoint(grad, a, b):
    """The adjoints of ``np.inner(a, b)`` (a contraction over the last axes)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return GradTuple((unbroadcast(grad * b, a), unbroadcast(grad * a, b)))
    na, nb = np.ndim(a) - 1, np.ndim(b) - 1
    da = np.tensordot(grad, b, axes=(tuple(range(na, na + nb)), tuple(range(nb))))
    db = np.tensordot(grad, a, axes=(tuple(range(na)), tuple(range(na))))
    return GradTuple((da, db))


def tensordot_adjoint(grad, a, b, axes=2):
    """The adjoints of ``np.tensordot(a, b, axes)``."""
    if isinstance(axes, int):
        axes_a = list(range(np.ndim(a) - axes, np.ndim(a)))
        axes_b = list(range(axes))
    else:
        axes_a, axes_b = ([axes[0]] if isinstance(axes[0], int) else list(axes[0])), ([axes[1]] if isinstance(axes[1], int) else list(axes[1]))
        axes_a = [x % np.ndim(a) for x in axes_a]
        axes_b = [x % np.ndim(b) for x in axes_b]
    free_a = [i for i in range(np.ndim(a)) if i not in axes_a]
    free_b = [i for i in range(np.ndim(b)) if i not in axes_b]
    nfa = len(free_a)
    # grad has axes free_a + free_b
    # da: free_a, then b's contracted axes in b's order, each standing for its partner in a
    da = np.tensordot(grad, b, axes=(list(range(nfa, nfa + len(free_b))), free_b))
    da = np.transpose(da, inverse_permutation(free_a + [axes_a[axes_b.index(j)] for j in sorted(axes_b)]))
    # db: a's contracted axes in a's order (standing for their partners in b), then free_b
    db = np.tensordot(a, grad, axes=(free_a, list(range(nfa))))
    db = np.transpose(db, inverse_permutation([axes_b[axes_a.index(i)] for i in sorted(axes_a)] + free_b))
    return GradTuple((da, db))


def einsum_tangent(subscripts, operands, tangents, optimize=False):
    """The tangent of ``np.einsum(subscripts, *operands)``: one product per operand
    with that operand replaced by its tangent."""
    total = 0.0
    for i, tangent in enumerate(tangents):
        if tangent is not None:
            total = total + np.einsum(subscripts, *operands[:i], tangent, *operands[i + 1:], optimize=optimize)
    return total


def einsum_adjoint(grad, subscripts, operands):
    """The adjoints of ``np.einsum(subscripts, *operands)``, one per operand."""
    out = []
    for i, (spec, term, full_term, missing) in enumerate(_einsum_plan(subscripts)):
        ops = [o for j, o in enumerate(operands) if j != i]
        g = np.einsum(spec, grad, *ops)
        if term != full_term:
            g = _untrace_einsum(g, term, full_term, missing, np.shape(operands[i]))
        elif missing:  # an index summed away by this operand alone: broadcast back
            g = np.broadcast_to(np.expand_dims(g, tuple(term.index(c) for c in missing)), np.shape(operands[i]))
        out.append(unbroadcast(g, operands[i]))
    return GradTuple(out)


@functools.lru_cache(maxsize=256)
def _einsum_plan(subscripts):
    """For each operand of ``np.einsum(subscripts, ...)``: the subscripts of the einsum that gives
    its adjoint (from the output's adjoint and the other operands), its term with a trace's
    letters once, its term as written, and the letters only it sums away (read once per
    ``subscripts``, not per call)."""
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        inputs, output = spec.split("->")
    else:
        inputs = spec
        letters = [c for c in inputs if c.isalpha()]
        output = ("..." if "..." in inputs else "") + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = inputs.split(",")
    plan = []
    for i, full_term in enumerate(terms):
        term = "".join(dict.fromkeys(full_term)) if "." not in full_term else full_term  # a trace's letters once
        others = [t for j, t in enumerate(terms) if j != i]
        missing = "".join(c for c in term if c.isalpha() and c not in output and all(c not in t for t in others))
        plan.append((",".join([output] + others) + "->" + "".join(c for c in term if c not in missing), term, full_term, missing))
    return tuple(plan)


def _untrace_einsum(g, term, full_term, missing, shape):
    """``g``, indexed by ``term`` less ``missing``, placed on the diagonals of an operand
    indexed by ``full_term`` (a letter repeated, as in ``'ii'``): each repeat of a letter
    becomes a fresh letter tied to the first by an identity matrix; ``missing`` letters
    are broadcast by a row of ones."""
    fresh = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in full_term)
    sizes = dict(zip(full_term, shape))
    seen, target, specs, factors = set(), "", ["".join(c for c in term if c not in missing)], [g]
    for c, size in zip(full_term, shape):
        if c in seen:
            d = next(fresh)
            specs.append(c + d)
            factors.append(np.diag(np.ones_like(g, shape=(size,))))  # the identity, in g's library (cupy, dask)
            target += d
        else:
            seen.add(c)
            target += c
            if c in missing:
                specs.append(c)
                factors.append(np.ones_like(g, shape=(sizes[c],)))
    return np.einsum(",".join(specs) + "->" + target, *factors)


def einsum_adjoint_tangent(grad, subscripts, operands, doperands):
    """The tangent of ``einsum_adjoint(grad, subscripts, operands)`` along the operands'
    tangents ``doperands`` (``grad`` held): operand i's adjoint is multilinear in the other
    operands, so its tangent is the sum over j != i of that adjoint with operand j replaced
    by its tangent.  With ``doperands`` a cotangent of the adjoints, the same sum is the
    adjoint in ``operands``."""
    operands = list(operands)
    total = [None] * len(operands)
    for j, t in enumerate(doperands):
        if t is None:
            continue
        adjoints = einsum_adjoint(grad, subscripts, operands[:j] + [t] + operands[j + 1:])
        for i, a in enumerate(adjoints):
            if i != j:
                total[i] = a if total[i] is None else total[i] + a
    return GradTuple(zeros_like(x) if t is None else t for x, t in zip(operands, total))


def kron_layout(a, b):
    """Shapes and axes for the adjoint of ``np.kron(a, b)``: the result's shape with each
    axis split into its ``a`` and ``b`` factors (interleaved), ``a`` and ``b`` reshaped
    to spread over that layout, and the axes to sum for ``a``'s and ``b``'s adjoints."""
    n = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (n - np.ndim(a)) + tuple(np.shape(a))
    sb = (1,) * (n - np.ndim(b)) + tuple(np.shape(b))
    split = tuple(s for pair in zip(sa, sb) for s in pair)
    spread_a = tuple(s for x in sa for s in (x, 1))
    spread_b = tuple(s for x in sb for s in (1, x))
    return split, spread_a, spread_b, tuple(range(1, 2 * n, 2)), tuple(range(0, 2 * n, 2))


def convolve_padding(a, v, mode="full"):
    """The zeros before and after ``np.convolve(a, v, mode)`` (or ``np.correlate``) in the
    full convolution: padding the adjoint by them gives the full one's adjoint."""
    n, m = np.size(a), np.size(v)
    full = n + m - 1
    if mode == "full":
        return (0, 0)
    length = max(n, m) if mode == "same" else max(n, m) - min(n, m) + 1
    start = (min(n, m) - 1) // 2 if mode == "same" else min(n, m) - 1
    return (start, full - length - start)


def along_axis(a, axis):
    """The shape that puts a 1-D array along ``axis`` of ``a`` (ones elsewhere)."""
    shape = [1] * np.ndim(a)
    shape[axis] = -1
    return tuple(shape)
