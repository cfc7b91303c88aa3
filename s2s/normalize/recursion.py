"""Linear recursion as two loops: a function that calls itself at one place, once per call.

Takes a function body after the desugaring passes (gast statements), the
function's :class:`~s2s.frontend.Parsed` and whether the derivative is compiled.
Guarantees: where the function calls itself at exactly one call site, reached
at most once per activation, the body returned computes the same value with
two loops and no call of the function; anything else is returned unchanged,
for reverse mode's recursion (each call's saved values nested in its caller's,
or a list of rows where compiled: :func:`s2s.jit.recursion_groups`).  Compiled
code pushes only integers stepped by a constant (``i + 1``, ``n // 2``, a
parameter the function uses as an index, with ``//`` or ``%``, in ``range``
or compared with an integer or a name): a list of numbers that carry derivatives has list adjoints, which
numba does not compile, so such a recursion stays one there.

The self-call, lifted out of its expression (an ``x if c else y`` around it
made an ``if``), is a statement ``t = f(args)`` nested in ``if`` blocks only
(an ``if`` one of whose branches returns has the code after it in its other
branch).  The *descent* loop runs while the tests on the way to the call
choose it; each iteration pushes the frame (the values the code after the call
reads, parameters passed on unchanged left out: ``c`` and ``x`` of
``f(c, x, i + 1)``) and rebinds the parameters to the call's arguments.  Where
code runs between those tests, a flag (``horner_descending``) that this code
sets stands for them.  The base cases then run, each ``return e`` giving the
value.  The *ascent* loop runs, once per pushed frame and the last frame
first, the code after the call (the rest of its block, then of each enclosing
block: the enclosing ``if`` blocks already chose) with ``t`` bound to the value
so far and each ``return e`` giving the new value; a tail call
(``return f(args)``) has none::

    def horner_step(c, x, i):                      horner_step_i_frames = []
        if i == len(c) - 1:                        while i != len(c) - 1:
            return c[i]                                horner_step_i_frames.append(i)
        return c[i] + x * horner_step(c, x, i + 1)     i = i + 1
                                                   horner_step_value = c[i]
                                                   for i in reversed(horner_step_i_frames):
                                                       horner_step_value = c[i] + x * horner_step_value
                                                   return horner_step_value

(the push is ``appended``, a new list; the optimizer appends in place, the
list being the function's own: :mod:`s2s.optimize.inplace`).

Differentiating the loops needs no recursion: the loop machinery saves each
iteration's values, in Python and compiled code alike, and the derivative has
no recursion-depth limit.  Refused (the body returned unchanged): a call in a
loop, a ``with`` block or a conditional part of an expression (``and``/``or``),
two or more call sites, the function named other than to call it, a call with
keywords or a parameter left to its default, a ``return`` inside a loop or
before the call other than a base case's, a path that does not return, a value the code after the call reads that is not
assigned on every path to the call, and a function in a mutual recursion (it
reaches itself through another function).  Generators, ``try`` and nested
functions do not get here (:mod:`.refuse`, :mod:`.functions`).
"""

import copy
import inspect
import textwrap
import types

import gast

from ..jit import py_function
from ..naming import Namer
from .tree import assign, assigned_in, call_builtin, name_node, runtime_call


class Refused(Exception):
    """The function is not a linear recursion this pass can prove; left as it is."""


def loops(body, parsed, compiled=False):
    """``body`` with its linear recursion as loops, or ``body`` (see the module)."""
    try:
        return Linear(body, parsed, compiled).loops()
    except Refused:
        return body


def _names(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}


