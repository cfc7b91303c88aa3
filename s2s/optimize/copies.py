"""Rewrites of copies ``a = b``: the name that holds a value once holds it everywhere.

Takes a generated function and removes copies in place, renaming their
readers; every value stays the same (see the package docstring for the
calling convention).
"""

import gast

from .expressions import pure
from .facts import blocks, names


def _copy(stmt):
    """``(a, b)`` for ``a = b``, else None."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name):
        return stmt.targets[0].id, stmt.value.id
    return None


def coalesce_copies(fdef, facts):
    """``a = b`` in the function's top block, where ``b`` is computed once, earlier, and
    read only by the copy, and ``a`` is assigned only there, becomes one assignment to ``a``::

        t1, t2 = layer_backward(g)    ->    dW1, db1 = layer_backward(g)
        dW1 = t1
        db1 = t2
    """
    loads, stores = dict(facts.loads), dict(facts.stores)
    body = fdef.body
    changed = False
    defining = {}
    for i, stmt in enumerate(body):
        if isinstance(stmt, gast.Assign):
            for t in gast.walk(stmt.targets[0]):
                if isinstance(t, gast.Name):
                    defining[t.id] = i
    for i, stmt in enumerate(body):
        if _copy(stmt) is None:
            continue
        a, b = _copy(stmt)
        if stores.get(a) != 1 or stores.get(b) != 1 or loads.get(b) != 1 or b not in defining or defining[b] >= i:
            continue
        for t in gast.walk(body[defining[b]].targets[0]):
            if isinstance(t, gast.Name) and t.id == b:
                t.id = a
        defining[a] = defining.pop(b)
        stores.pop(b)
        loads.pop(b)
        body[i] = None
        changed = True
    fdef.body = [s for s in body if s is not None]
    return changed


def propagate_copies(fdef, facts):
    """``a = b`` where both are assigned once and ``a`` is read only later in the same
    block goes, and ``a``'s readers read ``b``::

        a = b                         ->    c = b * 2.0
        c = a * 2.0

    In time linear in the code: each block's loads are indexed once, and a
    copy renames only the loads of ``a``.
    """
    loads, stores = dict(facts.loads), dict(facts.stores)
    changed = False
    for block in blocks(fdef.body):
        where = {}  # name -> [(index of the block's statement, Name node)] of its loads
        for i, stmt in enumerate(block):
            for n in gast.walk(stmt):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                    where.setdefault(n.id, []).append((i, n))
        dead = set()
        for i, stmt in enumerate(block):
            if _copy(stmt) is None:
                continue
            a, b = _copy(stmt)
            if stores.get(a) != 1 or stores.get(b) != 1 or a == b:
                continue
            uses = [(j, n) for j, n in where.get(a, ()) if j > i]
            if len(uses) != loads.get(a, 0):
                continue  # read elsewhere (another block, or a loop's next iteration)
            for _, n in uses:
                n.id = b
            where.setdefault(b, []).extend(uses)
            loads[b] = loads.get(b, 0) - 1 + loads.pop(a, 0)
            stores.pop(a)
            dead.add(i)
        if dead:
            block[:] = [stmt for i, stmt in enumerate(block) if i not in dead]
            changed = True
    return changed


def fold_loop_copies(fdef, facts):
    """The copies a loop makes of its carried names go, where they can.

    * ``t = e; ...; v = t`` (``v`` the carried name, ``t`` read only by the
      copy, ``v`` untouched between) becomes ``v = e`` in ``t``'s place::

          for k in range(n):        ->    for k in range(n):
              t = i + 1                       i = i + 1
              i = t

    * ``a = v`` at the top of an iteration (``ds_3 = ds_2``), with ``a``
      assigned only there and read only in this block before ``v`` is
      assigned again, goes, and its readers read ``v``::

          while i < n:              ->    while i < n:
              a = s                           s = s * 0.5
              s = a * 0.5

      Where ``a`` is still read after ``v``'s new value, that assignment (pure, one
      source line) moves after ``a``'s last read first, if nothing between reads
      ``v`` or writes what it reads (a backward loop: ``c_bar[i] += p_bar;
      x_bar += p_bar * p; p_bar = p_bar * x``).
    """
    loads, stores = dict(facts.loads), dict(facts.stores)
    changed = False
    for loop in (n for n in gast.walk(fdef) if isinstance(n, (gast.For, gast.While))):
        body = loop.body
        i = 0
        while i < len(body):
            if _copy(body[i]) is None:
                i += 1
                continue
            a, b = _copy(body[i])
            if _copy_into_definition(body, i, a, b, loads, stores) or _copy_read_through(body, i, a, b, loads, stores):
                changed = True
                continue  # body[i] went
            i += 1
    return changed


def _copy_into_definition(body, i, v, t, loads, stores):
    if stores.get(t) != 1 or loads.get(t) != 1:
        return False
    for k in range(i - 1, -1, -1):
        prior = body[k]
        if isinstance(prior, gast.Assign) and isinstance(prior.targets[0], gast.Name) and prior.targets[0].id == t:
            prior.targets[0].id = v
            del body[i]
            stores[v] -= 1
            stores.pop(t)
            loads.pop(t)
            return True
        if v in names(prior, gast.Load) + names(prior, gast.Store) or not isinstance(prior, (gast.Assign, gast.Expr, gast.If)):
            return False  # (an ``if`` between that neither reads nor writes v: a loop's test computed in branches)
    return False


def _copy_read_through(body, i, a, v, loads, stores):
    if stores.get(a) != 1 or a == v:
        return False
    readers = [k for k in range(i + 1, len(body)) if a in names(body[k], gast.Load)]
    if not readers or sum(names(body[k], gast.Load).count(a) for k in readers) != loads.get(a, 0):
        return False  # read in another block
    last = readers[-1]
    writes = [k for k in range(i + 1, last) if isinstance(body[k], gast.Assign) and v in names(body[k].targets[0], gast.Store)]
    if len(writes) == 1 and _sink(body, writes[0], last, v):
        readers = [k for k in range(i + 1, len(body)) if a in names(body[k], gast.Load)]  # v's new value now after a's reads
        last = readers[-1]
    for k in range(i + 1, last + 1):
        stmt = body[k]
        if not isinstance(stmt, gast.Assign) and k != last or isinstance(stmt, (gast.For, gast.While, gast.If)):
            return False
        written = names(stmt.targets[0], gast.Store) if isinstance(stmt, gast.Assign) else names(stmt, gast.Store)
        if v in written and (k != last or not isinstance(stmt, gast.Assign)):
            return False  # v changes while a is still read
    for k in readers:
        for n in gast.walk(body[k]):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id == a:
                n.id = v
    loads[v] = loads.get(v, 0) + loads.pop(a)
    stores.pop(a)
    same = body[last]  # ``v = a``, the carried copy, is ``v = v`` now: nothing to do
    if isinstance(same, gast.Assign) and isinstance(same.targets[0], gast.Name) and isinstance(same.value, gast.Name) and same.targets[0].id == same.value.id == v:
        del body[last]
        loads[v] -= 1
        stores[v] -= 1
    del body[i]
    return True


def _sink(body, w, last, v):
    """Move ``v = e`` (``body[w]``, pure) to just after ``body[last]``, where nothing between
    reads or writes ``v`` nor writes what ``e`` reads, all for one source line; whether it moved.
    The same values: ``e`` reads what it read, and no one between read ``v``'s new value."""
    stmt = body[w]
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == v and pure(stmt.value)):
        return False
    reads = set(names(stmt.value, gast.Load))
    for k in range(w + 1, last + 1):
        between = body[k]
        if not isinstance(between, gast.Assign) or getattr(between, "s2s_line", None) != getattr(stmt, "s2s_line", None):
            return False
        written = set(names(between.targets[0], gast.Store))
        if v in names(between, gast.Load) or v in written or reads & written:
            return False
    body.insert(last, body.pop(w))
    return True
