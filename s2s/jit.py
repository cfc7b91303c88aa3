"""Compiled derivatives: generated code that numba compiles (``compile="numba"``).

Takes a transform's request for compiled code: ``compile="numba"``, or a numba
dispatcher (``@numba.njit``, ``@numba.jit(nopython=True)``) as the function
transformed, which is differentiated through its ``py_func`` and compiled with
its own options.  Reverse mode then writes loop stacks in the rows layout (one
list of per-iteration tuples, walked by index: :class:`s2s.saveplan.LoopSave`),
which numba types and appends to without allocating, and a recursion keeps its
calls' saved tuples on one list of rows (:func:`recursion_groups`).

Guarantees: every function of the generated module carries the decorator
``@numba.njit(cache=True, ...)`` in the file itself (``cache=False`` where a
recursion is: :func:`decorate`), and the module imports
:mod:`s2s.runtime.compiled` (numba's implementations of the runtime helpers
generated code calls), so the file imports and runs compiled with nothing
from s2s but those helpers; a construct numba cannot compile is refused at the
user's line, before anything runs (a checkpointed loop:
:meth:`s2s.reverse.ControlFlow.revolve_loop`; a recursion it cannot lay out:
:func:`recursion_groups`), or, where only numba's
type inference finds it, reported at the user's line on the first call
(:func:`guarded`), naming the construct and saying that the Python
derivative (no ``compile``) runs it.
"""

import os
import re
import types

import gast

from .errors import S2SError

COMPILERS = ("numba",)
DROPPED_OPTIONS = {"nopython", "forceobj", "looplift", "_nrt", "no_rewrites", "no_cfunc_wrapper"}


def py_function(obj):
    """The Python function a numba dispatcher compiles, or None for anything else."""
    func = getattr(obj, "py_func", None)
    if func is None or not hasattr(obj, "targetoptions"):
        return None
    return func


def request(fn, compile):
    """``(function, options)``: what to transform and the njit options of the compiled
    derivative (None: not compiled).  A dispatcher brings its own options."""
    if compile is not None and compile not in COMPILERS:
        raise ValueError(f"compile must be one of {COMPILERS} or None, not {compile!r}")
    func = py_function(fn)
    if func is None and compile is None:
        return fn, None
    _require_numba()
    options = {"cache": True}
    if func is not None:
        given = {k: v for k, v in fn.targetoptions.items() if k not in DROPPED_OPTIONS and v is not None}
        if given.get("parallel"):
            raise S2SError(
                f"{func.__qualname__} is compiled with parallel=True; s2s does not differentiate parallel loops "
                "(numba.prange): compile it without parallel=True to differentiate it",
                func.__code__.co_filename, func.__code__.co_firstlineno,
            )
        options.update(given)
        fn = func
    return fn, dict(sorted(options.items()))


def refuse(transform, fn, compile):
    """A ``ValueError`` for a transform that does not compile (``hvp``, ``jacobian``, ``hessian``),
    given ``compile=`` or a numba function."""
    if compile is not None or py_function(fn) is not None:
        raise ValueError(f"s2s.{transform} does not compile its result with numba yet (it differentiates generated "
                         "code again): pass the Python function (f.py_func of a numba function) and no compile=")


def _require_numba():
    try:
        import numba  # noqa: F401
    except ImportError:
        raise ImportError("compile='numba' needs numba: pip install 's2s[numba]'") from None


def imports():
    """The import lines a compiled module adds to its own."""
    return ["import numba", "import s2s.runtime.compiled  # numba's implementations of the s2s.runtime helpers used below"]


def lower(functions):
    """What numba cannot type, in forms it can: an index ``np.s_[t + 1, i]`` (normalization
    names a subscript's index so) becomes the tuple ``(t + 1, i)``, a slice in it
    ``slice(a, b, None)``."""
    for f in functions:
        for node in gast.walk(f):
            for field, value in gast.iter_fields(node):
                if isinstance(value, list):
                    value[:] = [_index_expression(v) for v in value]
                elif isinstance(value, gast.AST):
                    setattr(node, field, _index_expression(value))


def _index_expression(node):
    if not (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Attribute) and node.value.attr == "s_"
            and isinstance(node.value.value, gast.Name) and node.value.value.id == "np"):
        return node
    parts = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
    none = lambda v: v if v is not None else gast.Constant(value=None, kind=None)
    made = [gast.Call(func=gast.Name(id="slice", ctx=gast.Load(), annotation=None, type_comment=None),
                      args=[none(p.lower), none(p.upper), none(p.step)], keywords=[]) if isinstance(p, gast.Slice) else p
            for p in parts]
    return gast.Tuple(elts=made, ctx=gast.Load()) if isinstance(node.slice, gast.Tuple) else made[0]


def decorate(functions, options, groups=(), recursive=False):
    """Put ``@numba.njit(**options)`` on each function of the module.

    With recursion (``recursive``; ``groups``: the callees of recursive groups of reverse
    mode, :func:`recursion_groups`), no function is cached (numba's cache of a recursive function crashes the process that
    loads it), and the sweeps of a group's functions other than its head are inlined
    (``inline="always"``) into their callers: numba then types the group as one function
    calling itself, where calls between functions being compiled would take a return
    type from the first path it types (a branch's ``None`` where the other saves a tuple)."""
    if recursive:
        options = dict(options, cache=False)
    inline = {name for callee in groups if not callee.head for name in (callee.forward, callee.backward)}
    njit = gast.Attribute(value=gast.Name(id="numba", ctx=gast.Load(), annotation=None, type_comment=None), attr="njit", ctx=gast.Load())
    for f in functions:
        own = dict(options, inline="always") if f.name in inline else options
        keywords = [gast.keyword(arg=k, value=gast.Constant(value=v, kind=None)) for k, v in sorted(own.items())]
        f.decorator_list = [gast.Call(func=njit, args=[], keywords=keywords)]


