"""The backward sweep of control flow: ``if``, loops, checkpointed loops (revolve).

Part of :class:`s2s.reverse.ReverseMode` (a mixin).  Each method builds the
adjoint of one compound statement from the adjoints of its blocks
(:meth:`~s2s.reverse.backward_sweep.BackwardSweep.backward_block`), decides
what the forward sweep must save for it (a tuple per branch, a stack per
saved name of a loop, a loop's starting state for revolve) and records that
in ``saves`` and in the function's :class:`~s2s.saveplan.SavePlan`
(``plan.branches``, ``plan.loops``).  Adjoints that only some paths define are
zero-filled where the paths meet.
"""

import copy
import re

import gast

from ..activity import local_names, simple_statements
from ..errors import S2SError
from ..saveplan import BranchSave, LoopSave
from .saving import stores
from .syntax import assign, assigned, call, located, name, saved_tuple, unpack_names


class ControlFlow:
    """Adjoints of ``if``, ``for``/``while`` and checkpointed loops."""

    def backward_if(self, stmt):
        before = set(self.defined)
        self.defined = set(before)
        then_code, then_reads = self.backward_block(stmt.body)
        then_defined = self.defined
        self.defined = set(before)
        else_code, else_reads = self.backward_block(stmt.orelse)
        else_defined = self.defined
        assigned_then = self.assigned(stmt.body)
        assigned_else = self.assigned(stmt.orelse)
        local = assigned_then | assigned_else
        dead = {self.namer.adjoints.get(n) for n in local}
        then_defined -= dead
        else_defined -= dead
        merged = then_defined | else_defined
        self.origin = stmt
        for code, defined, reads in ((then_code, then_defined, then_reads), (else_code, else_defined, else_reads)):
            saved_out, self.out = self.out, code
            for primal in sorted(p for p, a in self.namer.adjoints.items() if a in merged - defined):
                self.zero_fill(primal)
                reads.add(primal)
            self.out = saved_out
        self.defined = merged
        if not then_code and not else_code:
            return set()
        phi = assigned_then & assigned_else
        names = (
            self.ordered(then_reads & (assigned_then - phi)),
            self.ordered(else_reads & (assigned_else - phi)),
        )
        save = BranchSave()
        if names[0] or names[1]:
            save = BranchSave(self.namer.fresh("branch"), ((), ()))
            packed = [self.pack(ns, code) for code, ns in ((then_code, names[0]), (else_code, names[1]))]
            if self.rows:  # compiled: a tuple's type per branch, so a store per branch (None on the other path)
                save.stores = [self.namer.fresh("branch") if entries else None for entries in packed]
            for k, (code, entries) in enumerate(zip((then_code, else_code), packed)):
                save.entries[k] = [(n, bool(new)) for n, new in entries]
                if entries:
                    save.unpacks[k] = self.unpack_saved(entries, save.stores[k] if self.rows else save.store, stmt)
                    code.insert(0, save.unpacks[k])
        self.saves[id(stmt)] = save
        self.plan.branches.append(save)
        save.test = stmt.test
        reads = (then_reads - (assigned_then - phi)) | (else_reads - (assigned_else - phi))
        reads |= self.reads([stmt.test]) if isinstance(stmt.test, gast.Name) else set()
        if save.store:
            reads |= stores(save)
        save.backward = located(gast.If(test=copy.deepcopy(stmt.test), body=then_code or [gast.Pass()], orelse=else_code), stmt)
        self.out.append(save.backward)
        return reads

    def backward_loop(self, stmt):
        inside = assigned(stmt.body) | ({stmt.target.id} if isinstance(stmt, gast.For) else set())
        carried = [s.targets[0].id for s in stmt.body if getattr(s, "s2s_carry", False) and s.targets[0].id in self.activity]
        body = [s for s in stmt.body if not getattr(s, "s2s_cond", False)]
        outer = {n for s in simple_statements(body) for n in local_names(s) if n not in inside and n in self.activity}
        before = set(self.defined)
        assumed = {self.adjoint(n) for n in outer | set(carried)}
        self.defined = before | assumed
        contributed_outside, self.contributed = self.contributed, set()
        code, reads = self.backward_block(body)
        self.origin = stmt
        saved_out, self.out = self.out, code
        for c in carried:  # the adjoint of the value carried into this iteration
            if self.adjoint(c) not in self.defined:
                self.zero_fill(c)
                reads.add(c)
        self.out = saved_out
        written = self.contributed  # by this loop's body, whatever other paths wrote
        self.contributed = contributed_outside | written
        if not code:
            self.defined = before
            return set()
        inside = self.assigned(stmt.body) | inside
        entries = self.pack(self.ordered(reads & inside), code)
        steps, recompute = None, []
        if not getattr(stmt, "s2s_revolve", None):
            steps, recompute, entries = self.recomputed(stmt, entries, inside)
            code[:0] = recompute
        if steps is not None:  # the loop's indices from its range, the rest from the columns
            loop, extra = self.index_loop(stmt, steps, entries, code)
        elif getattr(stmt, "s2s_revolve", None):
            loop, extra = self.revolve_loop(stmt, entries, code)
        elif self.rows:
            stack = self.namer.fresh(f"{loop_name(stmt)}_{'loop_stack' if entries else 'iterations'}")
            save = self.saves[id(stmt)] = LoopSave(stack, [(n, bool(new)) for n, new in entries], rows=True)
            self.plan.loops.append(save)
            loop = self.rows_loop(stack, entries, code)
            extra = {stack}
        else:
            stack = self.namer.fresh(f"{loop_name(stmt)}_{'loop_stacks' if entries else 'iterations'}")
            # each iteration's saved values, last first: one list per name (a tuple per
            # iteration would cost an allocation that a list of numbers does not)
            columns = [self.fresh(f"{new or n}_stack") for n, new in entries]
            save = self.saves[id(stmt)] = LoopSave(stack, [(n, bool(new)) for n, new in entries], columns)
            self.plan.loops.append(save)
            if not entries:
                loop = gast.For(target=name("_", True), iter=call("reversed", name(stack)), body=code, orelse=[], type_comment=None)
            else:
                columns = [call("reversed", name(c)) for c in save.columns]
                names_ = [name(new or n, True) for n, new in entries]
                target = names_[0] if len(entries) == 1 else gast.Tuple(elts=names_, ctx=gast.Store())
                loop = gast.For(target=target, iter=columns[0] if len(columns) == 1 else call("zip", *columns), body=code, orelse=[], type_comment=None)
                save.unpack = located(unpack_names(save.columns, name(stack)), stmt)
                self.out.append(save.unpack)
            extra = {stack}
        # zero adjoints the loop accumulates into, before it
        self.defined = before
        needed = [n for n in self.order if self.adjoint(n) in (assumed & written) | {self.adjoint(c) for c in carried}]
        outer_reads = set()
        for n in dict.fromkeys(needed):
            if self.adjoint(n) not in before:
                self.zero_fill(n)
                outer_reads.add(n)
        self.defined = before | {self.adjoint(n) for n in needed}
        self.out.append(located(loop, stmt))
        self.saves[id(stmt)].backward = loop
        recomputed_reads = {n for r in recompute for n in local_names(r)} - inside
        return (reads - inside) | extra | outer_reads | recomputed_reads

    def recomputed(self, stmt, entries, inside):
        """``(steps, statements, entries)``: what the backward loop of ``stmt`` computes
        again instead of taking from a stack, and the entries still saved.

        A ``for`` loop over a range (``steps``) that runs to its end (no ``break``)
        takes its index from ``reversed(steps)``; an integer computed from indices
        and numbers (``i_minus_1 = i - 1``) and an entry of an array the loop never
        writes (``x_item = x[i]``, a number: :mod:`s2s.shapes`) are computed again
        from what the backward loop has, at the top of its body, in the forward
        sweep's order.  The same operations on the same values: exact, and cheaper
        than a stack's append and walk."""
        names = {n for n, shape in entries if not shape}
        steps = None
        available = set()
        if isinstance(stmt, gast.For) and not stmt.s2s_break and isinstance(stmt.iter, gast.Name) and stmt.iter.id in self.ranges:
            steps = stmt.iter.id
            available.add(stmt.target.id)
        # a value carried in from the last iteration is the one saved all through this one
        carried = {s.targets[0].id for s in stmt.body if getattr(s, "s2s_carry", False)}
        available |= names & carried - assigned([s for s in stmt.body if not getattr(s, "s2s_carry", False)])
        defs = [s for s in stmt.body if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and s.targets[0].id in self.once]
        # a value assigned once in the body and saved whole is at hand all through the iteration
        available |= {d.targets[0].id for d in defs if d.targets[0].id in names and not self.cheap(d.value, lambda n: True)}
        recompute = []
        position = {d.targets[0].id: k for k, d in enumerate(defs)}
        for again in (False, True):  # again: with the values the first pass left saved
            for d in defs:
                target = d.targets[0].id
                # compiled code recomputes chains of operations too (an operation costs less than a saved number)
                if (target in names or self.rows) and target not in done(recompute) and self.cheap(d.value, lambda n: n in available or n not in inside):
                    recompute.append(located(assign(target, copy.deepcopy(d.value)), d))
                    available.add(target)
            available |= names
            recompute.sort(key=lambda r: position[r.targets[0].id])  # the forward sweep's order
        needed = set(names)
        for r in reversed(recompute):  # what an entry needs, not a whole chain
            if r.targets[0].id in needed:
                needed.update(local_names(r))
        recompute = [r for r in recompute if r.targets[0].id in needed]
        if steps is not None and stmt.target.id not in names | {n for r in recompute for n in local_names(r)}:
            steps = None  # the index is not needed
        if steps is None and not recompute:
            return None, [], entries
        recomputed = {r.targets[0].id for r in recompute} | ({stmt.target.id} if steps is not None else set())
        kept = [(n, shape) for n, shape in entries if shape or n not in recomputed]
        return steps, recompute, kept

    def cheap(self, value, ok):
        """Integer arithmetic of integers, one arithmetic operation or comparison of
        numbers (:mod:`s2s.shapes`), or an entry of an array (marked ``s2s_basic``),
        whose names ``ok`` accepts."""
        atoms = []
        number = lambda a: isinstance(a, gast.Constant) and type(a.value) in (int, float) or isinstance(a, gast.Name) and a.id in self.scalar
        if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv, gast.Mod)) and all(
            isinstance(a, gast.Constant) and type(a.value) is int or isinstance(a, gast.Name) and a.id in self.integers for a in (value.left, value.right)
        ):
            atoms = [value.left, value.right]
        elif isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)) or isinstance(value, gast.Compare) and len(value.ops) == 1:
            atoms = [value.left, value.right] if isinstance(value, gast.BinOp) else [value.left, value.comparators[0]]
            if not all(number(a) for a in atoms):
                return False
        elif isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub) and number(value.operand):
            atoms = [value.operand]
        elif isinstance(value, gast.Subscript) and getattr(value, "s2s_basic", False) and isinstance(value.value, gast.Name):
            atoms = [value.value] + [n for n in gast.walk(value.slice) if isinstance(n, gast.Name)]
        else:
            return False
        return all(ok(a.id) for a in atoms if isinstance(a, gast.Name) and not hasattr(a, "s2s_global"))

    def index_loop(self, stmt, steps, entries, code):
        """The backward loop over ``reversed(steps)`` (and the columns of ``entries``, zipped)."""
        if self.rows:
            stack = self.namer.fresh(f"{loop_name(stmt)}_loop_stack") if entries else None
            save = self.saves[id(stmt)] = LoopSave(stack, [(n, bool(new)) for n, new in entries], rows=True)
            self.plan.loops.append(save)
            return self.rows_loop(stack, entries, code, (stmt.target.id, steps)), ({stack} if stack else set()) | {steps}
        stack = self.namer.fresh(f"{loop_name(stmt)}_loop_stacks") if entries else None
        columns = [self.fresh(f"{new or n}_stack") for n, new in entries]
        save = self.saves[id(stmt)] = LoopSave(stack, [(n, bool(new)) for n, new in entries], columns)
        self.plan.loops.append(save)
        iters = [call("reversed", name(steps))] + [call("reversed", name(c)) for c in columns]
        targets = [name(stmt.target.id, True)] + [name(new or n, True) for n, new in entries]
        target = targets[0] if len(targets) == 1 else gast.Tuple(elts=targets, ctx=gast.Store())
        loop = gast.For(target=target, iter=iters[0] if len(iters) == 1 else call("zip", *iters), body=code, orelse=[], type_comment=None)
        if entries:
            save.unpack = located(unpack_names(save.columns, name(stack)), stmt)
            self.out.append(save.unpack)
        return loop, ({stack} if stack else set()) | {steps}

    def rows_loop(self, stack, entries, code, index=None):
        """The backward loop of the rows layout (compiled code: :mod:`s2s.jit`): by
        iteration number, last first, an iteration's values unpacked from its row,
        the loop's index (``index``: its name and the range) taken from the range."""
        k = self.fresh("iteration")
        body = []
        if index is not None:
            body.append(assign(index[0], gast.Subscript(value=name(index[1]), slice=name(k), ctx=gast.Load())))
        if entries:
            names_ = [name(new or n, True) for n, new in entries]
            target = names_[0] if len(names_) == 1 else gast.Tuple(elts=names_, ctx=gast.Store())
            body.append(assign(target, gast.Subscript(value=name(stack), slice=name(k), ctx=gast.Load())))
        last = gast.BinOp(left=call("len", name(index[1] if index else stack)), op=gast.Sub(), right=gast.Constant(value=1, kind=None))
        minus_one = gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=1, kind=None))
        return gast.For(target=name(k, True), iter=call("range", last, minus_one, copy.deepcopy(minus_one)), body=body + code, orelse=[], type_comment=None)

    def revolve_loop(self, stmt, entries, code):
        """The backward loop of ``for t in s2s.checkpoint(range(n), snapshots=s)``.

        Instead of one saved tuple per iteration, the forward sweep keeps the
        loop's starting state; the backward sweep gets each iteration's tuple,
        last first, from ``revolve``, which re-runs iterations from at most
        ``s`` stored states (the binomial schedule of Griewank's Revolve).
        """
        if stmt.s2s_break:
            raise self.loc.error(stmt, "a checkpointed loop (s2s.checkpoint(range(...), snapshots=...)) cannot `break` or `return`")
        if self.rows:
            raise S2SError("compile='numba' cannot compile a checkpointed loop (s2s.checkpoint(range(...), snapshots=...)): "
                           "its backward sweep re-runs iterations through a Python function; drop the checkpoint, or "
                           "differentiate without compile=", self.loc.filename, stmt.s2s_line)
        carried = [s.targets[0].id for s in stmt.body if getattr(s, "s2s_carry", False)]
        main = [s for s in stmt.body if not getattr(s, "s2s_carry", False)]
        carry = [s for s in stmt.body if getattr(s, "s2s_carry", False)]
        start = self.namer.fresh(f"{stmt.target.id}_start")
        step = self.namer.fresh(f"{self.fdef.name}_iteration")
        state = self.namer.fresh("state")
        snapshot = self.namer.fresh("saved_iteration")
        self.backward_locals |= {step, state, snapshot}
        body = []
        if carried:
            body.append(assign(gast.Tuple(elts=[name(c, True) for c in carried], ctx=gast.Store()), name(state)))
        self.in_step = True  # call sites in the step function are nested (see CallSite)
        body += self.forward_block(main)
        body.append(assign(snapshot, saved_tuple([(n, bool(new)) for n, new in entries])))
        body += self.forward_block(carry)
        self.in_step = False
        body.append(gast.Return(value=gast.Tuple(elts=[gast.Tuple(elts=[name(c) for c in carried], ctx=gast.Load()), name(snapshot)], ctx=gast.Load())))
        for b in body:
            located(b, stmt)
        function = gast.FunctionDef(
            name=step,
            args=gast.arguments(args=[name(state, True), copy.deepcopy(stmt.target)], posonlyargs=[], vararg=None,
                                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
            body=body, decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        function.args.args[1].ctx = gast.Param()
        local = assigned(body) | {state, stmt.target.id}
        free = {n for b in body for n in local_names(b)} - local
        self.out.append(located(function, stmt))
        save = self.saves[id(stmt)] = LoopSave(start, [(c, False) for c in carried], revolve=True)
        self.plan.loops.append(save)
        if entries:
            code.insert(0, self.unpack_saved(entries, snapshot, stmt))
        loop = gast.For(
            target=name(snapshot, True),
            iter=call("revolve", name(step), name(start), copy.deepcopy(stmt.iter), gast.Constant(value=stmt.s2s_revolve, kind=None)),
            body=code or [gast.Pass()], orelse=[], type_comment=None,
        )
        return loop, {start, stmt.iter.id} | free


def done(statements):
    return {r.targets[0].id for r in statements}


def loop_name(stmt):
    """What a loop's saved stacks are named after: the first value it carries from
    one iteration to the next (``total`` of ``total = total + term``), else ``loop``."""
    carried = [s.targets[0].id for s in stmt.body if getattr(s, "s2s_carry", False)]
    return re.sub(r"_\d+$", "", carried[0]) if carried else "loop"
