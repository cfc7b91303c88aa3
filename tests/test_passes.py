"""Each differentiation pass on its own before/after example.

The passes before them have their own tests (tests/test_normalize_passes.py),
as do the passes after them (tests/test_optimize_rewrites.py for each optimizer
rewrite, tests/test_saveplan.py for layout and rematerialization) and the shape
facts (tests/test_shape_facts.py).  Here: the front end, activity (facts), reverse mode and
forward mode (trees, before any optimization), emit (text): the example
``f`` below, normalized, goes in; what each pass makes of it comes out.
"""

import copy
import textwrap

import numpy as np

from s2s.activity import analyse
from s2s.emit import function_source
from s2s.forward import ForwardMode
from s2s.frontend import MISSING, parse
from s2s.normalize import normalize
from s2s.reverse import ReverseMode
from s2s.rules import USER


def f(x, y):
    z = np.sin(x) * y
    return z + 2.0 * y


def normalized():
    assert f.__code__.co_firstlineno == 25, "the expected texts below quote f's lines 26 and 27"
    parsed = parse(f)
    return parsed, normalize(parsed)


def no_callees(*args, **kwargs):
    raise AssertionError("f calls no user function")


def text(fn):
    return textwrap.dedent(function_source(fn, "prog.py")).strip()


def test_front_end_parses_the_function_at_its_place_in_the_file_and_resolves_its_names():
    parsed = parse(f)
    assert parsed.name == "f" and parsed.filename == __file__ and parsed.firstlineno == 25
    assign = parsed.node.body[0]
    assert parsed.loc.lineno(assign) == 26  # tree positions map to the user's file
    call = assign.value.left  # np.sin(x)
    assert parsed.scope.resolve(call.func) is np.sin
    assert parsed.scope.lookup("x") is MISSING  # a local: not a global reference


def test_activity_marks_what_varies_with_wrt_and_reaches_the_output():
    _, fdef = normalized()
    activity = analyse(fdef, ("x",), USER)
    assert sorted(activity.active) == ["f", "sin_x", "x", "z"]  # not y, not 2.0 * y
    assert "times_y" in activity.useful and "times_y" not in activity.varied


def test_reverse_mode_saves_what_the_backward_sweep_reads_and_inlines_rules():
    parsed, fdef = normalized()
    activity = analyse(fdef, ("x",), USER)
    mode = ReverseMode(parsed, fdef, copy.deepcopy(fdef.s2s_namer), activity, ("x",), USER, no_callees, "f_forward", "f_backward")
    forward, backward = mode.run()
    assert text(forward) == textwrap.dedent('''
        def f_forward(x, y):
            # prog.py:26  z = np.sin(x) * y
            sin_x = np.sin(x)
            z = sin_x * y
            # prog.py:27  return z + 2.0 * y
            times_y = 2.0 * y
            f = z + times_y
            return (f, (x, y, shape_of(sin_x), shape_of(z)))''').strip()
    assert text(backward) == textwrap.dedent('''
        def f_backward(saved, f_bar):
            x, y, sin_x_shape, z_shape = saved
            # prog.py:27  return z + 2.0 * y
            z_bar = unbroadcast(f_bar, z_shape)
            # prog.py:26  z = np.sin(x) * y
            sin_x_bar = unbroadcast(z_bar * y, sin_x_shape)
            x_bar = sin_x_bar * np.cos(x)
            return x_bar''').strip()
    assert [e.unpack for e in mode.plan.exits] == [backward.body[0]]  # the plan indexes the very statements


def test_forward_mode_puts_each_tangent_after_its_value():
    parsed, fdef = normalized()
    activity = analyse(fdef, ("x",), USER)
    jvp = ForwardMode(parsed, fdef, copy.deepcopy(fdef.s2s_namer), activity, ("x",), USER, no_callees, "f_jvp").run()
    assert text(jvp) == textwrap.dedent('''
        def f_jvp(x_dot, x, y):
            # prog.py:26  z = np.sin(x) * y
            sin_x = np.sin(x)
            sin_x_dot = x_dot * np.cos(x)
            z = sin_x * y
            z_dot = rebroadcast(sin_x_dot * y, z)
            # prog.py:27  return z + 2.0 * y
            times_y = 2.0 * y
            f = z + times_y
            f_dot = rebroadcast(z_dot, f)
            return (f, f_dot)''').strip()


def test_emit_writes_one_comment_per_primal_line_and_none_for_unlocated_statements():
    _, fdef = normalized()
    fdef.body[-1].s2s_line = None  # a generated statement of no primal line
    lines = text(fdef).splitlines()
    assert lines[1].strip() == "# prog.py:26  z = np.sin(x) * y"
    assert sum(line.lstrip().startswith("#") for line in lines) == 2
