"""numpy's rest: the ufunc methods (derivatives/numpy_ufuncs.py) and the statistics
(derivatives/numpy_statistics.py), checked in both modes and to second order.

Each case is a scalar loss, the function's result times a fixed random weight ``w``,
summed.  For each: ``s2s.grad`` against central finite differences (float64), ``s2s.jvp``
against central differences, ``s2s.vjp`` by the dot-product identity
``<J v, w> == <v, J^T w>``, and ``s2s.hvp`` against central differences of the gradient.
Then: the calls the rules do not cover are refused at the user's line, the rules run
on dask arrays, and realistic one-line programs differentiate.
"""

import importlib.util

import numpy as np
import pytest

import s2s
from gradcheck import check_grad, fresh
from rulecheck import EPS, Draws, check_gradient, check_hvp, check_jvp_and_vjp, each_case, first, rules_of, shaped_tangents

DRAW = Draws(1616)
RNG, U, W = DRAW.rng, DRAW.uniform, DRAW.normal


def distinct(*shape):
    """Entries far from each other: no ties, no kinks of max/min within a difference step."""
    return RNG.permutation(np.arange(np.prod(shape)) * 0.37 - 1.0).reshape(shape)


# -- one function per rule: the result times w, summed ----------------------------------

def add_reduce(x, w): return np.sum(np.add.reduce(x) * w)
def add_reduce_axis(x, w): return np.sum(np.add.reduce(x, axis=1, keepdims=True) * w)
def multiply_reduce(x, w): return np.sum(np.multiply.reduce(x, axis=1) * w)
def multiply_reduce_zero(x, w): return np.sum(np.multiply.reduce(x * np.array([1.0, 0.0, 1.0, 1.0])) * w)
def logaddexp_reduce(x, w): return np.sum(np.logaddexp.reduce(x, axis=-1) * w)
def logaddexp_reduce_all(x, w): return np.sum(np.logaddexp.reduce(x, axis=None) * w)
def logaddexp2_reduce(x, w): return np.sum(np.logaddexp2.reduce(x, 0) * w)
def maximum_reduce(x, w): return np.sum(np.maximum.reduce(x, axis=0) * w)
def add_reduce_axes(x, w): return np.sum(np.add.reduce(x, axis=(0, 2)) * w)
def logaddexp_reduce_axes(x, w): return np.sum(np.logaddexp.reduce(x, axis=(2, 0), keepdims=True) * w)
def minimum_reduce(x, w): return np.sum(np.minimum.reduce(x, axis=1) * w)
def subtract_reduce(x, w): return np.sum(np.subtract.reduce(x, axis=1) * w)
def hypot_reduce(x, w): return np.sum(np.hypot.reduce(x, axis=1) * w)
def add_accumulate(x, w): return np.sum(np.add.accumulate(x, axis=1) * w)
def multiply_accumulate(x, w): return np.sum(np.multiply.accumulate(x) * w)
def maximum_accumulate(x, w): return np.sum(np.maximum.accumulate(x, axis=1) * w)
def minimum_accumulate(x, w): return np.sum(np.minimum.accumulate(x) * w)
def logaddexp_accumulate(x, w): return np.sum(np.logaddexp.accumulate(x, axis=0) * w)
def divide_accumulate(x, w): return np.sum(np.divide.accumulate(x, axis=1) * w)
def add_reduceat(x, w): return np.sum(np.add.reduceat(x, [0, 2, 2, 1], axis=1) * w)
def add_reduceat_flat(x, w): return np.sum(np.add.reduceat(x, np.array([0, 3])) * w)
def add_outer(x, y, w): return np.sum(np.add.outer(x, y) * w)
def multiply_outer(x, y, w): return np.sum(np.multiply.outer(x, y) * w)
def subtract_outer(x, y, w): return np.sum(np.subtract.outer(x, y) * w)
def logaddexp_outer(x, y, w): return np.sum(np.logaddexp.outer(x, y) * w)
def cov(x, w): return np.sum(np.cov(x) * w)
def cov_y(x, y, w): return np.sum(np.cov(x, y) * w)
def cov_options(x, w): return np.sum(np.cov(x, rowvar=False, bias=True) * w)
def cov_ddof(x, w): return np.sum(np.cov(x, ddof=0) * w)
def cov_weighted(x, f, a, w): return np.sum(np.cov(x, fweights=f, aweights=a, ddof=2) * w)
def cov_scalar(x, w): return np.cov(x) * w
def corrcoef(x, w): return np.sum(np.corrcoef(x) * w)
def corrcoef_y(x, y, w): return np.sum(np.corrcoef(x, y, rowvar=False) * w)
def gradient(f, w): return np.sum(np.gradient(f) * w)
def gradient_spacing(f, w): return np.sum(np.gradient(f, 0.3, edge_order=2) * w)
def gradient_coordinates(f, t, w): return np.sum(np.gradient(f, t) * w)
def gradient_coordinates_2(f, t, w): return np.sum(np.gradient(f, t, edge_order=2) * w)
def gradient_axis(f, w): return np.sum(np.gradient(f, axis=1) * w)
def gradient_2d(f, w):
    gx, gy = np.gradient(f, 0.5, 2.0)
    return np.sum(gx * w) + np.sum(gy * gy)
