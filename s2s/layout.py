"""How saved tuples travel between the sweeps: one flat tuple per call, or none.

Takes the :class:`~s2s.saveplan.SavePlan` of forward/backward pairs as
:mod:`s2s.reverse` makes them and rewrites code and plan together; it finds
what it rewrites through the plan, never by the shape of the code.

:func:`flatten_branches`: where the forward sweep ends with an ``if`` whose
branches each record their saved values in a tuple of their own
(``plan.tail``), each branch returns one flat tuple instead:

    if cond:                                  if cond:
        ...                                       ...
        branch = ()                               return (value, (cond, x))
    else:                              ->     else:
        ...                                       ...
        branch = (left, right)                    return (value, (cond, tree_2, left, right))
    return (value, (x, cond, tree_2, branch))

and the backward sweep names the first entry, tests it and unpacks the
branch's own tuple (``cond = saved[0]``, ``if cond: _, x = saved``).  Each branch saves only the values
its backward code reads.  A recursive function's base case and recursive case
are the common shape: one tuple per call instead of two or three, which for
a recursion on Python floats is most of what its gradient allocates and
keeps (and what the cyclic garbage collector scans).

:func:`one_tuple_returns`: a forward sweep returns ``(value, saved...)``
instead of ``(value, (saved...))``, and its callers take the value from the
first place.

:func:`fuse_entry`: the function transformed, where no generated code calls
it back, has no tuple at all: its entry takes both sweeps inline, the tuples
its loops and branches pack only to be unpacked again go (the backward sweep
reads the names the forward sweep bound), and a shape kept for a value that
stays bound is read from the value.

Guarantees: the same values are computed, and each backward branch finds
the names it reads.  A plan that does not match its code raises
:class:`~s2s.saveplan.PlanError`.
"""

import copy

import gast

from .naming import spelling
from .reverse import assign, name
from .runtime import SHAPE_ONLY_ARGUMENTS
from .saveplan import Exit, require


def flatten_branches(plan):
    """Give each branch of ``plan.tail`` an exit of its own (see the module docstring).

    Nothing to do where the forward sweep does not end in such an ``if``, or
    where its test is not a local name (a global: the backward sweep reads it
    from the module, and there is no entry to dispatch on)."""
    branch = plan.tail
    if branch is None:
        return
    plan.check()
    forward, backward = plan.forward, plan.backward
    require(len(plan.exits) == 1 and plan.dispatch is None, f"{forward.name}'s branches are flattened twice")
    exit = plan.exits[0]
    require(len(forward.body) > 1 and forward.body[-2] is branch.forward and forward.body[-1] is exit.ret,
            f"{forward.name} does not end with the `if` and `return` of its plan")
    require(exit.unpack is not None and backward.body[0] is exit.unpack and backward.body[1] is branch.backward,
            f"{backward.name} does not start with the unpacking and the `if` of its plan")
    unpacked = [t.id for t in plan.targets(exit)]
    if not isinstance(branch.forward.test, gast.Name) or branch.forward.test.id not in unpacked:
        return
    test = branch.forward.test.id
    require(branch.store in unpacked, f"{forward.name} does not save its branch tuple {branch.store}")
    after = {n.id for stmt in backward.body[2:] for n in gast.walk(stmt) if isinstance(n, gast.Name)}
    common = [(elt, t) for elt, t in plan.entries(exit) if t.id not in (branch.store, test)]
    exits = []
    blocks = ((branch.forward.body, branch.backward.body), (branch.forward.orelse, branch.backward.orelse))
    for k, (fblock, bblock) in enumerate(blocks):
        pack, unpack = branch.packs[k], branch.unpacks[k]
        require(fblock and fblock[-1] is pack, f"a branch of {forward.name} does not end by packing {branch.store}")
        own = []
        if unpack is not None:
            require(bblock[0] is unpack, f"a branch of {backward.name} does not start by unpacking {branch.store}")
            own = [t.id for t in unpack.targets[0].elts]
            del bblock[0]
        reads = {n.id for stmt in bblock for n in gast.walk(stmt) if isinstance(n, gast.Name)} | after
        kept = [(elt, t.id) for elt, t in common if t.id in reads]
        flat = gast.Tuple(elts=[name(test)] + [elt for elt, _ in kept] + list(pack.value.elts), ctx=gast.Load())
        value = gast.Tuple(elts=[copy.deepcopy(exit.ret.value.elts[0]), flat], ctx=gast.Load()) if plan.layout == "pair" else flat
        fblock[-1] = _located(gast.Return(value=value), exit.ret)
        targets = [name("_", True)] + [name(t, True) for _, t in kept] + [name(t, True) for t in own]  # the test: read before
        unpacking = None
        if kept or own:
            unpacking = _located(assign(gast.Tuple(elts=targets, ctx=gast.Store()), name(plan.saved_param)), exit.unpack)
            bblock.insert(0, unpacking)
        exits.append(Exit(fblock[-1], unpacking))
    del forward.body[-1]
    plan.dispatch = gast.Subscript(value=name(plan.saved_param), slice=gast.Constant(value=0, kind=None), ctx=gast.Load())
    backward.body[0] = _located(assign(test, plan.dispatch), exit.unpack)
    plan.exits, plan.tail = exits, None
    branch.packs, branch.unpacks = [None, None], [None, None]  # its tuple is now part of the exits
    plan.check()


