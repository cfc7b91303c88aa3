"""Shape facts (s2s.shapes.shape_classes) and uniform adjoints: gradients stay
right, and the generated code loses the reductions and saves they make needless."""

import gast
import numpy as np
import pytest

import s2s
from s2s.shapes import scalar_names, shape_classes
from s2s.transform import Program
from s2s.rules import USER

from gradcheck import check_grad
from sweeps import sweeps
from programs import shape_facts as P

rng = np.random.default_rng(7)

CASES = [
    (P.stencil, (rng.normal(size=(6, 5)), rng.normal(size=(6, 5))), (0, 1)),
    (P.unequal_slices, (rng.normal(size=7),), 0),
    (P.sum_of_square, (rng.normal(size=(3, 4)),), 0),
    (P.shifted, (rng.normal(size=5),), 0),
    (P.scalar_partner, (rng.normal(size=(2, 3)), 0.7), (0, 1)),
    (P.scalar_partner, (rng.normal(size=(2, 3)), np.float64(0.7)), (0, 1)),
    (P.broadcast_partner, (rng.normal(size=(4, 3)), rng.normal(size=3)), (0, 1)),
    (P.mean_of, (rng.normal(size=(3, 3)),), 0),
    (P.through_subscript, (rng.normal(size=5),), 0),
    (P.through_matmul, (rng.normal(size=(3, 4)), rng.normal(size=4)), (0, 1)),
    (P.in_branch, (rng.normal(size=4), True), 0),
    (P.in_branch, (rng.normal(size=4), False), 0),
    (P.in_loop, (rng.normal(size=4), 3), 0),
    (P.in_loop, (rng.normal(size=4), 0), 0),
    (P.copied, (rng.normal(size=4),), 0),
    (P.used_twice, (rng.normal(size=4),), 0),
    (P.through_user_call, (rng.normal(size=4),), 0),
    (P.reshaped, (rng.normal(size=(2, 3)),), 0),
    (P.rebound, (rng.normal(size=5), 3), 0),
    (P.total, (rng.normal(size=(2, 3)),), 0),
    (P.param_in_loop, (rng.normal(size=3), 2), 0),
    (P.param_in_loop, (rng.normal(size=3), 0), 0),
    (P.param_in_branch, (rng.normal(size=3), True), 0),
    (P.param_in_branch, (rng.normal(size=3), False), 0),
    (P.pair, (rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), (0, 1)),
    (P.carried, (rng.normal(size=3), 0), 0),
    (P.carried, (rng.normal(size=3), 2), 0),
    (P.bias, (rng.normal(size=(3, 4)), rng.normal(size=4)), (0, 1)),
    (P.bias, (rng.normal(size=(3, 4)), rng.normal(size=(1, 4))), (0, 1)),
    (P.bias, (rng.normal(size=(3, 4)), rng.normal(size=(3, 1))), (0, 1)),
    (P.bias, (rng.normal(size=(2, 3, 4)), rng.normal(size=(3, 1))), (0, 1)),
    (P.halving, (rng.normal(size=3), 2), 0),
    (P.recurrent, (rng.normal(size=(4, 4)), rng.normal(size=(2, 4)), rng.normal(size=(3, 4)), rng.normal(size=(5, 3, 2))), (0, 1, 2)),
    (P.softmax_cross_entropy, (rng.normal(size=(5, 4)), rng.normal(size=4), rng.normal(size=(6, 5)), np.eye(4)[[0, 1, 3, 2, 1, 0]]), (0, 1)),
    (P.column_spread, (rng.normal(size=(5, 3)),), 0),
    (P.row_energy_of_sum, (rng.normal(size=(3, 4)), rng.normal(size=(3, 4))), (0, 1)),
    (P.rows_and_columns, (rng.normal(size=(3, 4)),), 0),
    (P.centered_energy, (rng.normal(size=(4, 3)),), 0),
    (P.reduced_and_multiplied, (rng.normal(size=(3, 4)), rng.normal(size=(4, 2))), (0, 1)),
    (P.over_two_axes, (rng.normal(size=(2, 3, 4)),), 0),
    (P.running_row_sums, (rng.normal(size=(3, 4)), 3), 0),
    (P.running_row_sums, (rng.normal(size=(3, 4)), 0), 0),
    (P.gated, (rng.normal(size=(3, 20)) * 0.5, rng.normal(size=(5, 20)) * 0.5, rng.normal(size=20) * 0.1,
               rng.normal(size=(2, 5)), rng.normal(size=(2, 5)), rng.normal(size=(4, 2, 3))), (0, 1, 2, 3, 4)),
    (P.gated, (rng.normal(size=(6, 24)) * 0.5, rng.normal(size=(6, 24)) * 0.5, rng.normal(size=(1, 24)) * 0.1,
               rng.normal(size=(6, 6)), rng.normal(size=(6, 1)), rng.normal(size=(3, 6, 6))), (0, 1, 2, 3, 4)),
    (P.halves, (rng.normal(size=(3, 10)), rng.normal(size=(3, 5))), (0, 1)),
    (P.halves, (rng.normal(size=(3, 10)), rng.normal(size=5)), (0, 1)),
    (P.halves, (rng.normal(size=(3, 10)), rng.normal(size=(3, 1))), (0, 1)),
    (P.halves, (rng.normal(size=(6, 12)), rng.normal(size=6)), (0, 1)),
    (P.thirds, (rng.normal(size=(7, 2)),), 0),
    (P.thirds, (rng.normal(size=(9, 5)),), 0),
    (P.parts, (rng.normal(size=(12, 5)), rng.normal(size=5)), (0, 1)),
    (P.parts, (rng.normal(size=(30, 5)), rng.normal(size=(5, 5))), (0, 1)),
    (P.logistic, (rng.normal(size=(3, 4)), rng.normal(size=4) + 3.0), (0, 1)),
    (P.logistic, (0.3, 2.5), (0, 1)),
    (P.bar_strain_energy, (rng.normal(size=4), rng.uniform(1, 2, size=5), rng.normal(size=4)), (0, 1)),
    (P.bar_strain_energy, (rng.normal(size=7), rng.uniform(1, 2, size=8), rng.normal(size=7)), (0, 1)),
]


