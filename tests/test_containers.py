"""Gradients with respect to dicts, NamedTuples and dataclasses of parameters have the
argument's structure and type: a dict for a dict, the same NamedTuple or dataclass for
those, zeros for entries never read (issue 17, point 1)."""

import copy
import dataclasses

import numpy as np
import pytest

import s2s
from gradcheck import numeric_grad
from programs import containers as P

RNG = np.random.default_rng(5)


def leaves(tree):
    """The float and array leaves of a nested container, in order."""
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in leaves(v)]
    if isinstance(tree, (tuple, list)):
        return [x for v in tree for x in leaves(v)]
    if dataclasses.is_dataclass(tree) or hasattr(tree, "__dict__") and not isinstance(tree, np.ndarray):
        return [x for v in vars(tree).values() for x in leaves(v)]
    return [tree] if isinstance(tree, (float, np.ndarray)) else []


def rebuilt(tree, new):
    """``tree`` with its leaves taken in order from the iterator ``new``."""
    if isinstance(tree, dict):
        return type(tree)((k, rebuilt(v, new)) for k, v in tree.items())
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)(*(rebuilt(v, new) for v in tree))
    if isinstance(tree, (tuple, list)):
        return type(tree)(rebuilt(v, new) for v in tree)
    if dataclasses.is_dataclass(tree) or hasattr(tree, "__dict__") and not isinstance(tree, np.ndarray):
        out = copy.copy(tree)
        for k, v in vars(tree).items():
            object.__setattr__(out, k, rebuilt(v, new))
        return out
    return next(new) if isinstance(tree, (float, np.ndarray)) else tree


def same_structure(g, tree):
    """``g`` has ``tree``'s container types all the way down, and its leaves' shapes."""
    assert type(g) is type(tree), (type(g), type(tree))
    if isinstance(tree, dict):
        assert list(g) == list(tree)
    for a, b in zip(leaves(g), leaves(tree)):
        assert type(a) is type(b) and np.shape(a) == np.shape(b)


def check_tree_grad(f, args, g, index=0, eps=1e-6, rtol=1e-6):
    """The gradient ``g`` of ``f`` in ``args[index]`` (any nesting of containers) against central
    differences along two random directions, and its structure against the argument's."""
    tree = args[index]
    same_structure(g, tree)
    for _ in range(2):
        direction = [RNG.normal(size=np.shape(x)) if isinstance(x, np.ndarray) else float(RNG.normal()) for x in leaves(tree)]
        def at(t):
            moved = [x + t * d for x, d in zip(leaves(tree), direction)]
            return f(*args[:index], rebuilt(tree, iter(moved)), *args[index + 1:])
        numeric = (at(eps) - at(-eps)) / (2 * eps)
        exact = sum(np.sum(a * d) for a, d in zip(leaves(g), direction))
        np.testing.assert_allclose(exact, numeric, rtol=rtol, atol=1e-8)


def flat_check(f, params, args, grads, keys):
    for key in keys:
        def along(value, key=key):
            changed = dict(params, **{key: value})
            return f(changed, *args)
        np.testing.assert_allclose(grads[key], numeric_grad(along, [params[key]], 0), rtol=1e-6, atol=1e-9)


def test_a_dict_of_parameters():
    params = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4), "W2": RNG.normal(size=(4, 2)), "b2": np.zeros(2)}
    x, y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    grads = s2s.grad(P.mlp_loss)(params, x, y)
    assert type(grads) is dict and list(grads) == list(params)
    assert all(grads[k].shape == params[k].shape for k in params)
    flat_check(P.mlp_loss, params, (x, y), grads, params)
    updated = {k: params[k] - 0.1 * grads[k] for k in params}  # the user's update
    assert P.mlp_loss(updated, x, y) < P.mlp_loss(params, x, y)


