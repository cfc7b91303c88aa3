"""The runtime helpers that scatter or place adjoints, on duck arrays and dask arrays.

On numpy they write into zeros (``np.add.at``, a diagonal view); on other arrays
they must build the same result without either: a weighted ``np.bincount`` and
masks.  Each helper runs on numpy, on the strict duck array (tests/duck.py) and
on chunked dask arrays (if dask is installed), in call forms the rule programs
do not all reach: repeated and negative indices, boolean masks, offsets and axis
pairs in any order.
"""

import warnings

import numpy as np
import pytest

from duck import duck, host_leaks, to_numpy
from s2s import runtime as R

RNG = np.random.default_rng(0)
A = RNG.normal(size=(4, 5))
B = RNG.normal(size=(3, 4, 5))


def g(*shape):
    return RNG.normal(size=shape)


CASES = [
    ("unindex-fancy-repeated", lambda grad, a: R.unindex(grad, a, ([0, 2, 2], slice(1, 3))), g(3, 2), A),
    ("unindex-mask", lambda grad, a: R.unindex(grad, a, np.array([True, False, True, True])), g(3, 5), A),
    ("unindex-negative", lambda grad, a: R.unindex(grad, a, [-1, 0, -1]), g(3, 5), A),
    ("untake-flat", lambda grad, a: R.untake(grad, a, np.array([[0, 19], [19, 3]])), g(2, 2), A),
    ("untake-axis", lambda grad, a: R.untake(grad, a, [4, 0, 4], 1), g(4, 3), A),
    (
        "untake_along_axis",
        lambda grad, b: R.untake_along_axis(grad, b, np.argsort(B, axis=1)[:, :3], 1),
        g(3, 3, 5), B,
    ),
    # numpy writes into one new array per order; the duck and dask arrays take the general path
    ("undiff-1", lambda grad, a: R.undiff(grad, 1, -1), g(4, 4), A),
    ("undiff-2-axis0", lambda grad, a: R.undiff(grad, 2, 0), g(2, 5), A),
] + [
    (f"undiag-{k}", lambda grad, m, k=k: R.undiag(grad, m, k), g(*np.diag(A, k).shape), A) for k in (0, 2, -1)
] + [
    (
        f"{name}-{offset}-{axes[0]}{axes[1]}",
        lambda grad, b, helper=helper, offset=offset, axes=axes: helper(grad, b, offset, *axes),
        g(*np.diagonal(B, offset, *axes).shape[: None if name == "undiagonal" else -1]), B,
    )
    for name, helper in (("undiagonal", R.undiagonal), ("untrace", R.untrace))
    for offset in (0, 1, -2)
    for axes in ((0, 1), (2, 0), (-1, -2))
]


@pytest.mark.parametrize("helper, grad, like", [pytest.param(f, grad, like, id=i) for i, f, grad, like in CASES])
def test_helpers_on_duck_arrays(helper, grad, like):
    expected = helper(grad, like)
    got = helper(duck(grad), duck(like))
    assert host_leaks(got) == []
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-12)


@pytest.mark.parametrize("helper, grad, like", [pytest.param(f, grad, like, id=i) for i, f, grad, like in CASES])
def test_helpers_on_dask_arrays(helper, grad, like):
    da = pytest.importorskip("dask.array")
    import dask

    expected = helper(grad, like)
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.filterwarnings("error", "The `.*` function is not implemented by Dask array", FutureWarning)
        got = helper(da.from_array(grad, chunks=2), da.from_array(like, chunks=2))
        assert isinstance(got, da.Array)
        np.testing.assert_allclose(got.compute(), expected, rtol=1e-12)


def test_numpy_scatter_adds_in_place_with_add_at():
    """The numpy fast path: ``np.add.at`` into the zeros, repeated indices accumulating."""
    out = R.unindex(np.ones(2), np.zeros(3), [1, 1])
    np.testing.assert_array_equal(out, [0.0, 2.0, 0.0])
    assert type(out) is np.ndarray


def test_a_float_tangent_is_broadcast_on_the_arrays_library():
    x = duck(np.ones((2, 3)))
    out = R.rebroadcast(0.5, x)
    assert host_leaks(out) == [] and to_numpy(out).shape == (2, 3)
    assert type(R.rebroadcast(0.5, np.ones((2, 3)))) is np.ndarray


@pytest.mark.parametrize("shape, n, axis", [((5,), 1, -1), ((5,), 2, 0), ((3, 4), 1, 0), ((3, 4), 3, -1), ((3, 4, 2), 1, 1)])
def test_undiff_is_the_adjoint_of_diff(shape, n, axis):
    """<undiff(g), x> = <g, diff(x)>, in float64, float32 (kept) and complex."""
    x = RNG.normal(size=tuple(d + n if i == axis % len(shape) else d for i, d in enumerate(shape)))
    grad = RNG.normal(size=np.diff(x, n, axis).shape)
    np.testing.assert_allclose(np.sum(R.undiff(grad, n, axis) * x), np.sum(grad * np.diff(x, n, axis)), rtol=1e-12)
    assert R.undiff(grad.astype(np.float32), n, axis).dtype == np.float32
    np.testing.assert_allclose(R.undiff(grad * 1j, n, axis), 1j * R.undiff(grad, n, axis), rtol=1e-12)


def test_unconcatenate_of_lists_of_numbers_and_arrays():
    """``np.concatenate([[0.0], x, [0.0]])``: the pieces' lengths read from the lists without converting them."""
    grad, x = RNG.normal(size=6), RNG.normal(size=4)
    pieces = R.unconcatenate(grad, [[0.0], x, [0.0]], 0)
    np.testing.assert_array_equal(pieces[1], grad[1:5])
    np.testing.assert_array_equal(np.concatenate([np.ravel(p) for p in pieces]), grad)
    rows = R.unconcatenate(RNG.normal(size=(2, 5)), [[[1.0, 2.0], [3.0, 4.0]], RNG.normal(size=(2, 3))], -1)
    assert [np.shape(p) for p in rows] == [(2, 2), (2, 3)]
