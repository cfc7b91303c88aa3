"""Loops on numbers: what a loop of generated code reads from before it that may be Python floats.

Part of :mod:`s2s.elements` (which lowers loops that read vectors entry by entry): a loop whose
arithmetic runs on numpy scalars that come from before it (``g``, ``L`` unpacked from a
parameter array, an accumulator ``theta_2`` carried from one iteration to the next) pays an
allocation per operation, as on a vector's entries.  The loop takes them as Python floats at
its entry (``float_lists(..., numbers=(g, L, theta_2))``: a float64 scalar becomes the same
Python float, anything else leaves the whole loop as it was), and passes the values of the
numpy functions it calls on such numbers through the function ``float_lists`` gives with
``results=True`` (``float`` where the loop runs on Python floats: ``float(np.sin(x))`` holds
numpy's bits)::

    for i in steps:                                  g, L, theta_2, to_float = float_lists((), numbers=(g, L, theta_2), results=True)
        s = np.sin(theta_2)                 ->       for i in steps:
        theta_2 = theta_2 - g / L * s                    s = to_float(np.sin(theta_2))
                                                         theta_2 = theta_2 - g / L * s

Here only what the loop reads and which calls give numbers is found (:func:`entry_numbers`);
:class:`s2s.floats.Floats` decides, as for a vector's entries, which of them may be Python
floats without anything acting otherwise.
"""

import gast
import numpy

from .floats import NUMERIC, index, numpy_name, stored


def entry_numbers(function, loop, lowered, refused=()):
    """``(roots, calls, given)`` for the outermost ``loop`` of ``function`` (``s2s.elements._Function``):
    the names it reads that hold numbers when it starts (bound before it to what looks like a
    number: an entry ``v[0]`` of a vector, arithmetic of numbers, ``zeros_like`` of one; float_lists
    checks them), and its calls of numpy's elementwise functions whose arguments are numbers
    where those names and the entries of the ``lowered`` vectors are Python floats; with the
    parameters that are Python numbers those calls' arguments come from (float_lists checks them).
    ``refused``: names not to take (then not numbers: nothing checks what they hold)."""
    f = function
    for node in gast.walk(loop):  # entries of arrays left as they are: numpy scalars whatever the numbers
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) and not (isinstance(node.value, gast.Name) and (
                node.value.id in lowered or node.value.id in f.stacks or node.value.id in f.lists)):
            return [], [], []
    inside = {id(n) for n in gast.walk(loop)}
    start = f.order[loop]
    read = {n.id for n in gast.walk(loop) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
    read |= {n.target.id for n in gast.walk(loop) if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name)}
    in_loop, before = {}, {}  # name -> the values assigned to it there (None: not an expression we follow)
    for node in gast.walk(f.fdef):
        for target, value in _pairs(node):
            for name, part in _parts(target, value):
                if id(node) in inside:
                    in_loop.setdefault(name, []).append(part)
                elif f.taken_numbers.get(name, -1) < f.order.get(f._statement(node), start) < start:
                    before.setdefault(name, []).append(part)  # (since an earlier loop took it, if one did)
    given = f.scalars & f.params  # Python numbers, or float64 scalars (isinstance(x, float))
    skip = (f.params - given) | f.stacks | set(lowered) | f.lists | f.converters
    iterated = {n.id for n in gast.walk(loop.iter) if isinstance(n, gast.Name)} if isinstance(loop, gast.For) else set()
    roots = {n for n in read & (_bound(f, loop) | given) if n not in skip | iterated | set(refused)}
    # numbers looking like numbers before the loop (float_lists checks them): to a fixpoint
    looks = (set(before) | given) - skip
    changed = True
    while changed:
        changed = False
        for name in sorted(looks):
            if not all(_number(v, looks, f, lowered, inside, loose=True) for v in before.get(name, [])):
                looks.discard(name)
                changed = True
    roots &= looks
    # names bound before the loop to Python numbers alone (dt / 6.0, or float64 scalars)
    python = set(before) - skip - set(f.taken_numbers)
    changed = True
    while changed:
        changed = False
        for name in sorted(python):
            if not all(_python_number(v, python | (f.scalars & f.params), f) for v in before.get(name, [])):
                python.discard(name)
                changed = True
    constant = {n for n in python if before.get(n)}  # of constants alone (step = 1.0): Python numbers, nothing to take
    changed = True
    while changed:
        changed = False
        for name in sorted(constant):
            if not all(_python_number(v, constant, f) for v in before[name]):
                constant.discard(name)
                changed = True
    roots -= constant
    # numbers in the loop, given the roots: names assigned there only numbers, roots kept so
    numbers = roots | set(in_loop)
    changed = True
    while changed:
        changed = False
        known = numbers | python | (f.scalars & f.params)
        for name in sorted(numbers):
            if name in in_loop and not all(_number(v, known, f, lowered, inside) for v in in_loop[name]):
                numbers.discard(name)
                changed = True
            elif name not in roots and name in before and name in read:
                numbers.discard(name)  # read in the loop holding what it held before: not a root
                changed = True
    roots &= numbers
    known = numbers | python | (f.scalars & f.params)
    calls = [n for n in gast.walk(loop) if isinstance(n, gast.Call) and _elementwise(n.func) and not n.keywords
             and n.args and all(_number(a, known, f, lowered, inside) for a in n.args)
             and not _calls_name(f.parents.get(n), {"float"} | f.converters)]
    if not calls:  # what an earlier loop took is a Python float since (where it was left as it was, so is this loop)
        roots -= {n for n in roots if _taken(n, before, f)}
    first = {}
    for k, node in enumerate(gast.walk(loop)):
        if isinstance(node, gast.Name):
            first.setdefault(node.id, k)
    # the Python-number parameters the calls' numbers come from: float_lists checks them (np.sin(True)
    # is a float16, which float() would turn into a number that computes otherwise)
    given, todo = set(), sorted(read & (python | f.params)) if calls else []
    while todo:
        name = todo.pop()
        if name in given:
            continue
        given.add(name)
        todo.extend(n.id for v in before.get(name, []) if v is not None for n in gast.walk(_expression(v)) if isinstance(n, gast.Name))
    return sorted(roots, key=lambda n: (first.get(n, 0), n)), calls, sorted(given & f.scalars & f.params)


