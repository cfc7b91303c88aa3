"""Common subexpressions: the same arithmetic on the same values is computed once.

Takes a generated function and, in place, computes a repeated ``+``, ``-``,
``*`` of names and numbers once, where it first appears, and reads that
value wherever it was computed again (see the package docstring for the
calling convention).  The values are those computed before: the same
operation on the same operands.
"""

import gast

from ..naming import OPERATOR_WORDS, Namer, short
from .expressions import arithmetic_of, const, pure
from .facts import blocks

SHARED_OPS = (gast.Add, gast.Sub, gast.Mult)  # cannot raise where the statement would not have
# where a value may be read without another name holding it: as an operand of arithmetic
OPERAND_PARENTS = (gast.BinOp, gast.UnaryOp)
# expressions whose parts are evaluated only sometimes: nothing in them moves out
CONDITIONAL = (gast.IfExp, gast.BoolOp, gast.Compare, gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def share_common_subexpressions(fdef, facts):
    """A repeated ``+``, ``-``, ``*`` of names and numbers in a run of assignments, its
    operands not assigned between, is computed once::

        dW2 = 2 * dplus * W2          ->    dplus_times_2 = 2 * dplus
        dW1 = 2 * dplus * W1                dW2 = dplus_times_2 * W2
        t = 2 * dplus                       dW1 = dplus_times_2 * W1
        u = t * g                           u = dplus_times_2 * g
        return (dW1, dW2, u)                return (dW1, dW2, u)

    The first computation gets a name (or keeps its own, ``t = 2 * dplus``)
    and the others read it.  So that no two names come to hold one array
    where another could tell, a repeated expression is replaced only where
    it is an operand of arithmetic, or is the whole value of a name assigned
    once whose every read is such an operand, later in its block (the
    assignment goes and those reads read the first name); a name that keeps
    its value for the others is assigned once and read only as an operand or
    in the function's return.  A run is a sequence of pure assignments to
    names, so nothing changes an operand in place between the uses.  The
    largest repeated expression goes first.
    """
    namer = Namer(set(facts.loads) | set(facts.stores))
    operand_only, kept_whole = _read_positions(fdef)
    changed = False
    for block in list(blocks(fdef.body)):
        share = _Sharing(block, facts, namer, operand_only, kept_whole)
        start = 0
        for end in range(len(block) + 1):
            if end == len(block) or not _plain(block[end]):
                share.run(start, end)
                start = end + 1
        changed |= share.apply()
    return changed


def _plain(stmt):
    """A pure assignment to names: it changes nothing but the names it assigns."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and pure(stmt.value)):
        return False
    target = stmt.targets[0]
    parts = target.elts if isinstance(target, (gast.Tuple, gast.List)) else [target]
    return all(isinstance(p, gast.Name) for p in parts)


def _read_positions(fdef):
    """(names every read of which is an operand of arithmetic, names every read of which
    is that or a part of the function's return value)."""
    loaded, not_operand, not_returned = set(), set(), set()

    def visit(n, parent, returned):  # returned: n is (a part of) a returned value
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            loaded.add(n.id)
            if not isinstance(parent, OPERAND_PARENTS):
                not_operand.add(n.id)
                if not returned:
                    not_returned.add(n.id)
        for child in gast.iter_child_nodes(n):
            visit(child, n, isinstance(n, gast.Return) or returned and isinstance(n, gast.Tuple))

    for stmt in fdef.body:
        visit(stmt, None, False)
    return loaded - not_operand, loaded - not_returned


class _Sharing:
    """The uses of repeated expressions in one block, and what sharing them changes."""

    def __init__(self, block, facts, namer, operand_only, kept_whole):
        self.block, self.facts, self.namer = block, facts, namer
        self.operand_only, self.kept_whole = operand_only, kept_whole
        self.loads = {}  # name -> [(index of the block's statement, Name node)] of its loads
        for i, stmt in enumerate(block):
            for n in gast.walk(stmt):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                    self.loads.setdefault(n.id, []).append((i, n))
        self.inserts = {}  # statement index -> new assignments before it
        self.removed = set()  # indices of assignments whose readers now read another name
        self.changed = False

    def run(self, start, end):
        """Share the repeated expressions of the run ``block[start:end]``."""
        version = {}  # name -> how often the run has assigned it so far
        groups = {}  # (expression, versions of its operands) -> its uses [(index, parent, field, position, node)]
        for k in range(start, end):
            stmt = self.block[k]
            whole = [(stmt, "value", None, stmt.value)] if isinstance(stmt.targets[0], gast.Name) else []
            for parent, field, index, node in whole + list(_operands(stmt.value)):
                if isinstance(node, gast.BinOp) and arithmetic_of(node, SHARED_OPS) and _reads_a_name(node):
                    operands = sorted({n.id for n in gast.walk(node) if isinstance(n, gast.Name)})
                    key = (gast.dump(node), tuple((n, version.get(n, 0)) for n in operands))
                    groups.setdefault(key, []).append((k, parent, field, index, node))
            for n in gast.walk(stmt.targets[0]):
                if isinstance(n, gast.Name):
                    version[n.id] = version.get(n.id, 0) + 1
        gone = set()  # ids of the nodes inside a use already replaced
        repeated = [uses for uses in groups.values() if len(uses) > 1]
        for uses in sorted(repeated, key=lambda uses: -_size(uses[0][4])):
            uses = [u for u in uses if id(u[4]) not in gone]
            first = next((u for u in uses if self._operand(u) or self._keeps(u)), None)
            rest = [u for u in uses[uses.index(first) + 1:] if self._operand(u) or self._goes(u)] if first else []
            if not rest:
                continue
            if self._keeps(first):
                name = self.block[first[0]].targets[0].id
            else:
                name = self._new_name(first)
                rest.insert(0, first)
            for use in rest:
                gone.update(id(n) for n in gast.walk(use[4]))
                self._read(use, name)

    def _operand(self, use):
        return use[1] is not self.block[use[0]]

    def _keeps(self, use):
        """Whether the use is ``t = e`` where ``t`` can hold ``e`` for the other uses."""
        if self._operand(use):
            return False
        t = self.block[use[0]].targets[0].id
        return self.facts.stores.get(t) == 1 and t in self.kept_whole

    def _goes(self, use):
        """Whether the use is ``t = e`` whose readers can read another name holding ``e``."""
        if self._operand(use):
            return False
        t = self.block[use[0]].targets[0].id
        later = sum(1 for j, _ in self.loads.get(t, ()) if j > use[0])
        return self.facts.stores.get(t) == 1 and t in self.operand_only and later == self.facts.loads.get(t, 0)

    def _new_name(self, first):
        """A new assignment of ``first``'s expression, before its statement; its name."""
        k, _, _, _, node = first
        stmt = self.block[k]
        name = self.namer.fresh(_describe(node))
        temp = gast.Assign(targets=[_name(name, gast.Store())], value=node, type_comment=None)
        temp.s2s_line = getattr(stmt, "s2s_line", None)
        temp.s2s_text = getattr(stmt, "s2s_text", None)
        self.inserts.setdefault(k, []).append(temp)
        return name

    def _read(self, use, name):
        """The use reads ``name`` instead of computing the expression."""
        k, parent, field, index, _ = use
        self.changed = True
        if not self._operand(use):
            t = self.block[k].targets[0].id
            for _, n in self.loads.pop(t, ()):
                n.id = name
            self.removed.add(k)
        elif index is None:
            setattr(parent, field, _name(name, gast.Load()))
        else:
            getattr(parent, field)[index] = _name(name, gast.Load())

    def apply(self):
        """Put the new assignments in and take the replaced ones out; whether anything changed."""
        out = []
        for k, stmt in enumerate(self.block):
            out.extend(self.inserts.get(k, ()))
            if k not in self.removed:
                out.append(stmt)
        self.block[:] = out
        return self.changed


def _operands(node):
    """``(parent, field, position in the field's list or None, child)`` for every operand
    of arithmetic in ``node`` that is evaluated whenever ``node`` is."""
    if isinstance(node, CONDITIONAL):
        return
    for field, child in gast.iter_fields(node):
        for index, item in enumerate(child) if isinstance(child, list) else [(None, child)]:
            if not isinstance(item, gast.AST):
                continue
            if isinstance(node, OPERAND_PARENTS):
                yield node, field, index, item
            yield from _operands(item)


def _reads_a_name(node):
    return any(isinstance(n, gast.Name) for n in gast.walk(node))


def _size(node):
    return sum(1 for _ in gast.walk(node))


def _name(name, ctx):
    return gast.Name(id=name, ctx=ctx, annotation=None, type_comment=None)


def _describe(node):
    """A name for what ``node`` computes: ``dplus_times_2`` for ``2 * dplus``."""
    def word(n):
        if isinstance(n, gast.Name):
            return n.id
        return str(n.value) if const(n) and isinstance(n.value, int) and n.value >= 0 else ""

    op = OPERATOR_WORDS[type(node.op).__name__]
    left, right = word(node.left), word(node.right)
    if left[:1].isdigit() and not isinstance(node.op, gast.Sub):
        left, right = right, left  # 2 * dplus reads as dplus_times_2
    return short(left, op, right, fallback=op)
