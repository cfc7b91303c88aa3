"""Writes in place where no one can tell: accumulations and item writes.

Takes a generated function and rewrites, in place, statements that make a new
array from an *owned* one into writes into it; the same values are computed,
and an allocation and a pass over the array (or, in a loop that fills an
array one entry at a time, the quadratic cost of a copy per entry) go.

A name is owned where it holds an array (or a number) that the function made
(arithmetic, ``zeros_like``, ``unindex``, ``np.zeros``, ``updated``, ``[]``, ``appended``, ...) and
no other name, container or call can hold a reference to it: its reads so
far were operands of arithmetic, entries read as numbers (a subscript
marked ``s2s_basic`` by the reverse sweep: one entry of an array whose
dimensions are known), the shape argument of ``unindex``, or, outside loops
(where the aliasing check of a second transform could not tell), a *move*
``a = b`` after which ``b`` is never read again (:func:`dead_after`).
A function may name, in ``s2s_fresh_calls``, functions whose results are owned by the
caller (the backward sweeps of a compiled recursion whose returned adjoints
:func:`returns_owned` found owned: :func:`s2s.transform.fresh_recursion`); what
they return is owned and may be added into, and stays so through a move.
Transformed again (higher order), the in-place forms read as the functional
updates they compute, so an outer derivative is unaffected.  Not in a
backward sweep marked ``s2s_complex``: there a complex contribution may come
to a real adjoint, which numpy does not add in place.
"""

import copy

import gast

from .expressions import SAFE_PARENTS, is_call
from .facts import names

# calls whose result is a new array (or an immutable number) that no other name holds
FRESH_CALLS = {"zeros_like", "unindex", "unattribute", "unattributes", "matmul_dx", "matmul_dy", "updated", "zeroed", "appended", "copy_of"}
# numpy functions whose result is a new array
FRESH_NUMPY = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "array", "copy"}


def write_in_place(fdef, facts):
    """Accumulations and item writes into owned names, in place::

        d = g * 2.0                                       d = g * 2.0
        d = d + unindex(g, x, (slice(1, 3, None), 2))     d[1:3, 2] += g
        d = d + -h                                  ->    d -= h
        y = np.zeros(n)                                   y = np.zeros(n)
        y_2 = updated(y, 0, v)                            y[0] = v
        e = zeroed(d, 1)                                  y_2 = y
                                                          d[1] = 0
                                                          e = d

    ``d = d + e`` becomes ``d += e`` (``d -= e`` where ``e`` is a negation),
    ``d = d + extremum_adjoint(g, m, a, axis, keepdims)`` (not compiled) becomes
    ``d = extremum_added(d, g, m, a, axis, keepdims)`` (``g`` added where the extrema are), and
    ``d = d + unindex(g, like, index)`` becomes ``d[index] += g`` where the index
    is basic indexing of an array: constants, or a call the reverse sweep marked
    ``s2s_basic`` (integers and slices, into an array whose dimensions it knows).
    ``t = updated(y, index, v)`` becomes ``y[index] = v`` (then ``t = y``),
    ``t = appended(y, v)`` of a list the function made ``y.append(v)``, and
    ``t = zeroed(g, index)`` marked ``s2s_basic`` (an array's adjoint) becomes
    ``g[index] = 0`` (then ``t = g``), where ``y``, ``g`` is owned and, unless it
    is ``t``, never read again.
    """
    if getattr(fdef, "s2s_complex", False):
        return False
    rewritten = []
    _walk(fdef.body, Owned(), [], rewritten, getattr(fdef, "s2s_fresh_calls", frozenset()), None, getattr(fdef, "s2s_compiled", False))
    return bool(rewritten)


