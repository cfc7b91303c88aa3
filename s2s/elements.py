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
* an entry read from a list (and whatever is computed from it: :class:`_Floats`)
  meets only ``+``, ``-``, ``*``, comparisons and numpy/math functions, with
  operands that are Python numbers, float64 scalars of the same lists, or
  integers (``/`` by zero and ``**`` overflow raise on a Python float, and a
  Python float is weaker than ``np.float64`` beside a float32 value), and is
  stored only into a name, a lowered list, a stack or the function's result.
"""

import builtins

import gast
import numpy

from . import runtime

ARITHMETIC = (gast.Add, gast.Sub, gast.Mult)
# builtins that neither mutate nor keep their arguments
PURE_BUILTINS = {"abs", "min", "max", "float", "int", "round", "len", "range", "zip", "reversed", "enumerate", "bool"}
# runtime helpers that write into an argument
WRITERS = {"add_at", "push_row", "write_back"}
# numpy functions whose result is a new array (or a number), never a view of an argument
FLOAT64 = {"sum", "mean", "prod", "max", "min", "dot", "var", "std", "zeros", "ones", "empty", "abs"}
MAKERS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "copy", "array"}


def lower_element_loops(fdef, scalars=(), entry=False):
    """Lower the element loops of ``fdef`` in place (see the module docstring); ``scalars``
    names its parameters that are Python numbers, ``entry`` says whether it returns to the
    user (else to generated code).  Returns whether it changed anything."""
    function = _Function(fdef, set(scalars), entry)
    changed = False
    for loop, enclosing in _loops(fdef.body, ()):
        lowered, witnesses, nonzero, kept = function.plan(loop, enclosing)
        if lowered:
            function.apply(loop, lowered, witnesses, nonzero, kept)
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


def _index(node):
    """Whether ``node`` is one integer index: a name, an integer, sums and differences of them."""
    if isinstance(node, gast.Name):
        return True
    if isinstance(node, gast.Constant):
        return type(node.value) is int
    if isinstance(node, gast.UnaryOp):
        return isinstance(node.op, gast.USub) and _index(node.operand)
    return isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)) and _index(node.left) and _index(node.right)


def _parents(root):
    parents = {}
    for node in gast.walk(root):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _numpy(node):
    """The numpy or math function a call's ``np.name`` / ``math.name`` spells, or None."""
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id in ("np", "math"):
        return node.attr
    return None


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
        # parameters never assigned again: float_lists checks their dtype when the analysis took them for float64
        self.witnessable = self.params - set(self.assigned) - self.targets - self.scalars - {
            n.target.id for n in gast.walk(fdef) if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name)}
        self.lists = {}  # lowered vector -> its list's name

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
            if name in self.lists.values() or name in stored or name in self.stacks:
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
        while True:
            if not pure:
                candidates = {n: w for n, w in candidates.items() if w}
            if not candidates:
                return candidates, (), (), {}
            kept = {n: t for n, t in tails.items() if n in candidates and t is not None}
            floats = _Floats(self, loop, candidates, [s for t in kept.values() for s in t])
            wrong = floats.wrong() & set(candidates)
            if not wrong:
                return candidates, sorted(floats.assumed - set(candidates)), sorted(floats.nonzero), kept
            candidates = {n: w for n, w in candidates.items() if n not in wrong}

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
            return True
        if isinstance(func, gast.Name):
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
            parent = self.parents.get(node)
            if isinstance(parent, gast.Subscript) and parent.value is node and _index(parent.slice):
                continue
            if isinstance(parent, (gast.BinOp, gast.UnaryOp, gast.Compare)):
                continue
            if isinstance(parent, gast.Attribute) and parent.attr in ("shape", "size", "ndim", "dtype"):
                continue
            if isinstance(parent, gast.Call) and node in parent.args and self._reads_only(parent):
                continue
            if isinstance(parent, gast.Tuple) and _calls(self.parents.get(parent), "float_lists"):
                continue
            return False
        return True

    def _reads_only(self, call):
        name = _numpy(call.func)
        if name is not None:
            fn = getattr(numpy, name, None)
            return isinstance(fn, numpy.ufunc) and not call.keywords or name in ("sum", "mean", "prod", "max", "min", "dot", "vdot", "var", "std")
        return isinstance(call.func, gast.Name) and call.func.id in ("write_back", "len", "zeros_like")

    def _statement(self, node):
        while node is not None and not isinstance(node, gast.stmt):
            node = self.parents.get(node)
        return node

    # -- the rewrite -----------------------------------------------------------------------

    def apply(self, loop, lowered, witnesses, nonzero, kept):
        block = self._block(loop)
        at = block.index(loop)
        trips = _trips(loop, self.assigned)
        names = sorted(lowered, key=lambda n: _first_use(loop, n))
        lists = []
        for name in names:
            entries = self.lists[name] = self._fresh(f"{name}_list")
            lists.append(entries)
            for node in list(gast.walk(loop)) + kept.get(name, []):
                if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id == name:
                    node.value = _load(entries)
        args = [_tuple([_load(n) for n in names])] + ([trips] if trips is not None else [])
        keywords = [gast.keyword(arg=arg, value=_tuple([_load(n) for n in given])) for arg, given in (("floats", witnesses), ("nonzero", nonzero)) if given]
        call = _call("float_lists", args)
        call.keywords = keywords
        take = gast.Assign(targets=[_tuple([_store(n) for n in lists], gast.Store())], value=call, type_comment=None)
        after = [_at(loop, gast.Expr(value=_call("write_back", [_load(n), _load(self.lists[n])]))) for n in names if lowered[n] and n not in kept]
        block[at:at + 1] = [_at(loop, take), loop] + after
        self.parents = _parents(self.fdef)
        for stmt in [take] + after:
            self.order[stmt] = self.order[loop]

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


