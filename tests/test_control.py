"""Reverse mode through control flow and recursion, against finite differences.

Each CASES entry is (function, input makers, wrt).  Where control flow depends
on the data (or on an int argument, or on a shape) the makers take different
branches and trip counts; every input keeps each condition well away from its
boundary, so a small perturbation never changes the path taken.
"""

import inspect
import sys

import numpy as np
import pytest

import s2s
from gradcheck import check_grad, numeric_grad
from programs import control as P


def R(seed, *shape, scale=1.0, shift=0.0):
    """Deterministic normal inputs: one generator per call, so the values do
    not depend on which tests run or in what order."""
    return np.random.default_rng(seed).normal(size=shape) * scale + shift


def U(seed, lo, hi, *shape):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


def A(*values):
    return np.array(values, dtype=np.float64)


def with_sum(seed, n, total):
    """A vector with the given sum."""
    x = R(seed, n, scale=0.5)
    return x - x.mean() + total / n


def rows_with_sums(seed, sums, width):
    """A matrix whose row sums are ``sums``."""
    return np.stack([with_sum(seed + k, width, s) for k, s in enumerate(sums)])


def rnn_args(T, seed=0):
    return [R(seed, 4, 4, scale=0.4), R(seed + 1, 4, 3, scale=0.5), R(seed + 2, 4, scale=0.2), R(seed + 3, T, 3)]


def mlp_args():
    return [R(30, 3, 4, scale=0.5), R(31, 4, scale=0.1), R(32, 4, 2, scale=0.5), R(33, 2, scale=0.1), R(34, 3)]


IDX_A = np.array([0, 2])
IDX_B = np.array([4, 1, 3])