class Linear:
    """One function's linear recursion and its two loops."""

    def __init__(self, body, parsed, compiled=False):
        self.compiled = compiled
        self.body = body
        self.parsed = parsed
        self.fname = parsed.node.name
        args = parsed.node.args
        if args.kwonlyargs or args.vararg or args.kwarg:
            raise Refused
        self.params = [a.id for a in args.posonlyargs + args.args]
        taken = _names(parsed.node) | {n for stmt in body for n in _names(stmt)}
        self.namer = Namer(taken)

    # -- finding the call ----------------------------------------------------
    def is_self(self, func):
        if not isinstance(func, gast.Name) or func.id != self.fname:
            return False
        obj = self.parsed.scope.lookup(func.id)
        return obj is self.parsed.fn or py_function(obj) is self.parsed.fn

    def loops(self):
        calls = [n for stmt in self.body for n in gast.walk(stmt) if isinstance(n, gast.Call) and self.is_self(n.func)]
        mentions = [n for stmt in self.body for n in gast.walk(stmt) if isinstance(n, gast.Name) and n.id == self.fname]
        if len(calls) != 1 or len(mentions) != 1:
            raise Refused
        self.call = call = calls[0]
        if call.keywords or len(call.args) != len(self.params) or any(isinstance(a, gast.Starred) for a in call.args):
            raise Refused
        if any(self.is_self(n.func) for a in call.args for n in gast.walk(a) if isinstance(n, gast.Call)):
            raise Refused
        if self.mutual():
            raise Refused
        if any(isinstance(n, gast.Return) for stmt in self.body for loop in gast.walk(stmt)
               if isinstance(loop, (gast.For, gast.While)) for n in gast.walk(loop)):
            raise Refused
        if not _leaves(self.body):
            raise Refused
        body = _nested(self.lifted(self.body), self.statement)
        path = self.path(body)
        return self.rewrite(body, path)

    def mutual(self):
        """Whether a function this one calls reaches it again (a mutual recursion)."""
        seen, todo = set(), [self.parsed.fn]
        while todo:
            fn = todo.pop()
            for callee in _callees(fn):
                if callee is self.parsed.fn:
                    if fn is not self.parsed.fn:
                        return True
                elif callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
        return False

    def path(self, body):
        """``[(block, index)]`` from the body to the statement ``t = f(args)``; refuses a call
        in anything but ``if`` blocks."""
        for k, stmt in enumerate(body):
            if stmt is self.statement:
                return [(body, k)]
            if any(n is self.call for n in gast.walk(stmt)):
                if not isinstance(stmt, gast.If):
                    raise Refused
                for block in (stmt.body, stmt.orelse):
                    if any(n is self.call for s in block for n in gast.walk(s)):
                        return [(body, k)] + self.path(block)
        raise Refused

    # -- lifting the call out of its statement ----------------------------------
    def lifted(self, body):
        """A copy of ``body`` where the call is the statement ``t = f(args)`` (``self.statement``)."""
        out = []
        for stmt in body:
            if not any(n is self.call for n in gast.walk(stmt)):
                out.append(stmt)
            elif isinstance(stmt, gast.If) and not any(n is self.call for n in gast.walk(stmt.test)):
                new = copy.copy(stmt)
                new.body, new.orelse = self.lifted(stmt.body), self.lifted(stmt.orelse)
                out.append(new)
            elif isinstance(stmt, (gast.For, gast.While, gast.With)):
                raise Refused
            else:
                out.extend(self.lift(stmt))
        return out

    def lift(self, stmt):
        """``stmt``, which holds the call, as statements whose last ... hold the call as ``t = f(args)``."""
        if (isinstance(stmt, gast.Assign) and stmt.value is self.call and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)):
            self.statement, self.target = stmt, stmt.targets[0].id
            return [stmt]
        chain = _chain(stmt, self.call)
        for parent, child in zip(chain, chain[1:]):
            if isinstance(parent, gast.IfExp) and child is not parent.test:
                return self.split(stmt, parent)
            if isinstance(parent, gast.BoolOp) and child is not parent.values[0]:
                raise Refused
            if isinstance(parent, (gast.Lambda, gast.ListComp, gast.DictComp, gast.GeneratorExp, gast.SetComp)):
                raise Refused
        value = self.value_name()
        self.target = value
        self.statement = gast.copy_location(assign(name_node(value, True), self.call), stmt)
        rest = _replaced(stmt, self.call, name_node(value))
        return [self.statement, rest]

    def split(self, stmt, ifexp):
        """``stmt`` holding ``a if c else b`` (the call in ``a`` or ``b``) as an ``if`` on ``c``."""
        if isinstance(stmt, (gast.Return, gast.Assign)) and stmt.value is ifexp:
            then, other = copy.copy(stmt), copy.copy(stmt)
            then.value, other.value = ifexp.body, ifexp.orelse
            before = []
        else:
            chosen = self.namer.fresh("choice")
            then = gast.copy_location(assign(name_node(chosen, True), ifexp.body), stmt)
            other = gast.copy_location(assign(name_node(chosen, True), ifexp.orelse), stmt)
            before = [_replaced(stmt, ifexp, name_node(chosen))]
        branch = gast.copy_location(gast.If(test=ifexp.test, body=[then], orelse=[other]), stmt)
        return self.lifted([branch] + before)

    def value_name(self):
        if not hasattr(self, "value"):
            self.value = self.namer.fresh(f"{self.fname}_value")
        return self.value

    # -- the loops ----------------------------------------------------------------
    def rewrite(self, body, path):
        value = self.value_name()
        assigned = assigned_in(body)
        passed = {p for p, a in zip(self.params, self.call.args)
                  if isinstance(a, gast.Name) and a.id == p and p not in assigned}
        changed = [p for p in self.params if p not in passed]
        after = []  # the code after the call: the rest of its block, then of each enclosing block
        for block, k in reversed(path):
            after += block[k + 1:]
            if _leaves(after):
                break
        if not _leaves(after):
            raise Refused
        defined = set(changed)
        for block, k in path:
            defined |= _definitely_assigned(block[:k])
        read = _exposed(after)
        may_be_set = set(assigned) | set(changed)
        saved = [n for n in read if n in may_be_set and n not in passed and n != self.target]
        if any(n not in defined for n in saved):
            raise Refused
        tail_call = (len(after) == 1 and isinstance(after[0], gast.Return) and isinstance(after[0].value, gast.Name)
                     and after[0].value.id == self.target)
        if tail_call:  # return f(args): nothing to do on the way back
            saved = []
        arguments = dict(zip(self.params, self.call.args))
        if self.compiled and not all(n in arguments and _integer_step(n, arguments[n]) and _used_as_integer(n, body)
                                     for n in saved):
            raise Refused
        where = self.statement
        frames = {n: self.namer.fresh(f"{self.fname}_{n}_frames") for n in saved}
        count = None if saved or tail_call else self.namer.fresh(f"{self.fname}_calls")

        def at(node):
            return gast.copy_location(node, where)

        push = [at(assign(name_node(frames[n], True), runtime_call("appended", [name_node(frames[n]), name_node(n)], where)))
                for n in saved]
        if count:
            push.append(at(assign(name_node(count, True), gast.BinOp(left=name_node(count), op=gast.Add(),
                                                                       right=gast.Constant(value=1, kind=None)))))
        moved = [(p, a) for p, a in zip(self.params, self.call.args) if p in changed]
        # one assignment per parameter (a tuple would carry a tuple's adjoint); an argument that
        # reads a parameter rebound before it is computed first
        early, rebind = [], []
        for j, (p, a) in enumerate(moved):
            if _names(a) & {q for q, _ in moved[:j]}:
                ahead = self.namer.fresh(f"{p}_next")
                early.append(at(assign(name_node(ahead, True), a)))
                a = name_node(ahead)
            rebind.append(at(assign(name_node(p, True), a)))
        rebind = early + rebind
        start = [at(assign(name_node(frames[n], True), gast.List(elts=[], ctx=gast.Load()))) for n in saved]
        if count:
            start.append(at(assign(name_node(count, True), gast.Constant(value=0, kind=None))))
        if any(_returns(block[:k]) for block, k in path):
            raise Refused  # a return in the code before the call other than a base case's
        guarded = _guarded(path, push + rebind, value)
        if guarded is None:
            flag = self.namer.fresh(f"{self.fname}_descending")
            self.parsed.scope.locals.add(flag)
            guarded = _flagged(path, push + rebind, value, flag, at)
        if guarded is None:
            raise Refused
        before, test, loop_body, base = guarded
        descent = before + [at(gast.While(test=test, body=loop_body, orelse=[]))] + base
        done = [gast.copy_location(gast.Return(value=name_node(value)), where)]
        if tail_call:
            self.parsed.scope.locals.add(value)
            return descent + done
        if saved:
            backwards = [call_builtin("reversed", [name_node(frames[n])]) for n in saved]
            iterate = backwards[0] if len(saved) == 1 else call_builtin("zip", backwards)
            target = name_node(saved[0], True) if len(saved) == 1 else gast.Tuple(elts=[name_node(n, True) for n in saved], ctx=gast.Store())
        else:
            iterate = call_builtin("range", [name_node(count)])
            target = name_node(self.namer.fresh("_"), True)
        ascent_body = ([] if self.target == value else [at(assign(name_node(self.target, True), name_node(value)))])
        ascent_body += _tail(copy.deepcopy(after), value)
        ascent = at(gast.For(target=target, iter=iterate, body=ascent_body, orelse=[], type_comment=None))
        self.parsed.scope.locals |= set(frames.values()) | {value} | ({count} if count else set())
        return start + descent + [ascent] + done


