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

Containers' items (:class:`~s2s.variants.Fields`) follow too: ``c[i]`` of items
alike is what each is, ``c[1:]`` keeps the items it takes, and a list filled
by ``appended`` in a loop with items alike (an unpacked generator) holds items
of that shape.  ``x @ y`` has its operands' outer dimensions, ``x[None, :]``
a new dimension 1, ``np.array(list(y))`` the shape of ``y``, ``np.split(x, k)`` ``k``
parts alike (:mod:`s2s.splits`).
"""

import inspect
import math

import gast
import numpy

from . import runtime
from .splits import SPLITS, split_key
from .variants import Fields, key_spec, sequence_fields, spec_key

# math functions that return a number (frexp and modf return tuples; prod and sumprod multiply
# whatever they are given, arrays too)
MATH = {getattr(math, n) for n in dir(math) if callable(getattr(math, n))} - {
    math.frexp, math.modf, math.prod, getattr(math, "sumprod", math.prod)}
# builtins that return a number when their arguments are numbers
NUMERIC_BUILTINS = {abs, float, int, round, pow, min, max, bool}
# numpy functions that reduce any array to a scalar when called without axis
REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin, numpy.linalg.norm, numpy.var, numpy.std}


def _number(value):
    return value is None or (isinstance(value, (int, float, complex)) and not isinstance(value, numpy.ndarray))


def scalar_names(fdef, scalar_params, returns_scalar, known=frozenset()):
    """The names of ``fdef`` that always hold scalars (see the module docstring).

    ``known`` names are scalars by another analysis (entries of arrays whose
    dimensions :func:`shape_classes` knows): their assignments count as scalar."""
    assignments = []  # (target names, rhs or None for "scalar")
    args = fdef.args
    for a in args.posonlyargs + args.args + args.kwonlyargs:
        assignments.append(([a.id], a.id in scalar_params))
    tuples = _tuple_literals(fdef)
    for stmt in _all_statements(fdef.body):
        if isinstance(stmt, gast.For):  # loops run over range(...) after normalization
            assignments.append(([stmt.target.id], True))
        elif isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                assignments.append(([target.id], True if target.id in known else stmt.value))
            else:
                parts = _unpacked(target, stmt.value, tuples)
                if parts is not None:  # ``a, b = t`` with ``t = (x, y)``: a is x, b is y
                    assignments.extend(([n], True if n in known else v) for n, v in parts)
                else:
                    stored = [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]
                    assignments.append((stored, isinstance(target, gast.Tuple) and all(n in known for n in stored)))
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


def _tuple_literals(fdef):
    """Name -> the tuple literal it is bound to, for the names assigned once, to a tuple literal."""
    counts, literals = {}, {}
    for stmt in _all_statements(fdef.body):
        own = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target] if isinstance(stmt, (gast.AugAssign, gast.For)) else []
        for n in (n for t in own for n in gast.walk(t)):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                counts[n.id] = counts.get(n.id, 0) + 1
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Tuple):
            literals[stmt.targets[0].id] = stmt.value
    return {n: t for n, t in literals.items() if counts.get(n) == 1}


def _unpacked(target, value, tuples):
    """``[(name, element)]`` for ``a, b = (x, y)`` (or a name bound to that literal), else None."""
    if isinstance(value, gast.Name):
        value = tuples.get(value.id)
    if not (isinstance(target, gast.Tuple) and isinstance(value, gast.Tuple) and len(target.elts) == len(value.elts)):
        return None
    if not all(isinstance(t, gast.Name) and not isinstance(v, gast.Starred) for t, v in zip(target.elts, value.elts)):
        return None
    return [(t.id, v) for t, v in zip(target.elts, value.elts)]


def _unpacks_name(stmt):
    return (
        isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Tuple) and isinstance(stmt.value, gast.Name)
        and all(isinstance(t, gast.Name) for t in stmt.targets[0].elts)
    )


def integer_names(fdef, int_params=()):
    """The names of ``fdef`` that always hold Python integers: loop indices
    (loops run over ``range`` after normalization), integer constants, sizes
    (``len``, the entries of ``x.shape``), the parameters ``int_params`` (every
    call passes them an integer: :meth:`s2s.transform.Program.request`) and
    ``+ - * // %`` of those.  An index made of them is basic indexing: it
    selects one entry per integer."""
    assignments = {p: [True] for p in int_params}
    for stmt in _all_statements(fdef.body):
        if isinstance(stmt, gast.For):
            for n in gast.walk(stmt.target):
                if isinstance(n, gast.Name):
                    assignments.setdefault(n.id, []).append(True)
        elif isinstance(stmt, (gast.Assign, gast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            whole = isinstance(targets[0], gast.Name) and isinstance(stmt, gast.Assign)
            for n in (n for t in targets for n in gast.walk(t) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)):
                assignments.setdefault(n.id, []).append(stmt.value if whole else False)
    shapes = {n for n, values in assignments.items() if len(values) == 1 and isinstance(values[0], gast.Attribute) and values[0].attr == "shape"}
    # lists of integers: ``[]`` and ``appended(frames, i)`` of one (a linear recursion's frames)
    lists = {n for n, values in assignments.items() if all(_empty_list(v) or _appended(v) or isinstance(v, gast.Name) for v in values)}
    ints = set(assignments)
    changed = True
    while changed:
        changed = False
        for n in assignments:  # in the order of the code: a chain settles in one pass
            if n in ints and not all(v is True or (v is not False and _integer_expr(v, ints, shapes | lists)) for v in assignments[n]):
                ints.discard(n)
                changed = True
            if n in lists and not all(_empty_list(v) or _appended(v) and _integer_atom(v.args[0], lists) and _integer_expr(v.args[1], ints, shapes | lists)
                                      or isinstance(v, gast.Name) and v.id in lists for v in assignments[n]):
                lists.discard(n)
                changed = True
    return ints


def _empty_list(value):
    return isinstance(value, gast.List) and not value.elts


def _appended(value):
    return isinstance(value, gast.Call) and getattr(value, "s2s_target", None) is runtime.appended and len(value.args) == 2


INTEGER_OPS = (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv, gast.Mod)


def _integer_atom(node, ints):
    if _int_constant(node) is not None:
        return True
    if isinstance(node, gast.Constant):
        return False
    return isinstance(node, gast.Name) and not hasattr(node, "s2s_global") and node.id in ints


def _integer_expr(rhs, ints, shapes):
    if isinstance(rhs, gast.BinOp):
        return isinstance(rhs.op, INTEGER_OPS) and _integer_atom(rhs.left, ints) and _integer_atom(rhs.right, ints)
    if isinstance(rhs, gast.UnaryOp):
        return isinstance(rhs.op, (gast.USub, gast.UAdd)) and _integer_atom(rhs.operand, ints)
    if isinstance(rhs, gast.Call):
        fn = getattr(rhs, "s2s_target", None)
        return fn is len or fn is runtime.sequence_length
    if isinstance(rhs, gast.Subscript):  # an entry of a shape
        return isinstance(rhs.value, gast.Name) and rhs.value.id in shapes and _integer_atom(rhs.slice, ints)
    return _integer_atom(rhs, ints)


def reverse_facts(fdef, scalar_params, returns_scalar, dims=None, returns_key=None, int_params=()):
    """``(scalar, classes, integers)`` for reverse mode: :func:`scalar_names` and
    :func:`shape_classes` iterated together, so that an entry of an array whose
    dimensions are known (``g = params[0]``) is a scalar, and scalar arithmetic
    of it stays one; and :func:`integer_names`."""
    integers = integer_names(fdef, int_params)
    known = set()
    while True:
        scalar = scalar_names(fdef, scalar_params, returns_scalar, known)
        classes = shape_classes(fdef, scalar, dims, integers, returns_key)
        found = {n for n, k in classes.items() if k == ("dims", ())} - scalar - known
        if not found:
            return scalar, classes, integers
        known |= found


def _all_statements(stmts):
    for stmt in stmts:
        yield stmt
        for field in ("body", "orelse"):
            yield from _all_statements(getattr(stmt, field, []) or [])


def _scalar_atom(node, scalar):
    if isinstance(node, gast.Constant):
        return _number(node.value)
    if hasattr(node, "s2s_global"):  # a module's number: ``G``, ``np.pi``
        return _number(node.s2s_global)
    if isinstance(node, gast.Name):
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
        if _in(fn, MATH) or fn is len or fn is runtime.sequence_length:
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


TOP = object()  # no assignment evaluated yet (see shape_classes)
EMPTY = Fields("[]", ())  # the class of an empty list (``items = []``), before ``appended`` fills it


def shape_classes(fdef, scalar, dims=None, integers=None, returns_key=None):
    """Name -> shape class (a hashable key) of the names of ``fdef`` whose shape
    is known relative to another name's (see the module docstring); names with
    no class are absent.  ``scalar`` is :func:`scalar_names`' result.

    ``dims`` maps parameters to the dimensions of the arrays a specialized call
    passes them (:mod:`s2s.api`): symbols equal where the sizes are equal, 1
    for a dimension of size 1 (and sizes the function itself spells, ``np.zeros((n, 2))``).
    ``returns_key(fn, call, scalar, keys)`` gives the class of what a call of
    user function ``fn`` returns, where known.  Shapes then follow through broadcasting,
    matrix products, indexing, reductions and transposes as tuples of those
    symbols, ``("dims", (...))``, the same for any sizes with that pattern,
    and through loop-carried names, which are assigned several times
    (an optimistic fixed point: a name has the shape all its assignments
    agree on).  Other keys name the shape of one value (``("name", t)``) and
    are given to names assigned once only.
    """
    dims = dims or {}
    args = fdef.args
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    assignments = {}  # name -> its right-hand sides (None: a store that is not `name = expr`)
    indices = set(integers or ())  # integers (loop indices at least)
    tuples = _tuple_literals(fdef)
    for stmt in _all_statements(fdef.body):
        if isinstance(stmt, gast.For):
            for n in (n.id for n in gast.walk(stmt.target) if isinstance(n, gast.Name)):
                indices.add(n)
                assignments.setdefault(n, []).append(None)
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            assignments.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.Assign) and _unpacked(stmt.targets[0], stmt.value, tuples) is not None:
            for n, v in _unpacked(stmt.targets[0], stmt.value, tuples):
                assignments.setdefault(n, []).append(v)
        elif _unpacks_name(stmt):  # ``a, b = x``: each is what ``x[i]`` is (an array's rows, a tuple's items)
            for i, t in enumerate(stmt.targets[0].elts):
                assignments.setdefault(t.id, []).append(gast.Subscript(value=stmt.value, slice=gast.Constant(value=i, kind=None), ctx=gast.Load()))
        elif isinstance(stmt, (gast.Assign, gast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            for n in (n for t in targets for n in gast.walk(t) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)):
                assignments.setdefault(n.id, []).append(None)
    keys = {}
    for p in params:
        if p in scalar:
            continue
        given = spec_key(dims[p]) if p in dims else None
        if p in assignments:  # reassigned: only its call-time dimensions can be trusted everywhere
            assignments[p].append(given if given is not None and given[0] == "dims" else None)
        else:
            keys[p] = given or ("param", p)
    sizes = _sizes(assignments, indices)
    for p in params:  # an integer parameter never reassigned: a length of its own, as an integer assigned once
        if p in indices and p not in assignments:
            sizes.setdefault(p, ("own", p))
    state = {n: TOP for n in assignments if n not in scalar}
    keys.update(state)
    changed = True
    while changed:
        changed = False
        for n in state:
            values = [v if isinstance(v, tuple) or v is None else _key_of(v, keys, scalar, indices, sizes, returns_key) for v in assignments[n]]
            known = [v for v in values if v is not TOP]
            if not known:
                new = TOP
            elif len(assignments[n]) == 1:
                new = known[0] or ("name", n)  # one value: a shape of its own, if none is known
            elif all(isinstance(v, Fields) for v in known) and len(set(known) - {EMPTY}) <= 1:
                new = (set(known) - {EMPTY} or {EMPTY}).pop()  # a list filled in a loop: items alike, whatever their number
                new = new if new == EMPTY or "*" in dict(new.items) else None
            else:
                new = known[0] if known[0] is not None and known[0][0] == "dims" and all(v == known[0] for v in known) else None
            if new != keys[n]:
                keys[n] = new
                changed = True
    return {n: k for n, k in keys.items() if k is not None and k is not TOP}


def field_key(rhs, keys, indices):
    """The class of ``c[k]`` or ``c.name`` where ``c`` holds a container whose fields are known."""
    base = keys.get(rhs.value.id) if isinstance(rhs.value, gast.Name) else None
    if not isinstance(base, Fields):
        return None
    items = dict(base.items)
    if isinstance(rhs, gast.Attribute):
        return spec_key(items.get(rhs.attr)) if base.kind == "." else None
    if base.kind == "[]" and "*" in items:
        if isinstance(rhs.slice, gast.Slice) and _constant_bounds(rhs.slice) is not None:
            return base  # ``layers[:-1]``: items alike, whatever their number
        return spec_key(items["*"]) if is_integer(rhs.slice, indices) else None
    if base.kind == "[]" and isinstance(rhs.slice, gast.Slice):  # ``layers[:-1]``: the items it keeps
        bounds = _constant_bounds(rhs.slice)
        kept = [spec for _, spec in base.items][slice(*bounds)] if bounds is not None else None
        return sequence_fields(kept) if kept else None
    if base.kind == "[]" and base.items and is_integer(rhs.slice, indices) and _int_constant(rhs.slice) is None:
        specs = {spec for _, spec in base.items}  # ``items[i]`` of items alike: what each of them is
        return spec_key(specs.pop()) if len(specs) == 1 else None
    key = _int_constant(rhs.slice)
    if key is None and isinstance(rhs.slice, gast.Constant) and type(rhs.slice.value) is str:
        key = rhs.slice.value
    if base.kind == "[]" and type(key) is int and -len(base.items) <= key < 0:
        key += len(base.items)
    return spec_key(items.get(key)) if base.kind != "." and key is not None else None


def _sizes(assignments, integers=()):
    """Name -> where the size it holds comes from, for the names assigned once to a size of
    another name's value: ``("of", x, i)`` for ``n = x_shape[i]`` after ``x_shape = x.shape``
    and for ``n = len(x)`` (``i`` 0); ``("own", n)`` for any other name of ``integers`` assigned
    once (``n_plus_1 = n + 1``: a length of its own, see :func:`_dimension`); and ``("literal", n)`` -> the elements of the tuple or
    list literal ``n`` (for ``np.zeros(n)`` and ``np.array(n)``); ``("items", n)`` -> the name
    ``y`` of ``n = list(y)`` or ``tuple(y)`` (``np.array(n)`` has ``y``'s shape).  :func:`_dimension`
    reads them with the classes known at the time."""
    def single(n):
        values = assignments.get(n, ())
        return values[0] if len(values) == 1 else None

    sizes = {}
    for n in assignments:
        rhs = single(n)
        if rhs is not None and n in integers:
            sizes[n] = ("own", n)  # (a size of another value's, below, says more)
        if isinstance(rhs, (gast.List, gast.Tuple)) and not any(isinstance(e, gast.Starred) for e in rhs.elts):
            sizes[("literal", n)] = rhs.elts
        if (isinstance(rhs, gast.Call) and _in(getattr(rhs, "s2s_target", None), (len, runtime.sequence_length))
                and len(rhs.args) == 1 and isinstance(rhs.args[0], gast.Name) and not hasattr(rhs.args[0], "s2s_global")):
            sizes[n] = ("of", rhs.args[0].id, 0)
        if (isinstance(rhs, gast.Call) and _in(getattr(rhs, "s2s_target", None), (list, tuple)) and len(rhs.args) == 1
                and not rhs.keywords and isinstance(rhs.args[0], gast.Name) and not hasattr(rhs.args[0], "s2s_global")):
            sizes[("items", n)] = rhs.args[0].id  # ``slopes = list(theta[2:])``: np.array(slopes) has its shape
        if not (isinstance(rhs, gast.Subscript) and isinstance(rhs.value, gast.Name) and _int_constant(rhs.slice) is not None):
            continue
        shape = single(rhs.value.id)
        if isinstance(shape, gast.Attribute) and shape.attr == "shape" and isinstance(shape.value, gast.Name):
            sizes[n] = ("of", shape.value.id, _int_constant(rhs.slice))
    return sizes


def _dimension(node, sizes, keys):
    """The dimension a size argument spells: a positive integer constant, or the symbol of a
    name holding a size of a value whose dimensions are known; TOP while that value's class
    is not computed yet; None for anything else."""
    value = _int_constant(node)
    if value is not None:
        return value if value > 0 else None
    source = sizes.get(node.id) if isinstance(node, gast.Name) else None
    if source is None:
        return None
    if source[0] == "own":  # np.zeros(n + 1): one dimension, whose length only this name spells
        return f"{source[1]}/n"  # (equal to itself only; like a part's "d/4", no callee is told of it)
    key = keys.get(source[1])
    if key is TOP:
        return TOP
    if isinstance(key, tuple) and key[0] == "dims" and -len(key[1]) <= source[2] < len(key[1]):
        return key[1][source[2]]
    return None


def _key_of(rhs, keys, scalar, indices, sizes, returns_key=None):
    """The class of ``rhs`` from its operands' (TOP while one of them is TOP)."""
    operands = [n for n in gast.walk(rhs) if isinstance(n, gast.Name) and not hasattr(n, "s2s_global")]
    if any(keys.get(n.id) is TOP for n in operands):
        return TOP
    if isinstance(rhs, gast.Name) and not hasattr(rhs, "s2s_global"):
        return ("dims", ()) if rhs.id in scalar else keys.get(rhs.id)
    if isinstance(rhs, (gast.Subscript, gast.Attribute)) and isinstance(keys.get(getattr(rhs.value, "id", None)), Fields):
        return field_key(rhs, keys, indices)
    if isinstance(rhs, gast.List) and not rhs.elts:
        return EMPTY
    if isinstance(rhs, (gast.Tuple, gast.List)) and rhs.elts and not any(isinstance(e, gast.Starred) for e in rhs.elts):
        return sequence_fields([
            "float" if _scalar_atom(e, scalar) else key_spec(_key_of(e, keys, scalar, indices, sizes, returns_key)) for e in rhs.elts])
    if isinstance(rhs, gast.BinOp) and not isinstance(rhs.op, gast.MatMult):
        return _elementwise([rhs.left, rhs.right], keys, scalar)
    if isinstance(rhs, gast.BinOp):
        return _matmul(_dims(rhs.left, keys, scalar), _dims(rhs.right, keys, scalar))
    if isinstance(rhs, gast.UnaryOp) and not isinstance(rhs.op, gast.Not):
        return _elementwise([rhs.operand], keys, scalar)
    if isinstance(rhs, gast.Attribute) and rhs.attr == "T":
        shape = _dims(rhs.value, keys, scalar)
        return ("dims", shape[::-1]) if shape is not None else None
    if isinstance(rhs, gast.Call):
        return _call_key(rhs, keys, scalar, sizes, returns_key)
    if isinstance(rhs, gast.Subscript) and isinstance(rhs.value, gast.Name):
        return subscript_key(rhs, keys, indices)
    return None


def _dims(node, keys, scalar):
    """The dimensions of an atom, or None."""
    if _scalar_atom(node, scalar):
        return ()
    key = keys.get(node.id) if isinstance(node, gast.Name) and not hasattr(node, "s2s_global") else None
    return key[1] if isinstance(key, tuple) and key[0] == "dims" else None


def _elementwise(operands, keys, scalar):
    """The class of an elementwise result: that of its non-scalar operands if they
    share one, else their broadcast shape where all shapes are known."""
    arrays = [a for a in operands if not _scalar_atom(a, scalar)]
    found = {keys.get(a.id) if isinstance(a, gast.Name) and not hasattr(a, "s2s_global") else None for a in arrays}
    if any(isinstance(k, Fields) for k in found):
        return None  # ``t + t`` of tuples: another container
    if len(found) == 1:
        return found.pop()
    if not arrays:
        return ("dims", ())
    shape = ()
    for a in arrays:
        shape = _broadcast(shape, _dims(a, keys, scalar))
        if shape is None:
            return None
    return ("dims", shape)


def _broadcast(a, b):
    if a is None or b is None:
        return None
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            if type(x) is int and type(y) is int or type(x) is not int and type(y) is not int:
                return None
            out.append(x if type(x) is int else y)  # a number other than 1: the size wherever the product runs
            continue  # (the symbol's size is that number or 1; either way the result has the number)
        out.append(y if x == 1 else x)
    return tuple(reversed(out))


def _matmul(a, b):
    """The class of ``x @ y`` of vectors and matrices: their outer dimensions (the inner ones
    agree where the product runs, whether or not their symbols say so: ``@`` broadcasts none)."""
    if a is None or b is None or not a or not b or len(a) > 2 or len(b) > 2:
        return None
    return ("dims", a[:-1] + b[1:])


REDUCING = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin, numpy.var, numpy.std}
SAME_SHAPE = {numpy.zeros_like, numpy.ones_like, numpy.empty_like, numpy.copy, runtime.copy_of}
# numpy functions that make an array of a given shape: how many positional arguments they take
MADE = {numpy.zeros: 1, numpy.ones: 1, numpy.empty: 1, numpy.full: 2}


