"""s2s.libraries: how generated code spells library functions, and what it imports for them."""

import math

import numpy as np
import pytest

from s2s import libraries


@pytest.mark.parametrize("fn, spelled", [
    (np.tanh, "np.tanh"),
    (np.linalg.inv, "np.linalg.inv"),
    (np.fft.rfft, "np.fft.rfft"),
    (math.exp, "math.exp"),
    (np.logaddexp.reduce, "np.logaddexp.reduce"),  # a method bound to a ufunc numpy holds
    (np.maximum.accumulate, "np.maximum.accumulate"),
])
def test_spelling(fn, spelled):
    assert libraries.spell(fn) == spelled


def test_spelling_scipy():
    scipy_special = pytest.importorskip("scipy.special")
    stats = pytest.importorskip("scipy.stats")
    assert libraries.spell(scipy_special.gammaln) == "scipy.special.gammaln"
    assert libraries.spell(stats.norm.logpdf) == "scipy.stats.norm.logpdf"  # a method of a distribution


def test_not_a_library_function():
    assert libraries.spell(lambda x: x) is None
    assert libraries.spell(np.ones(3).sum) is None  # bound to an array, which no library holds


def test_imports():
    assert libraries.imports({"np.exp"}) == ["import numpy as np"]
    assert libraries.imports({"math.exp", "scipy.special.gammaln", "scipy.stats.norm.logpdf"}) == [
        "import math", "import numpy as np", "import scipy.special", "import scipy.stats"]