def _nested(block, target):
    """``block`` where each ``if`` before the statement holding ``target`` one of whose branches
    leaves has the statements after it in its other branch (``if n == 0: return 1.0`` then
    the call: the call in the ``else``)."""
    for g, stmt in enumerate(block):
        if _holds(stmt, target):
            if isinstance(stmt, gast.If):
                new = copy.copy(stmt)
                new.body, new.orelse = _nested(stmt.body, target), _nested(stmt.orelse, target)
                return block[:g] + [new] + block[g + 1:]
            return block
        if isinstance(stmt, gast.If) and _leaves(stmt.body) != _leaves(stmt.orelse):
            new = copy.copy(stmt)
            if _leaves(stmt.body):
                new.orelse = _nested(stmt.orelse + block[g + 1:], target)
            else:
                new.body = _nested(stmt.body + block[g + 1:], target)
            return block[:g] + [new]
    return block


def _guarded(path, call_path, value):
    """The descent as ``(before, test, loop body, base cases)`` of a loop ``while test``, where
    the call sits in nested ``if`` blocks with nothing before each inner ``if`` (the base cases'
    tests, ``if n == 0: ... elif n == 1: ... else: <call>``); None for other shapes.  Tests
    after the first are joined by ``and``, which normalization evaluates eagerly: only
    comparisons of names and constants."""
    levels, (calls, j) = path[:-1], path[-1]
    if not levels or any(block[:k] for block, k in levels[1:]):
        return None
    tests = [branch.test if inner is branch.body else _negated(branch.test) for branch, inner, _ in _branches(path)]
    if len(tests) > 1 and not all(_plain(t) for t in tests[1:]):
        return None
    test = tests[0] if len(tests) == 1 else gast.BoolOp(op=gast.And(), values=tests)
    prefix = levels[0][0][:levels[0][1]]
    loop_body = calls[:j] + call_path + copy.deepcopy(prefix)
    return prefix, test, loop_body, _tail(_base_cases(path), value)


