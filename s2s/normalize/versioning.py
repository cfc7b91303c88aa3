"""Single assignment across branches and loops (part of :class:`~.anf.Normalizer`).

Takes an ``if``, ``for`` or ``while`` statement after jump lowering (so the
only ``break`` is a loop's final ``if flag: break``).  Guarantees that each
user name has one current version after the statement:

* after an ``if``, a name the branches version differently gets one name in
  both (the branch's own assignment renamed, or a copy);
  one assigned on a single path that is read later is set to ``None`` on the
  other path, so a saved value is never unbound;
* a name a loop assigns that outlives an iteration is *carried*: copied to a
  name of its own before the loop, and copied back at the end of the body
  (marked ``s2s_carry``); a ``while`` condition's statements are emitted
  before the loop and again at the end of the body (marked ``s2s_cond``), their
  names fixed (never versioned: they carry no derivative).

    if c:               ->   if c:
        y = a                    y = a
    else:                    else:
        y = b                    y = b        (one name y for both)
"""

import copy

import gast

from .tree import assigned_in, assigned_names, name_node, reads, rename


class ControlFlow:
    """Uses the normalizer's ``version``, ``defined``, ``fixed``, ``all_reads``, ``sub_block``, ``store``, ``atom``."""

    def test_atom(self, node):
        """The branch decision as a single-assignment name (never a flag)."""
        test = self.atom(node, hint="cond")
        if isinstance(test, gast.Name) and test.id in self.fixed or not isinstance(test, gast.Name):
            test = self.bind(test, "cond")
        return test

    def if_statement(self, stmt):
        test = self.test_atom(stmt.test)
        before = dict(self.version)
        body, v_then = self.sub_block(stmt.body, before)
        orelse, v_else = self.sub_block(stmt.orelse, before)
        self.stmt = stmt
        for name in sorted(set(v_then) | set(v_else)):
            if name in self.fixed:
                continue
            a, b = v_then.get(name), v_else.get(name)
            if a == b:
                if a is not None:
                    self.version[name] = a
                continue
            if a is None or b is None:  # defined on one path only
                self.version[name] = a or b
                if (a or b) in self.defined and name in self.all_reads_outside(stmt):
                    # read later on paths where the other branch jumped past the
                    # read (``elif ...: return``); bound to None there, so saving
                    # it for the backward sweep never reads an unbound name
                    undefined = gast.Assign(targets=[name_node(a or b, True)], value=gast.Constant(value=None, kind=None), type_comment=None)
                    undefined.s2s_line = self.loc.lineno(self.user_stmt)
                    undefined.s2s_text = self.line_text(self.user_stmt)
                    (orelse if a else body).append(undefined)
                continue
            before_names = set(before.values())
            phi = a if a not in before_names else b if b not in before_names else self.namer.fresh(name)
            self.defined.add(phi)
            for block, current in ((body, a), (orelse, b)):
                if current == phi:
                    continue
                if current not in before_names:
                    rename(block, current, phi)
                else:
                    join = gast.Assign(targets=[name_node(phi, True)], value=name_node(current), type_comment=None)
                    join.s2s_line = self.loc.lineno(self.user_stmt)
                    join.s2s_text = self.line_text(self.user_stmt)
                    block.append(join)
            self.version[name] = phi
        if not body and not orelse:
            return
        if not body:
            test = self.bind(gast.UnaryOp(op=gast.Not(), operand=test), "cond")
            body, orelse = orelse, []
        self.emit(gast.If(test=test, body=body, orelse=orelse))

    def carried(self, loop):
        """User names a loop assigns that outlive one iteration."""
        assigned = sorted(assigned_in(loop.body) - self.fixed)
        outside = self.all_reads_outside(loop)
        out = []
        for name in assigned:
            if name in self.version:
                out.append(name)
            elif name in outside:
                out.append(name)
        return out

    def all_reads_outside(self, loop):
        """Names read somewhere other than inside ``loop`` (so they may outlive it)."""
        inside = reads([loop])
        return {n for n, count in self.all_reads.items() if count > inside.get(n, 0)}

    def loop_header(self, loop):
        """Copies that give each carried variable a name of its own before the loop."""
        carried = {}
        for name in self.carried(loop):
            source = self.load_name(name) if name in self.version else gast.Constant(value=None, kind=None)
            store = self.store(name)
            self.emit(gast.Assign(targets=[store], value=source, type_comment=None))
            carried[name] = store.id
        return carried

    def loop_carry(self, body, v_body, carried):
        for name, cname in carried.items():
            final = v_body.get(name, cname)
            if final != cname:
                carry = gast.Assign(targets=[name_node(cname, True)], value=name_node(final), type_comment=None)
                carry.s2s_carry = True
                carry.s2s_line = self.loc.lineno(self.user_stmt)
                carry.s2s_text = self.line_text(self.user_stmt)
                body.append(carry)

    def for_loop(self, stmt):
        steps, index, elements = self.iteration(stmt)
        carried = self.loop_header(stmt)
        self.stmt = stmt
        target = self.store(index) if index not in self.fixed else name_node(index, True)
        version = dict(self.version)
        body, v_body = self.sub_block(elements + stmt.body, version)
        self.stmt = self.user_stmt = stmt
        self.loop_carry(body, v_body, carried)
        self.version.update(carried)
        for name, v in v_body.items():  # the loop variable and body names keep their last value
            if name not in carried and name not in self.version:
                self.version[name] = v
        loop = gast.For(target=target, iter=steps, body=body, orelse=[], type_comment=None)
        loop.s2s_break = stmt.s2s_break
        loop.s2s_revolve = stmt.s2s_revolve
        self.emit(loop)

    def while_loop(self, stmt):
        carried = self.loop_header(stmt)
        self.stmt = stmt
        cond_block, _ = self.sub_block([], self.version)
        saved_out = self.out
        self.out = cond_block
        test = self.atom(stmt.test, hint="running")
        self.out = saved_out
        for cstmt in cond_block:  # condition temporaries keep one name: they carry no derivative
            self.fixed |= assigned_names(cstmt)
        self.out.extend(cond_block)
        version = dict(self.version)
        body, v_body = self.sub_block(stmt.body, version)
        self.stmt = self.user_stmt = stmt
        self.loop_carry(body, v_body, carried)
        for cstmt in copy.deepcopy(cond_block):  # re-evaluated at the end of each iteration
            cstmt.s2s_cond = True
            body.append(cstmt)
        self.version.update(carried)
        loop = gast.While(test=test, body=body, orelse=[])
        loop.s2s_break = stmt.s2s_break
        self.emit(loop)
