"""Which values of a generated function may be Python floats, and whether that is safe.

The analysis of :mod:`s2s.elements`, kept apart from its rewrite.  Takes the
pass's view of one function (``s2s.elements._Function``: the assignments, the
stacks, the parameters taken for float64 arrays, the lists earlier loops made),
a loop, and the vectors the loop would read and write as lists.  Never edits.

``Floats.tainted`` maps each name that may hold a Python float read from one of
those lists to the vectors it comes from (through arithmetic, stacks, loop
targets); ``Floats.plain`` is the names that hold only values a Python float may
meet without acting otherwise than ``np.float64`` would: Python numbers,
integers, float64 scalars and arrays (entries of the lowered vectors, of
parameters ``float_lists`` checks are float64, results of ufuncs and
reductions of such values).  ``Floats.wrong`` names the vectors whose floats
reach a use where a Python float could act otherwise: ``/`` by zero, ``**``,
a float32 operand (a Python float is weaker than ``np.float64`` beside it), an
attribute, an unknown call, a store into an array of unknown dtype or into
generated code that counts on what a function returned.
"""

import gast
import numpy

from .runtime.float_math import ON_FLOATS

ARITHMETIC = (gast.Add, gast.Sub, gast.Mult)
# numpy functions (besides ufuncs) whose value is float64 where their arguments are float64 or integers
FLOAT64 = {"sum", "mean", "prod", "max", "min", "dot", "var", "std", "zeros", "ones", "empty", "abs"}
# builtins and runtime helpers of numbers: a float64 value (or an integer) of float64 values and integers
NUMERIC = {"abs", "min", "max", "float", "int", "round", "bool"} | set(ON_FLOATS.values())


def index(node):
    """Whether ``node`` is one integer index: a name, an integer, sums and differences of them."""
    if isinstance(node, gast.Name):
        return True
    if isinstance(node, gast.Constant):
        return type(node.value) is int
    if isinstance(node, gast.UnaryOp):
        return isinstance(node.op, gast.USub) and index(node.operand)
    return isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)) and index(node.left) and index(node.right)


def numpy_name(node):
    """The numpy or math function a call's ``np.name`` / ``math.name`` spells, or None."""
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id in ("np", "math"):
        return node.attr
    return None


def stored(target):
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [n for e in target.elts for n in stored(e)]
    return []


def _float64(func):
    """Whether ``np.name`` / ``math.name`` gives float64 values (or integers) of float64 and
    integer arguments: ufuncs, reductions, new arrays without a dtype."""
    name = numpy_name(func)
    if name is None:
        return False
    if func.value.id == "math":
        return True
    return isinstance(getattr(numpy, name, None), numpy.ufunc) or name in FLOAT64


