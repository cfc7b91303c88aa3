"""Names in generated code, derived from the user's names.

The convention, documented in the README: the adjoint of ``x`` is ``dx``
(``d_x`` if the user already has a ``dx``); a temporary is named after what it
holds (``tanh_z``, ``x_at_W1``); a re-assigned variable gets a version suffix
(``h``, ``h_2``).  Every name is unique within its function.
"""

import builtins
import keyword
import re

from . import runtime

# Names generated code must not shadow: builtins, keywords, and the modules
# and helpers every generated module may use.
RESERVED = set(dir(builtins)) | set(keyword.kwlist) | {"np", "math"} | set(runtime.__all__)

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


class Namer:
    """Hands out names unique within one generated function."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.adjoints = {}

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
        """The adjoint name of primal ``name``: ``dname``, or ``d_name``."""
        if name not in self.adjoints:
            base = "d" + name
            if base in self.taken:
                base = "d_" + name
            self.adjoints[name] = self.fresh(base)
        return self.adjoints[name]


def short(*parts, fallback):
    """Join ``parts`` into a name, or use ``fallback`` if that gets too long."""
    name = "_".join(p for p in parts if p)
    return name if len(name) <= MAX_NAME else fallback
