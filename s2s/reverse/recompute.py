"""What the backward sweep computes again instead of saving: a part of :class:`s2s.reverse.ReverseMode` (a mixin).

Reads the facts of :mod:`s2s.shapes` (``scalar``, ``integers``), the names
assigned once (``once``), inside loops (``looped``) and bound to ranges
(``ranges``), and the loops being differentiated (``loops_open``, innermost
last).  Writes ``finals``: per loop, the arrays whose values after the loop the
backward sweep reads (``y_final = y`` after the loop in the forward sweep, see
:meth:`Recomputing.final_read`).

Every recomputation is the same operation on the same values as in the forward
sweep, so the gradient is the same to the last bit; it trades a saved value
(an append, a walk, memory) for an operation, and an entry of an array a loop
fills for a read of the array as the loop leaves it.  Compiled code (``rows``)
trades more: chains of operations.
"""

import copy
import re

import gast

from .. import runtime
from ..activity import local_names
from .syntax import assign, assigned, located, name


class Recomputing:
    """Values recomputed at the top of a backward loop's body or of a backward branch."""

    def recomputed(self, stmt, entries, inside):
        """``(steps, statements, entries)``: what the backward loop of ``stmt`` computes
        again instead of taking from a stack, and the entries still saved.

        A ``for`` loop over a range (``steps``) that runs to its end (no ``break``)
        takes its index from ``reversed(steps)``; an integer computed from indices
        and numbers (``i_minus_1 = i - 1``), one operation on numbers at hand, and an
        entry of an array the loop never writes (``x_item = x[i]``, a number:
        :mod:`s2s.shapes`) are computed again from what the backward loop has, at the
        top of its body, in the forward sweep's order."""
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
        for _ in range(2):  # again with the values the first pass left saved
            for d in defs:
                target = d.targets[0].id
                if target in done(recompute) or not (target in names or self.rows):
                    continue  # compiled code recomputes chains too: an operation costs less than a saved number
                value = d.value if self.cheap(d.value, lambda n: n in available or n not in inside) else self.final_read(d.value, stmt, None, available)
                if value is not None:
                    recompute.append(located(assign(target, copy.deepcopy(value)), d))
                    available.add(target)
            available |= names
            recompute.sort(key=lambda r: position[r.targets[0].id])  # the forward sweep's order
        recompute = needed_only(recompute, names)
        if steps is not None and stmt.target.id not in names | {n for r in recompute for n in local_names(r)}:
            steps = None  # the index is not needed
        if steps is None and not recompute:
            return None, [], entries
        recomputed = done(recompute) | ({stmt.target.id} if steps is not None else set())
        kept = [(n, shape) for n, shape in entries if shape or n not in recomputed]
        return steps, recompute, kept

    def recompute_in_branch(self, body, code, reads, local, guard):
        """Compute again, at the top of a branch's backward code, the values of the branch
        (``local``) that its backward code reads and that are integer arithmetic
        (``i_minus_1 = i - 1``), an entry of an array no loop assigns (``x[i_minus_1]``)
        or an entry the loop around has filled (:meth:`final_read`; ``guard``:
        the branch's test, ``i >= 1``), instead of saving them in the branch's tuple; what
        they read becomes the branch's read (a loop then saves its index or takes it
        from its range)."""
        defs = [s for s in body if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and s.targets[0].id in self.once]
        available, recompute = set(), []
        stable = lambda n: n in available or n not in local and (n not in self.looped or n in self.integers)
        for d in defs:
            target = d.targets[0].id
            if target not in local:
                continue
            value = None
            if self.cheap(d.value, stable) and not (isinstance(d.value, gast.Subscript) and d.value.value.id in self.looped):
                value = d.value
            elif self.loops_open:
                value = self.final_read(d.value, self.loops_open[-1], guard, available)
            if value is not None:
                recompute.append(located(assign(target, copy.deepcopy(value)), d))
                available.add(target)
        recompute = needed_only(recompute, reads & available)
        if recompute:
            code[:0] = recompute
            made = done(recompute)
            reads -= made
            reads |= {n for r in recompute for n in local_names(r)} - made

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

    def final_read(self, value, loop, guard, available):
        """``y_final[i_minus_1]`` for the read ``y[i_minus_1]`` of an entry ``loop`` fills,
        where that entry already holds its value after the loop, or None.

        So where ``loop`` runs ``i`` up a range and writes ``y`` only at ``y[i + c]`` (each
        version of the array it carries is ``updated(y, i + c, v)``, ``c`` an integer), and the
        read is at ``i + d`` with ``d < c`` and ``i + d >= 0`` (from the range's start, or
        ``guard``, the test ``i >= k`` of the branch the read is in): no later iteration writes
        there.  The forward sweep keeps the array as the loop leaves it
        (``y_final = y``, ``finals``) instead of saving the entry in every iteration
        (Python code: a loop on floats then reads the list it wrote back, :mod:`s2s.elements`)."""
        if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and getattr(value, "s2s_basic", False)):
            return None
        if not (isinstance(loop, gast.For) and not loop.s2s_break and isinstance(loop.target, gast.Name)
                and isinstance(loop.iter, gast.Name) and loop.iter.id in self.ranges):
            return None
        index = loop.target.id
        start = _range_start(self.definition.get(loop.iter.id))
        read = _offset(value.slice, index, self.definition)
        if read is None or isinstance(value.slice, gast.Name) and value.slice.id not in available and value.slice.id != index:
            return None
        bound = max(b for b in (start, guard[1] if guard and guard[0] == index else None, -1) if b is not None)
        if bound + read < 0:
            return None  # a negative index: the last entries, which later iterations may write
        filled = _filled_at(loop, index, value.value.id)
        if filled is None or read >= filled[1]:
            return None
        carried = filled[0]
        finals = self.finals.setdefault(id(loop), {})
        if carried not in finals:
            finals[carried] = self.namer.fresh(re.sub(r"_\d+$", "", carried) + "_final")
        return gast.Subscript(value=name(finals[carried]), slice=copy.deepcopy(value.slice), ctx=gast.Load())

    def guard_of(self, test):
        """``(i, c)`` for a branch whose test is ``i >= c`` (or ``i > c - 1``) of integers, else None."""
        test = self.definition.get(test.id) if isinstance(test, gast.Name) else test
        if not (isinstance(test, gast.Compare) and len(test.ops) == 1 and isinstance(test.left, gast.Name)):
            return None
        bound = test.comparators[0]
        if not (isinstance(bound, gast.Constant) and type(bound.value) is int):
            return None
        if isinstance(test.ops[0], gast.GtE):
            return test.left.id, bound.value
        if isinstance(test.ops[0], gast.Gt):
            return test.left.id, bound.value + 1
        return None


