"""Optimization of generated functions.

Takes a generated ``gast.FunctionDef``; returns it simplified, computing
exactly the same values:

* arithmetic on constants folded; ``x * 1``, ``1 * x``, ``x + 0``, ``0 + x``,
  ``x - 0``, ``x / 1`` and ``x ** 1`` reduced to ``x``; ``e + e`` (the two
  contributions of ``x * x``) to ``2 * e``, which is exact; ``k * (a * b)``
  to ``(k * a) * b`` for ``k`` a power of two (exact too), so that ``k``
  meets a number before an array where the product starts with one;
* dead code removed: pure assignments (numpy, math, the runtime helpers,
  arithmetic) whose values reach nothing the function returns or does,
  including values that only feed each other around a loop;
* copies coalesced: ``a = b`` where ``b`` is computed once, read only by the
  copy, and ``a`` is assigned only there becomes one assignment to ``a``
  (``dW1, db1 = layer_backward(...)`` instead of a temporary and two copies);
* copies propagated: ``a = b`` where both are assigned once and ``a`` is read
  only later in the same block goes, and ``a``'s readers read ``b``;
* single-use temporaries inlined: ``t = expr`` (an operation, or a subscript
  by constants such as ``u[1:-1, 2:]``) read once, later in the same block
  and for the same primal line, with only pure assignments between, moves
  into its reader when the result is no longer than 72 characters or the
  user's own line (``s_3 = 0.9 * s_2 + 0.1 * sin`` instead of three
  statements), so each line's block reads like its source line; a call
  that may have effects moves only into the very next statement, when that
  is arithmetic calling nothing else;
* ``d = a`` then ``d = d + b`` for one source line merged into ``d = a + b``
  (the same one addition);
* the seed of ``grad``'s backward sweep, exactly one, taken out of products
  that read a floating value anyway (``2 * dloss * 0.5 * lap`` is ``lap``);
* loop invariants hoisted: ``t = 0.01 * x`` in a loop that never changes
  ``x`` is computed once, before the loop;
* a loop's copies of its carried names folded (``i_2 = i_2 + 1``, no
  ``ds_3 = ds_2``) and ``running = i < n`` kept by nobody else tested
  directly (``while i_2 < n:``), ``cond = e; if cond:`` likewise ``if e:``;
* ``a + -b``, ``a - -b * c`` and ``-a + b`` become ``a - b``, ``a + b * c`` and
  ``b - a`` (negation is exact, addition commutes);
* accumulation in place: ``d = d + e`` becomes ``d += e`` (``d -= e`` where
  ``e`` is a negation), and
  ``d = d + unindex(g, like, (slice(1, -1), 2))`` becomes ``d[1:-1, 2] += g``
  (an index of several constant parts: basic indexing, on an array), where
  ``d`` is *owned*: it holds an array that the function made (an arithmetic
  result, ``zeros_like``, ``unindex``, ``matmul_dx``/``matmul_dy``,
  ``unbroadcast`` of a new array) and no
  other name, container or call can hold a reference to it (its only reads
  are as operands of arithmetic). Adding in place then changes nothing any
  other name sees, and saves an allocation and a pass over the array.
  Transformed again (higher order), ``+=`` reads as the functional update it
  computes, so the outer derivative is unaffected.
"""

import ast
import builtins
import copy
import math

import gast

from . import runtime

IDENTITY_RIGHT = {gast.Mult: 1, gast.Div: 1, gast.Add: 0, gast.Sub: 0, gast.Pow: 1}
IDENTITY_LEFT = {gast.Mult: 1, gast.Add: 0}
PURE_BUILTINS = {"len", "range", "abs", "min", "max", "float", "int", "slice", "tuple", "list", "sum", "bool"}


