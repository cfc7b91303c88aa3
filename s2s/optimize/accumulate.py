"""Rewrites of accumulations ``d = d + e``: fewer statements, and in place where no one can tell.

Takes a generated function and rewrites its adjoint accumulations in place;
the same additions run on the same values (see the package docstring for the
calling convention).
"""

import gast

from .expressions import SAFE_PARENTS, is_call, pure, removable
from .facts import blocks, names

# calls whose result is a new array (or an immutable number) that no other name holds
FRESH_CALLS = {"zeros_like", "unindex", "matmul_dx", "matmul_dy"}


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


def accumulate_in_place(fdef, facts):
    """Accumulation in place: ``d = d + e`` becomes ``d += e`` (``d -= e`` where ``e`` is
    a negation), and ``d = d + unindex(g, like, (slice(1, -1), 2))`` becomes
    ``d[1:-1, 2] += g`` (an index of several constant parts: basic indexing, on an
    array)::

        d = g * 2.0
        d = d + unindex(g, x, (slice(1, 3, None), 2))
        d = d + -h

    becomes::

        d = g * 2.0
        d[1:3, 2] += g
        d -= h

    where ``d`` is *owned*: it holds an array that the function made (an
    arithmetic result, ``zeros_like``, ``unindex``, ``matmul_dx``/``matmul_dy``,
    ``unbroadcast`` of a new array) and no other name, container or call can
    hold a reference to it (its only reads are as operands of arithmetic).
    Adding in place then changes nothing any other name sees, and saves an
    allocation and a pass over the array.  Transformed again (higher order),
    ``+=`` reads as the functional update it computes, so the outer
    derivative is unaffected.  Not in a backward sweep marked ``s2s_complex``: there a
    complex contribution may come to a real adjoint, which numpy does not add in place.
    """
    if getattr(fdef, "s2s_complex", False):
        return False
    rewritten = []
    _accumulate(fdef.body, set(), rewritten)
    return bool(rewritten)


def _fresh(value):
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if is_call(value, "unbroadcast") and len(value.args) == 2 and not value.keywords:
        return _fresh(value.args[0])  # the array itself, a reduction of it, or a new broadcast copy
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id in FRESH_CALLS


def _aliasing_reads(node):
    """Names read in ``node`` other than as an operand of arithmetic or a comparison."""
    out = set()

    def visit(n, parent):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and not isinstance(parent, SAFE_PARENTS):
            out.add(n.id)
        for child in gast.iter_child_nodes(n):
            visit(child, n)

    visit(node, None)
    return out


def _block_facts(body):
    """(names with an aliasing read, names assigned something not fresh) anywhere in ``body``."""
    aliased, stale = set(), set()
    for stmt in body:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Assign):
                aliased |= _aliasing_reads(n.value)
                for t in names(n.targets[0], gast.Store):
                    if not (isinstance(n.targets[0], gast.Name) and _fresh(n.value)):
                        stale.add(t)
            elif isinstance(n, (gast.Expr, gast.Return)) and n.value is not None:
                aliased |= _aliasing_reads(n.value)
            elif isinstance(n, gast.For):
                stale |= set(names(n.target, gast.Store))
                aliased |= _aliasing_reads(n.iter)
    return aliased, stale


def _basic_index(node):
    """``(slice(1, -1), 2)`` as the subscript ``1:-1, 2``; None unless every
    part is a constant integer or a slice of constants, and there are several
    (a single index could address a list, whose adjoint is a tuple)."""
    if not (isinstance(node, gast.Tuple) and len(node.elts) >= 2):
        return None
    parts = []
    for elt in node.elts:
        if isinstance(elt, gast.Constant) and type(elt.value) is int:
            parts.append(elt)
        elif is_call(elt, "slice") and not elt.keywords and all(
            isinstance(a, gast.Constant) and (a.value is None or type(a.value) is int) for a in elt.args
        ) and len(elt.args) == 3:
            lower, upper, step = (None if a.value is None else a for a in elt.args)
            parts.append(gast.Slice(lower=lower, upper=upper, step=step))
        else:
            return None
    return gast.Tuple(elts=parts, ctx=gast.Load())


def _accumulate(body, owned, rewritten):
    """Rewrite the accumulations into owned names of ``body`` (each appended to
    ``rewritten``); returns the names owned after it."""
    owned = set(owned)
    for k, stmt in enumerate(body):
        if isinstance(stmt, gast.If):
            a = _accumulate(stmt.body, owned, rewritten)
            b = _accumulate(stmt.orelse, owned, rewritten)
            owned = a & b
            continue
        if isinstance(stmt, (gast.For, gast.While)):
            aliased, stale = _block_facts(stmt.body)
            if isinstance(stmt, gast.For):
                stale |= set(names(stmt.target, gast.Store))
            inside = owned - aliased - stale
            _accumulate(stmt.body, inside, rewritten)
            owned = inside
            continue
        if not isinstance(stmt, gast.Assign):
            if isinstance(stmt, (gast.Expr, gast.Return)) and stmt.value is not None:
                owned -= _aliasing_reads(stmt.value)
            continue
        target = stmt.targets[0]
        value = stmt.value
        if (
            isinstance(target, gast.Name)
            and target.id in owned
            and isinstance(value, gast.BinOp)
            and isinstance(value.op, gast.Add)
            and isinstance(value.left, gast.Name)
            and value.left.id == target.id
            and target.id not in _aliasing_reads(value.right)
        ):
            right = value.right
            index = _basic_index(right.args[2]) if is_call(right, "unindex") and len(right.args) == 3 else None
            if index is not None:
                target = gast.Subscript(value=gast.Name(id=target.id, ctx=gast.Load(), annotation=None, type_comment=None), slice=index, ctx=gast.Store())
                right = right.args[0]
            op = gast.Add()
            if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
                op, right = gast.Sub(), right.operand
            body[k] = gast.AugAssign(target=target, op=op, value=right)
            body[k].s2s_line = getattr(stmt, "s2s_line", None)
            body[k].s2s_text = getattr(stmt, "s2s_text", None)
            rewritten.append(body[k])
            continue
        owned -= _aliasing_reads(value)
        for t in names(target, gast.Store):
            owned.discard(t)
        if isinstance(target, gast.Name) and _fresh(value):
            owned.add(target.id)
    return owned
