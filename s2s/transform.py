"""The pipeline driver: one transform of one user function to module source.

front end -> normalize -> activity -> reverse (or forward) mode -> the passes
after differentiation, listed in order in :data:`PASSES` (saved-tuple layout,
optimize, rematerialization, the entry function) -> emit.
Takes a user function and options; returns a :class:`Generated`: the module
text, the entry function's name, and the names the loader must bind from the
user's modules.  Each user function is parsed and normalized once, and gets
one forward/backward pair per set of active parameters, however many call
sites it has (recursion included).
"""

import builtins
import collections
import copy
import inspect
import json
import os
import shlex
import sys

import gast

from .version import __version__
from . import runtime as runtime_module
from .activity import analyse, is_user_function
from .elements import lower_element_loops
from .emit import module_source
from .errors import S2SError
from .frontend import MISSING, parse
from .layout import flatten_branches, fuse_entry, one_tuple_returns
from .load import META_TAG, seal
from . import libraries
from .naming import Namer, spelling
from .normalize import normalize
from .optimize import hoist_invariants, optimize as optimize_function
from .optimize.inplace import returns_owned
from .remat import rematerialize
from .forward import ForwardMode
from .entry import entry_function, make_rows, forward_grad_entry, jvp_entry
from .vector import DIRECTIONS_COMMENT, VectorMode
from . import jit
from .reverse import Callee, CallSite, ReverseMode
from .shapes import reverse_facts, scalar_arguments, scalar_names
from .splits import split_factors
from .variants import INTEGER, describe, dims_record, passable, spell_key
from .rules import USER

TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "jacobian")
MAX_DIMENSIONED = 4  # callees of one function specialized to their arguments' dimensions


class Generated:
    def __init__(self, source, entry, bindings):
        self.source = source
        self.entry = entry
        self.bindings = bindings  # {name: object}


def resolve_wrt(fn, wrt):
    """``wrt`` (int, str or tuple of them) as a tuple of parameter names."""
    params = [p for p in inspect.signature(fn).parameters.values()]
    names = [p.name for p in params]
    single = not isinstance(wrt, (tuple, list))
    items = (wrt,) if single else tuple(wrt)
    if not items:
        raise ValueError("wrt is empty: name at least one parameter to differentiate with respect to")
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise TypeError(f"wrt entries must be parameter positions or names, not {item!r}")
        if isinstance(item, int):
            positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if not -len(positional) <= item < len(positional):
                raise ValueError(f"wrt={item} but {fn.__name__} has {len(positional)} positional parameters")
            out.append(positional[item])
        else:
            if item not in names:
                raise ValueError(f"wrt={item!r} but {fn.__name__} has no parameter named {item!r} (it has {names})")
            out.append(item)
    if len(set(out)) != len(out):
        raise ValueError(f"wrt names a parameter twice: {out}")
    return single, tuple(out)


def main_key(main, program):
    return next(key for key, callee in program.callees.items() if callee is main)


def rows_names(program, groups):
    """The name of each recursive group's list of rows (``groups``: key -> (its group's head, whether
    it is the head)), by its head: the head's name and ``_rows``, a name no function of the group uses."""
    for key in groups:
        program.parse(key[0])
    names = {}
    for head in {head for head, _ in groups.values()}:
        taken = set(program.namer.taken)
        for key, (other, _) in groups.items():
            if other == head:
                taken |= program.parsed[key[0]][1].s2s_namer.taken
        names[head] = Namer(taken).fresh(f"{program.parsed[head[0]][0].name}_rows")
    return {key: (names[head], key == head) for key, (head, _) in groups.items()}