def _call_key(rhs, keys, scalar, sizes, returns_key=None):
    fn = getattr(rhs, "s2s_target", None)
    if fn is runtime.updated and rhs.args and isinstance(rhs.args[0], gast.Name):
        key = keys.get(rhs.args[0].id)  # an item assignment keeps an array's shape
        return key if isinstance(key, tuple) and key[0] == "dims" else None
    if fn is runtime.appended and len(rhs.args) == 2 and isinstance(rhs.args[0], gast.Name) and not rhs.keywords:
        base = keys.get(rhs.args[0].id)  # a list made in the function, one item added: items alike stay alike
        item = "float" if _scalar_atom(rhs.args[1], scalar) else key_spec(_key_of(rhs.args[1], keys, scalar, (), sizes))
        if item is None or not (isinstance(base, Fields) and base.kind == "[]" and all(spec == item for _, spec in base.items)):
            return None
        return Fields("[]", (("*", item),))
    if _in(fn, MADE) and rhs.args and not {k.arg for k in rhs.keywords} - {"dtype"} and len(rhs.args) == MADE[fn]:
        parts = rhs.args[0].elts if isinstance(rhs.args[0], gast.Tuple) else [rhs.args[0]]
        if len(parts) == 1 and isinstance(parts[0], gast.Name):  # np.zeros(shape) with shape = (n, m)
            parts = sizes.get(("literal", parts[0].id), parts)
        shape = tuple(_dimension(p, sizes, keys) for p in parts)
        return TOP if TOP in shape else ("dims", shape) if None not in shape else None
    if isinstance(fn, numpy.ufunc) and not rhs.keywords and fn.nout == 1 and len(rhs.args) == fn.nin:
        return _elementwise(rhs.args, keys, scalar)
    if _in(fn, (numpy.array, numpy.asarray)) and len(rhs.args) == 1 and not {k.arg for k in rhs.keywords} - {"dtype"} and isinstance(rhs.args[0], gast.Name):
        items = sizes.get(("literal", rhs.args[0].id))  # np.array([x, y, z]) of numbers
        if items is not None and all(_scalar_atom(e, scalar) for e in items):
            return ("dims", (len(items),))
        source = sizes.get(("items", rhs.args[0].id))  # np.array(list(y)) of an array y: y's shape
        if source is not None:
            key = keys.get(source)
            return key if key is TOP or isinstance(key, tuple) and key[0] == "dims" and key[1] else None
        fields = keys.get(rhs.args[0].id)  # np.asarray(y0), y0 a tuple or list of numbers
        if isinstance(fields, Fields) and fields.kind == "[]" and fields.items and all(
                k != "*" and spec_key(v) == ("dims", ()) for k, v in fields.items):
            return ("dims", (len(fields.items),))
        shape = _dims(rhs.args[0], keys, scalar)  # of an array: its shape, whatever the dtype
        return ("dims", shape) if shape is not None else None
    if fn is numpy.concatenate and len(rhs.args) == 1 and not rhs.keywords and isinstance(rhs.args[0], gast.Name):
        return _concatenated(sizes.get(("literal", rhs.args[0].id)), keys, scalar, sizes)
    if fn is numpy.diff and len(rhs.args) == 1 and not rhs.keywords:
        shape = _dims(rhs.args[0], keys, scalar)  # one difference along the last axis
        return ("dims", shape[:-1] + (shape[-1] - 1,)) if shape and type(shape[-1]) is int and shape[-1] >= 1 else None
    if _in(fn, SAME_SHAPE) and len(rhs.args) == 1 and not rhs.keywords and isinstance(rhs.args[0], gast.Name):
        key = keys.get(rhs.args[0].id)
        return None if isinstance(key, Fields) else key
    if (fn is numpy.transpose and len(rhs.args) == 1 and not rhs.keywords):
        shape = _dims(rhs.args[0], keys, scalar)
        return ("dims", shape[::-1]) if shape is not None else None
    if _in(fn, REDUCING) and len(rhs.args) in (1, 2):
        options = {k.arg: k.value for k in rhs.keywords}
        if len(rhs.args) == 2:
            options["axis"] = rhs.args[1]
        if set(options) - {"axis", "keepdims"}:
            return None
        shape = _dims(rhs.args[0], keys, scalar)
        axis = options.get("axis")
        keep = options.get("keepdims")
        keep = False if keep is None else keep.value if isinstance(keep, gast.Constant) and type(keep.value) is bool else None
        if shape is None or keep is None:
            return None
        if axis is None or isinstance(axis, gast.Constant) and axis.value is None:
            axes = range(len(shape))
        else:
            parts = axis.elts if isinstance(axis, gast.Tuple) else [axis]
            axes = [_int_constant(a) for a in parts]
            if None in axes or any(not -len(shape) <= a < len(shape) for a in axes):
                return None
            axes = {a % len(shape) for a in axes}
        return ("dims", tuple(1 if i in axes else d for i, d in enumerate(shape) if keep or i not in axes))
    if _in(fn, SPLITS):
        return split_key(fn, rhs, lambda node: _dims(node, keys, scalar))
    if returns_key is not None and callable(fn) and hasattr(fn, "__code__"):
        return returns_key(fn, rhs, scalar, keys)  # a user function: the class of what it returns
    return None


