"""The rule registry: which callables have which derivative templates.

Rules are keyed by the function object itself, so ``np.tanh``, ``numpy.tanh``
and ``from numpy import tanh`` resolve to one rule.  Python operators are
differentiated with the rules of the numpy functions they stand for
(``a @ b`` with ``np.matmul``), subscripts with ``operator.getitem``.

The built-in rules live in :mod:`s2s.derivatives` (``derivatives/`` in the
source tree) and are loaded on first use.  A :class:`RuleSet` can be layered
over another, so user rules (``@s2s.adjoint``) can be scoped.
"""

import builtins
import hashlib
import importlib
import importlib.util
import math
import operator

import gast
import numpy

from .template import Template

RULE_MODULES = (
    "numpy_rules", "math_rules", "builtin_rules", "structure_rules",
    "numpy_tangents", "math_tangents", "builtin_tangents", "structure_tangents",
    "runtime_rules",
)

OPERATORS = {
    gast.Add: numpy.add,
    gast.Sub: numpy.subtract,
    gast.Mult: numpy.multiply,
    gast.Div: numpy.true_divide,
    gast.Pow: numpy.power,
    gast.MatMult: numpy.matmul,
    gast.FloorDiv: numpy.floor_divide,
    gast.Mod: numpy.mod,
    gast.USub: numpy.negative,
    gast.UAdd: numpy.positive,
}

# Attributes of array values: `x.T` is np.transpose(x); these say nothing
# differentiable about the value.
ATTRIBUTE_FUNCTIONS = {"T": numpy.transpose}
NONDIFFERENTIABLE_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes"}


class Rule:
    """What s2s knows about one callable."""

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name  # how generated code spells it, e.g. "np.linalg.norm"
        self.adjoint = None  # Template
        self.tangent = None  # Template
        self.broadcast = False  # contributions are reduced to each argument's shape
        self.nondifferentiable = False  # result carries no derivative


_USER = object()  # default parent: the user rule set


class RuleSet:
    """Rules keyed by callable; lookups fall through to ``parent``.

    ``s2s.RuleSet()`` makes a set layered over the rules users registered for
    their own functions and the built-in rules; pass it as ``rules=`` to a
    transform to use the rules registered into it.
    """

    def __init__(self, parent=_USER):
        self.parent = USER if parent is _USER else parent
        self.rules = {}

    def fingerprint(self):
        """A hash of the templates registered in this set and its non-built-in parents."""
        h = hashlib.sha256()
        rules = self
        while rules is not None and not isinstance(rules, _Builtin):
            for key in sorted(rules.rules, key=repr):
                rule = rules.rules[key]
                h.update(repr(key).encode())
                for template in (rule.adjoint, rule.tangent):
                    if template is not None:
                        h.update(template.source.encode())
            rules = rules.parent
        return h.hexdigest()

    def _key(self, fn):
        try:
            hash(fn)
            return fn
        except TypeError:
            return id(fn)

    def lookup(self, fn):
        rule = self.rules.get(self._key(fn))
        if rule is None and self.parent is not None:
            return self.parent.lookup(fn)
        return rule

    def rule(self, fn):
        """The rule for ``fn`` in this set, created if needed."""
        key = self._key(fn)
        if key not in self.rules:
            inherited = self.parent.lookup(fn) if self.parent else None
            rule = Rule(fn, inherited.name if inherited else spell(fn))
            if inherited:
                rule.__dict__.update(inherited.__dict__)
            self.rules[key] = rule
        return self.rules[key]


class _Builtin(RuleSet):
    """The built-in rule set; loads ``s2s.derivatives`` on first lookup."""

    loaded = False

    def lookup(self, fn):
        if not self.loaded:
            self.loaded = True
            for name in RULE_MODULES:
                if importlib.util.find_spec(f"s2s.derivatives.{name}") is not None:
                    importlib.import_module(f"s2s.derivatives.{name}")
        return super().lookup(fn)


BUILTIN = _Builtin(parent=None)
USER = RuleSet(parent=BUILTIN)  # rules users register for their own functions


def spell(fn):
    """How generated code names ``fn``: ``np.tanh``, ``np.linalg.inv``, ``math.exp``, ``abs``."""
    name = getattr(fn, "__name__", None)
    if name is None:
        return None
    for prefix, module in (("np", numpy), ("np.linalg", numpy.linalg), ("math", math)):
        if vars(module).get(name) is fn:  # vars(): numpy's __getattr__ warns about removed aliases
            return f"{prefix}.{name}"
    if getattr(builtins, name, None) is fn:
        return name
    from . import runtime

    if name in runtime.__all__ and getattr(runtime, name) is fn:
        return name  # generated modules import the runtime helpers they use
    return None


def canonical_name(fn):
    """The spelling of ``fn`` in generated code if it is a library function with a rule."""
    rule = BUILTIN.lookup(fn)
    return rule.name if rule is not None else None


def adjoint(fn, *, broadcast=False, rules=BUILTIN):
    """Register the decorated template as the adjoint rule of ``fn``."""

    def register(template_fn):
        rule = rules.rule(fn)
        rule.adjoint = Template(template_fn, "adjoint")
        rule.broadcast = broadcast
        rule.nondifferentiable = False
        return template_fn

    return register


def tangent(fn, *, rules=BUILTIN):
    """Register the decorated template as the tangent (forward-mode) rule of ``fn``."""

    def register(template_fn):
        rule = rules.rule(fn)
        rule.tangent = Template(template_fn, "tangent")
        rule.nondifferentiable = False
        return template_fn

    return register


def nondifferentiable(*fns, rules=BUILTIN):
    """Declare ``fns`` as having no derivative (integer, boolean or constant results)."""
    for fn in fns:
        rules.rule(fn).nondifferentiable = True
