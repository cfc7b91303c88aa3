"""Rules for the helpers generated code calls, so generated code can be
differentiated again: forward mode over a gradient (Hessian-vector products)
and reverse mode over a gradient (second derivatives).

Most helpers are linear in their first argument (an adjoint) and only read
the shape of the others: one definition each (:func:`s2s.families.linear`) gives the
tangent (the helper applied to that argument's tangent) and the adjoint (the numpy
function, or helper, the helper is the transpose of).  The ones that read values (``prod_adjoint``,
``norm_adjoint``, ``eigh_adjoint``, ...) have derivative helpers of their own in
s2s/runtime/ (``*_tangent``, ``*_adjoint_adjoint``); those are second-order
code, and differentiating them once more is refused (see the end of this file).
tests/test_rules_hvp.py checks every helper of an adjoint rule here.
"""

from s2s import runtime
from s2s.families import elementwise, linear
from s2s.rules import BUILTIN, adjoint, nondifferentiable, tangent

nondifferentiable(runtime.sequence_length, runtime.shape_of, runtime.size_of, runtime.seed_scalar, runtime.seed_like, runtime.zeros_like, runtime.untranspose_axes,
                  runtime.same_method, runtime.require_number)


# -- numpy's functions of one number on Python floats (s2s.runtime.float_math): the derivatives
# of the numpy functions they stand for ------------------------------------------------------


@elementwise(runtime.float_cos)
def float_cos(y, x):
    return -np.sin(x)


@elementwise(runtime.float_sin)
def float_sin(y, x):
    return np.cos(x)


@elementwise(runtime.float_cosh)
def float_cosh(y, x):
    return np.sinh(x)


@elementwise(runtime.float_sinh)
def float_sinh(y, x):
    return np.cosh(x)


@elementwise(runtime.float_log)
def float_log(y, x):
    return 1.0 / x


@elementwise(runtime.float_sqrt)
def float_sqrt(y, x):
    return 1.0 / (2.0 * y)


# -- linear in their first argument (an adjoint): the transpose is the adjoint; the tangent
# is the helper applied to the tangent of each argument the transpose assigns ------------------


@linear(runtime.unbroadcast)
def unbroadcast(y, grad, like):
    dgrad = rebroadcast(dy, grad)


@linear(runtime.rebroadcast)
def rebroadcast(y, tangent, like):
    dtangent = unbroadcast(dy, tangent)


@linear(runtime.unreduce)
def unreduce(y, grad, like, axis=None, keepdims=False):
    dgrad = reduce_like(dy, grad, axis, keepdims)


@linear(runtime.reduce_like)
def reduce_like(y, grad, like, axis=None, keepdims=False):
    dgrad = unreduce(dy, grad, axis, keepdims)


@linear(runtime.unindex)
def unindex(y, grad, like, index):
    dgrad = dy[index]


@linear(runtime.zeroed)
def zeroed(y, grad, index):
    dgrad = zeroed(dy, index)


@linear(runtime.unstack)
def unstack(y, grad, like):
    dgrad = restack(dy, like)


@linear(runtime.stacked)
def stacked(y, parts):
    """``np.stack(parts)`` (see ``np.stack``'s rule)."""
    dparts = unstack_axis(dy, parts, 0)


@linear(runtime.unpacked_adjoint)
def unpacked_adjoint(y, adjoints, like):
    """Stacking (or keeping) the element adjoints: its transpose takes them apart again."""
    dadjoints = GradTuple(tuple(dy))


@linear(runtime.unattribute)
def unattribute(y, grad, like, name):
    dgrad = field_tangent(dy, like, name)


@linear(runtime.GradTuple)
def grad_tuple(y, items=()):
    ditems = dy


@linear(runtime.matmul_dx)
def matmul_dx(y, grad, x, w):
    dgrad = matmul_dx_adjoint_grad(dy, grad, x, w)
    dw = matmul_dx_adjoint_w(dy, grad, x, w)


@linear(runtime.matmul_dy)
def matmul_dy(y, grad, x, w):
    dgrad = matmul_dy_adjoint_grad(dy, grad, x, w)
    dx = matmul_dy_adjoint_x(dy, grad, x, w)


@linear(runtime.var_adjoint)
def var_adjoint(y, grad, a, axis=None, ddof=0, keepdims=False):
    """Bilinear in ``grad`` and ``a``: ``G * 2 (a - mean(a)) / (n - ddof)``, and centering
    is its own adjoint."""
    dgrad = reduce_like(dy * var_adjoint(np.ones_like(grad), a, axis, ddof, keepdims), grad, axis, keepdims)
    da = var_adjoint(np.ones_like(grad), dy * unreduce(grad, a, axis, keepdims), axis, ddof, keepdims)


