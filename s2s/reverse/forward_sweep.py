"""The forward sweep: the primal statements, saving what the backward sweep reads.

Part of :class:`s2s.reverse.ReverseMode` (a mixin).  Runs after the backward
sweep of the same statements, so the :mod:`s2s.saveplan` records (``saves``:
per ``if`` and loop, ``callees``: per call of a transformed user function)
already say what to save; this writes it: a branch ends by packing its tuple,
a loop appends to one stack per saved name, a call of a user function calls
its forward sweep and keeps its saved tuple (or, the head of a recursive group
in compiled code, pushes it on the group's list of rows: :class:`~s2s.saveplan.CallSave`).  It records the statements it
writes on those records (``packs``, ``forward``; the call sites on the
:class:`~s2s.reverse.Callee`).
"""

import copy

import gast

from ..saveplan import BranchSave, LoopSave
from .syntax import assign, call, located, name, saved_tuple


def int64(node):
    """``np.int64(3)`` for an integer constant ``3``; ``node`` otherwise."""
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return call(gast.Attribute(value=name("np"), attr="int64", ctx=gast.Load()), node)
    return node


class CallSite:
    """``value, saved = f_forward(...)``: a statement that calls a forward sweep.

    ``nested``: inside a function of its own (a checkpointed loop's iteration)."""

    def __init__(self, statement, nested=False):
        self.statement = statement
        self.nested = nested


class ForwardSweep:
    """Writing the forward sweep of a block from the plan the backward sweep made."""

    def forward_block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                out.append(self.forward_if(stmt))
            elif isinstance(stmt, (gast.For, gast.While)):
                out.extend(self.forward_loop(stmt))
            elif hasattr(stmt, "s2s_grad_of"):
                continue  # the forward sweep skips an insert_grad_of block
            else:
                out.extend(self.forward_statement(stmt))
        return out

    def forward_statement(self, stmt):
        new = copy.deepcopy(stmt)
        save = self.callees.get(id(stmt))
        if save is None or save.checkpointed:
            return [new]
        new.value.func = name(save.callee.forward)
        new.targets = [gast.Tuple(elts=[new.targets[0], name(save.row or save.saved, True)], ctx=gast.Store())]
        save.callee.sites.append(CallSite(new, self.in_step))
        if not save.rows:
            return [new]
        new.value.args.insert(0, name(save.rows))
        out = [new]
        if save.made:  # an empty list of the head's rows: the comprehension gives it their type, and calls nothing
            # an integer literal as np.int64: numba would compile the recursion again for the literal's own type
            new.value.args = [int64(a) for a in new.value.args]
            for k in new.value.keywords:
                k.value = int64(k.value)
            witness = copy.deepcopy(new.value)
            witness.args[0] = gast.Constant(value=None, kind=None)
            row = gast.Subscript(value=witness, slice=gast.Constant(value=1, kind=None), ctx=gast.Load())
            loop = gast.comprehension(target=name("_", True), iter=call("range", gast.Constant(value=0, kind=None)), ifs=[], is_async=0)
            out.insert(0, located(assign(save.rows, gast.ListComp(elt=row, generators=[loop])), stmt))
        if save.row:
            out.append(located(gast.Expr(value=call("push_row", name(save.rows), name(save.row))), stmt))
        return out

    def forward_if(self, stmt):
        save = self.saves.get(id(stmt), BranchSave())
        body = self.forward_block(stmt.body)
        orelse = self.forward_block(stmt.orelse)
        if save.stores:  # compiled code: each branch sets its own store, the other's to None
            for k, block in enumerate((body, orelse)):
                for j, store in enumerate(save.stores):
                    if store:
                        block.append(located(assign(store, saved_tuple(save.entries[k]) if j == k else gast.Constant(value=None, kind=None)), stmt))
        elif save.store:
            for k, (block, entries) in enumerate(((body, save.entries[0]), (orelse, save.entries[1]))):
                save.packs[k] = located(assign(save.store, saved_tuple(entries)), stmt)
                block.append(save.packs[k])
        save.forward = located(gast.If(test=copy.deepcopy(stmt.test), body=body or [gast.Pass()], orelse=orelse), stmt)
        return save.forward

    def forward_loop(self, stmt):
        save = self.saves.get(id(stmt), LoopSave(None))
        main = [s for s in stmt.body if not getattr(s, "s2s_carry", False) and not getattr(s, "s2s_cond", False)]
        carry = [s for s in stmt.body if getattr(s, "s2s_carry", False)]
        cond = [s for s in stmt.body if getattr(s, "s2s_cond", False)]
        body = self.forward_block(main)
        out = []
        if save.revolve:  # keep the starting state only
            out.append(located(assign(save.store, saved_tuple(save.entries)), stmt))
        elif save.rows and save.store:  # one list, an iteration's tuple per iteration (compiled code: s2s.jit)
            out.append(located(assign(save.store, gast.List(elts=[], ctx=gast.Load())), stmt))
            values = saved_tuple(save.entries).elts
            row = values[0] if len(values) == 1 else gast.Tuple(elts=values, ctx=gast.Load())
            push = gast.Expr(value=call(gast.Attribute(value=name(save.store), attr="append", ctx=gast.Load()), row))
            body.append(located(push, stmt))
        elif save.store and save.columns:  # one list per saved name, the lists in one tuple after the loop
            for column in save.columns:
                out.append(located(assign(column, gast.List(elts=[], ctx=gast.Load())), stmt))
            for column, value in zip(save.columns, saved_tuple(save.entries).elts):
                push = gast.Expr(value=call(gast.Attribute(value=name(column), attr="append", ctx=gast.Load()), value))
                body.append(located(push, stmt))
        elif save.store:  # nothing to save but the number of iterations
            out.append(located(assign(save.store, gast.List(elts=[], ctx=gast.Load())), stmt))
            push = gast.Expr(value=call(
                gast.Attribute(value=name(save.store), attr="append", ctx=gast.Load()),
                gast.Tuple(elts=[], ctx=gast.Load()),
            ))
            body.append(located(push, stmt))
        body += self.forward_block(carry)
        if stmt.s2s_break:
            body.append(located(gast.If(test=name(stmt.s2s_break), body=[gast.Break()], orelse=[]), stmt))
        body += self.forward_block(cond)
        new = copy.copy(stmt)
        new.body = body or [gast.Pass()]
        out.append(located(new, stmt))
        save.forward = new
        for array, final in save.finals.items():  # the arrays as the loop leaves them
            out.append(located(assign(final, name(array)), stmt))
        if save.store and save.columns and not save.revolve:
            # made after the loop, of the lists as they end: transformed again, ``append`` makes new lists
            out.append(located(assign(save.store, gast.Tuple(elts=[name(c) for c in save.columns], ctx=gast.Load())), stmt))
        return out