def gradient_one_used(f, w): return np.sum(np.gradient(f)[1] * w)
def ediff1d(x, w): return np.sum(np.ediff1d(x) * w)
def ediff1d_ends(x, w): return np.sum(np.ediff1d(x, to_end=[1.0, 2.0], to_begin=0.5) * w)
def ptp(x, w): return np.sum(np.ptp(x) * w)
def ptp_axis(x, w): return np.sum(np.ptp(x, axis=0, keepdims=True) * w)
def unwrap(p, w): return np.sum(np.unwrap(p) * w)


def case(f, args, wrt=0, id=None):
    return pytest.param(f, args, wrt, id=id or f.__name__)


X34 = distinct(3, 4)
PHASE = np.cumsum(U(0.5, 2.5, 8))  # wraps past pi several times
CASES = [
    case(add_reduce, [W(3, 4), W(4)]),
    case(add_reduce_axis, [W(3, 4), W(3, 1)]),
    case(multiply_reduce, [U(0.5, 2, 3, 4), W(3)]),
    case(multiply_reduce_zero, [U(0.5, 2, 4), 0.8]),
    case(logaddexp_reduce, [W(3, 4), W(3)]),
    case(logaddexp_reduce_all, [W(3, 4), 0.6]),
    case(logaddexp2_reduce, [W(3, 4), W(4)]),
    case(maximum_reduce, [X34, W(4)]),
    case(add_reduce_axes, [W(2, 3, 4), W(3)]),
    case(logaddexp_reduce_axes, [W(2, 3, 4), W(1, 3, 1)]),
    case(minimum_reduce, [X34, W(3)]),
    case(subtract_reduce, [W(3, 4), W(3)]),
    case(hypot_reduce, [U(0.5, 2, 3, 4), W(3)]),
    case(add_accumulate, [W(3, 4), W(3, 4)]),
    case(multiply_accumulate, [U(0.5, 2, 5), W(5)]),
    case(maximum_accumulate, [X34, W(3, 4)]),
    case(minimum_accumulate, [distinct(6), W(6)]),
    case(logaddexp_accumulate, [W(3, 4), W(3, 4)]),
    case(divide_accumulate, [U(0.5, 2, 3, 4), W(3, 4)]),
    case(add_reduceat, [W(3, 5), W(3, 4)]),
    case(add_reduceat_flat, [W(6), W(2)]),
    case(add_outer, [W(3), W(2, 2), W(3, 2, 2)], (0, 1)),
    case(multiply_outer, [W(2, 3), W(4), W(2, 3, 4)], (0, 1)),
    case(subtract_outer, [W(3), W(4), W(3, 4)], (0, 1)),
    case(logaddexp_outer, [W(3), W(4), W(3, 4)], (0, 1)),
    case(cov, [W(3, 6), W(3, 3)]),
    case(cov_y, [W(6), W(6), W(2, 2)], (0, 1)),
    case(cov_y, [W(2, 6), W(6), W(3, 3)], (0, 1), id="cov_y-rows"),
    case(cov_options, [W(6, 3), W(3, 3)]),
    case(cov_ddof, [W(2, 5), W(2, 2)]),
    case(cov_weighted, [W(2, 6), np.array([1, 2, 1, 3, 1, 2]), U(0.5, 2, 6), W(2, 2)]),
    case(cov_scalar, [W(7), 0.9]),
    case(corrcoef, [W(3, 6), W(3, 3)]),
    case(corrcoef_y, [W(6, 2), W(6), W(3, 3)], (0, 1)),
    case(gradient, [W(6), W(6)]),
    case(gradient_spacing, [W(6), W(6)]),
    case(gradient_coordinates, [W(6), np.cumsum(U(0.2, 1.0, 6)), W(6)]),
    case(gradient_coordinates_2, [W(7), np.cumsum(U(0.2, 1.0, 7)), W(7)]),
    case(gradient_axis, [W(3, 5), W(3, 5)]),
    case(gradient_2d, [W(4, 5), W(4, 5)]),
    case(gradient_one_used, [W(4, 5), W(4, 5)]),
    case(ediff1d, [W(2, 3), W(5)]),
    case(ediff1d_ends, [W(4), W(6)]),
    case(ptp, [X34, 0.7]),
    case(ptp_axis, [X34, W(1, 4)]),
    case(unwrap, [PHASE, W(8)]),
]


