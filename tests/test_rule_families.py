"""The rule families (s2s/families.py): what one definition gives, and the rule that
adjoint and tangent rules are not written twice.

Every rule the families make is also checked numerically in both modes by
tests/test_rules.py, test_rules_tangents.py and test_rules_hvp.py; here are the
templates' text, the error of a definition that does not fit, ``np.sinc`` at 0, and
the check that no run of six or more lines repeats (up to names) between the
adjoint and the tangent definitions of ``derivatives/``.
"""

import ast
import io
import math
import os
import tokenize

import gast
import numpy as np
import pytest

import s2s
from gradcheck import check_grad
from s2s.families import elementwise, linear
from s2s.rules import BUILTIN

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DERIVATIVES = os.path.join(ROOT, "derivatives")


def body(template):
    return [ast.unparse(gast.gast_to_ast(s)) for s in template.body]


def test_elementwise_gives_both_templates_from_the_derivative():
    rule = BUILTIN.lookup(np.tanh)
    assert body(rule.adjoint) == ["dx = dy * (1.0 - y * y)"]
    assert body(rule.tangent) == ["dy = dx * (1.0 - y * y)"]
    assert not rule.broadcast


def test_the_incoming_derivative_is_the_leftmost_factor_that_depends_on_the_arguments():
    assert body(BUILTIN.lookup(np.arccos).adjoint) == ["dx = -dy / np.sqrt(1.0 - x * x)"]
    assert body(BUILTIN.lookup(np.exp2).tangent) == ["dy = dx * y * np.log(2.0)"]
    assert body(BUILTIN.lookup(math.log2).adjoint) == ["dx = dy / (x * math.log(2.0))"]
    assert body(BUILTIN.lookup(np.deg2rad).adjoint) == ["dx = dy * (np.pi / 180.0)"]
    assert body(BUILTIN.lookup(np.true_divide).adjoint) == ["dx1 = dz / x2", "dx2 = -dz * z / x2"]
    assert BUILTIN.lookup(np.true_divide).broadcast


def test_a_math_function_gets_the_derivative_spelled_with_math():
    assert body(BUILTIN.lookup(math.sin).adjoint) == ["dx = dy * math.cos(x)"]
    assert body(BUILTIN.lookup(math.asin).tangent) == ["dy = dx / math.sqrt(1.0 - x * x)"]
    assert not BUILTIN.lookup(math.atan2).broadcast  # floats: nothing to reduce


def test_linear_derives_the_tangent_from_the_application():
    rule = BUILTIN.lookup(np.swapaxes)
    assert body(rule.adjoint) == ["da = np.swapaxes(dy, axis1, axis2)"]
    assert body(rule.tangent) == ["dy = np.swapaxes(da, axis1, axis2)"]


def test_a_bilinear_function_gets_the_product_rule():
    assert body(BUILTIN.lookup(np.multiply).tangent) == ["dz = dx1 * x2", "dz = x1 * dx2"]
    assert body(BUILTIN.lookup(np.tensordot).tangent) == [
        "dz = np.tensordot(da, b, axes=axes)", "dz = np.tensordot(a, db, axes=axes)",
    ]


def test_a_runtime_helper_without_a_return_is_applied_to_its_parameters():
    from s2s import runtime

    rule = BUILTIN.lookup(runtime.matmul_dx)
    assert body(rule.tangent) == ["dy = matmul_dx(dgrad, x, w)", "dy = matmul_dx(grad, x, dw)"]


def _a_function(x):
    return x


def test_a_definition_that_does_not_fit_is_an_error_at_its_line():
    with pytest.raises(s2s.S2SError) as info:

        @elementwise(_a_function)
        def too_many(y, x):
            return 1.0, 2.0

    assert info.value.lineno == too_many_line() and os.path.basename(__file__) in str(info.value)
    with pytest.raises(s2s.S2SError, match="unknown name `undefined`") as info:

        @elementwise(_a_function)
        def unknown(y, x):
            return undefined * x  # noqa: F821

    assert info.value.lineno == unknown_line()
    with pytest.raises(s2s.S2SError, match="transposes none of its arguments"):

        @linear(_a_function)
        def no_transpose(y, x):
            return x
    assert BUILTIN.lookup(_a_function) is None


def too_many_line():
    return _line_of("            return 1.0, 2.0")


def unknown_line():
    return _line_of("            return undefined * x")


def _line_of(text):
    return next(n for n, line in enumerate(open(__file__).read().splitlines(), 1) if line.startswith(text))


# -- np.sinc, the one-line addition, at 0 -----------------------------------------------------


def sinc_loss(x, w):
    return np.sum(np.sinc(x) * w)


