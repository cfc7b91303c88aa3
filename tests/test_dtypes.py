"""float32 in, float32 out: the seed has the output's dtype, and nothing on the way
(uniform adjoints, unreduce, the equal-shape variant) promotes to float64."""

import numpy as np
import pytest

import s2s

from programs import shape_facts as P

CASES = [
    (P.stencil, 2, 0),
    (P.total, 1, 0),
    (P.mean_of, 1, 0),
    (P.shifted, 1, 0),
    (P.pair, 2, ("x", "y")),
    (P.through_matmul, 2, (0, 1)),
]


@pytest.mark.parametrize("fn, nargs, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_float32_arguments_get_float32_gradients(fn, nargs, wrt):
    rng = np.random.default_rng(0)
    shapes = {"through_matmul": [(3, 4), (4,)]}.get(fn.__name__, [(5, 4)] * nargs)
    args = [rng.normal(size=s).astype(np.float32) for s in shapes]
    grads = s2s.grad(fn, wrt=wrt)(*args)
    for g in grads if isinstance(grads, tuple) else (grads,):
        assert g.dtype == np.float32, g.dtype
    expected = s2s.grad(fn, wrt=wrt)(*[a.astype(np.float64) for a in args])
    for g, e in zip(grads if isinstance(grads, tuple) else (grads,), expected if isinstance(expected, tuple) else (expected,)):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-4)