@linear(runtime.split_parts)
def split_parts(y, ary, sections, axis=0):
    dary = np.concatenate(dy, axis=axis)
    return GradTuple(split_parts(ary, sections, axis))


@linear(runtime.unconcatenate)
def unconcatenate(y, grad, arrays, axis=0):
    dgrad = np.concatenate(dy, axis=axis)


@linear(runtime.unstack_axis)
def unstack_axis(y, grad, arrays, axis=0):
    dgrad = np.stack(dy, axis=axis)


@linear(runtime.unhstack)
def unhstack(y, grad, arrays):
    dgrad = np.hstack(dy)


@linear(runtime.unvstack)
def unvstack(y, grad, arrays):
    dgrad = np.vstack(dy)


@linear(runtime.untake)
def untake(y, grad, a, indices, axis=None):
    dgrad = np.take(dy, indices, axis=axis)


@linear(runtime.undiag)
def undiag(y, grad, v, k=0):
    dgrad = np.diag(dy, k)


@linear(runtime.undiagonal)
def undiagonal(y, grad, a, offset=0, axis1=0, axis2=1):
    dgrad = np.diagonal(dy, offset, axis1, axis2)


@linear(runtime.untrace)
def untrace(y, grad, a, offset=0, axis1=0, axis2=1):
    dgrad = np.trace(dy, offset, axis1, axis2)


@linear(runtime.uncumsum)
def uncumsum(y, grad, a, axis=None):
    dgrad = np.cumsum(dy, axis=axis)


@linear(runtime.sum_adjoint)
def sum_adjoint(y, grad, items):
    dgrad = sum_adjoint_adjoint(dy, grad, items)


@linear(runtime.extremum_adjoint)
def extremum_adjoint(y, grad, result, a, axis=None, keepdims=False):
    """Which entries are extrema does not change under a small step."""
    dgrad = reduce_like(dy * extremum_adjoint(np.ones_like(grad), result, a, axis, keepdims), grad, axis, keepdims)


@linear(runtime.extremum_args_adjoint)
def extremum_args_adjoint(y, grad, result, args):
    dgrad = extremum_args_pick(dy, grad, result, args)


@linear(runtime.untile)
def untile(y, grad, A, reps):
    dgrad = np.tile(dy, reps)


@linear(runtime.unrepeat)
def unrepeat(y, grad, a, repeats, axis=None):
    dgrad = np.repeat(dy, repeats, axis)


@linear(runtime.undiff)
def undiff(y, grad, n=1, axis=-1):
    dgrad = np.diff(dy, n, axis)


@linear(runtime.fit_to)
def fit_to(y, v, like, axes):
    """Cropping and zero-padding are each other's transpose."""
    dv = fit_to(dy, v, axes)


@linear(runtime.unpad)
def unpad(y, grad, array, pad_width, mode="constant"):
    """``unpad`` is the transpose of ``np.pad`` in the same mode (zeros for "constant")."""
    dgrad = np.pad(dy, pad_width, mode=mode)


@linear(runtime.unsort)
def unsort(y, grad, a, axis=-1):
    """Which entry goes where does not change under a small step of ``a``."""
    dgrad = np.take_along_axis(dy, np.argsort(a, axis=axis, kind="stable"), axis=axis)


@linear(runtime.untake_along_axis)
def untake_along_axis(y, grad, arr, indices, axis=-1):
    dgrad = np.take_along_axis(dy, indices, axis=axis)


@linear(runtime.linspace_adjoint)
def linspace_adjoint(y, grad, start, stop, num=50, endpoint=True, axis=0):
    dgrad = np.linspace(dy[0], dy[1], num, endpoint=endpoint, axis=axis)


nondifferentiable(runtime.clip_mask)


# -- the adjoints of the products' adjoint helpers: ``f_adjoint(grad, a, b)`` is the pair
# ``(A(grad, b), B(grad, a))``, linear in ``grad`` and in ``a`` and ``b`` jointly ------------


@adjoint(runtime.dot_adjoint)
def dot_adjoint_(y, grad, a, b):
    """``(da, db) = (A(grad, b), B(grad, a))`` with ``A``, ``B`` the adjoints of ``np.dot``:
    ``<ca, A(grad, b)> = <grad, dot(ca, b)>``, so ``grad`` gets ``dot(ca, b) + dot(a, cb)``."""
    dgrad = np.dot(dy[0], b) + np.dot(a, dy[1])
    da = dot_adjoint(grad, a, dy[1])[0]
    db = dot_adjoint(grad, dy[0], b)[1]


