"""Lowering of jumps: early ``return``, ``break`` and ``continue`` made explicit.

Takes a function's statement list (gast), after desugaring.  Guarantees, for
the equivalent list it returns:

* there is exactly one ``return``, the last statement, returning one name;
* no ``continue`` remains, and ``break`` remains only as the last statement of
  a loop body, in the form ``if <flag>: break`` (the loop carries the flag's
  name as ``s2s_break``);
* the code after an ``if`` one of whose branches always leaves moves into the
  other branch (``if n == 0: return 1.0`` puts the rest under ``else:``);
* a branch that ends in ``raise`` has no other branch: ``if c: A else: raise E``
  is ``if not c: raise E`` followed by ``A``, so the path that raises (and never
  reaches a backward sweep) joins nothing and is saved nowhere;
  deeper jumps set flags (``skip``, ``broke``, ``returned``) that guard the
  statements they skip.

Flags are plain booleans; the normalizer keeps their names fixed.
"""

import gast

RETURN, LOOP = "return", "loop"


def _name(id_, store=False):
    return gast.Name(id=id_, ctx=gast.Store() if store else gast.Load(), annotation=None, type_comment=None)


def _set(flag, value=True):
    return gast.Assign(targets=[_name(flag, True)], value=gast.Constant(value=value, kind=None), type_comment=None)


def _not(flag):
    return gast.UnaryOp(op=gast.Not(), operand=_name(flag))


class Loop:
    def __init__(self, skip, broke):
        self.skip = skip
        self.broke = broke
        self.used = set()  # which of the flags were set


class Lowering:
    """One function's jump lowering; ``fresh(base)`` names flags."""

    def __init__(self, fresh, result_name, loc, fdef):
        self.fdef = fdef
        self.fresh = fresh
        self.result = result_name
        self.loc = loc
        self.returned = None  # flag set by a return inside a loop
        self.flags = set()

    def function(self, body):
        stmts, always = self.block(body, None)
        if not always:
            raise self.loc.error(self.fdef, f"`{self.fdef.name}` must return a value on every path")
        if self.returned:
            stmts = [_set(self.returned, False)] + stmts
        stmts = _drop_unread_flags(stmts, self.flags)
        return _raising_branches_alone(stmts) + [gast.Return(value=_name(self.result))]

    def returned_flag(self):
        if self.returned is None:
            self.returned = self.fresh("returned")
            self.flags.add(self.returned)
        return self.returned

    # A block returns (statements, always_leaves).
    def block(self, stmts, loop):
        out = []
        for i, stmt in enumerate(stmts):
            lowered, always, maybe = self.statement(stmt, loop)
            rest = stmts[i + 1:]
            if always:
                out.extend(lowered)
                return out, True
            if maybe and rest:
                guard = self.guard_rest(lowered, rest, loop)
                if guard is not None:
                    out.extend(guard[0])
                    return out, guard[1]
            out.extend(lowered)
        return out, False

    def guard_rest(self, lowered, rest, loop):
        """Statements after a statement that may jump: move them under a branch or a flag."""
        stmt = lowered[-1] if lowered else None
        if isinstance(stmt, gast.If) and getattr(stmt, "s2s_always", None) is not None:
            then_always, else_always = stmt.s2s_always
            # lower the branch again with the rest appended, so jumps inside it still skip the rest
            source_body, source_else = getattr(stmt, "s2s_source", (stmt.body, stmt.orelse))
            if then_always and not else_always:
                stmt.orelse, tail_always = self.block(list(source_else) + list(rest), loop)
                return lowered, tail_always
            if else_always and not then_always:
                stmt.body, tail_always = self.block(list(source_body) + list(rest), loop)
                return lowered, tail_always
        # the flag is set exactly when a jump was taken, so if the rest always
        # leaves too, every path through the guarded statements leaves
        flag = loop.skip if loop is not None else self.returned_flag()
        tail, tail_always = self.block(rest, loop)
        guard = gast.If(test=_not(flag), body=tail, orelse=[])
        return lowered + [guard], tail_always

    def statement(self, stmt, loop):
        """(statements, always_leaves, may_leave) for one statement."""
        if isinstance(stmt, gast.Return):
            value = stmt.value if stmt.value is not None else gast.Constant(value=None, kind=None)
            assign = gast.copy_location(gast.Assign(targets=[_name(self.result, True)], value=value, type_comment=None), stmt)
            flag = _set(self.returned_flag())
            if loop is None:
                return [assign, flag], True, True
            loop.used |= {"skip", "broke"}
            return [assign, flag, _set(loop.skip), _set(loop.broke)], True, True
        if isinstance(stmt, gast.Raise):  # leaves with an exception: nothing after it runs, no flag
            return [stmt], True, False
        if isinstance(stmt, gast.Break):
            loop.used |= {"skip", "broke"}
            return [_set(loop.skip), _set(loop.broke)], True, True
        if isinstance(stmt, gast.Continue):
            loop.used.add("skip")
            return [_set(loop.skip)], True, True
        if isinstance(stmt, gast.If):
            body, body_always = self.block(stmt.body, loop)
            orelse, else_always = self.block(stmt.orelse, loop)
            new = gast.copy_location(gast.If(test=stmt.test, body=body, orelse=orelse), stmt)
            new.s2s_always = (body_always, else_always)
            new.s2s_source = (stmt.body, stmt.orelse)
            maybe = _may_leave(stmt)
            return [new], body_always and else_always, maybe
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt, loop)
        return [stmt], False, False

    def loop(self, stmt, outer):
        if stmt.orelse:
            raise self.loc.error(stmt, "s2s does not support `else:` on loops")
        inner = Loop(self.fresh("skip"), self.fresh("broke"))
        body, _ = self.block(stmt.body, inner)
        new = gast.copy_location(type(stmt)(**{f: getattr(stmt, f) for f in stmt._fields}), stmt)
        new.body = body
        new.orelse = []
        new.s2s_break = inner.broke if "broke" in inner.used else None
        out = []
        if "skip" in inner.used:
            new.body = [_set(inner.skip, False)] + new.body
            self.flags.add(inner.skip)
        if new.s2s_break:
            out.append(_set(inner.broke, False))
            self.flags.add(inner.broke)
        out.append(new)
        if not _has_return(stmt):
            return out, False, False
        # a return inside: leave the enclosing loop too, or skip the rest of the function
        if outer is None:
            jump = gast.If(test=_name(self.returned), body=[], orelse=[])
        else:
            outer.used |= {"skip", "broke"}
            jump = gast.If(test=_name(self.returned), body=[_set(outer.skip), _set(outer.broke)], orelse=[])
        jump.s2s_always = (True, False)
        return out + [jump], False, True


