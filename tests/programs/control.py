"""Control-flow test programs: branches, loops, lists, subscript assignment, recursion.

Every function whose name does not start with ``h_`` is a test entry point
(tests/test_control.py lists each in CASES with inputs that take different
branches and trip counts); ``h_`` functions are helpers the entry points call.
Each entry point returns a scalar.  Inputs in the tests keep every data-dependent
condition well away from its boundary, so that finite differences see a smooth
function.
"""

import math

import numpy as np


# ---------------------------------------------------------------------------
# if / elif / else: array conditions reduced with .any() / .all() / np.sum(x) > 0,
# and scalar conditions on floats and ints
# ---------------------------------------------------------------------------


def if_any(x):
    if (x > 1.0).any():
        y = np.sin(x) * x
    else:
        y = x * x
    return np.sum(y)


def if_all(x):
    if (x > 0.0).all():
        y = np.log(x)
    else:
        y = np.exp(x * 0.5)
    return np.sum(y * y)


def if_sum_positive(x):
    if np.sum(x) > 0:
        y = np.tanh(x)
    else:
        y = np.cos(x) * 2.0
    return np.sum(y * x)


def if_elif_else(x):
    s = np.sum(x)
    if s > 1.0:
        y = x * s
    elif s > -1.0:
        y = np.sin(x) + s
    else:
        y = np.exp(x) * 0.5
    return np.sum(y * y)


def if_scalar(a, b):
    if a > b:
        c = a * b + math.sin(a)
    else:
        c = a / b - math.cos(b)
    return c * c


def if_int_param(x, n):
    if n % 2 == 0:
        y = x * x
    elif n > 4:
        y = np.sin(x) * float(n)
    else:
        y = np.exp(x)
    return np.sum(y)


def if_without_else(x):
    y = x * 2.0
    if np.mean(x) > 0:
        y = y * x
    return np.sum(y)


def if_both_define(x, w):
    if np.max(x) > 0.5:
        z = x @ w
        t = z * 2.0
    else:
        z = x - 1.0
        t = np.cos(z)
    return np.sum(t * z)


def if_on_shape(x):
    if x.shape[0] > 3:
        y = x[:3] * x[-3:]
    else:
        y = x * x
    return np.sum(np.sin(y))


def if_norm_clip(x, w):
    n = np.linalg.norm(x)
    if n > 2.0:
        x = x * (2.0 / n)
    return np.sum(x * w)


def if_compare_args(x, y):
    if np.max(x) > np.max(y):
        out = x * x
    else:
        out = np.sin(y) * 3.0
    return np.sum(out)


def if_combined_mask(x, y):
    both = (np.sum(x) > 0.0) & (np.sum(y) > 0.0)
    if both:
        z = x * y
    else:
        z = x + np.tanh(y)
    return np.sum(z * z)


def if_augassign(x):
    acc = x * 1.0
    if np.min(x) > -0.5:
        acc += x ** 2
    else:
        acc -= np.sin(x)
    acc *= 0.5
    return np.sum(acc)


def if_condition_on_active_value(x):
    m = np.max(x)
    if m > 1.0:
        y = x / m
    else:
        y = x * m
    return np.sum(y * y)


def if_float_and_array(x, a):
    if a > 0.0:
        y = x * a
    else:
        y = x - a * a
    return np.sum(np.tanh(y))


# ---------------------------------------------------------------------------
# nested ifs
# ---------------------------------------------------------------------------


def nested_if(x):
    s = np.sum(x)
    m = np.max(x)
    if s > 0.0:
        if m > 1.5:
            y = x * m
        else:
            y = np.sin(x)
    else:
        if m > 0.5:
            y = np.exp(x * 0.3)
        else:
            y = x * x * x
    return np.sum(y)


def nested_if_elif(x, y):
    if np.sum(x) > np.sum(y):
        if np.max(x) > 1.0:
            z = x * y
        elif np.min(y) < -1.0:
            z = x - y * y
        else:
            z = np.tanh(x + y)
    else:
        z = np.cos(x) * y
    return np.sum(z)


def nested_if_three_levels(a, b):
    if a > 0.0:
        if b > 0.0:
            if a > b:
                c = a * b
            else:
                c = a + b * b
        else:
            c = math.exp(b) * a
    else:
        c = math.sin(a) - b
    return c * c + a


def nested_if_reassign(x):
    y = x
    if np.sum(x) > 0:
        y = y * 2.0
        if np.max(y) > 3.0:
            y = np.sqrt(y * y + 1.0)
    y = y + 1.0
    return np.sum(y * y)


