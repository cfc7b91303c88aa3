"""Refusal of in-place writes that another name would see.

s2s rewrites every in-place write as a new value: ``y[i] = v`` becomes
``y = updated(y, i, v)``, ``y += v`` becomes ``y = y + v``, ``xs.append(v)``
becomes ``xs = appended(xs, v)``.  That is exact as long as no other name
refers to the object written into.  When one does (``y = x`` or a view
``y = x[1:]``, ``x.T``, ``x.reshape(...)``, a loop variable over ``x``, a
list holding ``x``, a global array, or a helper that writes into its
parameter) Python's program sees the write through the other name and the
generated one would not, so the derivative would be wrong: this module
raises an ``S2SError`` at the write instead.

The analysis is a flow-sensitive may-alias analysis over the user's
function before normalization.  A name's value is a pair of sets of abstract
objects: what it *is* (a parameter's object, a global's, one an assignment
made) and what it *holds* (the elements of a list or tuple).  ``y = x`` and
views share what ``x`` is; ``xs = [x]`` makes a new list that holds it.  A
write changes what a name is; it is refused when a *different* name that is
or holds one of those objects is read later (later in the source, or anywhere
in a loop around the write), when the objects include a global's (the write
would change module state for later calls), and, for a helper s2s transforms,
when they include one of its parameters': a caller that reads that argument
after the call is then refused at the call.  ``z = x; z *= y`` with ``x`` a
parameter writes into ``x`` only where ``x`` is not a number: :func:`check` returns a
guard that refuses it at run time then.  A helper's result shares only
what its ``return`` statements may be or hold (its :class:`Summary`): a
helper returning ``-k * x`` returns a new array.  An item assignment into an
array numpy made in the function (``out = np.zeros(n); out[i] = x[-1]``)
copies the value; into a list it holds it.  It is conservative:
``y = x[[0, 1]]`` (a copy) counts as a view, and so does ``y = x[0]`` even
where that is a number; ``y = x.copy()`` or arithmetic makes a new object.
"""

import builtins
import inspect
import os
import types

import gast
import numpy

from ..errors import S2SError
from ..libraries import is_library
from ..frontend import MISSING, parse

# Expressions whose value may be (a view of) their first operand.
VIEW_METHODS = {"reshape", "ravel", "transpose", "squeeze", "view", "swapaxes", "diagonal"}
VIEW_FUNCTIONS = {
    "reshape", "ravel", "transpose", "squeeze", "asarray", "asanyarray", "ascontiguousarray", "atleast_1d",
    "atleast_2d", "atleast_3d", "expand_dims", "moveaxis", "swapaxes", "broadcast_to", "diagonal", "real",
    "imag", "stop_gradient", "rollaxis", "flip", "fliplr", "flipud", "rot90",
}
VIEW_ATTRIBUTES = {"T", "mT", "real", "imag", "flat"}
# Attributes of an array that share nothing with it.
NEW_ATTRIBUTES = {"shape", "size", "ndim", "dtype"}
# Builtins that make a new container of their arguments' elements.
CONTAINER_BUILTINS = {"list", "tuple", "zip", "enumerate", "reversed", "sorted", "iter", "dict", "set", "frozenset"}
# Builtins whose result holds nothing of their arguments.
FRESH_BUILTINS = {"len", "float", "int", "abs", "range", "sum", "round", "bool", "complex", "pow", "divmod", "isinstance", "print"}

NUMBER = ("number",)  # what a name bound to a Python number is: immutable, shared with nothing
# numpy functions whose result is a new array: an item assignment into it copies the value.
ARRAY_CONSTRUCTORS = {
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "array", "copy",
    "arange", "linspace", "logspace", "eye", "identity", "tile", "repeat", "concatenate", "stack", "vstack",
    "hstack", "column_stack",
}
_summaries = {}  # code object -> Summary (None: being computed)
EMPTY = (frozenset(), frozenset())  # (is, holds) of a value that shares nothing