class _Floats:
    """Which names may hold a Python float read from a lowered list (``tainted``, by the
    vectors they come from), which hold numbers whose type cannot matter beside one
    (``plain``: Python numbers, integers, and those floats), and which lowered vectors an
    unsafe use of such a float rules out (:meth:`wrong`)."""

    def __init__(self, function, loop, lowered, tails=()):
        self.f = function
        self.loop = loop
        self.lowered = lowered
        self.inside = {id(n) for n in gast.walk(loop)} | {id(n) for t in tails for n in gast.walk(t)}
        self.assumed = set()  # parameters taken for float64 arrays (float_lists checks them)
        self.nonzero = set()  # divisors float_lists checks are not zero
        self.plain = self._plain()
        self.tainted = self._tainted()

    def _source(self, node):
        """The lowered vectors whose entries ``node`` may carry."""
        if isinstance(node, gast.Name):
            return self.tainted.get(node.id, set())
        if isinstance(node, gast.Subscript):
            base = node.value
            if isinstance(base, gast.Name) and base.id in self.lowered and id(node) in self.inside and isinstance(node.ctx, gast.Load):
                return {base.id}
            return self._source(base) if isinstance(base, gast.Name) and base.id in self.f.stacks else set()
        if isinstance(node, gast.Call):
            if _numpy(node.func) is not None:
                return set()  # a numpy function of a Python float gives a numpy scalar, as of a numpy scalar
            if isinstance(node.func, gast.Attribute) and node.func.attr == "pop":
                return self._source(node.func.value)
            if isinstance(node.func, gast.Name) and node.func.id in ("float", "int", "len", "bool", "range"):
                return set()
        found = set()
        for child in gast.iter_child_nodes(node):
            if isinstance(child, gast.expr):
                found |= self._source(child)
        return found

    def _tainted(self):
        tainted = {}
        self.tainted = tainted
        changed = True
        while changed:
            changed = False
            for node in gast.walk(self.f.fdef):
                pairs = []
                if isinstance(node, gast.Assign):
                    pairs = [(t, node.value) for t in node.targets]
                elif isinstance(node, gast.AugAssign):
                    pairs = [(node.target, node)]
                elif isinstance(node, gast.For):
                    pairs = [(node.target, node.iter)]
                elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "append" and isinstance(node.func.value, gast.Name):
                    pairs = [(gast.Name(id=node.func.value.id, ctx=gast.Store(), annotation=None, type_comment=None), node.args[0] if node.args else node)]
                for target, value in pairs:
                    sources = self._source(value.value if isinstance(value, gast.AugAssign) else value)
                    for name in _stored(target):
                        old = tainted.get(name, set())
                        if not sources <= old:
                            tainted[name] = old | sources
                            changed = True
        return tainted

    def _plain(self):
        """Names that hold only Python numbers, integers or float64 scalars of lowered lists:
        all assigned names at first, then those with an assignment that is not, until nothing changes."""
        f = self.f
        plain = (set(f.assigned) | f.targets) - f.params - f.stacks | (f.scalars & f.params)
        changed = True
        while changed:
            changed = False
            for node in gast.walk(f.fdef):
                if isinstance(node, gast.Assign):
                    pairs = [(t, node.value) for t in node.targets]
                elif isinstance(node, gast.AugAssign):
                    pairs = [(node.target, node.value)]
                elif isinstance(node, gast.For):
                    pairs = [(node.target, node.iter)]
                else:
                    continue
                for target, value in pairs:
                    if isinstance(target, gast.Subscript) or self._is_plain(value, plain, iterated=isinstance(node, gast.For)):
                        continue
                    for name in _stored(target):
                        if name in plain and not (isinstance(value, gast.List) and not value.elts):
                            plain.discard(name)
                            changed = True
        return plain

    def _is_plain(self, node, plain, iterated=False):
        if iterated:  # a loop's iterable: ranges, zips and reversals of ranges and stacks of plain values
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in ("zip", "reversed", "range", "enumerate"):
                return all(self._is_plain(a, plain, node.func.id != "range") for a in node.args)
            return isinstance(node, gast.Name) and (node.id in plain or node.id in self.f.stacks and self._stack_plain(node.id, plain))
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float, bool)
        if isinstance(node, gast.Name):
            if node.id in self.f.witnessable:
                self.assumed.add(node.id)
                return True
            return node.id in plain or node.id in self.lowered  # a lowered vector is a float64 array
        if isinstance(node, (gast.BinOp, gast.UnaryOp, gast.BoolOp, gast.IfExp, gast.Compare, gast.Tuple)):
            return all(self._is_plain(c, plain) for c in gast.iter_child_nodes(node) if isinstance(c, gast.expr))
        if isinstance(node, gast.Subscript):
            base = node.value
            if isinstance(base, gast.Name) and (base.id in self.lowered or base.id in self.f.lists.values()):
                return _index(node.slice)  # an entry of a float64 vector
            if isinstance(base, gast.Name) and base.id in self.f.stacks:
                return self._stack_plain(base.id, plain)
            if isinstance(base, gast.Attribute) and base.attr == "shape":
                return True
            if isinstance(base, gast.Name) and base.id in self.f.witnessable:
                self.assumed.add(base.id)
                return True
            return isinstance(base, gast.Name) and base.id in plain
        if isinstance(node, gast.Attribute):
            return node.attr in ("shape", "size", "ndim")
        if isinstance(node, gast.Call):
            func = node.func
            args_plain = all(self._is_plain(a, plain) for a in node.args) and not node.keywords
            if _float64(func) or isinstance(func, gast.Name) and func.id in ("abs", "min", "max", "float", "int", "round", "bool", "zeros_like", "seed_like"):
                return args_plain
            if isinstance(func, gast.Name) and func.id in ("len", "range", "size_of"):
                return True
            if isinstance(func, gast.Attribute) and func.attr == "pop" and isinstance(func.value, gast.Name) and func.value.id in self.f.stacks:
                return self._stack_plain(func.value.id, plain)
            if isinstance(func, gast.Attribute) and func.attr == "copy" and not node.args and not node.keywords:
                return self._is_plain(func.value, plain)
        return False

    def _stack_plain(self, stack, plain):
        for node in gast.walk(self.f.fdef):
            if (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "append"
                    and isinstance(node.func.value, gast.Name) and node.func.value.id == stack):
                if not all(self._is_plain(a, plain) for a in node.args):
                    return False
        return True

    def _safe_operator(self, binop):
        """``+``, ``-``, ``*``; ``/`` by a number that does not change during the loop, which
        :func:`~s2s.runtime.float_lists` checks is not zero (``x / 0.0`` raises on a Python float
        where numpy gives inf: ``nonzero``)."""
        if isinstance(binop.op, ARITHMETIC):
            return True
        if not isinstance(binop.op, gast.Div) or self._source(binop.right):
            return False
        divisor = binop.right
        if isinstance(divisor, gast.Constant):
            return type(divisor.value) in (int, float) and divisor.value != 0
        if not isinstance(divisor, gast.Name):
            return False
        f = self.f
        if divisor.id in f.params:  # checked once, divided by anywhere
            if divisor.id in f.assigned or divisor.id in f.targets:
                return False
        elif id(binop) not in self.inside:
            return False
        else:
            stores = [n for n in gast.walk(f.fdef) if isinstance(n, gast.Name) and n.id == divisor.id and isinstance(n.ctx, gast.Store)]
            if len(stores) != 1 or f.order[f._statement(stores[0])] >= f.order[self.loop]:
                return False  # assigned again, or after the check
        self.nonzero.add(divisor.id)
        return True

    def _float64_entries(self, target):
        """For an entry written (``v[i] = ...``, ``v[i] += ...``): the lowered vector whose list
        or float64 array it goes into (a parameter taken for float64: ``assumed``), else None."""
        base = target.value
        if not (isinstance(base, gast.Name) and _index(target.slice)):
            return None
        if base.id in self.lowered or base.id in self.f.lists.values() or base.id in self.plain:
            return base.id
        if base.id in self.f.witnessable:
            self.assumed.add(base.id)
            return base.id
        return None

    def wrong(self):
        """The lowered vectors whose floats reach a use where a Python float could act
        otherwise than a numpy scalar."""
        wrong = set()
        for node in gast.walk(self.f.fdef):
            wrong |= self._check(node)
        return wrong

    def _check(self, node):
        src = self._source
        if isinstance(node, gast.BinOp):
            found = src(node.left) | src(node.right)
            if found and not (self._safe_operator(node) and self._is_plain(node.left, self.plain) and self._is_plain(node.right, self.plain)):
                return found
        elif isinstance(node, gast.AugAssign):
            target, found = node.target, src(node.value)
            arithmetic = isinstance(node.op, ARITHMETIC) and self._is_plain(node.value, self.plain)
            if isinstance(target, gast.Subscript):
                into = self._float64_entries(target)
                if into is not None and not arithmetic:
                    return found | {into} if into in self.lowered else found
                return found if into is None else set()
            if isinstance(target, gast.Name):
                found |= self.tainted.get(target.id, set())
                if found and not (arithmetic and target.id in self.plain):
                    return found
            elif found:  # an attribute: not where a Python float goes
                return found
        elif isinstance(node, gast.Compare):
            parts = [node.left] + node.comparators
            found = set().union(*(src(p) for p in parts))
            if found and not all(self._is_plain(p, self.plain) for p in parts):
                return found
        elif isinstance(node, gast.Call):
            found = set().union(set(), *(src(a) for a in node.args), *(src(k.value) for k in node.keywords))
            func = node.func
            if found:
                if isinstance(func, gast.Attribute) and func.attr == "append" and isinstance(func.value, gast.Name) and func.value.id in self.f.stacks:
                    return set()
                if isinstance(func, gast.Name) and func.id in ("zip", "reversed", "enumerate"):
                    return set()
                numeric = _numpy(func) is not None or isinstance(func, gast.Name) and func.id in ("abs", "min", "max", "float", "int", "round", "bool", "zeros_like")
                if not (numeric and not node.keywords and all(self._is_plain(a, self.plain) for a in node.args)):
                    return found
        elif isinstance(node, gast.Attribute):
            if isinstance(node.value, gast.Name) and node.value.id in self.f.stacks:
                return set()  # append, pop
            return src(node.value)
        elif isinstance(node, gast.Subscript):
            base = node.value
            if isinstance(node.ctx, gast.Store):
                parent = self.f.parents.get(node)
                value = parent.value if isinstance(parent, (gast.Assign, gast.AugAssign)) else None
                into = self._float64_entries(node)
                if into is None:  # an entry of an array of any dtype, of a dict: not where a Python float goes
                    return src(value) if value is not None else set()
                if value is not None and self._is_plain(value, self.plain):
                    return set()
                found = src(value) if value is not None else set()
                return found | {into} if into in self.lowered else found  # a list keeps what it is given
            if isinstance(base, gast.Name) and (base.id in self.lowered and id(node) in self.inside or base.id in self.f.lists.values() or base.id in self.f.stacks):
                return set()
            return src(base)
        elif isinstance(node, gast.Assign):
            if any(isinstance(t, gast.Attribute) for t in node.targets):
                return src(node.value)
        elif isinstance(node, gast.Return) and not self.f.entry and node.value is not None:
            return src(node.value)  # to generated code that counts on what the function returned before
        return set()