def _const(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


class _Simplify(gast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        op = type(node.op)
        if _const(node.left) and _const(node.right) and op in (gast.Add, gast.Sub, gast.Mult):
            value = {gast.Add: lambda a, b: a + b, gast.Sub: lambda a, b: a - b, gast.Mult: lambda a, b: a * b}[op](node.left.value, node.right.value)
            return gast.Constant(value=value, kind=None)
        if _const(node.right) and op in IDENTITY_RIGHT and node.right.value == IDENTITY_RIGHT[op]:
            return node.left
        if _const(node.left) and op in IDENTITY_LEFT and node.left.value == IDENTITY_LEFT[op]:
            return node.right
        if op in (gast.Add, gast.Sub) and _negation(node.right) is not None:
            # a + -b is a - b, a - -b * c is a + b * c: negation is exact, and this saves a pass
            return gast.BinOp(left=node.left, op=gast.Sub() if op is gast.Add else gast.Add(), right=_negation(node.right))
        if op is gast.Add and _negation(node.left) is not None and _pure(node):
            # -a + b is b - a (addition commutes exactly)
            return gast.BinOp(left=node.right, op=gast.Sub(), right=_negation(node.left))
        if op is gast.Add and _pure(node.left) and gast.dump(node.left) == gast.dump(node.right):
            # e + e is exactly 2 * e in floating point, and computes e once
            return self.visit_BinOp(gast.BinOp(left=gast.Constant(value=2, kind=None), op=gast.Mult(), right=node.left))
        if op is gast.Mult and _power_of_two(node.left) and isinstance(node.right, gast.BinOp) and isinstance(node.right.op, gast.Mult):
            # k * (a * b) is exactly (k * a) * b for k a power of two: down the product's left
            # operands, k meets the first factor, often a number (g * 0.5 * x), so an array pass goes
            inner = node.right
            inner.left = self.visit_BinOp(gast.BinOp(left=node.left, op=gast.Mult(), right=inner.left))
            return inner
        return node


def _negation(node):
    """``b`` for ``-b``, ``b * c`` for ``-b * c`` (down a product's or quotient's left
    operands): the same value negated, exactly; None for anything else."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div)):
        inner = _negation(node.left)
        if inner is not None:
            return gast.BinOp(left=inner, op=node.op, right=node.right)
    return None


def _power_of_two(node):
    """A number literal that is ± a power of two: multiplying by it is exact."""
    if not _const(node) or node.value == 0:
        return False
    mantissa, _ = math.frexp(node.value)
    return abs(mantissa) == 0.5


def _pure(node):
    for n in gast.walk(node):
        if isinstance(n, gast.Call):
            func = n.func
            root = func
            while isinstance(root, gast.Attribute):
                root = root.value
            if not isinstance(root, gast.Name):
                return False
            if isinstance(func, gast.Attribute) and root.id in ("np", "math"):
                continue
            if isinstance(func, gast.Name) and (func.id in runtime.__all__ or func.id in PURE_BUILTINS):
                continue
            return False
    return True


def _counts(fdef):
    loads, stores = {}, {}
    for n in (n for stmt in fdef.body for n in gast.walk(stmt)):  # parameters: one store each, below
        if isinstance(n, gast.Name):
            table = stores if isinstance(n.ctx, gast.Store) else loads
            table[n.id] = table.get(n.id, 0) + 1
    for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs:
        stores[a.id] = stores.get(a.id, 0) + 1
    return loads, stores


def _removable(stmt):
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and _pure(stmt.value)


def _remove_dead(fdef):
    """Remove the pure assignments whose values reach nothing the function does.

    Liveness from the roots: a name is live if something other than a pure
    assignment reads it (a return, a call kept for its effect, a loop's range,
    a test, an assignment into an item), or if a pure assignment to a live
    name does. So values that only feed each other are dead too, such as a
    running sum carried around a loop that the forward sweep no longer returns
    (``loss_3 = loss_2 + ...; loss_2 = loss_3``).
    """
    defs = {}  # name -> names the pure assignments to it read
    live = set()
    for stmt in (n for n in gast.walk(fdef) if isinstance(n, gast.stmt) and n is not fdef):
        if _removable(stmt):
            defs.setdefault(stmt.targets[0].id, set()).update(_names(stmt.value, gast.Load))
            continue
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
            live.add(stmt.target.id)  # d += e reads d
        for field, value in gast.iter_fields(stmt):
            if field in ("body", "orelse"):
                continue
            for node in value if isinstance(value, list) else [value]:
                if isinstance(node, gast.AST):
                    live.update(_names(node, gast.Load))
    work = list(live)
    while work:
        for n in defs.get(work.pop(), ()):
            if n not in live:
                live.add(n)
                work.append(n)

    def sweep(body):
        out = []
        for stmt in body:
            for field in ("body", "orelse"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and (block or field == "body"):
                    setattr(stmt, field, sweep(block) or ([gast.Pass()] if field == "body" else []))
            if _removable(stmt) and stmt.targets[0].id not in live:
                continue
            out.append(stmt)
        return out

    fdef.body = sweep(fdef.body)


def _coalesce(fdef):
    loads, stores = _counts(fdef)
    body = fdef.body
    changed = False
    defining = {}
    for i, stmt in enumerate(body):
        if isinstance(stmt, gast.Assign):
            for t in gast.walk(stmt.targets[0]):
                if isinstance(t, gast.Name):
                    defining[t.id] = i
    for i, stmt in enumerate(body):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)):
            continue
        a, b = stmt.targets[0].id, stmt.value.id
        if stores.get(a) != 1 or stores.get(b) != 1 or loads.get(b) != 1 or b not in defining or defining[b] >= i:
            continue
        for t in gast.walk(body[defining[b]].targets[0]):
            if isinstance(t, gast.Name) and t.id == b:
                t.id = a
        defining[a] = defining.pop(b)
        stores.pop(b)
        loads.pop(b)
        body[i] = None
        changed = True
    return changed


def _loop_copies(fdef):
    """The copies a loop makes of its carried names, where they can go.

    * ``t = e; ...; v = t`` (``v`` the carried name, ``t`` read only by the
      copy, ``v`` untouched between) becomes ``v = e`` in ``t``'s place
      (``i_2 = i_2 + 1``);
    * ``a = v`` at the top of an iteration (``ds_3 = ds_2``), with ``a``
      assigned only there and read only in this block before ``v`` is
      assigned again, goes, and its readers read ``v``.
    """
    loads, stores = _counts(fdef)
    for loop in (n for n in gast.walk(fdef) if isinstance(n, (gast.For, gast.While))):
        body = loop.body
        i = 0
        while i < len(body):
            stmt = body[i]
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)):
                i += 1
                continue
            a, b = stmt.targets[0].id, stmt.value.id
            if _copy_into_definition(body, i, a, b, loads, stores) or _copy_read_through(body, i, a, b, loads, stores):
                continue  # body[i] went
            i += 1


def _copy_into_definition(body, i, v, t, loads, stores):
    if stores.get(t) != 1 or loads.get(t) != 1:
        return False
    for k in range(i - 1, -1, -1):
        prior = body[k]
        if isinstance(prior, gast.Assign) and isinstance(prior.targets[0], gast.Name) and prior.targets[0].id == t:
            prior.targets[0].id = v
            del body[i]
            stores[v] -= 1
            stores.pop(t)
            loads.pop(t)
            return True
        if v in _names(prior, gast.Load) + _names(prior, gast.Store) or not isinstance(prior, (gast.Assign, gast.Expr)):
            return False
    return False


def _copy_read_through(body, i, a, v, loads, stores):
    if stores.get(a) != 1 or a == v:
        return False
    readers = [k for k in range(i + 1, len(body)) if a in _names(body[k], gast.Load)]
    if not readers or sum(_names(body[k], gast.Load).count(a) for k in readers) != loads.get(a, 0):
        return False  # read in another block
    last = readers[-1]
    for k in range(i + 1, last + 1):
        stmt = body[k]
        if not isinstance(stmt, gast.Assign) and k != last or isinstance(stmt, (gast.For, gast.While, gast.If)):
            return False
        written = _names(stmt.targets[0], gast.Store) if isinstance(stmt, gast.Assign) else _names(stmt, gast.Store)
        if v in written and (k != last or not isinstance(stmt, gast.Assign)):
            return False  # v changes while a is still read
    for k in readers:
        for n in gast.walk(body[k]):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id == a:
                n.id = v
    loads[v] = loads.get(v, 0) + loads.pop(a)
    stores.pop(a)
    del body[i]
    return True


def _while_test(fdef):
    """``r = e`` before a ``while r:`` and again at the end of its body, ``r`` read by
    nothing else and ``e`` a comparison of names and numbers: ``while e:``."""
    loads, stores = _counts(fdef)
    for block in _blocks(fdef.body):
        for j, loop in enumerate(block):
            if not (isinstance(loop, gast.While) and isinstance(loop.test, gast.Name)):
                continue
            r = loop.test.id
            last = loop.body[-1] if loop.body else None
            if loads.get(r) != 1 or stores.get(r) != 2 or not _assigns(last, r) or not _simple_test(last.value):
                continue
            reads = set(_names(last.value, gast.Load))
            for i in range(j - 1, -1, -1):
                stmt = block[i]
                if _assigns(stmt, r):
                    if gast.dump(stmt.value) == gast.dump(last.value):
                        loop.test = last.value
                        loop.body.pop()
                        if not loop.body:
                            loop.body.append(gast.Pass())
                        block[i] = None
                    break
                if reads & set(_names(stmt, gast.Store)) or not isinstance(stmt, gast.Assign):
                    break
        block[:] = [s for s in block if s is not None]


def _inline_tests(fdef):
    """``t = e`` right before ``if t:``, ``t`` read by nothing else and ``e`` a comparison
    of names and numbers: ``if e:`` (the branch test of forward mode, which saves nothing)."""
    loads, stores = _counts(fdef)
    for block in _blocks(fdef.body):
        for j, stmt in enumerate(block):
            if j and isinstance(stmt, gast.If) and isinstance(stmt.test, gast.Name):
                prior, t = block[j - 1], stmt.test.id
                if _assigns(prior, t) and loads.get(t) == 1 and stores.get(t) == 1 and _simple_test(prior.value):
                    stmt.test = prior.value
                    block[j - 1] = None
        block[:] = [s for s in block if s is not None]


def _assigns(stmt, target):
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == target


def _simple_test(node):
    if isinstance(node, gast.Compare):
        return all(_simple_test(n) for n in [node.left] + node.comparators)
    if isinstance(node, gast.BoolOp):
        return all(_simple_test(n) for n in node.values)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not):
        return _simple_test(node.operand)
    return isinstance(node, gast.Name) or _const(node)


def _blocks(body):
    """Every statement list in ``body``, ``body`` first."""
    yield body
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                yield from _blocks(block)


def _names(node, ctx):
    return [n.id for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, ctx)]


def _propagate_copies(fdef):
    """Remove the copies ``a = b`` (see the module docstring), in time linear in the code:
    each block's loads are indexed once, and a copy renames only the loads of ``a``."""
    loads, stores = _counts(fdef)
    for block in _blocks(fdef.body):
        where = {}  # name -> [(index of the block's statement, Name node)] of its loads
        for i, stmt in enumerate(block):
            for n in gast.walk(stmt):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                    where.setdefault(n.id, []).append((i, n))
        dead = set()
        for i, stmt in enumerate(block):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)):
                continue
            a, b = stmt.targets[0].id, stmt.value.id
            if stores.get(a) != 1 or stores.get(b) != 1 or a == b:
                continue
            uses = [(j, n) for j, n in where.get(a, ()) if j > i]
            if len(uses) != loads.get(a, 0):
                continue  # read elsewhere (another block, or a loop's next iteration)
            for _, n in uses:
                n.id = b
            where.setdefault(b, []).extend(uses)
            loads[b] = loads.get(b, 0) - 1 + loads.pop(a, 0)
            stores.pop(a)
            dead.add(i)
        if dead:
            block[:] = [stmt for i, stmt in enumerate(block) if i not in dead]


