"""The entry function of a generated module: what the user's call runs first.

Takes the transformed function's normalized definition and its
:class:`~s2s.reverse.Callee` (the names of its forward and backward sweeps, or
of its jvp).  Guarantees a function with the user's parameters (``vjp``: then
the cotangent) that calls the sweeps and returns what the transform promises:
the gradient (a tuple for a tuple ``wrt``), ``(value, gradient)``, or
``(value, tangent)``.
"""

import copy

import gast

from .naming import Namer
from .reverse import assign, call, name
from .vector import DIRECTIONS_COMMENT


def forward_grad_entry(kind, entry_name, fdef, main, single):
    """``grad_f(x, n)`` in forward mode: the tangent of the output for tangent 1 of ``x``."""
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    kwonly = [a.id for a in fdef.args.kwonlyargs]
    namer = Namer(params + kwonly + [entry_name])
    result = fdef.body[-1].value
    value = namer.fresh(result.id if isinstance(result, gast.Name) and result.id not in params else "value")
    tangent = namer.tangent(value)
    jvp_call = gast.Call(
        func=name(main.forward),
        args=[gast.Constant(value=1.0, kind=None)] + [name(p) for p in params],
        keywords=[gast.keyword(arg=k, value=name(k)) for k in kwonly],
    )
    grads = _one_tuple(name(tangent), single, main)
    body = [
        assign(gast.Tuple(elts=[name(value, True), name(tangent, True)], ctx=gast.Store()), jvp_call),
        gast.Expr(value=call("seed_scalar", name(value), gast.Constant(value=fdef.name, kind=None))),  # grad needs a scalar output
        gast.Return(value=gast.Tuple(elts=[name(value), grads], ctx=gast.Load()) if kind == "value_and_grad" else grads),
    ]
    return gast.FunctionDef(name=entry_name, args=copy.deepcopy(fdef.args), body=body, decorator_list=[], returns=None, type_comment=None, type_params=[])


def jvp_entry(entry_name, fdef, main, vector=False):
    """``jvp_f(x, ..., x_dot, ...)``: the primal's arguments, then one tangent per ``wrt`` entry.
    With ``vector`` (``jacobian_f``), the tangents carry their directions on axis 0, and the
    jvp function is given how many (:mod:`s2s.vector`)."""
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    kwonly = [a.id for a in fdef.args.kwonlyargs]
    namer = copy.deepcopy(fdef.s2s_namer)  # as in the jvp function, which names its parameters' tangents first
    tangents = [namer.tangent(p) for p in main.active_params]
    body = []
    directions = []
    if vector:
        directions = [name(namer.fresh("directions"))]
        body = [gast.Expr(value=gast.Constant(value=DIRECTIONS_COMMENT, kind=None)),
                assign(directions[0].id, call("count_directions", *[name(t) for t in tangents]))]
    forward_call = gast.Call(
        func=name(main.forward),
        args=directions + [name(t) for t in tangents] + [name(p) for p in params],
        keywords=[gast.keyword(arg=k, value=name(k)) for k in kwonly],
    )
    args = copy.deepcopy(fdef.args)
    args.defaults = []
    args.args = args.args + [name(t, True) for t in tangents]
    return gast.FunctionDef(name=entry_name, args=args, body=body + [gast.Return(value=forward_call)], decorator_list=[], returns=None, type_comment=None, type_params=[])


def _one_tuple(grads, single, main):
    """``(g,)`` for ``wrt=(x,)``: a one-name tuple ``wrt`` gets a one-element tuple."""
    return gast.Tuple(elts=[grads], ctx=gast.Load()) if not single and len(main.active_params) == 1 else grads


def make_rows(entry, main):
    """The entry of the head of a recursive group in compiled code (:func:`s2s.jit.recursion_groups`)
    makes the group's list of rows and passes it to both sweeps: ``f_rows = [f_forward(None, x)[1] for _
    in range(0)]`` (:mod:`s2s.runtime.rows`), ``f_forward(f_rows, x)``, ``f_backward(saved, f_bar, f_rows)``.
    The entry keeps the first call's saved tuple itself."""
    rows = Namer({n.id for n in gast.walk(entry) if isinstance(n, gast.Name)} | {entry.name}).fresh(main.rows)
    first = entry.body[0]
    forward_call = first.value
    witness = copy.deepcopy(forward_call)
    witness.args.insert(0, gast.Constant(value=None, kind=None))
    row = gast.Subscript(value=witness, slice=gast.Constant(value=1, kind=None), ctx=gast.Load()) if main.plan.layout == "pair" else witness
    loop = gast.comprehension(target=name("_", True), iter=call("range", gast.Constant(value=0, kind=None)), ifs=[], is_async=0)
    forward_call.args.insert(0, name(rows))
    for node in gast.walk(entry):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == main.backward:
            node.args.append(name(rows))
    entry.body.insert(0, assign(rows, gast.ListComp(elt=row, generators=[loop])))


def entry_function(kind, entry_name, fdef, main, single, seed_from=None, seed_unread=False):
    """``grad_f``: run the forward sweep, seed the output adjoint, run the backward sweep.

    With ``seed_from`` (see :func:`drop_value`), the forward sweep returns only
    what it saves and the seed 1 takes the floating dtype of those arguments;
    with ``seed_unread`` too (the optimizer took every multiplication by it
    away), the backward sweep gets the number 1.0."""
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    kwonly = [a.id for a in fdef.args.kwonlyargs]
    namer = Namer(params + kwonly + [entry_name])
    result = fdef.body[-1].value
    value = namer.fresh(result.id if isinstance(result, gast.Name) and result.id not in params else "value")
    saved = namer.fresh("saved")
    seed = namer.adjoint(value) if kind != "vjp" else namer.fresh("dout")
    forward_call = gast.Call(
        func=name(main.forward), args=[name(p) for p in params],
        keywords=[gast.keyword(arg=k, value=name(k)) for k in kwonly],
    )
    if seed_from is not None:
        one = gast.Constant(value=1.0, kind=None) if seed_unread else call("seed_like", *[name(p) for p in seed_from])
        body = [assign(saved, forward_call), assign(seed, one)]
        body.append(gast.Return(value=_one_tuple(call(main.backward, name(saved), name(seed)), single, main)))
        return gast.FunctionDef(name=entry_name, args=copy.deepcopy(fdef.args), body=body, decorator_list=[], returns=None, type_comment=None, type_params=[])
    body = [assign(gast.Tuple(elts=[name(value, True), name(saved, True)], ctx=gast.Store()), forward_call)]
    if kind != "vjp":
        body.append(assign(seed, call("seed_scalar", name(value), gast.Constant(value=fdef.name, kind=None))))
    grads = _one_tuple(call(main.backward, name(saved), name(seed)), single, main)
    body.append(gast.Return(value=gast.Tuple(elts=[name(value), grads], ctx=gast.Load()) if kind == "value_and_grad" else grads))
    args = copy.deepcopy(fdef.args)
    if kind == "vjp":
        args.defaults = []
        args.kw_defaults = [None] * len(args.kwonlyargs)
        args.args = args.args + [name(seed, True)]
    return gast.FunctionDef(name=entry_name, args=args, body=body, decorator_list=[], returns=None, type_comment=None, type_params=[])