def returns_owned(fdef):
    """Whether every name ``fdef`` returns is owned where it returns it (its calls of
    ``s2s_fresh_calls`` taken to return owned values).  Reads ``fdef``, changes nothing."""
    if getattr(fdef, "s2s_complex", False):
        return False
    returns = []
    _walk(copy.deepcopy(fdef).body, Owned(), [], [], getattr(fdef, "s2s_fresh_calls", frozenset()), returns)
    for value, owned in returns:
        elts = value.elts if isinstance(value, gast.Tuple) else [value]
        if not all(isinstance(e, gast.Name) and e.id in owned for e in elts):
            return False
        if len({e.id for e in elts}) != len(elts):
            return False
    return bool(returns)


def _summed(value):
    """Whether a fresh ``value`` may be added into in place (see :class:`Owned`)."""
    if is_call(value, "unbroadcast"):
        return _summed(value.args[0])
    return isinstance(value, (gast.BinOp, gast.UnaryOp)) or is_call(value, "zeros_like") or any(
        is_call(value, f) for f in ("unindex", "unattribute", "unattributes", "matmul_dx", "matmul_dy", "zeroed"))


def fresh(value):
    """Whether ``value`` makes a new array (or list) that no other name holds."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)) or isinstance(value, gast.List) and not value.elts:
        return True
    if is_call(value, "unbroadcast") and len(value.args) == 2 and not value.keywords:
        return fresh(value.args[0])  # the array itself, a reduction of it, or a new broadcast copy
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and isinstance(value.func.value, gast.Name):
        return value.func.value.id == "np" and value.func.attr in FRESH_NUMPY and not any(k.arg == "copy" for k in value.keywords)
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id in FRESH_CALLS


def _aliasing_reads(node):
    """Names read in ``node`` other than as an operand of arithmetic or a comparison,
    an entry read as a number, the shape argument of ``unindex``, the array
    ``updated`` and ``zeroed`` copy or the array ``g.sum(axis=0)`` reduces."""
    out = set()

    def visit(n, parent):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and not isinstance(parent, SAFE_PARENTS):
            out.add(n.id)
        for child in gast.iter_child_nodes(n):
            if is_call(n, "unindex") and len(n.args) == 3 and child is n.args[1]:
                continue  # read for its shape
            if (is_call(n, "updated") or is_call(n, "zeroed") or is_call(n, "appended")) and n.args and child is n.args[0]:
                continue  # copied
            if isinstance(n, gast.Subscript) and getattr(n, "s2s_basic", False) and child is n.value:
                continue  # an entry: a number, not a view
            if isinstance(n, gast.Attribute) and isinstance(parent, gast.Call) and getattr(parent, "s2s_pure", False) and child is n.value:
                continue  # the array a method the transformer wrote reduces (g.sum(axis=0)): a new array
            visit(child, n)

    visit(node, None)
    return out


def _move(stmt, body, k, frames):
    """``b`` for a copy ``a = b`` after which ``b`` is never read again, else None."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name):
        source = stmt.value.id
        if source != stmt.targets[0].id and dead_after(source, body, k, frames):
            return source
    return None