# s2s.grad, s2s.jvp with s2s.vjp, s2s.hvp (in the first argument of wrt) on each case: tests/rulecheck.py
test_gradient_matches_finite_differences = each_case(check_gradient, CASES, rtol=1e-5, atol=1e-7)
test_jvp_matches_finite_differences_and_vjp = each_case(check_jvp_and_vjp, CASES, rng=7, tangents=shaped_tangents, rtol=1e-5, atol=1e-7)
test_hvp_matches_finite_differences_of_the_gradient = each_case(check_hvp, CASES, wrt=first, rng=11, rtol=1e-5, atol=1e-6)


# -- every binary ufunc's methods, and every rule has a case --------------------------------

def _ufuncs():
    from s2s.derivatives.numpy_ufuncs import ufuncs

    return sorted(ufuncs(), key=lambda u: u.__name__)


@pytest.mark.parametrize("method", ["reduce", "accumulate", "outer"])
@pytest.mark.parametrize("ufunc", _ufuncs(), ids=lambda u: u.__name__)
def test_every_binary_ufunc_method_differentiates(tmp_path, ufunc, method):
    """Positive entries of distinct sizes: inside every ufunc's domain, away from ties."""
    from s2s.derivatives.numpy_ufuncs import NOT_FOLDS

    if ufunc in NOT_FOLDS.get(method, ()):
        pytest.skip("numpy does not compute it as the fold: refused (test_calls_outside_the_rules_are_refused_at_the_line)")
    path = tmp_path / f"ufunc_{ufunc.__name__}_{method}.py"
    path.write_text(f"import numpy as np\n\n\ndef loss(x, z):\n    return np.sum(np.sin({_call(ufunc, method)}))\n")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loss = module.loss
    rng = np.random.default_rng(16)
    x, z = 0.8 + 0.08 * rng.permutation(8).reshape(2, 4), rng.uniform(0.5, 1.5, 3)
    check_grad(loss, [x, z], wrt=(0, 1) if method == "outer" else 0, rtol=1e-5, atol=1e-7)
    v = np.random.default_rng(3).normal(size=x.shape)
    value, tangent = s2s.jvp(loss, wrt=0)(x, z, v)
    np.testing.assert_allclose(tangent, (loss(x + EPS * v, z) - loss(x - EPS * v, z)) / (2 * EPS), rtol=1e-5, atol=1e-7)


def _call(ufunc, method):
    return f"np.{ufunc.__name__}.outer(x[0], z)" if method == "outer" else f"np.{ufunc.__name__}.{method}(x, axis=1)"


def test_every_rule_has_a_case():
    ruled = rules_of("s2s.derivatives.numpy_ufuncs", "s2s.derivatives.numpy_statistics", loading=np.sin)
    called = {getattr(np, name) for p in CASES for name in p.values[0].__code__.co_names if hasattr(np, name)}
    methods = {getattr(u, m) for u in _ufuncs() for m in ("reduce", "accumulate", "outer")} | {np.add.reduceat}
    assert not {np.power.reduce, np.arctan2.reduce} & ruled.keys()
    runtime_helpers = {key for key in ruled if getattr(key, "__module__", None) == "s2s.runtime"}  # test_rules_hvp.py
    assert not sorted(map(str, ruled.keys() - called - methods - runtime_helpers))
    assert all(rule.tangent is not None for rule in ruled.values())


# -- exact where a difference quotient cannot look ----------------------------------------

def running_max(x): return np.sum(np.maximum.accumulate(x) * np.arange(1.0, 6.0))
def product_with_zeros(x): return np.multiply.reduce(x)


def test_running_max_routes_to_the_argmax_so_far():
    x = np.array([1.0, 3.0, 2.0, 5.0, 4.0])  # running max 1, 3, 3, 5, 5
    np.testing.assert_array_equal(s2s.grad(running_max)(x), [1.0, 5.0, 0.0, 9.0, 0.0])


def test_running_max_splits_a_tie_evenly_at_each_step():
    x = np.array([3.0, 3.0, 1.0, 0.0, 0.0])  # running max 3 all along: y[0] is x[0], the later ones split between the tied x[0] and x[1]
    np.testing.assert_array_equal(s2s.grad(running_max)(x), [8.0, 7.0, 0.0, 0.0, 0.0])


def test_product_is_exact_with_zeros():
    np.testing.assert_array_equal(s2s.grad(product_with_zeros)(np.array([2.0, 0.0, 3.0])), [0.0, 6.0, 0.0])
    np.testing.assert_array_equal(s2s.grad(product_with_zeros)(np.array([0.0, 0.0, 3.0])), [0.0, 0.0, 0.0])


# -- refused at the user's line -------------------------------------------------------------