class Program:
    """All generated functions of one transform, and what they need bound."""

    def __init__(self, rules, mode="reverse", compile=None):
        self.rules = rules
        self.mode = mode
        self.compile = compile  # njit options of compiled code (s2s.jit), or None
        self.calls = []  # (caller key, callee key, call node, caller's Located) of compiled code (s2s.jit.recursion_groups)
        self.groups = {}  # compiled code: callee key -> (its recursive group's list of rows, whether it is the group's head)
        self.caller = None  # (function, Located, key) being differentiated
        self.namer = Namer({"np", "math", "scipy"})
        self.callees = {}
        self.queue = []
        self.parsed = {}
        self.functions = []
        self.bindings = {}
        self.returns = {}  # (fn, scalar parameters) -> returns a scalar (None: being computed)
        self.assumed = False  # whether an answer being computed used a None above
        self.dims = {}  # function -> {parameter: dimension symbols of the array it holds}
        self.scalar_sets = {}  # callee key -> its names that always hold scalars
        self.result_keys = {}  # (fn, scalar parameters, dimensions) -> the shape class it returns (see returns_key)

    def parse(self, fn):
        if fn not in self.parsed:
            parsed = parse(fn)
            fdef = normalize(parsed, compiled=self.compile is not None)
            hoist_invariants(fdef)  # before differentiation: an invariant's adjoint then sums once, after the loop
            self.parsed[fn] = (parsed, fdef)
            for key in fn.__globals__:
                self.namer.reserve(key)
        return self.parsed[fn]

    def request(self, fn, active, node=None, scalars=(), dims=()):
        """The :class:`Callee` of ``fn`` with parameters ``active`` active,
        parameters ``scalars`` known to be scalars and ``dims`` pairing parameters
        with the dimensions of the arrays they hold (:mod:`s2s.shapes`).  A function
        is specialized to dimensions a few times at most: past that (a recursion
        that changes them, say), it is generated without them."""
        if dims and sum(1 for k in self.callees if k[0] is fn and k[3]) >= MAX_DIMENSIONED:
            dims = ()
        key = (fn, tuple(active), tuple(scalars), tuple(dims))
        if self.compile is not None and self.caller is not None:
            self.calls.append((self.caller[2], key, node, self.caller[1]))
        if key not in self.callees:
            base = self.parse(fn)[0].name  # lambda_12 for a lambda
            if self.mode in ("forward", "vector"):
                self.callees[key] = Callee(self.namer.fresh(f"{base}_jvp"), None, tuple(active))
            else:
                self.callees[key] = Callee(self.namer.fresh(f"{base}_forward"), self.namer.fresh(f"{base}_backward"), tuple(active))
                self.callees[key].rows, self.callees[key].head = self.groups.get(key, (None, False))
            self.queue.append(key)
        return self.callees[key]

    def generate(self):
        while self.queue:
            key = self.queue.pop(0)
            fn, active, scalars, dims = key
            parsed, fdef = self.parsed[fn]
            self.caller = (fn, parsed.loc, key)
            callee = self.callees[key]
            activity = analyse(fdef, active, self.rules)
            namer = copy.deepcopy(fdef.s2s_namer)
            if getattr(callee, "rows", None):
                namer.reserve(callee.rows)
            if self.mode in ("forward", "vector"):
                scalar = self.scalar_sets[key] = scalar_names(fdef, scalars, self.returns_scalar)
                mode = (VectorMode if self.mode == "vector" else ForwardMode)(parsed, fdef, namer, activity, active, self.rules, self.request, callee.forward, scalar)
                functions = [mode.run()]
            else:
                ints = tuple(p for p, d in dims if d == INTEGER)  # parameters every call passes an integer
                shapes = {p: d for p, d in dims if d != INTEGER}
                scalar, classes, integers = reverse_facts(fdef, scalars, self.returns_scalar, shapes if dims else self.dims.get(fn), self.returns_key, ints)
                self.scalar_sets[key] = scalar
                mode = ReverseMode(parsed, fdef, namer, activity, active, self.rules, self.request, callee.forward, callee.backward, scalar, classes, integers)
                mode.rows = self.compile is not None
                mode.on_floats = self.compile is None
                mode.group_rows = callee.rows
                functions = list(mode.run())
                callee.plan = mode.plan
            self.bind_globals(parsed, functions)
            self.functions += functions

    def merge_alike(self):
        """Keep one of the callees of a function that differ only in the dimensions they
        were specialized to (see :meth:`request`) where their code came out the same: the
        other's calls call it, and its functions go."""
        while True:
            texts = {}
            renames = {}
            groups = collections.Counter(key[:3] for key in self.callees)
            for key, callee in self.callees.items():  # the first requested (the main function's) is kept
                if groups[key[:3]] < 2:
                    continue  # no other specialization to be alike
                text = self.callee_text(key, callee)
                first = texts.setdefault(text, (key, callee))
                if first[1] is not callee:
                    renames[key] = first[1]
            if not renames:
                return
            names = {}
            for key, keep in renames.items():
                gone = self.callees.pop(key)
                keep.sites += gone.sites
                names[gone.forward], names[gone.backward] = keep.forward, keep.backward
            self.functions = [f for f in self.functions if f.name not in names]
            present = set()
            for f in self.functions:
                for n in gast.walk(f):
                    present.add(id(n))
                    if isinstance(n, gast.Name) and n.id in names:
                        n.id = names[n.id]
            for callee in self.callees.values():  # the calls in the functions that went, went with them
                callee.sites = [site for site in callee.sites if id(site.statement) in present]

    def callee_text(self, key, callee):
        """The code of a callee's functions with their own names left out."""
        own = {callee.forward: "forward", callee.backward: "backward"}
        parts = [key[:3]]
        for f in self.functions:
            if f.name in own:
                g = copy.deepcopy(f)
                g.name = own[f.name]
                parts.append(gast.dump(g))
        return repr(parts)

    def returns_key(self, fn, call, scalar, keys):
        """The shape class (``("dims", ...)``, :mod:`s2s.shapes`) of what user function ``fn``
        returns when ``call``, in a function with scalar names ``scalar`` and shape classes
        ``keys``, passes it scalars and arrays of known dimensions; None where unknown (a
        recursive call while its function is being analysed, too)."""
        if not is_user_function(fn, self.rules):
            return None
        try:
            bound = inspect.signature(fn).bind(*call.args, **{k.arg: k.value for k in call.keywords})
        except (TypeError, ValueError):
            return None
        dims = []
        for param, value in bound.arguments.items():
            key = keys.get(value.id) if isinstance(value, gast.Name) and not hasattr(value, "s2s_global") else None
            if passable(key) is not None:
                dims.append((param, passable(key)))
        key = (fn, scalar_arguments(fn, call, scalar), tuple(dims))
        if key in self.result_keys:
            return self.result_keys[key]
        self.result_keys[key] = None
        try:
            _, fdef = self.parse(fn)
        except S2SError:
            return None
        result = fdef.body[-1].value
        if not isinstance(result, gast.Name):
            return None
        inner_scalar, classes, _ = reverse_facts(fdef, key[1], self.returns_scalar, dict(dims), self.returns_key)
        found = ("dims", ()) if result.id in inner_scalar else classes.get(result.id)
        if isinstance(found, tuple) and found[0] == "dims" and all(isinstance(d, (str, int)) for d in found[1]):
            self.result_keys[key] = found
        return self.result_keys[key]

    def returns_scalar(self, fn, call, scalar):
        """Whether user function ``fn``, called by ``call`` in a function whose
        scalar names are ``scalar``, always returns a scalar.

        A recursive call is assumed to return a scalar while its function is
        being analysed (a terminating recursion returns what a base case gives).
        If the function then turns out not to, the answers recorded since,
        which may rest on the assumption, are dropped.
        """
        if not is_user_function(fn, self.rules):
            return False  # a function with rules (a runtime helper): no telling
        key = (fn, scalar_arguments(fn, call, scalar))
        if key in self.returns:
            if self.returns[key] is None:
                self.assumed = True
                return True
            return self.returns[key]
        outer, self.assumed = self.assumed, False
        self.returns[key] = None
        start = len(self.returns)
        try:
            _, fdef = self.parse(fn)
        except S2SError:  # code s2s cannot transform: fine where no derivative flows through the call
            self.returns[key], self.assumed = False, outer
            return False
        result = fdef.body[-1].value
        value = isinstance(result, gast.Name) and result.id in scalar_names(fdef, key[1], self.returns_scalar)
        if not value and self.assumed:
            for later in list(self.returns)[start:]:
                del self.returns[later]
        self.returns[key] = value
        self.assumed = outer or self.assumed
        return value

    def bind_globals(self, parsed, functions):
        """Record the user-module names that generated code refers to."""
        for node in (n for f in functions for n in gast.walk(f)):
            if not hasattr(node, "s2s_global") or getattr(node, "s2s_canonical", False):
                continue
            root = node
            while isinstance(root, gast.Attribute):
                root = root.value
            obj = parsed.scope.lookup(root.id)
            if obj is MISSING and root is node:  # a function s2s made (s2s.normalize.functions), named where it is called
                obj = node.s2s_global
            if getattr(builtins, root.id, None) is obj:
                continue
            if root.id in ("np", "math") or (root.id == "scipy" and obj is not sys.modules.get("scipy")):
                raise parsed.loc.error(node, f"generated code spells numpy as `np`, math as `math` and scipy as `scipy`, but `{root.id}` means something else in {parsed.name}")
            known = self.bindings.get(root.id)
            if known is not None and known[1] is not obj:
                raise parsed.loc.error(node, f"`{root.id}` means different things in {known[0]} and {parsed.name}; rename one")
            owner = obj if hasattr(obj, "__s2s_parse__") else parsed.fn  # a function s2s made: no cached module finds it again
            self.bindings[root.id] = (f"{owner.__module__}:{owner.__qualname__}", obj)