# ---------------------------------------------------------------------------
# conditional expressions
# ---------------------------------------------------------------------------


def ifexp_scalar(a, b):
    c = a * b if a > b else a + b * 3.0
    return c * c


def ifexp_array(x):
    y = np.sin(x) if np.sum(x) > 0 else np.cos(x)
    return np.sum(y * x)


def ifexp_nested(x):
    s = np.sum(x)
    y = x * 2.0 if s > 1.0 else (x * x if s > -1.0 else -x)
    return np.sum(y * np.exp(x * 0.1))


def ifexp_in_call(x, w):
    return np.sum(np.tanh(x if np.mean(x) > 0 else w) * w)


def ifexp_in_return(x):
    return np.sum(x * x) if np.max(x) > 1.0 else np.sum(np.exp(x))


def ifexp_both_operands_active(x, y):
    z = (x * y if np.sum(x * y) > 0 else x - y) + (y if np.min(x) > -1.0 else x * 0.5)
    return np.sum(z * z)


def ifexp_int_condition(x, n):
    k = 2.0 if n > 3 else 0.5
    return np.sum(x ** 2 * k)


def ifexp_in_loop(x):
    acc = 0.0
    for v in x:
        acc = acc + (v * v if v > 0.0 else np.sin(v))
    return acc


# ---------------------------------------------------------------------------
# early return, in any branch and at several depths
# ---------------------------------------------------------------------------


def early_return_if(x):
    if np.sum(x) > 0:
        return np.sum(x * x)
    y = np.sin(x)
    return np.sum(y * 3.0)


def early_return_else(x, w):
    h = np.tanh(x * w)
    if np.max(h) > 0.5:
        y = h * x
    else:
        return np.sum(h * w)
    return np.sum(y) + np.sum(w)


def early_return_every_branch(a):
    if a > 2.0:
        return a * a
    elif a > 0.0:
        return math.sin(a) * 3.0
    else:
        return math.exp(a)


def early_return_depths(x):
    s = np.sum(x)
    if s > 0.0:
        if np.max(x) > 2.0:
            if np.min(x) < -1.0:
                return np.sum(x ** 3)
            return np.sum(x * x)
        y = np.sin(x) * s
    else:
        return np.sum(np.exp(x))
    return np.sum(y)


def early_return_float(a, b):
    if a * b > 1.0:
        return a - b
    c = a * a + b
    if c > 0.5:
        return c * math.cos(b)
    return c + 1.0


def early_return_after_work(x, w):
    h = np.tanh(x @ w)
    if np.sum(h) > 0.0:
        return np.sum(h * h)
    g = np.sin(h @ w)
    return np.sum(g) + np.sum(h)


def early_return_int_guard(x, n):
    if n == 0:
        return np.sum(x)
    y = x * float(n)
    return np.sum(np.sin(y))


# ---------------------------------------------------------------------------
# for over range: computed start / stop / step, negative steps, empty ranges
# ---------------------------------------------------------------------------


def range_basic(x, n):
    y = x
    for i in range(n):
        y = np.sin(y) * 1.1 + x
    return np.sum(y)


def range_half_shape(x):
    n = x.shape[0] // 2
    acc = 0.0
    for i in range(n):
        acc = acc + x[i] * x[i + n]
    return acc


def range_start_stop_step(x):
    acc = x[0]
    for i in range(1, x.shape[0], 2):
        acc = acc * x[i] + np.sin(x[i - 1])
    return acc


def range_negative_step(x):
    acc = 0.0
    for i in range(x.shape[0] - 1, -1, -1):
        acc = acc * 0.5 + x[i]
    return acc * acc


def range_negative_step_computed(x, k):
    n = len(x) - 1
    acc = 1.0
    for i in range(n, 0, -k):
        acc = acc * np.cos(x[i]) + x[i - 1]
    return acc


def range_bounds_from_data(x):
    n = len(x)
    start = 0 if np.sum(x) > 0 else n // 2
    step = 1 if np.max(x) > 1.0 else 2
    acc = 0.0
    for i in range(start, n, step):
        acc = acc + x[i] ** 2 * float(i + 1)
    return acc


def range_index_arithmetic(x, n):
    y = np.zeros(x.shape)
    for i in range(n):
        y = y + x ** (i + 1) / float(i + 1)
    return np.sum(y)


def range_len(x, w):
    acc = np.zeros(w.shape[1])
    for i in range(len(x)):
        acc = acc + x[i] * w[i]
    return np.sum(np.tanh(acc))


def range_two_int_args(x, lo, hi):
    acc = 0.0
    for i in range(lo, hi):
        acc = acc + np.sum(np.sin(x * float(i)))
    return acc