def _flagged(path, call_path, value, flag, at):
    """The descent as ``(before, test, loop body, base cases)`` of a loop ``while flag``, for any
    nesting of the call in ``if`` blocks: the code before the call, with ``flag = False`` where it
    would return and ``flag = True`` where it would call, runs before the loop and at the end
    of each iteration; after the loop the base cases run it again, returning where it returned."""
    def set_flag(v):
        return at(assign(name_node(flag, True), gast.Constant(value=v, kind=None)))

    def tests(level):
        block, k = path[level]
        if level == len(path) - 1:
            return block[:k] + [set_flag(True)]
        branch, inner, _ = _branches(path)[level]
        new = copy.copy(branch)
        if inner is branch.body:
            new.body, new.orelse = tests(level + 1), [set_flag(False)]
        else:
            new.body, new.orelse = [set_flag(False)], tests(level + 1)
        return copy.deepcopy(block[:k]) + [new]

    if len(path) < 2:
        return None
    return tests(0), name_node(flag), call_path + copy.deepcopy(tests(0)), _tail(_base_cases(path), value)


def _branches(path):
    """``(the if, the branch on the path, the other branch)`` at each level of ``path`` but the last."""
    out = []
    for (block, k), (inner, _) in zip(path, path[1:]):
        branch = block[k]
        out.append((branch, inner, branch.orelse if inner is branch.body else branch.body))
    return out


