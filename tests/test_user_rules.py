"""User-defined rules, scoped overrides of library rules, and insert_grad_of."""

import inspect

import numpy as np
import pytest

import s2s
from gradcheck import assert_close, numeric_grad
from sweeps import sweeps
from programs import bad_templates as B
from programs import user_rules as P


def test_fused_rule_is_inlined_instead_of_the_body():
    g = s2s.grad(P.softplus_model)
    assert "def softplus_forward" not in g.source  # the body is not differentiated
    assert "np.exp(-x_at_w)" in g.source  # the template is inlined
    rng = np.random.default_rng(0)
    w, x = rng.normal(size=3), rng.normal(size=(4, 3))
    assert_close(g(w, x), numeric_grad(P.softplus_model, [w, x], 0))
    value, tangent = s2s.jvp(P.softplus_model)(w, x, np.ones(3))
    assert tangent == pytest.approx(np.sum(g(w, x)))


def test_straight_through_floor_trains_and_plain_floor_does_not():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 3))
    target = x @ np.array([0.5, -1.25, 2.0])
    w0 = rng.normal(size=3) * 0.1
    plain = s2s.grad(P.quantized_loss)
    assert np.all(plain(w0, x, target) == 0.0)  # floor has zero derivative
    ste = s2s.grad(P.quantized_loss, rules=P.straight_through)
    w = w0.copy()
    losses = [P.quantized_loss(w, x, target)]
    for _ in range(200):
        w = w - 0.05 * ste(w, x, target)
        losses.append(P.quantized_loss(w, x, target))
    assert losses[-1] < 0.05 * losses[0]
    # the override is scoped: the default rules still give zero
    assert np.all(s2s.grad(P.quantized_loss)(w0, x, target) == 0.0)


def test_overriding_a_library_rule_needs_a_rule_set():
    with pytest.raises(ValueError, match="RuleSet"):
        @s2s.adjoint(np.floor)
        def floor_again(y, x):
            dx = dy


def test_insert_grad_of_clips_each_step_of_an_rnn():
    rng = np.random.default_rng(2)
    W, h, xs = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=(6, 3))
    dW, dh = s2s.grad(P.rnn_clipped, wrt=(0, 1))(W, h, xs)
    hs = [h]
    for t in range(len(xs)):
        hs.append(np.tanh(W @ hs[-1] + xs[t]))
    expected_dh, expected_dW = 2 * hs[-1], np.zeros_like(W)
    for t in reversed(range(len(xs))):
        expected_dh = np.clip(expected_dh, -0.1, 0.1)
        dz = expected_dh * (1 - hs[t + 1] ** 2)
        expected_dW += np.outer(dz, hs[t])
        expected_dh = W.T @ dz
    assert_close(dW, expected_dW, rtol=1e-12)
    assert_close(dh, expected_dh, rtol=1e-12)
    # the forward pass is unchanged
    value, _ = s2s.value_and_grad(P.rnn_clipped)(W, h, xs)
    assert value == P.rnn_plain(W, h, xs)


def test_insert_grad_of_sees_the_complete_adjoint():
    P.logged.clear()
    x = np.array([0.1, 0.2])
    g = s2s.grad(P.hook_logging)(x)
    assert P.logged == [pytest.approx(float(np.sum(2 * np.sin(x))))]
    assert_close(g, 2 * np.sin(x) * np.cos(x))


def test_straight_through_written_inline():
    x, w = np.array([0.3, -0.6]), np.array([2.0, 3.0])
    value, g = s2s.value_and_grad(P.straight_through_inline)(x, w)
    assert value == pytest.approx(np.sum(np.round(x * 4) / 4 * w))
    assert_close(g, w)


@pytest.mark.parametrize("template, words", [
    (B.wrong_parameter, "`dz`"),
    (B.no_adjoint, "assigns none of"),
    (B.writes_input, "must not assign `dy`"),
])
def test_malformed_templates_are_refused_at_their_line(template, words):
    rules = s2s.RuleSet()
    with pytest.raises(s2s.S2SError) as info:
        s2s.adjoint(B.target, rules=rules)(template)
    err = info.value
    assert words in err.msg
    assert err.filename == inspect.getsourcefile(B)
    assert inspect.getsourcelines(template)[1] <= err.lineno <= inspect.getsourcelines(template)[1] + 2


def test_checkpoint_recomputes_instead_of_storing():
    source = s2s.grad(P.uses_checkpoint, wrt=(0, 1)).source
    forward, backward = sweeps(source, P.uses_checkpoint)
    assert "h = layer(x, W)" in forward and "_saved" not in forward  # only the inputs are kept
    assert "h_saved = layer_forward(x, W)" in backward  # recomputed in the backward sweep
    assert source.count(" = layer_forward(x, W)") == 1 and backward.index("checkpointed_layer_backward(") < backward.index(" h_saved = ")
    rng = np.random.default_rng(4)
    x, W = rng.normal(size=3), rng.normal(size=(3, 3))
    assert_close(s2s.grad(P.uses_checkpoint, wrt=(0, 1))(x, W)[1], numeric_grad(P.uses_checkpoint, [x, W], 1))


def scalar_hooked(x):
    y = x * x
    with s2s.insert_grad_of(y) as dy:
        dy = dy * 0.5  # halve the gradient through y
    return np.sin(y)


def scalar_floor(x):
    return np.floor(x * 4.0) * x


def test_hooks_and_user_rules_keep_reverse_mode_for_one_number():
    """The gradient of one Python number runs forward mode, except where a hook or a
    user rule acts on adjoints: those must see reverse mode (s2s.transform.NotForward)."""
    x = 0.7
    g = s2s.grad(scalar_hooked)
    assert g(x) == pytest.approx(0.5 * np.cos(x * x) * 2 * x, rel=1e-12)
    ste = s2s.grad(scalar_floor, rules=P.straight_through)
    assert ste(x) == pytest.approx(4.0 * x + np.floor(4.0 * x), rel=1e-12)  # floor's straight-through adjoint
    assert s2s.grad(scalar_floor)(x) == pytest.approx(np.floor(4.0 * x), rel=1e-12)  # forward mode, floor's own derivative
