"""Helpers that generated code calls at run time.

Generated modules import only numpy and the names they use from here
(``from s2s.runtime import unbroadcast, zeros_like``); ``__all__`` lists them,
and is also the set of names generated code reserves.  Every helper uses
dispatching numpy forms (``np.sum``, ``np.zeros_like``, ``np.broadcast_to``,
ufuncs) so that arrays from other libraries that follow NumPy's
``__array_function__``/``__array_ufunc__`` protocols (cupy, dask) pass through
without being converted to host numpy arrays.

The helpers live in modules by role:

* ``values``: ``GradTuple``, ``SparseTuple``, ``GradDict`` (container adjoints), ``zeros_like``, ``ShapeOf`` (saved shapes), ``size_of``;
* ``dispatch``: which array library a value belongs to (internal);
* ``elements``: ``float_lists``, ``write_back``: a vector's entries as Python floats for a loop that reads and writes them one by one;
* ``float_math``: ``float_cos``, ``float_log``, ...: numpy's functions of one number as ``math``'s on Python floats, for backward sweeps;
* ``dicts``: dicts and records built inside the function (``dict_of``, ``items_of``, ``values_of``, ``keys_of``, ``record_of``) and their adjoints;
* ``seeds``: the seed of an output, zero adjoints;
* ``methods``: functional forms of methods and item assignment (``appended``, ``updated``), ``same_method``, ``require_number``;
* ``broadcasting``: ``unbroadcast``, ``rebroadcast``, ``unreduce`` and their kin;
* ``scatter``: adjoints that place values at indexed positions (``unindex``, ``untake``, ...; ``add_at``);
* ``diagonals``: adjoints of ``np.diag``, ``np.diagonal``, ``np.trace``;
* ``joining``: adjoints of concatenation, stacking (``column_stack``, ``dstack``), tiling, repeating; ``split_parts``, ``np.split`` into equal parts by slicing;
* ``reductions``: adjoints of max/min, prod, var, cumsum, clip; quantile and interp weights;
* ``sequences``: adjoints of ``sum``, ``max``/``min``, ``math.prod``, ``math.hypot``, ``math.dist``;
* ``products``: adjoints of ``@``, ``np.dot``, ``np.tensordot``, ``np.einsum``, ...; kron and convolution layouts;
* ``norms``, ``decompositions``: adjoints of ``np.linalg.norm``, ``solve``, ``cholesky``, ``eigh``;
  the checks of the decompositions' rules (``real_spectrum``, ``unique_columns``, ...);
* ``chains``: adjoints of ``np.linalg.multi_dot``;
* ``matrix_functions``: of the scipy.linalg rules: LU pivots as a permutation, the Fréchet block
  of ``expm``/``logm``/``sqrtm``, the structure ``solve``'s ``assume_a`` reads, ``block_diag``'s blocks;
* ``spectra``: the layout of the adjoints of ``numpy.fft`` (``fit_to``, ``half_spectrum_weights``, ...);
* ``scans``: ``linear_scan``, ``shift_along``, ``merged_axes``: the recurrences of ufunc folds (``np.logaddexp.reduce``, ``accumulate``);
* ``statistics``: layouts and transposes of ``np.cov``, ``np.corrcoef``, ``np.gradient``, ``np.ediff1d``;
* ``revolve``: binomial checkpointing of loops;
* ``rows``: ``push_row``, the list of rows of a recursion in compiled code;
* ``directions``: vector mode, tangents with a leading axis of directions (``lift_to``, ``tangent_zeros``, ...).

Helpers named ``*_tangent`` and ``*_adjoint_adjoint`` are derivatives of other
helpers, for second order (their rules are in ``derivatives/runtime_rules.py``).
"""