def _merge_accumulations(fdef):
    """``d = a`` followed, for the same source line, by ``d = d + b`` (or ``- b``)
    becomes ``d = a + b``: the same one addition of the same two values, so the
    result is exact, and a statement (and for arrays a pass) goes.

    ``a`` must be pure and not read ``d`` (``d = d + e; d = d + b`` stays: an
    accumulation that becomes in place), the statements between pure assignments to names that
    neither ``a`` reads nor are ``d``; ``b`` must not read ``d``, nor be an
    ``unindex`` (that becomes an in-place update of a part, below).
    """
    for block in _blocks(fdef.body):
        first = {}  # d -> index of ``d = a`` still open for merging
        for j, stmt in enumerate(block):
            target = stmt.targets[0].id if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
            value = getattr(stmt, "value", None)
            i = first.get(target)
            if (
                i is not None
                and isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))
                and isinstance(value.left, gast.Name) and value.left.id == target
                and target not in _names(value.right, gast.Load)
                and not _is_call(value.right, "unindex")
                and getattr(block[i], "s2s_line", None) == getattr(stmt, "s2s_line", None)
            ):
                between = [s for s in block[i + 1:j] if s is not None]
                reads = set(_names(block[i].value, gast.Load))
                if all(_removable(s) and not reads & set(_names(s.targets[0], gast.Store)) for s in between):
                    value.left = block[i].value
                    block[i] = None
            for name_ in list(first):  # what this statement touches is closed for merging
                if name_ == target or name_ in _names(stmt, gast.Load) or not _removable(stmt):
                    first.pop(name_)
            if target is not None and _pure(value) and target not in _names(value, gast.Load):
                first[target] = j  # a new value of d, not an accumulation into it
        block[:] = [s for s in block if s is not None]


