"""A catalogue of one-line library calls (numpy, numpy.linalg, numpy.fft, scipy.special,
scipy.linalg, scipy.stats), each differentiated as a user would: see tests/catalogue.

Every call in a ``CALLS`` list differentiates correctly in both modes (against central
finite differences in float64); every call in a ``REFUSED`` list is refused at the user's
line, naming the function and the two ways out.
"""

import importlib
import pkgutil
import textwrap

import numpy as np
import pytest

import catalogue
import s2s
from gradcheck import assert_close, numeric_grad

MODULES = [m.name for m in pkgutil.iter_modules(catalogue.__path__)]
PREAMBLE = "import numpy as np\nimport scipy.special\nimport scipy.linalg\nimport scipy.stats\nimport scipy.special as sc\n"


def entries(kind):
    for name in MODULES:
        module = importlib.import_module(f"catalogue.{name}")
        for entry in getattr(module, kind, ()):
            yield pytest.param(*entry, id=f"{name}: {entry[0]}")


def program(tmp_path, line, arguments, loss="np.sum(np.sin(y))"):
    """The one-line call as a function in a file of its own; the function (returning ``loss``)."""
    params = ", ".join(arguments)
    source = PREAMBLE + textwrap.dedent(f"""
        def f({params}):
            y = {line}
            return {loss}
        """)
    path = tmp_path / ("catalogue_call.py" if loss != "y" else "catalogue_line.py")
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"catalogue_call_{abs(hash((line, params, loss)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


@pytest.fixture(autouse=True)
def _scipy():
    pytest.importorskip("scipy")


@pytest.mark.parametrize("line, arguments", list(entries("CALLS")))
def test_differentiates(tmp_path, line, arguments):
    f = program(tmp_path, line, arguments)
    args = [np.copy(v) if isinstance(v, np.ndarray) else v for v in arguments.values()]
    wrt = tuple(range(len(args)))
    grads = s2s.grad(f, wrt=wrt)(*args)
    for index, got in enumerate(grads):
        assert np.shape(got) == np.shape(args[index])
        assert_close(got, numeric_grad(f, args, index), rtol=1e-5, atol=1e-7)
    rng = np.random.default_rng(0)
    tangents = [rng.normal(size=np.shape(a)) if isinstance(a, np.ndarray) else float(rng.normal()) for a in args]
    value, tangent = s2s.jvp(f, wrt=wrt)(*args, *tangents)
    assert_close(value, f(*args))
    eps = 1e-6
    up = f(*[a + eps * t for a, t in zip(args, tangents)])
    down = f(*[a - eps * t for a, t in zip(args, tangents)])
    assert_close(tangent, (up - down) / (2 * eps), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("line, arguments, spelling", list(entries("REFUSED")))
def test_refused(tmp_path, line, arguments, spelling):
    f = program(tmp_path, line, arguments)
    with pytest.raises(s2s.S2SError) as caught:
        s2s.grad(f, wrt=tuple(range(len(arguments))))(*arguments.values())
    message = str(caught.value)
    assert "catalogue_call.py:" in message.splitlines()[0]
    assert spelling in message and "stop_gradient" in message and "s2s.adjoint" in message
    assert line.split("(")[0] in message  # the user's line is shown
