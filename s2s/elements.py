"""Element loops on Python floats: the last pass of generated Python code.

Takes a generated ``gast.FunctionDef`` (the entry, a sweep or a forward-mode
function: not compiled code, which numba types itself) and the names of its
parameters that are Python numbers.  Where a loop reads or writes a vector only
entry by entry (``y[i - 1]``, ``x[i]``, ``y_bar[i] += g``), the loop runs on
the vector's entries as a list of Python floats::

    for i in steps:                                 y_list, x_list = float_lists((y, x), len(steps))
        y[i] = a * y[i - 1] + b * x[i]     ->       for i in steps:
                                                        y_list[i] = a * y_list[i - 1] + b * x_list[i]
                                                    write_back(y, y_list)

(:mod:`s2s.runtime.elements`: only a one-dimensional float64 numpy array is
taken apart, and only where the loop's trips are about its length; anything
else is used as it is, so the code is right for every value).  A numpy scalar
costs an allocation per entry read and per operation; a Python float computes
the same IEEE double operations without it: the loop's arithmetic is the same
bit for bit, and several times faster.

Guarantees: every value is the same number as before.  Types may go from
``np.float64`` to ``float``, so a vector is lowered only where that cannot
change what the code does:

* its name appears in the loop only as ``v[index]`` (one integer index, no slice),
  and the loop calls only numpy, math, the builtins for numbers and iteration,
  list methods and runtime helpers that write nothing;
* a vector the loop writes is made in the function (``np.zeros(n)``, ``2 * y``,
  ``zeros_like(x)``: no one else holds it) and, before the loop, is read only
  entry by entry or as an operand (no view or alias of it exists); a vector it
  only reads is not written during the loop through any other name;
* an entry read from a list (and whatever is computed from it: :class:`s2s.floats.Floats`)
  meets only ``+``, ``-``, ``*``, comparisons and numpy/math functions, with
  operands that are Python numbers, float64 scalars of the same lists, or
  integers (``/`` by zero and ``**`` overflow raise on a Python float, and a
  Python float is weaker than ``np.float64`` beside a float32 value), and is
  stored only into a name, a lowered list, a stack or the function's result.
"""

import gast
import numpy

from . import runtime
from .floats import Floats, index as _index, numpy_name as _numpy, stored as _stored
from .numbers import entry_numbers

# builtins that neither mutate nor keep their arguments
PURE_BUILTINS = {"abs", "min", "max", "float", "int", "round", "len", "range", "zip", "reversed", "enumerate", "bool"}
# runtime helpers that write into an argument
WRITERS = {"add_at", "push_row", "write_back"}
# numpy functions that write into their first argument
NUMPY_WRITERS = {"copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis"}
# numpy functions whose result is a new array (or a number), never a view of an argument
MAKERS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "copy", "array"}


def lower_element_loops(fdef, scalars=(), entry=False):
    """Lower the element loops of ``fdef`` in place (see the module docstring); ``scalars``
    names its parameters that are Python numbers, ``entry`` says whether it returns to the
    user (else to generated code).  Returns whether it changed anything."""
    function = _Function(fdef, set(scalars), entry)
    changed = False
    for loop, enclosing in list(_loops(fdef.body, ())):  # (apply puts statements before a loop: each once)
        lowered, witnesses, nonzero, kept, roots, calls = function.plan(loop, enclosing)
        if lowered or roots or calls:
            function.apply(loop, lowered, witnesses, nonzero, kept, roots, calls)
            changed = True
    return changed


def _loops(body, enclosing):
    """Every loop of ``body``, outer loops first, with the loops around it."""
    for stmt in body:
        if isinstance(stmt, (gast.For, gast.While)):
            yield stmt, enclosing
            yield from _loops(stmt.body, enclosing + (stmt,))
        elif isinstance(stmt, gast.If):
            yield from _loops(stmt.body, enclosing)
            yield from _loops(stmt.orelse, enclosing)


def _parents(root):
    parents = {}
    for node in gast.walk(root):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    return parents