def _drop_unit(fdef):
    """Multiplications by the seed of ``grad``'s backward sweep, which is exactly one, go:
    ``2 * dloss * 0.5 * lap`` becomes ``2 * 0.5 * lap``, then ``lap``; ``x - dloss * f``
    becomes ``x - f``.

    Multiplying a floating value by one changes no value, but the seed also
    carries the arguments' floating dtype, so a product loses it only inside
    arithmetic that reads a floating name of the program (an active value or
    an adjoint: ``fdef.s2s_floats``), which gives the result a floating dtype
    anyway.  Where the product was all that kept a name from being another
    name's alias (``dlap = lap``), the one stays unless every read of the
    target is an operand of arithmetic (a gradient returned to the caller is
    never the caller's own array).
    """
    unit = getattr(fdef, "s2s_unit", None)
    if unit is None or any(unit in _names(stmt, gast.Store) for stmt in fdef.body):
        return
    floats = fdef.s2s_floats
    safe = _operand_only(fdef)
    for block in _blocks(fdef.body):
        for stmt in block:
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            value = _without_unit(copy.deepcopy(stmt.value), unit, floats)
            if value is None:
                continue
            value = _Simplify().visit(value)
            if isinstance(value, gast.Name) and stmt.targets[0].id not in safe:
                continue
            stmt.value = value


