"""s2s.jacobian and s2s.hessian: vector mode, one sweep for every direction.

Each Jacobian is checked against central differences and against the
column-by-column ``jvp`` (and row-by-row ``vjp``) results; Hessians against
differences of the gradient, ``hvp`` columns, and symmetry.
"""

import math

import numpy as np
import pytest

import s2s

from gradcheck import assert_close


def numeric_jacobian(f, args, index, eps=1e-6):
    """d f(*args) / d args[index] by central differences, shaped out.shape + arg.shape."""
    args = list(args)
    x = np.array(args[index], dtype=np.float64)
    columns = {}
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        args[index] = up if x.shape else float(up)
        high = np.asarray(f(*args), dtype=np.float64)
        args[index] = down if x.shape else float(down)
        low = np.asarray(f(*args), dtype=np.float64)
        columns[i] = (high - low) / (2 * eps)
    out_shape = next(iter(columns.values())).shape
    jac = np.zeros(out_shape + x.shape)
    for i, column in columns.items():
        jac[(Ellipsis,) + i] = column
    return jac


# -- the test programs -------------------------------------------------------------------------

def kinetics_residual(k, t, observed):
    """A -> B -> C with first-order rates k[0], k[1]: the concentration of B against data."""
    k1 = k[0]
    k2 = k[1]
    b = k1 / (k2 - k1) * (np.exp(-k1 * t) - np.exp(-k2 * t))
    return b - observed


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def logistic_nll(w, X, y, lam):
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * np.dot(w, w)


def lotka_volterra(y, theta, dt, steps):
    """Explicit Euler on the predator-prey equations; a loop of data-independent length."""
    alpha, beta, gamma, delta = theta[0], theta[1], theta[2], theta[3]
    for _ in range(steps):
        prey = y[0]
        predators = y[1]
        dprey = alpha * prey - beta * prey * predators
        dpredators = delta * prey * predators - gamma * predators
        y = np.array([prey + dt * dprey, predators + dt * dpredators])
    return y


def heat_rhs(u, kappa):
    """The right-hand side of a 1-D heat equation with fixed ends, filled entry by entry."""
    n = u.shape[0]
    du = np.zeros(n)
    for i in range(1, n - 1):
        du[i] = kappa * (u[i - 1] - 2.0 * u[i] + u[i + 1]) + 0.1 * np.sin(u[i])
    return du


def continued_fraction(x, depth):
    """x / (1 + x / (1 + ...)): recursion on a Python number."""
    if depth == 0:
        return x
    return x / (1.0 + continued_fraction(x, depth - 1))


def horner(coefficients, x):
    """A polynomial by recursion on its coefficients (indexing and slicing an array)."""
    if coefficients.shape[0] == 1:
        return coefficients[0] + 0.0 * x
    return coefficients[0] + x * horner(coefficients[1:], x)