def _concatenated(parts, keys, scalar, sizes):
    """The class of ``np.concatenate([a, b, ...])`` of vectors whose lengths are numbers (names
    of arrays of one known dimension, lists of numbers written out), else None."""
    if not parts:
        return None
    total = 0
    for part in parts:
        if not isinstance(part, gast.Name) or hasattr(part, "s2s_global"):
            return None
        items = sizes.get(("literal", part.id))
        if items is not None and all(_scalar_atom(e, scalar) for e in items):
            total += len(items)
            continue
        key = keys.get(part.id)
        if key is TOP:
            return TOP
        if not (isinstance(key, tuple) and key[0] == "dims" and len(key[1]) == 1 and type(key[1][0]) is int):
            return None
        total += key[1][0]
    return ("dims", (total,))


def subscript_key(rhs, keys, indices):
    """The class of ``name[index]`` from ``name``'s (``indices``: names holding integers), or None."""
    base = keys.get(rhs.value.id)
    parts = rhs.slice.elts if isinstance(rhs.slice, gast.Tuple) else [rhs.slice]
    if isinstance(base, tuple) and base[0] == "dims":
        shape = base[1]
        new_axes = [isinstance(p, gast.Constant) and p.value is None for p in parts]  # ``x[None, :]``
        taken = [p for p, new in zip(parts, new_axes) if not new]
        if len(taken) > len(shape):
            return None
        dims = iter(shape)
        out = []
        for p, new in zip(parts, new_axes):
            if new:
                out.append(1)
                continue
            d = next(dims)
            if isinstance(p, gast.Slice) and type(d) is int and _constant_bounds(p) is not None:
                out.append(len(range(d)[slice(*_constant_bounds(p))]) or None)  # a known size: a number
                if out[-1] is None:
                    return None
                continue
            if isinstance(p, gast.Slice):
                length = _slice_length(p)
                if length is None:
                    return None
                out.append(d if length == 0 else ("slice", d, length))
            elif is_integer(p, indices):
                continue  # an integer takes the dimension away
            else:
                return None
        return ("dims", tuple(out) + shape[len(taken):])
    if base is not None:
        lengths = tuple(_slice_length(p) for p in parts)
        if None not in lengths:
            return ("slice", base, lengths)
    return None


def is_integer(node, integers):
    """An integer constant, a name in ``integers``, or ``+ - * // %`` of those."""
    if isinstance(node, gast.BinOp):
        return isinstance(node.op, INTEGER_OPS) and is_integer(node.left, integers) and is_integer(node.right, integers)
    return _integer_atom(node, integers)


def _constant_bounds(part):
    """``(lower, upper, step)`` of a slice of integer constants (None where absent), else None."""
    bounds = []
    for b in (part.lower, part.upper, part.step):
        value = None if b is None else _int_constant(b)
        if b is not None and value is None:
            return None
        bounds.append(value)
    return tuple(bounds)


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
    """The integer a constant (``2``, ``-2``) spells, else None."""
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    return None
