"""Rewrites that move a value into its one reader, so each source line reads as one line.

Takes a generated function and inlines single-use temporaries and tests in
place; the same operations run on the same values, in the same order where
order matters (see the package docstring for the calling convention).
"""

import gast

from ..floats import index
from .expressions import arithmetic, constant_slices, is_call, pure, simple_test, substitute, text
from .facts import assigns, blocks, names

MAX_INLINED = 72  # characters of an expression made by inlining


def inline_single_use(fdef, facts):
    """Single-use temporaries move into their readers, in one sweep.

    ``t = expr`` (an operation, a subscript by constants such as
    ``u[1:-1, 2:]``, or one entry by an index ``y[i - 1]``) read once, later in the same block and for the same
    primal line, with only pure assignments between, moves into its reader
    when the result is no longer than 72 characters or the user's own line,
    so each line's block reads like its source line::

        t = 0.9 * s                   ->    s_3 = 0.9 * s + 0.1 * np.sin(x)
        u = np.sin(x)
        s_3 = t + 0.1 * u

    A call that may have effects moves only into the very next statement,
    when that is arithmetic calling nothing else
    (``dx = tree_backward(saved, dright) * 1.1``).  Inlining ``t`` changes
    only ``t``'s counts (it goes), so the counts taken once stay right for
    every other name.
    """
    changed = False
    for block in blocks(fdef.body):
        i = 0
        while i < len(block):
            if _inline_into_reader(block, i, facts):
                del block[i]
                changed = True
            else:
                i += 1
    return changed


def _inline_into_reader(block, i, facts):
    stmt = block[i]
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return False
    t = stmt.targets[0].id
    value = stmt.value
    read = isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
    view = read and constant_slices(value.slice)
    # one entry by a loop's index (``y[i - 1]``), read where it is taken and where it moves alike
    entry = read and index(value.slice) and any(isinstance(n, gast.Name) for n in gast.walk(value.slice))
    if facts.stores.get(t) != 1 or facts.loads.get(t) != 1:
        return False
    if any(is_call(value, f) for f in ("updated", "zeroed", "appended")):
        return False  # an item write, a statement of its own: in place, it writes into its array (s2s.optimize.inplace)
    if isinstance(value, gast.Call) and not pure(value):
        return _inline_call_into_next(block, i, t)
    if not (view or entry or isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)) and pure(value)):
        return False
    limit = max(MAX_INLINED, len(getattr(stmt, "s2s_text", None) or ""))  # as long as the user's own line
    operands = set(names(value, gast.Load))
    for j in range(i + 1, len(block)):
        reader = block[j]
        if not isinstance(reader, gast.Assign):
            return False
        if isinstance(reader.value, gast.Name) and getattr(reader, "s2s_line", None) != getattr(stmt, "s2s_line", None):
            if operands & set(names(reader.targets[0], gast.Store)) or reader.value.id in operands | {t}:
                return False  # (a copy of an operand: an alias a later write could go through)
            continue  # a copy of another line (a loop's carried value), which copy propagation removes
        if getattr(reader, "s2s_line", None) != getattr(stmt, "s2s_line", None):
            return False
        if t in names(reader.value, gast.Load):
            if len(text(reader.value)) - len(t) + len(text(value)) > limit:
                return False  # a line a reader could no longer take in at a glance
            if isinstance(reader.value, gast.Name):
                reader.value = value
            else:
                substitute(reader.value, t, value)
            return True
        if not pure(reader.value) or operands & set(names(reader.targets[0], gast.Store)):
            return False
        if (entry or view) and any(isinstance(n, gast.Name) and n.id == value.value.id for n in gast.walk(reader)):
            return False  # a write into the array (``g[i] = 0``), or ``y_2 = updated(y, i, v)``, which the read would keep from being in place
    return False


def _inline_call_into_next(block, i, t):
    """``t = f(...)`` (a call that may have effects, such as a callee's backward sweep)
    read once, by arithmetic in the very next statement for the same line that calls
    nothing else: the call moves into it (``dx = tree_backward(saved, dright) * 1.1``).
    Nothing with an effect runs between, so the order of effects is the same."""
    stmt = block[i]
    if i + 1 >= len(block):
        return False
    reader = block[i + 1]
    if not isinstance(reader, gast.Assign) or getattr(reader, "s2s_line", None) != getattr(stmt, "s2s_line", None):
        return False
    if not arithmetic(reader.value) or any(isinstance(n, gast.Call) for n in gast.walk(reader.value)):
        return False
    if t not in names(reader.value, gast.Load):
        return False
    substitute(reader.value, t, stmt.value)
    return True


def inline_while_test(fdef, facts):
    """``r = e`` before a ``while r:`` and again at the end of its body, ``r`` read by
    nothing else and ``e`` a comparison of names and numbers, becomes ``while e:``::

        running = i < n               ->    while i < n:
        while running:                          i = i + 1
            i = i + 1
            running = i < n
    """
    changed = False
    for block in blocks(fdef.body):
        for j, loop in enumerate(block):
            if not (isinstance(loop, gast.While) and isinstance(loop.test, gast.Name)):
                continue
            r = loop.test.id
            last = loop.body[-1] if loop.body else None
            if facts.loads.get(r) != 1 or facts.stores.get(r) != 2 or not assigns(last, r) or not simple_test(last.value):
                continue
            reads = set(names(last.value, gast.Load))
            for i in range(j - 1, -1, -1):
                stmt = block[i]
                if assigns(stmt, r):
                    if gast.dump(stmt.value) == gast.dump(last.value):
                        loop.test = last.value
                        loop.body.pop()
                        if not loop.body:
                            loop.body.append(gast.Pass())
                        block[i] = None
                        changed = True
                    break
                if reads & set(names(stmt, gast.Store)) or not isinstance(stmt, gast.Assign):
                    break
        block[:] = [s for s in block if s is not None]
    return changed


def inline_if_test(fdef, facts):
    """``t = e`` right before ``if t:``, ``t`` read by nothing else and ``e`` a comparison
    of names and numbers, becomes ``if e:`` (the branch test of forward mode, which saves
    nothing)::

        cond = x > 0                  ->    if x > 0:
        if cond:                                y = x
            y = x
    """
    changed = False
    for block in blocks(fdef.body):
        for j, stmt in enumerate(block):
            if j and isinstance(stmt, gast.If) and isinstance(stmt.test, gast.Name):
                prior, t = block[j - 1], stmt.test.id
                if assigns(prior, t) and facts.loads.get(t) == 1 and facts.stores.get(t) == 1 and simple_test(prior.value):
                    stmt.test = prior.value
                    block[j - 1] = None
                    changed = True
        block[:] = [s for s in block if s is not None]
    return changed