def _arithmetic(node):
    return isinstance(node, gast.BinOp) and not isinstance(node.op, gast.MatMult) or isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd))


def _without_unit(node, unit, floats):
    """``node`` with the factors ``unit`` of its arithmetic taken out, or None if it has none."""
    changed = False

    def is_unit(n):
        return isinstance(n, gast.Name) and n.id == unit

    def strip(n):
        nonlocal changed
        if isinstance(n, gast.BinOp) and isinstance(n.op, gast.Mult):
            n.left, n.right = strip(n.left), strip(n.right)
            for one, other in ((n.left, n.right), (n.right, n.left)):
                if is_unit(one):
                    changed = True
                    return other
                if isinstance(one, gast.UnaryOp) and isinstance(one.op, gast.USub) and is_unit(one.operand):
                    changed = True
                    return gast.UnaryOp(op=gast.USub(), operand=other)
            return n
        if _arithmetic(n):
            for field in ("left", "right", "operand"):
                if hasattr(n, field):
                    setattr(n, field, strip(getattr(n, field)))
            return n
        return visit(n)

    def visit(n):  # outside arithmetic: each arithmetic tree that reads a floating name
        if _arithmetic(n):
            leaves = _arithmetic_leaves(n)
            return strip(n) if any(isinstance(leaf, gast.Name) and leaf.id in floats and leaf.id != unit for leaf in leaves) else n
        for field, child in gast.iter_fields(n):
            if isinstance(child, gast.AST):
                setattr(n, field, visit(child))
            elif isinstance(child, list):
                child[:] = [visit(c) if isinstance(c, gast.AST) else c for c in child]
        return n

    node = visit(node)
    return node if changed else None


def _arithmetic_leaves(node):
    if _arithmetic(node):
        return [leaf for field in ("left", "right", "operand") if hasattr(node, field) for leaf in _arithmetic_leaves(getattr(node, field))]
    return [node]


