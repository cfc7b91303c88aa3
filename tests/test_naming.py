"""Names in generated code: the adjoint of ``x`` is ``x_bar``, its tangent ``x_dot``
(s2s/naming.py), and no derivative ever takes a name the user's code already has."""

import re

import gast
import numpy as np
import pytest

import s2s
from gradcheck import assert_close, check_grad, numeric_grad
from sweeps import sweep_trees
from s2s.naming import Namer

rng = np.random.default_rng(15)


def pendulum_step(theta, dtheta, dt, x_bar):
    """One explicit step of pendulums hanging around a mean position ``x_bar``, with
    every name a physicist (or a statistician) uses for something else than a derivative."""
    theta_dot = dtheta / dt
    dx = np.sin(theta) * dt
    x = x_bar + dx
    theta_dot = theta_dot - np.cos(x) * dt
    theta = theta + theta_dot * dt
    return np.sum(theta * theta) + np.sum((x - x_bar) ** 2)


USER_NAMES = {"theta", "dtheta", "dt", "x_bar", "theta_dot", "dx", "x"}
ARGS = (rng.normal(size=3), rng.normal(size=3), 0.1, 0.3)
WRT = ("theta", "dtheta", "dt", "x_bar")


def functions(source):
    return {f.name: f for f in gast.parse(source).body if isinstance(f, gast.FunctionDef)}


def stored(fdef):
    """Names ``fdef`` assigns, other than by unpacking what the forward sweep saved or, in one
    function, by naming a value's shape for the backward sweep (``x_shape = shape_of(x)``)."""
    out = set()
    for node in gast.walk(fdef):
        if isinstance(node, (gast.Assign, gast.AugAssign)):
            value = getattr(node, "value", None)
            if isinstance(value, gast.Name) and value.id == "saved":
                continue
            if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id == "shape_of":
                continue
            for target in node.targets if isinstance(node, gast.Assign) else [node.target]:
                out |= {n.id for n in gast.walk(target) if isinstance(n, gast.Name)}
    return out


def primal_names(fdef):
    return {n.id for n in gast.walk(fdef) if isinstance(n, gast.Name)}


@pytest.mark.parametrize("optimize", [False, True])
def test_physics_names_keep_their_meaning_in_reverse_mode(optimize):
    check_grad(pendulum_step, ARGS, wrt=WRT, optimize=optimize)
    source = s2s.grad(pendulum_step, wrt=WRT, optimize=optimize).source
    fns = functions(source)
    forward, backward = sweep_trees(source, pendulum_step)  # two functions, or the two halves of grad_pendulum_step
    adjoints = {n for s in backward for n in stored(s)}
    # no adjoint takes a name of the computation it differentiates
    primal = {n for s in forward for n in primal_names(s)}
    assert not adjoints & primal, adjoints & primal
    # every adjoint reads as one: a suffix, never a prefix
    assert all(re.search(r"_(bar|adj)(_\w+)?$", n) for n in adjoints), adjoints
    assert not any(n.startswith("d_") or n in {"ddx", "ddt", "ddtheta"} for n in adjoints)
    # the gradients: of theta, of the user's dtheta, dt and x_bar (a mean, whose adjoint is x_bar_bar)
    ret = backward[-1].value
    assert [e.id for e in ret.elts] == ["theta_bar", "dtheta_bar", "dt_bar", "x_bar_bar"]
    # the user's x_bar keeps its name, so the adjoint of x is x_adj
    assert "x_adj" in adjoints
    assert [a.id for a in fns["grad_pendulum_step"].args.args] == ["theta", "dtheta", "dt", "x_bar"]


def test_physics_names_keep_their_meaning_in_forward_mode():
    jvp = s2s.jvp(pendulum_step, wrt=WRT)
    tangents = [rng.normal(size=3), rng.normal(size=3), 0.7, -0.2]
    value, tangent = jvp(*ARGS, *tangents)
    assert value == pytest.approx(pendulum_step(*ARGS))
    expected = sum(np.sum(numeric_grad(pendulum_step, ARGS, i) * t) for i, t in enumerate(tangents))
    assert tangent == pytest.approx(expected, rel=1e-6)
    fns = functions(jvp.source)
    jvp_fn = fns["pendulum_step_jvp"]
    # the user's theta_dot keeps its name, so the tangent of theta is theta_tan
    params = [a.id for a in jvp_fn.args.args]
    assert params == ["theta_tan", "dtheta_dot", "dt_dot", "x_bar_dot", "theta", "dtheta", "dt", "x_bar"]
    assert [a.id for a in fns["jvp_pendulum_step"].args.args] == list(WRT) + params[:4]
    assert "dx_dot" in primal_names(jvp_fn) and "theta_dot" in primal_names(jvp_fn)
    assert jvp_fn.body[-1].value.elts[1].id == "pendulum_step_dot"


def test_physics_names_survive_a_second_derivative():
    """hvp differentiates generated code, where ``x_bar`` and ``theta_bar`` are names already."""
    v = rng.normal(size=3)
    got = s2s.hvp(pendulum_step)(*ARGS, v)
    grad = s2s.grad(pendulum_step)
    eps = 1e-6
    args_up, args_down = list(ARGS), list(ARGS)
    args_up[0], args_down[0] = ARGS[0] + eps * v, ARGS[0] - eps * v
    assert_close(got, (grad(*args_up) - grad(*args_down)) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_namer_spells_derivatives_as_suffixes():
    namer = Namer({"x", "h_2", "sum_", "dx"})
    assert namer.adjoint("x") == "x_bar" and namer.adjoint("x") == "x_bar"
    assert namer.tangent("x") == "x_dot"
    assert namer.adjoint("dx") == "dx_bar"
    assert namer.adjoint("h_2") == "h_2_bar" and namer.tangent("h_2") == "h_2_dot"
    assert namer.adjoint("sum_") == "sum_bar"


def test_namer_never_shares_a_name_with_the_user():
    namer = Namer({"x", "x_bar", "x_dot", "y", "y_bar", "y_adj"})
    assert namer.adjoint("x") == "x_adj"
    assert namer.tangent("x") == "x_tan"
    assert namer.adjoint("x_bar") == "x_bar_bar"
    assert namer.adjoint("y") == "y_adj_2"
    assert len({namer.adjoint(n) for n in ("x", "x_bar", "y")} | {"x", "x_bar", "x_dot", "y", "y_bar", "y_adj"}) == 9
