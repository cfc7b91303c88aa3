"""Facts about the entries of container parameters (dicts, NamedTuples, dataclasses, tuples,
objects): a variant knows which entries hold numbers and which arrays of which dimensions,
so scalar code read out of a container loses its broadcasting bookkeeping; gradients stay
right (against central differences, entry by entry)."""

import copy
import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest

import s2s
from s2s.variants import Fields, key_of, parse_spec, spec_of, spell_key

from gradcheck import assert_close, check_grad
from programs import field_specs as P

HERE = os.path.dirname(os.path.abspath(__file__))


def numeric_entries(f, args, index, eps=1e-6):
    """Central differences of ``f`` in each number and array entry of the container ``args[index]``."""
    container = args[index]

    def at(key, value):
        changed = copy.copy(container)
        if isinstance(changed, dict):
            changed[key] = value
        elif isinstance(changed, tuple) and hasattr(changed, "_fields"):
            changed = changed._replace(**{key: value})
        elif isinstance(changed, (tuple, list)):
            changed = type(changed)(value if i == key else v for i, v in enumerate(changed))
        else:
            setattr(changed, key, value)
        return f(*args[:index], changed, *args[index + 1:])

    keys = (container.keys() if isinstance(container, dict) else container._fields if hasattr(container, "_fields")
            else range(len(container)) if isinstance(container, (tuple, list)) else vars(container).keys())
    out = {}
    for key in keys:
        value = container[key] if isinstance(container, (dict, list)) or (isinstance(container, tuple) and not hasattr(container, "_fields")) else getattr(container, key)
        if isinstance(value, float):
            out[key] = (at(key, value + eps) - at(key, value - eps)) / (2 * eps)
        else:
            grad = np.zeros_like(value)
            for i in np.ndindex(value.shape):
                up, down = value.copy(), value.copy()
                up[i] += eps
                down[i] -= eps
                grad[i] = (at(key, up) - at(key, down)) / (2 * eps)
            out[key] = grad
    return out


def entry(grad, key):
    return grad[key] if isinstance(grad, (dict, list)) or (isinstance(grad, tuple) and not hasattr(grad, "_fields")) else getattr(grad, key)


def check(f, args, wrt=0):
    g = s2s.grad(f, wrt)
    got = g(*args)
    for key, expected in numeric_entries(f, args, wrt).items():
        assert_close(entry(got, key), expected)
    return g.specialize(*args).source


rng = np.random.default_rng(3)
ANOMALY = np.linspace(0, 2 * np.pi, 25)
CELL = P.Cell(capacity=2.5, resistance=0.05, ocv_coefficients=np.array([0.1, -0.3, 0.4, -0.2, 0.6, 3.3]))
CURRENT = 1.0 + 0.5 * np.sin(np.linspace(0, 6, 40))


def test_a_dict_of_floats_is_scalar_code():
    params = {"g": 9.81, "length": 1.2, "damping": 0.1}
    source = check(P.pendulum_energy, (params, 0.8, 0.0))
    assert "unbroadcast" not in source and "shape_of" not in source
    assert 'params {"g":float,"length":float,"damping":float}' in source


def test_a_namedtuple_of_floats():
    orbit = P.Orbit(semi_major=1.5, eccentricity=0.2, periapsis=0.4)
    observed = P.orbit_misfit(P.Orbit(1.4, 0.25, 0.5), ANOMALY, 0) ** 0.5 + 0.01 * rng.normal(size=25)
    source = check(P.orbit_misfit, (orbit, ANOMALY, observed))
    assert "orbit {.semi_major:float,.eccentricity:float,.periapsis:float}" in source
    assert "unbroadcast(" not in source  # the numbers broadcast against the anomalies: a sum, written out


def test_a_dataclass_with_numbers_and_an_array():
    measured = 3.6 - 0.3 * np.linspace(0, 1, 40)
    source = check(P.terminal_voltage_error, (CELL, CURRENT, measured))
    assert "cell {.capacity:float,.resistance:float,.ocv_coefficients:a}" in source
    assert "unbroadcast" not in source


