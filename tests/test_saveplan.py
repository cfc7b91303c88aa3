"""The passes that rewrite saved values (s2s.layout, s2s.remat), each on its own
before/after example, through a saved-values plan (s2s.saveplan) built here by hand
for the "before" code, as reverse mode would record it."""

import ast
import inspect
import textwrap

import gast
import pytest

from s2s.errors import S2SError
from s2s.layout import flatten_branches, one_tuple_returns
from s2s.remat import rematerialize
from s2s.reverse import Callee, CallSite
from s2s.saveplan import BranchSave, Exit, PlanError, SavePlan


def functions(source):
    return {f.name: f for f in gast.parse(textwrap.dedent(source)).body}


def text(*fdefs):
    return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(gast.Module(body=list(fdefs), type_ignores=[]))))


def same(fdefs, source):
    expected = gast.parse(textwrap.dedent(source)).body
    assert text(*fdefs) == text(*expected)


def plan_of(forward, backward):
    """The plan reverse mode records for a pair that ends ``return (value, (saved...))``
    and starts ``names... = saved``."""
    unpack = backward.body[0] if isinstance(backward.body[0], gast.Assign) else None
    return SavePlan(forward, backward, [Exit(forward.body[-1], unpack)])


REMAT_BEFORE = """
def f_forward(u):
    t = u * u - 1.0
    r = np.sin(u)
    return (r, (u, t))

def f_backward(saved, dr):
    u, t = saved
    du = dr * np.cos(u) + t
    return du
"""

REMAT_AFTER = """
def f_forward(u):
    r = np.sin(u)
    return (r, (u,))

def f_backward(saved, dr):
    (u,) = saved
    t = u * u - 1.0
    du = dr * np.cos(u) + t
    return du
"""


def test_rematerialize_moves_a_cheap_saved_value_into_the_backward_sweep():
    fs = functions(REMAT_BEFORE)
    plan = plan_of(fs["f_forward"], fs["f_backward"])
    assert rematerialize(plan)
    same([plan.forward, plan.backward], REMAT_AFTER)
    plan.check()


def test_rematerialize_keeps_a_value_the_forward_sweep_reads():
    fs = functions(REMAT_BEFORE.replace("r = np.sin(u)", "r = np.sin(t)"))
    plan = plan_of(fs["f_forward"], fs["f_backward"])
    assert not rematerialize(plan)


def test_rematerialize_fails_loudly_where_the_unpacking_is_not_where_the_plan_says():
    fs = functions(REMAT_BEFORE)
    plan = plan_of(fs["f_forward"], fs["f_backward"])
    backward = plan.backward
    backward.body.insert(0, backward.body.pop(1))  # the plan's unpacking is no longer first
    with pytest.raises(PlanError, match="does not start with the unpacking"):
        rematerialize(plan)


def test_a_plan_whose_tuple_and_unpacking_differ_in_length_fails_its_check():
    fs = functions(REMAT_BEFORE.replace("return (r, (u, t))", "return (r, (u, t, r))"))
    plan = plan_of(fs["f_forward"], fs["f_backward"])
    with pytest.raises(PlanError, match="saves 3 values where f_backward unpacks 2"):
        rematerialize(plan)


BRANCH_BEFORE = """
def f_forward(x, c):
    cond = c > 0
    if cond:
        y = np.sin(x)
        branch = (x,)
    else:
        y = x * 2.0
        branch = ()
    return (y, (cond, branch))

def f_backward(saved, dy):
    cond, branch = saved
    if cond:
        (x,) = branch
        dx = dy * np.cos(x)
    else:
        dx = dy * 2.0
    return dx
"""

BRANCH_AFTER = """
def f_forward(x, c):
    cond = c > 0
    if cond:
        y = np.sin(x)
        return (y, (cond, x))
    else:
        y = x * 2.0
        return (y, (cond,))

def f_backward(saved, dy):
    cond = saved[0]
    if cond:
        _, x = saved
        dx = dy * np.cos(x)
    else:
        dx = dy * 2.0
    return dx
"""


def branch_plan(source=BRANCH_BEFORE):
    fs = functions(source)
    forward, backward = fs["f_forward"], fs["f_backward"]
    plan = plan_of(forward, backward)
    fif, bif = forward.body[-2], backward.body[1]
    plan.tail = branch = BranchSave("branch", ([("x", False)], []))
    branch.forward, branch.backward, branch.test = fif, bif, fif.test
    branch.packs = [fif.body[-1], fif.orelse[-1]]
    branch.unpacks = [bif.body[0], None]
    plan.branches.append(branch)
    return plan


