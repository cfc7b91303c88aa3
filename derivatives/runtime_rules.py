"""Rules for the helpers generated code calls, so generated code can be
differentiated again: forward mode over a gradient (Hessian-vector products)
and reverse mode over a gradient (second derivatives).

Most helpers are linear in their first argument (an adjoint) and only read
the shape of the others.
"""

from s2s import runtime
from s2s.rules import adjoint, nondifferentiable, tangent

nondifferentiable(runtime.shape_of, runtime.seed_scalar, runtime.zeros_like, runtime.untranspose_axes)


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