def _stored(target):
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [n for e in target.elts for n in _stored(e)]
    return []


def _stored_in(loop):
    return {n.id for n in gast.walk(loop) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _assigns(stmt, name):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name


def _calls(node, name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == name


def _float64(func):
    """Whether ``np.name`` / ``math.name`` gives float64 values (or integers) of float64 and
    integer arguments: ufuncs, reductions, new arrays without a dtype."""
    name = _numpy(func)
    if name is None:
        return False
    if func.value.id == "math":
        return True
    return isinstance(getattr(numpy, name, None), numpy.ufunc) or name in FLOAT64


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


def _inside_node(node, loop):
    return any(n is node for n in gast.walk(loop))


def _bodies(node):
    """The statement lists directly in ``node``."""
    for field in ("body", "orelse"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            yield block


def _trips(loop, assigned):
    """``len(steps)`` of a loop over a range (``for i in steps``, ``zip(reversed(steps), ...)``),
    else None (a while loop: its trips are not known when it starts)."""
    if not isinstance(loop, gast.For):
        return None
    for node in gast.walk(loop.iter):
        if isinstance(node, gast.Name) and any(isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and v.func.id == "range" for v in assigned.get(node.id, []) if v is not None):
            return _call("len", [_load(node.id)])
    if isinstance(loop.iter, gast.Call) and isinstance(loop.iter.func, gast.Name) and loop.iter.func.id == "range":
        return None
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
