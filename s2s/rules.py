"""The rule registry: which callables have which derivative templates.

Rules are keyed by the function object itself, so ``np.tanh``, ``numpy.tanh``
and ``from numpy import tanh`` resolve to one rule.  Python operators are
differentiated with the rules of the numpy functions they stand for
(``a @ b`` with ``np.matmul``), subscripts with ``operator.getitem``.

A function of a library that mirrors numpy's namespace (cupy and ``cupy.linalg``;
see ``MIRRORS``) has the rule of the numpy function of the same
name: ``cp.tanh(x)`` is differentiated with ``np.tanh``'s rule.  Generated code
still calls ``cp.tanh`` where the user's code does, and the rule templates'
numpy calls dispatch to the library of the arrays they are given.

The built-in rules live in :mod:`s2s.derivatives` (``derivatives/`` in the
source tree) and are loaded on first use; most are registered by the rule
families of :mod:`s2s.families`, which derive both templates from one definition.
The rules of an optional library (scipy.special) are loaded once the user has
imported it (:mod:`s2s.libraries`); s2s never imports scipy itself.  A
:class:`RuleSet` can be layered over another, so user rules (``@s2s.adjoint``)
can be scoped.
"""

import builtins
import hashlib
import importlib
import importlib.util
import sys

import gast
import numpy

from . import libraries
from .errors import describe
from .template import Template

