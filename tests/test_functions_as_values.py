"""Functions as values (issue 17, points 4 and 5): `*args` at call sites, nested `def`s, lambdas
and functions passed to the user's own functions, calls through a module-level table of
functions. Gradients are checked against central differences, tangents against the gradient."""

import numpy as np
import pytest

import s2s
from gradcheck import check_grad, numeric_grad
from programs import functions_as_values as fv

RNG = np.random.default_rng(17)
SIR_THETA = np.array([0.8, 0.3])
SIR_Y0 = np.array([0.99, 0.01, 0.0])
SIR_OBSERVED = np.linspace(0.01, 0.05, 11)


def test_rk4_taking_a_module_level_right_hand_side():
    check_grad(fv.oscillator_energy, [np.array([1.0, 0.5])])
    source = s2s.grad(fv.oscillator_energy).source
    assert "def rk4_damped_oscillator_forward(y0, dt, n_steps):" in source  # rk4 specialized, rhs gone from its parameters
    assert "damped_oscillator_forward(y" in source


def test_rk4_taking_a_lambda_that_closes_over_the_parameters():
    check_grad(fv.sir_fit, [SIR_THETA, SIR_Y0, SIR_OBSERVED], rtol=1e-5)
    source = s2s.grad(fv.sir_fit).source
    line = fv.sir_fit.__code__.co_firstlineno + 2
    assert f"def lambda_{line}_forward(y, t, *, beta, gamma):" in source  # what the lambda reads: keyword-only parameters
    assert f"rk4_lambda_{line}_forward(y0, 0.1, " in source


def test_rk4_taking_a_nested_def():
    args = [0.7, np.array([1.0, 2.0]), np.ones((6, 2)), 0.1]
    check_grad(fv.decay_fit, args, rtol=1e-5)
    source = s2s.grad(fv.decay_fit).source
    assert "ys_saved = rk4_rhs_forward(y0, dt, len(observed) - 1, k=k)" in source
    assert "def rhs_forward(y, t, *, k):" in source


def test_an_integrator_passing_args_on_with_a_star():
    check_grad(fv.sir_final, [SIR_THETA, SIR_Y0], rtol=1e-5)


@pytest.mark.parametrize("config, theta", [
    ({"model": "linear", "l2": 0.1}, [0.5, 0.1]),
    ({"model": "quadratic", "l2": 0.1}, [0.5, 0.1, 0.2]),
    ({"model": "saturating", "l2": 0.0}, [1.5, 0.4]),
])
def test_a_model_table_chosen_by_a_config_string(config, theta):
    x = np.linspace(0.1, 1.0, 5)
    check_grad(fv.model_loss, [np.array(theta), x, np.sin(x), config])


def test_a_model_missing_from_the_table_raises_the_key_error():
    x = np.linspace(0.1, 1.0, 5)
    with pytest.raises(KeyError, match="cubic"):
        s2s.grad(fv.model_loss)(np.array([0.5, 0.1]), x, np.sin(x), {"model": "cubic", "l2": 0.1})


def test_the_table_dispatch_reads_as_branches():
    source = s2s.grad(fv.model_loss).source
    assert "models_key = config['model']" in source and "models_key == 'quadratic'" in source
    assert "raise KeyError(models_key)" in source
    assert "a, b = theta" in source and "quadratic_forward(x, a_2, b_2, c)" in source  # *theta unpacked to the parameters' names


def test_nested_helpers_closing_over_data():
    X, y = RNG.normal(size=(5, 2)), RNG.normal(size=5)
    check_grad(fv.ridge_loss, [np.array([0.3, -0.2]), X, y, 0.1])
    source = s2s.grad(fv.ridge_loss).source
    assert "def residual_forward(w, *, X, y):" in source and "def penalty_forward(v, power=2, *, lam):" in source


def test_numpy_functions_and_lambdas_passed_to_a_layer():
    W1, W2 = RNG.normal(size=(3, 2)), RNG.normal(size=(1, 3))
    check_grad(fv.mlp_loss, [W1, W2, np.array([0.5, -0.3]), np.array([0.2])], wrt=(0, 1))
    source = s2s.grad(fv.mlp_loss, wrt=(0, 1)).source
    assert "np.tanh(" in source and "layer_tanh_forward" in source


def test_a_star_of_a_tuple_literal_into_a_library_function():
    check_grad(fv.hinge_pairs, [np.array([0.5, 1.5, -0.2]), np.array([0.1, 0.2, 0.3])])


