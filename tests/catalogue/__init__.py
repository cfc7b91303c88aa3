"""The catalogue of one-line library calls (tests/test_catalogue.py): one module per library.

Each module has ``CALLS``, a list of ``(line, arguments)``: ``line`` is an expression as a
user writes it, calling one library function on the ``arguments`` (name -> float64 value),
every one of which is differentiated.  The test wraps it as

    def f(<arguments>):
        y = <line>
        return np.sum(np.sin(y))

(``line`` must have a real result: take ``np.real`` or ``np.abs`` of a complex one, an
element of a tuple one), and checks ``s2s.grad`` and ``s2s.jvp`` against central finite
differences in float64.  ``REFUSED``, where a module has it, lists ``(line, arguments,
spelling)`` that s2s must refuse at the line, naming ``spelling`` and the two ways out.
"""

import numpy as np

RNG = np.random.default_rng(150)


def normal(*shape):
    return RNG.normal(size=shape)


def uniform(lo, hi, *shape):
    return RNG.uniform(lo, hi, size=shape)


def spd(n):
    """A well-conditioned symmetric positive definite matrix."""
    a = RNG.normal(size=(n, n))
    return a @ a.T / n + np.eye(n)


def distinct(n):
    """A symmetric matrix with well separated eigenvalues."""
    q, _ = np.linalg.qr(RNG.normal(size=(n, n)))
    return (q * np.arange(1.0, n + 1)) @ q.T