RULE_MODULES = (  # each registers adjoint and tangent rules, side by side or derived by a family
    "numpy_elementwise", "numpy_complex", "numpy_linear", "numpy_special", "numpy_reductions", "numpy_linalg",
    "numpy_decompositions", "numpy_fft", "numpy_ufuncs", "numpy_statistics",
    "math_rules", "builtin_rules", "structure_rules",
    "runtime_rules",  # the helpers generated code calls: second order
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
ATTRIBUTE_FUNCTIONS = {"T": numpy.transpose, "mT": numpy.matrix_transpose, "real": numpy.real, "imag": numpy.imag}
NONDIFFERENTIABLE_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes"}


def attribute_call(node):
    """``(function, arguments)`` an attribute read is differentiated as: ``x.T`` as
    ``np.transpose(x)``; any other, ``params.W`` of a NamedTuple or dataclass, as
    ``getattr(params, "W")`` (its adjoint is by attribute name)."""
    if node.attr in ATTRIBUTE_FUNCTIONS:
        return ATTRIBUTE_FUNCTIONS[node.attr], [node.value]
    return builtins.getattr, [node.value, gast.Constant(value=node.attr, kind=None)]

# Parameters that by their name say how to compute, not what: no derivative flows through
# them (see outside_limits; generated code may pass them in values activity cannot tell apart)
class ValueMethod:
    """The target of ``value.name(...)`` on a value whose type s2s cannot see (``label.startswith("W")``,
    ``rng.normal(size=n)``): the call runs as written where no derivative flows through it, and is
    refused with ``refusal`` where one does (:func:`s2s.activity.require_rule`)."""

    def __init__(self, name, refusal):
        self.__name__ = name
        self.refusal = refusal


STRUCTURAL = {
    "axis", "axes", "axis1", "axis2", "source", "destination", "keepdims", "shape", "newshape",
    "dtype", "order", "out", "casting", "subok", "copy", "device", "like", "kind", "stable",
    "mode", "method", "ord", "norm", "k", "offset", "n", "num", "endpoint", "retstep", "shift",
    "reps", "repeats", "indices", "indices_or_sections", "index", "subscripts", "optimize",
    "UPLO", "upper", "lower", "ddof", "correction", "overwrite_input", "returned", "where",
    "condition", "pad_width", "mod", "ndmin",
}


class Rule:
    """What s2s knows about one callable."""

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name  # how generated code spells it, e.g. "np.linalg.norm"
        self.adjoint = None  # Template
        self.tangent = None  # Template
        self.broadcast = False  # contributions are reduced to each argument's shape
        self.nondifferentiable = False  # result carries no derivative
        self.without = ()  # parameters its templates give no derivative for: refused where active
        self.constant_in = ()  # parameters the result is locally constant in (a shape, a sign): zero derivative
        self.defaults_only = ()  # parameters its templates assume at their defaults: refused if given


_USER = object()  # default parent: the user rule set

# Modules whose functions mirror numpy's, names, parameters and defaults: a function
# found in one of them under a name has the rule of the numpy function of that name
# in the module it maps to.  Not dask.array: some of its defaults differ from numpy's
# (``da.take`` takes along axis 0, ``np.take`` flattens), so numpy's rule would bind
# the call wrongly; numpy-written code runs on dask arrays as it is.
MIRRORS = {
    "cupy": "numpy",
    "cupy.linalg": "numpy.linalg",
}
_mirror_names = {}  # module name -> (module, number of names, {id(obj): [names]})


def numpy_twin(fn):
    """The numpy function that ``fn``, a function of a module in ``MIRRORS`` (as
    ``cupy.tanh`` or ``cupy.linalg.norm``), stands for; None for any other object."""
    for mirror, target in MIRRORS.items():
        module = sys.modules.get(mirror)
        if module is None:
            continue
        names = vars(module)
        cached = _mirror_names.get(mirror)
        if cached is None or cached[0] is not module or cached[1] != len(names):
            index = {}
            for name, obj in list(names.items()):
                if not name.startswith("_") and callable(obj) and not isinstance(obj, type):
                    index.setdefault(id(obj), []).append(name)
            cached = _mirror_names[mirror] = (module, len(names), index)
        for name in cached[2].get(id(fn), ()):
            if names.get(name) is fn:  # an id is only an object's while it lives
                twin = vars(sys.modules[target]).get(name)
                if twin is not None and twin is not fn:
                    return twin
    return None


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

    def user_rule(self, fn):
        """The rule registered for ``fn`` in this set or a parent that is not the built-in set, or None."""
        rules = self
        while rules is not None and not isinstance(rules, _Builtin):
            rule = rules.rules.get(rules._key(fn))
            if rule is not None:
                return rule
            rules = rules.parent
        return None

    def _key(self, fn):
        try:
            hash(fn)
            return fn
        except TypeError:
            return id(fn)

    def lookup(self, fn):
        """The rule of ``fn``, or of its numpy twin (``cp.tanh``: ``np.tanh``), or None."""
        rule = self._lookup(fn)
        if rule is None and not _is_numpy(fn):
            twin = numpy_twin(fn)
            if twin is not None:
                rule = self._lookup(twin)
        return rule

    def _lookup(self, fn):
        rule = self.rules.get(self._key(fn))
        if rule is None and self.parent is not None:
            return self.parent._lookup(fn)
        return rule

    def rule(self, fn):
        """The rule for ``fn`` in this set, created if needed."""
        key = self._key(fn)
        if key not in self.rules:
            inherited = self.parent._lookup(fn) if self.parent else None
            rule = Rule(fn, inherited.name if inherited else spell(fn))
            if inherited:
                rule.__dict__.update(inherited.__dict__)
            self.rules[key] = rule
        return self.rules[key]


class _Builtin(RuleSet):
    """The built-in rule set; loads ``s2s.derivatives`` on first lookup."""

    loaded = False
    optional_loaded = frozenset()

    def _lookup(self, fn):
        if not self.loaded:
            self.loaded = True
            for name in RULE_MODULES:
                if importlib.util.find_spec(f"s2s.derivatives.{name}") is not None:
                    importlib.import_module(f"s2s.derivatives.{name}")
        if len(self.optional_loaded) < len(libraries.OPTIONAL_RULE_MODULES):
            for name, library in libraries.OPTIONAL_RULE_MODULES.items():
                if name not in self.optional_loaded and library in sys.modules:
                    self.optional_loaded |= {name}
                    if importlib.util.find_spec(f"s2s.derivatives.{name}") is not None:
                        importlib.import_module(f"s2s.derivatives.{name}")
        return super()._lookup(fn)


BUILTIN = _Builtin(parent=None)
USER = RuleSet(parent=BUILTIN)  # rules users register for their own functions


def spell(fn):
    """How generated code names ``fn``: ``np.tanh``, ``np.linalg.inv``, ``math.exp``, ``abs``,
    ``scipy.special.gammaln`` (generated modules import scipy.special when they call it)."""
    name = getattr(fn, "__name__", None)
    if name is None:
        return None
    spelled = libraries.spell(fn)
    if spelled is not None:
        return spelled
    if getattr(builtins, name, None) is fn:
        return name
    from . import runtime

    if name in runtime.__all__ and getattr(runtime, name) is fn:
        return name  # generated modules import the runtime helpers they use
    return None


def canonical_name(fn):
    """The spelling of ``fn`` in generated code if it is a library function with a rule.

    Not for a function of a mirror library (``from cupy import zeros``): generated
    code calls it as the user's code does, not as numpy's ``np.zeros``."""
    rule = BUILTIN._lookup(fn)
    return rule.name if rule is not None else None


def _is_numpy(fn):
    module = getattr(fn, "__module__", None)
    return isinstance(module, str) and (module == "numpy" or module.startswith("numpy."))


def adjoint(*fns, broadcast=False, rules=BUILTIN):
    """Register the decorated template as the adjoint rule of each of ``fns``."""

    def register(template_fn):
        template = Template(template_fn, "adjoint", lazy=rules is BUILTIN)
        for fn in fns:
            rule = rules.rule(fn)
            rule.adjoint = template
            rule.broadcast = broadcast
            rule.nondifferentiable = False
        return template_fn

    return register


def tangent(*fns, rules=BUILTIN):
    """Register the decorated template as the tangent (forward-mode) rule of each of ``fns``."""

    def register(template_fn):
        template = Template(template_fn, "tangent", lazy=rules is BUILTIN)
        for fn in fns:
            rule = rules.rule(fn)
            rule.tangent = template
            rule.nondifferentiable = False
        return template_fn

    return register


def limits(*fns, without=(), defaults_only=(), constant_in=(), rules=BUILTIN):
    """Declare what the rules of ``fns`` do not cover, so that a call outside it is refused
    at the user's line instead of getting a wrong derivative: ``without``, parameters with no
    derivative rule (refused where the argument carries a derivative); ``defaults_only``,
    parameters the rules assume at their defaults (refused where the call gives another value).

    A parameter a template gives no derivative for is refused where its argument carries a
    derivative, declared or not (``without`` names those a template mentions but does not
    cover); ``constant_in`` names the parameters the result is locally constant in, whose
    derivative is zero: ``np.full_like``'s ``a`` (only its shape counts), ``math.copysign``'s
    ``y`` (only its sign)."""
    for fn in fns:
        rule = rules.rule(fn)
        rule.without, rule.defaults_only, rule.constant_in = tuple(without), tuple(defaults_only), tuple(constant_in)


def outside_limits(rule, template, bindings, active):
    """Why a call (its template ``bindings``) is outside ``rule``'s limits, or None;
    ``active(node)`` tells whether an argument carries a derivative."""
    what = rule.name or getattr(rule.fn, "__name__", "this function")
    given = set(template.params) | ({template.vararg} if template.vararg else set())
    # the runtime helpers' rules are s2s's own, for generated code: their other parameters are shapes
    uncovered = () if _is_runtime(rule) else sorted(given - template.differentiated - set(rule.constant_in) - STRUCTURAL)
    for param in [*rule.without, *uncovered]:
        bound = bindings.get(param)
        parts = bound.elts if isinstance(bound, gast.Tuple) else [bound]  # a ``*args`` parameter: each argument
        if bound is not None and any(active(part) for part in parts):
            return (f"no derivative rule for {what} with respect to its argument `{param}`; "
                    f"wrap that argument in s2s.stop_gradient, or register a rule with @s2s.adjoint({what})")
    defaults = {p.name: p.default for p in template.signature.parameters.values()}
    for param in rule.defaults_only:
        bound = bindings.get(param)
        if bound is not None and not (isinstance(bound, gast.Constant) and bound.value == defaults.get(param)):
            return (f"the derivative rule for {what} covers `{param}` only at its default "
                    f"({defaults.get(param)!r}); register a rule with @s2s.adjoint({what}) for other values, "
                    "or wrap the differentiated arguments in s2s.stop_gradient")
    return None


def _is_runtime(rule):
    from . import runtime

    return rule.name in runtime.__all__ and getattr(runtime, rule.name) is rule.fn


def bind_call(rule, mode, fn, args, keywords, active, loc, node):
    """The bindings of ``rule``'s ``mode`` template (``"adjoint"`` or ``"tangent"``) to a
    call of ``fn``, or ``S2SError`` at the call where the template does not take it or the
    call is outside the rule's :func:`limits`."""
    template = getattr(rule, mode)
    try:
        bindings = template.bind(args, keywords)
    except TypeError as exc:
        word = "derivative" if mode == "adjoint" else "tangent"
        raise loc.error(node, f"the {word} rule for {rule.name or describe(fn)} does not accept this call: {exc}") from None
    refused = outside_limits(rule, template, bindings, active)
    if refused:
        raise loc.error(node, refused)
    return bindings


def nondifferentiable(*fns, rules=BUILTIN):
    """Declare ``fns`` as having no derivative (integer, boolean or constant results)."""
    for fn in fns:
        rules.rule(fn).nondifferentiable = True
