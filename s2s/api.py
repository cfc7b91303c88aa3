"""The public transforms: ``grad``, ``value_and_grad``, ``vjp`` (see shared/API.md).

Each returns a function compiled from generated source, carrying ``.source``,
``.path`` and ``.primal``.  The generated module is cached on disk under a key
made of the sources of the function and everything it may call, the options
and the s2s version (:mod:`s2s.cache`); a later call, in this process or
another, loads it without regenerating.
"""

import functools
import inspect
import os
import sys
import types
import warnings

import numpy as np

from .version import __version__
from .frontend import Scope
from . import cache
from .load import check_bindings, is_generated, load_module, reachable, read_meta, source_key, refuse_overwrite, toolchain_fingerprint, unload, watch, write_atomic
from .rules import BUILTIN, USER, RuleSet, nondifferentiable
from .rules import adjoint as _register_adjoint
from .rules import tangent as _register_tangent
from .display import Source, rich
from .errors import S2SError
from .naming import function_name
from .runtime.values import is_record
from .transform import NotForward, resolve_wrt, transform
from . import jit
from .markers import checkpoint, insert_grad_of, stop_gradient  # noqa: F401 (public names)
from .structure import _array_like, _like, _match_types
from .variants import dims_record, file_suffix, key_of, kept_variants, spec_of


def _transform(kind, fn, wrt, optimize, out_dir, rules=None, scalars=(), dims=(), by_forward=False, compile=None):
    if fn is None:
        return lambda f: _transform(kind, f, wrt, optimize, out_dir, rules, compile=compile)
    if inspect.ismethod(fn):
        return _bound_method(fn, wrt, lambda f, w: _transform(kind, f, w, optimize, out_dir, rules, scalars, dims, compile=compile))
    if not isinstance(compile, dict):  # compile="numba", or a numba dispatcher given: its py_func and options
        fn, compile = jit.request(fn, compile)
    rules = USER if rules is None else rules
    if not isinstance(rules, RuleSet):
        raise TypeError(f"rules must be an s2s.RuleSet, not {type(rules).__name__}")
    single, wrt_names = resolve_wrt(inspect.unwrap(fn), wrt)
    options = {
        "kind": kind, "wrt": list(wrt_names), "single": single, "optimize": optimize,
        "version": __version__, "toolchain": toolchain_fingerprint(), "rules": rules.fingerprint(),
    }
    specialized = bool(scalars or dims)
    if scalars:
        options["scalars"] = list(scalars)
    if by_forward:
        options["mode"] = "forward"
    if dims:
        options["dims"] = dims_record(dims)
    if compile is not None:
        options["compile"] = compile
    key = source_key(fn, options)
    cached = out_dir is None or specialized
    if cached:
        path = cache.locate(cache.entry_name(function_name(fn), kind, key))
    else:
        path = os.path.join(out_dir, _file_name(fn, kind, wrt, wrt_names, compile) + ".py")
    source = meta = None
    found = cache.read(path) if cached else None
    if found is not None:
        source, meta = found
        namespace = _rebind(fn, meta["bindings"])
        if namespace is None:
            source = None
        else:
            entry = meta["entry"]
    if source is None:
        generated = transform(fn, kind, wrt, optimize, rules, scalars, dims, by_forward, compile)
        source, namespace = generated.source, generated.bindings
        if cached:  # s2s's own directory: a damaged entry is written again in its place
            path = cache.store(path, source)
        else:
            refuse_overwrite(path)
            write_atomic(path, source)
        entry = generated.entry
        meta = None
    module = load_module(path, source, namespace)
    watch(module, fn, source)
    run = getattr(module, entry)
    if compile is not None:
        run = jit.guarded(run, source, path, inspect.getsourcefile(fn), module)
    run.source, run.path = Source(source), path
    if specialized:
        return run
    if meta is None:
        meta = read_meta(source) or {}
    splits = tuple(meta.get("splits", ()))  # numbers of equal parts: a call's key spells sizes by them

    def build_variant(scalars, dims):
        return forward_or_reverse(
            lambda forward: _transform(kind, fn, wrt, optimize, out_dir, rules, scalars, dims, by_forward=forward, compile=compile),
            kind, wrt_names, scalars,
        )

    keep = _variants_dir(out_dir, fn, rules)
    kept_as = None if keep is None else os.path.join(keep, _file_name(fn, kind, wrt, wrt_names, compile))
    return _wrap(run, fn, kind, wrt_names, single, build_variant, kept_as, splits)