def test_nested_dicts_float_leaves_and_unread_entries():
    params = {"layer": {"W": RNG.normal(size=(3, 2))}, "scale": 1.5, "frozen": np.ones(4)}
    x, y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 2))
    grads = s2s.grad(P.regularized)(params, x, y, 0.1)
    assert set(grads) == set(params) and set(grads["layer"]) == {"W"}
    assert type(grads["scale"]) is float
    np.testing.assert_array_equal(grads["frozen"], np.zeros(4))
    def along_w(W):
        return P.regularized({**params, "layer": {"W": W}}, x, y, 0.1)
    np.testing.assert_allclose(grads["layer"]["W"], numeric_grad(along_w, [params["layer"]["W"]], 0), rtol=1e-6)
    def along_scale(s):
        return P.regularized({**params, "scale": s}, x, y, 0.1)
    np.testing.assert_allclose(grads["scale"], numeric_grad(along_scale, [1.5], 0), rtol=1e-6)


def test_a_dict_tangent():
    params = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4), "W2": RNG.normal(size=(4, 2)), "b2": np.zeros(2)}
    x, y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    tangent = {k: RNG.normal(size=v.shape) for k, v in params.items()}
    _, dot = s2s.jvp(P.mlp_loss)(params, x, y, tangent)
    grads = s2s.grad(P.mlp_loss)(params, x, y)
    np.testing.assert_allclose(dot, sum(np.sum(grads[k] * tangent[k]) for k in params), rtol=1e-10)


def test_a_namedtuple_of_parameters():
    layer = P.Layer(RNG.normal(size=(3, 2)), RNG.normal(size=2))
    x = RNG.normal(size=(4, 3))
    g = s2s.grad(P.layer_energy)(layer, x)
    assert type(g) is P.Layer and g.activation == "tanh"
    np.testing.assert_allclose(g.W, numeric_grad(lambda W: P.layer_energy(layer._replace(W=W), x), [layer.W], 0), rtol=1e-6)
    np.testing.assert_allclose(g.b, numeric_grad(lambda b: P.layer_energy(layer._replace(b=b), x), [layer.b], 0), rtol=1e-6)
    _, dot = s2s.jvp(P.layer_energy)(layer, x, P.Layer(np.ones((3, 2)), np.ones(2)))
    np.testing.assert_allclose(dot, np.sum(g.W) + np.sum(g.b), rtol=1e-10)


def test_a_dataclass_of_parameters():
    osc = P.Oscillator(4.0, 0.3, np.array([1.0, 2.0]))
    args = (np.array([1.0, -0.5]), np.zeros(2), 0.01, 40)
    g = s2s.grad(P.oscillator_energy)(osc, *args)
    assert type(g) is P.Oscillator and type(g.stiffness) is float and g.label == "spring"
    def along(**change):
        return lambda v: P.oscillator_energy(dataclasses.replace(osc, **{change["field"]: v}), *args)
    np.testing.assert_allclose(g.stiffness, numeric_grad(along(field="stiffness"), [4.0], 0), rtol=1e-6)
    np.testing.assert_allclose(g.damping, numeric_grad(along(field="damping"), [0.3], 0), rtol=1e-6)
    np.testing.assert_allclose(g.masses, numeric_grad(along(field="masses"), [osc.masses], 0), rtol=1e-6)


def mlp_params(sizes=(3, 4, 2)):
    return {"W1": RNG.normal(size=sizes[:2]), "b1": RNG.normal(size=sizes[1]),
            "W2": RNG.normal(size=sizes[1:]), "b2": RNG.normal(size=sizes[2])}


def test_dict_entries_read_with_a_loop_variable_accumulate():
    params, x, y = mlp_params(), RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    check_tree_grad(P.decayed_loss, (params, x, y), s2s.grad(P.decayed_loss)(params, x, y))


def test_namedtuple_fields_read_in_a_loop_accumulate():
    layer = P.Layer(0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3))
    x = RNG.normal(size=(4, 3))
    g = s2s.grad(P.stacked_energy)(layer, x, 3)
    assert g.activation == "tanh"
    check_tree_grad(P.stacked_energy, (layer, x, 3), g)


def check_jvp_against_grad(f, args, g, index=0):
    """The jvp along a random tangent shaped like ``args[index]`` equals <grad, tangent>."""
    tree = args[index]
    tangent = rebuilt(tree, iter([RNG.normal(size=np.shape(x)) if isinstance(x, np.ndarray) else float(RNG.normal()) for x in leaves(tree)]))
    value, dot = s2s.jvp(f, wrt=index)(*args, tangent)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    np.testing.assert_allclose(dot, sum(np.sum(a * b) for a, b in zip(leaves(g), leaves(tangent))), rtol=1e-9)