def check(parsed):
    """Raise ``S2SError`` at the first in-place write another name would see; return the guards
    of the writes that are one only if a parameter is a mutable object (``[(parameter, message)]``):
    ``z = x; z *= y`` rebinds ``z`` where ``x`` is a number, and is refused at run time otherwise."""
    analysis = Analysis(parsed, summary=False)
    analysis.run()
    return analysis.guards


class Summary:
    """What a helper does to its arguments, for the analysis of its callers: ``written``,
    ``{parameter: (file, line)}`` of the parameters it writes into in place; ``returned``, the
    parameters whose objects its return value may be, or hold (``None``: any of them); and
    ``globals``, the globals' objects it may be or hold."""

    def __init__(self, written, returned, globals_=frozenset()):
        self.written, self.returned, self.globals = written, returned, globals_


UNKNOWN = Summary({}, None)


def summary(fn):
    """The :class:`Summary` of the user function ``fn``."""
    key = fn.__code__
    if key in _summaries:
        return _summaries[key] or UNKNOWN  # recursion: writes into nothing, may return any argument
    _summaries[key] = None
    try:
        analysis = Analysis(parse(fn), summary=True)
        written = analysis.run()
        result = Summary(written, analysis.returned_parameters(), analysis.returned_globals())
    except S2SError:
        result = UNKNOWN  # s2s refuses fn itself, with this error, if it has to transform it
    _summaries[key] = result
    return result


