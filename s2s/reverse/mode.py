"""Reverse mode: a forward sweep and a backward sweep for one ANF function.

Takes an ANF function (:mod:`s2s.normalize`), its :class:`~s2s.activity.Activity`
and the rules.  Returns two ``gast.FunctionDef``:

* ``<f>_forward(<f's parameters>)`` runs the primal and returns
  ``(value, saved)``, ``saved`` being the tuple of exactly the primal values
  the backward sweep reads;
* ``<f>_backward(saved, d<result>)`` walks the active statements in reverse,
  inlines each rule's adjoint template, and returns the adjoints of the active
  parameters (one value, or a tuple in parameter order).

and records what the forward sweep saves, and where, in a
:class:`~s2s.saveplan.SavePlan` (``ReverseMode.plan``) for the passes after
it.

Guarantees: every generated statement carries the ``s2s_line``/``s2s_text`` of
the primal statement it differentiates; the first contribution to an adjoint
assigns it and later ones add to it; contributions of broadcasting rules are
reduced to the argument's shape with ``unbroadcast``; a zero adjoint is never
materialized except for an active parameter that received nothing.  A call
that needs a derivative and has no rule raises ``S2SError`` at the call.

The parts, each a mixin of :class:`ReverseMode` in its own module:
:mod:`~s2s.reverse.adjoints` (accumulating adjoints),
:mod:`~s2s.reverse.saving` (what is saved, and its unpacking),
:mod:`~s2s.reverse.forward_sweep`, :mod:`~s2s.reverse.backward_sweep`
(statements), :mod:`~s2s.reverse.control` (``if``, loops, revolve),
:mod:`~s2s.reverse.calls` (rules and user-function calls);
:mod:`~s2s.reverse.syntax` builds nodes.
"""

import collections
import copy

import gast

from ..activity import require_rule, simple_statements, targets
from ..naming import adjoint_name
from ..saveplan import Exit, SavePlan
from ..shapes import subscript_key
from .adjoints import Adjoints
from .backward_sweep import BackwardSweep
from .calls import CallsAndRules
from .control import ControlFlow
from .recompute import Recomputing
from .forward_sweep import ForwardSweep
from .saving import Saving
from .syntax import assigned, name, saved_tuple, unpack_names


class Callee:
    """What a call site needs to know of a transformed user function."""

    def __init__(self, forward, backward, active_params):
        self.forward = forward
        self.backward = backward
        self.active_params = active_params
        self.plan = None  # its SavePlan (s2s.saveplan), once generated
        self.sites = []  # every statement that calls its forward sweep (CallSite)
        self.rows = None  # compiled code: the list of rows of its recursive group (s2s.jit.recursion_groups)
        self.head = False  # whether it is its group's head, whose calls' saved tuples go on that list


