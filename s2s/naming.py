"""Names in generated code, derived from the user's names.

Takes the names a function already uses (:class:`Namer` is seeded with every
name of the normalized function) and hands out new ones; guarantees every name
it hands out is unique within its function and shadows no builtin, keyword,
module or runtime helper that generated code may refer to.

The convention, documented in the README (the AD literature's):

* the adjoint of ``x`` is ``x_bar``, its tangent ``x_dot``: a suffix, so it
  never collides with ``dx``, ``dt`` or ``dtheta`` that numerical code
  already uses (the adjoint of ``dtheta`` is ``dtheta_bar``);
* a re-assigned variable gets a version suffix (``h``, ``h_2``, ``h_3``), and
  the derivative suffix follows it: the adjoint of version ``h_2`` is
  ``h_2_bar``, its tangent ``h_2_dot``; a trailing underscore that kept a name
  off a builtin is dropped (the adjoint of ``sum_`` is ``sum_bar``);
* where the function has its own ``x_bar`` (a statistician's mean), the
  adjoint of ``x`` is ``x_adj`` (the tangent ``x_tan`` where ``x_dot`` is
  taken), and failing that the next free numbered name; never a silent clash.
  The user's ``x_bar`` keeps its name and its adjoint is ``x_bar_bar``;
* the part of ``W``'s adjoint that one call of a user function ``layer``
  returns is ``W_bar_layer`` (summed into ``W_bar``); the seed of ``grad``'s
  backward sweep is the adjoint of the returned value (``loss_bar``), while
  ``vjp``'s output cotangent keeps the name the public API gives it, ``dout``;
* a temporary is named after what it holds (``tanh_z``, ``x_at_W1``).
"""

import builtins
import keyword
import re

import gast

from . import runtime

# Names generated code must not shadow: builtins, keywords, and the modules
# and helpers every generated module may use.
RESERVED = set(dir(builtins)) | set(keyword.kwlist) | {"np", "math", "scipy"} | set(runtime.__all__)

OPERATOR_WORDS = {
    "Add": "plus",
    "Sub": "minus",
    "Mult": "times",
    "Div": "over",
    "FloorDiv": "floordiv",
    "Mod": "mod",
    "Pow": "pow",
    "MatMult": "at",
    "USub": "neg",
    "UAdd": "pos",
    "Not": "not",
    "Invert": "invert",
}

MAX_NAME = 20

# (suffix, suffix where the function already has a name with the first)
ADJOINT = ("bar", "adj")
TANGENT = ("dot", "tan")


def derivative_name(name, suffix, part=None):
    """``x_bar`` for ``("x", "bar")``; ``W_bar_layer`` for the part that ``layer`` gives."""
    return "_".join(p for p in (name.rstrip("_") or name, suffix, part) if p)


def adjoint_name(name, part=None):
    """The spelling of ``name``'s adjoint (or of its ``part``), not yet made unique:
    pass it to :meth:`Namer.fresh` for a temporary that holds an adjoint."""
    return derivative_name(name, ADJOINT[0], part)


def tangent_name(name):
    """The spelling of ``name``'s tangent, not yet made unique (see :func:`adjoint_name`)."""
    return derivative_name(name, TANGENT[0])


class Namer:
    """Hands out names unique within one generated function."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.adjoints = {}  # primal name -> its adjoint's name
        self.tangents = {}  # primal name -> its tangent's name

    def reserve(self, name):
        self.taken.add(name)

    def fresh(self, base):
        base = re.sub(r"\W", "_", base) or "tmp"
        if base[0].isdigit():
            base = "v" + base
        if base in RESERVED or base.startswith("__"):
            base = base + "_"
        if base not in self.taken:
            self.taken.add(base)
            return base
        stem = re.sub(r"_\d+$", "", base)
        k = 2
        while f"{stem}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{stem}_{k}")
        return f"{stem}_{k}"

    def adjoint(self, name):
        """The adjoint of primal ``name``: ``name_bar`` (see the module docstring)."""
        return self._derivative(name, self.adjoints, ADJOINT)

    def tangent(self, name):
        """The tangent of primal ``name``: ``name_dot`` (see the module docstring)."""
        return self._derivative(name, self.tangents, TANGENT)

    def _derivative(self, name, known, spelling):
        if name not in known:
            suffix, fallback = spelling
            for base in (derivative_name(name, suffix), derivative_name(name, fallback)):
                if base not in self.taken:
                    break
            known[name] = self.fresh(base)
        return known[name]


def short(*parts, fallback):
    """Join ``parts`` into a name, or use ``fallback`` if that gets too long."""
    name = "_".join(p for p in parts if p)
    return name if len(name) <= MAX_NAME else fallback


def spelling(func):
    """``np.size`` / ``unbroadcast``: how a generated call names its function."""
    parts = []
    while isinstance(func, gast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, gast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def function_name(fn):
    """A function's name as generated code and file names spell it: ``lambda_12`` for the
    lambda defined on line 12."""
    return f"lambda_{fn.__code__.co_firstlineno}" if fn.__name__ == "<lambda>" else fn.__name__
