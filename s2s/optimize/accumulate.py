"""Rewrites of accumulations ``d = d + e``: fewer statements (done in place by :mod:`.inplace`).

Takes a generated function and merges its adjoint accumulations, in place;
the same additions run on the same values (see the package docstring for the
calling convention).
"""

import keyword

import gast

from .expressions import is_call, pure, removable
from .facts import blocks, names



def merge_accumulations(fdef, facts):
    """``d = a`` followed, for the same source line, by ``d = d + b`` (or ``- b``)
    becomes ``d = a + b``::

        dx = g * y                    ->    dx = g * y + g * 2.0
        dx = dx + g * 2.0

    The same one addition of the same two values, so the result is exact,
    and a statement (and for arrays a pass) goes.  ``a`` must be pure and not
    read ``d`` (``d = d + e; d = d + b`` stays: an accumulation that becomes
    in place), the statements between pure assignments to names that neither
    ``a`` reads nor are ``d``; ``b`` must not read ``d``, nor be an
    ``unindex`` (that becomes an in-place update of a part).
    """
    changed = False
    for block in blocks(fdef.body):
        first = {}  # d -> index of ``d = a`` still open for merging
        for j, stmt in enumerate(block):
            target = stmt.targets[0].id if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
            value = getattr(stmt, "value", None)
            i = first.get(target)
            if (
                i is not None
                and isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))
                and isinstance(value.left, gast.Name) and value.left.id == target
                and target not in names(value.right, gast.Load)
                and not is_call(value.right, "unindex")
                and getattr(block[i], "s2s_line", None) == getattr(stmt, "s2s_line", None)
            ):
                between = [s for s in block[i + 1:j] if s is not None]
                reads = set(names(block[i].value, gast.Load))
                if all(removable(s) and not reads & set(names(s.targets[0], gast.Store)) for s in between):
                    value.left = block[i].value
                    block[i] = None
                    changed = True
            for name_ in list(first):  # what this statement touches is closed for merging
                if name_ == target or name_ in names(stmt, gast.Load) or not removable(stmt):
                    first.pop(name_)
            if target is not None and pure(value) and target not in names(value, gast.Load):
                first[target] = j  # a new value of d, not an accumulation into it
        block[:] = [s for s in block if s is not None]
    return changed


def gather_fields(fdef, facts):
    """The adjoints of reads of several fields of one record, added one by one, built at once::

        p_bar = unattribute(a_bar, p, 'a')          ->    (b_bar = ...)
        b_bar = ...                                       p_bar = unattributes(p, a=a_bar, b=b_bar)
        p_bar = p_bar + unattribute(b_bar, p, 'b')

    The same adjoint (a ``GradDict``, or a ``SparseTuple`` for a NamedTuple) without the
    intermediate ones and their additions; a field read twice gets the sum of its adjoints,
    added in the same order.  A run of such statements in one block, for one ``p``, gathers
    into its last; the statements between are pure assignments to names other than the run's
    adjoint and ``p``, which no gathered expression reads, so each expression has the value
    it had where it stood.
    """
    changed = False
    for block in blocks(fdef.body):
        runs = {}  # d -> the _Run open for d
        done = []
        for j, stmt in enumerate(block):
            read = _field_adjoint(stmt)
            member = None
            if read is not None:
                target, like, field, grad, adds = read
                if not adds or target in runs and runs[target].like == like:
                    member = target
            stores, loads = set(names(stmt, gast.Store)), set(names(stmt, gast.Load))
            for target in list(runs):  # the runs this statement ends
                run = runs[target]
                if target != member and (not removable(stmt) or target in stores or target in loads or run.like in stores or stores & run.reads):
                    done.append(runs.pop(target))
            if member is not None:
                if not adds and member in runs:
                    done.append(runs.pop(member))
                runs.setdefault(member, _Run(like)).add(field, grad, j)
        done.extend(runs.values())
        for run in done:
            if len(run.statements) < 2:
                continue
            last = block[run.statements[-1]]
            call = gast.Call(func=gast.Name(id="unattributes", ctx=gast.Load(), annotation=None, type_comment=None),
                             args=[gast.Name(id=run.like, ctx=gast.Load(), annotation=None, type_comment=None)],
                             keywords=[gast.keyword(arg=field, value=grad) for field, grad in run.grads.items()])
            last.value = gast.copy_location(call, last.value)
            for index in run.statements[:-1]:
                block[index] = None
            changed = True
        block[:] = [s for s in block if s is not None]
    return changed


class _Run:
    """Statements adding field adjoints of the record ``like`` into one name, to gather."""

    def __init__(self, like):
        self.like = like
        self.grads = {}  # field -> its adjoint, in the order of the first reads
        self.statements = []  # their indices in the block
        self.reads = set()  # the names the adjoints read

    def add(self, field, grad, index):
        self.grads[field] = grad if field not in self.grads else gast.BinOp(left=self.grads[field], op=gast.Add(), right=grad)
        self.statements.append(index)
        self.reads |= set(names(grad, gast.Load))


def _field_adjoint(stmt):
    """``(d, p, field, e, adds)`` for ``d = unattribute(e, p, 'field')`` (``adds`` False) or
    ``d = d + unattribute(e, p, 'field')`` (True) with ``e`` pure and not reading ``d``, else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    target, value = stmt.targets[0].id, stmt.value
    adds = isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add) and isinstance(value.left, gast.Name) and value.left.id == target
    call = value.right if adds else value
    if not (is_call(call, "unattribute") and len(call.args) == 3 and not call.keywords):
        return None
    grad, like, field = call.args
    if not (isinstance(like, gast.Name) and like.id != target and isinstance(field, gast.Constant) and isinstance(field.value, str)
            and field.value.isidentifier() and not keyword.iskeyword(field.value) and pure(grad) and target not in names(grad, gast.Load)):
        return None
    return target, like.id, field.value, grad, adds
