"""Which primal values the forward sweep saves, and how the backward sweep takes them.

Part of :class:`s2s.reverse.ReverseMode` (a mixin).  The backward sweep of a
block is built first; :meth:`Saving.pack` then decides, from the names that
code reads, what is saved whole and what only as its shape, and
:meth:`Saving.unpack_saved` writes the unpacking.  Reads ``order`` (definition
order), ``callees`` and ``saves`` (the :mod:`s2s.saveplan` records of calls,
branches and loops made so far), ``classes`` and ``backward_locals``.
"""

import gast

from ..activity import local_names
from ..runtime import SHAPE_ONLY_ARGUMENTS
from ..naming import spelling
from .syntax import assigned, located, name, unpack_names


class Saving:
    """Deciding and unpacking the saved values of a block."""

    def assigned(self, stmts):
        """Primal names the forward sweep of ``stmts`` assigns (saved callee values and nested stores too)."""
        out = assigned(stmts)
        for stmt in stmts:
            for node in gast.walk(stmt):
                if id(node) in self.callees:
                    out.add(self.callees[id(node)].saved)
                save = self.saves.get(id(node))
                if save is not None and save.store:
                    out |= stores(save)
        return out

    def ordered(self, names):
        """``names`` in the order the forward sweep defines them."""
        order = self.order + [c.saved for c in self.callees.values()] + [n for s in self.saves.values() if s.store for n in stores(s)]
        return [n for n in dict.fromkeys(order) if n in names]

    def pack(self, names, code):
        """Decide how ``names`` are saved for ``code``: ``[(name, shape_only)]``.

        A name that ``code`` reads only for its shape (``unbroadcast(g, t)``)
        is saved as ``shape_of(t)``, and ``code`` reads ``t_shape`` instead;
        or, where a name saved whole is known to have the same shape
        (:func:`s2s.shapes.shape_classes`), ``code`` reads that name and
        nothing is saved for ``t``.
        """
        loads, shape_loads, stores = {}, {}, set()
        for stmt in code:
            for node in gast.walk(stmt):
                if isinstance(node, gast.Name):
                    if isinstance(node.ctx, gast.Store):
                        stores.add(node.id)
                    else:
                        loads[node.id] = loads.get(node.id, 0) + 1
                if isinstance(node, gast.Call):
                    position = SHAPE_ONLY_ARGUMENTS.get(spelling(node.func))
                    if position is not None and len(node.args) > position and isinstance(node.args[position], gast.Name):
                        arg = node.args[position].id
                        shape_loads[arg] = shape_loads.get(arg, 0) + 1
        shape_only = {n for n in names if loads.get(n, 0) > 0 and shape_loads.get(n, 0) == loads[n] and n not in stores}
        # a name saved whole that has the same shape stands in for a shape-only one (s2s.shapes)
        stand_ins = {self.classes[n]: n for n in names if n not in shape_only and n in self.classes and loads.get(n)}
        entries = []
        renamed = {}
        for n in names:
            if n in shape_only:
                renamed[n] = stand_ins.get(self.classes.get(n))
                if renamed[n] is None:
                    renamed[n] = self.fresh(f"{n.rstrip('_')}_shape")
                    entries.append((n, renamed[n]))
            else:
                entries.append((n, None))
        if renamed:
            for stmt in code:
                for node in gast.walk(stmt):
                    if isinstance(node, gast.Name) and node.id in renamed:
                        node.id = renamed[node.id]
        return entries

    def unpack_saved(self, entries, source, origin):
        """``a, b_shape = source`` for the backward sweep."""
        return located(unpack_names([new or n for n, new in entries], name(source)), origin)

    def reads(self, code):
        return {n for stmt in code for n in local_names(stmt) if n not in self.backward_locals}

    # -- the two sweeps ---------------------------------------------------


def stores(save):
    """The names a branch's or loop's save assigns: its store, or (compiled code) a store per branch."""
    return {n for n in getattr(save, "stores", None) or () if n} or {save.store}