def test_a_tuple_default_unpacked_into_numbers():
    rates = np.array([1.3, 0.4])
    check_grad(P.decay_chain, (rates,))
    source = s2s.grad(P.decay_chain).specialize(rates).source
    assert "initial [float,float,float]" in source and "unbroadcast" not in source and "shape_of" not in source


def test_an_objects_attributes():
    spring = P.Spring(stiffness=40.0, rest_length=0.5)
    positions = np.cumsum(0.5 + 0.1 * rng.normal(size=6))
    g = s2s.grad(spring.energy)
    stretch = np.diff(positions) - 0.5
    expected = 40.0 * (np.concatenate([[0.0], stretch]) - np.concatenate([stretch, [0.0]]))
    assert_close(g(positions), expected)
    assert "self {.stiffness:float,.rest_length:float}" in g.specialize(positions).source


def test_a_list_of_weight_pairs():
    layers = [(rng.normal(size=(6, 5)), rng.normal(size=5)), (rng.normal(size=(5, 2)), rng.normal(size=2))]
    x = rng.normal(size=(7, 6))
    g = s2s.grad(P.tuple_of_weights)
    got = g(layers, x)
    for i, (W, b) in enumerate(layers):
        for j, value in enumerate((W, b)):
            numeric = np.zeros_like(value)
            for k in np.ndindex(value.shape):
                for sign in (1, -1):
                    changed = [list(pair) for pair in layers]
                    changed[i][j] = value.copy()
                    changed[i][j][k] += sign * 1e-6
                    numeric[k] += sign * P.tuple_of_weights([tuple(p) for p in changed], x) / 2e-6
            assert_close(got[i][j], numeric)
    assert "layers [[axb,b],[bx2,2]]" in g.specialize(layers, x).source


def test_facts_follow_the_call_not_the_first_call():
    """One function called with a number, then an array, in one entry: two variants, both right."""
    x = rng.normal(size=4)
    g = s2s.grad(P.entry_becomes_array, 1)
    for scale in (0.7, np.linspace(0.5, 1.5, 4)):
        params = {"scale": scale, "offset": 0.3}
        got = g(params, x)
        assert_close(got, 2 * scale * x + 0.3)
    first, second = (g.specialize({"scale": s, "offset": 0.3}, x).source for s in (0.7, np.ones(4)))
    assert first != second


def test_container_specs_are_spelled_and_read_back():
    spec = spec_of({"p": {"g": 9.81, "n": 3, "W": np.zeros((5, 6)), "name": "x"}, "c": (1.0, 0.0), "o": P.Orbit(1.0, 0.1, 0.0),
                    "cell": CELL, "pairs": [(np.zeros((5, 6)), np.zeros(6))] * 2, "x": np.zeros(5)})
    assert spec["p"] == Fields("{}", (("g", "float"), ("n", "int"), ("W", (5, 6)), ("name", None)))
    assert spec["c"] == Fields("[]", ((0, "float"), (1, "float")))
    assert spec_of({"xs": [1.0] * 5})["xs"] == Fields("[]", (("*", "float"),))  # many alike: their number is no part of the key
    key = key_of(spec, "grad")
    text = spell_key(*key)
    assert text == ('p={"g":float,"n":float,"W":axb,"name":?},c=[float,float],o={.semi_major:float,.eccentricity:float,.periapsis:float},'
                    'cell={.capacity:float,.resistance:float,.ocv_coefficients:b},pairs=[[axb,b],[axb,b]],x=a')
    assert key_of(parse_spec(text, list(spec)), "grad") == key


@pytest.mark.parametrize("text, message", [
    ("p={.g:float,'k':float}", "mixes attributes"),
    ("p={g:float}", "neither a quoted key"),
    ("p={'g'}", "expected"),
])
def test_a_wrong_container_spelling_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_spec(text, ["p"])