def _variants_dir(out_dir, fn, rules):
    """Where the variants a transform's calls build are kept as well as cached:
    ``out_dir``, else ``$S2S_VARIANTS_DIR`` for the transforms ``s2s check``
    can regenerate (the default rules, a function of a file s2s did not write)."""
    if out_dir is not None:
        return out_dir
    directory = os.environ.get("S2S_VARIANTS_DIR")
    source_file = inspect.getsourcefile(fn)
    if not directory or rules is not USER or not os.path.isfile(source_file or "") or is_generated(source_file):
        return None
    return directory


def _file_name(fn, kind, wrt, wrt_names, compile=None):
    """``mlp_grad_loss_wrt_W1_b1``: the name (without ``.py``) of ``fn``'s file in an ``out_dir``
    (``..._numba`` compiled)."""
    stem = os.path.splitext(os.path.basename(inspect.getsourcefile(fn) or "module"))[0]
    return (f"{stem}_{kind}_{function_name(fn)}" + ("" if wrt == 0 else "_wrt_" + "_".join(wrt_names))
            + ("_numba" if compile is not None else ""))


def forward_or_reverse(build, kind, wrt_names, scalars):
    """``build(True)``, the variant in forward mode, for the derivative of one
    Python number where forward mode gives what reverse mode gives (one sweep
    and nothing saved; see :func:`s2s.transform.transform`), else ``build(False)``."""
    if kind in ("grad", "value_and_grad") and len(wrt_names) == 1 and wrt_names[0] in scalars:
        try:
            return build(True)
        except (NotForward, S2SError):
            pass  # reverse mode gives it (or its own error)
    return build(False)


