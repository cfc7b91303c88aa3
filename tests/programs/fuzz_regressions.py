"""Programs the fuzzer (tests/fuzz/) found s2s wrong on, shrunk by hypothesis and
tidied by hand.  tests/test_fuzz_regressions.py checks each with the fuzzer's
oracles (tests/fuzz/oracles.py).  Each docstring says what s2s did before the
fix (the fix is named in brackets).
"""

import numpy as np

W = np.array([[0.3, -0.2, 0.1], [1.1, 0.4, -0.6]])


def return_in_nested_if(x):
    """Was refused: "`return_in_nested_if` must return a value on every path"
    [jumps.py: a flag-guarded rest that always returns makes every path return;
    s2s/normalize: a name bound on one path only is None on the other]."""
    if np.sum(x) > 0.0:
        if np.max(x) > 1.0:
            return np.sum(np.sin(x))
    return np.sum(x * x)


def return_in_elif(x):
    """Was the same refusal: an ``elif`` is an ``if`` nested in the ``else``."""
    s = np.sum(x)
    if s > 2.0:
        y = x * s
    elif s > 0.0:
        return np.sum(np.sin(x))
    else:
        y = x * x
    return np.sum(y)


def rebind_iterated_array(x):
    """Was a wrong gradient, and a wrong value from jvp: ``for row in x`` iterates
    the array ``x`` was bound to when the loop began; the derivatives iterated the
    rebound ``x`` instead [s2s/normalize: a rebound sequence is copied first]."""
    for row in x:
        x = row + x
    return np.sum(x[0])


def rebind_enumerated_array(x, y):
    """The same through ``enumerate``."""
    s = 0.0
    for i, row in enumerate(x):
        x = x * y
        s = s + np.sum(row * (i + 1.0))
    return s + np.sum(x)


def h_double(p):
    return p * 2.0


def inactive_call_in_branch(y, a):
    """Was a crash (AttributeError: 'NoneType' object has no attribute 'name' in
    reverse.apply_rule) with wrt=y: ``v`` is active, but this assignment to it
    calls a user function on inactive arguments only [activity.differentiated]."""
    if a > 0.31:
        v = h_double(a)
    else:
        v = y
    return np.sum(v)


def return_in_loop_after_early_return(x, a):
    """The generated gradient raised UnboundLocalError ("cannot access local
    variable 'da'") when the loop's return is taken [s2s/reverse: a loop zeroes
    the adjoints its body accumulates into, whatever another branch wrote]."""
    if x > 1.0:
        return a * 2.0
    for i in range(2):
        if a > 0.5:
            return a * 3.0
    return x


def early_return_then_loop(x, a):
    """Was the same UnboundLocalError ("cannot access local variable 'dx'"),
    with wrt=x, when the early return is not taken and the loop runs."""
    if x[0] > 1.73:
        return x[1]
    for i in range(3):
        a = x[i] * a
    return a


def negative_literal_power(x):
    """Was a wrong value and gradient, forward and reverse, with or without
    optimize: the generated code wrote ``(-0.7) ** 2`` as ``-0.7 ** 2``, which
    is -0.49 [emit.py prints a negative constant as a unary minus]."""
    return np.sum(x * (-0.7) ** 2 + (-1) ** 3 * x * x)


def global_method_in_branch(a):
    """Was refused, reverse and forward: "no derivative rule for ndarray.max".
    ``v`` is active (the else branch), so the method call on the global array
    ``W`` (no gradient) was looked up as a rule [activity.differentiated]."""
    if a > 0.0:
        v = W.max(axis=0)
    else:
        v = a * np.ones(3)
    return np.sum(v * a)


def zeros_in_branch(x, c):
    """Was refused in forward mode: "no forward-mode (tangent) rule for
    numpy.zeros_like".  ``np.zeros_like`` is not differentiable; the result is
    active from the other branch [activity.differentiated asks the rules]."""
    if c > 0.0:
        return np.zeros_like(x)
    return x * 2.0


W0 = np.array([0.5, -1.0, 2.0])


def global_zipped_in_branch(y, n):
    """Was an UnboundLocalError for ``W0``: a global iterated in one branch was
    taken for a local bound on that path only, and set to None on the other
    [s2s/normalize: only local names get the None of an undefined path]."""
    if n == 0:
        return 3.0
    if n > 5:
        for row, q in zip(y, W0):
            y = y + row * q
    return W0[0] * np.sum(y)


def number_rebound_after_broadcast(y):
    """Was refused: "`+=` and the like write into `s`, which changes `v` too":
    ``s`` is a Python number, which ``-=`` rebinds, so the view ``v`` made from
    it cannot change [aliasing.py: names bound to numbers share nothing]."""
    s = 1.0
    v = np.broadcast_to(s, (3, 2))
    s -= 3
    return np.sum(v[:, -1] * y) + s * np.sum(y)


def copy_of_a_call(a, y):
    """Was an UnboundLocalError for ``copy_of``: the temporary holding
    ``(...).copy()`` was named after the runtime helper the call goes through,
    shadowing it [naming.py reserves the runtime helpers' names]."""
    return np.sum((np.broadcast_to(a, (3,))).copy() * y)


def hypot_at_zero(x, a):
    """Was NaN: np.hypot's adjoint divided by the result, 0 where both arguments
    are 0 [numpy_elementwise.hypot: the gradient there is 0, the smallest subgradient,
    which finite differences give by symmetry]."""
    z1 = np.zeros((3, 2))
    return np.sum(np.hypot((a > 0.31) * x, np.copy(z1).T), axis=0)


def norm_at_zero(a, y):
    """Was NaN in forward mode: np.linalg.norm's tangent divided by the result, 0
    where the vector is 0 (the adjoint guarded it and gave 0) [numpy_linalg.norm:
    0 there too]."""
    masked = (np.broadcast_to(a, (3,)) > 0.31) * np.sin(y)
    return np.linalg.norm(np.sin(masked))
