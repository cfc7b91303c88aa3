"""The markers user code calls inside a differentiated function.

``insert_grad_of``, ``checkpoint`` and ``stop_gradient`` mean something to
the transforms (the normalizer recognizes them by identity) and behave as
plain Python when the function runs untransformed.  This module imports
nothing from s2s, so every pass may import the markers without an import
cycle; :mod:`s2s.api` re-exports them as the public names.
"""


class insert_grad_of:
    """``with s2s.insert_grad_of(x) as dx:`` inside a differentiated function.

    In the backward sweep the block runs where the ``with`` statement stands
    (mirrored), with ``dx`` bound to the adjoint of ``x`` accumulated from
    everything after it; reassigning ``dx`` replaces that adjoint (gradient
    clipping, logging, synthetic gradients).  The forward sweep skips the
    block.  Run as plain Python, outside any transform, the block sees
    ``dx = 0.0``.
    """

    def __init__(self, x):
        self.x = x

    def __enter__(self):
        return 0.0

    def __exit__(self, *exc):
        return False


def checkpoint(fn, *, snapshots=None):
    """Recompute instead of store: a user function's calls, or a long loop.

    ``for t in s2s.checkpoint(range(n), snapshots=8):`` keeps at most 8 loop
    states and re-runs iterations in the backward sweep on Revolve's binomial
    schedule (memory O(snapshots) instead of O(n)).  Run as plain Python it
    is the range itself.

    For functions: mark a user function whose calls are recomputed in the backward sweep.

    As a decorator (``@s2s.checkpoint``) or at a call (``s2s.checkpoint(g)(x)``)
    inside a differentiated function: the forward sweep calls ``g`` as it is
    and keeps only its arguments; the backward sweep runs ``g``'s forward sweep
    again, then its backward sweep.  Less memory, one more forward pass of ``g``.
    """
    if isinstance(fn, range):
        return fn
    fn.__s2s_checkpoint__ = True
    return fn


def stop_gradient(x):
    """The value of ``x``; inside a differentiated function its derivative is zero."""
    return x