# ---------------------------------------------------------------------------
# for over an array: its rows, its elements, its columns (x.T), 2-d slices
# ---------------------------------------------------------------------------


def for_rows(X, w):
    total = 0.0
    for row in X:
        total = total + np.tanh(row @ w)
    return total


def for_rows_carried(X):
    h = np.zeros(X.shape[1])
    for row in X:
        h = np.tanh(h * 0.8 + row)
    return np.sum(h * h)


def for_elements(x):
    acc = 1.0
    for v in x:
        acc = acc * 0.7 + np.sin(v) * v
    return acc


def for_columns(X):
    acc = 0.0
    for col in X.T:
        acc = acc + np.sum(col) ** 2
    return acc


def for_rows_branch(X):
    acc = np.zeros(X.shape[1])
    for row in X:
        if np.sum(row) > 0.0:
            acc = acc + row * row
        else:
            acc = acc - np.sin(row)
    return np.sum(acc)


def for_matrices(T):
    acc = 0.0
    for M in T:
        acc = acc + np.trace(M @ M)
    return acc


# ---------------------------------------------------------------------------
# for over lists and tuples of arrays (and of floats)
# ---------------------------------------------------------------------------


def for_list_literal(a, b, c):
    acc = 0.0
    for v in [a, b * 2.0, c * a]:
        acc = acc + np.sum(v * v)
    return acc


def for_tuple_literal(a, b):
    acc = np.zeros(a.shape)
    for v in (a, b, a * b):
        acc = acc * 0.5 + np.tanh(v)
    return np.sum(acc)


def for_list_variable(a, b):
    vs = [a, np.sin(b), a + b]
    acc = 0.0
    for v in vs:
        acc = acc + np.sum(v) * np.sum(v * b)
    return acc


def h_split3(x):
    return x[:2], x[2:4] * 2.0, np.sin(x[4:])


def for_tuple_from_helper(x):
    acc = 0.0
    for p in h_split3(x):
        acc = acc + np.sum(np.exp(p * 0.5))
    return acc


def for_list_of_floats(a, b):
    acc = 0.0
    for c in [a, b, a * b, 2.0]:
        acc = acc * c + 1.0
    return acc


def for_list_mixed_shapes(a, B):
    acc = 0.0
    for v in [a, B, B @ a]:
        acc = acc + np.sum(np.tanh(v))
    return acc


def for_list_branch(a, b, c):
    acc = 0.0
    for v in (a, b, c):
        if np.sum(v) > 0.0:
            acc = acc + np.sum(v * v)
        else:
            acc = acc + np.sum(np.exp(v))
    return acc


def reversed_rows(X, w):
    h = w
    for row in reversed(X):  # last row first: a recurrence run backwards
        h = np.tanh(row * h + 0.5 * w)
    return np.sum(h * h)


def zip_reversed(x, y):
    acc = 0.0
    for u, v in zip(reversed(x), y):  # x from its end, y from its start (unequal lengths: zip stops)
        acc = 0.5 * acc + u * np.sin(v)
    return acc


def reversed_list(a, b, c):
    acc = 0.0
    for v in reversed([a, b, c]):
        acc = 0.5 * acc + np.sum(np.sin(v))
    return acc


# ---------------------------------------------------------------------------
# enumerate and zip, and enumerate(zip(...))
# ---------------------------------------------------------------------------


def enumerate_array(x):
    acc = 0.0
    for i, v in enumerate(x):
        acc = acc + float(i + 1) * v * v
    return acc


def enumerate_list(a, b, c):
    acc = 0.0
    for i, v in enumerate([a, b, c]):
        acc = acc + float(i + 1) * np.sum(np.sin(v))
    return acc


def enumerate_rows(X):
    acc = 0.0
    for k, row in enumerate(X):
        acc = acc + np.sum(row) ** 2 / float(k + 1)
    return acc


def zip_arrays(x, y):
    acc = 0.0
    for a, b in zip(x, y):
        acc = acc + a * b + np.sin(a - b)
    return acc


def zip_layers(W1, b1, W2, b2, x):
    h = x
    for W, b in zip([W1, W2], [b1, b2]):
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def zip_rows(X, Y):
    acc = 0.0
    for rx, ry in zip(X, Y):
        acc = acc + np.dot(rx, ry) ** 2
    return acc


def zip_unequal_lengths(x, y):
    acc = 0.0
    for a, b in zip(x, y):
        acc = acc + np.exp(a * 0.3) * b
    return acc