@pytest.mark.parametrize("optimize", [True, False])
@pytest.mark.parametrize("fn, args, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_gradients_match_finite_differences(fn, args, wrt, optimize):
    check_grad(fn, args, wrt, optimize=optimize)


def test_hook_sees_an_array_of_the_values_shape():
    g = s2s.grad(P.hooked)(np.ones((2, 3)))
    np.testing.assert_allclose(g, np.full((2, 3), 6.0))


def classes_of(fn):
    _, fdef = Program(USER).parse(fn)
    return shape_classes(fdef, scalar_names(fdef, (), None))


def test_slices_of_equal_length_share_a_class():
    classes = classes_of(P.stencil)
    slices = [classes[n] for n in ("u_slice", "u_slice_2", "u_slice_3", "u_slice_4", "u_slice_5")]
    assert len(set(slices)) == 1
    assert classes["lap"] == slices[0]
    assert classes["u"] != classes["f"]  # two parameters: nothing known


def test_unequal_slices_and_reassigned_names_have_no_common_class():
    classes = classes_of(P.unequal_slices)
    assert classes["u_slice"] == classes["a"]
    names = {n for n in classes if n.startswith("u_slice")}
    assert len({classes[n] for n in names}) == 2  # 1:-1, 2: and :-2 agree; 1: is longer
    _, fdef = Program(USER).parse(P.rebound)
    stores = {}
    for node in gast.walk(fdef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
    carried = {n for n, k in stores.items() if k > 1}
    assert carried and not carried & set(classes_of(P.rebound))


def test_stencil_backward_has_no_reductions_and_saves_no_shapes():
    source = s2s.grad(P.stencil, wrt="u").source
    backward = sweeps(source, P.stencil)[1]
    assert "unbroadcast(" not in backward.split("u_bar[1:-1")[1]  # the lap line's adjoint
    assert "lap_shape" not in source and "times_lap" not in source
    assert "u_bar[1:-1, 1:-1] += lap * 4.0" in source  # the seed, one, multiplies nothing
    assert "u_bar[1:-1, 2:] -= lap" in source


def test_sum_of_square_is_one_product():
    source = s2s.grad(P.sum_of_square).source
    assert "x_bar = 2 * x" in source
    assert "unreduce" not in source and "shape_of" not in source


def test_arrays_of_one_shape_run_a_variant_without_reductions():
    from s2s.transform import transform

    general = transform(P.pair, wrt=("x", "y")).source
    special = transform(P.pair, wrt=("x", "y"), dims=(("x", ("a", "b")), ("y", ("a", "b")))).source
    assert "unbroadcast" in general
    assert "specialized to shapes x (a, b), y (a, b)" in special
    assert "unbroadcast" not in special and "unreduce" not in special and "shape_of" not in special


def test_one_decorated_function_serves_equal_and_broadcasting_shapes():
    g = s2s.grad(P.pair, wrt=("x", "y"))
    x = rng.normal(size=(3, 4))
    for y in (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(1, 4))):
        got = g(x, y)
        for i, value in enumerate(got):
            from gradcheck import assert_close, numeric_grad

            assert np.shape(value) == np.shape((x, y)[i])
            assert_close(value, numeric_grad(P.pair, (x, y), i))


def test_call_shapes_name_dimensions_by_equality():
    from s2s.api import _dimension_symbols

    args = {"W": np.zeros((8, 8)), "b": np.zeros(8), "h": np.zeros((1, 8)), "n": 3, "xs": np.zeros((5, 1, 2))}
    assert _dimension_symbols(args) == (("W", ("a", "a")), ("b", ("a",)), ("h", (1, "a")), ("xs", ("b", 1, 2)))


def test_known_shapes_leave_no_runtime_reductions():
    from s2s.transform import transform

    rec = transform(P.recurrent, wrt=("W", "U"), dims=(("W", ("a", "a")), ("U", ("b", "a")), ("h", ("c", "a")), ("xs", ("d", "c", "b")))).source
    assert "unbroadcast" not in rec and "shape_of" not in rec and "unreduce" not in rec
    assert "h_3_bar = h_3_bar + 2 * recurrent_bar * h_3" in rec  # the loss's adjoint, carried unchanged: the seed itself
    source = transform(P.bias, wrt="b", dims=(("x", ("a", "b")), ("b", ("b",)))).source
    assert ".sum(axis=0)" in source and "unbroadcast" not in source
    kept = transform(P.bias, wrt="b", dims=(("x", ("a", "b")), ("b", (1, "b")))).source
    assert "axis=0, keepdims=True)" in kept


def test_grad_computes_no_value_it_does_not_return():
    from s2s.transform import transform

    source = transform(P.stencil, wrt="u", dims=(("u", ("a", "b")), ("f", ("a", "b")))).source
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert "np.sum(lap * lap)" not in code and "f * u" not in code
    assert "u_bar = -seed_like(u) * f" in source  # f may hold integers: the seed gives the floating dtype, so it stays
    both = transform(P.stencil, "value_and_grad", wrt="u", dims=(("u", ("a", "b")), ("f", ("a", "b")))).source
    assert "np.sum(lap * lap)" in both and "seed_scalar" in both
    recursive = transform(P.halving, wrt="x", dims=(("x", ("a",)),), scalars=("n",)).source
    assert "seed_scalar" in recursive


def test_seed_like_has_the_arguments_dtype():
    from s2s.runtime import seed_like

    assert seed_like(np.ones(2, np.float32)).dtype == np.float32
    assert seed_like(np.ones(2, np.float32), np.ones(2)) == 1.0  # float64: a Python float, the same arithmetic
    assert type(seed_like(np.ones(2, np.float32), np.ones(2))) is float
    assert seed_like((np.ones(2, np.float32),)).dtype == np.float32
    assert seed_like(0.5) == 1.0 and type(seed_like(0.5)) is float


def test_a_running_sum_only_the_value_needed_goes_with_it():
    from s2s.transform import transform

    source = transform(P.recurrent, wrt=("W", "U"), dims=(("W", ("a", "a")), ("U", ("b", "a")), ("h", ("c", "a")), ("xs", ("d", "c", "b")))).source
    entry = next(f for f in gast.parse(source).body if isinstance(f, gast.FunctionDef) and f.name == "grad_recurrent")
    values = {n.id for n in gast.walk(entry) if isinstance(n, gast.Name) and n.id.startswith("loss") and not n.id.endswith("_bar")}
    assert not values  # loss_3 = loss_2 + ...; loss_2 = loss_3 feed only each other
    assert "_loop_stacks" not in source  # one function: the stacks are not packed into a tuple to be unpacked again
    both = transform(P.recurrent, "value_and_grad", wrt=("W", "U")).source
    assert "loss_2 = loss_2 + np.sum" in both  # value_and_grad keeps it (carried in place: no copy per iteration)


def test_a_product_with_a_slice_of_another_parameter_has_the_outer_shape():
    """``X @ np.array(slopes)`` with ``slopes`` a list of ``theta[2:]``: the product has ``X``'s
    rows whatever the symbols of the inner dimension (``@`` broadcasts none), so the helper
    called with it gets the dimensions and leaves out the unbroadcast."""
    rng = np.random.default_rng(5)
    theta, X = np.array([0.3, 0.5, 0.4, -0.2, 0.1]), rng.normal(size=(12, 3))
    angles = rng.uniform(-np.pi, np.pi, size=12)
    check_grad(P.circular_regression, (theta, angles, X))
    source = s2s.grad(P.circular_regression).specialize(theta, angles, X).source
    assert "unbroadcast" not in source and "matmul_dy" not in source and "shape_of" not in source


def test_new_axes_keep_shapes_known_through_a_helper_and_a_loop():
    """``positions[None, :, :]`` has a new axis of length 1 before the array's: the pairwise
    accelerations a helper returns have the positions' shape, so the leapfrog loop's state
    keeps it and neither the loop nor the helper unbroadcasts or saves shapes."""
    rng = np.random.default_rng(7)
    positions, velocities, masses = rng.normal(size=(6, 3)), 0.1 * rng.normal(size=(6, 3)), rng.uniform(0.5, 2.0, size=6)
    check_grad(P.leapfrog_kinetic_energy, (positions, velocities, masses), wrt=0)
    check_grad(P.leapfrog_kinetic_energy, (positions, velocities, masses), wrt=1)
    source = s2s.grad(P.leapfrog_kinetic_energy, wrt=(0, 1)).specialize(positions, velocities, masses).source
    assert "unbroadcast" not in source and "shape_of" not in source


def test_a_variance_keeps_the_shape_of_its_reduction():
    """``x.var(axis=-1, keepdims=True)`` has the shape ``x.mean`` would: a layer norm's result
    has its input's shape, so the residual loop around it keeps it and nothing is unbroadcast."""
    rng = np.random.default_rng(11)
    x, target = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    gamma, beta, W = 1 + 0.1 * rng.normal(size=6), 0.1 * rng.normal(size=6), rng.normal(size=(6, 6)) / 3
    for wrt in range(4):
        check_grad(P.prenorm_residual, (x, gamma, beta, W, target), wrt=wrt)
    source = s2s.grad(P.prenorm_residual, wrt=(0, 1, 2, 3)).specialize(x, gamma, beta, W, target).source
    assert "unbroadcast" not in source and "shape_of" not in source


PARTIAL = [(c[0], c[1], c[2]) for c in CASES if c[0] in (
    P.softmax_cross_entropy, P.column_spread, P.row_energy_of_sum, P.rows_and_columns, P.centered_energy,
    P.reduced_and_multiplied, P.over_two_axes, P.running_row_sums)]


@pytest.mark.parametrize("fn, args, wrt", PARTIAL, ids=[c[0].__name__ for c in PARTIAL])
def test_reduction_adjoints_held_along_their_axes_match_finite_differences_in_each_variant(fn, args, wrt):
    """The variant for the arguments' shapes holds the adjoints of reductions over some axes
    with those axes of length 1: the same gradient as finite differences and as the
    general code, in float64 and float32 (whose dtype it keeps)."""
    g = s2s.grad(fn, wrt=wrt)
    variant = g.specialize(*args)
    got, general = variant(*args), g.generated(*args)
    for a, b in zip(got if isinstance(wrt, tuple) else (got,), general if isinstance(wrt, tuple) else (general,)):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)
    check_grad(fn, args, wrt)
    single = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args)
    for a in g(*single) if isinstance(wrt, tuple) else (g(*single),):
        assert a.dtype == np.float32