class _Function:
    """What the pass knows of one function: its statements in order, who assigns what."""

    def __init__(self, fdef, scalars, entry):
        self.fdef = fdef
        self.scalars = scalars
        self.entry = entry
        self.params = {a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs}
        self.parents = _parents(fdef)
        self.order = {}  # statement -> its place in the body, read top to bottom
        for stmt in _in_order(fdef.body):
            self.order[stmt] = len(self.order)
        self.assigned = {}  # name -> the values assigned to it by `=`
        self.targets = set()  # names a loop binds
        self.stacks = set()  # names assigned an empty list
        for node in gast.walk(fdef):
            if isinstance(node, gast.Assign):
                for target in node.targets:
                    for name in _stored(target):
                        self.assigned.setdefault(name, []).append(node.value if isinstance(target, gast.Name) else None)
                if isinstance(node.value, gast.List) and not node.value.elts and isinstance(node.targets[0], gast.Name):
                    self.stacks.add(node.targets[0].id)
            elif isinstance(node, gast.For):
                self.targets.update(_stored(node.target))
        self.names = {n.id for n in gast.walk(fdef) if isinstance(n, gast.Name)} | self.params
        # names that hold one value: parameters never assigned again, names unpacked once in the
        # body's top level (the values a backward sweep unpacks): float_lists checks their dtype
        # where the analysis took them for float64 (where they are bound: see plan)
        stores = {}
        for n in (n for stmt in fdef.body for n in gast.walk(stmt)):  # (a generated function's parameters may be Stores)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                stores[n.id] = stores.get(n.id, 0) + 1
        self.bound_at = {}  # name unpacked once at the top level (saved values) -> its statement
        for stmt in fdef.body:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], (gast.Tuple, gast.List)):
                for name in (n.id for t in stmt.targets for n in gast.walk(t) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)):
                    if stores.get(name) == 1 and name not in self.params:
                        self.bound_at[name] = stmt
        self.witnessable = (self.params - set(stores) | set(self.bound_at)) - self.scalars
        self.taken_numbers = {}  # name -> the order of the statement where a loop took it as a Python float
        self.converters = set()  # the names of the functions float_lists gives loops for their numpy values (s2s.numbers)
        self.lists = set()  # the names of the lists loops take
        # vector -> (a list at the top level holding its entries from the statement of that order on,
        # whether it was written back there): a vector only read taken apart, or a list written back
        self.taken = {}

    # -- which vectors a loop can take as lists -------------------------------------------

    def plan(self, loop, enclosing):
        """The vectors ``loop`` reads or writes entry by entry that it can take as lists:
        name -> whether the loop writes into it."""
        uses = {}
        for node in gast.walk(loop):
            if isinstance(node, gast.Name):
                uses.setdefault(node.id, []).append(node)
        stored = _stored_in(loop)
        candidates, private = {}, set()
        for name, nodes in uses.items():
            if name in self.lists or name in stored or name in self.stacks:
                continue
            entries = [self.parents.get(n) for n in nodes]
            if not all(isinstance(s, gast.Subscript) and s.value is n and _index(s.slice) for s, n in zip(entries, nodes)):
                continue
            written = any(isinstance(s.ctx, gast.Store) for s in entries)
            if written and self._private(name, loop, enclosing):
                private.add(name)
            if not written or name in private:
                candidates[name] = written
        pure = self._pure(loop, private)
        tails = {name: self._tail(name, loop) for name in private} if not enclosing else {}
        refused = set()  # roots and calls (by id) that reach a use where a Python float could act otherwise
        while True:
            if not pure:
                candidates = {n: w for n, w in candidates.items() if w}
            roots, calls, given = entry_numbers(self, loop, candidates, refused) if not enclosing else ((), (), ())
            calls = [c for c in calls if id(c) not in refused]
            if not candidates and not roots and not calls:
                return candidates, (), (), {}, (), ()
            kept = {n: t for n, t in tails.items() if n in candidates and t is not None}
            floats = Floats(self, loop, candidates, [s for t in kept.values() for s in t], roots, calls)
            keys = {k: i for i, k in floats.calls.items()}
            wrong = floats.wrong() & (set(candidates) | set(roots) | set(keys))
            if not wrong:
                witnesses = (floats.assumed - set(candidates) - set(roots)) | (set(given) if calls else set())
                return candidates, sorted(witnesses), sorted(floats.nonzero), kept, roots, calls
            candidates = {n: w for n, w in candidates.items() if n not in wrong}
            refused |= {keys.get(k, k) for k in wrong}

    def _tail(self, name, loop):
        """The entry reads and writes of ``name`` after ``loop`` where they are all its uses
        there (the loop's list then serves them, and nothing is written back), else None."""
        end = max(self.order[s] for s in _in_order([loop]))
        found = []
        for node in gast.walk(self.fdef):
            if isinstance(node, gast.Name) and node.id == name and not isinstance(node.ctx, gast.Store):
                stmt = self._statement(node)
                if self.order[stmt] <= end:
                    continue
                parent = self.parents.get(node)
                if not (isinstance(parent, gast.Subscript) and parent.value is node and _index(parent.slice)):
                    return None
                found.append(parent)
        return found

    def _pure(self, loop, private):
        """Whether ``loop`` writes into no array but those in ``private`` and calls nothing that
        could (then a vector it only reads keeps its entries during the loop)."""
        for node in gast.walk(loop):
            if isinstance(node, gast.Call) and not self._harmless_call(node):
                return False
            if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Store):
                return False
            if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
                if not (isinstance(node.value, gast.Name) and node.value.id in private):
                    return False
            if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
                name = node.target.id  # in place where it holds an array: one of its own making
                if name in self.params or name in self.targets or not all(_new_array(v) or isinstance(v, gast.Constant) for v in self.assigned.get(name, [])):
                    return False
        return True

    def _harmless_call(self, call):
        func = call.func
        if any(k.arg == "out" for k in call.keywords):
            return False
        if _numpy(func) is not None:
            return _numpy(func) not in NUMPY_WRITERS
        if isinstance(func, gast.Name):
            if func.id in self.converters:
                return True  # float, or the value itself
            if func.id in self.assigned or func.id in self.params or func.id in self.targets:
                return False  # a local that shadows a builtin or a helper
            return func.id in PURE_BUILTINS or func.id in runtime.__all__ and func.id not in WRITERS
        return isinstance(func, gast.Attribute) and func.attr in ("append", "pop") and isinstance(func.value, gast.Name) and func.value.id in self.stacks

    def _private(self, name, loop, enclosing):
        """Whether ``name`` holds an array made in the function that nothing else can hold when
        ``loop`` starts: a new array (``np.zeros(n)``, ``2 * y``, ``g.copy()``) assigned to it
        last before the loop, in the loop's own block (or, in a loop inside another, its only
        assignment), and read since only entry by entry or as an operand."""
        if name in self.params:
            return False
        if enclosing:
            values = self.assigned.get(name, [])
            if len(values) != 1 or not _new_array(values[0]):
                return False
            start, end = -1, max(self.order[s] for s in _in_order([enclosing[0]]))
        else:
            block = self._block(loop)
            made = [s for s in block[:block.index(loop)] if _assigns(s, name)]
            if not made or not _new_array(made[-1].value):
                return False
            start, end = self.order[made[-1]], self.order[loop]
            stores = [n for n in gast.walk(self.fdef) if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Store)]
            if any(start < self.order[self._statement(n)] < end for n in stores):
                return False  # assigned again on some path to the loop
        for node in gast.walk(self.fdef):
            if not (isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)):
                continue
            stmt = self._statement(node)
            if stmt is None or not start < self.order[stmt] <= end or _inside(stmt, loop):
                continue  # the previous value, after the loop, or the loop's own entry reads
            if not self._reading(node, writes=True):  # makes no alias: entry writes and a list written back are fine
                return False
        return True

    def _reading(self, node, writes=False):
        """Whether the use ``node`` of an array's name only reads it: an entry, an operand, its
        shape, an argument of a function that only reads, a vector float_lists takes (with
        ``writes``, also an entry written and a lowered loop's list written back into it)."""
        parent = self.parents.get(node)
        if isinstance(parent, gast.Subscript) and parent.value is node:
            return _index(parent.slice) and (writes or isinstance(parent.ctx, gast.Load))
        if isinstance(parent, gast.Attribute):
            return parent.attr in ("shape", "size", "ndim", "dtype")
        if isinstance(parent, gast.Call):
            return node in parent.args and self._reads_only(parent) and (writes or not _calls(parent, "write_back"))
        if isinstance(parent, gast.Tuple):
            return _calls(self._call_of(parent), "float_lists")
        return isinstance(parent, (gast.BinOp, gast.UnaryOp, gast.Compare))

    def _read_only(self, name, after=None):
        """Whether nothing in the function writes into the array ``name`` holds: it is never
        assigned (a parameter), and read only entry by entry, as an operand, for its shape or by
        functions that only read (no view of it that could be written through); with ``after``
        (an order), whether nothing does so in the statements after it."""
        for node in gast.walk(self.fdef):
            if not (isinstance(node, gast.Name) and node.id == name) or isinstance(node.ctx, gast.Param):
                continue
            if after is not None and self.order.get(self._statement(node), after) <= after:
                continue
            if not (isinstance(node.ctx, gast.Load) and self._reading(node)):
                return False
        return after is not None or name in self.params

    def _writes_only_own(self, start, end):
        """Whether the statements after the ``start``-th and before the ``end``-th write only into
        arrays made in the function (all their assignments new arrays: no view of a parameter,
        which another parameter may be) and the lists of lowered loops, and call nothing that
        could write elsewhere (a parameter read only may still share memory with another)."""
        own = lambda name: name in self.lists or name not in self.params and all(  # noqa: E731
            v is not None and _new_array(v) for v in self.assigned.get(name, [None]))
        for node in gast.walk(self.fdef):
            if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, gast.Store):
                written = node.value.id if isinstance(node.value, gast.Name) else None
            elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
                name = node.target.id  # in place where it holds an array: one of its own making, or a number
                if name not in self.params and name not in self.targets and all(
                        v is not None and (_new_array(v) or isinstance(v, gast.Constant)) for v in self.assigned.get(name, [None])):
                    continue
                written = None
            elif isinstance(node, gast.Call) and not self._harmless_call(node):
                written = node.args[0].id if _calls(node, "write_back") and isinstance(node.args[0], gast.Name) else None
            else:
                continue
            stmt = self._statement(node)
            if stmt is not None and start < self.order.get(stmt, start) < end and not (written is not None and own(written)):
                return False
        return True

    def _reads_only(self, call):
        name = _numpy(call.func)
        if name is not None:
            fn = getattr(numpy, name, None)
            return isinstance(fn, numpy.ufunc) and not call.keywords or name in ("sum", "mean", "prod", "max", "min", "dot", "vdot", "var", "std")
        return isinstance(call.func, gast.Name) and call.func.id in ("write_back", "len", "zeros_like")

    def _call_of(self, argument):
        """The call ``argument`` is passed to, positionally or by keyword (in tuples: ``taken=((x, x_list),)``)."""
        parent = self.parents.get(argument)
        while isinstance(parent, (gast.keyword, gast.Tuple)):
            parent = self.parents.get(parent)
        return parent

    def _statement(self, node):
        while node is not None and not isinstance(node, gast.stmt):
            node = self.parents.get(node)
        return node

    # -- the rewrite -----------------------------------------------------------------------

    def apply(self, loop, lowered, witnesses, nonzero, kept, roots=(), calls=()):
        block = self._block(loop)
        at = block.index(loop)
        trips = _trips(loop, self.assigned, self.stacks) if lowered else None
        names = sorted(lowered, key=lambda n: _first_use(loop, n))
        lists = []
        for name in names:
            entries = self._fresh(f"{name}_list")
            self.lists.add(entries)
            lists.append(entries)
            for node in list(gast.walk(loop)) + kept.get(name, []):
                if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id == name:
                    node.value = _load(entries)
        args = [_tuple([_load(n) for n in names])] + ([trips] if trips is not None else [])
        zeros = [n for n in names + list(roots) if _zeros_before(block, at, n)]
        taken = [n for n in names if not lowered[n] and n in self.taken and self._still_taken(n, self.order[loop])]
        keywords = [gast.keyword(arg=arg, value=_tuple([_load(n) for n in given]))
                    for arg, given in (("floats", witnesses), ("nonzero", nonzero), ("zeros", zeros)) if given]
        if taken:  # vectors an earlier loop took apart and nothing wrote since: its lists again
            keywords.append(gast.keyword(arg="taken", value=_tuple([_tuple([_load(n), _load(self.taken[n][0])]) for n in taken])))
        if roots:  # the numbers it reads from before it, as Python floats (s2s.numbers)
            keywords.append(gast.keyword(arg="numbers", value=_tuple([_load(n) for n in roots])))
        converter = []
        if calls:  # the values of its numpy functions, through float (or as they are)
            converter = [self._fresh("to_float")]
            self.converters.add(converter[0])
            keywords.append(gast.keyword(arg="results", value=gast.Constant(value=True, kind=None)))
            for node in calls:
                _replace(self.parents[node], node, _call(converter[0], [node]))
        end = max(self.order[s] for s in _in_order([loop]))
        call = _call("float_lists", args)
        call.keywords = keywords
        take = gast.Assign(targets=[_tuple([_store(n) for n in lists + list(roots) + converter], gast.Store())], value=call, type_comment=None)
        take.s2s_take = True  # the same values (s2s.floats, s2s.numbers)
        self.taken_numbers.update((name, self.order[loop]) for name in roots)
        after = [_at(loop, gast.Expr(value=_call("write_back", [_load(n), _load(e)]))) for n, e in zip(names, lists) if lowered[n] and n not in kept]
        if block is self.fdef.body:
            for name, entries in zip(names, lists):
                if not lowered[name] and name not in self.taken:
                    self.taken[name] = entries, self.order[loop], False
                elif lowered[name] and name not in kept:  # written back: the list holds the array's entries
                    self.taken[name] = entries, end, True
        block[at:at + 1] = [_at(loop, take), loop] + after
        self.parents = _parents(self.fdef)
        for stmt in [take] + after:
            self.order[stmt] = self.order[loop]

    def _still_taken(self, name, at):
        """Whether the list ``self.taken`` holds for ``name`` still holds its entries at the
        statement of order ``at``: nothing wrote into the array since (a parameter never is; a
        vector written back is not after that), nor into anything but arrays of the function's
        own making."""
        _, since, written = self.taken[name]
        return since < at and self._read_only(name, after=since if written else None) and self._writes_only_own(since, at)

    def _block(self, loop):
        for body in [self.fdef.body] + [b for s in _in_order(self.fdef.body) for b in _bodies(s)]:
            if any(s is loop for s in body):
                return body
        raise AssertionError("a loop outside the function")

    def _fresh(self, name):
        candidate, k = name, 2
        while candidate in self.names:
            candidate, k = f"{name}_{k}", k + 1
        self.names.add(candidate)
        return candidate