def _carried_owned(loop, owned, changed, body, k, frames, fresh_calls, compiled):
    """``(kept, copied)``: the names that ``loop`` assigns (``changed``) which are owned at the
    start of every iteration (name -> summed).  ``kept``: those owned before the loop and
    owned again at the end of each iteration: by induction on the iterations they are
    owned at the start of each, and after the loop.  ``copied``: names the loop carries
    (reads before assigning) that are not owned before it but would be so, and written
    in place: owned after one copy before the loop (``y_2 = updated(y, i, v)`` in a branch,
    ``y = y_2`` at the end: written in place, not a copy per iteration).  Found by walking
    copies of the loop with the assumption, dropping the names it fails for."""
    head = loop.test if isinstance(loop, gast.While) else loop.iter
    excluded = _aliasing_reads(head) | (set(names(loop.target, gast.Store)) if isinstance(loop, gast.For) else set())

    def trial(assumed):
        """The assumed names owned at the end of an iteration, and the rewrites the walk made."""
        copied = copy.deepcopy(loop)
        around = body[:k] + [copied] + body[k + 1:]  # what follows the loop, read by dead_after
        start = owned.copy()
        start.drop(changed | excluded)
        for n, summed in assumed.items():
            start.add(n, summed)
        rewrites = []
        end = _walk(copied.body, start, [(around, k)] + frames, rewrites, fresh_calls, None, compiled)
        return {n: summed and n in end.summed for n, summed in assumed.items() if n in end.names}, len(rewrites)

    assigned = {n for stmt in loop.body for n in names(stmt, gast.Store)} - excluded
    kept = {n: n in owned.summed for n in owned.names & changed & assigned}
    written = _written_each_iteration(loop.body)  # copied by the caller already
    writes = any(is_call(n, f) for n in gast.walk(loop) for f in ("updated", "zeroed"))
    candidates = [n for n in sorted(changed & assigned - owned.names - set(written)) if writes and _scan(loop.body, n) == "read"]
    if not kept and not candidates:  # (a name assigned before it is read is not carried)
        return {}, {}
    while True:
        holds, rewrites = trial(kept)
        if holds == kept:
            break
        kept = holds
    copies = {}
    for n in candidates:
        holds, more = trial({**kept, **copies, n: False})
        if holds == {**kept, **copies, n: False} and more > rewrites:
            copies[n] = False
            rewrites = more
    return kept, copies


def _loop_facts(body):
    """(names with an aliasing read, names assigned something not fresh) anywhere in the loop ``body``."""
    aliased, stale = set(), set()
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                a, s = _loop_facts(getattr(stmt, field))
                aliased |= a
                stale |= s
            head = stmt.test if isinstance(stmt, (gast.If, gast.While)) else stmt.iter
            aliased |= _aliasing_reads(head)
            if isinstance(stmt, gast.For):
                stale |= set(names(stmt.target, gast.Store))
        elif isinstance(stmt, gast.Assign):
            aliased |= _aliasing_reads(stmt.value)  # a copy too: its source may be written next iteration
            target = stmt.targets[0]
            for t in names(target, gast.Store):
                if not (isinstance(target, gast.Name) and fresh(stmt.value)):
                    stale.add(t)
        elif isinstance(stmt, (gast.Expr, gast.Return, gast.AugAssign)) and stmt.value is not None:
            aliased |= _aliasing_reads(stmt.value)
    return aliased, stale


def dead_after(name, body, k, frames):
    """Whether ``name`` is never read after ``body[k]`` runs before it is assigned anew.

    ``frames`` lists the statements around ``body``, innermost first, as
    ``(block, position)``: after the end of a loop's body its next iteration
    runs it from the start, and the loop's test; after a block, what follows
    the statement holding it.  An ``if`` assigns anew where both its branches do."""
    state = _scan(body[k + 1:], name)
    if state:
        return state == "killed"
    for block, j in frames:
        stmt = block[j]
        if isinstance(stmt, (gast.For, gast.While)):
            if isinstance(stmt, gast.While) and name in names(stmt.test, gast.Load):
                return False
            if _scan(stmt.body, name) == "read":
                return False
        state = _scan(block[j + 1:], name)
        if state:
            return state == "killed"
    return True


def _scan(stmts, name):
    """``"read"`` if ``stmts`` read ``name`` before assigning it, ``"killed"`` if they
    assign it first (at their own level), else None."""
    for stmt in stmts:
        if isinstance(stmt, gast.If) and name not in names(stmt.test, gast.Load):
            branches = (_scan(stmt.body, name), _scan(stmt.orelse, name))
            if "read" in branches:
                return "read"
            if branches == ("killed", "killed"):  # both branches assign it first
                return "killed"
            continue
        if name in names(stmt, gast.Load):
            if not (isinstance(stmt, gast.Assign) and _kills(stmt, name) and name not in names(stmt.value, gast.Load)):
                return "read"
        if isinstance(stmt, gast.Assign) and _kills(stmt, name):
            return "killed"
    return None


def _kills(stmt, name):
    return isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name