CASES = [
    # if / elif / else
    (P.if_any, [lambda: [A(0.2, -0.4, 0.7, 0.1, -0.9)], lambda: [A(0.2, 1.6, -0.3, 0.5, 1.2)]], 0),
    (P.if_all, [lambda: [U(1, 0.3, 2.0, 5)], lambda: [A(0.5, -0.6, 1.1, 0.4, 0.8)]], 0),
    (P.if_sum_positive, [lambda: [with_sum(2, 5, 1.5)], lambda: [with_sum(3, 5, -1.5)]], 0),
    (P.if_elif_else, [lambda: [with_sum(4, 5, 2.5)], lambda: [with_sum(5, 5, 0.2)], lambda: [with_sum(6, 5, -2.5)]], 0),
    (P.if_scalar, [lambda: [1.3, 0.4], lambda: [0.2, 0.9]], (0, 1)),
    (P.if_int_param, [lambda: [R(7, 4), 2], lambda: [R(7, 4), 7], lambda: [R(7, 4), 3]], 0),
    (P.if_without_else, [lambda: [with_sum(8, 4, 1.0)], lambda: [with_sum(8, 4, -1.0)]], 0),
    (P.if_both_define, [lambda: [A(0.9, -0.2, 0.3), R(9, 3, 3)], lambda: [A(0.1, -0.2, 0.3), R(9, 3, 3)]], (0, 1)),
    (P.if_on_shape, [lambda: [R(10, 5)], lambda: [R(11, 3)]], 0),
    (P.if_norm_clip, [lambda: [A(2.0, -1.5, 1.0, 2.5), R(12, 4)], lambda: [A(0.5, -0.3, 0.2, 0.4), R(12, 4)]], (0, 1)),
    (P.if_compare_args, [lambda: [A(1.5, 0.2, -0.3), A(0.4, 0.9, -1.0)], lambda: [A(0.5, 0.2, -0.3), A(0.4, 0.9, -1.0)]], (0, 1)),
    (P.if_combined_mask, [lambda: [with_sum(13, 3, 1.0), with_sum(14, 3, 0.8)],
                          lambda: [with_sum(13, 3, 1.0), with_sum(14, 3, -0.8)]], (0, 1)),
    (P.if_augassign, [lambda: [A(0.3, -0.2, 1.1, 0.6)], lambda: [A(0.3, -1.2, 1.1, 0.6)]], 0),
    (P.if_condition_on_active_value, [lambda: [A(0.4, 1.7, -0.5, 0.9)], lambda: [A(0.4, 0.7, -0.5, 0.2)]], 0),
    (P.if_float_and_array, [lambda: [R(15, 4), 0.8], lambda: [R(15, 4), -0.6]], (0, 1)),
    # nested ifs
    (P.nested_if, [lambda: [A(2.0, 0.3, 0.1, -0.4)], lambda: [A(0.9, 0.2, 0.4, -0.3)],
                   lambda: [A(1.0, -0.8, -0.7, -0.6)], lambda: [A(0.2, -0.5, -0.3, -0.9)]], 0),
    (P.nested_if_elif, [lambda: [A(1.5, 0.3, -0.2), A(0.2, -0.4, 0.1)],
                        lambda: [A(0.5, 0.3, 0.2), A(0.2, -1.5, 0.1)],
                        lambda: [A(0.5, 0.3, 0.2), A(0.2, -0.4, 0.1)],
                        lambda: [A(-0.5, 0.3, 0.2), A(0.2, 0.4, 0.1)]], (0, 1)),
    (P.nested_if_three_levels, [lambda: [2.0, 0.5], lambda: [0.5, 2.0], lambda: [1.0, -0.7], lambda: [-0.6, 0.3]], (0, 1)),
    (P.nested_if_reassign, [lambda: [A(2.0, 0.1, -0.3)], lambda: [A(0.6, 0.1, -0.3)], lambda: [A(-0.6, 0.1, -0.3)]], 0),
    # conditional expressions
    (P.ifexp_scalar, [lambda: [1.3, 0.4], lambda: [0.2, 0.9]], (0, 1)),
    (P.ifexp_array, [lambda: [with_sum(16, 4, 1.2)], lambda: [with_sum(16, 4, -1.2)]], 0),
    (P.ifexp_nested, [lambda: [with_sum(17, 4, 2.5)], lambda: [with_sum(17, 4, 0.1)], lambda: [with_sum(17, 4, -2.5)]], 0),
    (P.ifexp_in_call, [lambda: [with_sum(18, 3, 1.0), R(19, 3)], lambda: [with_sum(18, 3, -1.0), R(19, 3)]], (0, 1)),
    (P.ifexp_in_return, [lambda: [A(0.3, 1.4, -0.2)], lambda: [A(0.3, 0.4, -0.2)]], 0),
    (P.ifexp_both_operands_active, [lambda: [A(0.5, 0.8, -0.2), A(1.0, 0.7, 0.3)],
                                    lambda: [A(0.5, -1.8, -0.2), A(1.0, 0.7, 0.3)],
                                    lambda: [A(-1.5, 1.2, 0.9), A(0.2, 0.7, 0.3)]], (0, 1)),
    (P.ifexp_int_condition, [lambda: [R(20, 3), 5], lambda: [R(20, 3), 1]], 0),
    (P.ifexp_in_loop, [lambda: [A(0.5, -0.7, 1.2, -0.3)], lambda: [A(0.5, 0.7, 1.2, 0.3)]], 0),
    # early return
    (P.early_return_if, [lambda: [with_sum(21, 4, 1.0)], lambda: [with_sum(21, 4, -1.0)]], 0),
    (P.early_return_else, [lambda: [A(1.2, 0.4, -0.3), A(1.0, 0.5, 0.5)], lambda: [A(0.2, 0.4, -0.3), A(1.0, 0.5, 0.5)]], (0, 1)),
    (P.early_return_every_branch, [lambda: [2.7], lambda: [0.8], lambda: [-0.6]], 0),
    (P.early_return_depths, [lambda: [A(2.5, -1.2, 0.4, 0.3)], lambda: [A(2.3, -0.5, 0.2, 0.1)],
                             lambda: [A(0.9, 0.5, -0.2, 0.3)], lambda: [A(-0.9, 0.5, -0.2, -0.3)]], 0),
    (P.early_return_float, [lambda: [2.0, 1.5], lambda: [1.0, 0.3], lambda: [0.3, -0.2]], (0, 1)),
    (P.early_return_after_work, [lambda: [A(0.5, 0.3, 0.2), A(0.8, 0.1, 0.2, 0.3, 0.9, -0.1, 0.2, 0.4, 0.7).reshape(3, 3)],
                                 lambda: [A(-0.5, -0.3, -0.2), A(0.8, 0.1, 0.2, 0.3, 0.9, -0.1, 0.2, 0.4, 0.7).reshape(3, 3)]], (0, 1)),
    (P.early_return_int_guard, [lambda: [R(22, 3), 0], lambda: [R(22, 3), 2]], 0),
    # for over range
    (P.range_basic, [lambda: [R(23, 3), 0], lambda: [R(23, 3), 1], lambda: [R(23, 3), 4]], 0),
    (P.range_half_shape, [lambda: [R(24, 4)], lambda: [R(25, 7)]], 0),
    (P.range_start_stop_step, [lambda: [R(26, 6)], lambda: [R(27, 3)], lambda: [R(28, 1)]], 0),
    (P.range_negative_step, [lambda: [R(29, 5)], lambda: [R(29, 1)]], 0),
    (P.range_negative_step_computed, [lambda: [R(35, 7), 1], lambda: [R(35, 7), 2], lambda: [R(35, 7), 4]], 0),
    (P.range_bounds_from_data, [lambda: [A(0.3, 1.5, -0.2, 0.4, 0.1, 0.6)], lambda: [A(0.3, 0.5, -0.2, 0.4, 0.1, 0.6)],
                                lambda: [A(-0.3, 1.5, -0.9, -0.4, 0.1, -0.6)], lambda: [A(-0.3, 0.5, -0.9, -0.4, 0.1, -0.6)]], 0),
    (P.range_index_arithmetic, [lambda: [R(36, 3, scale=0.7), 1], lambda: [R(36, 3, scale=0.7), 4]], 0),
    (P.range_len, [lambda: [R(37, 4), R(38, 4, 3, scale=0.5)], lambda: [R(37, 2), R(38, 2, 3, scale=0.5)]], (0, 1)),
    (P.range_two_int_args, [lambda: [R(39, 3), 1, 4], lambda: [R(39, 3), -2, 0], lambda: [R(39, 3), 3, 3]], 0),
    # for over an array
    (P.for_rows, [lambda: [R(40, 3, 4), R(41, 4)], lambda: [R(42, 6, 4), R(41, 4)]], (0, 1)),
    (P.for_rows_carried, [lambda: [R(43, 2, 3)], lambda: [R(44, 5, 3)]], 0),
    (P.for_elements, [lambda: [R(45, 4)], lambda: [R(46, 1)]], 0),
    (P.for_columns, [lambda: [R(47, 3, 2)], lambda: [R(48, 2, 5)]], 0),
    (P.for_rows_branch, [lambda: [rows_with_sums(49, [1.0, -1.0, 0.8], 3)], lambda: [rows_with_sums(53, [-1.0, -0.7], 3)]], 0),
    (P.for_matrices, [lambda: [R(56, 3, 2, 2)], lambda: [R(57, 1, 3, 3)]], 0),
    # for over lists and tuples
    (P.for_list_literal, [lambda: [R(58, 3), R(59, 3), R(60, 3)]], (0, 1, 2)),
    (P.for_tuple_literal, [lambda: [R(61, 3), R(62, 3)]], (0, 1)),
    (P.for_list_variable, [lambda: [R(63, 3), R(64, 3)]], (0, 1)),
    (P.for_tuple_from_helper, [lambda: [R(65, 6)], lambda: [R(66, 4)]], 0),
    (P.for_list_of_floats, [lambda: [0.7, -1.3]], (0, 1)),
    (P.for_list_mixed_shapes, [lambda: [R(67, 3), R(68, 3, 3, scale=0.5)]], (0, 1)),
    (P.for_list_branch, [lambda: [with_sum(69, 3, 1.0), with_sum(70, 3, -1.0), with_sum(71, 3, 0.7)],
                         lambda: [with_sum(69, 3, -1.0), with_sum(70, 3, 1.0), with_sum(71, 3, -0.7)]], (0, 1, 2)),
    # enumerate and zip
    (P.reversed_rows, [lambda: [R(70, 3, 4), R(71, 4)], lambda: [R(70, 1, 4), R(71, 4)]], (0, 1)),
    (P.reversed_list, [lambda: [R(74, 2), 0.3, R(76, 2, 2)]], (0, 1, 2)),
    (P.zip_reversed, [lambda: [R(77, 4), R(78, 3)], lambda: [R(77, 2), R(78, 5)]], (0, 1)),
    (P.enumerate_array, [lambda: [R(72, 4)], lambda: [R(73, 2)]], 0),
    (P.enumerate_list, [lambda: [R(74, 2), R(75, 3), R(76, 2, 2)]], (0, 1, 2)),
    (P.enumerate_rows, [lambda: [R(77, 3, 2)], lambda: [R(78, 1, 4)]], 0),
    (P.zip_arrays, [lambda: [R(79, 4), R(80, 4)], lambda: [R(81, 2), R(82, 2)]], (0, 1)),
    (P.zip_layers, [mlp_args], (0, 1, 2, 3, 4)),
    (P.zip_rows, [lambda: [R(83, 3, 2), R(84, 3, 2)], lambda: [R(85, 1, 4), R(86, 1, 4)]], (0, 1)),
    (P.zip_unequal_lengths, [lambda: [R(87, 5), R(88, 3)], lambda: [R(87, 2), R(88, 4)]], (0, 1)),
    (P.zip_three, [lambda: [R(89, 3), R(90, 3), R(91, 3)]], (0, 1, 2)),
    (P.enumerate_zip, [lambda: [R(92, 4), R(93, 4)], lambda: [R(94, 2), R(95, 3)]], (0, 1)),
    (P.enumerate_zip_branch, [lambda: [rows_with_sums(96, [0.3, 1.0, -0.5, -1.0], 2), R(100, 4)],
                              lambda: [rows_with_sums(101, [0.3, -1.0, -0.5], 2), R(104, 3)]], (0, 1)),
    # nested loops
    (P.nested_range, [lambda: [R(105, 3), 2, 3], lambda: [R(105, 3), 0, 2], lambda: [R(105, 3), 3, 1]], 0),
    (P.triangular_lower, [lambda: [R(106, 4)], lambda: [R(107, 2)]], 0),
    (P.triangular_upper, [lambda: [R(108, 4)], lambda: [R(109, 3)]], 0),
    (P.triangular_reverse, [lambda: [R(110, 4)], lambda: [R(111, 2)]], 0),
    (P.nested_rows_cols, [lambda: [R(112, 2, 3)], lambda: [R(113, 3, 1)]], 0),
    (P.nested_lists, [lambda: [R(114, 3), R(115, 3)]], (0, 1)),
    (P.nested_inner_carry, [lambda: [R(116, 2, 3)], lambda: [R(117, 3, 1)]], 0),
    (P.nested_three, [lambda: [R(118, 3)]], 0),
    (P.nested_data_dependent_inner, [lambda: [A(0.5, -0.4, 1.2)], lambda: [A(-0.5, -0.4, -1.2, 0.3)]], 0),
    # loop-carried values
    (P.carried_scalar, [lambda: [0.3, 4], lambda: [-0.4, 1], lambda: [0.5, 0]], 0),
    (P.carried_array, [lambda: [R(119, 3), 5], lambda: [R(119, 3), 1]], 0),
    (P.carried_two, [lambda: [R(120, 3), R(121, 3), 4], lambda: [R(120, 3), R(121, 3), 1]], (0, 1)),
    (P.carried_swap, [lambda: [R(122, 3), R(123, 3), 5], lambda: [R(122, 3), R(123, 3), 2]], (0, 1)),
    (P.power_iteration, [lambda: [R(124, 3, 3), U(125, 0.5, 1.0, 3), 6], lambda: [R(124, 3, 3), U(125, 0.5, 1.0, 3), 1]], (0, 1)),
    (P.carried_body_overwrites, [lambda: [R(126, 3), 4], lambda: [R(126, 3), 1]], 0),
    (P.carried_augassign, [lambda: [R(127, 3), 5], lambda: [R(127, 3), 0]], 0),
    (P.carried_matrix, [lambda: [R(128, 3, 3, scale=0.5), 3], lambda: [R(128, 3, 3, scale=0.5), 1]], 0),
    (P.rnn, [lambda: rnn_args(6), lambda: rnn_args(1)], ("W", "U", "b")),
    (P.rnn_rows_loss, [lambda: rnn_args(5, seed=10), lambda: rnn_args(2, seed=10)], ("W", "U", "b", "xs")),
    # while with data-dependent conditions
    (P.newton_sqrt, [lambda: [2.0], lambda: [30.0], lambda: [0.2]], 0),
    (P.newton_sqrt_array, [lambda: [A(2.0, 0.5, 3.0)], lambda: [A(40.0, 0.05)]], 0),
    (P.series_exp_while, [lambda: [0.3], lambda: [2.1], lambda: [-1.7]], 0),
    (P.halve_until_small, [lambda: [A(0.1, 0.2, -0.1)], lambda: [A(1.0, 2.0, -1.5)], lambda: [A(0.3, -0.4, 0.2)]], 0),
    (P.while_counter, [lambda: [R(129, 3), 0], lambda: [R(129, 3), 3]], 0),
    (P.fixed_point_cos, [lambda: [0.5], lambda: [0.9]], 0),
    (P.while_growth, [lambda: [U(130, 0.5, 1.5, 3)], lambda: [U(131, 3.0, 4.0, 3)]], 0),
    (P.while_compound_condition, [lambda: [A(0.3, -0.2, 0.4)], lambda: [A(1.0, 1.4, -1.2)], lambda: [A(0.01, -0.02, 0.03)]], 0),
    (P.while_in_for, [lambda: [A(0.05, 0.5, 2.0)], lambda: [A(0.25, 0.07)]], 0),
    (P.while_with_if, [lambda: [A(0.5, 1.0, -0.2)], lambda: [A(-0.5, -1.0, 0.2)]], 0),
    # break and continue
    (P.for_break, [lambda: [A(0.5, 1.2, -0.3, 0.8)], lambda: [A(0.5, 1.2, 0.3, 0.8)], lambda: [A(-0.5, 1.2, 0.3, 0.8)]], 0),
    (P.for_continue, [lambda: [A(0.5, -1.2, 0.3, -0.8)], lambda: [A(0.5, 1.2, 0.3, 0.8)]], 0),
    (P.series_with_break, [lambda: [0.5], lambda: [2.5], lambda: [-1.5]], 0),
    (P.while_true_break, [lambda: [A(0.15, -0.1)], lambda: [A(1.5, -2.0, 0.7)]], 0),
    (P.while_break_counter, [lambda: [0.3], lambda: [4.0], lambda: [1.7]], 0),
    (P.while_continue, [lambda: [R(132, 3), 5], lambda: [R(132, 3), 2], lambda: [R(132, 3), 0]], 0),
    (P.while_continue_data, [lambda: [A(0.5, 1.5, -0.3, 2.0)], lambda: [A(0.5, 0.4, -0.3)]], 0),
    (P.break_inner, [lambda: [A(0.5, 1.5, 0.2, -0.3, 0.4, 0.6).reshape(2, 3)], lambda: [A(0.5, 0.5, 0.2, -0.3, 0.4, 1.6).reshape(2, 3)]], 0),
    (P.break_outer_flag, [lambda: [A(0.5, 0.2, 0.1, -0.3, 1.4, 0.6, 0.3, 0.2, 0.1).reshape(3, 3)],
                          lambda: [A(0.5, 0.2, 0.1, -0.3, 0.4, 0.6, 0.3, 0.2, 0.1).reshape(3, 3)]], 0),
    (P.break_and_continue, [lambda: [A(0.5, -0.4, 0.8, -1.5, 0.3)], lambda: [A(0.5, -0.4, 0.8, 1.5, 0.3)], lambda: [A(-1.2, 0.4)]], 0),
    (P.break_in_while_in_for, [lambda: [R(133, 3)], lambda: [R(134, 1)]], 0),
    # return inside loops
    (P.return_in_for, [lambda: [A(0.5, -0.3, 1.4, 0.2)], lambda: [A(0.5, -0.3, 0.4, 0.2)], lambda: [A(1.5, -0.3)]], 0),
    (P.return_in_while, [lambda: [0.5], lambda: [3.0], lambda: [12.0]], 0),
    (P.return_in_nested_loops, [lambda: [A(0.5, 1.2, 0.3, 1.5, 0.2, 0.1).reshape(2, 3)], lambda: [A(0.5, 0.2, 0.3, 0.5, 0.2, 0.1).reshape(3, 2)]], 0),
    (P.return_after_carried, [lambda: [A(0.5, 0.6, 0.8), 4], lambda: [A(-1.5, -0.6, -0.8), 3], lambda: [A(0.1, 0.2, 0.3), 0]], 0),
    (P.return_in_for_over_list, [lambda: [A(0.3, 0.2), A(1.0, 0.5), A(2.0, 0.1)], lambda: [A(0.3, 0.2), A(0.1, 0.5), A(0.2, 0.1)]], (0, 1, 2)),
    # lists built with append
    (P.append_stack, [lambda: [R(135, 3), R(136, 3), 4], lambda: [R(135, 3), R(136, 3), 1]], (0, 1)),
    (P.append_sum, [lambda: [R(137, 3)]], 0),
    (P.append_last, [lambda: [R(138, 3), 3], lambda: [R(138, 3), 0]], 0),
    (P.append_index_loop, [lambda: [R(139, 4)], lambda: [R(140, 2)]], 0),
    (P.append_conditional_len, [lambda: [A(0.5, -1.2, 0.3, 0.8)], lambda: [A(-0.5, -1.2, 0.3, -0.8)], lambda: [A(-0.5, -0.2)]], 0),
    (P.append_reverse_index, [lambda: [R(141, 3), 4], lambda: [R(141, 3), 1]], 0),
    (P.append_stack_variants, [lambda: [R(142, 3, 2)], lambda: [R(143, 2, 2)]], 0),
    (P.append_then_iterate, [lambda: [R(144, 3)]], 0),
    (P.append_read_earlier, [lambda: [R(145, 3, scale=0.5), 4], lambda: [R(145, 3, scale=0.5), 0]], 0),
    (P.append_in_while, [lambda: [0.5], lambda: [3.0]], 0),
    # helpers returning tuples
    (P.tuple_helper_unpack, [lambda: [A(2.0, 1.5, 0.5), A(0.5, 1.0, 2.0)], lambda: [A(0.2, 0.5, 0.3), A(0.4, -0.3, 0.6)]], (0, 1)),
    (P.tuple_helper_in_loop, [lambda: [R(146, 3), R(147, 3), 5], lambda: [R(146, 3), R(147, 3), 1]], (0, 1)),
    (P.tuple_helper_partial, [lambda: [R(148, 4)]], 0),
    (P.tuple_helper_index, [lambda: [R(149, 4)]], 0),
    (P.tuple_helper_branches, [lambda: [1.5, 0.2], lambda: [0.1, 0.7]], (0, 1)),
    (P.tuple_helper_welford, [lambda: [R(150, 5)], lambda: [R(151, 2)]], 0),
    # subscript assignment
    (P.setitem_loop, [lambda: [R(152, 4)], lambda: [R(153, 3)]], 0),
    (P.setitem_column_aug, [lambda: [R(154, 3, 2), R(155, 2)], lambda: [R(156, 2, 4), R(157, 4)]], (0, 1)),
    (P.setitem_index_array, [lambda: [R(158, 5), IDX_A], lambda: [R(158, 5), IDX_B]], 0),
    (P.setitem_scale, [lambda: [R(159, 4), 1.7]], (0, 1)),
    (P.setitem_overwrite_cut, [lambda: [R(160, 4), 0.7]], (0, 1)),
    (P.setitem_overwrite_loop_cut, [lambda: [R(161, 5), 0.4], lambda: [R(162, 2), -0.3]], (0, 1)),
    (P.setitem_index_array_cut, [lambda: [R(163, 5), R(164, 2), IDX_A], lambda: [R(163, 5), R(165, 3), IDX_B]], (0, 1)),
    (P.setitem_recurrence, [lambda: [R(166, 5)], lambda: [R(167, 1)]], 0),
    (P.setitem_rows_recurrence, [lambda: [R(168, 3, 2)], lambda: [R(169, 1, 3)]], 0),
    (P.setitem_slices, [lambda: [R(170, 3)], lambda: [R(171, 5)]], 0),
    (P.setitem_branch, [lambda: [with_sum(172, 3, 1.0)], lambda: [with_sum(172, 3, -1.0)]], 0),
    (P.setitem_repeated_index, [lambda: [R(173, 3)], lambda: [R(174, 1)]], 0),
    (P.setitem_lower_gram, [lambda: [R(175, 3, 2, scale=0.7)], lambda: [R(176, 1, 3, scale=0.7)]], 0),
    (P.setitem_negative_and_rows, [lambda: [R(177, 3, 3), R(178, 3)]], (0, 1)),
    # user-function calls in loops and branches
    (P.call_in_loop, [lambda: [R(179, 3), R(180, 3, 3, scale=0.5), 3], lambda: [R(179, 3), R(180, 3, 3, scale=0.5), 0]], (0, 1)),
    (P.call_in_branch, [lambda: [with_sum(181, 3, 1.0)], lambda: [with_sum(181, 3, -1.0)]], 0),
    (P.call_branching_helper_in_loop, [lambda: [A(0.8, -0.2, -0.9, 0.1)], lambda: [A(0.2, -0.2, 0.3)]], 0),
    (P.call_looping_helper_in_loop, [lambda: [R(182, 3)]], 0),
    (P.call_in_while, [lambda: [0.6], lambda: [3.0], lambda: [6.0]], 0),
    (P.call_different_active_args, [lambda: [R(183, 3, scale=0.5), R(184, 3)]], 0),
    # recursion
    (P.factorial_like, [lambda: [R(185, 3, scale=0.3), 4], lambda: [R(185, 3, scale=0.3), 1], lambda: [R(185, 3, scale=0.3), 0]], 0),
    (P.power_by_squaring, [lambda: [U(186, 0.6, 1.1, 3), 13], lambda: [U(186, 0.6, 1.1, 3), 8], lambda: [U(186, 0.6, 1.1, 3), 1]], 0),
    (P.recursive_list_sum, [lambda: [R(187, 3), R(188, 3), R(189, 3)]], (0, 1, 2)),
    (P.recursive_list_sum_appended, [lambda: [R(190, 3), 4], lambda: [R(190, 3), 1]], 0),
    (P.horner_recursive, [lambda: [R(191, 4), R(192, 3)], lambda: [R(193, 6, scale=0.5), R(194, 2)]], (0, 1)),
    (P.tree_recursion, [lambda: [R(195, 3), R(196, 3), R(197, 3), 0], lambda: [R(195, 3), R(196, 3), R(197, 3), 1]], (0, 1, 2)),
    (P.tree_balanced, [lambda: [R(198, 2), R(199, 2), R(200, 2), R(201, 2)]], (0, 1, 2, 3)),
    (P.mutual_recursion, [lambda: [R(202, 3), 5], lambda: [R(202, 3), 6], lambda: [R(202, 3), 0]], 0),
    (P.deep_recursion, [lambda: [R(203, 3), 7], lambda: [R(203, 3), 0]], 0),
    (P.recursion_data_termination, [lambda: [A(0.1, -0.2, 0.15)], lambda: [A(1.0, 2.0, -1.5)]], 0),
    (P.recursion_swapping_args, [lambda: [R(204, 3), R(205, 3), 5], lambda: [R(204, 3), R(205, 3), 2]], (0, 1)),
    (P.recursion_returning_tuple, [lambda: [R(206, 3, scale=0.5), 3], lambda: [R(206, 3, scale=0.5), 0]], 0),
    (P.recursion_with_loop, [lambda: [R(207, 3), 3], lambda: [R(207, 3), 1]], 0),
    (P.loop_calling_recursion, [lambda: [U(208, 0.5, 1.2, 3)]], 0),
    (P.recursion_on_float, [lambda: [0.7, 5], lambda: [-0.4, 1]], 0),
]

