"""Shape analysis: which names of an ANF function always hold a scalar, and
which names always hold values of the same shape.

Takes a normalized function (:mod:`s2s.normalize`), the parameters known to be
scalars (Python numbers at the call being specialized, see :mod:`s2s.api`) and
a callback telling whether a user function returns a scalar for given scalar
parameters.  Returns the set of names that hold a value of shape ``()`` on
every assignment: a Python number, a numpy scalar or a 0-d array.

The reverse sweep uses it to leave out the reductions of broadcasting rules
(``unbroadcast``) where no broadcasting can have happened, which is most of
the cost of a gradient of scalar code.  The analysis is flow-insensitive and
optimistic: every assigned name starts scalar and loses it when one of its
assignments may not give a scalar, until nothing changes.  A name is scalar
only if *all* its assignments are, so loops and branches need no special case.

:func:`shape_classes` adds "same shape as" facts: names assigned once (and
parameters never reassigned) get a class, a key such that two names with equal
keys hold values of equal shapes wherever both are read.  Elementwise
arithmetic and ufuncs of operands of one class (or of scalars) stay in it;
slices ``u[1:-1, 2:]`` of a name with a class get the class of the base and
the slices' lengths relative to it (``1:-1``, ``:-2`` and ``2:`` all take two
from a dimension of any length).  The reverse sweep then drops the
``unbroadcast`` of an argument whose class is the result's, and with it the
shape the backward sweep would have needed saved.
"""

import inspect
import math

import gast
import numpy

# math functions that return a number (frexp and modf return tuples)
MATH = {getattr(math, n) for n in dir(math) if callable(getattr(math, n))} - {math.frexp, math.modf}
# builtins that return a number when their arguments are numbers
NUMERIC_BUILTINS = {abs, float, int, round, pow, min, max, bool}
# numpy functions that reduce any array to a scalar when called without axis
REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin, numpy.linalg.norm}


def _number(value):
    return value is None or (isinstance(value, (int, float, complex)) and not isinstance(value, numpy.ndarray))


def scalar_names(fdef, scalar_params, returns_scalar):
    """The names of ``fdef`` that always hold scalars (see the module docstring)."""
    assignments = []  # (target names, rhs or None for "scalar")
    args = fdef.args
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        assignments.append(([a.id], a.id in scalar_params))
    for stmt in _all_statements(fdef.body):
        if isinstance(stmt, gast.For):  # loops run over range(...) after normalization
            assignments.append(([stmt.target.id], True))
        elif isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                assignments.append(([target.id], stmt.value))
            else:
                assignments.append(([n.id for n in gast.walk(target) if isinstance(n, gast.Name)], False))
    scalar = {n for names, _ in assignments for n in names}
    changed = True
    while changed:
        changed = False
        for names, rhs in assignments:
            if not any(n in scalar for n in names):
                continue
            if rhs is True or (rhs is not False and _scalar_expr(rhs, scalar, returns_scalar)):
                continue
            scalar -= set(names)
            changed = True
    return scalar


def _all_statements(stmts):
    for stmt in stmts:
        yield stmt
        for field in ("body", "orelse"):
            yield from _all_statements(getattr(stmt, field, []) or [])


def _scalar_atom(node, scalar):
    if isinstance(node, gast.Constant):
        return _number(node.value)
    if isinstance(node, gast.Name):
        if hasattr(node, "s2s_global"):
            return _number(node.s2s_global)
        return node.id in scalar
    return False


def _scalar_expr(rhs, scalar, returns_scalar):
    if isinstance(rhs, (gast.Constant, gast.Name)):
        return _scalar_atom(rhs, scalar)
    if isinstance(rhs, gast.BinOp):
        return not isinstance(rhs.op, gast.MatMult) and _scalar_atom(rhs.left, scalar) and _scalar_atom(rhs.right, scalar)
    if isinstance(rhs, gast.UnaryOp):
        return _scalar_atom(rhs.operand, scalar)
    if isinstance(rhs, gast.Compare):
        return _scalar_atom(rhs.left, scalar) and all(_scalar_atom(c, scalar) for c in rhs.comparators)
    if isinstance(rhs, gast.Call):
        fn = getattr(rhs, "s2s_target", None)
        arguments = list(rhs.args) + [k.value for k in rhs.keywords]
        all_scalar = all(_scalar_atom(a, scalar) for a in arguments)
        if _in(fn, MATH) or fn is len:
            return True
        if _in(fn, NUMERIC_BUILTINS) or isinstance(fn, numpy.ufunc):
            return all_scalar
        if _in(fn, REDUCTIONS):
            return len(rhs.args) == 1 and not rhs.keywords
        if returns_scalar is not None and callable(fn) and hasattr(fn, "__code__"):
            return returns_scalar(fn, rhs, scalar)
    return False


