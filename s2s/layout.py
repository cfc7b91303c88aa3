"""One saved tuple per call for a function that ends in a branch.

Takes a forward sweep and its backward sweep as :mod:`s2s.reverse` makes
them; where the forward sweep ends with an ``if`` whose branches each record
their saved values in a tuple of their own (``branch = (left, right, ...)``)
and the backward sweep starts by taking that ``if`` apart again, rewrites both
so that each branch returns one flat tuple:

    if cond:                                  if cond:
        ...                                       ...
        branch = ()                               return (value, (cond, x))
    else:                              ->     else:
        ...                                       ...
        branch = (left, right)                    return (value, (cond, tree_2, left, right))
    return (value, (x, cond, tree_2, branch))

and the backward sweep tests the first entry and unpacks the branch's own
tuple (``if saved[0]: cond, x = saved``).  Each branch saves only the values
its backward code reads.  A recursive function's base case and recursive case
are the common shape: one tuple per call instead of two or three, which for
a recursion on Python floats is most of what its gradient allocates and
keeps (and what the cyclic garbage collector scans).

Guarantees: the same values are computed, and each backward branch finds
the names it reads.
"""

import copy

import gast

from .reverse import assign, name


def flatten_branches(forward, backward):
    """Rewrite ``forward`` and ``backward`` (``gast.FunctionDef``) in place where
    the shape above matches; otherwise leave them as they are."""
    if len(forward.body) < 2 or len(backward.body) < 2:
        return
    fif, ret = forward.body[-2], forward.body[-1]
    bunpack, bif = backward.body[0], backward.body[1]
    if not (isinstance(fif, gast.If) and isinstance(fif.test, gast.Name) and isinstance(ret, gast.Return)):
        return
    saved = ret.value.elts[1] if is_pair(ret.value) else ret.value
    if not (isinstance(saved, gast.Tuple) and isinstance(bunpack, gast.Assign) and isinstance(bunpack.targets[0], gast.Tuple)):
        return
    saved_param = backward.args.args[0].id
    if not (isinstance(bunpack.value, gast.Name) and bunpack.value.id == saved_param):
        return
    unpacked = [t.id for t in bunpack.targets[0].elts]
    if len(unpacked) != len(saved.elts) or not (isinstance(bif, gast.If) and isinstance(bif.test, gast.Name)):
        return
    test = fif.test.id
    if bif.test.id != test or test not in unpacked:
        return
    stores = [_branch_store(fif.body), _branch_store(fif.orelse)]
    if None in stores or stores[0][0] != stores[1][0] or stores[0][0] not in unpacked:
        return
    store = stores[0][0]
    after = {n.id for stmt in backward.body[2:] for n in gast.walk(stmt) if isinstance(n, gast.Name)}
    common = [(elt, t) for elt, t in zip(saved.elts, unpacked) if t not in (store, test)]
    for fblock, bblock, (_, entries) in ((fif.body, bif.body, stores[0]), (fif.orelse, bif.orelse, stores[1])):
        own = []
        if entries and _unpacks(bblock[0], store):
            own = [t.id for t in bblock[0].targets[0].elts]
            del bblock[0]
        elif entries:
            return  # the backward branch does not read its tuple the way reverse.py writes it
        reads = {n.id for stmt in bblock for n in gast.walk(stmt) if isinstance(n, gast.Name)} | after
        kept = [(elt, t) for elt, t in common if t in reads]
        flat = gast.Tuple(elts=[name(test)] + [elt for elt, _ in kept] + list(entries), ctx=gast.Load())
        value = gast.Tuple(elts=[copy.deepcopy(ret.value.elts[0]), flat], ctx=gast.Load()) if is_pair(ret.value) else flat
        fblock[-1] = _located(gast.Return(value=value), ret)
        targets = [name(test, True)] + [name(t, True) for _, t in kept] + [name(t, True) for t in own]
        bblock.insert(0, _located(assign(gast.Tuple(elts=targets, ctx=gast.Store()), name(saved_param)), bunpack))
    del forward.body[-1]
    bif.test = gast.Subscript(value=name(saved_param), slice=gast.Constant(value=0, kind=None), ctx=gast.Load())
    del backward.body[0]


def is_pair(value):
    """``(value, saved)``: the forward sweep of a function whose value is returned too."""
    return isinstance(value, gast.Tuple) and len(value.elts) == 2 and isinstance(value.elts[1], gast.Tuple)


def _branch_store(block):
    """``(name, entries)`` of the ``name = (entries...)`` that ends ``block``, or None."""
    last = block[-1] if block else None
    if isinstance(last, gast.Assign) and isinstance(last.targets[0], gast.Name) and isinstance(last.value, gast.Tuple):
        return last.targets[0].id, last.value.elts
    return None


def _unpacks(stmt, source):
    return (
        isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Tuple)
        and all(isinstance(t, gast.Name) for t in stmt.targets[0].elts)
        and isinstance(stmt.value, gast.Name) and stmt.value.id == source
    )


def _located(stmt, origin):
    for attr in ("s2s_line", "s2s_text"):
        if hasattr(origin, attr):
            setattr(stmt, attr, getattr(origin, attr))
    return stmt


