"""Element-indexed code (issue 18): reads ``x[i]`` whose adjoints add into one buffer, writes
``y[i] = v`` that write in place and save only what the backward sweep reads, and scalars
taken out of arrays treated as scalars.  Each program is checked against central
differences; the variant a call runs is checked for the in-place forms, and a loop that
fills an array for memory that grows linearly with its length."""

import re
import tracemalloc

import numpy as np
import pytest

import s2s
from gradcheck import numeric_grad


def horner(c, x):
    p = 0.0
    for i in range(c.shape[0] - 1, -1, -1):
        p = p * x + c[i]
    return p


def iir_energy(x, a, b):
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = b * x[0]
    for i in range(1, n):
        y[i] = a * y[i - 1] + b * x[i]
    return np.sum(y ** 2)


def lotka_volterra(params, x0, y0, dt, steps):
    alpha, beta, delta, gamma = params[0], params[1], params[2], params[3]
    x, y = x0, y0
    total = 0.0
    for _ in range(steps):
        dx = alpha * x - beta * x * y
        dy = delta * x * y - gamma * y
        x = x + dt * dx
        y = y + dt * dy
        total = total + x * y
    return total


def nonlinear_sweep(u0, f, h):
    """Gauss-Seidel-like sweeps of a nonlinear update: each write reads neighbours that
    earlier writes of the same sweep changed."""
    u = u0.copy()
    n = u.shape[0]
    for sweep in range(3):
        for i in range(1, n - 1):
            u[i] = u[i] + 0.1 * np.sin(u[i - 1]) * u[i + 1] + h * h * f[i]
    return np.sum(u ** 2)


def distance_energy(points):
    """A pairwise matrix filled entry by entry, then reduced."""
    n = points.shape[0]
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            diff = points[i] - points[j]
            d[i, j] = np.sum(diff * diff)
    return np.sum(np.exp(-d))


def rewritten_block(x):
    """A slice written, the array read whole between writes, then written again."""
    y = np.zeros(4)
    y[0:2] = x[1:3] * 2.0
    z = y * x
    y[2] = z[0] * x[3]
    y[1] = y[1] * y[2]
    return np.sum(y * z)


def garch_variances(theta, returns):
    omega, alpha, beta = theta
    sigma2 = np.empty_like(returns)
    sigma2[0] = np.var(returns)
    for t in range(1, len(returns)):
        sigma2[t] = omega + alpha * returns[t - 1] ** 2 + beta * sigma2[t - 1]
    return sigma2


def garch_nll(theta, returns):
    """A helper fills the array: its parameters' dimensions come from the call."""
    sigma2 = garch_variances(theta, returns)
    return 0.5 * np.sum(np.log(2 * np.pi) + np.log(sigma2) + returns**2 / sigma2)


def heat_rod(u0, steps, r):
    """Explicit finite differences for the heat equation, ends held: a new array each step."""
    u = u0
    for _ in range(steps):
        new = np.zeros(u.shape[0])
        new[1:-1] = u[1:-1] + r * (u[:-2] - 2.0 * u[1:-1] + u[2:])
        new[0] = u[0]
        new[-1] = u[-1]
        u = new
    return np.sum(u * u)


CASES = [
    (heat_rod, lambda rng: (rng.normal(size=9), 6, 0.25), 0),
    (heat_rod, lambda rng: (rng.normal(size=9), 6, 0.25), 2),
    (horner, lambda rng: (rng.normal(size=9), 0.8), 0),
    (iir_energy, lambda rng: (rng.normal(size=12), 0.7, 0.4), 0),
    (iir_energy, lambda rng: (rng.normal(size=12), 0.7, 0.4), 1),
    (lotka_volterra, lambda rng: (np.array([1.1, 0.4, 0.1, 0.4]), 10.0, 5.0, 0.01, 30), 0),
    (nonlinear_sweep, lambda rng: (rng.normal(size=7), rng.normal(size=7), 0.3), 0),
    (distance_energy, lambda rng: (rng.normal(size=(5, 2)),), 0),
    (rewritten_block, lambda rng: (rng.normal(size=4),), 0),
    (garch_nll, lambda rng: (np.array([0.05, 0.1, 0.8]), 0.3 * rng.normal(size=40)), 0),
]


@pytest.mark.parametrize("fn, inputs, wrt", CASES, ids=[f"{c[0].__name__}-{c[2]}" for c in CASES])
def test_gradient_matches_central_differences(fn, inputs, wrt):
    args = inputs(np.random.default_rng(3))
    g = s2s.grad(fn, wrt=wrt)
    np.testing.assert_allclose(g(*args), numeric_grad(fn, list(args), wrt), rtol=1e-6, atol=1e-8)


def test_an_element_read_adds_into_one_buffer():
    c = np.linspace(-1.0, 1.0, 9)
    source = s2s.grad(horner).specialize(c, 0.8).source
    assert re.search(r"c_bar(_list)?\[i\] \+= ", source)  # the buffer, or its entries as Python floats (s2s.elements)
    assert "unindex" not in source