def test_a_config_dict_built_in_the_loss():
    params = {"w": RNG.normal(size=3), "log_scale": 0.2}
    args = (params, RNG.normal(size=(6, 3)), RNG.normal(size=6), 0.5)
    g = s2s.grad(P.penalized_regression)(*args)
    assert type(g["log_scale"]) is float
    check_tree_grad(P.penalized_regression, args, g)
    check_jvp_against_grad(P.penalized_regression, args, g)


def test_dict_comprehensions_over_items_and_keys():
    params = mlp_params()
    scales = {k: np.full(np.shape(v), 2.0) for k, v in params.items()}
    args = (params, scales, RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2)))
    g = s2s.grad(P.whitened_loss)(*args)
    check_tree_grad(P.whitened_loss, args, g)
    check_jvp_against_grad(P.whitened_loss, args, g)
    gs = s2s.grad(P.whitened_loss, wrt="scales")(*args)  # the dict divided by
    check_tree_grad(P.whitened_loss, args, gs, index=1)


def test_a_dict_built_entry_by_entry_in_a_helper():
    params = {"hidden": 0.5 * RNG.normal(size=(3, 4)), "output": 0.5 * RNG.normal(size=(4, 2))}
    args = (params, RNG.normal(size=(5, 3)))
    g = s2s.grad(P.activation_penalty)(*args)
    check_tree_grad(P.activation_penalty, args, g)
    check_jvp_against_grad(P.activation_penalty, args, g)
    x_grad = s2s.grad(P.activation_penalty, wrt=1)(*args)
    np.testing.assert_allclose(x_grad, numeric_grad(lambda x: P.activation_penalty(params, x), [args[1]], 0), rtol=1e-6)


def test_dict_literal_entries_never_read_get_zeros():
    def spread(x, y):
        return P.penalized_regression({"w": x, "log_scale": 0.0}, y, np.ones(4), 0.0)
    x, y = RNG.normal(size=3), RNG.normal(size=(4, 3))
    np.testing.assert_allclose(s2s.grad(spread)(x, y), numeric_grad(spread, [x, y], 0), rtol=1e-6)


def test_dict_unpacking_in_a_literal_is_refused_at_the_line():
    with pytest.raises(s2s.S2SError, match=r"containers.py:\d+.*`\*\*` in a dict literal"):
        s2s.grad(P.merged_config)(np.ones(2))


def mlp_list_params(sizes=(3, 4, 2)):
    return [(0.5 * RNG.normal(size=(m, n)), 0.1 * RNG.normal(size=n)) for m, n in zip(sizes[:-1], sizes[1:])]


def test_a_list_of_weight_and_bias_tuples():
    params = mlp_list_params()
    targets = np.eye(2)[RNG.integers(0, 2, size=6)]
    args = (params, RNG.normal(size=(6, 3)), targets)
    g = s2s.grad(P.mlp_log_likelihood)(*args)
    assert type(g) is list and all(type(layer) is tuple for layer in g)
    check_tree_grad(P.mlp_log_likelihood, args, g)
    check_jvp_against_grad(P.mlp_log_likelihood, args, g)
    updated = [(W - 0.01 * dW, b - 0.01 * db) for (W, b), (dW, db) in zip(params, g)]  # the user's update
    assert P.mlp_log_likelihood(updated, *args[1:]) < P.mlp_log_likelihood(*args)


def test_lists_inside_a_dict_and_lists_as_intermediates():
    model = {"blocks": [0.3 * RNG.normal(size=(3, 3)) for _ in range(3)], "readout": RNG.normal(size=6), "bias": 0.5}
    args = (model, RNG.normal(size=(5, 3)))
    g = s2s.grad(P.residual_tower)(*args)
    assert type(g["blocks"]) is list and type(g["bias"]) is float
    np.testing.assert_array_equal(g["blocks"][1], np.zeros((3, 3)))  # never read
    check_tree_grad(P.residual_tower, args, g)
    check_jvp_against_grad(P.residual_tower, args, g)


