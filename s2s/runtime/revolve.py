"""Binomial checkpointing of a loop's iterations (Griewank and Walther's Revolve).

``revolve`` yields each iteration's saved values, last first, re-running
iterations from a bounded number of snapshots instead of keeping them all.
"""


def _binomial(s, r):
    """beta(s, r) = C(s + r, s): the most steps s snapshots and r repetitions reverse."""
    out = 1
    for i in range(1, s + 1):
        out = out * (r + i) // i
    return out


def revolve(step, state, steps, snapshots):
    """The saved values of each iteration of a loop, last iteration first.

    ``step(state, t)`` runs one iteration and returns ``(next_state, saved)``.
    Only ``state`` (the loop's starting state) was kept by the forward sweep;
    iterations are re-run from at most ``snapshots`` stored states, split by
    the binomial rule of Griewank and Walther's Revolve, so memory is
    O(snapshots) states and each iteration is re-run O(log) times.
    """
    if not isinstance(steps, range):
        steps = list(steps)

    def reverse(state, lo, hi, s):
        n = hi - lo
        if n == 1:
            yield step(state, steps[lo])[1]
            return
        if s <= 0:  # no snapshot to spare: re-run from the start for each iteration
            for j in range(hi - 1, lo - 1, -1):
                current = state
                for i in range(lo, j):
                    current = step(current, steps[i])[0]
                yield step(current, steps[j])[1]
            return
        r = 0
        while _binomial(s, r) < n:
            r += 1
        right = max(1, min(n - 1, _binomial(s - 1, r)))
        middle = hi - right
        current = state
        for i in range(lo, middle):
            current = step(current, steps[i])[0]
        yield from reverse(current, middle, hi, s - 1)
        yield from reverse(state, lo, middle, s)

    if steps:
        yield from reverse(state, 0, len(steps), snapshots)
