"""Each optimizer rewrite on its own before/after pair: the example of its docstring.

Source in, source out: a small function of the shape generated code has is
parsed, the one rewrite runs with the facts of the pipeline, and the result
is compared as text.  A rewrite that reports no change must leave the tree
as it was (the pipeline then keeps its facts).
"""

import ast
import textwrap

import gast

from s2s.optimize import def_use, hoist_invariants, pipeline
from s2s.optimize.accumulate import gather_fields, merge_accumulations
from s2s.optimize.inplace import write_in_place
from s2s.optimize.arithmetic import drop_unit_seed, simplify_arithmetic
from s2s.optimize.common import share_common_subexpressions
from s2s.optimize.copies import coalesce_copies, fold_loop_copies, propagate_copies
from s2s.optimize.dead import remove_dead
from s2s.optimize.entries import drop_dead_zeroing
from s2s.optimize.inlining import inline_if_test, inline_single_use, inline_while_test
from s2s.transform import transform


def parse(source):
    return gast.parse(textwrap.dedent(source)).body[0]


def text(fdef):
    return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(fdef)))


def rewritten(rewrite, before, **attributes):
    """``before`` after ``rewrite`` (checked to report the change), as text."""
    fdef = parse(before)
    for name, value in attributes.items():
        setattr(fdef, name, value)
    assert rewrite(fdef, def_use(fdef)) is True
    return text(fdef)


def unchanged(rewrite, source, **attributes):
    fdef = parse(source)
    for name, value in attributes.items():
        setattr(fdef, name, value)
    assert rewrite(fdef, def_use(fdef)) is False
    assert text(fdef) == text(parse(source))
    return True


def same(source):
    return text(parse(source))


def test_simplify_arithmetic():
    assert rewritten(simplify_arithmetic, """
        def f(g, y, t):
            dx = 1 * g * 0.5 + -y
            dy = t + t
            dz = 2 * (g * y)
            dw = -(-g * y / t * y)
            return (dx, dy, dz, dw)
    """) == same("""
        def f(g, y, t):
            dx = g * 0.5 - y
            dy = 2 * t
            dz = 2 * g * y
            dw = g * y / t * y
            return (dx, dy, dz, dw)
    """)
    assert rewritten(simplify_arithmetic, """
        def f(g, y, n):
            a = np.sum(-g * y, axis=1, keepdims=True)
            b = n + np.sum(-g)
            c = np.sum(-n)
            return (a, b, c)
    """, s2s_floats={"g"}) == same("""
        def f(g, y, n):
            a = -np.sum(g * y, axis=1, keepdims=True)
            b = n - np.sum(g)
            c = np.sum(-n)
            return (a, b, c)
    """)  # n need not be floating: unsigned integers wrap
    assert unchanged(simplify_arithmetic, """
        def f(g, y):
            return 3 * (g * y) + f(y) + f(y) - (y * -g) + np.sum(-g, dtype=int)
    """, s2s_floats={"g"})  # 3 is not a power of two; a call may differ between calls; only a product's first factor's sign moves


def test_drop_unit_seed():
    assert rewritten(drop_unit_seed, """
        def f_backward(saved, dloss, lap, f, y):
            dx = 2 * dloss * 0.5 * lap
            dy = y - dloss * f
            return (dx * y, dy)
    """, s2s_unit="dloss", s2s_floats={"lap", "f", "y", "dx", "dy"}) == same("""
        def f_backward(saved, dloss, lap, f, y):
            dx = lap
            dy = y - f
            return (dx * y, dy)
    """)
    # dx would be lap itself, returned to the caller: the product stays
    assert unchanged(drop_unit_seed, """
        def f_backward(saved, dloss, lap):
            dx = dloss * lap
            return dx
    """, s2s_unit="dloss", s2s_floats={"lap", "dx"})
    # a product of the seed and integers only keeps its floating dtype
    assert unchanged(drop_unit_seed, """
        def f_backward(saved, dloss, n):
            dx = dloss * n * 2
            return dx * 1.0
    """, s2s_unit="dloss", s2s_floats={"dx"})


def test_coalesce_copies():
    assert rewritten(coalesce_copies, """
        def f_backward(saved, g):
            t1, t2 = layer_backward(g)
            dW1 = t1
            db1 = t2
            return (dW1, db1)
    """) == same("""
        def f_backward(saved, g):
            dW1, db1 = layer_backward(g)
            return (dW1, db1)
    """)
    assert unchanged(coalesce_copies, """
        def f(g):
            t = h(g)
            a = t
            return (a, t)
    """)