@tangent(runtime.dot_adjoint)
def dot_adjoint(y, grad, a, b):
    dy = dot_adjoint(dgrad, a, b)
    dy = dot_adjoint(grad, da, zeros_like(b))
    dy = dot_adjoint(grad, zeros_like(a), db)


@adjoint(runtime.outer_adjoint)
def outer_adjoint_(y, grad, a, b):
    dgrad = np.outer(dy[0], b) + np.outer(a, dy[1])
    da = outer_adjoint(grad, a, dy[1])[0]
    db = outer_adjoint(grad, dy[0], b)[1]


@tangent(runtime.outer_adjoint)
def outer_adjoint(y, grad, a, b):
    dy = outer_adjoint(dgrad, a, b)
    dy = outer_adjoint(grad, da, zeros_like(b))
    dy = outer_adjoint(grad, zeros_like(a), db)


@adjoint(runtime.inner_adjoint)
def inner_adjoint_(y, grad, a, b):
    dgrad = np.inner(dy[0], b) + np.inner(a, dy[1])
    da = inner_adjoint(grad, a, dy[1])[0]
    db = inner_adjoint(grad, dy[0], b)[1]


@tangent(runtime.inner_adjoint)
def inner_adjoint(y, grad, a, b):
    dy = inner_adjoint(dgrad, a, b)
    dy = inner_adjoint(grad, da, zeros_like(b))
    dy = inner_adjoint(grad, zeros_like(a), db)


@adjoint(runtime.tensordot_adjoint)
def tensordot_adjoint_(y, grad, a, b, axes=2):
    dgrad = np.tensordot(dy[0], b, axes) + np.tensordot(a, dy[1], axes)
    da = tensordot_adjoint(grad, a, dy[1], axes)[0]
    db = tensordot_adjoint(grad, dy[0], b, axes)[1]


@tangent(runtime.tensordot_adjoint)
def tensordot_adjoint(y, grad, a, b, axes=2):
    dy = tensordot_adjoint(dgrad, a, b, axes)
    dy = tensordot_adjoint(grad, da, zeros_like(b), axes)
    dy = tensordot_adjoint(grad, zeros_like(a), db, axes)


# -- helpers that read values of their arguments: their derivatives are helpers of their
# own (s2s/runtime/) --------------------------------------------------------------------------


@tangent(runtime.matmul_dx_adjoint_grad)
def matmul_dx_adjoint_grad(out, cot, grad, x, w):
    dout = matmul_dx_adjoint_grad(dcot, grad, x, w)
    dout = matmul_dx_adjoint_grad(cot, grad, x, dw)


@tangent(runtime.matmul_dx_adjoint_w)
def matmul_dx_adjoint_w(out, cot, grad, x, w):
    dout = matmul_dx_adjoint_w(dcot, grad, x, w)
    dout = matmul_dx_adjoint_w(cot, dgrad, x, w)


@tangent(runtime.matmul_dy_adjoint_grad)
def matmul_dy_adjoint_grad(out, cot, grad, x, w):
    dout = matmul_dy_adjoint_grad(dcot, grad, x, w)
    dout = matmul_dy_adjoint_grad(cot, grad, dx, w)


@tangent(runtime.matmul_dy_adjoint_x)
def matmul_dy_adjoint_x(out, cot, grad, x, w):
    dout = matmul_dy_adjoint_x(dcot, grad, x, w)
    dout = matmul_dy_adjoint_x(cot, dgrad, x, w)


@tangent(runtime.prod_adjoint)
def prod_adjoint(y, grad, result, a, axis=None, keepdims=False):
    """The helper recomputes the products from ``a`` (``result`` is not read): exact with zeros."""
    dy = prod_adjoint(dgrad, result, a, axis, keepdims)
    dy = unreduce(grad, a, axis, keepdims) * prod_others_tangent(a, da, axis)


@adjoint(runtime.prod_adjoint)
def prod_adjoint_(y, grad, result, a, axis=None, keepdims=False):
    dgrad = reduce_like(dy * prod_adjoint(np.ones_like(grad), result, a, axis, keepdims), grad, axis, keepdims)
    da = prod_others_tangent(a, dy * unreduce(grad, a, axis, keepdims), axis)


@tangent(runtime.prod_items_adjoint)
def prod_items_adjoint(y, grad, items, start=1):
    dy = prod_items_adjoint(dgrad, items, start)
    dy = prod_items_adjoint_tangent(grad, items, ditems, start)
    dy = prod_items_adjoint(grad, items, dstart)


