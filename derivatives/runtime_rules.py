"""Rules for the helpers generated code calls, so generated code can be
differentiated again: forward mode over a gradient (Hessian-vector products)
and reverse mode over a gradient (second derivatives).

Most helpers are linear in their first argument (an adjoint) and only read
the shape of the others.
"""

from s2s import runtime
from s2s.rules import adjoint, nondifferentiable, tangent

nondifferentiable(runtime.shape_of, runtime.size_of, runtime.seed_scalar, runtime.zeros_like, runtime.untranspose_axes)


@tangent(runtime.unbroadcast)
def unbroadcast(y, grad, like):
    dy = unbroadcast(dgrad, like)


@adjoint(runtime.unbroadcast)
def unbroadcast_(y, grad, like):
    dgrad = rebroadcast(dy, grad)


@tangent(runtime.rebroadcast)
def rebroadcast(y, tangent, like):
    dy = rebroadcast(dtangent, like)


@adjoint(runtime.rebroadcast)
def rebroadcast_(y, tangent, like):
    dtangent = unbroadcast(dy, tangent)


@tangent(runtime.unreduce)
def unreduce(y, grad, like, axis=None, keepdims=False):
    dy = unreduce(dgrad, like, axis, keepdims)


@adjoint(runtime.unreduce)
def unreduce_(y, grad, like, axis=None, keepdims=False):
    dgrad = reduce_like(dy, grad, axis, keepdims)


@tangent(runtime.unindex)
def unindex(y, grad, like, index):
    dy = unindex(dgrad, like, index)


@adjoint(runtime.unindex)
def unindex_(y, grad, like, index):
    dgrad = dy[index]


@tangent(runtime.zeroed)
def zeroed(y, grad, index):
    dy = zeroed(dgrad, index)


@adjoint(runtime.zeroed)
def zeroed_(y, grad, index):
    dgrad = zeroed(dy, index)


@tangent(runtime.unstack)
def unstack(y, grad, like):
    dy = unstack(dgrad, like)


@tangent(runtime.matmul_dx)
def matmul_dx(y, grad, x, w):
    dy = matmul_dx(dgrad, x, w)
    dy = matmul_dx(grad, x, dw)


@adjoint(runtime.matmul_dx)
def matmul_dx_(y, grad, x, w):
    dgrad = matmul_dx_adjoint_grad(dy, grad, x, w)
    dw = matmul_dx_adjoint_w(dy, grad, x, w)


@tangent(runtime.matmul_dy)
def matmul_dy(y, grad, x, w):
    dy = matmul_dy(dgrad, x, w)
    dy = matmul_dy(grad, dx, w)


@adjoint(runtime.matmul_dy)
def matmul_dy_(y, grad, x, w):
    dgrad = matmul_dy_adjoint_grad(dy, grad, x, w)
    dx = matmul_dy_adjoint_x(dy, grad, x, w)


@tangent(runtime.GradTuple)
def grad_tuple(y, items=()):
    dy = GradTuple(ditems)


@adjoint(runtime.GradTuple)
def grad_tuple_(y, items=()):
    ditems = dy


# -- the helpers of the numpy adjoint rules: linear in the adjoint they take first --


@tangent(runtime.unconcatenate)
def unconcatenate(y, grad, arrays, axis=0):
    dy = unconcatenate(dgrad, arrays, axis)


@tangent(runtime.unstack_axis)
def unstack_axis(y, grad, arrays, axis=0):
    dy = unstack_axis(dgrad, arrays, axis)


@tangent(runtime.unhstack)
def unhstack(y, grad, arrays):
    dy = unhstack(dgrad, arrays)


@tangent(runtime.unvstack)
def unvstack(y, grad, arrays):
    dy = unvstack(dgrad, arrays)


@tangent(runtime.untake)
def untake(y, grad, a, indices, axis=None):
    dy = untake(dgrad, a, indices, axis)


@tangent(runtime.undiag)
def undiag(y, grad, v, k=0):
    dy = undiag(dgrad, v, k)


@tangent(runtime.undiagonal)
def undiagonal(y, grad, a, offset=0, axis1=0, axis2=1):
    dy = undiagonal(dgrad, a, offset, axis1, axis2)


@tangent(runtime.untrace)
def untrace(y, grad, a, offset=0, axis1=0, axis2=1):
    dy = untrace(dgrad, a, offset, axis1, axis2)


@tangent(runtime.uncumsum)
def uncumsum(y, grad, a, axis=None):
    dy = uncumsum(dgrad, a, axis)


@tangent(runtime.sum_adjoint)
def sum_adjoint(y, grad, items):
    dy = sum_adjoint(dgrad, items)


@tangent(runtime.extremum_adjoint)
def extremum_adjoint(y, grad, result, a, axis=None, keepdims=False):
    """Which entries are extrema does not change under a small step."""
    dy = extremum_adjoint(dgrad, result, a, axis, keepdims)


@tangent(runtime.extremum_args_adjoint)
def extremum_args_adjoint(y, grad, result, args):
    dy = extremum_args_adjoint(dgrad, result, args)


@tangent(runtime.var_adjoint)
def var_adjoint(y, grad, a, axis=None, ddof=0, keepdims=False):
    dy = var_adjoint(dgrad, a, axis, ddof, keepdims)
    dy = var_adjoint(grad, da, axis, ddof, keepdims)


@tangent(runtime.dot_adjoint)
def dot_adjoint(y, grad, a, b):
    dy = dot_adjoint(dgrad, a, b)
    dy = dot_adjoint(grad, da, zeros_like(b))
    dy = dot_adjoint(grad, zeros_like(a), db)


@tangent(runtime.outer_adjoint)
def outer_adjoint(y, grad, a, b):
    dy = outer_adjoint(dgrad, a, b)
    dy = outer_adjoint(grad, da, zeros_like(b))
    dy = outer_adjoint(grad, zeros_like(a), db)


@tangent(runtime.inner_adjoint)
def inner_adjoint(y, grad, a, b):
    dy = inner_adjoint(dgrad, a, b)
    dy = inner_adjoint(grad, da, zeros_like(b))
    dy = inner_adjoint(grad, zeros_like(a), db)


@tangent(runtime.tensordot_adjoint)
def tensordot_adjoint(y, grad, a, b, axes=2):
    dy = tensordot_adjoint(dgrad, a, b, axes)
    dy = tensordot_adjoint(grad, da, zeros_like(b), axes)
    dy = tensordot_adjoint(grad, zeros_like(a), db, axes)


nondifferentiable(runtime.clip_mask)