def _walk_no_loops(stmts):
    for stmt in stmts:
        yield stmt
        if isinstance(stmt, gast.If):
            yield from _walk_no_loops(stmt.body)
            yield from _walk_no_loops(stmt.orelse)


def _may_leave(stmt):
    """Whether ``stmt`` contains a return, or a break/continue of the enclosing loop."""
    for node in _walk_no_loops([stmt]):
        if isinstance(node, (gast.Return, gast.Break, gast.Continue)):
            return True
        if isinstance(node, (gast.For, gast.While)) and _has_return(node):
            return True
    for node in gast.walk(stmt):
        if isinstance(node, gast.Return):
            return True
    return False


def _has_return(stmt):
    return any(isinstance(n, gast.Return) for n in gast.walk(stmt))


INVERSE = {gast.Eq: gast.NotEq, gast.NotEq: gast.Eq, gast.Is: gast.IsNot, gast.IsNot: gast.Is, gast.In: gast.NotIn, gast.NotIn: gast.In}


def _raising_branches_alone(stmts):
    """``if c: A else: B; raise E`` as ``if not c: B; raise E`` then ``A`` (either way round),
    in every block: what follows a raising branch runs only on the other path."""
    out = []
    for stmt in stmts:
        for field in ("body", "orelse"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, _raising_branches_alone(getattr(stmt, field)))
        if isinstance(stmt, gast.If) and stmt.body and stmt.orelse:
            then_raises, else_raises = (_raises(b) for b in (stmt.body, stmt.orelse))
            if then_raises != else_raises:
                raising, rest = (stmt.body, stmt.orelse) if then_raises else (stmt.orelse, stmt.body)
                test = stmt.test if then_raises else _negation(stmt.test)
                out.append(gast.copy_location(gast.If(test=test, body=raising, orelse=[]), stmt))
                out.extend(rest)
                continue
        out.append(stmt)
    return out


def _raises(block):
    return isinstance(block[-1], gast.Raise)


def _negation(test):
    """``not test``, as ``a != b`` for ``a == b`` (and ``is``, ``in``; not ``<``: NaN compares false both ways)."""
    if isinstance(test, gast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in INVERSE:
        return gast.Compare(left=test.left, ops=[INVERSE[type(test.ops[0])]()], comparators=test.comparators)
    if isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not):
        return test.operand
    return gast.UnaryOp(op=gast.Not(), operand=test)


def _drop_unread_flags(stmts, flags):
    """Remove assignments to flags that nothing reads."""
    read = set()
    for stmt in stmts:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                read.add(node.id)
        if getattr(stmt, "s2s_break", None):
            read.add(stmt.s2s_break)
    for node in (n for s in stmts for n in gast.walk(s)):
        if getattr(node, "s2s_break", None):
            read.add(node.s2s_break)
    dead = flags - read

    def keep(stmt):
        return not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in dead)

    def clean(body):
        out = []
        for stmt in body:
            if not keep(stmt):
                continue
            for field in ("body", "orelse"):
                if hasattr(stmt, field) and isinstance(getattr(stmt, field), list):
                    setattr(stmt, field, clean(getattr(stmt, field)))
            out.append(stmt)
        return out

    return clean(stmts)


def lower(body, fresh, result_name, loc, fdef):
    """Lower the jumps of a function body; returns (statements, flag names)."""
    lowering = Lowering(fresh, result_name, loc, fdef)
    return lowering.function(body), lowering.flags
