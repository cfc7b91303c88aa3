"""Library functions are called as they are, never transformed.

On data (arguments that do not depend on the differentiated inputs) any library function
runs unchanged, whether or not it has a rule (np.triu_indices, scipy.linalg.cho_solve,
scipy.linalg.expm); on differentiated values, a library function with no rule is refused
at the user's line, naming it as the user spells it and the two ways out, never with an
error located in the library's own files.
"""

import numpy as np
import pytest

pytest.importorskip("scipy")

import s2s  # noqa: E402
from gradcheck import check_grad  # noqa: E402
from programs import library_calls as P  # noqa: E402

RNG = np.random.default_rng(7)


def test_triu_indices_on_a_size():
    positions = np.array([[0.0, 0.0, 0.0], [1.1, 0.1, 0.0], [0.2, 1.2, 0.1], [1.0, 1.1, 0.9]])
    check_grad(P.pairwise_energy, [positions])


def test_gammaln_on_data():
    counts = np.array([0.0, 3.0, 1.0, 7.0])
    check_grad(P.poisson_loglik, [RNG.normal(size=4), counts])


def test_cho_solve_on_data():
    sites = np.linspace(0.0, 1.0, 5)
    covariance = np.exp(-((sites[:, None] - sites[None, :]) ** 2) / 0.08) + 1e-3 * np.eye(5)
    check_grad(P.kriging_mean, [0.3, RNG.uniform(size=4), sites, RNG.normal(size=5), covariance])


def test_expm_on_data():
    generator = np.array([[-1.0, 0.5], [0.3, -0.8]])
    check_grad(P.propagated, [np.array([1.0, 2.0]), generator, 0.7])


@pytest.mark.parametrize("fn, args, spelled", [
    (P.spread, [np.ones(3)], "statistics.fmean"),
    (P.schur_trace, [np.eye(3)], "scipy.linalg.schur"),
])
def test_refused_at_the_users_line(fn, args, spelled):
    with pytest.raises(s2s.S2SError) as caught:
        s2s.grad(fn)(*args)
    first = str(caught.value).splitlines()[0]
    assert "library_calls.py:" in first and "site-packages" not in first
    assert f"no derivative rule for {spelled}" in first
    assert f"@s2s.adjoint({spelled})" in first and "s2s.stop_gradient" in first


def test_without_scipy_nothing_changes(tmp_path):
    """scipy is an optional extra: with it missing, numpy code (linalg and fft included) differentiates."""
    import os
    import subprocess
    import sys

    script = tmp_path / "no_scipy.py"
    script.write_text(
        "import sys\n"
        "sys.modules['scipy'] = None  # `import scipy` raises ImportError, as where it is not installed\n"
        "import numpy as np, s2s\n"
        "def f(a, x):\n"
        "    s = np.linalg.svd(a, compute_uv=False)\n"
        "    spectrum = np.abs(np.fft.rfft(x)) ** 2\n"
        "    return np.sum(s) + np.sum(spectrum) + np.linalg.slogdet(a @ a.T + np.eye(3))[1]\n"
        "a, x = np.arange(9.0).reshape(3, 3) + np.eye(3), np.linspace(0.0, 1.0, 8)\n"
        "ga, gx = s2s.grad(f, wrt=(0, 1))(a, x)\n"
        "assert ga.shape == a.shape and gx.shape == x.shape and gx.dtype == np.float64\n"
    )
    env = {**os.environ, "S2S_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


def test_a_call_on_data_runs_whatever_it_calls():
    """The user's own helper called on data runs as written, never transformed."""
    check_grad(P.integral_of_square, [np.array([0.3, -1.2, 0.8, 2.0])])


def test_the_same_helper_on_a_differentiated_value_is_refused_at_its_construct():
    with pytest.raises(s2s.S2SError, match="`try`") as caught:
        s2s.grad(P.tapered)(np.ones(3))
    assert "library_calls.py:" in str(caught.value).splitlines()[0]


def test_methods_of_values_without_a_derivative_run_as_written():
    params = {"W1": RNG.normal(size=(3, 2)), "b1": RNG.normal(size=2), "W2": RNG.normal(size=2)}
    grads = s2s.grad(P.l2_of_weights)(params, np.random.default_rng(3), 0.3)
    keep = np.random.default_rng(3)
    for name in ("W1", "W2"):
        mask = keep.random(params[name].shape) >= 0.3
        np.testing.assert_allclose(grads[name], 2 * params[name] * mask)
    np.testing.assert_array_equal(grads["b1"], np.zeros(2))


def test_a_method_s2s_cannot_see_on_a_differentiated_value_is_refused_at_its_line():
    with pytest.raises(s2s.S2SError, match=r"library_calls.py:\d+:\d+: s2s cannot see which function `x.frobnicate\(...\)` calls"):
        s2s.grad(P.frobnicated)(np.ones(3))