class Floats:
    """Which names may hold a Python float read from a lowered list (``tainted``, by the
    vectors they come from), which hold numbers whose type cannot matter beside one
    (``plain``: Python numbers, integers, and those floats), and which lowered vectors an
    unsafe use of such a float rules out (:meth:`wrong`)."""

    def __init__(self, function, loop, lowered, tails=(), numbers=(), calls=()):
        self.f = function
        self.loop = loop
        self.lowered = lowered
        self.roots = set(numbers)  # names the loop takes as Python floats at its entry (s2s.numbers)
        self.calls = {id(c): f"<{numpy_name(c.func)} {k}>" for k, c in enumerate(calls)}  # numpy calls whose values it takes so
        self.inside = {id(n) for n in gast.walk(loop)} | {id(n) for t in tails for n in gast.walk(t)}
        # names float_lists can check before the loop: bound by then, never again
        self.witnessable = {n for n in function.witnessable if n not in function.bound_at or function.order[function.bound_at[n]] < function.order[loop]}
        self.assumed = set()  # names taken for float64 values (float_lists checks them)
        self._collect = self.assumed  # where _is_plain puts the names it takes for float64
        self.nonzero = set()  # divisors float_lists checks are not zero
        self.plain = self._plain()
        self.tainted = self._tainted()

    def _source(self, node):
        """The lowered vectors whose entries ``node`` may carry (and the roots, the calls' keys)."""
        if isinstance(node, gast.Call) and id(node) in self.calls:
            return {self.calls[id(node)]}
        if isinstance(node, gast.Name):
            return self.tainted.get(node.id, set())
        if isinstance(node, gast.Subscript):
            base = node.value
            if isinstance(base, gast.Name) and base.id in self.lowered and id(node) in self.inside and isinstance(node.ctx, gast.Load):
                return {base.id}
            if isinstance(base, gast.Name) and (base.id in self.f.stacks or self._tuple(base.id)):
                return self._source(base)  # what was appended, what the tuple holds
            return set()
        if isinstance(node, gast.Call):
            if numpy_name(node.func) is not None:
                return set()  # a numpy function of a Python float gives a numpy scalar, as of a numpy scalar
            if isinstance(node.func, gast.Attribute) and node.func.attr == "pop":
                return self._source(node.func.value)
            if isinstance(node.func, gast.Name) and node.func.id in ("float", "int", "len", "bool", "range", "unindex", "stacked"):
                return set()  # (unindex, stacked: an array that holds the numbers)
        found = set()
        for child in gast.iter_child_nodes(node):
            if isinstance(child, gast.expr):
                found |= self._source(child)
        return found

    def _tainted(self):
        tainted = {name: {name} for name in self.roots}
        self.tainted = tainted
        changed = True
        while changed:
            changed = False
            for node in gast.walk(self.f.fdef):
                pairs = []
                if getattr(node, "s2s_take", False):
                    continue  # an earlier loop's float_lists: the same numbers
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
                    for name in stored(target):
                        old = tainted.get(name, set())
                        if not sources <= old:
                            tainted[name] = old | sources
                            changed = True
        return tainted

    def _plain(self):
        """Names that hold only Python numbers, integers or float64 values: all assigned names
        at first, then those with an assignment that is not, until nothing changes; with, in
        ``deps``, the names float_lists must check for each (those it was taken from)."""
        f = self.f
        plain = (set(f.assigned) | f.targets) - f.params - f.stacks | (f.scalars & f.params)
        self.deps = {}
        changed = True
        while changed:
            changed = False
            for node in gast.walk(f.fdef):
                if getattr(node, "s2s_take", False):
                    continue  # an earlier loop's float_lists: the same numbers
                if isinstance(node, gast.Assign):
                    pairs = [(t, node.value) for t in node.targets]
                elif isinstance(node, gast.AugAssign):
                    pairs = [(node.target, node.value)]
                elif isinstance(node, gast.For):
                    pairs = [(node.target, node.iter)]
                else:
                    continue
                for target, value in pairs:
                    names = stored(target)
                    if isinstance(target, gast.Subscript) or names and all(n in self.witnessable for n in names):
                        continue  # an entry's store; names float_lists checks themselves
                    if names and all(n in self.roots for n in names) and id(node) not in self.inside and f.order.get(f._statement(node), 0) < f.order[self.loop]:
                        continue  # what a root held before the loop: a Python float (or a float64 scalar) from its entry on
                    self._collect = set()
                    if self._is_plain(value, plain, iterated=isinstance(node, gast.For)):
                        for name in names:
                            if not self._collect <= self.deps.get(name, set()):
                                self.deps[name] = self.deps.get(name, set()) | self._collect
                                changed = True
                        continue
                    for name in names:
                        if name in plain and not (isinstance(value, gast.List) and not value.elts):
                            plain.discard(name)
                            changed = True
        self._collect = self.assumed
        return plain

    def _plain_name(self, name, plain):
        """Whether ``name`` is plain (the names it was taken from go to ``_collect``)."""
        if name in self.witnessable:
            self._collect.add(name)
            return True
        if name in plain:
            self._collect |= self.deps.get(name, set())
            return True
        return False

    def _is_plain(self, node, plain, iterated=False):
        if iterated:  # a loop's iterable: ranges, zips and reversals of ranges and stacks of plain values
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in ("zip", "reversed", "range", "enumerate"):
                return all(self._is_plain(a, plain, node.func.id != "range") for a in node.args)
            return isinstance(node, gast.Name) and (self._plain_name(node.id, plain) or node.id in self.f.stacks and self._stack_plain(node.id, plain))
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float, bool)
        if isinstance(node, gast.Name):
            return self._plain_name(node.id, plain) or node.id in self.lowered  # a lowered vector is a float64 array
        if isinstance(node, (gast.BinOp, gast.UnaryOp, gast.BoolOp, gast.IfExp, gast.Compare, gast.Tuple)):
            return all(self._is_plain(c, plain) for c in gast.iter_child_nodes(node) if isinstance(c, gast.expr))
        if isinstance(node, gast.Subscript):
            base = node.value
            if isinstance(base, gast.Name) and (base.id in self.lowered or base.id in self.f.lists):
                return index(node.slice)  # an entry of a float64 vector
            if isinstance(base, gast.Name) and base.id in self.f.stacks:
                return self._stack_plain(base.id, plain)
            if isinstance(base, gast.Attribute) and base.attr == "shape":
                return True
            return isinstance(base, gast.Name) and self._plain_name(base.id, plain)
        if isinstance(node, gast.Attribute):
            return node.attr in ("shape", "size", "ndim")
        if isinstance(node, gast.Call):
            func = node.func
            args_plain = all(self._is_plain(a, plain) for a in node.args) and not node.keywords
            if _float64(func) or isinstance(func, gast.Name) and (func.id in NUMERIC or func.id in ("zeros_like", "seed_like")):
                return args_plain
            if isinstance(func, gast.Name) and func.id in ("len", "range", "size_of"):
                return True
            if isinstance(func, gast.Name) and func.id in self.f.converters:
                return args_plain  # float or the value itself
            if isinstance(func, gast.Name) and func.id in ("GradTuple", "unindex") and func.id not in self.f.assigned:
                return args_plain  # a tuple of the numbers; the number in zeros of a float64 array's dtype
            if isinstance(func, gast.Name) and func.id == "stacked" and func.id not in self.f.assigned:
                return self._stacks_numbers(node, plain)
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
        divisor, source = binop.right, self._source(binop.right)
        if not isinstance(binop.op, gast.Div) or source and not (isinstance(divisor, gast.Name) and source <= {divisor.id} <= self.roots):
            return False  # (a root: a Python float from the loop's entry on, the same number throughout)
        if isinstance(divisor, gast.Constant):
            return type(divisor.value) in (int, float) and divisor.value != 0
        if not isinstance(divisor, gast.Name):
            return False
        f = self.f
        if divisor.id in f.params:  # checked once, divided by anywhere
            if divisor.id in f.assigned or divisor.id in f.targets:
                return False
        else:  # bound once before the loop: checked there, divided by in the loop or after its binding
            stores = [n for n in gast.walk(f.fdef) if isinstance(n, gast.Name) and n.id == divisor.id and isinstance(n.ctx, gast.Store)
                      and not getattr(f._statement(n), "s2s_take", False)]  # (float_lists: the same number)
            if len(stores) != 1 or f.order[f._statement(stores[0])] >= f.order[self.loop]:
                return False  # assigned again, or after the check
            if id(binop) not in self.inside and f.order.get(f._statement(binop), -1) <= f.order[f._statement(stores[0])]:
                return False
        self.nonzero.add(divisor.id)
        return True

    def _stacks_numbers(self, call, plain):
        """Whether ``call`` is ``stacked([a, b, ...])`` of plain values (a float64 array of them)."""
        return len(call.args) == 1 and not call.keywords and isinstance(call.args[0], (gast.List, gast.Tuple)) and all(
            self._is_plain(e, plain) for e in call.args[0].elts)

    def _tuple(self, name):
        """Whether every value assigned to ``name`` is a tuple display (``GradTuple((a, b))`` too)."""
        values = self.f.assigned.get(name, [None])
        return name not in self.f.params and name not in self.f.targets and all(
            isinstance(v, gast.Tuple) or isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and v.func.id == "GradTuple"
            and len(v.args) == 1 and isinstance(v.args[0], gast.Tuple) for v in values)

    def _into_list(self, target):
        """Whether ``target`` (``v[i]`` written) is an entry of a list a lowered loop writes."""
        base = target.value
        return isinstance(base, gast.Name) and index(target.slice) and (
            base.id in self.lowered and id(target) in self.inside or base.id in self.f.lists)

    def _float64_entries(self, target):
        """For an entry written (``v[i] = ...``, ``v[i] += ...``): the lowered vector whose list
        or float64 array it goes into (a parameter taken for float64: ``assumed``), else None."""
        base = target.value
        if not (isinstance(base, gast.Name) and index(target.slice)):
            return None
        if base.id in self.lowered or base.id in self.f.lists or self._plain_name(base.id, self.plain):
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
            arithmetic = lambda: isinstance(node.op, ARITHMETIC) and self._is_plain(node.value, self.plain)  # noqa: E731
            if isinstance(target, gast.Subscript):
                if self._into_list(target):  # a list keeps what it is given: only numbers of a float64's kind
                    return set() if arithmetic() else found | {target.value.id}
                if found and not (self._float64_entries(target) is not None and arithmetic()):
                    return found
            elif isinstance(target, gast.Name):
                found |= self.tainted.get(target.id, set())
                if found and not (arithmetic() and self._plain_name(target.id, self.plain)):
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
                if isinstance(func, gast.Name) and func.id in ("zip", "reversed", "enumerate", "float_lists"):
                    return set()  # (float_lists: an earlier loop's, the same numbers: judged where they are used)
                if isinstance(func, gast.Name) and func.id == "GradTuple" and func.id not in self.f.assigned and len(node.args) == 1 and isinstance(node.args[0], gast.Tuple):
                    return set()  # a tuple keeps its numbers: judged where they are read
                if isinstance(func, gast.Name) and func.id == "stacked" and func.id not in self.f.assigned and self._stacks_numbers(node, self.plain):
                    return set()  # np.array of float64 numbers, whichever kind
                if isinstance(func, gast.Name) and func.id == "unindex" and func.id not in self.f.assigned and not node.keywords and all(self._is_plain(a, self.plain) for a in node.args):
                    return set()  # the number into zeros of a float64 array's dtype (a float64 scalar goes the same way)
                numeric = numpy_name(func) is not None or isinstance(func, gast.Name) and (func.id in NUMERIC or func.id == "zeros_like" or func.id in self.f.converters)
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
                if isinstance(parent, gast.AugAssign):
                    return set()  # judged with the augmented assignment
                found = src(value) if value is not None else set()
                if self._into_list(node):
                    return set() if value is not None and self._is_plain(value, self.plain) else found | {base.id}
                if found and not (self._float64_entries(node) is not None and self._is_plain(value, self.plain)):
                    return found  # an entry of an array of any dtype, of a dict: not where a Python float goes
                return set()
            if isinstance(base, gast.Name) and (base.id in self.lowered and id(node) in self.inside or base.id in self.f.lists or base.id in self.f.stacks):
                return set()
            if isinstance(base, gast.Name) and isinstance(node.slice, gast.Constant) and type(node.slice.value) is int and self._tuple(base.id):
                return set()  # an entry of a tuple: the number put there
            return src(base)
        elif isinstance(node, gast.Assign):
            if any(isinstance(t, gast.Attribute) for t in node.targets):
                return src(node.value)
        elif isinstance(node, gast.Return) and node.value is not None:
            if not self.f.entry:
                return src(node.value)  # to generated code that counts on what the function returned before
            return src(node.value) & (self.roots | set(self.calls.values()))  # the user's numbers keep their types
        return set()