def test_a_helper_returning_a_list_and_a_tuple():
    x = RNG.normal(size=7)
    g = s2s.grad(P.shape_statistic)(x)
    np.testing.assert_allclose(g, numeric_grad(P.shape_statistic, [x], 0), rtol=1e-6, atol=1e-9)
    check_jvp_against_grad(P.shape_statistic, (x,), g)


def test_wrt_self_of_a_plain_class_gives_a_copy_holding_the_gradients():
    model = P.RidgeModel(RNG.normal(size=(3, 2)), RNG.normal(size=2), lam=0.3)
    X, y = RNG.normal(size=(6, 3)), RNG.normal(size=(6, 2))
    for wrt in ("self", 0):
        g = s2s.grad(P.RidgeModel.loss, wrt=wrt)(model, X, y)
        assert type(g) is P.RidgeModel and g is not model
        assert g.name == "ridge" and g.rng is model.rng and type(g.lam) is float  # kept / differentiated
        for name in ("W", "b"):
            def along(v, name=name):
                moved = copy.copy(model)
                setattr(moved, name, v)
                return moved.loss(X, y)
            np.testing.assert_allclose(getattr(g, name), numeric_grad(along, [getattr(model, name)], 0), rtol=1e-6)
        np.testing.assert_allclose(g.lam, numeric_grad(lambda lam: P.RidgeModel(model.W, model.b, lam).loss(X, y), [0.3], 0), rtol=1e-6)
    model.W -= 0.1 * g.W  # the user's update
    assert model.W.shape == (3, 2)


def test_wrt_self_of_a_dataclass_gives_the_dataclass():
    model = P.LinearModel(0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3))
    args = (model, RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3)))
    g = s2s.grad(P.LinearModel.loss, wrt="self")(*args)
    assert type(g) is P.LinearModel and g.steps == 3  # an int field: kept
    check_tree_grad(P.LinearModel.loss, args, g)