def test_a_softmax_cross_entropy_spreads_no_reduction_adjoint():
    """Each reduction's adjoint is broadcast by the product that takes it (``g[:, None] * y``),
    the mean's seed divided by the batch read from a parameter's shape."""
    args = CASES[[c[0] for c in CASES].index(P.softmax_cross_entropy)][1]
    source = s2s.grad(P.softmax_cross_entropy, wrt=(0, 1)).specialize(*args).source
    assert "unreduce" not in source and "broadcast_to" not in source and "size_of" not in source
    assert "(1 / x.shape[0]) * onehot" in source
    column = s2s.grad(P.column_spread).specialize(np.ones((5, 3))).source
    assert "unreduce(X_bar, X, 0, True)" in column  # a parameter's adjoint is returned as an array of its shape
def test_a_key_spells_sizes_that_are_multiples_by_the_functions_splits():
    from s2s.variants import key_of, parse_spec, spell_key

    spec = {"W": (16, 128), "U": (32, 128), "b": (128,), "h": (16, 32), "xs": (50, 16, 16), "m": (64, 9)}
    assert key_of(spec, "grad")[1] == (("W", ("a", "b")), ("U", ("c", "b")), ("b", ("b",)), ("h", ("a", "c")),
                                       ("xs", ("d", "a", "a")), ("m", ("e", "f")))
    dims = key_of(spec, "grad", (4,))[1]  # 128 = 4 * 32, 64 = 4 * 16
    assert dims == (("W", ("a", "4b")), ("U", ("b", "4b")), ("b", ("4b",)), ("h", ("a", "b")), ("xs", ("c", "a", "a")), ("m", ("4a", "d")))
    assert key_of({"x": (6, 3)}, "grad", (2,))[1] == (("x", ("a", 3)),)  # 3 is a size the key spells: no symbol to multiply
    assert key_of({"x": (128, 8, 32)}, "grad", (4,))[1] == (("x", ("16a", "a", "4a")),)  # multiples of multiples
    text = spell_key((), dims)
    assert text == "W=ax4b,U=bx4b,b=4b,h=axb,xs=cxaxa,m=4axd"
    assert key_of(parse_spec(text, list(spec)), "grad") == ((), dims)  # the header's --shapes reads back to the key
    assert key_of(parse_spec("W=ax4b,U=4bxc", ["W", "U"]), "grad")[1] == (("W", ("a", "4b")), ("U", ("4b", "c")))