def _replace(parent, old, new):
    """Put ``new`` where ``parent`` holds ``old``."""
    for field, value in gast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for k, item in enumerate(value):
                if item is old:
                    value[k] = new
                    return
    raise AssertionError("not a child")


def _stored_in(loop):
    return {n.id for n in gast.walk(loop) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _assigns(stmt, name):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name


def _zeros_before(block, at, name):
    """Whether ``name`` holds zeros when ``block[at]`` starts: the last statement before it that
    mentions ``name`` makes it with ``zeros_like(x)`` or ``np.zeros(...)`` (in float64, +0.0)."""
    for stmt in reversed(block[:at]):
        if any(isinstance(n, gast.Name) and n.id == name for n in gast.walk(stmt)):
            value = stmt.value if _assigns(stmt, name) else None
            return isinstance(value, gast.Call) and not value.keywords and (
                _calls(value, "zeros_like") and len(value.args) == 1 or _numpy(value.func) in ("zeros", "zeros_like") and len(value.args) == 1)
    return False


def _calls(node, name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == name


def _new_array(value):
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if not isinstance(value, gast.Call):
        return False
    name = _numpy(value.func)
    if name is not None:
        return name in MAKERS and not any(k.arg == "copy" for k in value.keywords)
    if isinstance(value.func, gast.Attribute):
        return value.func.attr == "copy" and not value.args
    return isinstance(value.func, gast.Name) and value.func.id == "zeros_like"


def _in_order(body):
    for stmt in body:
        yield stmt
        for block in _bodies(stmt):
            yield from _in_order(block)


def _inside(stmt, loop):
    return any(s is stmt for s in gast.walk(loop))


def _bodies(node):
    """The statement lists directly in ``node``."""
    for field in ("body", "orelse"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            yield block


def _trips(loop, assigned, stacks):
    """``len(steps)`` of a loop over a range, a stack or the reversal of a sequence (``for i in
    steps``, ``zip(reversed(steps), ...)``, ``zip(reversed(h_stack), ...)``), else None (a while loop: its trips are not known
    when it starts)."""
    if not isinstance(loop, gast.For):
        return None
    for node in gast.walk(loop.iter):
        if isinstance(node, gast.Name) and (node.id in stacks or any(
                isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and v.func.id == "range" for v in assigned.get(node.id, []) if v is not None)):
            return _call("len", [_load(node.id)])
        if _calls(node, "reversed") and len(node.args) == 1 and isinstance(node.args[0], gast.Name):
            return _call("len", [_load(node.args[0].id)])  # a sequence: reversed asks it for its length too
    return None


def _first_use(loop, name):
    for k, node in enumerate(gast.walk(loop)):
        if isinstance(node, gast.Name) and node.id == name:
            return k
    return 0


def _at(loop, stmt):
    stmt.s2s_line, stmt.s2s_text = getattr(loop, "s2s_line", None), getattr(loop, "s2s_text", None)
    return stmt


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def _tuple(elts, ctx=None):
    return gast.Tuple(elts=elts, ctx=ctx or gast.Load())


def _call(name, args):
    return gast.Call(func=_load(name), args=args, keywords=[])