AT_ZERO = np.array([[0.0, 0.5], [-1.5, 0.0]])
W = np.array([[0.3, -1.2], [0.7, 2.0]])


@pytest.mark.parametrize("optimize", [False, True])
def test_sinc_derivative_is_zero_at_zero_in_both_modes(optimize):
    g = check_grad(sinc_loss, [AT_ZERO, W], optimize=optimize)
    assert g[0, 0] == 0.0 and g[1, 1] == 0.0
    v = np.ones_like(AT_ZERO)
    _, t = s2s.jvp(sinc_loss, wrt=0, optimize=optimize)(AT_ZERO, W, v)
    np.testing.assert_allclose(t, np.sum(g * v), rtol=1e-12)


def test_sinc_second_derivative_at_zero():
    """``sinc''(0) = -pi^2 / 3``: finite differences of the gradient cancel badly at 0,
    so this is checked against the value."""
    v = np.array([[1.0, 0.0], [0.0, 1.0]])
    hv = s2s.hvp(sinc_loss, wrt=0)(AT_ZERO, W, v)
    np.testing.assert_allclose(hv[[0, 1], [0, 1]], -math.pi**2 / 3 * W[[0, 1], [0, 1]], rtol=1e-12)


# -- adjoint and tangent rules are written once -----------------------------------------------

RUN = 6


def shapes(source):
    """``{line number: the line's tokens with names, numbers and strings made alike}``
    for the lines that hold code."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.NAME:
            text = tok.string if tok.string in KEYWORDS else "N"
        elif tok.type == tokenize.NUMBER:
            text = "0"
        elif tok.type == tokenize.STRING:
            text = "S"
        else:
            text = tok.string
        out.setdefault(tok.start[0], []).append(text)
    return {line: " ".join(tokens) for line, tokens in out.items()}


KEYWORDS = set(__import__("keyword").kwlist)


def definitions(path, kind):
    """The runs of consecutive rule definitions of ``path`` registered with ``@adjoint``
    (kind "adjoint") or ``@tangent`` only: lists of ``(line number, shape)``."""
    source = open(path).read()
    line_shapes = shapes(source)
    runs, run = [], []
    for node in ast.parse(source).body:
        kinds = {
            d.func.id for d in getattr(node, "decorator_list", ())
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)
        }
        if kinds != {kind}:
            runs.append(run)
            run = []
            continue
        first = node.decorator_list[0].lineno
        run += [(n, line_shapes[n]) for n in range(first, node.end_lineno + 1) if n in line_shapes]
    return [r for r in runs + [run] if len(r) >= RUN]


def repeated_runs(adjoint_files, tangent_files):
    """``(adjoint place, tangent place)`` for each run of ``RUN`` lines of consecutive
    adjoint definitions that stands, up to names, in a run of tangent definitions."""
    tangent_runs = {}
    for path in tangent_files:
        for run in definitions(path, "tangent"):
            for i in range(len(run) - RUN + 1):
                key = tuple(shape for _, shape in run[i:i + RUN])
                tangent_runs.setdefault(key, f"{os.path.basename(path)}:{run[i][0]}")
    found = []
    for path in adjoint_files:
        for run in definitions(path, "adjoint"):
            for i in range(len(run) - RUN + 1):
                key = tuple(shape for _, shape in run[i:i + RUN])
                if key in tangent_runs:
                    found.append((f"{os.path.basename(path)}:{run[i][0]}", tangent_runs[key]))
    return found


def rule_files():
    return sorted(os.path.join(DERIVATIVES, f) for f in os.listdir(DERIVATIVES) if f.endswith(".py"))


def test_no_run_of_lines_repeats_between_adjoint_and_tangent_definitions():
    found = repeated_runs(rule_files(), rule_files())
    assert not found, f"runs of {RUN} lines written twice (adjoint ~ tangent): {found[:10]}"


def test_the_check_finds_a_copied_rule(tmp_path):
    adjoints, tangents = tmp_path / "a.py", tmp_path / "t.py"
    adjoints.write_text("".join(
        f"@adjoint(np.{f})\ndef {f}(y, x):\n    dx = dy * np.{g}(x)\n\n\n" for f, g in (("sin", "cos"), ("cosh", "sinh"), ("sinh", "cosh"))
    ))
    tangents.write_text("".join(
        f"@tangent(np.{f})\ndef {f}(y, x):\n    dy = dx * np.{g}(x)\n\n\n" for f, g in (("sin", "cos"), ("cosh", "sinh"), ("sinh", "cosh"))
    ))
    assert repeated_runs([str(adjoints)], [str(tangents)])