def test_propagate_copies():
    assert rewritten(propagate_copies, """
        def f(b):
            a = b
            c = a * 2.0
            return c
    """) == same("""
        def f(b):
            c = b * 2.0
            return c
    """)
    assert unchanged(propagate_copies, """
        def f(b, n):
            a = b
            for i in range(n):
                b = a * 2.0
            return b
    """)


def test_fold_loop_copies():
    assert rewritten(fold_loop_copies, """
        def f(i, n):
            for k in range(n):
                t = i + 1
                i = t
            return i
    """) == same("""
        def f(i, n):
            for k in range(n):
                i = i + 1
            return i
    """)
    assert rewritten(fold_loop_copies, """
        def f(s, i, n):
            while i < n:
                a = s
                s = a * 0.5
            return s
    """) == same("""
        def f(s, i, n):
            while i < n:
                s = s * 0.5
            return s
    """)
    assert unchanged(fold_loop_copies, """
        def f(s, n):
            for k in range(n):
                a = s
                s = s * 0.5
                y = a + s
            return y
    """)  # s changes while a is still read
    assert rewritten(fold_loop_copies, """
        def f(g, x, p, c_bar, x_bar, n):
            for k in range(n):
                a = g
                c_bar = c_bar + a
                g = a * x
                x_bar = x_bar + a * p
            return g
    """) == same("""
        def f(g, x, p, c_bar, x_bar, n):
            for k in range(n):
                c_bar = c_bar + g
                x_bar = x_bar + g * p
                g = g * x
            return g
    """)  # g's new value moves after a's last read: nothing between reads g


def test_inline_single_use():
    assert unchanged(inline_single_use, """
        def f(H, i, v):
            H_2 = updated(H, i, v)
            H_3 = updated(H_2, i + 1, v)
            return H_3
    """)  # item writes stay statements: in place, each writes into its array
    assert rewritten(inline_single_use, """
        def f(s, x):
            t = 0.9 * s
            u = np.sin(x)
            s_3 = t + 0.1 * u
            return s_3
    """) == same("""
        def f(s, x):
            s_3 = 0.9 * s + 0.1 * np.sin(x)
            return s_3
    """)
    assert rewritten(inline_single_use, """
        def f_backward(saved, dright):
            t = tree_backward(saved, dright)
            dx = t * 1.1
            return dx
    """) == same("""
        def f_backward(saved, dright):
            dx = tree_backward(saved, dright) * 1.1
            return dx
    """)
    assert unchanged(inline_single_use, """
        def f(s, x):
            t = 0.9 * s
            s = x
            y = t + s
            return y
    """)  # s is rebound between
    assert rewritten(inline_single_use, """
        def f(y, x, a, b, i):
            t = y[i - 1]
            u = x[i]
            y_2 = updated(y, i, a * t + b * u)
            return y_2
    """) == same("""
        def f(y, x, a, b, i):
            y_2 = updated(y, i, a * y[i - 1] + b * x[i])
            return y_2
    """)  # entries by a loop's index move into their reader: the loop reads like its source line
    for between in ("g[i] = 0", "h = zeroed(g, i)", "h = g"):
        assert unchanged(inline_single_use, f"""
            def f(g, i):
                t = g[i]
                {between}
                v = t * 2.0
                return v
        """)  # an entry is not read after a write into its array, nor past an alias made of it


def test_hoist_invariants():
    assert rewritten(hoist_invariants, """
        def f(s, x, n):
            for i in range(n):
                t = 0.01 * x
                s = 0.9 * s + t * x
            return s
    """) == same("""
        def f(s, x, n):
            t = 0.01 * x
            for i in range(n):
                s = 0.9 * s + t * x
            return s
    """)
    assert unchanged(hoist_invariants, """
        def f(s, x, n):
            for i in range(n):
                t = 0.01 * x
                update(x)
                s = 0.9 * s + t
            return s
    """)  # a call may change x


def test_remove_dead():
    assert rewritten(remove_dead, """
        def f(x, n):
            t = np.sin(x)
            s = x * 2.0
            for i in range(n):
                loss_3 = loss_2 + s
                loss_2 = loss_3
            return s
    """) == same("""
        def f(x, n):
            s = x * 2.0
            return s
    """)
    assert unchanged(remove_dead, """
        def f(x):
            t = g(x)
            return x
    """)  # a call may have effects


