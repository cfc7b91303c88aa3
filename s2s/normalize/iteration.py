"""The iteration of ``for`` loops, as a loop over ``range`` (part of :class:`~.anf.Normalizer`).

Takes the ``iter`` and target of a user ``for`` statement.  Returns the
``range`` atom the normalized loop iterates, its index name, and the element
assignments that start its body.  A loop over a sequence, ``zip`` of them,
``enumerate`` or ``reversed`` becomes a loop over indices; the sequence is the
value it has when the loop starts.  ``s2s.checkpoint(range(n), snapshots=s)``
sets the loop's ``s2s_revolve`` to ``s``.

    for row in x:       ->   n = len(x)
        ...                  steps = range(n)
                             for i in steps:
                                 row = x[i]
                                 ...
"""

import copy

import gast

from .. import markers
from .tree import assigned_in, call_builtin, name_node, runtime_call


class Iteration:
    """Uses the normalizer's ``version``, ``scope``, ``namer``, ``atom``, ``bind``, ``is_local``."""

    def iteration(self, stmt):
        """(range atom, index name, element assignments) for ``for target in iter``."""
        it = stmt.iter
        target = stmt.target
        stmt.s2s_revolve = None
        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is markers.checkpoint:
            # for t in s2s.checkpoint(range(n), snapshots=s): Revolve checkpointing
            snapshots = [k.value for k in it.keywords if k.arg == "snapshots"]
            if len(it.args) != 1 or not snapshots or not isinstance(snapshots[0], gast.Constant) or not isinstance(snapshots[0].value, int):
                raise self.loc.error(it, "a checkpointed loop reads `for t in s2s.checkpoint(range(n), snapshots=8):`")
            stmt.s2s_revolve = snapshots[0].value
            it = it.args[0]
            if not (isinstance(it, gast.Call) and self.scope.resolve(it.func) is range):
                raise self.loc.error(it, "only loops over range(...) can be checkpointed")
        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is range and self.scope.root(it.func) and not self.is_local(self.scope.root(it.func)):
            if not isinstance(target, gast.Name):
                raise self.loc.error(target, "the target of a loop over range must be a name")
            return self.atom(it, hint="steps"), target.id, []
        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is enumerate and not self.is_local(self.scope.root(it.func) or it.func):
            if not (isinstance(target, gast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[0], gast.Name)):
                raise self.loc.error(target, "loop over enumerate(...) needs a target `i, item`")
            starts = it.args[1:] + [k.value for k in it.keywords if k.arg == "start"]
            if not it.args or len(starts) > 1 or any(k.arg != "start" for k in it.keywords):
                raise self.loc.error(it, "enumerate takes a sequence and a start: `enumerate(xs, start=1)`")
            if not starts:
                length, elements = self.sequence(it.args[0], target.elts[1], target.elts[0].id, assigned_in(stmt.body))
                return self.range_of(length), target.elts[0].id, elements
            start = self.atom(starts[0], hint="start")  # evaluated once, when the loop starts
            if isinstance(start, gast.Name):
                start = self.bind(start, "start")
            index = self.namer.fresh("index")
            length, elements = self.sequence(it.args[0], target.elts[1], index, assigned_in(stmt.body))
            count = gast.BinOp(left=name_node(index), op=gast.Add(), right=start)  # i = index + start
            return self.range_of(length), index, [gast.Assign(targets=[target.elts[0]], value=count, type_comment=None)] + elements
        backwards = self.is_reversed(it)
        if backwards:  # for item in reversed(seq): the indices of seq, last first
            it = it.args[0]
        index = self.namer.fresh("i" if "i" not in self.version else "index")
        length, elements = self.sequence(it, target, index, assigned_in(stmt.body))
        if backwards:
            last = self.bind(gast.BinOp(left=length, op=gast.Sub(), right=gast.Constant(value=1, kind=None)), "last")
            minus_one = gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=1, kind=None))
            return self.bind(call_builtin("range", [last, minus_one, copy.deepcopy(minus_one)]), "steps"), index, elements
        return self.range_of(length), index, elements

    def is_reversed(self, node):
        """Whether ``node`` is ``reversed(seq)`` (the builtin)."""
        if not (isinstance(node, gast.Call) and self.scope.resolve(node.func) is reversed and not self.is_local(self.scope.root(node.func) or node.func)):
            return False
        if len(node.args) != 1 or node.keywords:
            raise self.loc.error(node, "reversed takes one sequence")
        return True

    def sequence(self, it, target, index, rebound):
        """(length atom, element assignments ``target = seq[index]``) for a sequence or zip.

        The loop iterates the value the sequence has when the loop starts: a
        name the body rebinds (``for row in x: x = ...``) is first copied to a
        name of its own.
        """
        idx = name_node(index)

        def iterated(node):
            seq = self.atom(node, hint="items")
            if not isinstance(seq, gast.Name) or (isinstance(node, gast.Name) and node.id in rebound):
                seq = self.bind(seq, "items")
            return seq

        if isinstance(it, gast.Call) and self.scope.resolve(it.func) is zip and not self.is_local(self.scope.root(it.func) or it.func):
            backwards = [self.is_reversed(a) for a in it.args]  # zip(reversed(a), ...): a read from its end
            seqs = [iterated(a.args[0] if b else a) for a, b in zip(it.args, backwards)]
            for seq in seqs:
                self.version.setdefault(seq.id, seq.id)
            lengths = [self.bind(runtime_call("sequence_length", [s], s), "n") for s in seqs]
            length = lengths[0]
            if len(lengths) > 1:
                length = self.bind(call_builtin("min", lengths), "n")
            items = []
            for s, n, b in zip(seqs, lengths, backwards):
                place = idx
                if b:
                    last = self.bind(gast.BinOp(left=n, op=gast.Sub(), right=gast.Constant(value=1, kind=None)), "last")
                    place = gast.BinOp(left=last, op=gast.Sub(), right=name_node(index))  # in the body: normalized there
                items.append(gast.Subscript(value=s, slice=place, ctx=gast.Load()))
            if isinstance(target, (gast.Tuple, gast.List)):
                if len(target.elts) != len(items):
                    raise self.loc.error(target, f"loop target unpacks {len(target.elts)} values from zip of {len(items)}")
                return length, [gast.Assign(targets=[t], value=v, type_comment=None) for t, v in zip(target.elts, items)]
            return length, [gast.Assign(targets=[target], value=gast.Tuple(elts=items, ctx=gast.Load()), type_comment=None)]
        seq = iterated(it)
        self.version.setdefault(seq.id, seq.id)
        length = self.bind(runtime_call("sequence_length", [seq], seq), "n")
        item = gast.Subscript(value=seq, slice=idx, ctx=gast.Load())
        return length, [gast.Assign(targets=[target], value=item, type_comment=None)]

    def range_of(self, length):
        return self.bind(call_builtin("range", [length]), "steps")