PARAMS = [
    pytest.param(f, make, wrt, id=f"{f.__name__}-{k}")
    for f, makers, wrt in CASES
    for k, make in enumerate(makers)
]


def test_corpus_is_large():
    functions = [f for f, _, _ in CASES]
    assert len(set(functions)) == len(functions)
    assert len(functions) >= 90


def test_every_entry_point_is_tested():
    listed = {f for f, _, _ in CASES}
    defined = {
        f for name, f in vars(P).items()
        if inspect.isfunction(f) and f.__module__ == P.__name__ and not name.startswith("h_")
    }
    assert defined == listed, sorted(g.__name__ for g in defined ^ listed)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("f, make_args, wrt", PARAMS)
def test_matches_finite_differences(f, make_args, wrt, optimize):
    check_grad(f, make_args(), wrt=wrt, optimize=optimize)


# ---------------------------------------------------------------------------
# the acceptance cases, by name
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
def test_rnn_over_50_steps(optimize):
    args = rnn_args(50, seed=300)
    assert args[3].shape[0] == 50
    check_grad(P.rnn, args, wrt=("W", "U", "b"), optimize=optimize)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("a", [0.2, 2.0, 30.0])
def test_newton_sqrt(a, optimize):
    g = check_grad(P.newton_sqrt, [a], wrt=0, optimize=optimize)
    np.testing.assert_allclose(g, 0.5 / np.sqrt(a), rtol=1e-6)
    ga = check_grad(P.newton_sqrt_array, [A(a, 4.0)], wrt=0, optimize=optimize)
    np.testing.assert_allclose(ga, 0.5 / np.sqrt(A(a, 4.0)), rtol=1e-6)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("x", [-1.5, 0.5, 2.5])