def zip_three(x, y, z):
    acc = 0.0
    for a, b, c in zip(x, y, z):
        acc = acc + a * b * c + np.cos(c)
    return acc


def enumerate_zip(x, y):
    acc = 0.0
    for i, (a, b) in enumerate(zip(x, y)):
        acc = acc + float(i + 1) * a * b
    return acc


def enumerate_zip_branch(X, w):
    acc = 0.0
    for i, (row, s) in enumerate(zip(X, w)):
        if i % 2 == 0:
            acc = acc + np.sum(row) * s
        elif np.sum(row) > 0.0:
            acc = acc + np.sum(np.sin(row)) * s * s
        else:
            acc = acc - s
    return acc


# ---------------------------------------------------------------------------
# nested loops, including triangular ones (inner range depends on outer index)
# ---------------------------------------------------------------------------


def nested_range(x, n, m):
    y = x
    for i in range(n):
        for j in range(m):
            y = np.sin(y) * 0.9 + x * float(j + 1) * 0.1
    return np.sum(y)


def triangular_lower(x):
    acc = 0.0
    n = len(x)
    for i in range(n):
        for j in range(i):
            acc = acc + x[i] * x[j] * float(i - j)
    return acc


def triangular_upper(x):
    acc = 0.0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            acc = acc + np.sin(x[i] - x[j])
    return acc


def triangular_reverse(x):
    n = len(x)
    acc = 0.0
    for i in range(n - 1, -1, -1):
        for j in range(i, n):
            acc = acc * 0.9 + x[i] * x[j]
    return acc


def nested_rows_cols(X):
    acc = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            acc = acc + X[i, j] * float(i - j) + np.cos(X[i, j]) * 0.1
    return acc


def nested_lists(a, b):
    acc = 0.0
    for u in [a, b]:
        for v in (a, b * 2.0):
            acc = acc + np.sum(u * v)
    return acc


def nested_inner_carry(X):
    acc = 0.0
    for row in X:
        h = 0.0
        for v in row:
            h = h * 0.5 + v
        acc = acc + h * h
    return acc


def nested_three(x):
    acc = 0.0
    for i in range(2):
        for j in range(i + 1):
            for k in range(j, 3):
                acc = acc + x[i] * x[j] * x[k]
    return acc


def nested_data_dependent_inner(x):
    acc = 0.0
    for i in range(len(x)):
        m = 1 if x[i] > 0.0 else 3
        h = x[i]
        for j in range(m):
            h = np.sin(h) + 0.5 * x[i]
        acc = acc + h * h
    return acc


# ---------------------------------------------------------------------------
# loop-carried scalars and arrays overwritten each iteration (RNN, power
# iteration, swaps, several overwrites per body)
# ---------------------------------------------------------------------------


def carried_scalar(a, n):
    y = a
    for i in range(n):
        y = y * y * 0.5 + math.sin(y)
    return y


def carried_array(x, n):
    h = x
    for i in range(n):
        h = np.tanh(h * 1.5 + 0.1)
    return np.sum(h)


def carried_two(x, y, n):
    for i in range(n):
        x, y = x * np.cos(y), y + np.sin(x) * 0.5
    return np.sum(x * y)


def carried_swap(a, b, n):
    for i in range(n):
        a, b = b, a * 0.5 + b * 0.7
    return np.sum(a * b)


def power_iteration(A, v, n):
    for i in range(n):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ A @ v


def carried_body_overwrites(x, n):
    y = x
    for i in range(n):
        t = x * y
        y = np.sin(t)
        t = t + y
        y = y * t * 0.5 + x
    return np.sum(y)


def carried_augassign(x, n):
    acc = x * 1.0
    for i in range(n):
        acc += x * acc * 0.1
        acc *= 0.9
    return np.sum(acc)


def carried_matrix(A, n):
    M = A
    for i in range(n):
        M = M @ A * 0.5 + A
    return np.sum(M)


def rnn(W, U, b, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t] + b)
    return np.sum(h * h)


def rnn_rows_loss(W, U, b, xs):
    h = np.zeros(b.shape)
    loss = 0.0
    for x in xs:
        h = np.tanh(W @ h + U @ x + b)
        loss = loss + np.sum(h) ** 2
    return loss / len(xs)


# ---------------------------------------------------------------------------
# while with data-dependent conditions: Newton iteration, series until the
# term is small, halving until below a threshold, fixed points, counters
# ---------------------------------------------------------------------------


def newton_sqrt(a):
    y = 0.5 * (a + 1.0)
    step = 1.0
    while abs(step) > 1e-10:
        step = (y * y - a) / (2.0 * y)
        y = y - step
    return y


