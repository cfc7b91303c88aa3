"""The libraries generated code calls, and how it spells them.

One table for every place that needs to know: :func:`s2s.rules.spell` (how a generated
module names a library function), the rule modules of optional libraries (loaded once
the user has imported the library, so s2s never imports scipy itself), the imports a
generated module opens with, and the optimizer's list of calls without side effects.

Code of a library (the table's, the array libraries', the standard library's and
anything installed in site-packages) is called as it is and never transformed: a
library function with no rule is refused at the user's line (:func:`is_library`).

A function is spelled by the first library that holds it under its own name
(``np.linalg.inv``, ``scipy.special.gammaln``); a method bound to an object that a
library holds is spelled through that object (``np.logaddexp.reduce``,
``scipy.stats.norm.logpdf``).
"""

import os
import site
import sys
import sysconfig
import types

# (prefix in generated code, module); the first that holds a function names it
LIBRARIES = (
    ("np", "numpy"),
    ("np.linalg", "numpy.linalg"),
    ("np.fft", "numpy.fft"),
    ("math", "math"),
    ("scipy.special", "scipy.special"),
    ("scipy.linalg", "scipy.linalg"),
    ("scipy.stats", "scipy.stats"),
)
ROOTS = {"np", "math", "scipy"}  # the names generated code and rule templates use for them

# rule modules of s2s.derivatives for optional libraries: each is loaded once its
# library has been imported (a function of the library can only be looked up then)
OPTIONAL_RULE_MODULES = {"scipy_special": "scipy.special", "scipy_linalg": "scipy.linalg", "scipy_stats": "scipy.stats"}

_owners = {}  # module name -> (module, number of names, {id(obj): name})


def loaded():
    """(prefix, module) for each library of the table that has been imported."""
    return [(prefix, sys.modules[name]) for prefix, name in LIBRARIES if name in sys.modules]


def spell(fn):
    """``prefix.name`` for a library function, ``prefix.owner.name`` for a method bound
    to an object a library holds; None for anything else."""
    name = getattr(fn, "__name__", None)
    if name is None:
        return None
    owner = getattr(fn, "__self__", None)
    for prefix, module in loaded():
        names = vars(module)  # vars(): numpy's __getattr__ warns about removed aliases
        if names.get(name) is fn:
            return f"{prefix}.{name}"
        if owner is not None and not isinstance(owner, type(sys)):
            held = _name_of(module, owner)
            if held is not None and getattr(names[held], name, None) == fn:
                return f"{prefix}.{held}.{name}"
    return None


def _name_of(module, obj):
    """The public name under which ``module`` holds ``obj``, or None."""
    names = vars(module)
    cached = _owners.get(module.__name__)
    if cached is None or cached[0] is not module or cached[1] != len(names):
        index = {id(v): k for k, v in list(names.items()) if not k.startswith("_")}
        cached = _owners[module.__name__] = (module, len(names), index)
    name = cached[2].get(id(obj))
    return name if name is not None and names.get(name) is obj else None


def imports(spellings):
    """The import lines a generated module needs for the library calls it spells
    (``scipy.special.gammaln``: ``import scipy.special``), numpy first."""
    lines = ["import numpy as np"]
    if any(s == "math" or s.startswith("math.") for s in spellings):
        lines.insert(0, "import math")
    for prefix, _ in LIBRARIES:
        if prefix.startswith("scipy.") and any(s.startswith(prefix + ".") for s in spellings):
            lines.append(f"import {prefix}")
    return lines


def is_library_call(spelling):
    """Whether a dotted call name spells a function of the table's libraries."""
    return spelling is not None and any(spelling.startswith(prefix + ".") for prefix, _ in LIBRARIES)


# roots of packages whose functions are called, never transformed, wherever they are installed
LIBRARY_ROOTS = {"numpy", "math", "scipy", "s2s", "builtins", "cupy", "dask", "jax", "torch", "numba"}
_installed = None


def is_library(obj):
    """Whether ``obj`` belongs to a library: s2s calls it as it is and never reads its source.

    True for modules, ufuncs and builtins, for functions of the packages in
    ``LIBRARY_ROOTS``, and for functions whose source lies in the standard library or a
    site-packages directory (``sklearn``'s, say); False for the user's own code."""
    if isinstance(obj, (types.ModuleType, types.BuiltinFunctionType, types.MethodWrapperType)) or type(obj).__name__ == "ufunc":
        return True
    module = getattr(obj, "__module__", None) or ""
    if module.split(".")[0] in LIBRARY_ROOTS:
        return True
    code = getattr(getattr(obj, "__func__", obj), "__code__", None)
    return code is not None and os.path.abspath(code.co_filename).startswith(_installed_paths())


def _installed_paths():
    """The directories of the standard library and of installed packages, as a tuple of prefixes."""
    global _installed
    if _installed is None:
        paths = {sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
        paths |= set(getattr(site, "getsitepackages", lambda: [])())
        paths.add(getattr(site, "getusersitepackages", lambda: None)())
        _installed = tuple(os.path.join(os.path.abspath(p), "") for p in paths if p)
    return _installed