def _basic_index(node):
    """``(slice(1, -1), 2)`` as the subscript ``1:-1, 2``; None unless every
    part is a constant integer or a slice of constants, and there are several
    (a single index could address a list, whose adjoint is a tuple)."""
    if not (isinstance(node, gast.Tuple) and len(node.elts) >= 2):
        return None
    for elt in node.elts:
        constant = isinstance(elt, gast.Constant) and type(elt.value) is int
        if not constant and not (is_call(elt, "slice") and not elt.keywords and len(elt.args) == 3 and all(
            isinstance(a, gast.Constant) and (a.value is None or type(a.value) is int) for a in elt.args
        )):
            return None
    return _subscript(node)


def _subscript(index):
    """An index expression as a subscript: ``slice(1, n, None)`` as ``1:n``."""
    def part(p):
        if is_call(p, "slice"):
            lower, upper, step = (None if isinstance(a, gast.Constant) and a.value is None else a for a in p.args)
            return gast.Slice(lower=lower, upper=upper, step=step)
        return p

    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[part(p) for p in index.elts], ctx=gast.Load())
    return part(index)


def _load(n):
    return gast.Name(id=n, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(n):
    return gast.Name(id=n, ctx=gast.Store(), annotation=None, type_comment=None)


def _like(new, stmt):
    new.s2s_line = getattr(stmt, "s2s_line", None)
    new.s2s_text = getattr(stmt, "s2s_text", None)
    return new


def _accumulation(stmt, owned, compiled=False):
    """``d += e`` or ``d[index] += g`` for an accumulation ``d = d + e`` into owned ``d``, else None.
    In compiled code, ``d = d + unindex(g, x, index)`` whose index is not known basic becomes
    ``add_at(d, index, g)``, which numba compiles for integers and slices only (as ``unindex``)."""
    target, value = stmt.targets[0], stmt.value
    if not (
        isinstance(target, gast.Name) and target.id in owned
        and isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)
        and isinstance(value.left, gast.Name) and value.left.id == target.id
        and target.id not in _aliasing_reads(value.right)
    ):
        return None
    right = value.right
    if not compiled and is_call(right, "extremum_adjoint") and len(right.args) == 5 and not right.keywords:
        added = gast.Call(func=_load("extremum_added"), args=[_load(target.id)] + right.args, keywords=[])
        return [_like(gast.Assign(targets=[_store(target.id)], value=added, type_comment=None), stmt)]
    index = None
    if is_call(right, "unindex") and len(right.args) == 3:
        index = _subscript(right.args[2]) if getattr(right, "s2s_basic", False) else _basic_index(right.args[2])
    if index is None and compiled and is_call(right, "unindex") and len(right.args) == 3:
        add = gast.Call(func=_load("add_at"), args=[_load(target.id), right.args[2], right.args[0]], keywords=[])
        return [_like(gast.Expr(value=add), stmt)]
    if index is not None:
        target = gast.Subscript(value=_load(target.id), slice=index, ctx=gast.Store())
        right = right.args[0]
    op = gast.Add()
    if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
        op, right = gast.Sub(), right.operand
    return [_like(gast.AugAssign(target=target, op=op, value=right), stmt)]


def _extremum_move(stmt, owned, body, k, frames):
    """``t = d + extremum_adjoint(g, m, a, axis, keepdims)`` where ``d`` is owned and never read
    again (outside loops): rewritten, in place, to ``t = extremum_added(d, g, ...)``; whether it was."""
    target, value = stmt.targets[0], stmt.value
    if not (isinstance(target, gast.Name) and isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)
            and isinstance(value.left, gast.Name) and value.left.id in owned.summed and value.left.id != target.id
            and is_call(value.right, "extremum_adjoint") and len(value.right.args) == 5 and not value.right.keywords
            and value.left.id not in _aliasing_reads(value.right) and dead_after(value.left.id, body, k, frames)):
        return False
    stmt.value = gast.Call(func=_load("extremum_added"), args=[value.left] + value.right.args, keywords=[])
    return True