def _expression(value):
    return value.value if isinstance(value, (_Unpacked, _Iterated)) else value


def _python_number(node, known, f):
    """Whether ``node`` computes a Python number from Python numbers (``known`` names them)."""
    if isinstance(node, _Unpacked):  # theta, omega = theta_omega, a tuple of them
        values = f.assigned.get(node.value.id) if isinstance(node.value, gast.Name) else None
        return bool(values) and all(isinstance(v, gast.Tuple) and len(v.elts) > node.k and _python_number(v.elts[node.k], known, f) for v in values)
    if isinstance(node, gast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, gast.Name):
        return node.id in known
    if isinstance(node, gast.BinOp):
        return _python_number(node.left, known, f) and _python_number(node.right, known, f)
    if isinstance(node, gast.UnaryOp):
        return isinstance(node.op, (gast.USub, gast.UAdd)) and _python_number(node.operand, known, f)
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in ("abs", "min", "max", "float", "zeros_like") and node.func.id not in f.assigned:
        return not node.keywords and all(_python_number(a, known, f) for a in node.args)
    return False


def _pairs(node):
    if isinstance(node, gast.Assign) and not getattr(node, "s2s_take", False):
        return [(t, node.value) for t in node.targets]
    if isinstance(node, gast.AugAssign):
        return [(node.target, gast.BinOp(left=node.target, op=node.op, right=node.value))]
    if isinstance(node, gast.For):
        return [(node.target, _Iterated(node.iter) if isinstance(node.target, gast.Name) else None)]
    return []


def _parts(target, value):
    """(name, the expression it is bound to, or None) for each name ``target`` binds."""
    if isinstance(target, gast.Name):
        return [(target.id, value)]
    if isinstance(target, (gast.Tuple, gast.List)):
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            return [p for t, v in zip(target.elts, value.elts) for p in _parts(t, v)]
        return [(name, _Unpacked(value, k)) for k, t in enumerate(target.elts) for name in stored(t)]
    return []


class _Iterated:
    """What a loop over ``value`` binds its one target to."""

    def __init__(self, value):
        self.value = value


