"""Unsupported code is refused with an S2SError at the user's file:line:col."""

import inspect
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import s2s
from programs import unsupported

SOURCE_FILE = unsupported.__file__
FUNCTIONS = [
    f for name, f in vars(unsupported).items()
    if (inspect.isfunction(f) or inspect.iscoroutinefunction(f)) and f.__module__ == unsupported.__name__
    and name.startswith(("uses_", "no_"))
]
FUNCTIONS = [f for f in FUNCTIONS if f.__name__ != "uses_nonlocal_inner"]


def expected(f):
    """(line, words) of the `# refused:` marker inside ``f``."""
    lines, first = inspect.getsourcelines(f)
    for offset, line in enumerate(lines):
        m = re.search(r"# refused: (.*)$", line)
        if m:
            return first + offset, m.group(1).strip()
    raise AssertionError(f"{f.__name__} has no marker")


def wrt_for(f):
    return 0


def test_catalogue_is_large():
    assert len(FUNCTIONS) >= 15


@pytest.mark.parametrize("f", FUNCTIONS, ids=[f.__name__ for f in FUNCTIONS])
def test_api_error_points_at_the_line(f):
    line, words = expected(f)
    with pytest.raises(s2s.S2SError) as info:
        s2s.grad(f)
    err = info.value
    assert isinstance(err, SyntaxError)
    assert os.path.samefile(err.filename, SOURCE_FILE)
    assert err.lineno == line, str(err)
    assert words in err.msg, err.msg
    text = open(SOURCE_FILE).read().splitlines()[line - 1]
    assert err.text.rstrip("\n") == text
    assert 0 <= err.col_offset < len(text)
    assert str(err).startswith(f"{err.filename}:{line}:{err.col_offset + 1}: ")


@pytest.mark.parametrize("f", FUNCTIONS[:6] + FUNCTIONS[-4:], ids=[f.__name__ for f in FUNCTIONS[:6] + FUNCTIONS[-4:]])
def test_cli_error_is_one_located_line(f):
    line, words = expected(f)
    proc = subprocess.run(
        [sys.executable, "-m", "s2s", "show", f"{SOURCE_FILE}::{f.__name__}"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert re.match(rf".*unsupported\.py:{line}:\d+: .*{re.escape(words)}", first), proc.stderr


def test_column_points_at_the_construct():
    with pytest.raises(s2s.S2SError) as info:
        s2s.grad(unsupported.uses_no_rule)
    err = info.value
    assert err.text[err.col_offset:].startswith("np.fft.hfft(x)")


def test_non_scalar_output_raises_value_error_with_shape():
    import numpy as np
    from programs.straight import non_scalar

    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        s2s.grad(non_scalar)(np.ones(3))


def test_integer_argument_in_wrt_is_refused():
    import numpy as np
    from programs.straight import int_input

    with pytest.raises(TypeError, match="'n'"):
        s2s.grad(int_input, wrt="n")(np.ones(3), 3)
    with pytest.raises(TypeError, match="'x'"):
        s2s.grad(int_input)(np.arange(3), 3)


def test_unknown_wrt_is_refused():
    from programs.straight import int_input

    with pytest.raises(ValueError, match="no parameter named 'z'"):
        s2s.grad(int_input, wrt="z")
    with pytest.raises(ValueError, match="2 positional"):
        s2s.grad(int_input, wrt=5)


def test_a_lambda_without_source_and_a_builtin_are_refused():
    with pytest.raises(s2s.S2SError, match="cannot read the source of the lambda"):
        s2s.grad(eval("lambda x: x * 2.0"))  # noqa: S307 (made from a string: no file holds it)
    with pytest.raises(s2s.S2SError, match="Python functions"):
        s2s.grad(len)


class Ridge:
    def __init__(self, lam):
        self.lam = lam

    def predict(self, w, X):
        return X @ w

    def loss(self, w, X, y):
        r = self.predict(w, X) - y
        return np.sum(r * r) + self.lam * np.sum(w * w)


class ShiftedRidge(Ridge):
    def predict(self, w, X):
        return X @ w + 1.0


def test_a_method_called_on_self_is_its_class_function_guarded_against_overriding():
    X, y, w = np.arange(6.0).reshape(3, 2), np.ones(3), np.array([0.5, -1.0])
    np.testing.assert_allclose(s2s.grad(Ridge(0.1).loss)(w, X, y), 2 * X.T @ (X @ w - y) + 0.2 * w)
    np.testing.assert_allclose(s2s.grad(Ridge.loss, wrt="w")(Ridge(0.1), w, X, y), 2 * X.T @ (X @ w - y) + 0.2 * w)
    with pytest.raises(TypeError, match="ShiftedRidge.predict is not Ridge.predict"):
        s2s.grad(ShiftedRidge(0.1).loss)(w, X, y)


def test_a_method_on_self_that_cannot_be_resolved_names_the_call_to_write():
    class Local:
        def predict(self, w):
            return w * 2.0

        def loss(self, w):
            return np.sum(self.predict(w) ** 2)

    with pytest.raises(s2s.S2SError, match=r"call `.*Local\.predict\(self, \.\.\.\)`, the function itself"):
        s2s.grad(Local().loss)(np.ones(2))