def test_merge_accumulations():
    assert rewritten(merge_accumulations, """
        def f(g, y):
            dx = g * y
            dx = dx + g * 2.0
            return dx
    """) == same("""
        def f(g, y):
            dx = g * y + g * 2.0
            return dx
    """)
    assert unchanged(merge_accumulations, """
        def f(g, y):
            dx = g * y
            dx = dx + unindex(g, y, 1)
            return dx
    """)


def test_gather_fields():
    assert rewritten(gather_fields, """
        def f(a_bar, g, w, p):
            p_bar = unattribute(a_bar, p, 'a')
            b_bar = g * w
            w_bar = g * p.b
            p_bar = p_bar + unattribute(b_bar, p, 'b')
            return (w_bar, p_bar)
    """) == same("""
        def f(a_bar, g, w, p):
            b_bar = g * w
            w_bar = g * p.b
            p_bar = unattributes(p, a=a_bar, b=b_bar)
            return (w_bar, p_bar)
    """)
    assert unchanged(gather_fields, """
        def f(a_bar, g, p):
            p_bar = unattribute(a_bar, p, 'a')
            a_bar = g * 2.0
            p_bar = p_bar + unattribute(a_bar, p, 'b')
            return p_bar
    """)  # a_bar has another value where the run ends
    assert rewritten(gather_fields, """
        def f(a_bar, g, p):
            p_bar = unattribute(a_bar, p, 'a')
            p_bar = p_bar + unattribute(g, p, 'b')
            p_bar = p_bar + unattribute(g * 2.0, p, 'a')
            return p_bar
    """) == same("""
        def f(a_bar, g, p):
            p_bar = unattributes(p, a=a_bar + g * 2.0, b=g)
            return p_bar
    """)  # the same field twice: its adjoints add, in order
    assert unchanged(gather_fields, """
        def f(a_bar, g, p, q):
            p_bar = unattribute(a_bar, p, 'a')
            h = log(p_bar)
            p_bar = p_bar + unattribute(g, p, 'b')
            return (p_bar, h)
    """)  # read between, and a call of the user's may have effects


def test_inline_while_test():
    assert rewritten(inline_while_test, """
        def f(i, n):
            running = i < n
            while running:
                i = i + 1
                running = i < n
            return i
    """) == same("""
        def f(i, n):
            while i < n:
                i = i + 1
            return i
    """)
    assert unchanged(inline_while_test, """
        def f(i, n):
            running = i < n
            while running:
                i = i + 1
                running = i < n
            return (i, running)
    """)


def test_inline_if_test():
    assert rewritten(inline_if_test, """
        def f(x):
            cond = x > 0
            if cond:
                y = x
            return y
    """) == same("""
        def f(x):
            if x > 0:
                y = x
            return y
    """)
    assert unchanged(inline_if_test, """
        def f(x):
            cond = np.any(x > 0)
            if cond:
                y = x
            return y
    """)


def test_write_in_place():
    assert rewritten(write_in_place, """
        def f(g, x, h, n, v):
            d = g * 2.0
            d = d + unindex(g, x, (slice(1, 3, None), 2))
            d = d + -h
            y = np.zeros(n)
            y_2 = updated(y, 0, v)
            return (d, y_2)
    """) == same("""
        def f(g, x, h, n, v):
            d = g * 2.0
            d[1:3, 2] += g
            d -= h
            y = np.zeros(n)
            y[0] = v
            y_2 = y
            return (d, y_2)
    """)
    assert unchanged(write_in_place, """
        def f(g, h):
            d = g * 2.0
            keep = [d]
            d = d + h
            return (d, keep)
    """)  # the list holds d's array
    assert unchanged(write_in_place, """
        def f(n, v):
            y = np.zeros(n)
            for i in range(n):
                y_2 = updated(y, i, v)
            return (y, y_2)
    """)  # every iteration reads y as it was
    assert unchanged(write_in_place, """
        def f(n, v):
            y = np.zeros(n)
            ys = []
            for i in range(n):
                ys.append(y)
                y = updated(y, i, v)
            return ys
    """)  # the list holds each version
    assert rewritten(write_in_place, """
        def f(i, n):
            frames = []
            frames_2 = frames
            while i != n:
                frames_2 = appended(frames_2, i)
                i = i + 1
            return (i, frames_2)
    """) == same("""
        def f(i, n):
            frames = []
            frames_2 = frames
            while i != n:
                frames_2.append(i)
                i = i + 1
            return (i, frames_2)
    """)  # a list the function made, appended to in place (the frames of a linear recursion)
    assert unchanged(write_in_place, """
        def f(xs, v):
            ys = appended(xs, v)
            return (xs, ys)
    """)  # xs is read again


