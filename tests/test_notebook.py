"""Functions defined in notebook cells (issue 17, point 7), and the notebook display.

IPython keeps a cell's text in ``linecache`` under the cell's name (no file on
disk: ``<ipython-input-N-hash>``, or ipykernel's ``/tmp/ipykernel_<pid>/<hash>.py``)
and compiles the cell one top-level statement at a time.  ``run_cell`` does
the same, so the front end's check that the source it reads is the code that
runs is tested for every cell layout without a kernel; ``test_example_notebook``
then runs ``examples/oscillator_fit.ipynb`` on a real kernel.
"""

import __future__
import ast
import json
import linecache
import os
import subprocess
import sys

import numpy as np
import pytest

import s2s
from s2s.frontend import code_matches_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CELL_NAMES = {
    "ipython": lambda n: f"<ipython-input-{n}-3f2a9c1b7e4d>",
    "ipykernel": lambda n: f"/tmp/ipykernel_{os.getpid()}/90{n}4815162342.py",
}


@pytest.fixture(params=sorted(CELL_NAMES))
def notebook(request):
    """A fresh notebook namespace: ``notebook(text)`` runs the next cell in it."""
    namespace = {"__name__": "__main__"}
    names = []

    def run_cell(text, flags=0):
        name = CELL_NAMES[request.param](len(names) + 1)
        names.append(name)
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        for statement in ast.parse(text).body:
            exec(compile(ast.Module([statement], []), name, "exec", flags, dont_inherit=True), namespace)  # noqa: S102
        return namespace

    yield run_cell
    for name in names:
        linecache.cache.pop(name, None)


X = np.array([0.3, -1.2, 2.0])


def test_def_after_an_import_in_its_cell(notebook):
    """The usual first cell, refused before (its code differs from the whole cell's compiled)."""
    ns = notebook("import numpy as np\n\n\ndef f(x):\n    return np.sum(np.sin(x) * x)\n")
    np.testing.assert_allclose(s2s.grad(ns["f"])(X), np.cos(X) * X + np.sin(X))


def test_def_first_and_several_defs_in_one_cell(notebook):
    notebook("import numpy as np")
    ns = notebook(
        "import s2s\n\n\n"
        "def scale(x):\n    return 2.0 * x\n\n\n"
        "def f(x):\n    return np.sum(scale(x) ** 2)\n\n\n"
        "@s2s.grad\ndef df(x):\n    return np.sum(np.exp(x))\n"
    )
    np.testing.assert_allclose(s2s.grad(ns["f"])(X), 8 * X)
    np.testing.assert_allclose(ns["df"](X), np.exp(X))


def test_def_calling_a_function_of_an_earlier_cell(notebook):
    notebook("import numpy as np\n\ndef energy(x):\n    return 0.5 * np.sum(x * x)\n")
    ns = notebook("def total(x, k):\n    return k * energy(x) + np.sum(x)\n")
    np.testing.assert_allclose(s2s.grad(ns["total"])(X, 3.0), 3.0 * X + 1.0)


def test_redefinition_in_a_later_cell_is_what_is_differentiated(notebook):
    notebook("import numpy as np\ndef f(x):\n    return np.sum(x ** 2)\n")
    ns = notebook("import numpy as np\ndef f(x):\n    return np.sum(x ** 3)\n")
    g = s2s.grad(ns["f"])
    np.testing.assert_allclose(g(X), 3 * X ** 2)
    assert "x ** 3" in g.source and "no file: a notebook cell" in g.source


def test_a_derivative_made_before_a_helper_is_redefined_asks_to_transform_again(notebook):
    ns = notebook("import numpy as np\nimport s2s\n\ndef energy(x):\n    return np.sum(x * x)\n\n"
                  "def total(x):\n    return 2.0 * energy(x)\n\ndtotal = s2s.grad(total)\n")
    np.testing.assert_allclose(ns["dtotal"](X), 4 * X)
    notebook("def energy(x):\n    return np.sum(x ** 3)\n")
    with pytest.raises(s2s.S2SError, match="`energy` in total was defined again after .* transform total again"):
        ns["dtotal"](X)
    np.testing.assert_allclose(s2s.grad(ns["total"])(X), 6 * X ** 2)


