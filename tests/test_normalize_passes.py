"""Each normalization pass on its own before/after example (see s2s/normalize/__init__.py)."""

import ast
import sys
import textwrap

import gast
import numpy as np
import pytest

import s2s
from s2s import S2SError
from s2s.frontend import parse
from s2s.normalize import jumps
from s2s.normalize.jumps import lower
from s2s.naming import Namer
from s2s.normalize import DESUGARING, anf, array_methods, augmented, comprehensions, lambdas, list_methods, normalize, recursion, refuse
from s2s.rules import ValueMethod


def source(body):
    """The statements ``body`` as Python source."""
    module = gast.Module(body=body, type_ignores=[])
    return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(module)))


def expect(text):
    return textwrap.dedent(text).strip()


def after(fn, *passes):
    """The body of ``fn`` after refusal and then ``passes``."""
    parsed = parse(fn)
    body = refuse.checked_body(parsed)
    for p in passes:
        body = p(body, parsed)
    return source(body)


# -- refuse -------------------------------------------------------------------
def documented(x):
    """A docstring, dropped."""
    return x


def with_lambda(x):
    return max(map(lambda v: v * x, [1.0, 2.0]))


def with_varargs(*xs):
    return xs


def test_refuse_drops_the_docstring():
    assert source(refuse.checked_body(parse(documented))) == "return x"


def test_refuse_raises_at_the_construct():
    with pytest.raises(S2SError, match=r"\*args"):
        refuse.checked_body(parse(with_varargs))


def test_a_lambda_used_as_a_value_is_refused_where_it_is_made():
    with pytest.raises(S2SError, match="lambda used as a value") as caught:
        normalize(parse(with_lambda))
    assert caught.value.lineno == with_lambda.__code__.co_firstlineno + 1


def lambda_example(x, z):
    scale = lambda v, k=2.0: v * k  # noqa: E731
    return scale(x) + scale(z, 3.0)


def test_lambdas():
    assert after(lambda_example, lambdas.desugar) == "return x * 2.0 + z * 3.0"


# -- comprehensions -------------------------------------------------------------
def comprehension_example(x, Ws, ws):
    hs = [np.tanh(x @ W) for W in Ws]
    s = sum(w * x for w in ws if w > 0)
    return hs, s


def test_comprehensions():
    assert after(comprehension_example, comprehensions.desugar) == expect("""
        hs = []
        for W in Ws:
            hs = appended(hs, np.tanh(x @ W))
        items = []
        for w in ws:
            if w > 0:
                items = appended(items, w * x)
        s = sum(items)
        return (hs, s)
    """)


# -- augmented assignment -------------------------------------------------------
def augmented_example(x, y, z):
    x += 2 * y
    z[0] *= x
    return z


def test_augmented():
    assert after(augmented_example, augmented.desugar) == expect("""
        x = x + 2 * y
        z[0] = z[0] * x
        return z
    """)


# -- list methods -----------------------------------------------------------------
def list_example(x):
    xs = [x]
    xs.append(x * 2)
    for i in range(3):
        last = xs.pop()
    return last


def test_list_methods():
    assert after(list_example, list_methods.desugar) == expect("""
        xs = [x]
        xs = appended(xs, x * 2)
        for i in range(3):
            last = xs[-1]
            xs = xs[:-1]
        return last
    """)


def list_append_two(x):
    xs = []
    xs.append(x, x)
    return xs


def test_append_takes_one_argument():
    with pytest.raises(S2SError, match="takes one argument"):
        after(list_append_two, list_methods.desugar)


# -- array methods ------------------------------------------------------------------
def methods_example(x, n):
    a = x.sum(axis=0) + np.sum(x)
    b = x.T.reshape(n, 2).flatten()
    c = x.astype(float).copy()
    if x.max() > 0:
        with s2s.insert_grad_of(x) as dx:
            dx = dx.clip(-1, 1)
    return a, b, c