class ReverseMode(Adjoints, Saving, ForwardSweep, BackwardSweep, ControlFlow, Recomputing, CallsAndRules):
    """Reverse mode of one function; :meth:`run` returns its forward and backward sweeps.

    The state its parts share is declared here; each part's module says which of it it reads and writes.
    """

    def __init__(self, parsed, fdef, namer, activity, active_params, rules, request, forward_name, backward_name, scalar=frozenset(), classes=None, integers=frozenset()):
        self.parsed = parsed
        self.loc = parsed.loc
        self.fdef = fdef
        self.activity = activity
        self.active_params = active_params
        self.rules = rules
        self.request = request  # (fn, active_params, node) -> Callee
        self.forward_name = forward_name
        self.backward_name = backward_name
        self.namer = namer
        self.scalar = scalar  # names that always hold scalars (s2s.shapes)
        self.classes = classes or {}  # name -> shape class (s2s.shapes)
        self.integers = integers  # names that always hold Python integers (s2s.shapes)
        self.defined = set()  # adjoints that hold a value at this point of the backward sweep
        self.uniform = {}  # adjoint -> (its primal, block), for adjoints held as one number (see contribute)
        self.partial = {}  # adjoint -> (its primal, block, axes), for adjoints held with those axes of length 1
        self.block_defs = set()  # names the statements of the block being built assign
        self.block = self.top = None  # id of the block being built, and of the function's body
        args = fdef.args
        self.signature = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
        self.params = set(self.signature)
        stores = collections.Counter(n.id for n in gast.walk(fdef) if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Param)))
        self.once = {n for n, k in stores.items() if k == 1}  # names assigned once (parameters: never again)
        self.ranges = {  # names assigned once, a range
            s.targets[0].id for s in gast.walk(fdef) if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
            and s.targets[0].id in self.once and getattr(s.value, "s2s_target", None) is range
        }
        self.contributed = set()  # adjoints written by the block being built (see backward_loop)
        self.definition = {  # name assigned once -> its value
            s.targets[0].id: s.value for s in gast.walk(fdef)
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and s.targets[0].id in self.once
        }
        self.loops_open = []  # the loops whose backward sweep is being built, innermost last
        self.finals = {}  # id(loop) -> {array it carries: name of its value after the loop} (Recomputing.final_read)
        self.looped = {  # names assigned inside a loop (a value that changes from one iteration to the next)
            n for loop in gast.walk(fdef) if isinstance(loop, (gast.For, gast.While))
            for n in assigned(loop.body) | ({t.id for t in gast.walk(loop.target) if isinstance(t, gast.Name)} if isinstance(loop, gast.For) else set())
        }
        self.backward_locals = set()
        self.out = []  # the backward block being built
        self.origin = None  # the primal statement being differentiated
        self.callees = {}  # id(call statement) -> CallSave
        self.saves = {}  # id(if or loop) -> BranchSave or LoopSave
        self.plan = SavePlan(None, None, [])  # of this pair (s2s.saveplan)
        self.in_step = False  # writing a checkpointed loop's step function (CallSite.nested)
        self.order = self.definition_order()
        self._containers = None  # names known to hold tuples (BackwardSweep.containers)
        self.rows = False  # a loop's stack holds one tuple per iteration (compiled code, s2s.jit), not one list per name
        self.on_floats = False  # adjoints on scalars may call s2s.runtime.float_math (not compiled code: numba has no rules for them)
        self.group_rows = None  # the list of rows of this function's recursive group, its sweeps' last parameter (compiled code)

    def mark_entries(self):
        """Mark the reads ``x[i, j]`` of one entry of an array whose dimensions are known
        (:mod:`s2s.shapes`): a number, never a view, so reading it leaves ``x`` owned
        (:mod:`s2s.optimize.inplace`).  Set on every subscript, as the facts of this
        variant say: the tree is shared by the variants of one function."""
        for node in gast.walk(self.fdef):
            if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name):
                node.s2s_basic = subscript_key(node, self.classes, self.integers) == ("dims", ())

    def definition_order(self):
        args = self.fdef.args
        order = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]

        def visit(stmts):
            for stmt in stmts:
                if isinstance(stmt, gast.For):
                    order.append(stmt.target.id)
                if isinstance(stmt, (gast.If, gast.For, gast.While)):
                    visit(stmt.body)
                    visit(stmt.orelse)
                else:
                    order.extend(targets(stmt))
        visit(self.fdef.body)
        return list(dict.fromkeys(order))

    def run(self):
        body = self.fdef.body
        self.mark_entries()
        for stmt in simple_statements(body):  # report the first problem in source order
            require_rule(stmt, self.activity, self.rules, self.loc, "adjoint")
        self.prepare_calls(body)
        result = body[-1].value
        if self.active(result):
            seed = self.adjoint(result.id)
            self.defined.add(seed)
        else:
            seed = self.fresh(adjoint_name("result"))
        top = body[:-1]
        self.top = id(top)
        code, reads = self.backward_block(top)
        self.out = code
        self.origin = body[-1]
        returned = []
        for param in self.active_params:
            if self.adjoint(param) not in self.defined:
                self.zero_fill(param)
                reads.add(param)
            elif self.adjoint(param) in self.uniform or self.adjoint(param) in self.partial:
                self.materialize(self.adjoint(param))
                reads.add(param)
            returned.append(name(self.adjoint(param)))
        saved = self.pack(self.ordered(reads), self.out)
        forward_body = self.forward_block(body)
        ret = forward_body[-1]
        ret.value = gast.Tuple(elts=[copy.deepcopy(result), saved_tuple([(n, bool(new)) for n, new in saved])], ctx=gast.Load())
        args = copy.deepcopy(self.fdef.args)
        if self.group_rows:
            (args.posonlyargs or args.args).insert(0, name(self.group_rows, True))  # first: the user's parameters may have defaults
        forward = gast.FunctionDef(
            name=self.forward_name, args=args, body=forward_body,
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        saved_param = self.namer.fresh("saved")
        unpack = unpack_names([new or n for n, new in saved], name(saved_param)) if saved else None
        backward_body = [unpack] if saved else []
        backward_body += self.out
        backward_body.append(gast.Return(value=returned[0] if len(returned) == 1 else gast.Tuple(elts=returned, ctx=gast.Load())))
        backward = gast.FunctionDef(
            name=self.backward_name,
            args=gast.arguments(
                args=[name(saved_param, True), name(seed, True)] + ([name(self.group_rows, True)] if self.group_rows else []), posonlyargs=[], vararg=None,
                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[],
            ),
            body=backward_body, decorator_list=[], returns=None, type_comment=None, type_params=[],
        )
        backward.s2s_floats = set(self.activity.active) | set(self.namer.adjoints.values())  # hold floating values
        self.plan.forward, self.plan.backward, self.plan.exits = forward, backward, [Exit(ret, unpack)]
        last = self.saves.get(id(body[-2])) if len(body) > 1 and isinstance(body[-2], gast.If) else None
        self.plan.tail = last if last is not None and last.store else None
        return forward, backward
