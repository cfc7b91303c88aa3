"""Stabilizing shifts: a value subtracted so that ``exp`` cannot overflow carries no derivative.

Takes an ANF function (:mod:`.anf`); marks calls, never rewrites.  Code that
computes a log-sum-exp, a softmax or a log-softmax subtracts a maximum first::

    m = np.max(z, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))

The value does not depend on ``m``: any ``m`` constant along the summed axis
gives the same ``lse``, so its derivative with respect to ``m`` is zero (to every
order).  Differentiated as written, the backward sweep still sums the softmax's
adjoint into ``m_bar`` (zero but for rounding) and routes it to the maxima
(a comparison pass over ``z``).  This pass proves the invariance and marks the
call that makes ``m`` with ``s2s_shift``; :mod:`s2s.activity` then treats its
value as a constant, as if the user had written ``s2s.stop_gradient``.

The proof follows what adding ``d`` (constant along the axes ``m`` was reduced
over) to ``m`` does to every value computed from it: each becomes *shifted*
(``v + c d``), *scaled* (``v * exp(c d)``) or stays the same (``c = 0``):

* ``a - b``, ``a + b``, ``-a``: shifts add up (``z - m`` is shifted by ``-d``);
* ``np.exp`` of a shift is a scale and ``np.log`` of a scale a shift;
* ``a * b``, ``a / b``: scales multiply and divide (``e / np.sum(e, ...)`` is the same);
* ``np.sum`` over axes along which ``d`` is constant, with ``keepdims=True``, keeps
  a scale (``np.mean``, ``np.max``, ``np.min`` there keep a shift or a scale);

and nothing else may read a shifted or scaled value: a use anywhere else (a return,
a test, an index, any other call) leaves ``m`` differentiated as before.  Where
``m`` is reduced over positive axes (``axis=1``), the values computed from it keep
the number of dimensions of the array ``m`` was reduced from only if every operand
beside them is one of them or a number: anything else may broadcast to more
dimensions, where ``axis=1`` names another axis, so it leaves ``m`` as it was.
"""

import numpy as np

import gast

SHIFT, SCALE = "shift", "scale"
REDUCTIONS = (np.max, np.min, np.amax, np.amin)
KEEPING = (np.max, np.min, np.amax, np.amin, np.sum, np.mean)  # made with keepdims=True over the axes: constant along them