def test_wrt_self_of_a_bound_method_says_what_to_write():
    model = P.RidgeModel(np.ones((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"s2s.grad\(RidgeModel.loss, wrt='self'\)\(obj, ...\)"):
        s2s.grad(model.loss, wrt="self")


def tree_dot(a, b):
    return sum(np.sum(x * y) for x, y in zip(leaves(a), leaves(b)))


def random_like(tree):
    return rebuilt(tree, iter([RNG.normal(size=np.shape(x)) if isinstance(x, np.ndarray) else float(RNG.normal()) for x in leaves(tree)]))


def encoder_params():
    return {"W": 0.5 * RNG.normal(size=(3, 4)), "W_mean": RNG.normal(size=(4, 2)), "W_scale": 0.5 * RNG.normal(size=(4, 2))}


def test_vjp_of_a_dict_output_and_a_tuple_output_satisfy_the_dot_product_identity():
    params, x = encoder_params(), RNG.normal(size=(5, 3))
    out = P.encoder(params, x)
    dout = random_like(out)
    pulled = s2s.vjp(P.encoder)(params, x, dout)
    same_structure(pulled, params)
    v = random_like(params)
    value, pushed = s2s.jvp(P.encoder)(params, x, v)
    assert type(pushed) is dict and list(pushed) == list(value) == ["mean", "scale"]
    np.testing.assert_allclose(tree_dot(dout, pushed), tree_dot(pulled, v), rtol=1e-10)
    xy = RNG.normal(size=(2, 4))
    dout = (RNG.normal(size=4), RNG.normal(size=4))
    pulled = s2s.vjp(P.polar)(xy, dout)
    v = RNG.normal(size=(2, 4))
    _, pushed = s2s.jvp(P.polar)(xy, v)
    assert type(pushed) is tuple
    np.testing.assert_allclose(tree_dot(dout, pushed), np.sum(pulled * v), rtol=1e-10)


def test_hvp_with_a_dict_vector():
    params, x = encoder_params(), RNG.normal(size=(5, 3))
    v = random_like(params)
    hv = s2s.hvp(P.encoder_loss)(params, x, v)
    same_structure(hv, params)
    grad = s2s.grad(P.encoder_loss)
    eps = 1e-5
    up = grad({k: params[k] + eps * v[k] for k in params}, x)
    down = grad({k: params[k] - eps * v[k] for k in params}, x)
    for k in params:
        np.testing.assert_allclose(hv[k], (up[k] - down[k]) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_hvp_with_a_list_of_tuples_vector():
    params = mlp_list_params()
    targets = np.eye(2)[RNG.integers(0, 2, size=4)]
    x = RNG.normal(size=(4, 3))
    v = random_like(params)
    hv = s2s.hvp(P.mlp_log_likelihood)(params, x, targets, v)
    same_structure(hv, params)
    grad = s2s.grad(P.mlp_log_likelihood)
    eps = 1e-5
    up = grad([(W + eps * dW, b + eps * db) for (W, b), (dW, db) in zip(params, v)], x, targets)
    down = grad([(W - eps * dW, b - eps * db) for (W, b), (dW, db) in zip(params, v)], x, targets)
    for a, b, h in zip(leaves(up), leaves(down), leaves(hv)):
        np.testing.assert_allclose(h, (a - b) / (2 * eps), rtol=1e-5, atol=1e-7)


def check_hvp(f, args, index=0, eps=1e-5):
    """``s2s.hvp`` along a random direction against central differences of the gradient."""
    tree = args[index]
    v = random_like(tree)
    hv = s2s.hvp(f, wrt=index)(*args, v)
    same_structure(hv, tree)
    grad = s2s.grad(f, wrt=index)
    def moved(t):
        return rebuilt(tree, iter([x + t * d for x, d in zip(leaves(tree), leaves(v))]))
    up = grad(*args[:index], moved(eps), *args[index + 1:])
    down = grad(*args[:index], moved(-eps), *args[index + 1:])
    for h, a, b in zip(leaves(hv), leaves(up), leaves(down)):
        np.testing.assert_allclose(h, (a - b) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_hvp_through_dicts_built_in_the_function():
    params = {"w": RNG.normal(size=3), "log_scale": 0.2}
    check_hvp(P.penalized_regression, (params, RNG.normal(size=(6, 3)), RNG.normal(size=6), 0.5))
    params = mlp_params()
    scales = {k: np.full(np.shape(v), 2.0) for k, v in params.items()}
    check_hvp(P.whitened_loss, (params, scales, RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))))
    params = {"hidden": 0.5 * RNG.normal(size=(3, 4)), "output": 0.5 * RNG.normal(size=(4, 2))}
    check_hvp(P.activation_penalty, (params, RNG.normal(size=(5, 3))))


def test_hvp_with_respect_to_self():
    model = P.LinearModel(0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3))
    check_hvp(P.LinearModel.loss, (model, RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))))


def test_iterating_a_dict_by_key_and_get_with_a_default():
    x, y = RNG.normal(size=(6, 3)), RNG.normal(size=6)
    for params, cfg in [({"w": RNG.normal(size=3), "b": 0.3}, {"decay": 0.5}), ({"w": RNG.normal(size=3)}, {"offset": 2.0})]:
        args = (params, x, y, cfg)
        g = s2s.grad(P.config_loss)(*args)
        check_tree_grad(P.config_loss, args, g)
        check_jvp_against_grad(P.config_loss, args, g)
    cfg = {"decay": 0.5, "offset": 1.0}
    g = s2s.grad(P.config_loss, wrt="cfg")(params, x, y, cfg)  # the config's floats too
    check_tree_grad(P.config_loss, (params, x, y, cfg), g, index=3)


def test_fields_never_read_are_zeros_of_their_type():
    osc = P.Oscillator(4.0, 0.3, np.array([1.0, 2.0]))
    g = s2s.grad(P.kinetic_energy)(osc, np.array([0.5, -1.0]))
    assert g.stiffness == 0.0 and type(g.stiffness) is float and g.label == "spring"
    np.testing.assert_allclose(g.masses, [0.125, 0.5])


def test_wrt_self_of_a_class_with_slots_is_refused_with_advice():
    with pytest.raises(TypeError, match="no __slots__.*make it a dataclass"):
        s2s.grad(P.Slotted.loss, wrt="self")(P.Slotted(np.ones((2, 2))), np.ones(2))