class NotForward(Exception):
    """A gradient that forward mode would not give as reverse mode does (see :func:`transform`)."""


class Build:
    """One transform in progress: what the passes after differentiation read and write."""

    def __init__(self, program, kind, optimize, by_forward, parsed, fdef, main, single, wrt_names, scalars):
        self.program = program
        self.kind = kind
        self.optimize = optimize
        self.by_forward = by_forward
        self.reverse = program.mode == "reverse"
        self.parsed = parsed
        self.fdef = fdef
        self.main = main  # the Callee of the function transformed
        self.single = single
        self.wrt_names = wrt_names
        self.scalars = tuple(scalars)
        self.value_unused = False  # set by drop_value
        self.entry = None  # set by add_entry

    @property
    def plans(self):
        """The saved-values plan of every forward/backward pair (s2s.saveplan)."""
        return [callee.plan for callee in self.program.callees.values()] if self.reverse else []


def check_forward_agrees(build):
    """Raise :class:`NotForward` if forward mode could give another gradient than reverse mode."""
    program = build.program
    for fn, (_, fdef) in program.parsed.items():
        for node in gast.walk(fdef):
            if getattr(node, "s2s_grad_of", False):
                raise NotForward(f"{fn.__name__} has an insert_grad_of hook")
            target = getattr(node, "s2s_target", None) if isinstance(node, gast.Call) else None
            if target is not None and program.rules.user_rule(target) is not None:
                raise NotForward(f"{fn.__name__} calls {getattr(target, '__name__', target)}, which has a user-registered rule")