def test_split_parts_have_known_shapes_and_the_state_they_make_keeps_its_own():
    from s2s.splits import part_dimension

    assert part_dimension("4c", 4, True) == "c" and part_dimension("4c", 2, True) == "2c"
    assert part_dimension(12, 3, False) == 4 and part_dimension(7, 3, False) is None
    assert part_dimension("a", 3, True) == "a/3" and part_dimension("a", 3, False) is None  # array_split: unequal parts
    args = (rng.normal(size=(6, 20)), rng.normal(size=(5, 20)), rng.normal(size=20), rng.normal(size=(7, 5)),
            rng.normal(size=(7, 5)), rng.normal(size=(8, 7, 6)))
    g = s2s.grad(P.gated, wrt=(0, 1, 2))
    source = g.specialize(*args).source
    assert "--shapes W=ax4b,U=bx4b,b=4b,h=cxb,c=cxb,xs=dxcxa" in source
    for absent in ("unbroadcast", "shape_of", "unpacked_adjoint", "matmul_d"):
        assert absent not in source, absent
    assert "b_bar += z_bar.sum(axis=0)" in source
    # a hidden size that is not a quarter of the gates' (the state broadcasts from one column): general code
    other = s2s.grad(P.gated, wrt=(0, 1, 2)).specialize(*args[:3], args[3], rng.normal(size=(7, 1)), args[5]).source
    assert "unbroadcast" in other