def test_namedtuples_and_dataclasses_built_inside_the_function():
    args = (RNG.normal(size=3), RNG.normal(size=3), 1.7)
    for index in range(3):
        g = s2s.grad(P.final_energy, wrt=index)(*args)
        np.testing.assert_allclose(g, numeric_grad(P.final_energy, args, index), rtol=1e-6)
    _, dot = s2s.jvp(P.final_energy)(*args, np.ones(3))
    np.testing.assert_allclose(dot, np.sum(s2s.grad(P.final_energy)(*args)), rtol=1e-9)
    check_hvp(P.final_energy, args)
    args = (4.0, np.array([1.0, 2.0]))
    for index in range(2):
        np.testing.assert_allclose(s2s.grad(P.oscillator_from, wrt=index)(*args), numeric_grad(P.oscillator_from, args, index), rtol=1e-6)


def test_dict_copies_and_dict_with_keywords():
    params = {"W": 0.5 * RNG.normal(size=(3, 2)), "b": RNG.normal(size=2)}
    args = (params, RNG.normal(size=(4, 3)), 1.3)
    g = s2s.grad(P.with_overrides)(*args)
    check_tree_grad(P.with_overrides, args, g)
    check_jvp_against_grad(P.with_overrides, args, g)
    np.testing.assert_allclose(s2s.grad(P.with_overrides, wrt=2)(*args), numeric_grad(P.with_overrides, args, 2), rtol=1e-6)
    check_hvp(P.with_overrides, args)


def test_entries_assigned_in_a_loop_and_never_read():
    params = {"hidden": 0.5 * RNG.normal(size=(3, 4)), "output": 0.5 * RNG.normal(size=(4, 2))}
    args = (params, RNG.normal(size=(5, 3)))
    for optimize in (True, False):
        g = s2s.grad(P.output_energy, optimize=optimize)(*args)
        check_tree_grad(P.output_energy, args, g)
    check_jvp_against_grad(P.output_energy, args, g)
    check_hvp(P.output_energy, args)


def test_a_loop_over_a_dict_is_never_indexed_by_position():
    """Indexing {0: 5.0, 1: 7.0} by position would give its values, not its keys: refused with the rewrite."""
    counts = {0: 5.0, 1: 7.0}
    with pytest.raises(TypeError, match=r"a loop over a dict iterates its keys.*`for k in d.keys\(\)`"):
        s2s.grad(P.weighted_by_key)(np.ones(2), counts)
    np.testing.assert_allclose(s2s.grad(P.weighted_by_keys)(np.ones(2), counts), [1.0, 1.0])


def test_record_and_dict_adjoints_added_into_in_place():
    """A record's or dict's adjoint is one dict that reads add into (``osc_bar += ...``, a
    GradDict merged in place where it is owned); the gradients agree with differences."""
    osc = P.Oscillator(4.0, 0.3, np.array([1.0, 2.0]))
    args = (osc, RNG.normal(size=2))
    g = s2s.grad(P.record_reads)
    check_tree_grad(P.record_reads, args, g(*args))
    assert "osc_bar +=" in g.specialize(*args).source
    np.testing.assert_allclose(g(*args).masses, g(*args).masses)  # a second call: nothing left over from the first
    np.testing.assert_allclose(s2s.grad(P.record_reads, wrt=1)(*args), numeric_grad(P.record_reads, args, 1), rtol=1e-6)
    params = {"W": RNG.normal(size=(3, 2)), "b": RNG.normal(size=2), "V": RNG.normal(size=(2, 2)), "c": RNG.normal(size=2)}
    args = (params, RNG.normal(size=(4, 3)))
    check_tree_grad(P.dict_reads, args, s2s.grad(P.dict_reads)(*args))


def test_a_grad_dict_merged_in_place_keeps_the_values_it_was_given():
    from s2s.runtime.values import GradDict
    a, b = np.ones(2), np.full(2, 2.0)
    d = GradDict(W=a)
    e = GradDict(W=b, c=None, k=1.5)
    same = d
    d += e
    assert d is same and set(d) == {"W", "c", "k"} and d["c"] is None
    np.testing.assert_array_equal(d["W"], [3.0, 3.0])
    np.testing.assert_array_equal(a, [1.0, 1.0])  # entries are added into new values
    np.testing.assert_array_equal(b, [2.0, 2.0])
    d += GradDict(c=np.ones(2))
    np.testing.assert_array_equal(d["c"], [1.0, 1.0])
