"""Loop checkpointing: `for t in s2s.checkpoint(range(n), snapshots=s)`."""

import tracemalloc

import numpy as np
import pytest

import s2s
from programs import revolve as P
from s2s.runtime import revolve


@pytest.mark.parametrize("n, s", [(1, 1), (2, 1), (7, 2), (30, 3), (100, 4), (1000, 10), (13, 0)])
def test_revolve_yields_every_iteration_last_first(n, s):
    calls = []

    def step(state, t):
        calls.append(t)
        return state + 1, (t, state)

    out = list(revolve(step, 0, range(n), s))
    assert out == [(t, t) for t in reversed(range(n))]
    if s >= 3 and n >= 30:
        assert len(calls) <= 5 * n  # each iteration re-run a few times, not n times


def test_checkpointed_rnn_gradient_is_identical_and_uses_a_fifth_of_the_memory():
    rng = np.random.default_rng(0)
    W, h, xs = rng.normal(size=(64, 64)) / 8, rng.normal(size=64), rng.normal(size=(2000, 64))
    plain = s2s.grad(P.rnn_plain, wrt=(0, 1))
    checked = s2s.grad(P.rnn_checkpointed, wrt=(0, 1))

    def peak(g):
        g(W, h, xs)  # warm: load the module outside the measurement
        tracemalloc.start()
        out = g(W, h, xs)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return out, top

    a, peak_plain = peak(plain)
    b, peak_checked = peak(checked)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
    # the plain run keeps all 2000 hidden states, the checkpointed one at most 20 (and the
    # gradient's own arrays, W_bar and its temporaries, which both have)
    assert peak_checked <= peak_plain / 5, (peak_plain, peak_checked)


@pytest.mark.parametrize("n", [0, 1, 5, 17])
def test_checkpointed_loop_with_two_carried_values(n):
    x = np.array([0.3, -0.2, 0.5])
    np.testing.assert_allclose(
        s2s.grad(P.two_carried_checkpointed)(x, n), s2s.grad(P.two_carried_plain)(x, n), rtol=1e-12, atol=1e-14
    )


def test_checkpointed_loop_reads_as_revolve_in_the_generated_code():
    source = s2s.grad(P.rnn_checkpointed).source
    assert "def rnn_checkpointed_iteration(state, t):" in source
    assert "in revolve(rnn_checkpointed_iteration, t_start, steps, 20):" in source
    assert ".append(" not in source  # no per-iteration stack