def mark(fdef):
    """Mark ``s2s_shift`` on each call of ``fdef`` whose value the function does not depend on."""
    statements = list(_in_order(fdef.body))
    assigns = {}
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
            assigns.setdefault(stmt.targets[0].id, []).append(stmt)
    reads = [(stmt, {n.id for n in _own_nodes(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}) for stmt in statements]
    for name, made in assigns.items():
        call = made[0].value
        if len(made) == 1 and isinstance(call, gast.Call):
            along = _constant_along(call)
            if along is not None and _cancels(name, along, _base(call, assigns), assigns, reads):
                call.s2s_shift = True


def _cancels(name, along, base, assigns, reads):
    """Whether every value computed from ``name`` (shifted by a ``d`` constant along the axes
    ``along``: a tuple, or ``()`` for a number) ends the same: see the module docstring.
    ``reads``: each statement in order with the names it reads."""
    effect = {name: (SHIFT, 1)}
    changed = True
    while changed:  # in order, again until nothing changes (a loop may read a value made below)
        changed = False
        for stmt, names in reads:
            if not any(effect.get(n, (SHIFT, 0))[1] for n in names):
                continue
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
                return False
            target = stmt.targets[0].id
            result = _effect(stmt.value, effect, along, base)
            if result is None or len(assigns.get(target, [])) != 1 or effect.get(target, result) != result:
                return False
            if target not in effect:
                effect[target] = result
                changed = True
    return True


def _effect(value, effect, along, base):
    """What ``value`` becomes when the values in ``effect`` are shifted or scaled:
    ``(kind, c)`` (``c == 0``: the same), or None where that is not known."""
    def of(node):
        if isinstance(node, gast.Name) and node.id in effect:
            return effect[node.id]
        if isinstance(node, gast.Constant) and type(node.value) in (int, float) or not along or all(a < 0 for a in along):
            return (SHIFT, 0)  # a number, or (with negative axes or a number d) any operand
        return (SHIFT, 0) if isinstance(node, gast.Name) and node.id == base else None

    if isinstance(value, gast.Name):
        return of(value)
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        kind, c = of(value.operand) or (None, None)
        return None if kind is None else (kind, -c if kind == SHIFT and isinstance(value.op, gast.USub) else c)
    if isinstance(value, gast.BinOp):
        left, right = of(value.left), of(value.right)
        if left is None or right is None:
            return None
        if isinstance(value.op, (gast.Add, gast.Sub)):
            sign = 1 if isinstance(value.op, gast.Add) else -1
            return _combine(left, right, SHIFT, lambda a, b: a + sign * b)
        if isinstance(value.op, (gast.Mult, gast.Div)):
            sign = 1 if isinstance(value.op, gast.Mult) else -1
            return _combine(left, right, SCALE, lambda a, b: a + sign * b)
        return None if left[1] or right[1] else (SHIFT, 0)
    if isinstance(value, gast.Call) and value.args and not any(
            isinstance(n, gast.Name) and n.id in effect for a in value.args[1:] + [k.value for k in value.keywords] for n in gast.walk(a)):
        kind, c = of(value.args[0]) or (None, None)
        fn = getattr(value, "s2s_target", None)
        if kind is None or not all(k.arg in ("axis", "keepdims") for k in value.keywords):
            return None
        if fn is np.exp and kind == SHIFT and len(value.args) == 1 and not value.keywords:
            return (SCALE, c) if c else (SHIFT, 0)
        if fn is np.log and kind == SCALE and len(value.args) == 1 and not value.keywords:
            return (SHIFT, c)
        reduced = _reduced_axes(value) if len(value.args) == 1 else None
        if reduced is not None and (not along or reduced and set(reduced) <= set(along) and _keepdims(value)):
            if fn in REDUCTIONS or fn is np.mean or fn is np.sum and kind == SCALE:
                return (kind, c)  # max(v + d) = max(v) + d, sum(v * f) = sum(v) * f (f > 0)
    return None


def _combine(left, right, kind, op):
    """Two operands' effects under an operation that adds (``kind`` SHIFT) or multiplies
    (SCALE) what they are shifted or scaled by."""
    (lk, lc), (rk, rc) = left, right
    if lc and rc and lk != rk or lc and lk != kind or rc and rk != kind:
        return None
    c = op(lc, rc)
    return (kind, c) if c else (SHIFT, 0)


def _constant_along(call):
    """The axes a call's value is constant along: ``(k,)`` for a reduction with ``axis=k,
    keepdims=True`` (a tuple of axes likewise), ``()`` for a number (a whole reduction),
    else None."""
    fn = getattr(call, "s2s_target", None)
    if fn not in KEEPING or len(call.args) != 1:
        return None
    axes = _reduced_axes(call)
    if axes is None:
        return None
    if not axes:
        return () if fn in REDUCTIONS and not call.keywords else None
    return axes if _keepdims(call) else None


def _reduced_axes(call):
    """The axes a reduction call names by keyword (a tuple of ints; ``()`` for none: all), or None."""
    axis = next((k.value for k in call.keywords if k.arg == "axis"), None)
    if axis is None:
        return ()
    items = axis.elts if isinstance(axis, gast.Tuple) else [axis]
    out = []
    for item in items:
        if isinstance(item, gast.UnaryOp) and isinstance(item.op, gast.USub) and isinstance(item.operand, gast.Constant):
            item = gast.Constant(value=-item.operand.value, kind=None)
        if not (isinstance(item, gast.Constant) and type(item.value) is int):
            return None
        out.append(item.value)
    return tuple(out) or None


def _keepdims(call):
    return any(k.arg == "keepdims" and isinstance(k.value, gast.Constant) and k.value.value is True for k in call.keywords)


def _base(call, assigns):
    """The array a reduction reduces, where the name holds one value."""
    array = call.args[0]
    return array.id if isinstance(array, gast.Name) and len(assigns.get(array.id, [])) <= 1 else None


def _in_order(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse"):
            if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, gast.FunctionDef):
                yield from _in_order(getattr(stmt, field))


def _own_nodes(stmt):
    """The nodes of ``stmt`` outside the statements nested in it."""
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        for child in gast.iter_child_nodes(node):
            if not isinstance(child, gast.stmt):
                stack.append(child)