def test_forward_mode_through_function_values():
    v = np.array([0.3, -0.7])
    _, tangent = s2s.jvp(fv.sir_fit)(SIR_THETA, SIR_Y0, SIR_OBSERVED, v)
    np.testing.assert_allclose(tangent, numeric_grad(fv.sir_fit, [SIR_THETA, SIR_Y0, SIR_OBSERVED], 0) @ v, rtol=1e-5)
    args = [0.7, np.array([1.0, 2.0]), np.ones((6, 2)), 0.1]
    _, tangent = s2s.jvp(fv.decay_fit)(*args, 1.0)
    np.testing.assert_allclose(tangent, numeric_grad(fv.decay_fit, args, 0), rtol=1e-5)
    x, config, theta = np.linspace(0.1, 1.0, 5), {"model": "quadratic", "l2": 0.1}, np.array([0.5, 0.1, 0.2])
    _, tangent = s2s.jvp(fv.model_loss)(theta, x, np.sin(x), config, np.ones(3))
    np.testing.assert_allclose(tangent, numeric_grad(fv.model_loss, [theta, x, np.sin(x), config], 0).sum(), rtol=1e-5)


def test_hessian_vector_products_through_nested_helpers_and_passed_functions():
    X, y = np.ones((5, 2)), np.ones(5)
    np.testing.assert_allclose(s2s.hvp(fv.ridge_loss)(np.array([0.3, -0.2]), X, y, 0.1, np.ones(2)), [4.2, 4.2])
    v = np.array([0.3, -0.7])
    eps = 1e-5
    g = s2s.grad(fv.sir_fit)
    expected = (g(SIR_THETA + eps * v, SIR_Y0, SIR_OBSERVED) - g(SIR_THETA - eps * v, SIR_Y0, SIR_OBSERVED)) / (2 * eps)
    got = s2s.hvp(fv.sir_fit)(SIR_THETA, SIR_Y0, SIR_OBSERVED, v)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-9)


# -- refusals: at the user's line, with the rewrite ------------------------------------------


def spread_unknown(xs):
    return np.sum(np.maximum(*xs))


def calls_its_parameter(fn, x):
    return fn(x) * 2.0


def recursive_helper(x, n):
    def power(v, k):
        return v if k == 0 else v * power(v, k - 1)
    return power(x, n)


def helper_to_a_library(x, scale):
    def scaled(v):
        return v * scale
    return np.sum(np.apply_along_axis(scaled, 0, x))


def lambda_not_called(x):
    return fv.linear(lambda v: v, x, 1.0)


def spread_keywords(x, options):
    return fv.linear(x, **options)


def refusal(f, *args):
    with pytest.raises(s2s.S2SError) as info:
        s2s.grad(f)(*args)
    return info.value


@pytest.mark.parametrize("f, args, line, words", [
    (spread_unknown, (np.ones((2, 3)),), 1, "cannot tell how many arguments `*xs` passes here: unpack it into names first"),
    (calls_its_parameter, (np.sin, np.ones(2)), 1, "`fn` holds a function s2s cannot see when it transforms calls_its_parameter on its own"),
    (recursive_helper, (np.ones(2), 2), 1, "calls itself: define it at module level"),
    (helper_to_a_library, (np.ones((2, 2)), 2.0), 3, "reads `scale` of the function around it and is passed here to a function s2s does not read"),
    (lambda_not_called, (np.ones(2),), 1, "does not call the function passed here"),
    (spread_keywords, (np.ones(2), {"a": 1.0, "b": 2.0}), 1, "needs the arguments by name"),
])
def test_what_stays_refused_is_refused_at_its_line(f, args, line, words):
    error = refusal(f, *args)
    assert words in str(error)
    assert error.lineno == f.__code__.co_firstlineno + line


def test_a_returned_nested_def_and_nonlocal_are_refused():
    def returns_helper(x):
        def inner(y):
            return y * x
        return inner

    def rebinds(x):
        total = 0.0

        def add(v):
            nonlocal total
            total = total + v
        add(x)
        return total

    with pytest.raises(s2s.S2SError, match="used here as a value"):
        s2s.grad(returns_helper)(1.0)
    with pytest.raises(s2s.S2SError, match="`nonlocal` declarations .return the new value"):
        s2s.grad(rebinds)(1.0)


def test_the_closing_over_idiom_passes_functions_too():
    def logistic(y, t):
        return 0.8 * y * (1.0 - y)

    y0 = np.array([0.1, 0.4])
    check_grad(lambda y: np.sum(fv.rk4(logistic, y, 0.1, 8)), [y0])
    check_grad(lambda y: np.sum(fv.rk4(fv.damped_oscillator, y, 0.1, 8)), [y0])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus"])
def test_an_activation_from_a_table_passed_to_the_users_function(activation):
    W1, W2 = RNG.normal(size=(3, 2)), RNG.normal(size=(1, 3))
    check_grad(fv.configured_mlp_loss, [W1, W2, np.array([0.5, -0.3]), np.array([0.2]), activation], wrt=(0, 1))
    with pytest.raises(KeyError, match="relu"):
        s2s.grad(fv.configured_mlp_loss)(W1, W2, np.array([0.5, -0.3]), np.array([0.2]), "relu")