def test_fold_loop_copies_past_an_if():
    assert rewritten(fold_loop_copies, """
        def f(i, n, xs):
            while i < n:
                t = appended(xs, i)
                if i > 2:
                    i = i + 2
                else:
                    i = i + 1
                xs = t
            return xs
    """) == same("""
        def f(i, n, xs):
            while i < n:
                xs = appended(xs, i)
                if i > 2:
                    i = i + 2
                else:
                    i = i + 1
            return xs
    """)  # an if that neither reads nor writes xs


def test_drop_dead_zeroing():
    backward = """
        def f(g, a, n):
            steps = range(1, n)
            y_bar = 2 * g
            for i in reversed(steps):
                i_minus_1 = i - 1
                v = y_bar[i]
                y_bar[i] = 0
                y_bar[i_minus_1] += v * a
            first = y_bar[0]
            return first
    """
    assert rewritten(drop_dead_zeroing, backward) == same(backward.replace("                y_bar[i] = 0\n", ""))
    for change in (
        ("first = y_bar[0]", "first = y_bar[1]"),  # an entry the loop zeroes, read after it
        ("first = y_bar[0]", "first = np.sum(y_bar)"),  # the whole array after it
        ("y_bar[i_minus_1] += v * a", "y_bar[i] += v * a"),  # the entry again, after its zeroing
        ("i_minus_1 = i - 1", "i_minus_1 = i + 1"),  # above it: the next iteration reads it
        ("reversed(steps)", "steps"),  # up the range
        ("y_bar = 2 * g", "y_bar = g"),  # another name holds the array
    ):
        assert unchanged(drop_dead_zeroing, backward.replace(*change)), change


def test_every_rewrite_has_its_own_test():
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_")}
    assert {rewrite.__name__ for rewrite, _ in pipeline.PIPELINE} <= tested


def test_a_rewrite_reporting_no_change_changed_nothing(monkeypatch):
    """The pipeline keeps its facts after a rewrite that reports no change: that must be
    true of every rewrite on real generated code."""
    def checked(rewrite):
        def run(fdef, facts):
            before = gast.dump(fdef)
            changed = rewrite(fdef, facts)
            assert changed or gast.dump(fdef) == before, rewrite.__name__
            return changed

        return run

    monkeypatch.setattr(pipeline, "PIPELINE", tuple((checked(r), how) for r, how in pipeline.PIPELINE))
    from test_control import CASES

    for f, _, wrt in CASES[::4]:
        transform(f, "grad", wrt)
    for f, _, wrt in CASES[1::8]:
        transform(f, "jvp", wrt)


def test_share_common_subexpressions():
    assert rewritten(share_common_subexpressions, """
        def f(dplus, W1, W2, g):
            dW2 = 2 * dplus * W2
            dW1 = 2 * dplus * W1
            t = 2 * dplus
            u = t * g
            return (dW1, dW2, u)
    """) == same("""
        def f(dplus, W1, W2, g):
            dplus_times_2 = 2 * dplus
            dW2 = dplus_times_2 * W2
            dW1 = dplus_times_2 * W1
            u = dplus_times_2 * g
            return (dW1, dW2, u)
    """)
    # a name assigned the expression first keeps it for the others
    assert rewritten(share_common_subexpressions, """
        def f(H, x):
            a = 2 * H
            b = 2 * H
            return (a, b * x)
    """) == same("""
        def f(H, x):
            a = 2 * H
            return (a, a * x)
    """)
    assert unchanged(share_common_subexpressions, """
        def f(H, x):
            a = 2 * H
            b = 2 * H
            c = np.sum(a) + np.sum(b)
            H = H * 2
            d = (2 * H + x) * x
            e = x if H > 0 else 2 * H + x
            return (c, d, e)
    """)  # a and b must not be one array; H changes before d; e's 2 * H only sometimes runs