def drop_value(build):
    """Make the main function's forward sweep return only what it saves, where
    ``grad`` needs its value for nothing else: the output is a scalar
    (:mod:`s2s.shapes`), so the seed needs no look at it, and no other generated
    code calls that forward sweep (recursion). The optimizer then drops the
    computations only the value needed (``np.sum(lap * lap)`` of a loss whose
    gradient reads ``lap``), which a gradient written by hand would not do either."""
    main, result = build.main, build.fdef.body[-1].value
    key = (build.parsed.fn, tuple(build.wrt_names), build.scalars, ())
    if not (isinstance(result, gast.Name) and result.id in build.program.scalar_sets.get(key, ())) or main.sites:
        return
    main.plan.drop_value()
    backward = main.plan.backward
    backward.s2s_unit = backward.args.args[1].id  # its seed is the number one (optimize.arithmetic.drop_unit_seed)
    build.value_unused = True


def flatten_all_branches(build):
    """Not the main function's where no generated code calls it: :func:`fuse_entry_all`
    inlines its sweeps into the entry, where there is no tuple to flatten."""
    for plan in build.plans:
        if plan is not build.main.plan or build.main.sites:
            flatten_branches(plan)


def optimize_all(build):
    if any(computes_complex(plan.forward) for plan in build.plans):
        for plan in build.plans:  # a real value's adjoint may turn complex: no accumulation in place
            plan.backward.s2s_complex = True
    for f in build.program.functions:
        optimize_function(f)