def one_tuple_returns(functions, callees):
    """A forward sweep returns ``(value, saved...)``, one tuple, instead of ``(value, (saved...))``.

    Takes every function of a transform (the entry included) and the
    ``(forward, backward)`` names of each transformed function.  Where every
    ``return`` of a forward sweep is such a pair, every call of it unpacks the
    pair into names (``left, left_saved = tree_forward(...)``) and its backward
    sweep reads its saved tuple only by unpacking it or by constant index, the
    pair becomes one tuple: callers keep the tuple and take the value from its
    first place (``left_saved = tree_forward(...)``, ``left = left_saved[0]``),
    and the backward sweep skips that place.  One tuple fewer to build and take
    apart per call: for a recursion on numbers, a tenth of its gradient's time.
    """
    by_name = {f.name: f for f in functions}
    for callee in callees:
        forward, backward = by_name.get(callee.forward), by_name.get(callee.backward)
        if forward is None or backward is None:
            continue
        returns = _returns(forward)
        sites = _call_sites(functions, forward.name)
        saved = backward.args.args[0].id
        uses = _saved_uses(backward, saved)
        if returns is None or sites is None or uses is None or not all(is_pair(r.value) for r in returns):
            continue
        for r in returns:
            value, entries = r.value.elts
            r.value = gast.Tuple(elts=[value] + entries.elts, ctx=gast.Load())
        for block, stmt in sites:
            value, store = stmt.targets[0].elts
            stmt.targets = [store]
            if value.id != "_":
                first = gast.Subscript(value=name(store.id), slice=gast.Constant(value=0, kind=None), ctx=gast.Load())
                block.insert(block.index(stmt) + 1, _located(assign(value.id, first), stmt))
        for node in uses:
            if isinstance(node, gast.Assign):
                node.targets[0].elts.insert(0, name("_", True))
            else:
                node.slice.value += 1
        _value_saved_once(returns, uses)


def _value_saved_once(returns, uses):
    """Where a return's value is also one of its saved entries (``(tree_2, cond, tree_2, ...)``),
    keep it once, in the first place, and have the backward sweep's unpacking of that tuple
    name the first place instead.  A return and an unpacking belong together when they are
    the only two of their length; indexed places after the entry would move, so then nothing
    changes."""
    unpacks = [u for u in uses if isinstance(u, gast.Assign)]
    indexed = [u.slice.value for u in uses if isinstance(u, gast.Subscript)]
    for r in returns:
        elts = r.value.elts
        same = [u for u in unpacks if len(u.targets[0].elts) == len(elts)]
        if len(same) != 1 or sum(len(q.value.elts) == len(elts) for q in returns) != 1 or not isinstance(elts[0], gast.Name):
            continue
        targets = same[0].targets[0].elts
        places = [k for k in range(1, len(elts)) if isinstance(elts[k], gast.Name) and elts[k].id == elts[0].id and targets[k].id == elts[0].id]
        if not places or any(k >= places[0] for k in indexed):
            continue
        k = places[0]
        del elts[k]
        targets[0] = targets.pop(k)


def _statements(body):
    """``(block, statement)`` for every statement in ``body`` and the blocks inside it,
    not descending into nested functions."""
    for stmt in body:
        yield body, stmt
        if isinstance(stmt, gast.FunctionDef):
            continue
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list):
                yield from _statements(block)


def _returns(fdef):
    """The ``return`` statements of ``fdef``, or None if it defines functions of its own."""
    out = []
    for _, stmt in _statements(fdef.body):
        if isinstance(stmt, gast.FunctionDef):
            return None
        if isinstance(stmt, gast.Return):
            out.append(stmt)
    return out


def _call_sites(functions, callee):
    """``(block, statement)`` of every ``v, s = callee(...)``; None if ``callee`` is used otherwise."""
    sites = []
    for f in functions:
        for block, stmt in _statements(f.body):
            for n in _own_nodes(stmt):
                if isinstance(n, gast.Name) and n.id == callee:
                    ok = (
                        isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) and stmt.value.func is n
                        and isinstance(stmt.targets[0], gast.Tuple) and len(stmt.targets[0].elts) == 2
                        and all(isinstance(t, gast.Name) for t in stmt.targets[0].elts)
                    )
                    if not ok:
                        return None
                    sites.append((block, stmt))
                elif isinstance(n, gast.FunctionDef) and any(isinstance(m, gast.Name) and m.id == callee for m in gast.walk(n)):
                    return None
    return sites


def _own_nodes(stmt):
    """The nodes of ``stmt`` outside the blocks it holds (a loop's or branch's own test)."""
    if isinstance(stmt, gast.FunctionDef):
        return [stmt]
    out = [stmt]
    for field, value in gast.iter_fields(stmt):
        if field not in ("body", "orelse") and isinstance(value, gast.AST):
            out.extend(gast.walk(value))
        elif field not in ("body", "orelse") and isinstance(value, list):
            out.extend(m for v in value if isinstance(v, gast.AST) for m in gast.walk(v))
    return out


def _saved_uses(backward, saved):
    """The unpackings ``... = saved`` and indexings ``saved[k]`` of ``backward``; None if it
    uses ``saved`` any other way."""
    uses, allowed = [], set()
    for n in gast.walk(backward):
        if isinstance(n, gast.Assign) and isinstance(n.value, gast.Name) and n.value.id == saved and isinstance(n.targets[0], gast.Tuple):
            uses.append(n)
            allowed.add(id(n.value))
        elif isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and n.value.id == saved:
            if not (isinstance(n.slice, gast.Constant) and type(n.slice.value) is int and n.slice.value >= 0):
                return None
            uses.append(n)
            allowed.add(id(n.value))
    for n in gast.walk(backward):
        if isinstance(n, gast.Name) and n.id == saved and id(n) not in allowed and n is not backward.args.args[0]:
            return None
    return uses
