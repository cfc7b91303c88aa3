"""The saved-values plan: what a forward sweep saves for its backward sweep, and where.

Reverse mode (:mod:`s2s.reverse`) decides, while it writes the backward sweep,
which primal values that sweep reads; the forward sweep saves exactly those.
It records the decision in one :class:`SavePlan` per forward/backward pair:

* ``exits``: where the saved tuple leaves the forward sweep (a ``return``) and
  where the backward sweep takes it apart again (``a, b_shape, loop = saved``):
  one :class:`Exit` per ``return`` of the forward sweep, each with its
  unpacking.  The k-th entry of an exit's tuple is unpacked as the k-th
  target; the entry is a name saved whole or ``shape_of(name)`` (a value the
  backward sweep reads only for its shape).
* ``layout``: how each ``return`` holds the saved tuple: ``"pair"``
  (``return (value, (saved...))``, as reverse mode writes it), ``"saved"``
  (``return (saved...)``, :func:`s2s.transform.drop_value`: ``grad`` needs
  no value) or ``"flat"`` (``return (value, saved...)``, one tuple per call,
  :func:`s2s.layout.one_tuple_returns`; the unpackings then name the first
  place too, ``_`` or the value).
* ``dispatch``: after :func:`s2s.layout.flatten_branches`, the ``saved[k]``
  the backward sweep names (``cond = saved[k]``) and tests to know which
  exit's tuple it got.
* ``tail``: the :class:`BranchSave` of an ``if`` that ends the forward sweep
  just before its ``return`` (what ``flatten_branches`` turns into one
  exit per branch), or None.
* ``branches``, ``loops``: what each ``if`` and each loop inside the function
  saves (:class:`BranchSave`, :class:`LoopSave`); ``calls``: each call of a
  transformed user function and the name of the callee's own saved tuple
  (:class:`CallSave`).

Kept in sync by construction: the plan holds the very statements reverse mode
emitted for saving and unpacking, not copies; the generated trees stay the one
source of the code and the plan is the index of where in them each saved value
is put and taken.  The optimizer may rename names inside those statements or
inline a value into a tuple, but never moves or replaces them.  Passes that
change what is saved or how (``drop_value``, ``flatten_branches``,
``one_tuple_returns``, :func:`s2s.remat.rematerialize`) find the statements
through the plan, never by the printed shape of the code, and rewrite code and
plan together through the methods here.  They call :meth:`SavePlan.check`
first: a plan that no longer says what its trees do raises :class:`PlanError`
(an internal error: a bug in s2s), never a silent skip.

Who builds it: :class:`s2s.reverse.ReverseMode` (exits, tail, branches, loops,
calls; call sites of a callee on its :class:`s2s.reverse.Callee`).  Who reads
and rewrites it: :mod:`s2s.transform` (``drop_value``), :mod:`s2s.layout`,
:mod:`s2s.remat`.
"""

import gast

LAYOUTS = ("pair", "saved", "flat")


class PlanError(AssertionError):
    """A saved-values plan that no longer matches the code it describes (a bug in s2s)."""


def require(condition, message):
    if not condition:
        raise PlanError(f"saved-values plan: {message}")


class Exit:
    """One ``return`` of the forward sweep and the backward sweep's unpacking of its tuple.

    ``ret``: the ``gast.Return``; ``unpack``: the ``gast.Assign`` of a tuple of
    names from the backward sweep's saved parameter, or None where nothing is
    saved."""

    def __init__(self, ret, unpack):
        self.ret = ret
        self.unpack = unpack


class BranchSave:
    """What one ``if`` saves: each branch of the forward sweep ends with
    ``store = (entries...)`` (``packs``, one per branch) and the matching
    branch of the backward sweep starts with ``names... = store``
    (``unpacks``, None for a branch that saves nothing).  ``entries``: per
    branch, ``(name, shape_only)`` pairs.  ``test``: the primal ``if``'s test;
    ``forward``/``backward``: the ``if`` of each sweep.  ``store`` is None
    where neither branch saves anything of its own.  ``stores``: compiled code
    (:mod:`s2s.jit`), where a name holds one type: a store per branch that
    saves something, set to the branch's tuple on its path and to None on the
    other (``packs`` then unused)."""

    def __init__(self, store=None, entries=((), ())):
        self.store = store
        self.stores = None
        self.entries = [list(e) for e in entries]
        self.packs = [None, None]
        self.unpacks = [None, None]
        self.test = self.forward = self.backward = None


class LoopSave:
    """What one loop saves per iteration.

    ``entries``: ``(name, shape_only)`` pairs; ``columns``: one list (a stack)
    per entry, which the forward sweep appends to and the backward sweep walks
    last first; ``store``: the tuple of the columns, made after the loop and
    saved (for a loop that saves nothing, the list that counts its
    iterations).  ``revolve``: a checkpointed loop (``s2s.checkpoint``) whose
    ``store`` is the tuple of its starting state (``entries`` then name the
    carried values) and whose iterations' tuples ``revolve`` recomputes.
    ``unpack``: the backward sweep's ``columns... = store``, None where there
    is none; ``forward``/``backward``: the loop of each sweep (the backward
    one takes an iteration's values from the columns, ``for a, b in
    zip(reversed(a_stack), reversed(b_stack))``, or from ``revolve``).
    ``rows``: the layout of compiled code (:mod:`s2s.jit`): ``store`` is one
    list holding an iteration's tuple per iteration (``columns`` empty), which
    the backward sweep walks by index, last first.  ``finals``: arrays the loop fills
    whose entries the backward sweep reads from their value after the loop
    (:meth:`s2s.reverse.recompute.Recomputing.final_read`), each kept in a name of
    its own (``y_final = y`` after the loop)."""

    def __init__(self, store, entries=(), columns=(), revolve=False, rows=False):
        self.store = store
        self.entries = list(entries)
        self.columns = list(columns)
        self.revolve = revolve
        self.rows = rows
        self.finals = {}  # array carried -> the name of its value after the loop, which the backward sweep reads
        self.unpack = self.forward = self.backward = None