class _Unpacked:
    """The ``k``-th of the values ``value`` unpacks to (a loop's target, a tuple's name)."""

    def __init__(self, value, k):
        self.value, self.k = value, k


def _elementwise(func):
    name = numpy_name(func)
    return name is not None and func.value.id == "np" and isinstance(getattr(numpy, name, None), numpy.ufunc)


def _calls_name(node, names):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in names


def _number(node, known, f, lowered, inside, loose=False):
    """Whether ``node`` is a number where ``known`` names numbers (``loose``: or looks like one
    before float_lists checks it: an entry ``v[0]``, ``zeros_like``/``seed_like`` of numbers)."""
    rec = lambda n: _number(n, known, f, lowered, inside, loose)  # noqa: E731
    if isinstance(node, _Unpacked):
        value = node.value
        values = f.assigned.get(value.id) if isinstance(value, gast.Name) else None
        if values and all(isinstance(v, gast.Tuple) and len(v.elts) > node.k for v in values):
            return all(rec(v.elts[node.k]) for v in values)
        # a, b = v: the entries of a vector the user passed (checked)
        return loose and f.entry and isinstance(value, gast.Name) and value.id in f.params and value.id not in f.scalars
    if isinstance(node, _Iterated):  # for i in steps: integers
        value = node.value
        return _calls_name(value, {"range"}) or isinstance(value, gast.Name) and bool(f.assigned.get(value.id)) and all(
            _calls_name(v, {"range"}) for v in f.assigned[value.id])
    if node is None:
        return False
    if isinstance(node, gast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, gast.Name):
        return node.id in known
    if isinstance(node, gast.BinOp):
        return rec(node.left) and rec(node.right)
    if isinstance(node, gast.UnaryOp):
        return isinstance(node.op, (gast.USub, gast.UAdd)) and rec(node.operand)
    if isinstance(node, gast.IfExp):
        return rec(node.body) and rec(node.orelse)
    if isinstance(node, gast.Subscript):
        base = node.value
        if not (isinstance(base, gast.Name) and index(node.slice)):
            return False
        if base.id in lowered and id(node) in inside:
            return True  # an entry of a list of Python floats (not an earlier loop's: it may have been left a vector)
        return loose and isinstance(node.slice, gast.Constant)  # v[0]: a number if v is a vector (checked)
    if isinstance(node, gast.Call):
        func = node.func
        if node.keywords or not all(rec(a) for a in node.args):
            return False
        if _elementwise(func) or isinstance(func, gast.Attribute) and numpy_name(func) is not None and func.value.id == "math":
            return True
        if isinstance(func, gast.Name) and (func.id in NUMERIC or func.id in f.converters or loose and func.id in ("zeros_like", "seed_like")):
            return func.id not in f.assigned or func.id in f.converters
    return False



def _taken(name, before, f, seen=frozenset()):
    """Whether ``name`` holds what an earlier loop took as a Python float, or a Python number
    computed from such alone (``zeros_like(k)``): nothing to take again where nothing counts on it
    (where that loop was left as it was, this one runs on what it ran on)."""
    values = before.get(name, [])
    if name in seen or not values:
        return name not in seen and name in f.taken_numbers
    names = [m.id for v in values for m in gast.walk(_expression(v)) if isinstance(m, gast.Name) and m.id not in ("abs", "min", "max", "float", "zeros_like")]
    return all(_taken(m, before, f, seen | {name}) for m in names)


def _bound(f, loop):
    """The names certainly bound when ``loop`` starts: assigned by a statement before it in its block
    or in a block around it (not only in a loop or a branch, which may not have run)."""
    names, body = set(), f.fdef.body
    while body is not None:
        inner = None
        for stmt in body:
            if stmt is loop or any(s is loop for s in gast.walk(stmt)):
                inner = None if stmt is loop else next(b for b in _blocks(stmt) if any(s is loop for x in b for s in gast.walk(x)))
                break
            if isinstance(stmt, (gast.Assign, gast.AugAssign)):
                names.update(n for t in (stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]) for n in stored(t))
        body = inner
    return names


def _blocks(stmt):
    for field in ("body", "orelse"):
        block = getattr(stmt, field, None)
        if isinstance(block, list):
            yield block
