"""np.split into equal parts in generated code: s2s.runtime.split_parts gives np.split's
views by slicing; gradients and second derivatives through it stay right."""

import numpy as np
import pytest

import s2s
from s2s.runtime import split_parts

from programs import shape_facts as P

rng = np.random.default_rng(11)


@pytest.mark.parametrize("shape, sections, axis", [((6, 8), 4, 1), ((6, 8), 2, -1), ((6, 8), 3, 0), ((2, 6, 4), 3, 1), ((5,), 1, 0)])
def test_split_parts_are_np_splits_views(shape, sections, axis):
    x = rng.normal(size=shape)
    got, want = split_parts(x, sections, axis=axis), np.split(x, sections, axis=axis)
    assert type(got) is list and len(got) == len(want)
    for a, b in zip(got, want):
        assert a.base is x and a.shape == b.shape and a.strides == b.strides and a.flags.writeable
        np.testing.assert_array_equal(a, b)


def test_split_parts_leaves_the_rest_to_np_split():
    x = rng.normal(size=(6, 7))
    with pytest.raises(ValueError):  # not an equal division: np.split's own error
        split_parts(x, 4, axis=1)
    with pytest.raises(IndexError):  # an axis x has not: np.split's own error
        split_parts(x, 2, axis=2)
    for a, b in zip(split_parts(x, [2, 5], axis=1), np.split(x, [2, 5], axis=1)):  # split points
        np.testing.assert_array_equal(a, b)
    class Sub(np.ndarray):
        pass

    assert all(type(p) is Sub for p in split_parts(rng.normal(size=(4, 4)).view(Sub), 2))  # a subclass: np.split's


def test_generated_code_splits_by_slicing_and_second_order_goes_through_it():
    x, w = rng.normal(size=(3, 10)), rng.normal(size=(3, 5))
    g = s2s.grad(P.halves, wrt=0)
    assert "split_parts(x, 2, axis=-1)" in g.specialize(x, w).source
    v = rng.normal(size=x.shape)
    hv = s2s.hvp(P.halves, wrt=0)(x, w, v)
    eps = 1e-6
    numeric = (g(x + eps * v, w) - g(x - eps * v, w)) / (2 * eps)
    np.testing.assert_allclose(hv, numeric, rtol=1e-6, atol=1e-8)