class Analysis:
    """The analysis of one function; ``summary``: only collect the parameters it writes into."""

    def __init__(self, parsed, summary):
        self.parsed = parsed
        self.loc = parsed.loc
        self.scope = parsed.scope
        self.summary = summary
        node = parsed.node
        args = node.args
        self.params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
        self.locals = set(parsed.scope.locals)
        self.reads = {}  # name -> [(line, col)] of its loads
        for n in gast.walk(node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                self.reads.setdefault(n.id, []).append(_start(n))
        self.loops = []  # spans of the loops around the statement being analysed
        self.written = {}  # parameter -> (file, line) of a write into it
        self.returned = frozenset()  # the objects a return value may be or hold
        self.arrays = set()  # the ("new", ...) objects bound to a new numpy array
        self.guards = []  # (parameter, message): a write that is refused unless the parameter is a number

    def run(self):
        state = {p: (frozenset({("param", p)}), frozenset({("held by param", p)})) for p in self.params}
        self.block(self.parsed.node.body, state)
        return self.written

    def returned_parameters(self):
        """The parameters whose objects a return value may be (a view of) or hold."""
        return {_base_object(o)[1] for o in _unview(self.returned) if _base_object(o)[0] in ("param", "held by param")}

    def returned_globals(self):
        return frozenset(_base_object(o) for o in _unview(self.returned) if _base_object(o)[0] == "global")

    # -- objects --------------------------------------------------------------
    def objects(self, node, state):
        """``(is, holds)``: the abstract objects the value of ``node`` may be, and may hold."""
        if node is None or isinstance(node, gast.Constant):
            return EMPTY
        if isinstance(node, gast.Name):
            if node.id in self.locals:
                is_, holds = state.get(node.id, EMPTY)
                return is_ - {NUMBER}, holds
            return self.global_objects(node.id, self.scope.lookup(node.id))
        if isinstance(node, gast.Starred):
            return self.objects(node.value, state)
        if isinstance(node, gast.Subscript):  # a view of the array, or an element of the list
            index = node.slice.value if isinstance(node.slice, gast.Constant) else None
            return _element(self.objects(node.value, state), index if type(index) is int and index >= 0 else None)
        if isinstance(node, gast.Attribute) and node.attr in NEW_ATTRIBUTES and isinstance(node.value, gast.Name) and self.made(node.value.id, state):
            return EMPTY  # the shape of an array made here (a copy, numpy's): a tuple of numbers
        if isinstance(node, gast.Attribute):
            root = self.scope.root(node)
            if root is not None and root.id not in self.locals:  # a global chain: np.pi, config.W
                return self.global_objects(root.id, self.scope.resolve(node))
            return _element(self.objects(node.value, state))  # x.T, a view; obj.w, held by obj
        if isinstance(node, (gast.Tuple, gast.List)):
            return frozenset(), _union(_both(self.objects(e, state)) for e in node.elts)
        if isinstance(node, (gast.IfExp, gast.BoolOp)):
            parts = [node.body, node.orelse] if isinstance(node, gast.IfExp) else node.values
            found = [self.objects(v, state) for v in parts]
            return _union(f[0] for f in found), _union(f[1] for f in found)
        if isinstance(node, gast.Call):
            return self.call_objects(node, state)
        return EMPTY  # arithmetic, comparisons: a new value

    def global_objects(self, name, value):
        if not _mutable(value):
            return EMPTY
        return frozenset({("global", name)}), frozenset({("global", name)})

    def call_objects(self, call, state):
        func = call.func
        root = self.scope.root(func)
        if isinstance(func, gast.Attribute) and root is not None and root.id in self.locals:
            return _element(self.objects(func.value, state)) if func.attr in VIEW_METHODS else EMPTY
        target = self.scope.resolve(func) if root is not None else MISSING
        name = getattr(target, "__name__", None)
        args = [_both(self.objects(a, state)) for a in list(call.args) + [k.value for k in call.keywords]]
        if name and getattr(builtins, name, None) is target:
            if name in FRESH_BUILTINS:
                return EMPTY
            if name in CONTAINER_BUILTINS:
                return frozenset(), _union(args)
        elif is_library(target):
            return _element(self.objects(call.args[0], state)) if name in VIEW_FUNCTIONS and call.args else EMPTY
        shared = self.returned_objects(call, target, state)
        if shared is None:
            shared = _union(args)  # a call s2s cannot look into may return (part of) any argument
        return shared, shared

    def returned_objects(self, call, target, state):
        """The objects a user function's return value may be or hold (None: not known)."""
        target = inspect.unwrap(target) if callable(target) else target
        if not isinstance(target, types.FunctionType):
            return None
        found = summary(target)
        bound = _bind(target, call)
        if found.returned is None or bound is None:
            return None
        args = [bound.arguments[p] for p in sorted(found.returned) if isinstance(bound.arguments.get(p), gast.AST)]
        return _union(_both(self.objects(a, state)) for a in args) | found.globals

    # -- statements -----------------------------------------------------------
    def block(self, stmts, state):
        for stmt in stmts:
            state = self.statement(stmt, state)
        return state

    def statement(self, stmt, state):
        if isinstance(stmt, (gast.Assign, gast.AnnAssign)):
            value = stmt.value
            if value is None:
                return state
            self.calls(value, stmt, state)
            state = dict(state)
            if isinstance(value, gast.Call) and _method(value, "pop") and self.is_local(value.func.value):
                self.write(value.func.value.id, stmt, state, "`.pop()` removes from", structure=True)
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            for target in targets:
                self.bind(target, value, stmt, state)
            return state
        if isinstance(stmt, gast.AugAssign):
            self.calls(stmt.value, stmt, state)
            base = _base(stmt.target)
            state = dict(state)
            if base is not None and base.id in self.locals:
                what = "`+=` and the like write into" if isinstance(stmt.target, gast.Name) else "item assignment writes into"
                self.write(base.id, stmt, state, what, rebinds_numbers=isinstance(stmt.target, gast.Name))
                self.hold(base.id, stmt.value, state)
            return state
        if isinstance(stmt, gast.Expr):
            value = stmt.value
            self.calls(value, stmt, state)
            state = dict(state)
            if isinstance(value, gast.Call) and _method(value, "append") and self.is_local(value.func.value):
                name = value.func.value.id
                self.write(name, stmt, state, "`.append` adds to", structure=True)
                for a in value.args:
                    self.hold(name, a, state)
            return state
        if isinstance(stmt, gast.If):
            self.calls(stmt.test, stmt, state)
            return _merge(self.block(stmt.body, dict(state)), self.block(stmt.orelse, dict(state)))
        if isinstance(stmt, (gast.For, gast.While)):
            self.loops.append((_start(stmt), _end(stmt)))
            try:
                if isinstance(stmt, gast.For):
                    self.calls(stmt.iter, stmt, state)
                    element = _element(self.objects(stmt.iter, state))
                else:
                    self.calls(stmt.test, stmt, state)
                entry = state
                for _ in range(2):  # twice: what one iteration binds reaches the next
                    inner = dict(state)
                    if isinstance(stmt, gast.For):
                        for n in _names(stmt.target):
                            inner[n] = element[0] | {("new", _start(stmt), n)}, element[1]
                    state = _merge(state, self.block(stmt.body, inner))
                state = _merge(entry, state)
                return _merge(state, self.block(stmt.orelse, dict(state)))
            finally:
                self.loops.pop()
        if isinstance(stmt, gast.Return):
            self.calls(stmt.value, stmt, state)
            self.returned |= _both(self.objects(stmt.value, state))
            return state
        return state  # pass, break, continue, with insert_grad_of (backward-only), refused statements

    def number(self, node, state):
        """Whether ``node`` is certainly a Python number (immutable: ``+=`` rebinds it)."""
        if isinstance(node, gast.Constant):
            return isinstance(node.value, (int, float, complex))
        if isinstance(node, gast.Name):
            return node.id in self.locals and state.get(node.id, EMPTY)[0] == {NUMBER}
        if isinstance(node, gast.BinOp):
            return self.number(node.left, state) and self.number(node.right, state)
        if isinstance(node, gast.UnaryOp):
            return self.number(node.operand, state)
        if isinstance(node, gast.Call) and self.scope.root(node.func) is not None:
            target = self.scope.resolve(node.func)
            if getattr(target, "__module__", None) == "math" or target in (len, float, int):
                return True
            if target in (abs, round, pow, min, max):
                return all(self.number(a, state) for a in node.args)
        return False

    def bind(self, target, value, stmt, state):
        if isinstance(target, gast.Name):
            if self.number(value, state):
                state[target.id] = frozenset({NUMBER}), frozenset()
                return
            new = self.renew(("new", _start(stmt), target.id), state)
            is_, holds = self.objects(value, state)
            if self.constructs_array(value):
                self.arrays.add(new)
            state[target.id] = is_ | {new}, holds
        elif isinstance(target, (gast.Tuple, gast.List)):
            if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
                for n in _names(target):
                    self.renew(("new", _start(stmt), n), state)
                before = dict(state)
                for t, v in zip(target.elts, value.elts):
                    is_, holds = self.objects(v, before)
                    for n in _names(t):
                        state[n] = is_ | {("new", _start(stmt), n)}, holds
            else:
                self.unpack(target, self.objects(value, state), stmt, state)
        elif isinstance(target, gast.Subscript):
            base = _base(target)
            if base is not None and base.id in self.locals:
                self.write(base.id, stmt, state, "item assignment writes into")
                if not self.array(base.id, state):  # into an array, the value is copied
                    self.hold(base.id, value, state)

    def renew(self, new, state):
        """``new``, the object a statement makes, made again (a loop): the one it made
        before, still held by other names, becomes an older object (``"old"``: all the
        earlier ones), so a write into the new one does not reach the names holding
        an old one (``new = np.zeros(n); new[1] = ...; u = new`` in a loop)."""
        old = ("old",) + new[1:]
        if any(new in o or any(_holds(x, new) for x in o) for pair in state.values() for o in pair):
            for name, (is_, holds) in list(state.items()):
                state[name] = frozenset(_renamed(x, new, old) for x in is_), frozenset(_renamed(x, new, old) for x in holds)
            if new in self.arrays:
                self.arrays.add(old)
        return new

    def constructs_array(self, value):
        """Whether ``value`` is a call of a numpy function that makes a new array."""
        if not isinstance(value, gast.Call) or self.scope.root(value.func) is None or self.scope.root(value.func).id in self.locals:
            return False
        target = self.scope.resolve(value.func)
        return getattr(target, "__name__", None) in ARRAY_CONSTRUCTORS and getattr(numpy, target.__name__, None) is target

    def array(self, name, state):
        """Whether ``name`` is certainly an array numpy made in this function."""
        is_ = state.get(name, EMPTY)[0]
        return bool(is_) and is_ <= self.arrays

    def made(self, name, state):
        """Whether ``name`` is certainly an object this function made (a copy, an array)."""
        is_ = state.get(name, EMPTY)[0]
        return bool(is_) and all(o[0] == "new" for o in is_)

    def unpack(self, target, objs, stmt, state):
        """``a, (b, c) = value``: each name gets the element at its position."""
        for k, elt in enumerate(target.elts):
            element = _element(objs, k)
            if isinstance(elt, (gast.Tuple, gast.List)):
                self.unpack(elt, element, stmt, state)
            elif isinstance(elt, gast.Name):
                state[elt.id] = element[0] | {("new", _start(stmt), elt.id)}, element[1]

    def hold(self, name, value, state):
        """After a write of ``value`` into ``name``: ``name`` may hold it (a list) from now on."""
        is_, holds = state.get(name, EMPTY)
        state[name] = is_, holds | _both(self.objects(value, state))

    def is_local(self, node):
        return isinstance(node, gast.Name) and node.id in self.locals

    # -- writes -----------------------------------------------------------------
    def calls(self, expr, stmt, state):
        """Calls in ``expr`` of helpers that write into their parameters: writes into the arguments."""
        if expr is None:
            return
        for call in (n for n in gast.walk(expr) if isinstance(n, gast.Call)):
            root = self.scope.root(call.func)
            if root is None or root.id in self.locals:
                continue
            target = self.scope.resolve(call.func)
            target = inspect.unwrap(target) if callable(target) else target
            if not isinstance(target, types.FunctionType) or is_library(target):
                continue
            written = summary(target).written
            bound = _bind(target, call) if written else None
            if bound is None:
                continue
            for param, (filename, line) in sorted(written.items()):
                arg = bound.arguments.get(param)
                if isinstance(arg, gast.AST):
                    what = f"`{target.__name__}` writes into its parameter `{param}` ({filename}:{line}), which changes"
                    self.write_objects(_unview(_both(self.objects(arg, state))), None, stmt, state, what, call)

    def write(self, name, stmt, state, what, structure=False, rebinds_numbers=False):
        """A write into ``name``: into its memory, or (``structure``) into the list itself.

        A list's elements and an array's views share the array's memory but
        not the list: appending to a list changes nothing its elements see.
        ``rebinds_numbers``: ``name += v``, which only rebinds ``name`` where it is a number."""
        objs = state.get(name, EMPTY)[0] - {NUMBER}  # a number is rebound, not written into
        objs = frozenset(o for o in objs if o[0] != "view") if structure else _unview(objs)
        params = {o for o in state.get(name, EMPTY)[0] if o[0] == "param"}
        number = rebinds_numbers and len(params) == 1 and all(o[0] == "new" for o in objs - params)
        self.write_objects(objs, name, stmt, state, f"{what} `{name}`, which changes", stmt, number and next(iter(params))[1])

    def write_objects(self, objs, name, stmt, state, what, node, parameter=None):
        """Refuse the write of ``what`` into ``objs`` where another name sees it; where it is
        one only if ``parameter`` is an object (not a number), guard it at run time instead."""
        for obj in sorted(objs, key=repr):
            base = _base_object(obj)
            if base[0] == "global":
                raise self.loc.error(node, (
                    f"{what} the global `{base[1]}` in place; s2s rewrites the write as a new value, so the global "
                    "would not change: make a copy first (`y = x.copy()`)"
                ))
            if base[0] in ("param", "held by param"):
                self.written.setdefault(base[1], (self.loc.filename, self.loc.lineno(stmt)))
        if self.summary:
            return
        end = _end(stmt)
        loop = self.loops[0] if self.loops else None
        guarded = False
        for other, found in sorted(state.items()):
            shared = _unview(_both(found))
            if other == name or not _overlap(shared, objs):
                continue
            later = [p for p in self.reads.get(other, ()) if p > end or loop and loop[0] <= p <= loop[1]]
            if later:
                line = later[0][0] + self.loc.line_offset
                error = self.loc.error(node, (
                    f"{what} `{other}` too (they share memory), and `{other}` is read after it (line {line}); "
                    "s2s rewrites in-place writes as new values, so that read would see the old value: make a copy "
                    "(`y = x.copy()`), or write `y = y + v` instead of `y += v`"
                ))
                if not parameter or _overlap(shared, objs - {("param", parameter)}):
                    raise error
                if not guarded:  # shared through the parameter alone: fine where it is a number
                    where = f"{os.path.basename(self.loc.filename)}:{self.loc.lineno(stmt)}"
                    self.guards.append((parameter, f"`{parameter}` is not a number: {where}: {what} `{other}` too; make a copy "
                                                   "(`y = x.copy()`), or write `y = y + v` instead of `y += v`"))
                    guarded = True


def _bind(fn, call):
    """The call's argument expressions bound to ``fn``'s parameters (None: they cannot be)."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    try:
        return inspect.signature(fn).bind_partial(*call.args, **{k.arg: k.value for k in call.keywords if k.arg})
    except (TypeError, ValueError):
        return None


def _mutable(value):
    """Whether a write could change ``value`` in place (an array, a list; not a number)."""
    if isinstance(value, (int, float, complex, str, bytes, type(None), numpy.generic, types.ModuleType, type)) or callable(value):
        return False
    if isinstance(value, (tuple, frozenset)):
        return any(_mutable(v) for v in value)
    return True


def _method(call, name):
    return isinstance(call.func, gast.Attribute) and call.func.attr == name


def _base(target):
    while isinstance(target, gast.Subscript):
        target = target.value
    return target if isinstance(target, gast.Name) else None


def _names(target):
    return [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]


def _element(pair, index=None):
    """``(is, holds)`` of an element or a view of a value ``pair``: it shares the value's memory
    (as a view) and is one of the objects the value holds (the one at ``index``, if known)."""
    is_, holds = pair
    views = frozenset(o if o[0] == "view" else ("view", o) for o in is_)
    inside = frozenset(("in", index, o) for o in holds)
    if index is None:
        return views | holds, inside
    return views | frozenset(("item", index, o) for o in holds), inside


def _containers(obj):
    """``obj`` and the objects it is an item of, or inside an item of."""
    out = [obj]
    while obj[0] in ("item", "in"):
        if obj[0] == "in" and obj[1] is not None:
            out.append(("item", obj[1], obj[2]))
        obj = obj[2]
        out.append(obj)
    return out


def _holds(obj, inner):
    """Whether the object ``obj`` is ``inner`` or is built on it (a view, an item of it)."""
    return obj == inner or isinstance(obj, tuple) and any(isinstance(e, tuple) and _holds(e, inner) for e in obj)


def _renamed(obj, new, old):
    if obj == new:
        return old
    if isinstance(obj, tuple) and any(isinstance(e, tuple) for e in obj):
        return tuple(_renamed(e, new, old) if isinstance(e, tuple) else e for e in obj)
    return obj


def _base_object(obj):
    return _containers(obj)[-1]


def _overlap(a, b):
    """Whether a write into the objects ``b`` can change one of the objects ``a``: the same
    object, or one holding the other (the items of one tuple at different positions do not)."""
    if a & b:
        return True
    return any(x in _containers(y) or y in _containers(x) for x in a for y in b)


def _unview(objs):
    return frozenset(o[1] if o[0] == "view" else o for o in objs)


def _both(pair):
    return pair[0] | pair[1]


def _union(sets):
    out = frozenset()
    for s in sets:
        out |= s
    return out


def _merge(a, b):
    return {k: (a.get(k, EMPTY)[0] | b.get(k, EMPTY)[0], a.get(k, EMPTY)[1] | b.get(k, EMPTY)[1]) for k in set(a) | set(b)}


def _start(node):
    return (getattr(node, "lineno", 0) or 0, getattr(node, "col_offset", 0) or 0)


def _end(node):
    return (getattr(node, "end_lineno", None) or getattr(node, "lineno", 0) or 0, getattr(node, "end_col_offset", None) or 0)