from .broadcasting import rebroadcast, reduce_like, unbroadcast, unreduce, untranspose_axes
from .chains import multi_dot_adjoint, multi_dot_adjoint_adjoint, multi_dot_adjoint_tangent, multi_dot_tangent
from .decompositions import (
    cholesky_adjoint,
    cholesky_adjoint_adjoint,
    cholesky_adjoint_tangent,
    eigh_adjoint,
    eigh_adjoint_adjoint,
    eigh_adjoint_tangent,
    complete_columns,
    full_column_rank,
    real_spectrum,
    solve_adjoint,
    solve_adjoint_adjoint,
    solve_adjoint_tangent,
    unique_columns,
)
from .elements import float_lists, write_back
from .float_math import float_cos, float_cosh, float_log, float_sin, float_sinh, float_sqrt
from .dicts import (
    dict_entries,
    dict_of,
    item_tangents,
    items_of,
    keys_of,
    record_adjoint,
    record_entries,
    record_of,
    unitems,
    unvalues,
    values_of,
)
from .directions import (
    array_of_tangents,
    count_directions,
    direction_of,
    dot_left,
    dot_right,
    lift_to,
    matmul_dx_tangent,
    matmul_dy_tangent,
    matmul_left,
    matmul_right,
    stack_directions,
    tangent_axes,
    tangent_axis,
    tangent_item,
    tangent_zeros,
    unbroadcast_tangent,
    unindex_tangent,
    unreduce_tangent,
    updated_tangent,
    unstack_tangent,
    unpacked_adjoint_tangent,
    unconcatenate_tangent,
    unstack_axis_tangent,
    extremum_adjoint_tangent,
)
from .diagonals import undiag, undiagonal, untrace
from .joining import (
    linspace_adjoint,
    restack,
    split_parts,
    stacked,
    unconcatenate,
    unpacked_adjoint,
    undiff,
    unhstack,
    unrepeat,
    unstack,
    uncolumn_stack,
    undstack,
    unstack_axis,
    untile,
    unvstack,
)
from .matrix_functions import assumed_structure, frechet_block, lu_permutation, unblock_diag
from .methods import appended, astype, copy_of, require_number, same_method, updated
from .norms import matrix_norm_adjoint, matrix_norm_adjoint_tangent, norm_adjoint, norm_adjoint_tangent
from .products import (
    along_axis,
    convolve_padding,
    dot_adjoint,
    einsum_adjoint,
    einsum_adjoint_tangent,
    einsum_tangent,
    inner_adjoint,
    kron_layout,
    matmul_dx,
    matmul_dx_adjoint_grad,
    matmul_dx_adjoint_w,
    matmul_dy,
    matmul_dy_adjoint_grad,
    matmul_dy_adjoint_x,
    outer_adjoint,
    tensordot_adjoint,
)
from .reductions import (
    clip_mask,
    extremum_adjoint,
    extremum_added,
    interp_weights,
    prod_adjoint,
    prod_others_tangent,
    quantile_weights,
    weights_shape,
    uncumsum,
    var_adjoint,
)
from .revolve import revolve
from .scans import linear_scan, merged_axes, reduceat_segments, shift_along, unmerged_axes
from .statistics import cov_rows, cov_weights, ediff1d_span, gradient_tuple, uncov_rows, ungradient
from .scatter import PAD_COPY_MODES, add_at, field_tangent, unattribute, unattributes, unindex, unpad, unsort, untake, untake_along_axis
from .spectra import dual_norm, fft_axes, fft_sizes, fit_to, half_spectrum_weights
from .seeds import seed_like, seed_scalar, zeroed, zeros_like
from .sequences import (
    dist_adjoint,
    dist_adjoint_adjoint,
    extremum_args_adjoint,
    extremum_args_pick,
    hypot_adjoint,
    hypot_adjoint_adjoint,
    prod_items_adjoint,
    prod_items_adjoint_adjoint,
    prod_items_adjoint_tangent,
    sequence_length,
    sum_adjoint,
    sum_adjoint_adjoint,
)
from .rows import push_row
from .values import GradDict, GradTuple, SHAPE_ONLY_ARGUMENTS, ShapeOf, SparseTuple, shape_of, size_of