def _item_write(stmt, owned, body, k, frames):
    """``y[index] = v`` (then ``t = y``) for ``t = updated(y, index, v)``, and ``g[index] = 0``
    (then ``t = g``) for a marked ``t = zeroed(g, index)``, into owned ``y``, ``g`` that
    only ``t`` reads afterwards; else None."""
    target, value = stmt.targets[0], stmt.value
    if not isinstance(target, gast.Name):
        return None
    if is_call(value, "appended") and len(value.args) == 2:
        array, index, item = value.args[0], None, value.args[1]
    elif is_call(value, "updated") and len(value.args) == 3:
        array, index, item = value.args
    elif is_call(value, "zeroed") and len(value.args) == 2 and getattr(value, "s2s_basic", False):
        (array, index), item = value.args, gast.Constant(value=0, kind=None)
    else:
        return None
    if not (isinstance(array, gast.Name) and array.id in owned):
        return None
    if array.id in (_aliasing_reads(index) if index is not None else set()) | _aliasing_reads(item):
        return None
    if array.id != target.id and not dead_after(array.id, body, k, frames):
        return None
    if index is None:  # appended: a list that only this name holds
        append = gast.Call(func=gast.Attribute(value=_load(array.id), attr="append", ctx=gast.Load()), args=[item], keywords=[])
        out = [_like(gast.Expr(value=append), stmt)]
    else:
        out = [_like(gast.Assign(targets=[gast.Subscript(value=_load(array.id), slice=_subscript(index), ctx=gast.Store())], value=item, type_comment=None), stmt)]
    if array.id != target.id:
        out.append(_like(gast.Assign(targets=[_store(target.id)], value=_load(array.id), type_comment=None), stmt))
    return out


def _written_each_iteration(body):
    """Names a loop's body writes an item of, ``y = updated(y, i, v)`` or a marked
    ``g = zeroed(g, i)``, at its own level: name -> whether it is an adjoint (zeroed)."""
    out = {}
    for stmt in body:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            value = stmt.value
            if (is_call(value, "updated") or is_call(value, "appended") or is_call(value, "zeroed") and getattr(value, "s2s_basic", False)) and (
                isinstance(value.args[0], gast.Name) and value.args[0].id == stmt.targets[0].id
            ):
                out[stmt.targets[0].id] = out.get(stmt.targets[0].id, True) and is_call(value, "zeroed")
    return out


class Owned:
    """The owned names at a point, and among them ``summed``: those an accumulation may add
    into in place.  Those hold what arithmetic or an adjoint helper made (not
    ``np.zeros``, a copy or a move): an adjoint, whose contributions have its shape, dtype
    and library, where a primal ``acc = acc + e`` may broadcast to a larger shape, turn
    complex or move to another array library."""

    def __init__(self, names=(), summed=(), results=()):
        self.names, self.summed = set(names), set(summed)
        self.results = set(results)  # summed names holding a fresh call's result: summed after a move too

    def copy(self):
        return Owned(self.names, self.summed, self.results)

    def __contains__(self, name):
        return name in self.names

    def add(self, name, summed):
        self.names.add(name)
        if summed:
            self.summed.add(name)

    def drop(self, names):
        self.names -= set(names)
        self.summed -= set(names)
        self.results -= set(names)

    def meet(self, other):
        return Owned(self.names & other.names, self.summed & other.summed, self.results & other.results)


