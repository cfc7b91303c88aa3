"""The catalogue's calls (tests/catalogue) on arrays of other libraries: wherever the
user's own line runs on dask arrays (lazily, with no fallback to numpy) or on the strict
duck array of tests/duck.py (no conversion to the host), its gradient and its jvp run
there too and equal numpy's.  A call whose own line does not run there is skipped: that
library lacks the function.
"""

import warnings

import numpy as np
import pytest

import s2s
from duck import duck, is_duck, to_numpy
from test_catalogue import entries, program

da = pytest.importorskip("dask.array")
import dask  # noqa: E402


def as_dask(value):
    return da.from_array(value, chunks=value.shape) if isinstance(value, np.ndarray) else value


def as_duck(value):
    return duck(value) if isinstance(value, np.ndarray) else value


LIMITS = {  # (library, line): why its derivative does not run there although the line does
    ("dask", "np.median(x, axis=1)"): "the adjoint ranks the entries with np.argsort, which dask does not implement",
    ("dask", "np.quantile(x, 0.3, axis=0)"): "the adjoint ranks the entries with np.argsort, which dask does not implement",
    ("dask", "np.percentile(x, 75)"): "the adjoint ranks the entries with np.argsort, which dask does not implement",
    ("duck", "np.linalg.lstsq(a, b, rcond=None)[0]"): "the rule checks the rank at run time: a value on the host",
    ("duck", "np.linalg.lstsq(a, b)[1]"): "the rule checks the rank at run time: a value on the host",
    ("duck", "scipy.special.digamma(a)"): "its derivative, scipy.special.polygamma, converts to numpy arrays (not a ufunc)",
    ("duck", "scipy.special.psi(a)"): "its derivative, scipy.special.polygamma, converts to numpy arrays (not a ufunc)",
}

if np.iscomplexobj(np.linalg.eig(np.eye(2))[0]):  # numpy >= 2.5
    for line in ("np.linalg.eig(a)[0]", "np.linalg.eig(a)[1][0]", "np.linalg.eigvals(a)"):
        LIMITS["duck", line] = "numpy >= 2.5 gives complex eigenvalues: the check that they are real reads them on the host"

LIBRARIES = {
    "dask": (as_dask, lambda v: isinstance(v, da.Array), lambda v: v.compute()),
    "duck": (as_duck, is_duck, to_numpy),
}


def runs_there(line_only, args, wrap, belongs, back):
    """Whether the user's own line runs on the library's arrays, giving one of them, and the
    value numpy gives (dask's np.linalg.cholesky gives the upper factor: another function)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dask's fallback to numpy warns
        try:
            value = line_only(*[wrap(a) for a in args])
            return belongs(value) and np.allclose(back(value), line_only(*args), rtol=1e-10, atol=1e-12)
        except Exception:
            return False


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("line, arguments", list(entries("CALLS")))
def test_derivatives_run_where_the_call_runs(tmp_path, line, arguments, library):
    pytest.importorskip("scipy")
    wrap, belongs, back = LIBRARIES[library]
    f = program(tmp_path, line, arguments)
    args = [np.copy(v) if isinstance(v, np.ndarray) else v for v in arguments.values()]
    if not runs_there(program(tmp_path, line, arguments, loss="y"), args, wrap, belongs, back):
        pytest.skip(f"{library} does not run `{line}` itself, or computes another value")
    if (library, line) in LIMITS:
        pytest.xfail(LIMITS[library, line])
    wrt = tuple(range(len(args)))
    tangents = [np.full_like(a, 0.5) + np.arange(np.size(a)).reshape(np.shape(a)) / 7.0 if isinstance(a, np.ndarray) else 0.3 for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grads = s2s.grad(f, wrt=wrt)(*[wrap(a) for a in args])
        value, tangent = s2s.jvp(f, wrt=wrt)(*[wrap(a) for a in args], *[wrap(t) for t in tangents])
    expected = s2s.grad(f, wrt=wrt)(*args)
    for got, want in zip(grads, expected):
        if isinstance(want, np.ndarray):
            assert belongs(got), f"a gradient came back as {type(got).__name__}"
        if belongs(got):  # a float argument's gradient may be a 0-d array of the library
            got = back(got)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    _, want = s2s.jvp(f, wrt=wrt)(*args, *tangents)
    assert belongs(tangent), f"the tangent came back as {type(tangent).__name__}"
    np.testing.assert_allclose(back(tangent), want, rtol=1e-10, atol=1e-12)