def test_the_command_line_writes_a_container_variant_that_check_regenerates(tmp_path):
    program = os.path.join(HERE, "programs", "field_specs.py")
    shapes = 'params={"g":float,"length":float,"damping":float},theta0=float,omega0=float,dt=float,steps=int'
    run = lambda *argv: subprocess.run([sys.executable, "-m", "s2s", *argv], capture_output=True, text=True, cwd=tmp_path)
    done = run("grad", f"{program}::pendulum_energy", "--shapes", shapes, "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    path = done.stdout.strip()
    text = open(path).read()
    assert "--shapes 'params={\"g\":float" in text and "unbroadcast" not in text
    checked = run("check", str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_tuple_of_numbers_made_here_reaches_the_callee_as_numbers():
    log_rates = np.log([0.8, 0.2])
    check_grad(P.final_recovered, (log_rates,))
    source = s2s.grad(P.final_recovered).specialize(log_rates).source
    assert "unbroadcast" not in source  # beta and gamma are numbers in sir_rhs: (beta, gamma) was passed as args


def test_a_small_state_keeps_its_size_through_an_integrator():
    """np.asarray of a tuple of two numbers is an array of size 2, and so is np.array([omega, ...])
    added to it: RK4 steps need no broadcasting fix-ups (GRAVITY, a module's number, is a number)."""
    params = np.array([0.3, 1.1])
    check_grad(P.rk4_final_angle, (params,))
    source = s2s.grad(P.rk4_final_angle).specialize(params).source
    assert "unbroadcast" not in source and "np.sum(" not in source
    assert "params (2,)" in source and "y0 [float,float]" in source


def test_the_size_of_a_mean_of_known_size_is_a_number():
    residuals = np.array([0.5, -1.0, 2.0])
    check_grad(P.mean_square, (residuals,))
    source = s2s.grad(P.mean_square).specialize(residuals).source
    assert "size_of" not in source and "shape_of" not in source


def test_hidden_layers_alike_keep_their_shapes_through_the_loop_and_the_callee():
    """``layers[1:]`` of pairs alike: each ``W, b`` read in the loop has their dimensions, the
    residual block called with them gets them too, and nothing is unbroadcast or saved as a shape."""
    width = 5
    layers = [(rng.normal(size=(3, width)), rng.normal(size=width))]
    layers += [(0.5 * rng.normal(size=(width, width)), rng.normal(size=width)) for _ in range(3)]
    params = {"layers": layers, "readout": rng.normal(size=width)}
    x, target = rng.normal(size=(8, 3)), rng.normal(size=8)
    got = s2s.grad(P.residual_network)(params, x, target)
    readout = params["readout"]
    numeric = [(P.residual_network({**params, "readout": readout + e}, x, target)
                - P.residual_network({**params, "readout": readout - e}, x, target)) / 2e-6 for e in 1e-6 * np.eye(width)]
    assert_close(got["readout"], numeric)
    for i, (W, b) in enumerate(layers):
        for j, value in enumerate((W, b)):
            def changed(v, i=i, j=j):
                pairs = [list(pair) for pair in layers]
                pairs[i][j] = v
                return P.residual_network({"layers": [tuple(p) for p in pairs], "readout": params["readout"]}, x, target)
            numeric = np.zeros_like(value)
            for k in np.ndindex(value.shape):
                up, down = value.copy(), value.copy()
                up[k] += 1e-6
                down[k] -= 1e-6
                numeric[k] = (changed(up) - changed(down)) / 2e-6
            assert_close(got["layers"][i][j], numeric)
    source = s2s.grad(P.residual_network).specialize(params, x, target).source
    assert "unbroadcast" not in source and "shape_of" not in source and "matmul_dy" not in source
    assert "def residual_block_forward" in source


def test_weights_looped_over_from_a_tuple_literal_keep_their_shapes():
    weights = tuple(rng.normal(size=(4, 4)) for _ in range(3))
    x = rng.normal(size=(6, 4))
    got = s2s.grad(P.projections)(weights, x)
    for key, expected in numeric_entries(P.projections, (weights, x), 0).items():
        assert_close(got[key], expected)
    source = s2s.grad(P.projections).specialize(weights, x).source
    # each W of (Wq, Wk, Wv) has their shape, and so has each item of the list the generator fills
    assert "unindex(x.T @ x_at_W_bar, items_2, i)" in source and "q_bar = q_at_k_T_bar @ k_T.T" in source
    assert "unpacked_adjoint" not in source and "shape_of" not in source