def test_series_summed_with_break(x, optimize):
    # the Taylor series of exp, cut when a term drops below 1e-12
    g = check_grad(P.series_with_break, [x], wrt=0, optimize=optimize)
    np.testing.assert_allclose(g, np.exp(x), rtol=1e-9)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("n", [1, 2, 7, 8, 13])
def test_recursive_power_by_squaring(n, optimize):
    x = U(400, 0.6, 1.1, 4)
    g = check_grad(P.power_by_squaring, [x, n], wrt=0, optimize=optimize)
    np.testing.assert_allclose(g, n * x ** (n - 1), rtol=1e-9)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("n", [0, 1, 5, 6])
def test_mutually_recursive_pair(n, optimize):
    check_grad(P.mutual_recursion, [R(401, 4), n], wrt=0, optimize=optimize)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
def test_recursion_depth_500(optimize):
    x = R(402, 3)
    old = sys.getrecursionlimit()
    # pytest's own stack, then at most two generated frames per level of the
    # user's recursion (the primal alone needs one per level)
    sys.setrecursionlimit(max(old, len(inspect.stack(0)) + 2 * 500 + 100))
    try:
        check_grad(P.deep_recursion, [x, 500], wrt=0, optimize=optimize)
    finally:
        sys.setrecursionlimit(old)