def _located(stmt, origin):
    for attr in ("s2s_line", "s2s_text"):
        if hasattr(origin, attr):
            setattr(stmt, attr, getattr(origin, attr))
    return stmt


def one_tuple_returns(functions, callees):
    """A forward sweep returns ``(value, saved...)``, one tuple, instead of ``(value, (saved...))``.

    Takes every function of a transform (the entry included) and the
    :class:`~s2s.reverse.Callee` of each transformed function, whose ``sites``
    are every statement that calls its forward sweep
    (``left, left_saved = tree_forward(...)``) and whose ``plan`` says where
    its saved tuple is returned and unpacked.  The pair becomes one tuple:
    callers keep the tuple and take the value from its first place
    (``left_saved = tree_forward(...)``, ``left = left_saved[0]``), and the
    backward sweep skips that place.  One tuple fewer to build and take apart
    per call: for a recursion on numbers, a tenth of its gradient's time.

    A forward sweep that returns no value (``plan.layout == "saved"``), that
    a checkpointed loop's step function calls (a nested site), or of a recursive
    group in compiled code (whose list of rows is typed by ``f_forward(None, ...)[1]``:
    :mod:`s2s.runtime.rows`) keeps its layout."""
    where = {id(stmt): block for f in functions for block, stmt in _statements(f.body)}
    for callee in callees:
        plan = callee.plan
        if plan.layout != "pair" or any(site.nested for site in callee.sites) or callee.rows:
            continue
        plan.check()
        calls = sum(isinstance(n, gast.Name) and n.id == plan.forward.name for f in functions for n in gast.walk(f))
        require(calls == len(callee.sites), f"{plan.forward.name} is called {calls} times, its plan knows {len(callee.sites)}")
        for site in callee.sites:
            stmt = site.statement
            require(id(stmt) in where, f"a call of {plan.forward.name} is no longer in the generated code")
            require(
                isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Name)
                and stmt.value.func.id == plan.forward.name and isinstance(stmt.targets[0], gast.Tuple)
                and len(stmt.targets[0].elts) == 2 and all(isinstance(t, gast.Name) for t in stmt.targets[0].elts),
                f"a call of {plan.forward.name} is not `value, saved = {plan.forward.name}(...)`",
            )
        for exit in plan.exits:
            value, entries = exit.ret.value.elts
            exit.ret.value = gast.Tuple(elts=[value] + entries.elts, ctx=gast.Load())
            if exit.unpack is not None:
                exit.unpack.targets[0].elts.insert(0, name("_", True))
        for site in callee.sites:
            stmt = site.statement
            block = where[id(stmt)]
            value, store = stmt.targets[0].elts
            stmt.targets = [store]
            if value.id != "_":
                first = gast.Subscript(value=name(store.id), slice=gast.Constant(value=0, kind=None), ctx=gast.Load())
                block.insert(block.index(stmt) + 1, _located(assign(value.id, first), stmt))
        if plan.dispatch is not None:
            plan.dispatch.slice.value += 1
        plan.layout = "flat"
        _value_saved_once(plan)
        plan.check()


def _value_saved_once(plan):
    """Where a return's value is also one of its saved entries (``(tree_2, cond, tree_2, ...)``),
    keep it once, in the first place, and have the backward sweep's unpacking of that exit
    name the first place instead.  Nothing changes where the dispatch's place would move."""
    for exit in plan.exits:
        if exit.unpack is None:
            continue
        elts, targets = exit.ret.value.elts, exit.unpack.targets[0].elts
        if not isinstance(elts[0], gast.Name):
            continue
        places = [k for k in range(1, len(elts)) if isinstance(elts[k], gast.Name) and elts[k].id == elts[0].id and targets[k].id == elts[0].id]
        if not places or (plan.dispatch is not None and plan.dispatch.slice.value >= places[0]):
            continue
        k = places[0]
        del elts[k]
        targets[0] = targets.pop(k)