def newton_sqrt_array(x):
    y = x * 0.5 + 0.5
    step = y
    while np.max(np.abs(step)) > 1e-10:
        step = (y * y - x) / (2.0 * y)
        y = y - step
    return np.sum(y)


def series_exp_while(x):
    term = 1.0
    total = 1.0
    k = 1
    while abs(term) > 1e-12:
        term = term * x / k
        total = total + term
        k = k + 1
    return total


def halve_until_small(x):
    y = x
    while np.sum(y * y) > 0.1:
        y = y * 0.5
    return np.sum(np.sin(y) * x)


def while_counter(x, n):
    i = 0
    y = x
    while i < n:
        y = np.cos(y) + x * 0.5
        i += 1
    return np.sum(y)


def fixed_point_cos(a):
    y = 0.0
    diff = 1.0
    while diff > 1e-10:
        y_new = a * math.cos(y)
        diff = abs(y_new - y)
        y = y_new
    return y


def while_growth(x):
    y = x
    while np.sum(y) < 10.0:
        y = y * 1.5 + 0.1
    return np.sum(np.log(y))


def while_compound_condition(x):
    y = x
    i = 0
    while (np.max(np.abs(y)) > 0.05) & (i < 6):
        y = np.sin(y) * 0.5
        i = i + 1
    return np.sum(y) + float(i)


def while_in_for(x):
    acc = 0.0
    for v in x:
        y = v
        while y > 0.1:
            y = y * 0.3
        acc = acc + y * v
    return acc


def while_with_if(x):
    y = x
    k = 0
    while k < 6:
        if np.sum(y) > 0:
            y = y - 0.3 * np.tanh(y)
        else:
            y = y * 1.2
        k += 1
    return np.sum(y * y)


# ---------------------------------------------------------------------------
# break and continue, in for and while, and break in nested loops
# ---------------------------------------------------------------------------


def for_break(x):
    acc = 0.0
    for i in range(len(x)):
        if x[i] < 0.0:
            break
        acc = acc + x[i] ** 2 * float(i + 1)
    return acc + x[0]


def for_continue(x):
    acc = 0.0
    for v in x:
        if v < 0.0:
            continue
        acc = acc + np.sin(v) * v
    return acc


def series_with_break(x):
    total = 1.0
    term = 1.0
    for k in range(1, 200):
        term = term * x / k
        total = total + term
        if abs(term) < 1e-12:
            break
    return total


def while_true_break(x):
    y = x
    while True:
        y = y * 0.7 + np.sin(y) * 0.1
        if np.max(np.abs(y)) < 0.2:
            break
    return np.sum(y * x)


def while_break_counter(a):
    i = 0
    y = a
    while i < 50:
        y = y * 1.3 + 0.1
        if y > 5.0:
            break
        i += 1
    return y * y


def while_continue(x, n):
    i = 0
    acc = 0.0
    while i < n:
        i = i + 1
        if i % 2 == 0:
            continue
        acc = acc + np.sum(np.sin(x * float(i)))
    return acc


def while_continue_data(x):
    i = 0
    acc = 0.0
    while i < len(x):
        v = x[i]
        i += 1
        if v > 1.0:
            continue
        acc = acc + v * v
    return acc


def break_inner(X):
    acc = 0.0
    for row in X:
        for v in row:
            if v > 1.0:
                break
            acc = acc + v * v
    return acc


def break_outer_flag(X):
    acc = 0.0
    done = False
    for row in X:
        for v in row:
            if v > 1.0:
                done = True
                break
            acc = acc + np.sin(v)
        if done:
            break
        acc = acc * 0.9
    return acc


def break_and_continue(x):
    acc = 0.0
    for i in range(len(x)):
        if x[i] < -1.0:
            break
        if x[i] < 0.0:
            continue
        acc = acc + x[i] * float(i + 1)
    return acc * acc + np.sum(x)


def break_in_while_in_for(x):
    acc = 0.0
    for v in x:
        y = v
        k = 0
        while True:
            y = np.cos(y) * 0.9
            k += 1
            if k >= 3:
                break
        acc = acc + y * v
    return acc


# ---------------------------------------------------------------------------
# return inside for and while loops
# ---------------------------------------------------------------------------


def return_in_for(x):
    for i in range(len(x)):
        if x[i] > 1.0:
            return np.sum(x[: i + 1] ** 2)
    return np.sum(x)


def return_in_while(a):
    y = a
    i = 0
    while i < 100:
        y = y * 1.3 + 0.2
        if y > 10.0:
            return y * a
        i += 1
    return y