def _base_cases(path):
    """The code a call runs where it does not call itself: ``path``'s ``if`` blocks with the code before
    each (but the first, which the descent ran last with these values), the branch that calls
    taken only where an inner test can still fail, and the code after."""
    def level(depth):
        (block, k), (branch, inner, other) = path[depth], _branches(path)[depth]
        before = block[:k] if depth else []
        if depth == len(path) - 2:
            return before + other + block[k + 1:]
        new = copy.copy(branch)
        if inner is branch.body:
            new.body, new.orelse = level(depth + 1), other
        else:
            new.body, new.orelse = other, level(depth + 1)
        return before + [new] + block[k + 1:]
    return copy.deepcopy(level(0))


def _plain(test):
    """A test of names, constants, comparisons and ``not``: nothing it evaluates can fail."""
    return all(isinstance(n, (gast.Name, gast.Constant, gast.Compare, gast.UnaryOp, gast.BoolOp, gast.expr_context,
                              gast.cmpop, gast.unaryop, gast.boolop)) for n in gast.walk(test))


def _integer_step(param, arg):
    """Whether ``arg`` is ``param`` plus, minus or floor-divided by an integer constant."""
    if not isinstance(arg, gast.BinOp) or not isinstance(arg.op, (gast.Add, gast.Sub, gast.FloorDiv)):
        return False
    def is_param(n):
        return isinstance(n, gast.Name) and n.id == param
    def is_int(n):
        return isinstance(n, gast.Constant) and type(n.value) is int
    return is_param(arg.left) and is_int(arg.right) or isinstance(arg.op, gast.Add) and is_int(arg.left) and is_param(arg.right)


def _used_as_integer(name, body):
    """Whether ``body`` uses ``name`` as a counter: in an index (``c[i]``), with ``//`` or ``%``, in
    ``range``, or compared with an integer constant, a name or a length (``k == depth``)."""
    def is_name(n):
        return isinstance(n, gast.Name) and n.id == name

    def counter_like(n):
        return (isinstance(n, gast.Constant) and type(n.value) is int or isinstance(n, gast.Name)
                or isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == "len")
    for stmt in body:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Compare) and len(n.ops) == 1 and (
                    is_name(n.left) and counter_like(n.comparators[0]) or is_name(n.comparators[0]) and counter_like(n.left)):
                return True
            if isinstance(n, gast.Subscript) and any(is_name(m) for m in gast.walk(n.slice)):
                return True
            if isinstance(n, gast.BinOp) and isinstance(n.op, (gast.FloorDiv, gast.Mod)) and (is_name(n.left) or is_name(n.right)):
                return True
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == "range" and any(is_name(a) for a in n.args):
                return True
    return False


def _returns(stmts):
    return any(isinstance(n, gast.Return) for stmt in stmts for n in gast.walk(stmt))


NEGATED = {gast.Eq: gast.NotEq, gast.NotEq: gast.Eq, gast.In: gast.NotIn, gast.NotIn: gast.In, gast.Is: gast.IsNot, gast.IsNot: gast.Is}


def _negated(test):
    """``not test``, as a comparison where that is exact (``i != n`` for ``i == n``; not ``<``, for NaN)."""
    if isinstance(test, gast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in NEGATED:
        return gast.copy_location(gast.Compare(left=test.left, ops=[NEGATED[type(test.ops[0])]()], comparators=test.comparators), test)
    if isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not):
        return test.operand
    return gast.copy_location(gast.UnaryOp(op=gast.Not(), operand=test), test)