COMPLEX_NAMES = {"complex", "complex64", "complex128", "complex_", "csingle", "cdouble", "clongdouble",
                 "fft", "real", "imag", "conj", "conjugate", "angle"}


def computes_complex(fdef):
    """Whether a forward sweep may make complex values: a complex constant, or a name that
    makes or reads one (``complex``, ``np.fft``, ``.real``, ``np.angle``, ``np.complex128``)."""
    for node in gast.walk(fdef):
        if isinstance(node, gast.Constant) and (isinstance(node.value, complex) or node.value in COMPLEX_NAMES):
            return True
        if isinstance(node, gast.Attribute) and node.attr in COMPLEX_NAMES or isinstance(node, gast.Name) and node.id == "complex":
            return True  # generated code spells library functions as attributes (np.angle): a bare name is a local
    return False


def rematerialize_all(build):
    for plan in build.plans:
        if rematerialize(plan):
            optimize_function(plan.forward)
            optimize_function(plan.backward)


def add_entry(build):
    """The entry function (``grad_f``), first of the module's functions."""
    program, kind, main, fdef = build.program, build.kind, build.main, build.fdef
    entry_name = program.namer.fresh(f"{kind}_{build.parsed.name}")
    if kind in ("jvp", "jacobian"):
        entry = jvp_entry(entry_name, fdef, main, vector=kind == "jacobian")
    elif build.by_forward:
        entry = forward_grad_entry(kind, entry_name, fdef, main, build.single)
    else:
        backward = main.plan.backward
        seed = backward.args.args[1].id
        unread = build.value_unused and not any(isinstance(n, gast.Name) and n.id == seed and isinstance(n.ctx, gast.Load) for n in gast.walk(backward))
        entry = entry_function(kind, entry_name, fdef, main, build.single, build.wrt_names if build.value_unused else None, unread)
        main.sites.append(CallSite(entry.body[0]))
        if main.rows:
            make_rows(entry, main)
    build.entry = entry
    program.functions.insert(0, entry)


def one_tuple_returns_all(build):
    one_tuple_returns(build.program.functions, build.program.callees.values())


def fuse_entry_all(build):
    fused = fuse_entry(build.entry, build.main, build.program.functions)
    if fused is not None:
        build.program.functions[:] = fused
        if getattr(build.main.plan.backward, "s2s_complex", False):
            build.entry.s2s_complex = True  # the backward sweep it took in: adjoints accumulated out of place
        optimize_function(build.entry)


def lower_element_loops_all(build):
    for f in build.program.functions:
        lower_element_loops(f, build.scalars if f is build.entry else (), entry=f is build.entry)


def equal_splits_all(build):
    """``np.split(x, k, ...)`` (``k`` an integer constant) as ``split_parts(x, k, ...)``
    (:func:`s2s.runtime.split_parts`): the same list of views, by slicing, at a tenth of the
    cost, which an LSTM's forward sweep pays every step."""
    for f in build.program.functions:
        for node in gast.walk(f):
            if (isinstance(node, gast.Call) and spelling(node.func) == "np.split" and len(node.args) >= 2
                    and isinstance(node.args[1], gast.Constant) and type(node.args[1].value) is int):
                node.func = gast.Name(id="split_parts", ctx=gast.Load(), annotation=None, type_comment=None)