def _operand_only(fdef):
    """Names assigned once whose every read is an operand of arithmetic (or the value of an
    augmented assignment) and that nothing updates in place: an alias in them is harmless."""
    _, stores = _counts(fdef)
    bad = set()

    def visit(n, parent):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            if not (isinstance(parent, _SAFE_PARENTS) or isinstance(parent, gast.AugAssign) and parent.value is n):
                bad.add(n.id)
        for child in gast.iter_child_nodes(n):
            visit(child, n)

    for stmt in fdef.body:
        visit(stmt, None)
    for n in gast.walk(fdef):
        if isinstance(n, gast.AugAssign):
            bad.update(_names(n.target, gast.Load) + _names(n.target, gast.Store))
    return {n for n, k in stores.items() if k == 1} - bad


INVARIANT_OPS = (gast.Add, gast.Sub, gast.Mult)  # cannot raise where the loop would not have run


def _hoist_invariants(body, stores):
    """Move loop-invariant assignments out of the loops in ``body`` (inner loops first).

    ``t = e`` at the top of a loop's body moves before the loop where ``t`` is
    assigned only there, ``e`` is ``+``, ``-``, ``*`` of constants and names the
    loop never assigns nor can change in place (not assigned, not updated
    through an index or attribute, not handed to a call), and what it reads
    moved out already or comes from outside.  The value is the same on every
    iteration, so computing it once changes nothing but the time: ``0.01 * x``
    of ``s = 0.9 * s + 0.01 * x * x`` is no longer computed, nor saved, per
    iteration.
    """
    out = []
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block:
                setattr(stmt, field, _hoist_invariants(block, stores))
        if isinstance(stmt, (gast.For, gast.While)):
            changed = _changed_in(stmt)
            kept = []
            for inner in stmt.body:
                if (
                    isinstance(inner, gast.Assign) and isinstance(inner.targets[0], gast.Name)
                    and stores.get(inner.targets[0].id) == 1 and _invariant(inner.value, changed)
                ):
                    out.append(inner)
                    continue
                kept.append(inner)
            stmt.body = kept or [gast.Pass()]
        out.append(stmt)
    return out


def hoist_invariants(fdef):
    """:func:`_hoist_invariants` on a whole function (also run on the normal form, before
    differentiation, where it also spares the adjoint: ``dt`` of an invariant ``t`` is
    summed over the iterations and taken back through ``t``'s definition once)."""
    fdef.body = _hoist_invariants(fdef.body, _counts(fdef)[1])


def _changed_in(loop):
    """Names a loop assigns, updates through an index or attribute, or hands to a call."""
    changed = set(_names(loop, gast.Store))
    for n in gast.walk(loop):
        if isinstance(n, (gast.AugAssign, gast.Assign)):
            for t in ([n.target] if isinstance(n, gast.AugAssign) else n.targets):
                changed.update(_names(t, gast.Load))
        elif isinstance(n, gast.Call):
            changed.update(a.id for a in n.args + [k.value for k in n.keywords] if isinstance(a, gast.Name))
            if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name):
                changed.add(n.func.value.id)  # a method may change its object
    return changed