def passes_itself(f, x, n):
    if n == 0:
        return f(x)
    return passes_itself(f, x, n - 1)


def recursion_with_a_lambda(x, scale):
    return passes_itself(lambda v: v * scale, x, 2)


def test_a_function_passing_its_function_argument_to_itself_is_refused():
    with pytest.raises(s2s.S2SError, match="passes its function argument `f` on to itself"):
        s2s.grad(recursion_with_a_lambda)(np.ones(2), 2.0)
    with pytest.raises(s2s.S2SError, match="passes its function argument `f` on to itself"):
        s2s.grad(lambda x: passes_itself(np.tanh, x, 2))(np.ones(2))
    with pytest.raises(s2s.S2SError, match="passes its function argument `f` on to itself"):  # refused again, not half made
        s2s.grad(lambda x: passes_itself(np.tanh, x, 2))(np.ones(2))


# -- the user's functions taking *args: specialized for the number of arguments each call passes --

LV_T = np.linspace(0.0, 2.0, 11)
LV_THETA = np.array([1.0, 0.5, 0.8, 0.3])
LV_Y0 = np.array([1.0, 0.5])
LV_OBSERVED = fv.rk4_odeint(fv.lotka_volterra, LV_Y0, LV_T, 1.1, 0.4, 0.7, 0.35)


def test_an_odeint_style_integrator_passing_its_star_args_to_the_right_hand_side():
    check_grad(fv.lotka_volterra_fit, [LV_THETA, LV_Y0, LV_T, LV_OBSERVED], rtol=1e-5)
    check_grad(fv.lotka_volterra_fit, [LV_THETA, LV_Y0, LV_T, LV_OBSERVED], wrt=1, rtol=1e-5)
    source = s2s.grad(fv.lotka_volterra_fit).source
    assert "rk4_odeint_lotka_volterra_4args_forward(y0, t, alpha, beta, gamma, delta)" in source
    assert "def rk4_odeint_lotka_volterra_4args_forward(y0, t, args_0, args_1, args_2, args_3):" in source
    assert "args = (args_0, args_1, args_2, args_3)" in source
    assert "alpha, beta, gamma, delta = args" in source  # *args unpacked to the right-hand side's parameter names


def test_no_extra_arguments_is_a_count_too():
    check_grad(fv.logistic_final, [np.array([0.1, 0.3]), LV_T])
    assert "rk4_odeint_logistic_growth_0args_forward(y0, t)" in s2s.grad(fv.logistic_final).source


def test_a_helper_summing_its_star_args():
    x, y = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, 0.5])
    check_grad(fv.smoothness_penalty, [x, y], wrt=(0, 1))
    source = s2s.grad(fv.smoothness_penalty).source
    assert "def weighted_sum_3args_forward(terms_0, terms_1, terms_2):" in source
    assert "terms = (terms_0, terms_1, terms_2)" in source


def test_forward_mode_and_hessian_vector_products_through_star_args():
    args = [LV_THETA, LV_Y0, LV_T, LV_OBSERVED]
    v = np.array([0.3, -0.7, 0.2, 0.5])
    _, tangent = s2s.jvp(fv.lotka_volterra_fit)(*args, v)
    np.testing.assert_allclose(tangent, numeric_grad(fv.lotka_volterra_fit, args, 0) @ v, rtol=1e-5)
    x, y = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, 0.5])
    _, tangent = s2s.jvp(fv.smoothness_penalty)(x, y, np.ones(3))
    np.testing.assert_allclose(tangent, numeric_grad(fv.smoothness_penalty, [x, y], 0).sum(), rtol=1e-5)
    eps = 1e-5
    g = s2s.grad(fv.lotka_volterra_fit)
    expected = (g(LV_THETA + eps * v, *args[1:]) - g(LV_THETA - eps * v, *args[1:])) / (2 * eps)
    np.testing.assert_allclose(s2s.hvp(fv.lotka_volterra_fit)(*args, v), expected, rtol=1e-4, atol=1e-8)


def scaled_sum(x, scale=1.0, *rest, power=1):
    total = scale * x ** power
    for r in rest:
        total = total + r ** power
    return total


def calls_with_defaults_keywords_and_counts(x, y):
    return np.sum(scaled_sum(x) + scaled_sum(x, 2.0, y, x, power=2) + scaled_sum(y, 0.5, x))


def test_defaults_and_keyword_only_parameters_around_star_args():
    check_grad(calls_with_defaults_keywords_and_counts, [np.array([0.3, -0.2]), np.array([1.5, 0.7])], wrt=(0, 1))
    source = s2s.grad(calls_with_defaults_keywords_and_counts).source
    assert "def scaled_sum_0args_forward(x, scale=1.0, *, power=1):" in source
    assert "def scaled_sum_2args_forward(x, scale, rest_0, rest_1, *, power=1):" in source


