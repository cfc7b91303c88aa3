"""Regression tests for the bugs the program fuzzer (tests/test_fuzz.py) found.

Each program is in tests/programs/fuzz_regressions.py and is checked with the
fuzzer's oracles: reverse mode against finite differences, optimize=False
against optimize=True, forward mode against reverse mode.  Each program's
docstring says what s2s did wrong before the fix.  A bug found but not yet
fixed gets ``pytest.mark.xfail(strict=True)`` here and its entry in
tests/fuzz/known.py; when the fix lands the test XPASSes, which fails, and both
go.  Several programs have cases on paths that always worked, to keep them so.
"""

import numpy as np
import pytest

from fuzz.oracles import check_function
from programs import fuzz_regressions as P


def R(seed, *shape):
    return np.random.default_rng(seed).normal(size=shape)


def A(*values):
    return np.array(values, dtype=np.float64)


CASES = [
    pytest.param(P.hypot_at_zero, [A(0.5, -0.2, 0.3), 0.1], 0, id="hypot_at_zero-zero"),
    pytest.param(P.hypot_at_zero, [A(0.5, -0.2, 0.3), 0.5], 0, id="hypot_at_zero-nonzero"),
    pytest.param(P.return_in_nested_if, [A(0.5, 1.5, -0.2)], 0, id="return_in_nested_if-returns"),
    pytest.param(P.return_in_nested_if, [A(0.5, 0.7, -0.2)], 0, id="return_in_nested_if-falls-through"),
    pytest.param(P.return_in_elif, [A(0.5, 0.7, -0.2)], 0, id="return_in_elif-returns"),
    pytest.param(P.return_in_elif, [A(1.5, 0.7, 0.2)], 0, id="return_in_elif-if"),
    pytest.param(P.rebind_iterated_array, [R(0, 2, 3)], 0, id="rebind_iterated_array"),
    pytest.param(P.rebind_enumerated_array, [R(1, 3, 2), R(2, 2)], (0, 1), id="rebind_enumerated_array"),
    pytest.param(P.inactive_call_in_branch, [R(3, 3), 0.5], 0, id="inactive_call_in_branch-then"),
    pytest.param(P.inactive_call_in_branch, [R(3, 3), 0.1], 0, id="inactive_call_in_branch-else"),
    pytest.param(P.inactive_call_in_branch, [R(3, 3), 0.5], (0, 1), id="inactive_call_in_branch-both-active"),
    pytest.param(P.return_in_loop_after_early_return, [0.5, 0.7], 1, id="return_in_loop_after_early_return-loop"),
    pytest.param(P.return_in_loop_after_early_return, [1.5, 0.7], 1, id="return_in_loop_after_early_return-if"),
    pytest.param(P.return_in_loop_after_early_return, [0.5, 0.3], (0, 1),
                 id="return_in_loop_after_early_return-end"),
    pytest.param(P.early_return_then_loop, [A(0.3, 0.5, -0.2), 0.7], 0, id="early_return_then_loop-loop"),
    pytest.param(P.early_return_then_loop, [A(0.3, 0.5, -0.2), 0.7], (0, 1), id="early_return_then_loop-loop-both"),
    pytest.param(P.early_return_then_loop, [A(2.3, 0.5, -0.2), 0.7], 0, id="early_return_then_loop-returns"),
    pytest.param(P.global_method_in_branch, [0.5], 0, id="global_method_in_branch-then"),
    pytest.param(P.global_method_in_branch, [-0.5], 0, id="global_method_in_branch-else"),
    pytest.param(P.zeros_in_branch, [R(5, 3), 0.5], 0, id="zeros_in_branch-zeros"),
    pytest.param(P.zeros_in_branch, [R(5, 3), -0.5], 0, id="zeros_in_branch-other"),
    pytest.param(P.global_zipped_in_branch, [R(6, 3, 3), 7], 0, id="global_zipped_in_branch-loop"),
    pytest.param(P.global_zipped_in_branch, [R(6, 3, 3), 1], 0, id="global_zipped_in_branch-no-loop"),
    pytest.param(P.number_rebound_after_broadcast, [R(7, 3)], 0, id="number_rebound_after_broadcast"),
    pytest.param(P.copy_of_a_call, [0.5, R(8, 3)], (0, 1), id="copy_of_a_call"),
    pytest.param(P.negative_literal_power, [R(4, 3)], 0, id="negative_literal_power"),
    pytest.param(P.norm_at_zero, [0.2, R(9, 3)], (0, 1), id="norm_at_zero-zero"),
    pytest.param(P.norm_at_zero, [0.5, R(9, 3)], (0, 1), id="norm_at_zero-nonzero"),
]


@pytest.mark.parametrize("f, args, wrt", CASES)
def test_fuzz_regression(f, args, wrt):
    check_function(f, args, wrt, fuzzing=False)