def test_a_loop_filling_an_array_writes_in_place_and_saves_entries():
    args = (np.ones(16), 0.7, 0.4)
    source = s2s.grad(iir_energy, wrt=("x", "a", "b")).specialize(*args).source
    assert "updated(" not in source and "zeroed(" not in source
    assert re.search(r"y(_list)?\[i\] = a \* ", source)  # the forward sweep writes the user's array (or its entries)
    # the backward sweep takes the overwritten entry's adjoint, which nothing reads again: not zeroed
    assert re.search(r"plus_bar = y_3_bar(_list)?\[i\]", source) and not re.search(r"y_3_bar(_list)?\[i\] = 0", source)
    assert "y_3_stack" not in source  # no copy of the array per iteration


def test_memory_of_a_loop_filling_an_array_grows_linearly():
    g = s2s.grad(iir_energy, wrt=("x", "a", "b"))

    def peak(n):
        args = (np.random.default_rng(0).normal(size=n), 0.7, 0.4)
        g(*args)  # the variant is built
        tracemalloc.start()
        g(*args)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2000), peak(4000)
    per_iteration = (large - small) / 2000
    assert per_iteration < 400, per_iteration  # a few numbers a step; a copy per step is 16-32 kB


def test_scalars_unpacked_from_an_array_keep_no_shapes():
    args = (np.array([1.1, 0.4, 0.1, 0.4]), 10.0, 5.0, 0.01, 30)
    source = s2s.grad(lotka_volterra).specialize(*args).source
    assert "unbroadcast" not in source and "shape_of" not in source


def test_a_helper_filling_an_array_knows_its_parameters_dimensions():
    args = (np.array([0.05, 0.1, 0.8]), np.linspace(-0.5, 0.5, 30))
    source = s2s.grad(garch_nll).specialize(*args).source
    assert "sigma2[t] = omega + " in source  # the helper's forward sweep writes in place
    # one copy of the caller's adjoint (its entries as Python floats: s2s.elements)
    assert "sigma2_3_bar_list[t] = 0" in source and ".copy()" in source
    assert "updated(" not in source
    assert "zeroed(" not in source
    helper = source[source.index("def garch_variances_forward"):]
    assert "shape_of" not in helper.replace("shape_of(theta)", "")  # scalars unpacked from theta


def shares_the_buffer(x):
    a = np.zeros(3)
    total = 0.0
    for i in range(3):
        b = a
        a[i] = x[i]
        total = total + np.sum(b)
    return total


def keeps_one_step(x, n):
    keep = np.zeros(3)
    for k in range(n):
        new = np.zeros(3)
        if k == 1:
            keep = new
        new[0] = x[0] * k
    return np.sum(keep) + x[1]


@pytest.mark.parametrize("fn", [shares_the_buffer, keeps_one_step])
def test_a_write_into_an_array_another_name_holds_is_still_refused(fn):
    """An array made anew each iteration is a new object (heat_rod); one that another
    name holds in the same iteration is the same object."""
    with pytest.raises(s2s.S2SError, match="share memory"):
        s2s.grad(fn)


def spring_tension(x, i, k, rest):
    """The tension of the spring between beads i and i + 1 of a chain."""
    return k * (x[i + 1] - x[i] - rest)


def chain_energy(x, k, rest):
    """Elastic energy of a bead chain, one spring at a time through a helper taking the index."""
    energy = 0.0
    for i in range(x.shape[0] - 1):
        t = spring_tension(x, i, k, rest)
        energy = energy + 0.5 * t * t / k
    return energy


def horner_step(c, x, i):
    if i == c.shape[0] - 1:
        return c[i]
    return c[i] + x * horner_step(c, x, i + 1)


def horner_recursive(c, x):
    """Horner's rule one coefficient per call (a linear recursion: two loops)."""
    return horner_step(c, x, 0)


@pytest.mark.parametrize("fn, args, wrt, added", [
    (chain_energy, (np.array([0.0, 1.1, 1.9, 3.2, 4.1, 4.8]), 2.5, 1.0), (0, 1), r"x_bar\[i_plus_1\] \+= minus_bar"),
    (horner_recursive, (np.linspace(-1.0, 1.0, 9), 0.8), (0, 1), r"c_bar(_list)?\[i_\d\] \+= "),
])
def test_an_index_passed_to_a_helper_reads_one_entry(fn, args, wrt, added):
    """A call passing an integer (a loop index, ``i + 1``, ``0``) tells the callee: its reads
    of ``x[i]`` add into one entry of its adjoint in place (s2s.transform.Program.request,
    s2s.shapes.integer_names); a linear recursion's frames of such integers are integers too."""
    source = s2s.grad(fn, wrt=wrt).specialize(*args).source
    assert re.search(added, source)
    assert fn is chain_energy or "unindex" not in source  # the helper's first contribution is still a new array
    for k, w in enumerate(wrt):
        np.testing.assert_allclose(s2s.grad(fn, wrt=wrt)(*args)[k], numeric_grad(fn, list(args), w), rtol=1e-6, atol=1e-8)