def arithmetic_of(node, ops, name_ok=lambda n: True):
    """Whether ``node`` is arithmetic by ``ops`` (and negation) of number literals and names
    that ``name_ok`` accepts: no calls, nothing that could raise where these cannot."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, ops):
        return arithmetic_of(node.left, ops, name_ok) and arithmetic_of(node.right, ops, name_ok)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return arithmetic_of(node.operand, ops, name_ok)
    if isinstance(node, gast.Name):
        return name_ok(node)
    return _const(node)


def _invariant(node, changed):
    return arithmetic_of(node, INVARIANT_OPS, lambda n: n.id not in changed)


def _substitute(node, name, value):
    """Replace the one load of ``name`` in ``node`` (not ``node`` itself) by ``value``."""
    for n in gast.walk(node):
        for field, child in gast.iter_fields(n):
            if isinstance(child, gast.Name) and child.id == name:
                setattr(n, field, value)
                return
            if isinstance(child, list):
                for k, item in enumerate(child):
                    if isinstance(item, gast.Name) and item.id == name:
                        child[k] = value
                        return


MAX_INLINED = 72  # characters of an expression made by inlining


def _text(node):
    return ast.unparse(gast.gast_to_ast(node))


def _inline_single_use(fdef):
    """Move single-use temporaries into their readers (see the module docstring), in one sweep.

    Inlining ``t`` changes only ``t``'s counts (it goes), so the counts taken
    once stay right for every other name.
    """
    loads, stores = _counts(fdef)
    for block in _blocks(fdef.body):
        i = 0
        while i < len(block):
            stmt = block[i]
            if _inline_into_reader(block, i, loads, stores):
                del block[i]
            else:
                i += 1


def _inline_into_reader(block, i, loads, stores):
    stmt = block[i]
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return False
    t = stmt.targets[0].id
    value = stmt.value
    view = isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and _constant_slices(value.slice)
    if stores.get(t) != 1 or loads.get(t) != 1:
        return False
    if isinstance(value, gast.Call) and not _pure(value):
        return _inline_call_into_next(block, i, t)
    if not (view or isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)) and _pure(value)):
        return False
    limit = max(MAX_INLINED, len(getattr(stmt, "s2s_text", None) or ""))  # as long as the user's own line
    operands = set(_names(value, gast.Load))
    for j in range(i + 1, len(block)):
        reader = block[j]
        if getattr(reader, "s2s_line", None) != getattr(stmt, "s2s_line", None) or not isinstance(reader, gast.Assign):
            return False
        if t in _names(reader.value, gast.Load):
            if len(_text(reader.value)) - len(t) + len(_text(value)) > limit:
                return False  # a line a reader could no longer take in at a glance
            if isinstance(reader.value, gast.Name):
                reader.value = value
            else:
                _substitute(reader.value, t, value)
            return True
        if not _pure(reader.value) or operands & set(_names(reader.targets[0], gast.Store)):
            return False
    return False


def _inline_call_into_next(block, i, t):
    """``t = f(...)`` (a call that may have effects, such as a callee's backward sweep)
    read once, by arithmetic in the very next statement for the same line that calls
    nothing else: the call moves into it (``dx = tree_backward(saved, dright) * 1.1``).
    Nothing with an effect runs between, so the order of effects is the same."""
    stmt = block[i]
    if i + 1 >= len(block):
        return False
    reader = block[i + 1]
    if not isinstance(reader, gast.Assign) or getattr(reader, "s2s_line", None) != getattr(stmt, "s2s_line", None):
        return False
    if not _arithmetic(reader.value) or any(isinstance(n, gast.Call) for n in gast.walk(reader.value)):
        return False
    if t not in _names(reader.value, gast.Load):
        return False
    _substitute(reader.value, t, stmt.value)
    return True


# calls whose result is a new array (or an immutable number) that no other name holds
FRESH_CALLS = {"zeros_like", "unindex", "matmul_dx", "matmul_dy"}
# how a name may be read without another name, container or call holding its value
_SAFE_PARENTS = (gast.BinOp, gast.UnaryOp, gast.Compare)


def _constant_slices(index):
    """An index of slices by number literals (``1:-1, 2:``): the subscript is a view, which
    reads the same values wherever it is taken while its base name is not rebound."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return all(
        isinstance(p, gast.Slice) and all(b is None or (isinstance(b, gast.Constant) and type(b.value) is int) for b in (p.lower, p.upper, p.step))
        for p in parts
    )


def _fresh(value):
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if _is_call(value, "unbroadcast") and len(value.args) == 2 and not value.keywords:
        return _fresh(value.args[0])  # the array itself, a reduction of it, or a new broadcast copy
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id in FRESH_CALLS


def _aliasing_reads(node):
    """Names read in ``node`` other than as an operand of arithmetic or a comparison."""
    out = set()

    def visit(n, parent):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and not isinstance(parent, _SAFE_PARENTS):
            out.add(n.id)
        for child in gast.iter_child_nodes(n):
            visit(child, n)

    visit(node, None)
    return out


def _block_facts(body):
    """(names with an aliasing read, names assigned something not fresh) anywhere in ``body``."""
    aliased, stale = set(), set()
    for stmt in body:
        for n in gast.walk(stmt):
            if isinstance(n, gast.Assign):
                aliased |= _aliasing_reads(n.value)
                for t in _names(n.targets[0], gast.Store):
                    if not (isinstance(n.targets[0], gast.Name) and _fresh(n.value)):
                        stale.add(t)
            elif isinstance(n, (gast.Expr, gast.Return)) and n.value is not None:
                aliased |= _aliasing_reads(n.value)
            elif isinstance(n, gast.For):
                stale |= set(_names(n.target, gast.Store))
                aliased |= _aliasing_reads(n.iter)
    return aliased, stale