def return_in_nested_loops(X):
    acc = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            acc = acc + X[i, j] ** 2
            if acc > 3.0:
                return acc * X[i, j]
    return acc


def return_after_carried(x, n):
    h = x
    for i in range(n):
        h = np.tanh(h + 0.5)
        if np.sum(h) > 2.0:
            return np.sum(h * h)
    return np.sum(h)


def return_in_for_over_list(a, b, c):
    for v in [a, b, c]:
        if np.sum(v) > 1.0:
            return np.sum(v * v)
    return np.sum(a * b * c)


# ---------------------------------------------------------------------------
# lists: xs = [] then xs.append(...) in a loop, then np.stack(xs), sum(xs),
# xs[-1], xs[i] with a loop variable, len(xs)
# ---------------------------------------------------------------------------


def append_stack(x, w, n):
    h = x
    hs = []
    for i in range(n):
        h = np.sin(h) + w
        hs.append(h)
    return np.sum(np.stack(hs) * w)


def append_sum(x):
    terms = []
    for i in range(3):
        terms.append(x ** (i + 1) * 0.5)
    total = sum(terms)
    return np.sum(total * total)


def append_last(x, n):
    xs = [x]
    for i in range(n):
        xs.append(np.tanh(xs[-1] * 1.5))
    return np.sum(xs[-1])


def append_index_loop(x):
    ys = []
    for v in x:
        ys.append(np.sin(v) * v)
    acc = 0.0
    for i in range(len(ys)):
        acc = acc + ys[i] * float(i + 1)
    return acc


def append_conditional_len(x):
    ys = []
    for v in x:
        if v > 0.0:
            ys.append(v * v)
    return (1.0 + sum(ys)) / (len(ys) + 1)


def append_reverse_index(x, n):
    hs = []
    h = x
    for i in range(n):
        h = np.cos(h) * 0.9 + x
        hs.append(h)
    acc = np.zeros(x.shape)
    for i in range(len(hs) - 1, -1, -1):
        acc = acc * 0.5 + hs[i]
    return np.sum(acc)


def append_stack_variants(X):
    parts = []
    for i in range(X.shape[0]):
        parts.append(X[i] * float(i + 1))
    M = np.vstack(parts)
    v = np.concatenate(parts)
    H = np.hstack(parts)
    S = np.stack(parts, axis=1)
    return np.sum(M @ M.T) + np.sum(v ** 2) + np.sum(np.sin(H)) + np.sum(S * S)


def append_then_iterate(x):
    xs = []
    for i in range(3):
        xs.append(x * float(i) + np.sin(x))
    acc = 0.0
    for v in xs:
        acc = acc + np.sum(v * v)
    return acc


def append_read_earlier(x, k):
    xs = [x]
    for i in range(1, 5):
        xs.append(xs[i - 1] * np.cos(xs[i - 1]) + x)
    return np.sum(xs[k] * xs[2])


def append_in_while(a):
    vals = []
    y = a
    while y < 4.0:
        y = y * 1.5 + 0.1
        vals.append(y * y)
    return sum(vals) / float(len(vals)) + y


# ---------------------------------------------------------------------------
# helpers returning tuples that are unpacked (or indexed)
# ---------------------------------------------------------------------------


def h_polar(x, y):
    r = np.sqrt(x * x + y * y)
    if np.sum(r) > 4.0:
        return r, np.arctan2(y, x)
    return r * 2.0, np.arctan2(y, x) * 0.5


def tuple_helper_unpack(x, y):
    r, t = h_polar(x, y)
    return np.sum(r * np.cos(t * 0.7))


def h_leapfrog(q, p, dt):
    p = p - 0.5 * dt * np.sin(q)
    q = q + dt * p
    p = p - 0.5 * dt * np.sin(q)
    return q, p


def tuple_helper_in_loop(q, p, n):
    for i in range(n):
        q, p = h_leapfrog(q, p, 0.1)
    return np.sum(q * q + p * p)


def h_three_stats(x):
    return np.sum(x), np.mean(x * x), np.max(x)


def tuple_helper_partial(x):
    s, m, _ = h_three_stats(x)
    return s * m


def tuple_helper_index(x):
    r = h_three_stats(x)
    return r[0] * r[2] + r[1]


def h_minmax(a, b):
    if a > b:
        return b, a
    return a, b


def tuple_helper_branches(a, b):
    lo, hi = h_minmax(a * 2.0, b + 1.0)
    return hi * hi - lo * 3.0