# ---------------------------------------------------------------------------
# overwritten values: their gradient is cut
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
def test_overwritten_element_gets_no_gradient(optimize):
    x, z = R(403, 4), 0.7
    gx, gz = s2s.grad(P.setitem_overwrite_cut, wrt=(0, 1), optimize=optimize)(x, z)
    assert gx[0] == 0.0
    np.testing.assert_allclose(gx[1:], 8.0 * x[1:], rtol=1e-12)
    np.testing.assert_allclose(gz, 2.0 * z, rtol=1e-12)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
def test_overwritten_elements_in_loop_get_no_gradient(optimize):
    x, z = R(404, 5), 0.4
    gx, _ = s2s.grad(P.setitem_overwrite_loop_cut, wrt=(0, 1), optimize=optimize)(x, z)
    np.testing.assert_array_equal(gx[::2], 0.0)
    np.testing.assert_allclose(gx[1::2], 2.0 * np.exp(2.0 * x[1::2]), rtol=1e-12)


@pytest.mark.parametrize("optimize", [True, False], ids=["opt", "noopt"])
def test_untaken_branch_gives_zero_gradient(optimize):
    x, y = A(0.5, 0.2, -0.3), A(0.4, 0.9, -1.0)
    gx, gy = s2s.grad(P.if_compare_args, wrt=(0, 1), optimize=optimize)(x, y)
    np.testing.assert_array_equal(gx, 0.0)
    np.testing.assert_allclose(gy, 3.0 * np.cos(y), rtol=1e-12)


def test_inputs_are_not_mutated():
    x = R(405, 5)
    before = x.copy()
    s2s.grad(P.setitem_recurrence)(x)
    s2s.grad(P.setitem_index_array)(x, IDX_B)
    np.testing.assert_array_equal(x, before)


def test_primal_value_unchanged():
    args = rnn_args(7, seed=406)
    value, _ = s2s.value_and_grad(P.rnn, wrt=("W", "U", "b"))(*args)
    np.testing.assert_allclose(value, P.rnn(*args), rtol=1e-12)
    value, _ = s2s.value_and_grad(P.newton_sqrt)(2.0)
    np.testing.assert_allclose(value, P.newton_sqrt(2.0), rtol=1e-12)