def test_array_methods():
    assert after(methods_example, array_methods.desugar) == expect("""
        a = np.sum(x, axis=0) + np.sum(x)
        b = np.ravel(np.reshape(x.T, (n, 2)))
        c = copy_of(astype(x, float))
        if np.max(x) > 0:
            with s2s.insert_grad_of(x) as dx:
                dx = dx.clip(-1, 1)
        return (a, b, c)
    """)


def more_methods(x, idx):
    return x.swapaxes(0, 1).take(idx, axis=0).repeat(2, axis=1).conjugate()


def test_array_methods_with_a_numpy_twin():
    assert after(more_methods, array_methods.desugar) == (
        "return np.conjugate(np.repeat(np.take(np.swapaxes(x, 0, 1), idx, axis=0), 2, axis=1))")


def sorted_in_place(x):
    x.sort()
    return x[-1]


def test_an_in_place_method_is_refused_with_its_rewrite():
    with pytest.raises(S2SError, match=r"`\.sort\(\.\.\.\)` changes the array in place.*`x = np\.sort\(x\)`"):
        normalize(parse(sorted_in_place))


def unknown_method(x):
    return x.frobnicate()


def test_other_methods_are_left_as_calls_of_a_value_method():
    """Run as written where no derivative flows (activity refuses them where one does)."""
    assert after(unknown_method, array_methods.desugar) == "return x.frobnicate()"
    call = normalize(parse(unknown_method)).body[0].value
    assert isinstance(call.s2s_target, ValueMethod) and call.s2s_target.__name__ == "frobnicate"


# -- jumps -------------------------------------------------------------------------
def jumps_example(x, n):
    if n == 0:
        return 1.0
    for i in range(n):
        if x > 3:
            break
        x = x * 2
    return x


def test_jumps():
    parsed = parse(jumps_example)
    namer = Namer({"x", "n", "i"})
    body, flags = lower(refuse.checked_body(parsed), namer.fresh, "result", parsed.loc, parsed.node)
    assert source(body) == expect("""
        if n == 0:
            result = 1.0
        else:
            broke = False
            for i in range(n):
                if x > 3:
                    broke = True
                else:
                    x = x * 2
            result = x
        return result
    """)
    loop = body[0].orelse[1]
    assert loop.s2s_break == "broke"  # the loop leaves when its flag is set (normalization adds `if broke: break`)
    assert "broke" in flags  # flags keep their names through single assignment


def raising_example(x, kind):
    if kind == "tanh":
        return np.tanh(x)
    elif kind == "relu":
        return np.maximum(x, 0.0)
    raise ValueError(f"unknown activation {kind!r}")


def test_jumps_leave_a_raising_branch_alone():
    parsed = parse(raising_example)
    body, _ = lower(refuse.checked_body(parsed), Namer({"x", "kind"}).fresh, "result", parsed.loc, parsed.node)
    assert source(body) == expect("""
        if kind == 'tanh':
            result = np.tanh(x)
        else:
            if kind != 'relu':
                raise ValueError(f'unknown activation {kind!r}')
            result = np.maximum(x, 0.0)
        return result
    """)


def f_string_example(x, n):
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n} (|x| = {np.abs(x):.3g})")
    return x * n


def test_normalize_raise_and_f_strings():
    new = normalize(parse(f_string_example))
    assert source(new.body) == expect("""
        cond = n < 0
        if cond:
            abs_x = np.abs(x)
            message = f'n must be non-negative, got {n} (|x| = {abs_x:.3g})'
            raise ValueError(message)
        f_string_example = x * n
        return f_string_example
    """)


# -- the whole pipeline (ANF last) ------------------------------------------------------
def anf_example(x, W, b):
    h = np.tanh(W @ x + b)
    h += x if x.sum() > 0 else -x
    return h.sum()


def test_normalize():
    new = normalize(parse(anf_example))
    assert source(new.body) == expect("""
        W_at_x = W @ x
        W_at_x_plus_b = W_at_x + b
        h = np.tanh(W_at_x_plus_b)
        sum_x = np.sum(x)
        cond = sum_x > 0
        if cond:
            choice = x
        else:
            choice = -x
        h_2 = h + choice
        anf_example = np.sum(h_2)
        return anf_example
    """)