def h_running_stats(x):
    mean = 0.0
    m2 = 0.0
    for i in range(len(x)):
        delta = x[i] - mean
        mean = mean + delta / float(i + 1)
        m2 = m2 + delta * (x[i] - mean)
    return mean, m2 / float(len(x))


def tuple_helper_welford(x):
    m, v = h_running_stats(x)
    return m * m + v


# ---------------------------------------------------------------------------
# subscript assignment: y[i] = v, y[:, j] += v, y[idx] = v (integer index
# array), y[i] *= s, into np.zeros / np.copy / x.copy() and into arrays built
# from inputs (the overwritten values' gradient must be cut)
# ---------------------------------------------------------------------------


def setitem_loop(x):
    n = len(x)
    y = np.zeros(n)
    for i in range(n):
        y[i] = x[i] * x[n - 1 - i]
    return np.sum(y * y)


def setitem_column_aug(X, v):
    Y = np.zeros(X.shape)
    for j in range(X.shape[1]):
        Y[:, j] += X[:, j] * v[j]
        Y[:, j] += np.sin(X[:, j])
    return np.sum(Y * Y)


def setitem_index_array(x, idx):
    y = np.copy(x)
    y[idx] = np.sin(x[idx]) * 2.0
    return np.sum(y * y)


def setitem_scale(x, s):
    y = x.copy()
    y[1] *= s
    y[-1] /= s
    y[0] -= s * s
    return np.sum(y * y)


def setitem_overwrite_cut(x, z):
    y = x * 2.0
    y[0] = z
    return np.sum(y * y)


def setitem_overwrite_loop_cut(x, z):
    y = np.exp(x)
    for i in range(0, len(x), 2):
        y[i] = z * float(i + 1)
    return np.sum(y * y)


def setitem_index_array_cut(x, v, idx):
    y = x * 1.0
    y[idx] = v
    return np.sum(y * x)


def setitem_recurrence(x):
    y = x * 1.0
    for i in range(1, len(y)):
        y[i] = y[i - 1] * 0.5 + np.sin(y[i])
    return np.sum(y * y)


def setitem_rows_recurrence(X):
    Y = X.copy()
    for i in range(1, Y.shape[0]):
        Y[i] = Y[i] + np.tanh(Y[i - 1])
    return np.sum(Y * Y)


def setitem_slices(x):
    n = len(x)
    y = np.zeros(2 * n)
    y[:n] = x
    y[n:] = x * x
    y[1:3] = y[1:3] * 3.0
    return np.sum(np.sin(y))


def setitem_branch(x):
    y = x.copy()
    if np.sum(x) > 0.0:
        y[0] = 0.0
    else:
        y[-1] = x[0] * 3.0
    return np.sum(y * x)


def setitem_repeated_index(x):
    y = np.zeros(3)
    for v in x:
        y[0] = y[0] * 0.5 + v
        y[2] = y[2] + y[0] * v
    return np.sum(y * y)


def setitem_lower_gram(X):
    Y = np.zeros((X.shape[0], X.shape[0]))
    for i in range(X.shape[0]):
        for j in range(i + 1):
            Y[i, j] = np.dot(X[i], X[j])
    return np.sum(Y * Y)


def setitem_negative_and_rows(X, v):
    Y = X * 1.0
    Y[:, -1] = v
    Y[-1, :] *= 2.0
    return np.sum(np.tanh(Y))


# ---------------------------------------------------------------------------
# calls to user functions inside loops and branches (the same helper taking
# different branches in different iterations)
# ---------------------------------------------------------------------------


def h_cell(h, x, W):
    return np.tanh(h @ W + x)


def call_in_loop(x, W, n):
    h = x
    for i in range(n):
        h = h_cell(h, x, W)
    return np.sum(h)


def h_branch_a(x):
    return np.sum(np.sin(x) * x)


def h_branch_b(x):
    return np.sum(np.exp(x * 0.5))


def call_in_branch(x):
    if np.mean(x) > 0.0:
        return h_branch_a(x) * 2.0
    return h_branch_b(x)


def h_soft_clip(v):
    if v > 1.0:
        return 1.0 + math.log(v)
    if v < -1.0:
        return -1.0 - math.log(-v)
    return v


def call_branching_helper_in_loop(x):
    acc = 0.0
    for v in x:
        acc = acc + h_soft_clip(v * 2.0) * v
    return acc


def h_poly(x, n):
    acc = 0.0
    for i in range(n):
        acc = acc * x + float(i + 1)
    return acc


def call_looping_helper_in_loop(x):
    acc = 0.0
    for i in range(1, 4):
        acc = acc + np.sum(h_poly(x, i))
    return acc


def h_grow(y):
    return y * 1.4 + math.sin(y) * 0.1


