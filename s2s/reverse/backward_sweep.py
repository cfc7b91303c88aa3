"""The backward sweep of straight-line code: one primal statement at a time, in reverse.

Part of :class:`s2s.reverse.ReverseMode` (a mixin).
:meth:`BackwardSweep.backward_block` walks a block last statement first,
hands compound statements to :class:`~s2s.reverse.control.ControlFlow` and
simple ones to :meth:`BackwardSweep.backward_statement`, which sends each
contribution to :class:`~s2s.reverse.adjoints.Adjoints` (copies, tuples) or
applies a rule (:class:`~s2s.reverse.calls.CallsAndRules`).  Returns the
code and the primal names it reads, from which the forward sweep's saved
values are decided (:mod:`s2s.reverse.saving`).
"""

import copy
import operator

import gast
import numpy

from ..activity import differentiated, is_user_function, targets
from ..rules import OPERATORS, attribute_call
from ..variants import Fields
from .forward_sweep import CallSite
from .syntax import assign, call, index_expr, name


class BackwardSweep:
    """Adjoints of blocks and of simple statements; ``insert_grad_of`` hooks."""

    def backward_block(self, stmts):
        """The adjoint of ``stmts`` (walked in reverse) and the primal names it reads."""
        saved_out, saved_defs, saved_block = self.out, self.block_defs, self.block
        self.out = []
        self.block = id(stmts)
        self.block_defs = {s.targets[0].id for s in stmts if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)}
        reads = set()
        try:
            for stmt in reversed(stmts):
                if isinstance(stmt, gast.If):
                    reads |= self.backward_if(stmt)
                elif isinstance(stmt, (gast.For, gast.While)):
                    reads |= self.backward_loop(stmt)
                elif hasattr(stmt, "s2s_grad_of"):
                    reads |= self.backward_hook(stmt)
                else:
                    self.origin = stmt
                    start = len(self.out)
                    self.backward_statement(stmt)
                    reads |= self.reads(self.out[start:])
                    for t in targets(stmt):  # the value before this statement is another value
                        self.defined.discard(self.namer.adjoints.get(t))
                        self.uniform.pop(self.namer.adjoints.get(t), None)
                        self.partial.pop(self.namer.adjoints.get(t), None)
            return self.out, reads
        finally:
            self.out, self.block_defs, self.block = saved_out, saved_defs, saved_block

    def backward_hook(self, stmt):
        """The block of ``with insert_grad_of(x) as dx:``, run on the adjoint of ``x``."""
        primal = stmt.s2s_grad_of
        if primal not in self.activity:
            return set()
        self.origin = stmt
        start = len(self.out)
        if self.adjoint(primal) not in self.defined:
            self.zero_fill(primal)
        adj = self.adjoint(primal)
        self.materialize(adj)
        self.backward_locals |= set(stmt.s2s_hook_locals)
        for node in stmt.s2s_hook_body:
            node = copy.deepcopy(node)
            for n in gast.walk(node):
                if isinstance(n, gast.Name) and n.id == stmt.s2s_hook_name:
                    n.id = adj
            self.emit(node)
        return self.reads(self.out[start:])

    def backward_statement(self, stmt):
        if not differentiated(stmt, self.activity, self.rules):
            return
        target = stmt.targets[0]
        rhs = stmt.value
        if isinstance(target, gast.Tuple):
            self.unpack(target, rhs)
            return
        adj = self.adjoint(target.id)
        if adj not in self.defined:
            return  # zero adjoint: nothing flows back
        dy = name(adj)
        if isinstance(rhs, gast.Constant) or hasattr(rhs, "s2s_global"):
            return  # a constant: nothing flows back
        if not isinstance(rhs, (gast.BinOp, gast.UnaryOp, gast.Call, gast.Name)) or id(stmt) in self.callees:
            self.materialize(adj)  # only rules and copies take a uniform adjoint
        if isinstance(rhs, gast.Name):
            self.contribute(rhs, dy)
        elif isinstance(rhs, (gast.Tuple, gast.List)):
            for i, elt in enumerate(rhs.elts):
                self.contribute(elt, gast.Subscript(value=name(adj), slice=gast.Constant(value=i, kind=None), ctx=gast.Load()))
        elif _reciprocal(rhs):  # 1 / x: np.reciprocal's adjoint, -dy * y * y, reads the result only (not x)
            self.apply_rule(numpy.reciprocal, target, [rhs.right], {}, rhs)
        elif isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            args = [rhs.left, rhs.right] if isinstance(rhs, gast.BinOp) else [rhs.operand]
            self.apply_rule(OPERATORS.get(type(rhs.op)), target, args, {}, rhs)
        elif isinstance(rhs, gast.Call):
            fn = rhs.s2s_target
            save = self.callees.get(id(stmt))
            if save is not None:
                if save.checkpointed:  # recompute the callee's forward sweep, then its backward
                    again = copy.deepcopy(rhs)
                    again.func = name(save.callee.forward)
                    recompute = assign(gast.Tuple(elts=[name("_", True), name(save.saved, True)], ctx=gast.Store()), again)
                    self.emit(recompute)
                    save.callee.sites.append(CallSite(recompute))
                self.user_backward(rhs, target, save.callee, save.saved, save)
            else:
                self.apply_rule(fn, target, rhs.args, {k.arg: k.value for k in rhs.keywords}, rhs)
        elif isinstance(rhs, gast.Attribute):
            fn, args = attribute_call(rhs)
            self.apply_rule(fn, target, args, {}, rhs)
        elif isinstance(rhs, gast.Subscript):
            self.apply_rule(operator.getitem, target, [rhs.value, index_expr(rhs.slice)], {}, rhs)
        else:
            raise self.loc.error(rhs, f"cannot differentiate `{type(rhs).__name__}`")

    def unpack(self, target, source):
        elts = []
        any_defined = False
        for elt in target.elts:
            adj = self.adjoint(elt.id)
            if elt.id in self.activity and adj in self.defined:
                elts.append(name(adj))
                any_defined = True
            else:
                elts.append(call("zeros_like", name(elt.id)))
        if not any_defined:
            return
        adjoints = gast.Tuple(elts=elts, ctx=gast.Load())
        key = self.classes.get(source.id)
        if source.id in self.containers() or (isinstance(key, Fields) and key.kind != "{}"):  # a tuple: one adjoint per element
            self.contribute(source, call("GradTuple", adjoints))
        elif isinstance(key, tuple) and key[0] == "dims" and key[1] and self.rows:  # compiled: numba's np.stack
            self.contribute(source, gast.Call(func=gast.Attribute(value=name("np"), attr="stack", ctx=gast.Load()),
                                              args=[gast.List(elts=elts, ctx=gast.Load())], keywords=[]))
        elif isinstance(key, tuple) and key[0] == "dims" and key[1]:  # an array of known dimensions
            self.contribute(source, call("stacked", gast.List(elts=elts, ctx=gast.Load())))
        else:  # an array where the source is one (alpha, beta = theta), decided at run time
            self.contribute(source, call("unpacked_adjoint", adjoints, copy.deepcopy(source)))

    def containers(self):
        """Names assigned a tuple or list literal or the result of a user function (a tuple)."""
        if self._containers is None:
            self._containers = {
                stmt.targets[0].id for stmt in gast.walk(self.fdef)
                if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and (isinstance(stmt.value, (gast.Tuple, gast.List))
                     or isinstance(stmt.value, gast.Call) and is_user_function(getattr(stmt.value, "s2s_target", None), self.rules))
            }
        return self._containers


def _reciprocal(rhs):
    """Whether ``rhs`` is ``1 / x`` (or ``1.0 / x``): the derivative in ``x``, ``-1 / x**2``, is
    ``-y * y`` of the result ``y``, so that ``x`` need not be kept for the backward sweep (a
    logistic function's ``1.0 / (1.0 + np.exp(-x))``)."""
    return (isinstance(rhs, gast.BinOp) and isinstance(rhs.op, gast.Div) and isinstance(rhs.left, gast.Constant)
            and type(rhs.left.value) in (int, float) and rhs.left.value == 1)
