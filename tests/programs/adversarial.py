"""Adversarial inputs for tests/test_adversarial.py.

Functions named ``alias_*`` write in place into an array or list another
name still reads: s2s must refuse each at the line marked ``# refused: <words>``.
Functions named ``fine_*`` write in place where nothing else can see it: s2s
must differentiate them correctly.
"""

import functools
import time

import numpy as np

SCALE = 2.0
TABLE = np.array([1.0, 2.0, 3.0])


# -- methods -------------------------------------------------------------------------


class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x):
        return np.sum(self.w * np.tanh(x))

    def two(self, x, y):
        return np.sum(self.w * x * y)

    @staticmethod
    def static_loss(x):
        return np.sum(x * x)

    @classmethod
    def class_loss(cls, x):
        return np.sum(x * x * x)


# -- wrappers ------------------------------------------------------------------------


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        print(f"{fn.__name__} took {time.perf_counter() - start:.1e} s")
        return result
    return wrapper


def doubled(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return 2.0 * fn(*args)
    return wrapper


def unwrapped_decorator(fn):
    def wrapper(*args):
        return fn(*args)
    return wrapper


@logged
def logged_cube(x):
    return np.sum(x ** 3)


@doubled
def doubled_cube(x):
    return np.sum(x ** 3)


@unwrapped_decorator
def hidden_cube(x):
    return np.sum(x ** 3)


# -- name shadowing --------------------------------------------------------------------


def tanh(x):
    return x * x * x


def sum(x):  # noqa: A001 - shadows the builtin on purpose
    return x[0] * 10.0


def calls_user_tanh(x):
    return np.sum(tanh(x))


def calls_user_sum(x):
    return sum(x * x)


def np_parameter(x, np):  # refused: parameter `np`
    return np.sum(x * x)


def np_rebound(x):
    np = 3.0
    return x * np * x


def np_rebound_later(x):
    y = np.tanh(x)  # refused: `np` is used before it is assigned
    np = 2.0
    return np.sum(y)


def helper_named_locals(x, b):
    unbroadcast = 2.0
    shape_of = x + b
    updated = shape_of * unbroadcast
    updated[0] = 1.0
    len = np.sum(updated * x)
    return len


# -- in-place writes -------------------------------------------------------------------


def alias_item(x):
    y = x
    y[0] = 5.0  # refused: `x` too
    return np.sum(x * x)


def guarded_augmented(x):
    y = x
    y += 1.0  # writes into x where x is an array; rebinds y where x is a number
    return np.sum(x * y)


def alias_view(x):
    y = x[1:]
    y[0] = 0.0  # refused: `x` too
    return np.sum(x * x)


def alias_transpose(X):
    Y = X.T
    Y[0, 1] = 0.0  # refused: `X` too
    return np.sum(X * X)


def alias_reshape(x):
    y = x.reshape(2, 2)
    y[0] += 1.0  # refused: `x` too
    return np.sum(x * x)


def alias_loop_variable(X):
    total = 0.0
    for row in X:
        row[0] = 0.0  # refused: `X` too
        total = total + np.sum(row)
    return total + np.sum(X * X)


def alias_loop_carried(x):
    y = x * 1.0
    for i in range(3):
        z = y
        y[i] = 0.0  # refused: `z` too
        y = y + z
    return np.sum(y)


def alias_list_holds_array(x):
    xs = [x, x * 2.0]
    x[0] = 4.0  # refused: `xs` too
    return np.sum(xs[0] * xs[1])


def alias_list(x):
    a = []
    b = a
    b.append(x * 2.0)  # refused: `a` too
    return np.sum(a[0] * x)


def alias_global(x):
    t = TABLE
    t[0] = 0.0  # refused: the global `TABLE`
    return np.sum(t * x)


def writes_parameter(a):
    a[0] = 5.0
    return 0.0


def alias_through_helper(x):
    z = writes_parameter(x)  # refused: `writes_parameter` writes into its parameter `a`
    return np.sum(x * x) + z


def returns_parameter(a):
    b = a
    return b


def alias_through_returned_parameter(x):
    for _ in range(2):
        y = returns_parameter(x)
        y *= 2.0  # refused: `x` too
    return np.sum(x)


def table():
    return TABLE


def alias_global_returned_by_helper(x):
    t = table()
    t *= x  # refused: the global `TABLE`
    return np.sum(t)


def alias_list_item_assignment(x):
    out = [None, None]
    a = x * 1.0
    out[0] = a
    a += 1.0  # refused: `out` too
    return np.sum(out[0] * x)


def fine_copy(x):
    y = x.copy()
    y[0] = 5.0
    return np.sum(x * y)


def fine_new_array(x):
    y = x * 1.0
    y += 1.0
    y[1] = y[0] * 3.0
    return np.sum(x * y)


def fine_accumulate(x, W):
    h = x
    for _ in range(3):
        h += np.tanh(W @ h)
    return np.sum(h * h)


def fine_list(x):
    xs = [x]
    xs.append(x * 2.0)
    xs.append(np.sin(x))
    return np.sum(xs[0] * xs[1] * xs[2])


def fine_helper_writes_own_copy(x):
    return np.sum(x * writes_copy(x)) + np.sum(x)


def spring_forces(x, k):
    return -k * x


def fine_helper_result_written_in_a_loop(k, x):
    for _ in range(3):
        f = spring_forces(x, k)  # a new array, whatever k and x are
        f[0] += 1.0
        x = x + 0.1 * f
    return np.sum(x * x)


def fine_item_assignment_copies_into_an_array(k):
    x = np.zeros(3)
    history = np.zeros(3)
    for i in range(3):
        history[i] = x[-1]  # copied: history shares nothing with x
        x += k
    return np.sum(history * history) + np.sum(x * x)


def writes_copy(a):
    b = a.copy()
    b[0] = 5.0
    return b


# -- state a derivative was generated with -----------------------------------------


def scaled(x):
    return np.sum(x * x) * SCALE


def calls_tanh(x):
    return np.sum(tanh(x))


def make_counter():
    k = 1.0

    def f(x):
        return x * x * k

    def bump():
        nonlocal k
        k = k + 1.0
    return f, bump


def fine_float_rebound(x, y):
    z = x
    z *= y  # x is a Python float: `*=` rebinds z, nothing is shared
    return z + x


def normal_logpdf(z, mu, sigma):
    return -0.5 * ((z - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


def fine_helper_result_then_augmented(eta):
    lp = normal_logpdf(eta[0], 0.0, 1.0)  # a new value, whatever normal_logpdf's arguments are
    lp += np.sum(normal_logpdf(eta[1:], eta[0], 2.0))
    return lp