def _statements(body):
    """``(block, statement)`` for every statement in ``body`` and the blocks inside it,
    not descending into nested functions."""
    for stmt in body:
        yield body, stmt
        if isinstance(stmt, gast.FunctionDef):
            continue
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list):
                yield from _statements(block)


def fuse_entry(entry, main, functions):
    """The entry function with its forward and backward sweeps inlined: one function,
    no saved tuple, where nothing else calls them (no recursion, no other caller).

        def grad_f(x):                              def grad_f(x):
            saved = f_forward(x)                        ...forward sweep...
            f_bar = 1.0                        ->       f_bar = 1.0
            return f_backward(saved, f_bar)             ...backward sweep, its names bound...
                                                        return (x_bar,)

    The backward sweep's unpacking of the saved tuple becomes assignments of the
    forward sweep's values to its names (copies the optimizer then removes).
    Returns the functions without the two sweeps, or None (``entry`` untouched)
    where the shape of the code is not this one."""
    plan = main.plan
    forward, backward = plan.forward, plan.backward
    if len(plan.exits) != 1 or plan.dispatch is not None or len(main.sites) != 1:
        return None
    exit = plan.exits[0]
    returns = lambda f: [n for n in gast.walk(f) if isinstance(n, gast.Return)]
    nested = lambda f: any(isinstance(n, gast.FunctionDef) and n is not f for n in gast.walk(f))
    if (returns(forward) != [forward.body[-1]] or forward.body[-1] is not exit.ret or returns(backward) != [backward.body[-1]]
            or nested(forward) or nested(backward) or (exit.unpack is not None and backward.body[0] is not exit.unpack)):
        return None
    if forward.args.vararg is not None or forward.args.kwarg is not None:
        return None
    calls = lambda fname: sum(isinstance(n, gast.Name) and n.id == fname for f in functions for n in gast.walk(f))
    if calls(forward.name) != 1 or calls(backward.name) != 1:
        return None
    first = entry.body[0]
    if not (first is main.sites[0].statement and isinstance(first, gast.Assign) and isinstance(first.targets[0], gast.Name)):
        return None
    saved = first.targets[0].id
    bcalls = [n for n in gast.walk(entry) if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == backward.name]
    if len(bcalls) != 1 or not isinstance(entry.body[-1], gast.Return) or len(bcalls[0].args) != 2:
        return None
    seed = bcalls[0].args[1]
    elements = exit.ret.value.elts if isinstance(exit.ret.value, gast.Tuple) else None
    targets = exit.unpack.targets[0].elts if exit.unpack is not None else []
    if elements is None or exit.unpack is not None and len(targets) != len(elements):
        return None
    # the entry's own names must mean nothing else in the sweeps (the seed's name may be the backward's parameter)
    entry_names = {n.id for s in entry.body[1:-1] for n in gast.walk(s) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    sweep_stores = {n.id for f in (forward, backward) for s in f.body for n in gast.walk(s) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    value_of = {s.targets[0].id: s.value for s in entry.body[1:-1] if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)}
    for n in entry_names & sweep_stores:
        v = value_of.get(n)
        if not (isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and v.value.id == saved
                and isinstance(v.slice, gast.Constant) and v.slice.value == 0 and isinstance(elements[0], gast.Name) and elements[0].id == n):
            return None  # a name of the entry that a sweep assigns with another meaning
    for s in entry.body[1:-1]:  # the entry's statements between the two calls: the seed, the value taken from the first place
        v = s.value if isinstance(s, gast.Assign) else None
        if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and v.value.id == saved:
            if not (isinstance(v.slice, gast.Constant) and v.slice.value == 0):
                return None
        elif any(isinstance(n, gast.Name) and n.id == saved for n in gast.walk(s)):
            return None
    _drop_round_trips(plan, exit)
    body = list(forward.body[:-1])
    pairs = [(t.id, e) for t, e in zip(targets, elements) if isinstance(t, gast.Name) and t.id != "_" and not (isinstance(e, gast.Name) and e.id == t.id)]
    read = {n.id for _, e in pairs for n in gast.walk(e) if isinstance(n, gast.Name)}
    if any(t in read for t, _ in pairs):  # one assignment: no name bound before another reads it
        stores = gast.Tuple(elts=[name(t, True) for t, _ in pairs], ctx=gast.Store())
        body.append(_located(assign(stores, gast.Tuple(elts=[copy.deepcopy(e) for _, e in pairs], ctx=gast.Load())), exit.ret))
    else:
        body += [_located(assign(t, copy.deepcopy(e)), exit.ret) for t, e in pairs]
    for s in entry.body[1:-1]:
        v = s.value if isinstance(s, gast.Assign) else None
        if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and v.value.id == saved:
            if isinstance(elements[0], gast.Name) and elements[0].id == s.targets[0].id:
                continue
            s = assign(s.targets[0], copy.deepcopy(elements[0]))
        body.append(_located(s, exit.ret))  # under the comment of the function's return: the backward sweep starts
    param = backward.args.args[1].id
    if not (isinstance(seed, gast.Name) and seed.id == param):
        body.append(_located(assign(param, copy.deepcopy(seed)), exit.ret))
    start = 1 if exit.unpack is not None else 0
    body += backward.body[start:-1]
    result = backward.body[-1].value
    final = copy.deepcopy(entry.body[-1])
    is_call = lambda v: isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and v.func.id == backward.name
    for node in gast.walk(final):  # the backward sweep's call, in the entry's return, becomes what it returns
        for field, value in gast.iter_fields(node):
            if is_call(value):
                setattr(node, field, result)
            elif isinstance(value, list):
                value[:] = [result if is_call(v) else v for v in value]
    body.append(final)
    entry.body = body
    _shapes_from_values(entry)
    return [f for f in functions if f is not forward and f is not backward]


def _shapes_from_values(fdef):
    """In one function a value stays bound to its end: where the backward sweep reads a
    shape kept for it (``x_shape = shape_of(x)``, then ``unbroadcast(g, x_shape)``) and
    ``x`` is bound once, before, it reads the shape from ``x`` (``unbroadcast(g, x)``),
    and no :class:`~s2s.runtime.ShapeOf` is made.  Only the arguments that helpers read
    for their shape alone (``SHAPE_ONLY_ARGUMENTS``) are rewritten."""
    params = {a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs}
    stores, loads, shape_reads = {}, {}, {}
    for node in gast.walk(fdef):
        if isinstance(node, gast.Name):
            counts = loads if isinstance(node.ctx, gast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, gast.Call):
            position = SHAPE_ONLY_ARGUMENTS.get(spelling(node.func))
            if position is not None and len(node.args) > position and isinstance(node.args[position], gast.Name):
                shape_reads.setdefault(node.args[position].id, []).append((node, position))
    bound = set(params)
    kept = []
    for stmt in fdef.body:
        value = stmt.value if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
        if (isinstance(value, gast.Call) and spelling(value.func) == "shape_of" and len(value.args) == 1 and not value.keywords
                and isinstance(value.args[0], gast.Name)):
            shape, of = stmt.targets[0].id, value.args[0].id
            once = stores.get(of, 0) == 1  # a parameter's one binding is its own (gast.Param)
            if of in bound and once and stores.get(shape) == 1 and len(shape_reads.get(shape, ())) == loads.get(shape, 0):
                for call, position in shape_reads.get(shape, ()):
                    call.args[position] = name(of)
                continue
        if isinstance(stmt, gast.Assign):
            bound |= {n.id for n in gast.walk(stmt.targets[0]) if isinstance(n, gast.Name)}
        kept.append(stmt)
    fdef.body[:] = kept


def _drop_round_trips(plan, exit):
    """Before the sweeps are inlined into one function: the tuples the forward sweep packs
    only for the backward sweep to take apart again (a loop's stacks, ``h_loop_stacks =
    (h_2_stack, h_3_stack)`` ... ``h_2_stack, h_3_stack = h_loop_stacks``; a branch's
    values, ``branch = (left, shape_of(x))`` ... ``left, x_shape = branch``) go: in one
    function the backward sweep reads the names the forward sweep bound (a value saved as
    its shape is named where the tuple was made, ``x_shape = shape_of(x)``).

    Only where nothing else reads the tuple (a loop's stack appending it: the backward
    sweep's unpacking then takes each iteration's), and no name the unpacking binds is
    bound again after the tuple is made in the forward sweep or before the unpacking in
    the backward sweep.  The forward sweep's ``exit`` (its return, and the backward
    sweep's unpacking of what it saves) is about to go: a tuple it saves and unpacks
    under the same name is still made once and read once."""
    trips = []  # (the tuple's name, [(pack, unpack or None)], the statements they sit in, in each sweep)
    for loop in plan.loops:
        if loop.unpack is not None and loop.columns and not loop.revolve and not loop.rows:
            packs = [s for _, s in _statements(plan.forward.body) if _assigns(s, loop.store)]
            if len(packs) == 1:
                trips.append((loop.store, [(packs[0], loop.unpack)], packs[0], loop.unpack))
    for branch in plan.branches:
        if branch.store is not None and None not in branch.packs and branch.unpacks != [None, None]:
            trips.append((branch.store, list(zip(branch.packs, branch.unpacks)), branch.forward, branch.backward))
    for trip in trips:
        _drop_round_trip(plan, exit, *trip)


def _assigns(stmt, target):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == target


def _drop_round_trip(plan, exit, store, pairs, fscope, bscope):
    """``pairs``: each pack of tuple ``store`` and its unpacking; ``fscope``, ``bscope``: the
    statement each sits in (the branches' ``if``, of which one runs), whose bindings before
    the pack and after the unpacking are those of the code around."""
    forward, backward = plan.forward, plan.backward
    fblocks, bblocks = dict(_blocks(forward.body)), dict(_blocks(backward.body))
    packs = [p for p, _ in pairs]
    unpacks = [u for _, u in pairs if u is not None]
    if not all(id(p) in fblocks and isinstance(p.value, gast.Tuple) for p in packs) or not all(id(u) in bblocks for u in unpacks):
        return
    through = [(t, e) for e, t in plan.entries(exit) if t.id == store or isinstance(e, gast.Name) and e.id == store]
    if any(not (t.id == store and isinstance(e, gast.Name) and e.id == store) for t, e in through):
        return  # saved under another name: its copy would read the tuple
    gone = {id(e) for _, e in through} | {id(t) for t, _ in through}
    every = [n for f in (forward, backward) for n in gast.walk(f) if isinstance(n, gast.Name) and n.id == store and id(n) not in gone]
    loads = {id(n) for n in every if isinstance(n.ctx, gast.Load)}
    if loads != {id(u.value) for u in unpacks} or len(every) != len(loads) + len(packs):
        return  # read elsewhere (appended to a loop's stack), or bound by other code
    fstores = [(s, n) for s, n in _store_order(forward.body) if s is not exit.ret]
    bstores = [(s, n) for s, n in _store_order(backward.body) if s is not exit.unpack]
    inside_f = {id(n) for n in gast.walk(fscope)}
    inside_b = {id(n) for n in gast.walk(bscope)}
    after_f = max(k for k, (stmt, _) in enumerate(fstores) if id(stmt) in inside_f)
    before_b = min(k for k, (stmt, _) in enumerate(bstores) if id(stmt) in inside_b)
    moves = []
    for pack, unpack in pairs:
        if unpack is None:
            continue
        targets = unpack.targets[0].elts if isinstance(unpack.targets[0], gast.Tuple) else None
        if targets is None or len(targets) != len(pack.value.elts) or not all(isinstance(t, gast.Name) for t in targets):
            return
        for target, value in zip(targets, pack.value.elts):
            same = isinstance(value, gast.Name) and value.id == target.id
            bound_f = [k for k, (stmt, n) in enumerate(fstores) if n == target.id and (k > after_f or not same)]
            bound_b = [k for k, (stmt, n) in enumerate(bstores) if n == target.id and (k < before_b or not same and stmt not in unpacks)]
            if bound_f or bound_b:
                return  # the name means something else between the two
            if not same:
                moves.append((pack, target.id, value))
    for pack in packs:
        block = fblocks[id(pack)]
        here = next(k for k, s in enumerate(block) if s is pack)
        block[here:here + 1] = [_located(assign(t, v), pack) for p, t, v in moves if p is pack] or [gast.Pass()]
        if len(block) > 1 and isinstance(block[here], gast.Pass):
            del block[here]
    for unpack in unpacks:
        block = bblocks[id(unpack)]
        del block[next(k for k, s in enumerate(block) if s is unpack)]
        if not block:
            block.append(gast.Pass())
    for loop in plan.loops:  # the plan says so too
        if loop.unpack in unpacks:
            loop.unpack = None
    for branch in plan.branches:
        if branch.packs[0] in packs:
            branch.store, branch.packs, branch.unpacks = None, [None, None], [None, None]


def _blocks(body):
    """``(id(statement), block)`` for every statement of ``body`` and the blocks inside it."""
    for block, stmt in _statements(body):
        yield id(stmt), block


def _store_order(body):
    """``(statement, name)`` for each name each statement of ``body`` binds, in the order of the text
    (a compound statement's own bindings, a ``for`` loop's target, before its blocks')."""
    out = []
    for _, stmt in _statements(body):
        for field, value in gast.iter_fields(stmt):
            if field in ("body", "orelse"):
                continue
            for node in value if isinstance(value, list) else [value]:
                if isinstance(node, gast.AST):
                    out += [(stmt, n.id) for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)]
    return out