def _in(fn, functions):
    try:
        return fn in functions
    except TypeError:  # unhashable callables are in none of these sets
        return False


def scalar_arguments(fn, call, scalar):
    """The parameters of user function ``fn`` that a call passes scalars (or leaves at number defaults)."""
    try:
        sig = inspect.signature(fn)
        bound = sig.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except (TypeError, ValueError):
        return ()
    out = []
    for p in sig.parameters.values():
        if p.name in bound.arguments:
            if _scalar_atom(bound.arguments[p.name], scalar):
                out.append(p.name)
        elif p.default is not p.empty and _number(p.default):
            out.append(p.name)
    return tuple(out)



def shape_classes(fdef, scalar, groups=()):
    """Name -> shape class (a hashable key) of the names of ``fdef`` whose shape
    is known relative to another name's (see the module docstring); names with
    no class are absent.  ``scalar`` is :func:`scalar_names`' result;
    ``groups`` lists groups of parameters known to hold arrays of one shape
    (the call being specialized, see :mod:`s2s.api`)."""
    counts = {}
    args = fdef.args
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    for p in params:
        counts[p] = 1
    single = []
    for stmt in _all_statements(fdef.body):
        names = []
        if isinstance(stmt, gast.For):
            names = [n.id for n in gast.walk(stmt.target) if isinstance(n, gast.Name)]
        elif isinstance(stmt, (gast.Assign, gast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            names = [n.id for t in targets for n in gast.walk(t) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)]
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                single.append(stmt)
        for n in names:
            counts[n] = counts.get(n, 0) + 1
    group_of = {p: i for i, g in enumerate(groups) for p in g}
    classes = {p: ("group", group_of[p]) if p in group_of else ("param", p) for p in params if counts[p] == 1 and p not in scalar}
    for stmt in single:  # in order: ANF defines every operand before its reader
        target = stmt.targets[0].id
        if counts[target] == 1 and target not in scalar:  # a shape of its own, if none is known
            classes[target] = _class_of(stmt.value, classes, scalar) or ("name", target)
    return classes


def _class_of(rhs, classes, scalar):
    if isinstance(rhs, gast.Name) and not hasattr(rhs, "s2s_global"):
        return classes.get(rhs.id)
    if isinstance(rhs, gast.BinOp) and not isinstance(rhs.op, gast.MatMult):
        return _elementwise([rhs.left, rhs.right], classes, scalar)
    if isinstance(rhs, gast.UnaryOp) and not isinstance(rhs.op, gast.Not):
        return _elementwise([rhs.operand], classes, scalar)
    if isinstance(rhs, gast.Call) and isinstance(getattr(rhs, "s2s_target", None), numpy.ufunc) and not rhs.keywords:
        if rhs.s2s_target.nout == 1 and len(rhs.args) == rhs.s2s_target.nin:
            return _elementwise(rhs.args, classes, scalar)
    if isinstance(rhs, gast.Subscript) and isinstance(rhs.value, gast.Name) and rhs.value.id in classes:
        parts = rhs.slice.elts if isinstance(rhs.slice, gast.Tuple) else [rhs.slice]
        lengths = tuple(_slice_length(p) for p in parts)
        if None not in lengths:
            return ("slice", classes[rhs.value.id], lengths)
    return None


def _elementwise(operands, classes, scalar):
    """The class of an elementwise result: that of its non-scalar operands, if they share one."""
    keys = {classes.get(a.id) if isinstance(a, gast.Name) and not hasattr(a, "s2s_global") else None
            for a in operands if not _scalar_atom(a, scalar)}
    return keys.pop() if len(keys) == 1 else None


def _slice_length(part):
    """A key for the length ``part`` leaves of a dimension of any length n: for
    ``a:b`` with a >= 0 and b < 0 (or absent) it is n - a + b (at least 0), so
    the key b - a; None for any other index."""
    if not isinstance(part, gast.Slice) or part.step is not None:
        return None
    lower = 0 if part.lower is None else _int_constant(part.lower)
    upper = 0 if part.upper is None else _int_constant(part.upper)
    if lower is None or upper is None or lower < 0 or upper > 0 or (part.upper is not None and upper == 0):
        return None
    return upper - lower


def _int_constant(node):
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    return None