def test_flatten_branches_gives_each_branch_one_tuple():
    plan = branch_plan()
    flatten_branches(plan)
    same([plan.forward, plan.backward], BRANCH_AFTER)
    assert len(plan.exits) == 2 and plan.tail is None and plan.dispatch.slice.value == 0


def test_flatten_branches_fails_loudly_where_a_branch_does_not_unpack_its_tuple_first():
    plan = branch_plan()
    then = plan.tail.backward.body
    then.insert(0, then.pop(1))
    with pytest.raises(PlanError, match="does not start by unpacking branch"):
        flatten_branches(plan)


def test_flatten_branches_leaves_a_plan_without_a_final_branch():
    fs = functions(REMAT_BEFORE)
    plan = plan_of(fs["f_forward"], fs["f_backward"])
    flatten_branches(plan)
    same([plan.forward, plan.backward], REMAT_BEFORE)


ENTRY = """
def grad_f(x, c):
    y, saved = f_forward(x, c)
    dy = 1.0
    return f_backward(saved, dy)
"""

ONE_TUPLE_AFTER = """
def grad_f(x, c):
    saved = f_forward(x, c)
    y = saved[0]
    dy = 1.0
    return f_backward(saved, dy)

def f_forward(x, c):
    cond = c > 0
    if cond:
        y = np.sin(x)
        return (y, cond, x)
    else:
        y = x * 2.0
        return (y, cond)

def f_backward(saved, dy):
    cond = saved[1]
    if cond:
        _, _, x = saved
        dx = dy * np.cos(x)
    else:
        dx = dy * 2.0
    return dx
"""


def test_one_tuple_returns_puts_the_value_first_in_the_saved_tuple():
    plan = branch_plan()
    flatten_branches(plan)
    entry = functions(ENTRY)["grad_f"]
    callee = Callee("f_forward", "f_backward", ("x",))
    callee.plan, callee.sites = plan, [CallSite(entry.body[0])]
    one_tuple_returns([entry, plan.forward, plan.backward], [callee])
    same([entry, plan.forward, plan.backward], ONE_TUPLE_AFTER)
    assert plan.layout == "flat"


def test_one_tuple_returns_fails_loudly_on_a_call_the_plan_does_not_know():
    plan = branch_plan()
    entry = functions(ENTRY)["grad_f"]
    callee = Callee("f_forward", "f_backward", ("x",))
    callee.plan = plan  # the entry's call is not among its sites
    with pytest.raises(PlanError, match="called 1 times, its plan knows 0"):
        one_tuple_returns([entry, plan.forward, plan.backward], [callee])


def plans_of(fn):
    from s2s.rules import USER
    from s2s.transform import Program

    program = Program(USER)
    program.request(program.parse(fn)[0].fn, (next(iter(inspect.signature(fn).parameters)),))
    program.generate()
    return [callee.plan for callee in program.callees.values()]


def program_functions():
    from programs import control, revolve

    for module in (control, revolve):
        for name, fn in sorted(vars(module).items()):
            if inspect.isfunction(fn) and fn.__module__ == module.__name__:
                yield pytest.param(fn, id=f"{module.__name__.rsplit('.', 1)[-1]}.{name}")


def inside(node, tree):
    return any(n is node for n in gast.walk(tree))


@pytest.mark.parametrize("fn", list(program_functions()))
def test_reverse_mode_records_a_plan_that_matches_its_code(fn):
    """Every statement the plan names is in the sweep it belongs to (s2s.saveplan)."""
    try:
        plans = plans_of(fn)
    except S2SError:
        pytest.skip("not differentiable (a test of an error)")
    for plan in plans:
        plan.check()
        for branch in plan.branches:
            assert all(p is None or inside(p, branch.forward) for p in branch.packs)
            assert all(u is None or inside(u, branch.backward) for u in branch.unpacks)
            assert (branch.store is None) == (branch.packs == [None, None])
        for loop in plan.loops:
            assert inside(loop.forward, plan.forward) and inside(loop.backward, plan.backward)
            assert loop.unpack is None or inside(loop.unpack, plan.backward)
            assert len(loop.columns) == (0 if loop.revolve else len(loop.entries))
        for call in plan.calls:
            assert call.callee.plan is not None