# The passes after differentiation, in order: (what it does, whether it runs, the pass).
PASSES = (
    ("refuse forward mode where it could differ", lambda b: b.by_forward, check_forward_agrees),
    ("grad of a scalar: the forward sweep returns only its saved tuple", lambda b: b.kind == "grad" and not b.by_forward, drop_value),
    ("one exit per branch of a final `if` (s2s.layout); not compiled: numba gives a function one return type",
     lambda b: b.optimize and b.reverse and b.program.compile is None, flatten_all_branches),
    ("simplify every function (s2s.optimize)", lambda b: b.optimize, optimize_all),
    ("recompute cheap saved values (s2s.remat)", lambda b: b.optimize and b.reverse, rematerialize_all),
    ("the entry function", lambda b: True, add_entry),
    ("one flat tuple per call (s2s.layout)", lambda b: b.optimize and b.reverse, one_tuple_returns_all),
    ("the entry with its forward and backward sweeps inlined, one function (s2s.layout)",
     lambda b: b.optimize and b.reverse, fuse_entry_all),
    ("loops over a vector's entries on Python floats (s2s.elements); not compiled: numba types arrays itself",
     lambda b: b.optimize and b.program.compile is None, lower_element_loops_all),
    ("np.split into equal parts by slicing (s2s.runtime.split_parts); not compiled", lambda b: b.optimize and b.program.compile is None, equal_splits_all),
)


def assume_fresh(build):
    """Compiled recursion: take the backward sweeps of recursive groups to return adjoints that
    their callers own (:mod:`s2s.optimize.inplace`), so a caller adds into them in place
    (``c_bar[i] += g``) instead of making a new array per call; :func:`fresh_holds` checks it
    on the final code."""
    group = frozenset(c.backward for c in build.program.callees.values() if c.rows)
    for f in build.program.functions:
        f.s2s_fresh_calls = group


def fresh_holds(program):
    """Whether each backward sweep of a recursive group returns only names it owns, its group's
    calls taken to return owned values: then, by induction on the depth of the calls, they do."""
    group = {c.backward for c in program.callees.values() if c.rows}
    return all(returns_owned(f) for f in program.functions if f.name in group)


def transform(fn, kind="grad", wrt=0, optimize=True, rules=USER, scalars=(), dims=(), by_forward=False, compile=None, fresh=True):
    """Generate the module for ``kind`` (grad, value_and_grad, vjp, jvp) of ``fn``.

    ``scalars`` names parameters that will be Python numbers, ``dims`` pairs
    parameters that will hold arrays with the symbols of their dimensions
    (equal symbols for equal sizes, 1 for size 1): the code is specialized to
    them (:mod:`s2s.shapes`).

    ``by_forward``: ``grad``/``value_and_grad`` with respect to one Python
    number computed in forward mode, the tangent of the output for the tangent
    1 of that number: one sweep, nothing saved (a derivative of one input is
    what forward mode is cheapest at).  Raises :class:`NotForward` where the
    result could differ from reverse mode's: an ``insert_grad_of`` hook (it
    acts on adjoints) or a call with a user-registered rule (its adjoint and
    tangent need not agree).
    """
    if kind not in TRANSFORMS:
        raise ValueError(f"unknown transform {kind!r}; expected one of {TRANSFORMS}")
    if kind == "jacobian" and compile is not None:
        raise ValueError("vector mode (s2s.jacobian, --mode jacobian) is not compiled with numba; generate it without compile")
    forward_mode = kind in ("jvp", "jacobian") or by_forward
    program = Program(rules, "vector" if kind == "jacobian" else "forward" if forward_mode else "reverse", compile)
    parsed, fdef = program.parse(fn)
    single, wrt_names = resolve_wrt(parsed.fn, wrt)
    main = program.request(parsed.fn, wrt_names, scalars=tuple(scalars))
    program.dims = {parsed.fn: dict(dims)} if not forward_mode else {}
    program.generate()
    if compile is not None and not forward_mode:  # (forward mode's recursion compiles as it is: no saved values)
        groups = jit.recursion_groups(program.calls, main_key(main, program))
        if groups:  # again, the calls of each recursive group laid out for its list of rows (s2s.jit)
            program = Program(rules, "reverse", compile)
            program.groups = rows_names(program, groups)
            parsed, fdef = program.parse(fn)
            main = program.request(parsed.fn, wrt_names, scalars=tuple(scalars))
            program.dims = {parsed.fn: dict(dims)}
            program.generate()
    program.merge_alike()
    build = Build(program, kind, optimize, by_forward, parsed, fdef, main, single, wrt_names, scalars)
    fresh = fresh and optimize and bool(program.groups)
    for f in program.functions if compile is not None else ():
        f.s2s_compiled = True  # s2s.optimize.inplace
    if fresh:
        assume_fresh(build)
    for _, applies, run in PASSES:
        if applies(build):
            run(build)
    if fresh and not fresh_holds(program):  # the assumption was wrong: again without it
        return transform(fn, kind, wrt, optimize, rules, scalars, dims, by_forward, compile, fresh=False)
    functions = program.functions
    used, spellings = set(), set()
    for f in functions:
        used |= {n.id for n in gast.walk(f) if isinstance(n, gast.Name)}
        spellings |= {spelling(n) for n in gast.walk(f) if isinstance(n, gast.Attribute)}
    imports = libraries.imports(spellings)
    runtime = sorted(n for n in used & set(runtime_module.__all__) if n not in program.bindings)
    if runtime:
        imports.append(f"from s2s.runtime import {', '.join(runtime)}")
    if compile is not None:
        imports += jit.imports()
        jit.lower(functions)
        jit.decorate(functions, compile, [c for c in program.callees.values() if c.rows], jit.recursion_groups(program.calls, None, check=False))
    header = header_lines(parsed, kind, wrt_names[0] if single else list(wrt_names), optimize, program, build.entry.name, scalars, dims, by_forward, compile,
                          () if forward_mode else split_factors(fdef))
    source = seal(module_source(header, imports, functions, parsed.filename))
    bindings = {k: obj for k, (_, obj) in program.bindings.items()}
    return Generated(source, build.entry.name, bindings)