def star_sum(x, *rest):
    if not rest:
        return x
    return x + star_sum(*rest)


def calls_a_recursive_star_function(x, y, z):
    return np.sum(star_sum(x * y, np.sin(z), y))


def test_a_function_with_star_args_calling_itself_with_fewer():
    args = [np.array([0.3, -0.2]), np.array([1.5, 0.7]), np.array([0.1, 0.2])]
    check_grad(calls_a_recursive_star_function, args, wrt=(0, 1, 2))
    check_grad(calls_a_recursive_star_function, args)  # the inner calls constant: run as called, not shadowed by a temporary
    assert "star_sum_2args = x + star_sum_1args(rest_2, rest_3)" in s2s.grad(calls_a_recursive_star_function).source


def lotka_volterra_spread(theta, y0, t, observed):
    ys = fv.rk4_odeint(fv.lotka_volterra, y0, t, *theta)
    return np.mean((ys - observed) ** 2)


def test_star_args_of_unknown_length_and_the_differentiated_function_itself_are_refused():
    error = refusal(lotka_volterra_spread, LV_THETA, LV_Y0, LV_T, LV_OBSERVED)
    assert "cannot tell how many arguments `*theta` passes here: unpack it into names first" in str(error)
    assert error.lineno == lotka_volterra_spread.__code__.co_firstlineno + 1
    with pytest.raises(s2s.S2SError, match=r"`\*args` in the signature of the function differentiated") as info:
        s2s.grad(fv.rk4_odeint, wrt=1)
    assert "def rk4_odeint(f, y0, t, a, b)" in str(info.value)
    assert info.value.lineno == fv.rk4_odeint.__code__.co_firstlineno


def test_the_closing_over_idiom_differentiates_a_star_args_function():
    check_grad(lambda y0: np.sum(fv.rk4_odeint(fv.lotka_volterra, y0, LV_T, 1.1, 0.4, 0.7, 0.35)), [LV_Y0])


def nested_star_helper(x, y, k):
    def total(*parts):
        s = 0.0
        for p in parts:
            s = s + k * p
        return s
    return np.sum(total(x, y ** 2, np.sin(x)))


def star_lambda(x, y):
    product = lambda *factors: factors[0] * factors[1]
    return np.sum(product(x, y) + product(y, np.cos(x)))


def test_a_nested_def_and_a_lambda_taking_star_args():
    x, y = np.array([0.3, -0.2]), np.array([1.5, 0.7])
    check_grad(nested_star_helper, [x, y, 0.5], wrt=(0, 1, 2))
    assert "def total_3args_forward(parts_0, parts_1, parts_2, *, k):" in s2s.grad(nested_star_helper).source
    check_grad(star_lambda, [x, y], wrt=(0, 1))
    assert "factors = (factors_0, factors_1)" in s2s.grad(star_lambda).source


def doubled_sum(*xs):
    total = 0.0
    for x in xs:
        total = total + 2.0 * x
    return total


@s2s.adjoint(doubled_sum)
def doubled_sum_adjoint(y, *xs):
    dxs = tuple(3.0 * dy for _ in xs)  # not the derivative, to tell that the rule is what runs


def calls_a_star_function_with_a_rule(a, b):
    return np.sum(doubled_sum(a, b))


def test_a_star_args_function_with_a_rule_of_its_own_keeps_it():
    np.testing.assert_allclose(s2s.grad(calls_a_star_function_with_a_rule)(np.ones(2), np.ones(2)), [3.0, 3.0])


def test_methods_called_on_instances_whose_class_the_function_says():
    X, y, w = RNG.normal(size=(6, 3)), RNG.normal(size=6), RNG.normal(size=3)
    check_grad(fv.objective, [w, fv.RidgeModel(0.1), X, y])
    check_grad(fv.folds_objective, [w, X, y, 0.1])
    assert "RidgeModel.loss" in s2s.grad(fv.objective).source


def test_a_subclass_overriding_the_method_is_refused_at_run_time():
    class Lasso(fv.RidgeModel):
        def loss(self, w, X, y):
            return np.sum(np.abs(w))

    with pytest.raises(TypeError, match="Lasso.loss is not RidgeModel.loss"):
        s2s.grad(fv.objective)(np.ones(2), Lasso(0.1), np.ones((3, 2)), np.ones(3))


def test_a_method_of_a_value_of_unknown_class_names_both_rewrites():
    with pytest.raises(s2s.S2SError, match=r"annotate the parameter \(`model: MyModel`\) or call the method through its class"):
        s2s.grad(fv.unannotated_objective)(np.ones(2), fv.RidgeModel(0.1), np.ones((3, 2)), np.ones(3))
