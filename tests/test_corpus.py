"""Real programs, run as their authors wrote them (issue 17): the corpus in ``tests/corpus/``.

Each file there is an ordinary program (a model, a likelihood, a simulation), written
before thinking about s2s, followed by a short trailer that says how to call it:

    def corpus_inputs(rng):          # the arguments of one call
        return theta, t, y
    CORPUS = dict(f=loss, wrt=0)     # optional: refused="what the message must say", rtol=,
                                     # inputs= (a function of rng, in place of corpus_inputs)

(``CORPUS`` may be a list of such dicts.)  Every case is checked three ways: the gradient
has the argument's structure (dict, NamedTuple, dataclass, list, tuple, array shape, float);
it matches central differences in float64 along random directions; and, where autograd
runs the same source with ``autograd.numpy`` in place of numpy, it equals autograd's.  A
case declared ``refused`` must be refused with an ``S2SError`` located at the program's own
line that names the rewrite.  At least 40 programs, at most 5% of them refused.
"""

import dataclasses
import importlib.util
import inspect
import pathlib
import re
import sys
import types
import warnings

import numpy as np
import pytest

import s2s

HERE = pathlib.Path(__file__).parent / "corpus"
PROGRAMS = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_"))


def load(path):
    name = f"corpus_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def cases(module):
    corpus = getattr(module, "CORPUS")
    return corpus if isinstance(corpus, list) else [corpus]


# --- structures: the leaves of a gradient and of an argument, in one order -------------------

def leaves(value):
    """``[(path, leaf)]``: arrays and floats inside dicts, lists, tuples, NamedTuples, dataclasses."""
    if isinstance(value, dict):
        return [((k,) + p, leaf) for k in value for p, leaf in leaves(value[k])]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [((f.name,) + p, leaf) for f in dataclasses.fields(value) for p, leaf in leaves(getattr(value, f.name))]
    if isinstance(value, (list, tuple)):
        return [((i,) + p, leaf) for i, item in enumerate(value) for p, leaf in leaves(item)]
    return [((), value)]


def replaced(value, path, new):
    """``value`` with the leaf at ``path`` replaced by ``new`` (containers copied, never changed)."""
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, key: replaced(value[key], rest, new)}
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{key: replaced(getattr(value, key), rest, new)})
    items = list(value)
    items[key] = replaced(items[key], rest, new)
    if hasattr(value, "_fields"):
        return type(value)(*items)
    return type(value)(items)


def same_structure(grad, arg):
    assert type(grad) is type(arg) or (isinstance(arg, (float, int, np.floating)) and np.ndim(grad) == 0), (type(grad), type(arg))
    if isinstance(arg, dict):
        assert list(grad) == list(arg), (list(grad), list(arg))
    for (gp, g), (ap, a) in zip(leaves(grad), leaves(arg)):
        assert gp == ap and np.shape(g) == np.shape(a), (gp, np.shape(g), ap, np.shape(a))
    assert len(leaves(grad)) == len(leaves(arg))


def differentiable(leaf):
    return isinstance(leaf, float) or (isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f")


def directional(f, args, index, direction, eps=1e-6):
    """Central difference of ``f`` at ``args`` along ``direction`` (``[(path, array)]``) in argument ``index``."""
    def at(step):
        arg = args[index]
        for path, d in direction:
            arg = replaced(arg, path, dict(leaves(arg))[path] + step * d)
        return float(np.sum(f(*args[:index], arg, *args[index + 1:])))
    return (at(eps) - at(-eps)) / (2 * eps)


# --- autograd on the same source ------------------------------------------------------------

AUTOGRAD_IMPORTS = (
    (r"^import numpy as np$", "import autograd.numpy as np"),
    (r"^from scipy import special$", "from autograd.scipy import special"),
    (r"^from scipy\.(special|stats|linalg|signal) import", r"from autograd.scipy.\1 import"),
    (r"^import scipy\.special as (\w+)$", r"import autograd.scipy.special as \1"),
)


def autograd_module(path):
    """The program with autograd's numpy and scipy."""
    source = path.read_text()
    for pattern, repl in AUTOGRAD_IMPORTS:
        source = re.sub(pattern, repl, source, flags=re.M)
    name = f"corpus_autograd_{path.stem}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    exec(compile(source, f"{path} [autograd]", "exec"), module.__dict__)
    return module


def autograd_gradients(path, case, args, indices):
    """autograd's gradients of the case, or None where autograd does not run the program."""
    try:
        import autograd
    except ImportError:  # without autograd: the comparison with central differences only
        return None
    try:
        module = autograd_module(path)
        f = case["f"]
        if inspect.ismethod(f):  # a bound method: the same object, made from autograd's copy of its class
            cls = getattr(module, type(f.__self__).__name__)
            twin = cls.__new__(cls)
            twin.__dict__.update(vars(f.__self__))
            f = getattr(twin, f.__name__)
        else:
            f = getattr(module, f.__name__)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [autograd.grad(f, i)(*args) for i in indices]
    except Exception:  # autograd cannot run this program as written: nothing to compare with
        return None


# --- the checks -----------------------------------------------------------------------------

def indices_of(case):
    wrt = case.get("wrt", 0)
    names = list(inspect.signature(case["f"]).parameters)
    wrts = wrt if isinstance(wrt, tuple) else (wrt,)
    return wrt, [w if isinstance(w, int) else names.index(w) for w in wrts]


def params():
    for path in PROGRAMS:
        module = load(path)
        for number, case in enumerate(cases(module)):
            yield pytest.param(path, number, id=f"{path.stem}-{number}" if len(cases(module)) > 1 else path.stem)


@pytest.mark.parametrize("path, number", list(params()))
def test_program(path, number):
    module = load(path)
    case = cases(module)[number]
    f = case["f"]
    args = tuple((case.get("inputs") or module.corpus_inputs)(np.random.default_rng(number)))
    wrt, indices = indices_of(case)
    if case.get("refused"):
        with pytest.raises(s2s.S2SError) as caught:
            s2s.grad(f, wrt=wrt)(*args)
        message = str(caught.value)
        assert f"{path.name}:" in message, message
        assert case["refused"] in message, message
        return
    got = s2s.grad(f, wrt=wrt)(*args)
    grads = list(got) if isinstance(wrt, tuple) else [got]
    rng = np.random.default_rng(100 + number)
    rtol = case.get("rtol", 1e-5)
    for index, grad in zip(indices, grads):
        same_structure(grad, args[index])
        for _ in range(2):
            direction = [(p, rng.normal(size=np.shape(leaf))) for p, leaf in leaves(args[index]) if differentiable(leaf)]
            expected = directional(f, args, index, direction)
            slope = sum(float(np.sum(np.asarray(dict(leaves(grad))[p]) * d)) for p, d in direction)
            scale = max(abs(expected), 1e-6 * max(1.0, abs(float(np.sum(f(*args))))))
            assert abs(slope - expected) <= rtol * scale + 1e-8, (path.stem, slope, expected)
    theirs = autograd_gradients(path, case, args, indices)
    if theirs is not None:
        for grad, other in zip(grads, theirs):
            for (p, g), (_, o) in zip(leaves(grad), leaves(other)):
                np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(o, dtype=float), rtol=1e-7, atol=1e-10, err_msg=str(p))


def test_the_corpus_is_large_and_mostly_differentiable():
    total = len(PROGRAMS)
    refused = sum(any(c.get("refused") for c in cases(load(p))) for p in PROGRAMS)
    assert total >= 40, f"{total} programs in tests/corpus"
    assert refused <= 0.05 * total, f"{refused} of {total} programs refused"