def header_lines(parsed, kind, wrt, optimize, program, entry, scalars=(), dims=(), by_forward=False, compile=None, splits=()):
    """The generated file's header: origin, transform, source hash, version, how to regenerate;
    ``splits``: the numbers of equal parts the function splits arrays into, which a call's
    variant key spells sizes by (:func:`s2s.variants.key_of`)."""
    origin = os.path.relpath(parsed.filename)
    if origin.startswith(".."):
        origin = parsed.filename
    wrt_flag = wrt if isinstance(wrt, str) else ",".join(wrt)
    meta = {
        "entry": entry,
        "function": parsed.name,
        "kind": kind,
        "optimize": optimize,
        "origin": origin,
        "wrt": wrt,
        "bindings": {k: where for k, (where, _) in sorted(program.bindings.items())},
    }
    if scalars or dims:  # a specialized variant: what s2s check regenerates it for
        meta.update(scalars=list(scalars), dims=dims_record(dims))
    if compile is not None:
        meta["compile"] = compile
    if splits:
        meta["splits"] = list(splits)
    if parsed.fn.__name__ == "<lambda>":
        again = f"s2s.{kind} of the lambda at {origin}:{parsed.firstlineno} (a lambda has no name to give the command line)"
    elif not os.path.isfile(parsed.filename):
        again = f"s2s.{kind}({parsed.name}) where {parsed.name} is defined ({origin} is no file: a notebook cell)"
    else:
        again = (f"s2s grad {origin}::{parsed.name} --wrt {wrt_flag}"
                 + {"grad": "", "jvp": " --mode forward", "jacobian": " --mode jacobian"}.get(kind, f" --transform {kind}")
                 + (" --no-optimize" if not optimize else "")
                 + (" --compile numba" if compile is not None else "")
                 + (f" --shapes {shlex.quote(spell_key(scalars, dims))}" if scalars or dims else ""))
    return [
        f"Generated by s2s {__version__} from {origin}:{parsed.firstlineno} ({parsed.name}). Do not edit;",
        f"regenerate with: {again}",
        f"transform: {kind}, wrt={tuple(wrt) if isinstance(wrt, list) else wrt!r}, optimize={optimize}"
        + (f", specialized to Python numbers for {', '.join(scalars)}" if scalars else "")
        + (", specialized to shapes " + describe(dims) if dims else "")
        + (", in forward mode (the derivative of one number: one sweep, nothing saved)" if by_forward else "")
        + (", compiled with numba" if compile is not None else "")
        + (f"; vector mode, {DIRECTIONS_COMMENT}" if kind == "jacobian" else ""),
        f"source sha256: {parsed.sha256}",
        META_TAG + json.dumps(meta, sort_keys=True),
    ]