class CallSave:
    """A call of a transformed user function: the forward sweep keeps the
    callee's saved tuple as ``saved`` (``value, saved = f_forward(...)``) for the
    backward sweep's ``f_backward(saved, ...)``; ``checkpointed``: the backward
    sweep recomputes it instead.

    A call of a function of a recursive group in compiled code (:func:`s2s.jit.recursion_groups`)
    passes the group's list of rows, ``rows``, first (``f_forward(rows, ...)``, ``f_backward(saved,
    d, rows)``).  ``row``: a call of the group's head, whose saved tuple goes on that list
    (``value, row = f_forward(rows, ...)``, ``push_row(rows, row)``) and which the backward sweep
    pops (``row = rows.pop()``, ``f_backward(row, d, rows)``).  ``made``: a call from outside the
    group, which makes the list (then ``saved`` is the list, saved as the callee's tuple
    would be)."""

    def __init__(self, callee, saved, checkpointed=False, rows=None, row=None, made=False):
        self.callee = callee
        self.saved = saved
        self.checkpointed = checkpointed
        self.rows = rows
        self.row = row
        self.made = made


class SavePlan:
    """The plan of one forward/backward pair (see the module docstring)."""

    def __init__(self, forward, backward, exits, layout="pair"):
        self.forward = forward
        self.backward = backward
        self.exits = list(exits)
        self.layout = layout
        self.dispatch = None
        self.tail = None
        self.branches = []
        self.loops = []
        self.calls = []

    @property
    def saved_param(self):
        return self.backward.args.args[0].id

    def saved_entries(self, exit):
        """The expressions of ``exit``'s saved tuple (the value excluded unless the layout is flat)."""
        value = exit.ret.value
        if self.layout == "saved":
            return value.elts
        if self.layout == "pair":
            return value.elts[1].elts
        return value.elts

    def targets(self, exit):
        """The names ``exit``'s unpacking assigns, one per saved entry ([] if none)."""
        return exit.unpack.targets[0].elts if exit.unpack is not None else []

    def entries(self, exit):
        """``(saved expression, unpacked Name)`` pairs of ``exit``."""
        return list(zip(self.saved_entries(exit), self.targets(exit)))

    def check(self):
        """Raise :class:`PlanError` unless every exit and the dispatch are where the plan says."""
        require(self.layout in LAYOUTS, f"unknown layout {self.layout!r}")
        returns = {id(n) for n in gast.walk(self.forward) if isinstance(n, gast.Return)}
        require(returns == {id(e.ret) for e in self.exits}, f"{self.forward.name} returns where the plan has no exit")
        statements = {id(n) for n in gast.walk(self.backward) if isinstance(n, gast.Assign)}
        reads = [n for n in gast.walk(self.backward) if isinstance(n, gast.Name) and n.id == self.saved_param and isinstance(n.ctx, gast.Load)]
        expected = []
        for exit in self.exits:
            value = exit.ret.value
            shape = {
                "saved": isinstance(value, gast.Tuple),
                "pair": isinstance(value, gast.Tuple) and len(value.elts) == 2 and isinstance(value.elts[1], gast.Tuple),
                "flat": isinstance(value, gast.Tuple) and len(value.elts) >= 1,
            }[self.layout]
            require(shape, f"a return of {self.forward.name} is not laid out as {self.layout!r}")
            if exit.unpack is None:
                continue
            require(id(exit.unpack) in statements, f"an unpacking of {self.saved_param} is no longer in {self.backward.name}")
            require(
                isinstance(exit.unpack.targets[0], gast.Tuple) and all(isinstance(t, gast.Name) for t in exit.unpack.targets[0].elts)
                and isinstance(exit.unpack.value, gast.Name) and exit.unpack.value.id == self.saved_param,
                f"{self.backward.name}'s unpacking of its saved tuple is not `names... = {self.saved_param}`",
            )
            require(
                len(self.saved_entries(exit)) == len(self.targets(exit)),
                f"{self.forward.name} saves {len(self.saved_entries(exit))} values where {self.backward.name} unpacks {len(self.targets(exit))}",
            )
            expected.append(exit.unpack.value)
        if self.dispatch is not None:
            expected.append(self.dispatch.value)
        require(
            {id(n) for n in reads} == {id(n) for n in expected},
            f"{self.backward.name} reads {self.saved_param} where the plan does not say",
        )

    def drop_value(self):
        """``return (value, saved)`` becomes ``return saved`` (see :func:`s2s.transform.drop_value`)."""
        self.check()
        require(self.layout == "pair", "only a pair can lose its value")
        for exit in self.exits:
            exit.ret.value = exit.ret.value.elts[1]
        self.layout = "saved"

    def drop_saved(self, exit, gone):
        """Stop saving the names in ``gone`` at ``exit``: from its tuple and from its unpacking."""
        require(self.layout in ("pair", "saved"), "a flat tuple's entries cannot be dropped")
        pairs = [(s, t) for s, t in self.entries(exit) if not (isinstance(s, gast.Name) and s.id in gone)]
        saved = exit.ret.value if self.layout == "saved" else exit.ret.value.elts[1]
        saved.elts = [s for s, _ in pairs]
        exit.unpack.targets[0].elts = [t for _, t in pairs]