__all__ = [
    "split_parts",
    "float_lists",
    "write_back",
    "float_cos",
    "float_cosh",
    "float_log",
    "float_sin",
    "float_sinh",
    "float_sqrt",
    "array_of_tangents",
    "count_directions",
    "direction_of",
    "dot_left",
    "dot_right",
    "lift_to",
    "matmul_dx_tangent",
    "matmul_dy_tangent",
    "matmul_left",
    "matmul_right",
    "stack_directions",
    "tangent_axes",
    "tangent_axis",
    "tangent_item",
    "tangent_zeros",
    "unbroadcast_tangent",
    "unindex_tangent",
    "unreduce_tangent",
    "updated_tangent",
    "unstack_tangent",
    "unpacked_adjoint_tangent",
    "unconcatenate_tangent",
    "unstack_axis_tangent",
    "extremum_adjoint_tangent",
    "dict_of",
    "dict_entries",
    "items_of",
    "item_tangents",
    "values_of",
    "keys_of",
    "unitems",
    "unvalues",
    "record_of",
    "record_entries",
    "record_adjoint",
    "assumed_structure",
    "frechet_block",
    "lu_permutation",
    "unblock_diag",
    "dual_norm",
    "fft_axes",
    "fft_sizes",
    "fit_to",
    "half_spectrum_weights",
    "multi_dot_adjoint",
    "multi_dot_adjoint_tangent",
    "multi_dot_adjoint_adjoint",
    "multi_dot_tangent",
    "real_spectrum",
    "unique_columns",
    "complete_columns",
    "full_column_rank",
    "linear_scan",
    "shift_along",
    "merged_axes",
    "unmerged_axes",
    "reduceat_segments",
    "cov_rows",
    "uncov_rows",
    "cov_weights",
    "gradient_tuple",
    "ungradient",
    "ediff1d_span",
    "copy_of",
    "astype",
    "size_of",
    "matrix_norm_adjoint",
    "unsort",
    "untile",
    "unrepeat",
    "undiff",
    "unpad",
    "untake_along_axis",
    "linspace_adjoint",
    "cholesky_adjoint",
    "eigh_adjoint",
    "prod_items_adjoint",
    "prod_others_tangent",
    "prod_items_adjoint_tangent",
    "prod_items_adjoint_adjoint",
    "norm_adjoint_tangent",
    "matrix_norm_adjoint_tangent",
    "einsum_adjoint_tangent",
    "cholesky_adjoint_tangent",
    "cholesky_adjoint_adjoint",
    "eigh_adjoint_tangent",
    "eigh_adjoint_adjoint",
    "solve_adjoint_tangent",
    "solve_adjoint_adjoint",
    "hypot_adjoint",
    "dist_adjoint",
    "hypot_adjoint_adjoint",
    "dist_adjoint_adjoint",
    "extremum_args_pick",
    "sum_adjoint_adjoint",
    "restack",
    "unpacked_adjoint",
    "revolve",
    "extremum_args_adjoint",
    "sequence_length",
    "sum_adjoint",
    "solve_adjoint",
    "norm_adjoint",
    "einsum_adjoint",
    "uncolumn_stack",
    "undstack",
    "kron_layout",
    "convolve_padding",
    "along_axis",
    "quantile_weights",
    "weights_shape",
    "interp_weights",
    "tensordot_adjoint",
    "inner_adjoint",
    "outer_adjoint",
    "dot_adjoint",
    "untrace",
    "undiagonal",
    "undiag",
    "untake",
    "unvstack",
    "unhstack",
    "unstack_axis",
    "stacked",
    "unconcatenate",
    "clip_mask",
    "uncumsum",
    "var_adjoint",
    "prod_adjoint",
    "extremum_adjoint",
    "extremum_added",
    "einsum_tangent",
    "matmul_dy_adjoint_x",
    "matmul_dy_adjoint_grad",
    "matmul_dx_adjoint_w",
    "matmul_dx_adjoint_grad",
    "reduce_like",
    "GradTuple",
    "SparseTuple",
    "GradDict",
    "rebroadcast",
    "shape_of",
    "appended",
    "push_row",
    "require_number",
    "same_method",
    "updated",
    "zeroed",
    "matmul_dx",
    "matmul_dy",
    "seed_like",
    "seed_scalar",
    "unbroadcast",
    "unindex",
    "add_at",
    "unattribute",
    "unattributes",
    "field_tangent",
    "unreduce",
    "unstack",
    "untranspose_axes",
    "zeros_like",
]


# Each public helper names this package as its module, the path generated code imports it
# from: messages (``s2s.runtime.unindex``) and pickles (``GradTuple``) use it.
for _name in __all__ + ["ShapeOf"]:
    globals()[_name].__module__ = __name__
del _name