def call_in_while(a):
    y = a
    while y < 5.0:
        y = h_grow(y)
    return y * y


def h_mix(u, v):
    return u * np.cos(v)


def call_different_active_args(x, c):
    y = x
    for i in range(3):
        y = h_mix(y, c) + h_mix(c, y) + h_mix(c, c)
    return np.sum(y)


# ---------------------------------------------------------------------------
# recursion: self-recursive (product, power by squaring, list sum, Horner,
# trees of nested tuples, tuples returned), mutually recursive, depth 500
# ---------------------------------------------------------------------------


def h_rec_product(x, n):
    if n == 0:
        return 1.0
    return (x + float(n)) * h_rec_product(x, n - 1)


def factorial_like(x, n):
    return np.sum(h_rec_product(x, n))


def h_power(x, n):
    if n == 0:
        return x * 0.0 + 1.0
    if n % 2 == 0:
        h = h_power(x, n // 2)
        return h * h
    return x * h_power(x, n - 1)


def power_by_squaring(x, n):
    return np.sum(h_power(x, n))


def h_rsum(xs, i):
    if i == len(xs):
        return 0.0
    return np.sum(xs[i] * xs[i]) + h_rsum(xs, i + 1) * 0.5


def recursive_list_sum(a, b, c):
    return h_rsum([a, np.sin(b), a * c], 0)


def recursive_list_sum_appended(x, n):
    xs = []
    h = x
    for i in range(n):
        h = np.cos(h) + x * 0.5
        xs.append(h)
    return h_rsum(xs, 0)


def h_horner(c, x, i):
    if i == len(c) - 1:
        return c[i]
    return c[i] + x * h_horner(c, x, i + 1)


def horner_recursive(c, x):
    return np.sum(h_horner(c, x, 0))


def h_tree_eval(t, shape):
    if shape == 0:
        return np.tanh(t)
    left = h_tree_eval(t[0], shape[0])
    right = h_tree_eval(t[1], shape[1])
    return left * right + left


def tree_recursion(a, b, c, k):
    if k == 0:
        return np.sum(h_tree_eval(((a, b), c), ((0, 0), 0)))
    return np.sum(h_tree_eval((a, (b, (c, a))), (0, (0, (0, 0)))))


def h_tree_depth(t, depth):
    if depth == 0:
        return np.sum(np.sin(t))
    left, right = t
    return h_tree_depth(left, depth - 1) * 0.5 + h_tree_depth(right, depth - 1) ** 2


def tree_balanced(a, b, c, d):
    return h_tree_depth(((a, b), (c, d)), 2)


def h_even(x, n):
    if n == 0:
        return x
    return h_odd(np.sin(x) + x * 0.5, n - 1)


def h_odd(x, n):
    if n == 0:
        return x * x
    return h_even(np.cos(x) * x, n - 1)


def mutual_recursion(x, n):
    return np.sum(h_even(x, n))


def h_deep(x, n):
    return h_deep(x * 0.999 + 0.001 * np.sin(x), n - 1) if n > 0 else x


def deep_recursion(x, n):
    return np.sum(h_deep(x, n))


def h_halve(x):
    if np.sum(x * x) < 0.1:
        return x
    return h_halve(x * 0.5) * 1.1


def recursion_data_termination(x):
    return np.sum(np.sin(h_halve(x)))


def h_fib(a, b, n):
    if n == 0:
        return a
    return h_fib(b, a * 0.5 + b * np.cos(a) * 0.5, n - 1)


def recursion_swapping_args(a, b, n):
    return np.sum(h_fib(a, b, n))


def h_rec_pair(x, n):
    if n == 0:
        return x, x * x
    a, b = h_rec_pair(x, n - 1)
    return a + np.sin(b), b * 0.5


def recursion_returning_tuple(x, n):
    a, b = h_rec_pair(x, n)
    return np.sum(a * b)


def h_rec_with_loop(x, n):
    if n == 0:
        return x
    y = x
    for i in range(n):
        y = np.tanh(y + 0.1 * float(i))
    return h_rec_with_loop(y, n - 1) + y * 0.1


def recursion_with_loop(x, n):
    return np.sum(h_rec_with_loop(x, n))


def loop_calling_recursion(x):
    acc = 0.0
    for k in range(4):
        acc = acc + np.sum(h_power(x, k))
    return acc


def h_scalar_rec(a, n):
    if n <= 1:
        return a
    return math.sin(h_scalar_rec(a, n - 1)) + a * 0.5


def recursion_on_float(a, n):
    return h_scalar_rec(a, n)