def _range_start(call):
    """The first value of ``range(...)`` if it counts up from a constant, else None."""
    if not (isinstance(call, gast.Call) and call.s2s_target is range and 1 <= len(call.args) <= 3 and not call.keywords):
        return None
    if len(call.args) == 3 and not (isinstance(call.args[2], gast.Constant) and type(call.args[2].value) is int and call.args[2].value > 0):
        return None
    if len(call.args) == 1:
        return 0
    first = call.args[0]
    return first.value if isinstance(first, gast.Constant) and type(first.value) is int else None


def _offset(index, target, definition):
    """``d`` for an index ``target + d`` (``target``, ``target - 1``, ``target + 1``, directly or
    through a name bound to it), else None."""
    if isinstance(index, gast.Name) and index.id == target:
        return 0
    if isinstance(index, gast.Name):
        index = definition.get(index.id)
    if (isinstance(index, gast.BinOp) and isinstance(index.op, (gast.Add, gast.Sub)) and isinstance(index.left, gast.Name)
            and index.left.id == target and isinstance(index.right, gast.Constant) and type(index.right.value) is int):
        return index.right.value if isinstance(index.op, gast.Add) else -index.right.value
    return None


def _filled_at(loop, index, array):
    """``(carried, c)``: the name ``loop`` carries the array ``array`` in, where each of its
    versions in the loop is ``updated(previous, index + c, value)`` at the top level of the
    body, one ``c`` for all; else None."""
    bound = {s.targets[0].id: s.value for s in loop.body if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)}
    carries = {s.targets[0].id: s.value.id for s in loop.body if getattr(s, "s2s_carry", False) and isinstance(s.value, gast.Name)}
    for carried, last in carries.items():
        versions, offsets = {carried}, set()
        for s in loop.body:
            if getattr(s, "s2s_carry", False) or not isinstance(s, gast.Assign):
                continue
            for t in (n for n in gast.walk(s.targets[0]) if isinstance(n, gast.Name)):
                call = s.value
                if (isinstance(call, gast.Call) and getattr(call, "s2s_target", None) is runtime.updated and isinstance(s.targets[0], gast.Name)
                        and isinstance(call.args[0], gast.Name) and call.args[0].id in versions
                        and _offset(call.args[1], index, bound) is not None):
                    versions.add(t.id)
                    offsets.add(_offset(call.args[1], index, bound))
                elif t.id in versions:
                    versions = None
                    break
            if versions is None:
                break
        nested = {n.id for s in loop.body if not isinstance(s, gast.Assign) for n in gast.walk(s)
                  if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        if versions and array in versions and last in versions and not versions & nested and len(offsets) == 1:
            return carried, offsets.pop()
    return None


def needed_only(recompute, names):
    """The statements of ``recompute`` that ``names`` need, directly or through another."""
    needed = set(names)
    for r in reversed(recompute):
        if r.targets[0].id in needed:
            needed.update(local_names(r))
    return [r for r in recompute if r.targets[0].id in needed]


def done(statements):
    return {r.targets[0].id for r in statements}