@adjoint(runtime.prod_items_adjoint)
def prod_items_adjoint_(y, grad, items, start=1):
    adjoints = prod_items_adjoint_adjoint(dy, grad, items, start)
    dgrad = adjoints[0]
    ditems = adjoints[1]
    dstart = adjoints[2]


@tangent(runtime.norm_adjoint)
def norm_adjoint(y, grad, result, x, ord=None, axis=None, keepdims=False):
    dy = norm_adjoint(dgrad, result, x, ord, axis, keepdims)
    dy = norm_adjoint_tangent(grad, result, x, ord, axis, keepdims, dresult=dresult)
    dy = norm_adjoint_tangent(grad, result, x, ord, axis, keepdims, dx=dx)


@adjoint(runtime.norm_adjoint)
def norm_adjoint_(y, grad, result, x, ord=None, axis=None, keepdims=False):
    """Linear in ``grad``; its derivative in ``x`` is ``grad`` times the norm's Hessian
    (elementwise for vector norms), symmetric, so the adjoint in ``x`` is the tangent."""
    dgrad = reduce_like(dy * norm_adjoint(np.ones_like(grad), result, x, ord, axis, keepdims), grad, axis, keepdims)
    dresult = reduce_like(dy * norm_adjoint_tangent(grad, result, x, ord, axis, keepdims, dresult=np.ones_like(result)), result, axis, keepdims)
    dx = norm_adjoint_tangent(grad, result, x, ord, axis, keepdims, dx=dy)


@tangent(runtime.matrix_norm_adjoint)
def matrix_norm_adjoint(y, grad, x, ord, axis=None, keepdims=False):
    """Called by the tangent rule of ``np.linalg.norm`` (forward mode over forward mode)."""
    dy = matrix_norm_adjoint(dgrad, x, ord, axis, keepdims)
    dy = matrix_norm_adjoint_tangent(grad, x, dx, ord, axis, keepdims)


@adjoint(runtime.matrix_norm_adjoint)
def matrix_norm_adjoint_(y, grad, x, ord, axis=None, keepdims=False):
    dgrad = reduce_like(dy * matrix_norm_adjoint(np.ones_like(grad), x, ord, axis, keepdims), grad, (-2, -1) if axis is None else axis, keepdims)
    dx = matrix_norm_adjoint_tangent(grad, x, dy, ord, axis, keepdims)


@tangent(runtime.einsum_adjoint)
def einsum_adjoint(y, grad, subscripts, operands):
    dy = einsum_adjoint(dgrad, subscripts, operands)
    dy = einsum_adjoint_tangent(grad, subscripts, operands, doperands)


@adjoint(runtime.einsum_adjoint)
def einsum_adjoint_(y, grad, subscripts, operands):
    dgrad = einsum_tangent(subscripts, operands, dy)
    doperands = einsum_adjoint_tangent(grad, subscripts, operands, dy)


@tangent(runtime.solve_adjoint)
def solve_adjoint(y, grad, result, a, b):
    dy = GradTuple(solve_adjoint(dgrad, result, a, b))
    dy = solve_adjoint_tangent(grad, result, a, b, dresult=dresult)
    dy = solve_adjoint_tangent(grad, result, a, b, da=da)


@adjoint(runtime.solve_adjoint)
def solve_adjoint_(y, grad, result, a, b):
    adjoints = solve_adjoint_adjoint(dy, grad, result, a, b)
    dgrad = adjoints[0]
    dresult = adjoints[1]
    da = adjoints[2]


@tangent(runtime.cholesky_adjoint)
def cholesky_adjoint(y, grad, factor, upper=False):
    dy = cholesky_adjoint(dgrad, factor, upper)
    dy = cholesky_adjoint_tangent(grad, factor, dfactor, upper)


@adjoint(runtime.cholesky_adjoint)
def cholesky_adjoint_(y, grad, factor, upper=False):
    adjoints = cholesky_adjoint_adjoint(dy, grad, factor, upper)
    dgrad = adjoints[0]
    dfactor = adjoints[1]


@tangent(runtime.eigh_adjoint)
def eigh_adjoint(y, grad, result):
    dy = eigh_adjoint(dgrad, result)
    dy = eigh_adjoint_tangent(grad, result, dresult)


@adjoint(runtime.eigh_adjoint)
def eigh_adjoint_(y, grad, result):
    adjoints = eigh_adjoint_adjoint(dy, grad, result)
    dgrad = adjoints[0]
    dresult = adjoints[1]