def layer(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return params["scale"] * h


def broadcast_mix(a, s, m):
    """Operands of three ranks: a scalar, a vector and a matrix broadcast together."""
    return np.sum(m * a + s * np.cos(a), axis=0) + s * a[0]


def reductions(x):
    return np.concatenate([np.mean(x, axis=1), np.max(x, axis=0), np.cumsum(x.T, axis=1).ravel(), np.sum(x ** 2, keepdims=True)[0]])


def linear_solve(A, b):
    return np.linalg.solve(A, b)  # no vector rule: one direction at a time


RNG = np.random.default_rng(7)


def test_kinetics_residual_forward_reverse_and_auto_agree_with_differences_and_jvp():
    k, t, observed = np.array([0.7, 0.3]), np.linspace(0.0, 5.0, 9), RNG.normal(size=9)
    expected = numeric_jacobian(kinetics_residual, (k, t, observed), 0)
    for mode in ("forward", "reverse", "auto"):
        J = s2s.jacobian(kinetics_residual, mode=mode)(k, t, observed)
        assert J.shape == (9, 2)
        assert_close(J, expected, rtol=1e-6, atol=1e-8)
    jvp = s2s.jvp(kinetics_residual)
    columns = np.stack([jvp(k, t, observed, e)[1] for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(s2s.jacobian(kinetics_residual, mode="forward")(k, t, observed), columns, rtol=1e-13, atol=1e-15)
    vjp = s2s.vjp(kinetics_residual)
    rows = np.stack([vjp(k, t, observed, e) for e in np.eye(9)])
    np.testing.assert_allclose(s2s.jacobian(kinetics_residual, mode="reverse")(k, t, observed), rows, rtol=1e-13, atol=1e-15)


def test_generated_vector_code_names_its_direction_axis():
    J = s2s.jacobian(kinetics_residual, mode="forward")
    assert "directions: axis 0 of every *_dot" in J.source
    assert "def kinetics_residual_jvp(directions, k_dot, k, t, observed)" in J.source
    assert "for direction in" not in J.source  # every rule it needs has a vector form
    assert J.path.endswith(".py")
    assert J.primal is kinetics_residual


@pytest.mark.parametrize("f, args", [
    (rosenbrock, (RNG.normal(size=5),)),
    (logistic_nll, (RNG.normal(size=4), RNG.normal(size=(30, 4)), (RNG.random(30) > 0.5) * 1.0, 0.1)),
])
def test_hessians_agree_with_differences_of_the_gradient_and_with_hvp(f, args):
    H = s2s.hessian(f)(*args)
    n = args[0].shape[0]
    assert H.shape == (n, n)
    assert_close(H, numeric_jacobian(s2s.grad(f), args, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(H, H.T)  # symmetric by construction, bit for bit
    hvp = s2s.hvp(f)
    columns = np.stack([hvp(*args, e) for e in np.eye(n)], axis=-1)
    np.testing.assert_allclose(H, columns, rtol=1e-12, atol=1e-12)
    assert "directions: axis 0 of every *_dot" in s2s.hessian(f).source


def test_an_ode_integrated_in_a_loop_with_respect_to_parameters_and_state():
    y0, theta = np.array([1.0, 0.5]), np.array([1.1, 0.4, 0.4, 0.1])
    for wrt, index in (("theta", 1), ("y", 0)):
        J = s2s.jacobian(lotka_volterra, wrt=wrt, mode="forward")(y0, theta, 0.05, 30)
        assert_close(J, numeric_jacobian(lotka_volterra, (y0, theta, 0.05, 30), index), rtol=1e-6, atol=1e-8)


def test_item_assignment_in_a_loop_and_the_hessian_of_its_squared_norm():
    u = np.sin(np.linspace(0.0, 3.0, 8))
    J = s2s.jacobian(heat_rhs, mode="forward")(u, 0.3)
    assert_close(J, numeric_jacobian(heat_rhs, (u, 0.3), 0), rtol=1e-6, atol=1e-8)
    J_kappa = s2s.jacobian(heat_rhs, wrt="kappa")(u, 0.3)
    assert J_kappa.shape == (8,)
    assert_close(J_kappa, numeric_jacobian(heat_rhs, (u, 0.3), 1), rtol=1e-6, atol=1e-8)


def test_recursion_on_numbers_and_on_slices():
    J = s2s.jacobian(continued_fraction, mode="forward")(0.8, 6)
    assert np.shape(J) == ()
    assert_close(J, numeric_jacobian(continued_fraction, (0.8, 6), 0))
    c, x = np.array([1.0, -2.0, 0.5, 3.0]), np.linspace(-1.0, 1.0, 5)
    for mode in ("forward", "reverse"):
        J = s2s.jacobian(horner, wrt=(0, 1), mode=mode)(c, x)
        assert isinstance(J, tuple) and J[0].shape == (5, 4) and J[1].shape == (5, 5)
        assert_close(J[0], numeric_jacobian(horner, (c, x), 0))
        assert_close(J[1], numeric_jacobian(horner, (c, x), 1))


def test_a_dict_of_parameters_gives_a_dict_of_jacobians():
    params = {"W": RNG.normal(size=(3, 4)), "b": RNG.normal(size=3), "scale": 1.5}
    x = RNG.normal(size=4)
    for mode in ("forward", "reverse"):
        J = s2s.jacobian(layer, mode=mode)(params, x)
        assert set(J) == {"W", "b", "scale"}
        assert J["W"].shape == (3, 3, 4) and J["b"].shape == (3, 3) and np.shape(J["scale"]) == (3,)
        for key in ("W", "b"):
            def partial(value, key=key):
                return layer({**params, key: value}, x)
            assert_close(J[key], numeric_jacobian(partial, (params[key],), 0))
        assert_close(J["scale"], np.tanh(params["W"] @ x + params["b"]))


def test_broadcasting_between_ranks_and_reductions_with_axes():
    a, s, m = RNG.normal(size=3), 0.7, RNG.normal(size=(4, 3))
    for wrt, index in ((0, 0), (1, 1), (2, 2)):
        J = s2s.jacobian(broadcast_mix, wrt=wrt, mode="forward")(a, s, m)
        assert_close(J, numeric_jacobian(broadcast_mix, (a, s, m), index))
    x = RNG.normal(size=(3, 4))
    J = s2s.jacobian(reductions, mode="forward")(x)
    assert_close(J, numeric_jacobian(reductions, (x,), 0))


def test_a_rule_without_a_vector_form_runs_once_per_direction():
    A, b = RNG.normal(size=(3, 3)) + 3 * np.eye(3), RNG.normal(size=3)
    J = s2s.jacobian(linear_solve, wrt=(0, 1), mode="forward")
    assert "for direction in range(directions):" in J.source
    dA, db = J(A, b)
    assert_close(dA, numeric_jacobian(linear_solve, (A, b), 0))
    assert_close(db, np.linalg.inv(A))


def test_hessian_of_a_tuple_wrt_is_a_tuple_of_tuples():
    def energy(x, y):
        return np.sum(x ** 2) * y[0] + math.pi * np.sum(np.sin(x)) * np.sum(y ** 3)

    x, y = RNG.normal(size=3), RNG.normal(size=2)
    H = s2s.hessian(energy, wrt=(0, 1))(x, y)
    assert [[block.shape for block in row] for row in H] == [[(3, 3), (3, 2)], [(2, 3), (2, 2)]]
    np.testing.assert_array_equal(H[0][1], H[1][0].T)
    grad_y = s2s.grad(energy, wrt=1)
    assert_close(H[1][0], numeric_jacobian(grad_y, (x, y), 0), rtol=1e-5, atol=1e-6)


def test_auto_takes_rows_for_a_scalar_output_and_columns_for_a_square_map():
    x = RNG.normal(size=6)
    J = s2s.jacobian(rosenbrock)
    assert_close(J(x), s2s.grad(rosenbrock)(x))
    u = np.sin(np.linspace(0.0, 3.0, 6))
    assert_close(s2s.jacobian(heat_rhs)(u, 0.3), numeric_jacobian(heat_rhs, (u, 0.3), 0))


def test_refusals():
    with pytest.raises(ValueError, match="mode="):
        s2s.jacobian(rosenbrock, mode="sideways")
    with pytest.raises(TypeError, match="not a float"):
        s2s.jacobian(continued_fraction, wrt="depth")(0.5, 3)


def test_dask_arrays_flow_through_vector_mode():
    """Dask arguments give a dask Jacobian (lazy, computed on demand); the directions
    come from numpy seeds, so their axis is one chunk."""
    import warnings

    da = pytest.importorskip("dask.array")
    X = RNG.normal(size=(40, 3))
    w = RNG.normal(size=3)

    def residual(w, X):
        return np.tanh(X @ w) - 0.5

    def loss(w, X):
        return np.sum(np.tanh(X @ w) ** 2)

    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # dask's warning of a numpy function it lacks
        for mode in ("forward", "reverse"):
            J = s2s.jacobian(residual, mode=mode)(da.from_array(w, chunks=2), da.from_array(X, chunks=(10, 3)))
            assert isinstance(J, da.Array) and J.chunks[1] == (3,)
            assert_close(J.compute(), numeric_jacobian(residual, (w, X), 0))
        H = s2s.hessian(loss)(da.from_array(w, chunks=2), da.from_array(X, chunks=(10, 3)))
        assert isinstance(H, da.Array)
        np.testing.assert_allclose(H.compute(), s2s.hessian(loss)(w, X), rtol=1e-12, atol=1e-12)


# -- every rule of the library, lifted to vector mode ------------------------------------------

def _rule_cases(step=1):
    import test_rules

    return [pytest.param(p.values[0], list(p.values[1]) + [test_rules.weight(*p.values[:2])], p.values[2], id=p.id)
            for p in test_rules.CASES[::step]]


@pytest.mark.parametrize("f, args, wrt", _rule_cases())
def test_vector_mode_of_every_rule_gives_the_gradient(f, args, wrt):
    """The rule cases of tests/test_rules.py (each a scalar loss): the Jacobian, one
    vector-mode sweep with a direction per entry of the argument, is the gradient."""
    from gradcheck import fresh

    gradient = s2s.grad(f, wrt=wrt)(*fresh(args))
    J = s2s.jacobian(f, wrt=wrt, mode="forward")(*fresh(args))
    for expected, got in zip(gradient if isinstance(wrt, tuple) else (gradient,), J if isinstance(wrt, tuple) else (J,)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("f, args, wrt", _rule_cases(step=8))
def test_vector_mode_over_the_gradient_of_rules_gives_hvp_columns(f, args, wrt):
    """Every eighth rule case: the Hessian (vector mode over the generated gradient, whose
    runtime helpers are lifted too) against ``hvp`` with each basis vector."""
    from gradcheck import fresh

    wrt = wrt[0] if isinstance(wrt, tuple) else wrt
    x = args[wrt]
    if np.iscomplexobj(x):
        pytest.skip("a complex argument")
    hvp = s2s.hvp(f, wrt=wrt)
    basis = np.eye(int(np.size(x)))
    columns = [np.asarray(hvp(*fresh(args), e.reshape(np.shape(x)) if np.ndim(x) else 1.0)) for e in basis]
    expected = np.stack(columns, axis=-1).reshape(np.shape(x) + np.shape(x))
    H = s2s.hessian(f, wrt=wrt)(*fresh(args))
    np.testing.assert_allclose(np.real(np.asarray(H)), np.real(expected), rtol=1e-7, atol=1e-9)


def test_the_command_line_writes_and_checks_the_vector_mode_file(tmp_path):
    import os
    import subprocess
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    program = os.path.join(here, "test_jacobian.py")

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "s2s", *args], capture_output=True, text=True, cwd=os.getcwd())

    made = cli("grad", f"{program}::kinetics_residual", "--mode", "jacobian", "-o", str(tmp_path))
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    assert path == str(tmp_path / "test_jacobian_jacobian_kinetics_residual.py")
    with open(path) as f:
        text = f.read()
    assert text.split("\n", 2)[2] == s2s.jacobian(kinetics_residual, mode="forward").source.split("\n", 2)[2]
    assert "--mode jacobian" in text
    checked = cli("check", str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    refused = cli("grad", f"{program}::kinetics_residual", "--mode", "jacobian", "--transform", "vjp")
    assert refused.returncode == 2 and "--transform applies to reverse mode" in refused.stderr


def test_the_bench_workloads_agree_in_every_s2s_method():
    """bench/jacobians.py's workloads, small: both modes and both loops give one matrix."""
    import os
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench.jacobians import WORKLOADS, build

    for name, fn, make, _, _ in WORKLOADS:
        n, m = 6, 5 if name != "reaction_diffusion" else 6
        args = make(n, m)
        results = [np.asarray(build(method, fn, args, n, m, {})()) for method in ("s2s fwd", "s2s rev", "jvp loop", "vjp loop")]
        for got in results[1:]:
            np.testing.assert_allclose(got, results[0], rtol=1e-10, atol=1e-12, err_msg=name)
        assert_close(results[0], numeric_jacobian(fn, args, 0))


def softplus(x):
    return np.logaddexp(0.0, x)


def test_a_user_rule_runs_once_per_direction_and_a_container_output_gives_a_container():
    rules = s2s.RuleSet()

    @s2s.tangent(softplus, rules=rules)
    def softplus_tangent(y, x):
        dy = dx * np.exp(x - y)

    def split_layer(x, W):
        z = W @ x
        return {"activation": softplus(z), "energy": np.sum(z * z)}

    x, W = RNG.normal(size=3), RNG.normal(size=(4, 3))
    J = s2s.jacobian(split_layer, mode="forward", rules=rules)
    assert "for direction in range(directions):" in J.source  # nothing is known of a user rule's shapes
    got = J(x, W)
    assert set(got) == {"activation", "energy"}
    assert got["activation"].shape == (4, 3) and got["energy"].shape == (3,)
    assert_close(got["activation"], numeric_jacobian(lambda v: split_layer(v, W)["activation"], (x,), 0))
    assert_close(got["energy"], numeric_jacobian(lambda v: split_layer(v, W)["energy"], (x,), 0))
    reverse = s2s.jacobian(split_layer, mode="reverse")(x, W)
    assert_close(reverse["activation"], got["activation"])
    assert_close(reverse["energy"], got["energy"])


def test_zero_tangents_take_no_memory_and_products_skip_them():
    """The zero tangent of data the gradient saves (a design matrix) is a broadcast of one
    zero; the products of the gradient's code skip it rather than multiply by zeros."""
    from s2s.runtime import lift_to, matmul_dy_tangent, tangent_zeros
    from s2s.runtime.directions import _is_zero

    X, w = RNG.normal(size=(50, 4)), RNG.normal(size=4)
    zero = tangent_zeros(8, X)
    assert zero.shape == (8, 50, 4) and not zero.flags.writeable and zero.strides == (0, 0, 0)
    assert _is_zero(zero) and _is_zero(lift_to(tangent_zeros(8, 1.5), X))
    assert not _is_zero(lift_to(np.ones(1), X))  # one direction of a nonzero number: broadcast, not zero
    product = matmul_dy_tangent(RNG.normal(size=50), X, w, dx=zero)
    assert product.shape == (8, 4) and _is_zero(product)


def test_optimize_false_gives_the_same_matrices_bit_for_bit_and_decorators_work():
    u = np.sin(np.linspace(0.0, 3.0, 7))
    for mode in ("forward", "reverse"):
        optimized = s2s.jacobian(heat_rhs, mode=mode)(u, 0.3)
        plain = s2s.jacobian(heat_rhs, mode=mode, optimize=False)(u, 0.3)
        np.testing.assert_array_equal(plain, optimized)
    x = RNG.normal(size=4)
    np.testing.assert_array_equal(s2s.hessian(rosenbrock, optimize=False)(x), s2s.hessian(rosenbrock)(x))

    @s2s.jacobian(mode="forward")
    def polar(r_theta):
        return np.array([r_theta[0] * np.cos(r_theta[1]), r_theta[0] * np.sin(r_theta[1])])

    r, theta = 2.0, 0.3
    np.testing.assert_allclose(polar(np.array([r, theta])), [[np.cos(theta), -r * np.sin(theta)], [np.sin(theta), r * np.cos(theta)]], rtol=1e-14)

    class Model:
        def __init__(self, scale):
            self.scale = scale

        def energy(self, x):
            return self.scale * np.sum(x ** 4)

    model = Model(0.5)
    np.testing.assert_allclose(s2s.hessian(model.energy)(x), np.diag(6.0 * x ** 2), rtol=1e-13)


def decay_misfit(theta, t, observed):
    """A least-squares objective with the constructs whose gradients call the joining helpers:
    unpacking an array, np.array of a comprehension, np.concatenate, np.stack, np.max."""
    amplitude, rate, offset = theta
    model = np.array([amplitude * np.exp(-rate * ti) + offset for ti in t])
    residual = np.concatenate([model - observed, np.stack([amplitude - 1.0, rate])])
    return np.sum(residual * residual) + np.max(theta) ** 2


def test_the_hessian_lifts_the_helpers_of_generated_gradients_without_a_loop():
    t = np.linspace(0.0, 2.0, 6)
    args = (np.array([1.2, 0.8, 0.1]), t, np.exp(-t))
    H = s2s.hessian(decay_misfit)
    for helper in ("unpacked_adjoint_tangent", "unstack_tangent", "unconcatenate_tangent", "unstack_axis_tangent", "extremum_adjoint_tangent"):
        assert helper in H.source
    assert "for direction in" not in H.source
    assert_close(H(*args), numeric_jacobian(s2s.grad(decay_misfit), args, 0), rtol=1e-5, atol=1e-6)