def _tail(stmts, value):
    """``stmts``, every path of which leaves, with each ``return e`` as ``value = e``: the code after
    an ``if`` one of whose branches returns moves into the other branch."""
    out = []
    for j, stmt in enumerate(stmts):
        if isinstance(stmt, gast.Return):
            return out + [gast.copy_location(assign(name_node(value, True), stmt.value), stmt)]
        if isinstance(stmt, gast.Raise):
            return out + [stmt]
        if isinstance(stmt, gast.If) and (_returns(stmt.body) or _returns(stmt.orelse)):
            rest = stmts[j + 1:]
            new = copy.copy(stmt)
            new.body = _tail(stmt.body + ([] if _leaves(stmt.body) else copy.deepcopy(rest)), value)
            new.orelse = _tail(stmt.orelse + ([] if _leaves(stmt.orelse) else copy.deepcopy(rest)), value)
            return out + [new]
        out.append(stmt)
    return out


def _leaves(stmts):
    """Whether every path through ``stmts`` ends in ``return`` or ``raise``."""
    for stmt in stmts:
        if isinstance(stmt, (gast.Return, gast.Raise)):
            return True
        if isinstance(stmt, gast.If) and _leaves(stmt.body) and _leaves(stmt.orelse):
            return True
    return False


def _definitely_assigned(stmts):
    out = set()
    for stmt in stmts:
        if isinstance(stmt, (gast.Assign, gast.AnnAssign)):
            out |= {n.id for t in (stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target])
                    for n in gast.walk(t) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        elif isinstance(stmt, gast.If):
            out |= _definitely_assigned(stmt.body) & _definitely_assigned(stmt.orelse)
    return out


def _exposed(stmts, assigned=frozenset(), out=None):
    """The names ``stmts`` may read before assigning them, in the order of their first read."""
    out = [] if out is None else out
    assigned = set(assigned)

    def read(node):
        for n in gast.walk(node) if node is not None else ():
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id not in assigned and n.id not in out:
                out.append(n.id)

    for stmt in stmts:
        if isinstance(stmt, gast.If):
            read(stmt.test)
            _exposed(stmt.body, assigned, out)
            _exposed(stmt.orelse, assigned, out)
            assigned |= _definitely_assigned([stmt])
        elif isinstance(stmt, (gast.For, gast.While)):
            read(stmt.iter if isinstance(stmt, gast.For) else stmt.test)
            _exposed(stmt.body + stmt.orelse, assigned, out)  # names the body assigns may be read from its last iteration
            for n in gast.walk(stmt):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id not in out and n.id not in assigned:
                    out.append(n.id)
        elif isinstance(stmt, (gast.Assign, gast.AnnAssign)):
            read(stmt.value)
            for t in stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]:
                if not isinstance(t, gast.Name):
                    read(t)  # y[i] = v reads y and i
            assigned |= _definitely_assigned([stmt])
        else:
            read(stmt)
    return out


def _chain(root, target):
    """The nodes from ``root`` down to ``target``."""
    if root is target:
        return [root]
    for child in gast.iter_child_nodes(root):
        found = _chain(child, target)
        if found:
            return [root] + found
    return []


def _replaced(stmt, old, new):
    """A copy of ``stmt`` with the node ``old`` replaced by ``new`` (the rest shared)."""
    def copy_path(node):
        if node is old:
            return gast.copy_location(new, old)
        made = copy.copy(node)
        for field, child in gast.iter_fields(node):
            if isinstance(child, list):
                setattr(made, field, [copy_path(c) if isinstance(c, gast.AST) and _holds(c, old) else c for c in child])
            elif isinstance(child, gast.AST) and _holds(child, old):
                setattr(made, field, copy_path(child))
        return made
    return copy_path(stmt)


def _holds(node, target):
    return any(n is target for n in gast.walk(node))


def _callees(fn):
    """The Python functions ``fn``'s source calls by a global or closure name (numba's through their ``py_func``)."""
    fn = py_function(fn) or fn
    if not isinstance(fn, types.FunctionType):
        return []
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return []
    closure = {}
    if fn.__closure__:
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__):
            try:
                closure[name] = cell.cell_contents
            except ValueError:
                pass
    out = []
    for n in gast.walk(tree):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
            obj = closure.get(n.func.id, fn.__globals__.get(n.func.id))
            obj = py_function(obj) or obj
            if isinstance(obj, types.FunctionType) and obj not in out:
                out.append(obj)
    return out