@tangent(runtime.multi_dot_adjoint)
def multi_dot_adjoint(y, grad, arrays):
    dy = multi_dot_adjoint(dgrad, arrays)
    dy = multi_dot_adjoint_tangent(grad, arrays, darrays)


@adjoint(runtime.multi_dot_adjoint)
def multi_dot_adjoint_(y, grad, arrays):
    adjoints = multi_dot_adjoint_adjoint(dy, grad, arrays)
    dgrad = adjoints[0]
    darrays = adjoints[1]


@tangent(runtime.hypot_adjoint)
def hypot_adjoint(y, grad, result, coordinates):
    dy = hypot_adjoint(dgrad, result, coordinates)
    dy = hypot_adjoint(-grad * dresult / result, result, coordinates)
    dy = hypot_adjoint(grad, result, dcoordinates)


@adjoint(runtime.hypot_adjoint)
def hypot_adjoint_(y, grad, result, coordinates):
    adjoints = hypot_adjoint_adjoint(dy, grad, result, coordinates)
    dgrad = adjoints[0]
    dresult = adjoints[1]
    dcoordinates = adjoints[2]


@tangent(runtime.dist_adjoint)
def dist_adjoint(y, grad, result, p, q):
    dy = dist_adjoint(dgrad, result, p, q)
    dy = dist_adjoint(-grad * dresult / result, result, p, q)
    dy = dist_adjoint(grad, result, dp, zeros_like(q))
    dy = dist_adjoint(grad, result, zeros_like(p), dq)


@adjoint(runtime.dist_adjoint)
def dist_adjoint_(y, grad, result, p, q):
    adjoints = dist_adjoint_adjoint(dy, grad, result, p, q)
    dgrad = adjoints[0]
    dresult = adjoints[1]
    dp = adjoints[2]
    dq = adjoints[3]


# -- third order is not provided -------------------------------------------------------------
# These helpers appear only in second-order code (the templates above).  Each gets a rule
# without templates, so that differentiating them once more is refused with an error that
# names the helper, instead of s2s differentiating the helper's source, which special-cases
# points (a product's zeros, coinciding eigenvalues) where that derivative would be wrong.

for _helper in (
    runtime.prod_others_tangent, runtime.prod_items_adjoint_tangent, runtime.prod_items_adjoint_adjoint,
    runtime.norm_adjoint_tangent, runtime.matrix_norm_adjoint_tangent, runtime.einsum_adjoint_tangent,
    runtime.solve_adjoint_tangent, runtime.solve_adjoint_adjoint,
    runtime.cholesky_adjoint_tangent, runtime.cholesky_adjoint_adjoint,
    runtime.eigh_adjoint_tangent, runtime.eigh_adjoint_adjoint,
    runtime.multi_dot_tangent, runtime.multi_dot_adjoint_tangent, runtime.multi_dot_adjoint_adjoint,
    runtime.hypot_adjoint_adjoint, runtime.dist_adjoint_adjoint,
    runtime.extremum_args_pick, runtime.sum_adjoint_adjoint, runtime.restack,
):
    BUILTIN.rule(_helper)


# x.copy() and x.astype(t), kept as methods (s2s/normalize/array_methods.py METHOD_HELPERS)
@linear(runtime.copy_of)
def copy_of(y, x, order="K"):
    dx = dy
    return copy_of(x)


@linear(runtime.astype)
def astype(y, x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    dx = astype(dy, x.dtype) if np.issubdtype(dtype, np.inexact) else zeros_like(x)
    return astype(x, dtype) if np.issubdtype(dtype, np.inexact) else zeros_like(x)


# -- the checks of numpy.linalg's rules (s2s/runtime/decompositions.py): identities where they pass


@linear(runtime.real_spectrum)
def real_spectrum(y, values):
    dvalues = dy


@linear(runtime.complete_columns)
def complete_columns(y, values, like):
    dvalues = dy


@linear(runtime.full_column_rank)
def full_column_rank(y, x, rank, columns):
    dx = dy


@linear(runtime.unique_columns)
def unique_columns(y, grad, k):
    dgrad = np.concatenate([dy, np.zeros_like(grad[..., k:])], axis=-1)


# -- the long tail of numpy: joining helpers (linear) and layout helpers (no derivative) --------


@linear(runtime.uncolumn_stack)
def uncolumn_stack(y, grad, tup):
    dgrad = np.column_stack(dy)


@linear(runtime.undstack)
def undstack(y, grad, tup):
    dgrad = np.dstack(dy)


nondifferentiable(runtime.kron_layout, runtime.convolve_padding, runtime.along_axis, runtime.quantile_weights, runtime.interp_weights,
                  runtime.weights_shape)
