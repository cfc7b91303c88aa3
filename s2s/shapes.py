"""Scalar analysis: which names of an ANF function always hold a scalar.

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