def test_one_over_x_has_the_reciprocals_adjoint():
    """``1.0 / x``'s adjoint is ``-dy * y * y`` (the result's square): the denominator is not
    saved, and it agrees with np.true_divide's ``-dy * y / x``, complex values too."""
    x, w = rng.normal(size=(3, 4)), rng.normal(size=4) + 3.0
    for got, want in zip(s2s.grad(P.logistic, wrt=(0, 1))(x, w), s2s.grad(P.logistic_divided, wrt=(0, 1))(x, w)):
        np.testing.assert_allclose(got, want, rtol=1e-13)
    z = rng.normal(size=5) + 1j * rng.normal(size=5)
    np.testing.assert_allclose(s2s.grad(P.complex_reciprocal)(z), s2s.grad(P.complex_divided)(z), rtol=1e-13)
    source = s2s.grad(P.logistic, wrt=(0, 1)).specialize(x, w).source
    assert "-s_bar * s * s * exp_neg_x_times_w" in source and "w_bar = -v1_over_w * v1_over_w" in source
    assert "plus" not in source  # 1.0 + np.exp(...) is not kept


def test_a_padded_difference_has_the_length_of_its_parts():
    """np.diff(np.concatenate([[0.0], u, [0.0]])) of 4 nodes has 5 entries; times 5 stiffnesses
    (a symbol, any size above SMALL) it still has 5 (the product runs only where they agree):
    the shapes stay known, no shape is saved and no adjoint is summed to a shape at run time."""
    args = CASES[-2][1]
    source = s2s.grad(P.bar_strain_energy, wrt=(0, 1)).specialize(*args).source
    assert "shape_of(" not in source and "unbroadcast(elongation" not in source
    assert "unbroadcast(" not in source.split("k_bar")[0]  # (k's adjoint: 5 entries into k's symbol, summed if need be)