def recursion_groups(calls, main, check=True):
    """The recursive groups of a program: ``{callee key: (its group's head, whether it is the head)}``
    for every transformed function that reaches itself through calls, given reverse mode's calls
    ``(caller key, callee key, call node, caller's Located)`` (:class:`s2s.transform.Program`) and
    the key of the function differentiated (``main``, which the entry calls).

    A group is the functions that reach each other (mutual recursion: two or more).  Its head is
    the one function of it that functions outside it call (or the entry): compiled code keeps the
    saved tuple of each call of the head in a list of rows (a stack) that the group's functions
    pass along, and the saved tuples of the other functions' calls nest in their callers' as
    anywhere else, which gives them a type of fixed depth where every cycle goes through the head.
    Raises at a call of the recursion where that does not hold: two functions of the group called
    from outside it, or a cycle that avoids the head (unless not ``check``)."""
    callees = {}
    for caller, callee, _, _ in calls:
        callees.setdefault(caller, set()).add(callee)

    def reach(start, within=None):
        seen, todo = set(), list(callees.get(start, ()))
        while todo:
            f = todo.pop()
            if f not in seen and (within is None or f in within):
                seen.add(f)
                todo.extend(callees.get(f, ()))
        return seen

    reached = {key: reach(key) for key in callees}
    groups = {}
    for key, out in reached.items():
        if key in out and key not in groups:
            members = {k for k in out if key in reached.get(k, ())} | {key}
            heads = {k for k in members if k == main} | {callee for caller, callee, _, _ in calls if callee in members and caller not in members}
            rest = members - heads
            if not check or len(heads) == 1 and not any(k in reach(k, rest) for k in rest):
                head = next(iter(heads), None)
                groups.update({k: (head, k == head) for k in members})
                continue
            if len(heads) > 1:  # at the first call from outside of a second function of the group
                entered = [c for c in calls if c[1] in members and c[0] not in members]
                caller, callee, node, loc = next(c for c in entered if c[1] != (main if main in heads else entered[0][1]))
            else:  # at a call of the cycle
                caller, callee, node, loc = next(c for c in calls if c[0] in rest and c[1] in rest)
            raise loc.error(node, f"compile='numba' cannot compile the recursion of {callee[0].__name__}: "
                                  + ("the functions of a mutual recursion are called from outside it at more than one of them"
                                     if len(heads) > 1 else "a cycle of its calls avoids the function its callers call")
                                  + ", and then the values its forward sweep saves nest one level per call, which numba "
                                  "cannot type; call the recursion at one function, or write it as a loop, or "
                                  "differentiate without compile=")
    return groups


CACHED = re.compile(r"^(\s*@numba\.njit\(.*?)\bcache=True\b", re.MULTILINE)


def without_disk_cache(source):
    """``source`` with numba's cache off (``cache=False``; no line moves): the text to compile
    where its file is not there for numba to cache beside (a module s2s loads from memory,
    a cache entry removed since it was written)."""
    return CACHED.sub(r"\1cache=False", source)


def no_file_to_cache_beside(exc):
    """Whether ``exc`` is numba refusing ``cache=True`` for a function whose file is gone."""
    return isinstance(exc, RuntimeError) and str(exc).startswith("cannot cache function")


def guarded(run, source, path, origin, module):
    """``run`` (a numba dispatcher of the loaded ``module``), whose compile errors are
    reported at the user's line.

    numba compiles on the first call with the argument types; where its type
    inference fails, the error names a line of the generated file, which the
    comment above it (``# model.py:12  y = ...``) ties to the user's.  The
    function returned has the module's globals, as its dispatcher's Python
    function has (what :func:`s2s.load.check_bindings` reads)."""
    from numba.core.errors import NumbaError
    report = explain  # the function below runs with the module's globals: what it uses is in its closure

    def compiled(*args, **kwargs):
        try:
            return run(*args, **kwargs) if kwargs else run(*args)  # numba folds keywords in Python, even none
        except NumbaError as exc:
            raise report(exc, source, path, origin) from None

    function = types.FunctionType(compiled.__code__, module.__dict__, run.__name__, None, compiled.__closure__)
    function.__qualname__ = run.__qualname__
    function.dispatcher = run
    return function


def explain(exc, source, path, origin):
    """An :class:`S2SError` at the user's line for numba's error ``exc`` in generated ``source``."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # numba colours its messages
    base = os.path.basename(path)  # numba names files relative to the working directory
    lines = [m for m in re.findall(r'File "([^"]+)", line (\d+)', message) if os.path.basename(m[0]) == base]
    generated_line = int(lines[0][1]) if lines else None  # the innermost first
    text = source.splitlines()
    user_line, user_text = None, None
    if generated_line is not None:
        for k in range(min(generated_line, len(text)) - 1, -1, -1):
            found = re.match(r"\s*# [^:\s]+:(\d+)  (.*)$", text[k])
            if found:
                user_line, user_text = int(found.group(1)), found.group(2)
                break
    said = [l.strip() for l in message.splitlines() if l.strip() and not l.startswith(("During", "Failed in", "File ", " "))]
    first = said[0] if said else message.splitlines()[0]
    where = f" of `{user_text}`" if user_text else ""
    return S2SError(
        f"numba cannot compile the derivative{where}: {first}; generated file {path}"
        + (f", line {generated_line}" if generated_line else "")
        + ". Rewrite that line in a form numba compiles, or differentiate without compile= (the Python derivative runs it)",
        origin if user_line else None, user_line,
    )