def _walk(body, owned, frames, rewritten, fresh_calls=frozenset(), returns=None, compiled=False):
    """Rewrite the statements of ``body`` that write into owned names (each appended to
    ``rewritten``); returns the names owned after it.  ``fresh_calls``: functions whose
    results are owned; ``returns``: where to record ``(returned value, owned names)``;
    ``compiled``: numba compiles the code (see :func:`_accumulation`)."""
    owned = owned.copy()
    k = 0
    while k < len(body):
        stmt = body[k]
        inner = [(body, k)] + frames
        if isinstance(stmt, gast.If):
            owned.drop(_aliasing_reads(stmt.test))
            owned = _walk(stmt.body, owned, inner, rewritten, fresh_calls, returns, compiled).meet(
                _walk(stmt.orelse, owned, inner, rewritten, fresh_calls, returns, compiled))
        elif isinstance(stmt, (gast.For, gast.While)):
            aliased, stale = _loop_facts(stmt.body)
            head = stmt.test if isinstance(stmt, gast.While) else stmt.iter
            kept, copies = _carried_owned(stmt, owned, aliased | stale, body, k, frames, fresh_calls, compiled)
            owned.drop(aliased | stale | _aliasing_reads(head))
            if isinstance(stmt, gast.For):
                owned.drop(names(stmt.target, gast.Store))
            for n, summed in kept.items():
                owned.add(n, summed)
            written = _written_each_iteration(stmt.body)
            copies.update({n: written[n] for n in set(written) - owned.names - aliased - stale - _aliasing_reads(head)})
            for n in sorted(copies):
                # owned from the second iteration on: one copy before the loop, instead of one per iteration
                copied = _like(gast.Assign(targets=[_store(n)], value=gast.Call(
                    func=gast.Attribute(value=_load(n), attr="copy", ctx=gast.Load()), args=[], keywords=[]), type_comment=None), stmt)
                body.insert(k, copied)
                rewritten.append(copied)
                owned.add(n, copies[n])  # an adjoint (zeroed) may be added into, a primal array not
                k += 1
                inner = [(body, k)] + frames
            _walk(stmt.body, owned, inner, rewritten, fresh_calls, returns, compiled)
        elif isinstance(stmt, gast.Assign) and not compiled and not frames and _extremum_move(stmt, owned, body, k, frames):
            moved = stmt.value.args[0].id  # t = extremum_added(d, ...): d's array is t's now
            owned.drop([moved])
            owned.add(stmt.targets[0].id, True)
            rewritten.append(stmt)
        elif isinstance(stmt, gast.Assign):
            new = _accumulation(stmt, owned.summed, compiled) or _item_write(stmt, owned, body, k, frames)
            if new:
                body[k:k + 1] = new
                rewritten.extend(new)
                if len(new) == 2:  # t = y: y moves to t
                    source = new[1].value.id
                    summed = source in owned.summed
                    owned.drop([source])
                    owned.add(new[1].targets[0].id, summed)
                k += len(new)
                continue
            target = stmt.targets[0]
            moved = _move(stmt, body, k, frames) if isinstance(stmt.value, gast.Name) and stmt.value.id in owned else None
            if moved is None:
                owned.drop(_aliasing_reads(stmt.value))
            owned.drop(names(target, gast.Store))
            if moved is not None:
                result = moved in owned.results
                owned.drop([moved])
                owned.add(target.id, result)
                if result:
                    owned.results.add(target.id)
            elif isinstance(target, gast.Name) and fresh(stmt.value):
                owned.add(target.id, _summed(stmt.value))
            elif isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Name) and stmt.value.func.id in fresh_calls:
                for t in target.elts if isinstance(target, gast.Tuple) else [target]:
                    if isinstance(t, gast.Name):
                        owned.add(t.id, True)
                        owned.results.add(t.id)
        elif isinstance(stmt, gast.Expr) and is_call(stmt.value, "add_at") and len(stmt.value.args) == 3:
            owned.drop(n for a in stmt.value.args[1:] for n in _aliasing_reads(a))  # writes into its first, keeps none
        elif isinstance(stmt, gast.Return) and returns is not None and stmt.value is not None:
            returns.append((stmt.value, owned.copy()))
            owned.drop(_aliasing_reads(stmt.value))
        elif isinstance(stmt, (gast.Expr, gast.Return, gast.AugAssign)) and stmt.value is not None:
            owned.drop(_aliasing_reads(stmt.value))
        k += 1
    return owned
