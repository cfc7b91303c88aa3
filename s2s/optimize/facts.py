"""Def-use facts of a generated function: the one analysis the rewrites share.

Takes a ``gast.FunctionDef`` and returns facts about it; never edits it.
``def_use`` counts, for every name, its loads and its stores (a parameter is
one store); ``names`` lists the names a node reads or writes; ``blocks``
yields every statement list of a body. The pipeline computes the counts once
and again after each rewrite that changed the function, so a rewrite reads
counts that are true of the tree it is given.
"""

from typing import NamedTuple

import gast


class DefUse(NamedTuple):
    """How often each name is read (``loads``) and written (``stores``)."""

    loads: dict
    stores: dict


def def_use(fdef):
    """The def-use counts of ``fdef``, in one walk of its body."""
    loads, stores = {}, {}
    for n in (n for stmt in fdef.body for n in gast.walk(stmt)):  # parameters: one store each, below
        if isinstance(n, gast.Name):
            table = stores if isinstance(n.ctx, gast.Store) else loads
            table[n.id] = table.get(n.id, 0) + 1
    for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs:
        stores[a.id] = stores.get(a.id, 0) + 1
    return DefUse(loads, stores)


def names(node, ctx):
    """The names ``node`` reads (``ctx`` ``gast.Load``) or writes (``gast.Store``), in order,
    with repeats."""
    return [n.id for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, ctx)]


def blocks(body):
    """Every statement list in ``body``, ``body`` first."""
    yield body
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                yield from blocks(block)


def assigns(stmt, target):
    """Whether ``stmt`` is ``target = ...``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == target