def _bound_method(method, wrt, transform_function):
    """``obj.f``: the transform of the function ``f`` with ``obj`` bound as its first argument.

    ``wrt`` counts and names the arguments after ``obj``; the bound object itself
    is never differentiated (its attributes are read as constants)."""
    func, owner = method.__func__, method.__self__
    if not isinstance(func, types.FunctionType):
        return transform_function(func, wrt)  # refused by the front end, with its message
    params = [p.name for p in inspect.signature(func).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

    def shift(w):
        if isinstance(w, int) and not isinstance(w, bool):
            return w + 1 if w >= 0 else w
        if params and w == params[0]:
            cls = type(owner).__qualname__
            raise ValueError(f"wrt={w!r} names the object {method.__qualname__} is bound to; differentiate the function "
                             f"with the object as an argument: s2s.grad({cls}.{func.__name__}, wrt={w!r})(obj, ...), whose "
                             f"gradient is a {cls} holding the gradients of its array attributes")
        return w

    inner = transform_function(func, tuple(shift(w) for w in wrt) if isinstance(wrt, (tuple, list)) else shift(wrt))

    def bound(*args, **kwargs):
        return inner(owner, *args, **kwargs)

    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(bound, attr, getattr(method, attr))
    bound.source, bound.path, bound.primal = inner.source, inner.path, method
    if hasattr(inner, "specialize"):
        bound.specialize = lambda *args, **kwargs: inner.specialize(owner, *args, **kwargs)
    return bound


def _rebind(fn, record):
    """The objects a cached module's bindings name, or None if one is gone."""
    functions = reachable(fn)
    namespace = {}
    for name, where in record.items():
        owner = functions.get(where)
        if owner is None:
            return None
        namespace[name] = Scope(owner, ()).lookup(name)
    return namespace


def _wrap(generated, fn, kind, wrt_names, single, build_variant, kept_as, splits=()):
    """The user-facing function around the generated entry ``generated``.

    A call runs a variant of the generated code specialized to the arguments
    that are Python numbers and (reverse mode) to the pattern of the arrays'
    dimensions (which sizes are equal, which are 1; :mod:`s2s.variants`,
    :mod:`s2s.shapes`: no broadcasting reductions where shapes are known to
    agree), generated on first use and cached like the general one; a call
    with neither runs the general code.  ``grad`` with respect to one Python
    number runs forward mode where that gives what reverse mode gives (see
    :func:`forward_or_reverse`).  With ``kept_as`` (a path without ``.py``),
    each variant built is also written to that path plus its shapes.  At most
    :func:`s2s.variants.kept_variants` variants stay loaded besides the general
    code: one more evicts the least recently used.
    """
    sig = inspect.signature(fn)
    general = ((), ())
    variants = {general: generated}  # key -> entry, least recently used first
    limit = kept_variants()
    recent = general  # the key of the variant the last call ran

    extra = len(wrt_names) if kind in ("jvp", "jacobian") else 1 if kind == "vjp" else 0
    positional = [p.name for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

    plain = all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in sig.parameters.values())
    default_specs = spec_of({  # of the defaults a call cannot change (not a list's or dict's entries)
        p.name: p.default for p in sig.parameters.values() if type(p.default) in (int, float, tuple, np.ndarray)})

    def bind(args, kwargs):
        """The primal's arguments by name, and the arguments of the generated entry."""
        if plain and not kwargs and not extra and len(args) == len(positional):
            arguments = dict(zip(positional, args))  # what sig.bind gives, at a tenth of its cost
        else:
            arguments = sig.bind(*(args[: len(args) - extra] if extra else args), **kwargs).arguments
        if not extra:
            return arguments, args, kwargs
        # tangents or the cotangent follow all positional parameters, defaults filled in
        full = sig.bind(*args[: len(args) - extra], **kwargs)
        full.apply_defaults()
        call_args = [full.arguments[p] for p in positional] + list(args[len(args) - extra:])
        return arguments, call_args, {k: v for k, v in full.arguments.items() if k not in positional}

    def variant(arguments):
        spec = spec_of(arguments)
        if default_specs:  # a parameter left at its default holds that number (or array, or container)
            spec = {p: spec[p] if p in spec else default_specs[p] for p in sig.parameters
                    if p in spec or (p in default_specs and p not in arguments)}
        nonlocal recent
        key = key_of(spec, kind, splits)
        run = variants.pop(key, None)
        if run is None:
            check_bindings(generated)  # made from the function as the general code saw it, or refused
            run = build_variant(*key)
            if kept_as is not None:
                _keep(run, kept_as + file_suffix(spec) + ".py")
        variants[key] = run
        recent = key
        if len(variants) > limit + 1:
            evict()
        return key, run

    def evict():
        """Let the least recently used variant go, and the quick keys that lead to it.
        (Copies of the dicts are iterated: another thread may be calling the wrapper.)"""
        old = variants.pop(next(k for k in list(variants) if k != general), None)
        if old is not None:
            for q, known in list(quick.items()):
                if known[0] is old:
                    quick.pop(q, None)
            unload(old)

    quick = {}  # quick_key -> (variant, what to call, its key), for calls already checked (see quick_key)
    direct = plain and not extra and kind in ("grad", "value_and_grad")
    wrt_positions = [positional.index(n) for n in wrt_names] if direct else []
    # a quick call may leave parameters at their defaults (the entry has them too), not one differentiated
    required = max([len([p for p in sig.parameters.values() if p.default is p.empty])] + [i + 1 for i in wrt_positions])

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        nonlocal recent
        key = quick_key(args) if direct and not kwargs and required <= len(args) <= len(positional) else None
        known = quick.get(key) if key is not None else None
        if known is not None:  # arguments of types and shapes a checked call had: straight to the variant
            run, target, used, watch = known
            if used is not recent:  # another variant than the last call's: now the most recently used
                recent = used
                variants[used] = variants.pop(used, run)
            if target is not run:  # compiled: numba froze the globals it read, as in the user's own compiled code,
                return target(*args)  # and gives arrays and floats as the arguments are
            if watch is not None:
                watch.check()  # check_bindings(run), its module's watch found once
            try:
                out = run(*args)
            except (RecursionError, TypeError) as exc:
                explain(exc)
            except (ZeroDivisionError, OverflowError) as exc:
                out = numpy_edges(exc, run, args, {}, args, {})
            if kind == "value_and_grad":
                return out[0], quick_like(out[1], args)
            return quick_like(out, args)
        arguments, call_args, call_kwargs = bind(args, kwargs)
        for name in wrt_names:
            if name in arguments:
                _check_differentiable(name, arguments[name], fn)
        used, run = variant(arguments)
        if key is not None:  # the variant to check, what to call (see above), and its key
            if len(quick) >= 4 * limit:  # a bounded memo: the oldest go
                for oldest in list(quick)[: len(quick) + 1 - 4 * limit]:
                    quick.pop(oldest, None)
            compiled = getattr(run, "dispatcher", None)  # compiled for these types by this call
            watch = run.__globals__.get("__s2s_watch__")
            quick[key] = run, run if compiled is None else compiled, used, watch if watch is not None and watch.watches() else None
        check_bindings(run)
        try:
            out = call(run, call_args, call_kwargs)
        except (ZeroDivisionError, OverflowError) as exc:
            out = numpy_edges(exc, run, call_args, call_kwargs, args[: len(args) - extra] if extra else args, kwargs)
        if kind == "jacobian":
            return out  # (value, tangents with the directions first): s2s.jacobian assembles the matrix
        if kind == "jvp":
            value, tangent = out  # a container output's tangent in its structure (a dict, not a GradDict)
            return (value, _like(tangent, value)) if isinstance(value, (dict, tuple, list)) or is_record(value) else out
        if kind == "value_and_grad":
            return out[0], _match_types(out[1], arguments, wrt_names, single)
        return _match_types(out, arguments, wrt_names, single)

    def quick_like(grads, args):
        """:func:`_match_types` for arguments that are arrays and Python numbers."""
        if single:
            return _array_like(grads, args[wrt_positions[0]])
        for i, g in zip(wrt_positions, grads):  # each as it is already (the common call): the tuple itself
            value = args[i]
            if not (type(g) is float and type(value) is float or type(g) is np.ndarray and type(value) is np.ndarray and g.dtype is value.dtype):
                return tuple([_array_like(g, args[i]) for i, g in zip(wrt_positions, grads)])
        return grads if type(grads) is tuple and len(grads) == len(wrt_positions) else tuple([_array_like(g, args[i]) for i, g in zip(wrt_positions, grads)])

    def call(run, call_args, call_kwargs):
        try:
            return run(*call_args, **call_kwargs) if call_kwargs else run(*call_args)
        except (RecursionError, TypeError) as exc:
            explain(exc)

    def numpy_edges(exc, run, call_args, call_kwargs, args, kwargs):
        """The derivative again with its Python-float arguments as float64 scalars, where it
        raised on Python floats (``1.0 / 0.0``, an overflowing ``**``) and the function itself,
        called with ``args`` and ``kwargs``, does not: the generated code computes on Python
        floats where they give numpy's numbers faster (a seed of 1.0, float64 entries taken
        as floats), and numpy answers inf or nan there, with its warning, as the function did."""
        floats = [a for a in list(call_args) + list(call_kwargs.values()) if type(a) is float]
        if not floats:
            raise exc
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn(*args, **kwargs)
        except (ZeroDivisionError, OverflowError):
            raise exc from None  # the function raises too: so does its derivative
        wide = lambda a: np.float64(a) if type(a) is float else a  # noqa: E731
        return call(run, [wide(a) for a in call_args], {k: wide(v) for k, v in call_kwargs.items()})

    def explain(exc):
        """Raise what the generated code raised, told in terms of the user's function where s2s knows more."""
        if isinstance(exc, RecursionError):
            raise RecursionError(
                f"the derivative of {fn.__name__} recursed deeper than Python's recursion limit "
                f"({sys.getrecursionlimit()}); each level of recursion in {fn.__name__} takes one "
                "frame in the forward sweep and one in the backward sweep: raise the limit with "
                "sys.setrecursionlimit"
            ) from None
        if "Cannot cast ufunc" not in str(exc) or "complex" not in str(exc):
            raise exc
        raise TypeError(
            f"{exc}: in the derivative of {fn.__name__}, a complex value passed as an argument "
            "reached the adjoint of a real value, which the optimized derivative adds to in place; "
            f"pass optimize=False to s2s.{kind}, or make the complex value in {fn.__name__} (x * 1j, np.fft)"
        ) from exc

    def specialize(*args, **kwargs):
        """The variant a call with these arguments runs (building it if no call has):
        its generated entry function, with the module text as ``.source`` and
        its file as ``.path``.  Called with the entry's arguments (those of the
        call), it runs exactly that code; the arrays' values are not read."""
        return variant(bind(args, kwargs)[0])[1]

    wrapper.source = generated.source
    wrapper.path = generated.path
    wrapper.primal = fn
    wrapper.generated = generated
    wrapper.specialize = specialize
    wrapper.__wrapped__ = generated
    return rich(wrapper, f"s2s.{kind}({fn.__qualname__})")


def _keep(run, path):
    """Write variant ``run``'s source to ``path`` too (unless it holds it already), and say so in ``run.path``."""
    refuse_overwrite(path)
    if os.path.isfile(path):
        with open(path, "rb") as f:
            if f.read() == run.source.encode("utf-8"):  # bytes: a file s2s wrote, then damaged, is rewritten
                run.path = path
                return
    write_atomic(path, run.source)
    run.path = path


def _dimension_symbols(arguments):
    """The ``dims`` of the variant a reverse-mode call with ``arguments`` runs (:func:`s2s.variants.key_of`)."""
    return key_of(spec_of(arguments), "grad")[1]


def quick_key(args):
    """A key of the types of ``args`` (dtype and shape for numpy arrays), or None where one
    is not a numpy array, a Python float or int, or a container of them (a tuple, namedtuple,
    list, dict or dataclass, keyed by its type, its keys or fields and its entries' keys;
    strings, bools and None in it by value): calls with equal keys have equal specs
    (:func:`s2s.variants.spec_of`), pass the same checks, and run the same variant."""
    key = []
    budget = [QUICK_LEAVES]
    for value in args:
        t = type(value)
        if t is np.ndarray:
            key.append((value.shape, value.dtype))
        elif t is float or t is int:
            key.append(t)
        else:
            inner = _quick_container(value, t, budget)
            if inner is None:
                return None
            key.append(inner)
    return tuple(key)


QUICK_LEAVES = 64  # entries of containers a quick key looks at; a call with more takes the checked path


def _quick_container(value, t, budget):
    """:func:`quick_key` of one value that is not an array or number (``t`` its type), or None."""
    walk = _QUICK_WALKS.get(t)
    if walk is None:
        walk = _QUICK_WALKS[t] = _quick_walk(t)
    if walk is _RECORD:
        fields = getattr(value, "__dict__", None)
        if type(fields) is not dict:
            return None
        items = fields.items()
    elif walk is _DICT:
        items = value.items()
    elif walk is _SEQUENCE:
        items = enumerate(value)
    elif walk is _NUMBER:  # np.float64: a float to spec_of, as np.log(0.3) gives
        return t
    elif walk is _CONSTANT:
        return t, value
    else:
        return None
    budget[0] -= len(value) if walk is not _RECORD else len(fields)  # before the entries: nested ones see what is left
    if budget[0] < 0:
        return None
    key = [t]
    for k, entry in items:  # an entry's key: (k, shape, dtype) for an array, the common leaf, at once
        kind = type(entry)
        if kind is np.ndarray:
            key.append((k, entry.shape, entry.dtype))
        elif kind is float or kind is int:
            key.append((k, kind))
        else:
            inner = _quick_container(entry, kind, budget)
            if inner is None:
                return None
            key.append((k, inner))
    return tuple(key)


_QUICK_WALKS = {}  # type -> how _quick_container reads its values (one look per type)
_DICT, _SEQUENCE, _RECORD, _NUMBER, _CONSTANT, _NO = "dict", "sequence", "record", "number", "constant", "no"


def _quick_walk(t):
    """How a quick key reads a ``t``: ``_DICT``, ``_SEQUENCE`` (tuples, lists, NamedTuples),
    ``_RECORD`` (a dataclass whose instances keep their fields in ``__dict__``), ``_NUMBER``
    (a number by its type), ``_CONSTANT`` (by its value: strings, bools, None) or ``_NO``."""
    if t is float or t is int or t is np.float64:
        return _NUMBER
    if t is str or t is bool or t is type(None):
        return _CONSTANT
    if t is dict:
        return _DICT
    if issubclass(t, (tuple, list)):
        return _SEQUENCE
    if "__dataclass_fields__" in t.__dict__ and not hasattr(t, "__slots__"):
        return _RECORD
    return _NO


def _check_differentiable(name, value, fn):
    dtype = getattr(value, "dtype", None)
    if isinstance(value, (bool, int, np.integer, np.bool_)) or (
        dtype is not None and not np.issubdtype(dtype, np.inexact)
    ):
        raise TypeError(
            f"cannot differentiate {fn.__name__} with respect to {name!r}: its value is "
            f"{type(value).__name__}{'' if dtype is None else ' of dtype ' + str(dtype)}, not a float"
        )


def _user_rule(register, kind, fn, rules):
    if rules is None:
        builtin = BUILTIN.lookup(fn)
        if builtin is not None:
            raise ValueError(
                f"{builtin.name or fn!r} already has a built-in rule; to override it without "
                f"changing it for everyone, register into a rule set and pass it to the transform: "
                f"`my_rules = s2s.RuleSet()`, `@s2s.{kind}({builtin.name or 'fn'}, rules=my_rules)`, "
                f"`s2s.grad(f, rules=my_rules)`"
            )
        rules = USER
    return register(fn, rules=rules)


def adjoint(fn, *, rules=None):
    """Register the decorated template as the reverse-mode rule of ``fn``.

    The template's first parameter is ``fn``'s result, the others its
    parameters; ``d<result>`` is the incoming adjoint and each ``d<arg> = ...``
    contributes to an argument's adjoint.  A user function with a rule is
    called as it is and its body is not differentiated.  A library function's
    built-in rule is overridden only inside a rule set (``rules=``) that is
    passed to the transforms that should use it.
    """
    return _user_rule(_register_adjoint, "adjoint", fn, rules)


def tangent(fn, *, rules=None):
    """Register the decorated template as the forward-mode rule of ``fn`` (see :func:`adjoint`)."""
    return _user_rule(_register_tangent, "tangent", fn, rules)


def jvp(fn=None, wrt=0, *, optimize=True, out_dir=None, rules=None, compile=None):
    """Forward mode: called with ``fn``'s positional arguments, then one tangent per ``wrt`` entry.

    Returns ``(value, tangent_of_output)``.
    """
    return _transform("jvp", fn, wrt, optimize, out_dir, rules, compile=compile)


def hvp(fn=None, wrt=0, *, optimize=True, out_dir=None, rules=None, compile=None):
    """Hessian-vector product, forward over reverse: ``fn``'s positional arguments, then ``v``.

    ``v`` is shaped like the ``wrt`` argument (a tuple of them for a tuple
    ``wrt``).  The gradient of ``fn`` is generated as Python source, and that
    source is differentiated again in forward mode.  Not compiled: ``compile``
    other than None is refused.
    """
    jit.refuse("hvp", fn, compile)
    if fn is None:
        return lambda f: hvp(f, wrt, optimize=optimize, out_dir=out_dir, rules=rules)
    if inspect.ismethod(fn):
        return _bound_method(fn, wrt, lambda f, w: hvp(f, w, optimize=optimize, out_dir=out_dir, rules=rules))
    gradient = grad(fn, wrt, optimize=optimize, out_dir=out_dir, rules=rules)
    single, wrt_names = resolve_wrt(inspect.unwrap(fn), wrt)
    forward_over_reverse = jvp(gradient.generated, wrt_names if not single else wrt_names[0], optimize=optimize, out_dir=out_dir, rules=rules)
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, v = args[:-1], args[-1]
        tangents = (v,) if single else tuple(v)
        bound = sig.bind(*args, **kwargs)
        for name in wrt_names:
            _check_differentiable(name, bound.arguments.get(name), fn)
        _, hv = forward_over_reverse(*args, *tangents, **kwargs)
        return _match_types(hv, bound.arguments, wrt_names, single)

    wrapper.source = forward_over_reverse.source
    wrapper.path = forward_over_reverse.path
    wrapper.primal = fn
    wrapper.gradient = gradient
    return rich(wrapper, f"s2s.hvp({fn.__qualname__})")


nondifferentiable(stop_gradient)


def grad(fn=None, wrt=0, *, optimize=True, out_dir=None, rules=None, compile=None):
    """Gradient of the scalar output of ``fn`` with respect to ``wrt``."""
    return _transform("grad", fn, wrt, optimize, out_dir, rules, compile=compile)


def value_and_grad(fn=None, wrt=0, *, optimize=True, out_dir=None, rules=None, compile=None):
    """``(value, gradient)`` of ``fn``."""
    return _transform("value_and_grad", fn, wrt, optimize, out_dir, rules, compile=compile)


def vjp(fn=None, wrt=0, *, optimize=True, out_dir=None, rules=None, compile=None):
    """Vector-Jacobian product: called with ``fn``'s positional arguments, then ``dout``."""
    return _transform("vjp", fn, wrt, optimize, out_dir, rules, compile=compile)