def _is_call(node, name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == name


def _basic_index(node):
    """``(slice(1, -1, None), 2)`` as the subscript ``1:-1, 2``; None unless every
    part is a constant integer or a slice of constants, and there are several
    (a single index could address a list, whose adjoint is a tuple)."""
    if not (isinstance(node, gast.Tuple) and len(node.elts) >= 2):
        return None
    parts = []
    for elt in node.elts:
        if isinstance(elt, gast.Constant) and type(elt.value) is int:
            parts.append(elt)
        elif _is_call(elt, "slice") and not elt.keywords and all(
            isinstance(a, gast.Constant) and (a.value is None or type(a.value) is int) for a in elt.args
        ) and len(elt.args) == 3:
            lower, upper, step = (None if a.value is None else a for a in elt.args)
            parts.append(gast.Slice(lower=lower, upper=upper, step=step))
        else:
            return None
    return gast.Tuple(elts=parts, ctx=gast.Load())


def _accumulate_in_place(body, owned):
    """Rewrite the accumulations into owned names of ``body``; returns the names owned after it."""
    owned = set(owned)
    for k, stmt in enumerate(body):
        if isinstance(stmt, gast.If):
            a = _accumulate_in_place(stmt.body, owned)
            b = _accumulate_in_place(stmt.orelse, owned)
            owned = a & b
            continue
        if isinstance(stmt, (gast.For, gast.While)):
            aliased, stale = _block_facts(stmt.body)
            if isinstance(stmt, gast.For):
                stale |= set(_names(stmt.target, gast.Store))
            inside = owned - aliased - stale
            _accumulate_in_place(stmt.body, inside)
            owned = inside
            continue
        if not isinstance(stmt, gast.Assign):
            if isinstance(stmt, (gast.Expr, gast.Return)) and stmt.value is not None:
                owned -= _aliasing_reads(stmt.value)
            continue
        target = stmt.targets[0]
        value = stmt.value
        if (
            isinstance(target, gast.Name)
            and target.id in owned
            and isinstance(value, gast.BinOp)
            and isinstance(value.op, gast.Add)
            and isinstance(value.left, gast.Name)
            and value.left.id == target.id
            and target.id not in _aliasing_reads(value.right)
        ):
            right = value.right
            index = _basic_index(right.args[2]) if _is_call(right, "unindex") and len(right.args) == 3 else None
            if index is not None:
                target = gast.Subscript(value=gast.Name(id=target.id, ctx=gast.Load(), annotation=None, type_comment=None), slice=index, ctx=gast.Store())
                right = right.args[0]
            op = gast.Add()
            if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
                op, right = gast.Sub(), right.operand
            body[k] = gast.AugAssign(target=target, op=op, value=right)
            body[k].s2s_line = getattr(stmt, "s2s_line", None)
            body[k].s2s_text = getattr(stmt, "s2s_text", None)
            continue
        owned -= _aliasing_reads(value)
        for t in _names(target, gast.Store):
            owned.discard(t)
        if isinstance(target, gast.Name) and _fresh(value):
            owned.add(target.id)
    return owned


def optimize(fdef):
    """Simplify ``fdef`` in place and return it."""
    for stmt in fdef.body:
        _Simplify().visit(stmt)
    while _coalesce(fdef):
        fdef.body = [s for s in fdef.body if s is not None]
    _propagate_copies(fdef)
    _merge_accumulations(fdef)
    _inline_single_use(fdef)
    fdef.body = _hoist_invariants(fdef.body, _counts(fdef)[1])
    _drop_unit(fdef)
    for stmt in fdef.body:  # again, on the expressions inlining made
        _Simplify().visit(stmt)
    _propagate_copies(fdef)  # copies the simplification made (dlap = lap)
    _remove_dead(fdef)
    _loop_copies(fdef)
    _while_test(fdef)
    _inline_tests(fdef)
    _accumulate_in_place(fdef.body, set())
    return fdef