def test_an_edited_and_rerun_cell_whose_old_function_is_kept_under_another_name(notebook):
    """``misfit = loss`` then a new ``loss`` calling ``misfit``: two functions ``__main__.loss``.
    Editing the first cell and running both again must not load the derivative made from
    the first cell's old text (the cache key holds the sources of both)."""
    second = "misfit = loss\n\ndef loss(x):\n    return misfit(x) + np.sum(x)\n"
    notebook("import numpy as np\n\ndef loss(x):\n    return np.sum(x ** 2)\n")
    ns = notebook(second)
    np.testing.assert_allclose(s2s.grad(ns["loss"])(X), 2 * X + 1)
    notebook("import numpy as np\n\ndef loss(x):\n    return np.sum(x ** 3)\n")
    ns = notebook(second)
    np.testing.assert_allclose(s2s.grad(ns["loss"])(X), 3 * X ** 2 + 1)


def test_lambda_in_a_cell(notebook):
    ns = notebook("import numpy as np\nimport s2s\ng = s2s.grad(lambda w: np.sum(np.tanh(w)))\n")
    np.testing.assert_allclose(ns["g"](X), 1 - np.tanh(X) ** 2)


def test_future_features_of_an_earlier_cell_are_the_code_s_flags(notebook):
    """``from __future__ import annotations`` in one cell changes how later cells compile."""
    flags = __future__.annotations.compiler_flag
    notebook("from __future__ import annotations\nimport numpy as np")
    ns = notebook("def f(x):\n    def g(y: np.ndarray) -> float:\n        return y\n    return g\n", flags)
    assert ns["f"].__code__.co_flags & flags
    assert code_matches_source(ns["f"])


def test_cell_text_that_is_not_the_code_that_runs_is_refused(notebook):
    """What stays refused: code compiled from other text than the cell's (here the
    cell's text replaced in ``linecache``, as an AST transformer would make it)."""
    ns = notebook("import numpy as np\ndef f(x):\n    return np.sum(x ** 2)\n")
    name = ns["f"].__code__.co_filename
    linecache.cache[name] = (0, None, ["import numpy as np\n", "def f(x):\n", "    return np.sum(x ** 4)\n"], name)
    with pytest.raises(s2s.S2SError, match="is not the code that runs") as info:
        s2s.grad(ns["f"])
    assert info.value.filename == name and info.value.lineno == 2
    assert "AST transformer" in info.value.msg and "importlib.reload" not in info.value.msg


# -- display --------------------------------------------------------------------------------


def loss(x):
    return np.sum(np.tanh(x) ** 2)


def test_a_notebook_shows_the_generated_source_highlighted():
    g = s2s.grad(loss)
    page = g._repr_html_()
    assert "s2s.grad(loss)" in page and g.path in page and "style=" in page and "grad_loss" in page
    assert "style=" in g.source._repr_html_()
    assert isinstance(g.source, str) and repr(g.source) == repr(str(g.source))  # a terminal shows it as before
    assert repr(g).startswith("<function loss")
    assert "s2s.hvp(loss)" in s2s.hvp(loss)._repr_html_()


def test_without_pygments_the_source_is_escaped_text(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygments", None)
    page = s2s.grad(loss).source._repr_html_()
    assert page.startswith("<pre>") and page.endswith("</pre>") and "<" not in page[len("<pre>"):-len("</pre>")]


# -- a real kernel --------------------------------------------------------------------------


SHELL = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for cell in [
    "import numpy as np\\nimport s2s\\n\\ndef f(x):\\n    return np.sum(np.sin(x) * x)\\n",
    "g = s2s.grad(f)\\nprint(f.__code__.co_filename.startswith('<ipython-input-'), g(np.zeros(2)))",
]:
    shell.run_cell(cell).raise_error()
"""


def test_ipython_terminal_shell(tmp_path):
    """IPython itself (not a kernel): cells named ``<ipython-input-N-hash>``."""
    pytest.importorskip("IPython")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-c", SHELL], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0 and proc.stdout.split() == ["True", "[0.", "0.]"], proc.stdout + proc.stderr


def test_example_notebook(tmp_path):
    """``examples/oscillator_fit.ipynb`` on an ipykernel running this Python (cell layouts:
    imports and defs in one cell, a def alone, a later cell redefining it, the source shown)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = tmp_path / "kernels" / "s2s-python"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "s2s", "language": "python"}))
    km = KernelManager(kernel_name="s2s-python", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]))
    nb = nbformat.read(os.path.join(ROOT, "examples", "oscillator_fit.ipynb"), as_version=4)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    nbclient.NotebookClient(nb, km=km, timeout=60, resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {})]
    assert len(shown) == 2 and all("grad_loss" in o["data"]["text/html"] for o in shown)
    assert any("omega = 1.99" in o.get("text", "") or "omega = 2.00" in o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