def gcd_reduce(x): return np.sum(np.gcd.reduce(x))
def power_reduce(x): return np.sum(np.power.reduce(x))
def reduce_where(x): return np.sum(np.add.reduce(x, where=x > 0))
def reduce_initial(x): return np.sum(np.maximum.reduce(x, initial=0.0))
def cov_active_weights(x, a): return np.sum(np.cov(x, aweights=a))
def gradient_active_spacing(f, t): return np.sum(np.gradient(f, t))
def ediff1d_active_end(x, e): return np.sum(np.ediff1d(x, to_end=e))
def unwrap_active_period(p, t): return np.sum(np.unwrap(p, period=t))
def histogram_of(x): return np.sum(np.histogram(x, bins=3)[0] * 1.0)


@pytest.mark.parametrize("f, wrt, message", [
    (gcd_reduce, 0, "no derivative rule for np.gcd.reduce; register one with @s2s.adjoint(np.gcd.reduce)"),
    (power_reduce, 0, "no derivative rule for np.power.reduce"),
    (reduce_where, 0, "np.add.reduce covers `where` only at its default"),
    (reduce_initial, 0, "np.maximum.reduce covers `initial` only at its default"),
    (cov_active_weights, (0, 1), "no derivative rule for np.cov with respect to its argument `aweights`"),
    (gradient_active_spacing, (0, 1), "no derivative rule for np.gradient with respect to its argument `varargs`"),
    (ediff1d_active_end, (0, 1), "np.ediff1d with respect to its argument `to_end`"),
    (unwrap_active_period, (0, 1), "np.unwrap with respect to its argument `period`"),
    (histogram_of, 0, "no derivative rule for numpy.histogram"),
])
def test_calls_outside_the_rules_are_refused_at_the_line(f, wrt, message):
    with pytest.raises(s2s.S2SError) as caught:
        s2s.grad(f, wrt=wrt)
    assert message in str(caught.value)
    assert caught.value.filename == __file__ and caught.value.lineno == f.__code__.co_firstlineno


# -- dask ------------------------------------------------------------------------------------

def dask_statistics(x): return np.sum(np.cov(x) ** 2) + np.sum(np.corrcoef(x) ** 2) + np.sum(np.gradient(x, 0.5, axis=1) ** 2) + np.sum(np.ptp(x, axis=0))
def dask_outer(x): return np.sum(np.sin(np.multiply.outer(x[0], x[1])))


@pytest.mark.filterwarnings("error:The `.*` function is not implemented by Dask array:FutureWarning")
@pytest.mark.parametrize("f", [dask_statistics, dask_outer])
def test_the_rules_run_lazily_on_dask(f):
    """(dask has no ufunc ``reduce`` or ``accumulate``: programs that call them do not run on dask.)"""
    da = pytest.importorskip("dask.array")
    x = W(4, 6)
    expected = s2s.grad(f)(x)
    got = s2s.grad(f)(da.from_array(x, chunks=(2, 6)))
    assert isinstance(got, da.Array)
    np.testing.assert_allclose(got.compute(), expected, rtol=1e-10)
    value, tangent = s2s.jvp(f)(da.from_array(x, chunks=(2, 6)), da.from_array(np.ones_like(x), chunks=(2, 6)))
    np.testing.assert_allclose(np.asarray(tangent), s2s.jvp(f)(x, np.ones_like(x))[1], rtol=1e-10)


# -- realistic programs ------------------------------------------------------------------

def hmm_log_likelihood(log_alpha, log_transition):
    """The forward algorithm's last step, in log space."""
    return np.logaddexp.reduce(log_alpha[:, None] + log_transition, axis=0).sum()


def drawdown(returns):
    """The largest fall from a running peak of cumulative returns."""
    wealth = np.cumsum(returns)
    return np.max(np.maximum.accumulate(wealth) - wealth)


def mahalanobis_spread(samples):
    """The log-determinant of the sample covariance (observations by rows)."""
    return np.linalg.slogdet(np.cov(samples, rowvar=False))[1]


def correlation_penalty(features):
    return np.sum(np.triu(np.corrcoef(features), 1) ** 2)


def smoothness(u, h):
    return 0.5 * np.sum(np.gradient(u, h, edge_order=2) ** 2) * h


def pairwise_energy(x):
    d = np.subtract.outer(x, x)
    return np.sum(np.exp(-d * d))


@pytest.mark.parametrize("f, args", [
    (hmm_log_likelihood, [W(4), W(4, 4)]),
    (drawdown, [W(8)]),
    (mahalanobis_spread, [W(10, 3)]),
    (correlation_penalty, [W(3, 8)]),
    (smoothness, [W(9), 0.25]),
    (pairwise_energy, [W(5)]),
])
def test_realistic_programs(f, args):
    check_grad(f, fresh(args), wrt=0, rtol=1e-5, atol=1e-7)