@pytest.mark.parametrize("module", [refuse, *(sys.modules[d.__module__] for d in DESUGARING), jumps, anf])
def test_every_pass_states_what_it_takes_and_guarantees(module):
    assert "Takes" in module.__doc__ and "Guarantees" in module.__doc__, module.__name__


def loop_example(xs, y):
    for row in xs:
        y = y * row
    with s2s.insert_grad_of(y) as dy:
        dy = dy * 2
    return y


def test_normalize_loops_and_hooks():
    # iteration: a loop over a sequence is a loop over its indices; versioning:
    # y is carried (copied to y_2 before the loop, back at the end of the body);
    # hooks: the insert_grad_of block is a marker carrying the block
    new = normalize(parse(loop_example))
    assert source(new.body) == expect("""
        n = sequence_length(xs)
        steps = range(n)
        y_2 = y
        for i in steps:
            row = xs[i]
            y_3 = y_2 * row
            y_2 = y_3
        pass
        loop_example = y_2
        return loop_example
    """)
    hook = new.body[4]
    assert (hook.s2s_grad_of, hook.s2s_hook_name) == ("y_2", "dy")
    assert source(hook.s2s_hook_body) == "dy = dy * 2"


@pytest.mark.parametrize("fn", [augmented_example, list_example, methods_example, jumps_example, anf_example, loop_example])
def test_passes_leave_the_users_tree_alone(fn):
    parsed = parse(fn)
    before = ast.dump(gast.gast_to_ast(parsed.node))
    normalize(parsed)
    assert ast.dump(gast.gast_to_ast(parsed.node)) == before


def slices(x, i):
    inner = x[1:-1] * x[i] + x[:, 0]
    return np.sum(inner)


def test_temporaries_say_whether_they_hold_a_slice_or_an_item():
    assert source(normalize(parse(slices)).body) == expect("""
        x_slice = x[1:-1]
        x_item = x[i]
        x_slice_times_x_item = x_slice * x_item
        x_slice_2 = x[:, 0]
        inner = x_slice_times_x_item + x_slice_2
        slices = np.sum(inner)
        return slices
    """)


# -- aliasing (a check: it rewrites nothing) --------------------------------------------
def aliased_write(x):
    y = x
    y[0] = 1.0
    return np.sum(x)


def test_aliasing_refuses_a_write_another_name_sees():
    with pytest.raises(S2SError, match=r"writes into `y`, which changes `x` too"):
        normalize(parse(aliased_write))


# -- recursion ----------------------------------------------------------------

def horner_example(c, x, i):
    return c[i] if i == len(c) - 1 else c[i] + x * horner_example(c, x, i + 1)


def shared_example(c, x, i):
    if i == len(c) - 1:
        inner = 0.0
    else:
        inner = shared_example(c, x, i + 1)
    return c[i] + x * inner


def test_linear_recursion():
    """One call of itself: a descent pushing the frame (i; c and x pass through), the base case,
    an ascent popping it."""
    assert after(horner_example, recursion.loops) == expect("""
        horner_example_i_frames = []
        while i != len(c) - 1:
            horner_example_i_frames = appended(horner_example_i_frames, i)
            i = i + 1
        horner_example_value = c[i]
        for i in reversed(horner_example_i_frames):
            horner_example_value = c[i] + x * horner_example_value
        return horner_example_value
    """)
    assert after(shared_example, recursion.loops) == expect("""
        shared_example_i_frames = []
        while i != len(c) - 1:
            shared_example_i_frames = appended(shared_example_i_frames, i)
            i = i + 1
        inner = 0.0
        shared_example_value = c[i] + x * inner
        for i in reversed(shared_example_i_frames):
            inner = shared_example_value
            shared_example_value = c[i] + x * inner
        return shared_example_value
    """)


@pytest.mark.parametrize("fn", [horner_example, shared_example])
def test_linear_recursion_leaves_the_users_tree_alone(fn):
    parsed = parse(fn)
    before = ast.dump(gast.gast_to_ast(parsed.node))
    normalize(parsed)
    assert ast.dump(gast.gast_to_ast(parsed.node)) == before
