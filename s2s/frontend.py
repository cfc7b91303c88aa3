"""Front end: from a Python function object to a parsed, located tree.

Takes a function whose source ``inspect`` can find.  Guarantees: the returned
:class:`Parsed` holds a ``gast.FunctionDef`` without decorators, positions that
map back to the user's file (:class:`~s2s.errors.Located`), the source hash,
and a :class:`Scope` that resolves every free name against the function's
closure, globals and builtins.  Local names are never resolved.
"""

import __future__
import ast
import builtins
import functools
import hashlib
import inspect
import linecache
import math
import os
import textwrap
import types

import gast
import numpy

from .errors import Located, S2SError
from .naming import function_name

MISSING = object()


class Parsed:
    """A user function, parsed: ``node`` (gast.FunctionDef), ``loc``, ``scope``."""

    def __init__(self, fn, node, loc, source, scope, firstlineno=None):
        self.fn = fn
        self.node = node
        self.loc = loc
        self.source = source
        self.scope = scope
        self.name = node.name
        self.filename = loc.filename
        self.firstlineno = loc.line_offset + 1 if firstlineno is None else firstlineno
        self.sha256 = hashlib.sha256(source.encode()).hexdigest()


class Scope:
    """Resolves free names of a function: closure, then globals, then builtins."""

    def __init__(self, fn, local_names):
        self.fn = fn
        self.locals = set(local_names)
        self.closure = {}
        if fn.__closure__:
            for name, cell in zip(fn.__code__.co_freevars, fn.__closure__):
                try:
                    self.closure[name] = cell.cell_contents
                except ValueError:  # an empty cell: not yet assigned
                    pass

    def lookup(self, name):
        """The object a free name refers to, or ``MISSING`` (locals included)."""
        if name in self.locals:
            return MISSING
        if name in self.closure:
            return self.closure[name]
        if name in self.fn.__globals__:
            return self.fn.__globals__[name]
        return getattr(builtins, name, MISSING)

    def resolve(self, node):
        """The object a ``Name``/``Attribute`` chain refers to, or ``MISSING``."""
        if isinstance(node, gast.Name):
            return self.lookup(node.id)
        if isinstance(node, gast.Attribute):
            base = self.resolve(node.value)
            if base is MISSING:
                return MISSING
            return getattr(base, node.attr, MISSING)
        return MISSING

    def root(self, node):
        """The root ``Name`` of an attribute chain, or None."""
        while isinstance(node, gast.Attribute):
            node = node.value
        return node if isinstance(node, gast.Name) else None


def canonical_module(obj):
    """``'np'`` or ``'math'`` for the numpy and math modules, else None."""
    if obj is numpy:
        return "np"
    if obj is math:
        return "math"
    return None


# Builtins that generated code may call by their plain names (loops over
# sequences, stacks, rule templates): a parameter with one of these names would
# shadow them in the generated functions.
GENERATED_BUILTINS = frozenset(
    "abs all any bool enumerate float getattr int isinstance len list max min range reversed sum "
    "tuple type zip".split()
)


def generated_names():
    """Names generated code refers to as globals: the modules, the runtime helpers."""
    from . import runtime

    return {"np", "math", "scipy"} | set(runtime.__all__)


def refusal(fn):
    """Why ``fn``, which is not a Python function, cannot be transformed."""
    if inspect.ismethod(fn):
        return (
            f"{fn!r} is a bound method; s2s transforms the function underneath with its first "
            f"argument bound (in Python: `s2s.grad(obj.{fn.__name__})`), but not from here; "
            f"differentiate {getattr(fn.__func__, '__qualname__', fn.__name__)} with the object as "
            "an ordinary argument"
        )
    if isinstance(fn, functools.partial):
        return f"s2s cannot transform a functools.partial ({fn!r}): write a `def` that calls it"
    if isinstance(fn, (types.BuiltinFunctionType, numpy.ufunc)) or callable(fn) and not hasattr(fn, "__code__"):
        what = getattr(fn, "__name__", type(fn).__name__)
        module = getattr(fn, "__module__", None) or ""
        spelled = ("np." if isinstance(fn, numpy.ufunc) or module.startswith("numpy") else "math." if module == "math" else "") + what
        return (
            f"s2s can only transform Python functions defined in source files, not {fn!r} "
            f"({type(fn).__name__}): `{what}` is compiled code with no Python source. To differentiate "
            f"it, call it from a function of yours (`def f(x): return {spelled}(x)`) and transform that"
        )
    return f"s2s can only transform Python functions defined in source files, not {fn!r} ({type(fn).__name__})"


def unwrap(fn):
    """``fn`` without its ``functools.wraps`` wrappers.

    s2s differentiates the innermost function, so every wrapper must do nothing
    but pass its arguments on and return the result (logging, timing); a wrapper
    that changes either is refused, instead of being silently ignored.  The
    wrapper s2s's own transforms return stands for the generated function.
    """
    while True:
        inner = getattr(fn, "__wrapped__", None)
        if inner is None:
            return fn
        if getattr(fn, "generated", None) is inner or isinstance(fn, functools._lru_cache_wrapper):
            fn = inner
            continue
        if not (isinstance(fn, types.FunctionType) and _passes_through(fn, inner)):
            code = getattr(fn, "__code__", None)
            raise S2SError(
                f"{getattr(inner, '__qualname__', inner)!r} is wrapped (functools.wraps) by "
                f"{getattr(code, 'co_qualname', None) or getattr(fn, '__qualname__', fn)!r}, which does more than pass its arguments on and "
                "return the result; s2s would differentiate the wrapped function alone and ignore the "
                "wrapper, so it refuses: transform the undecorated function, or write the wrapper's "
                "effect into a function of its own",
                code.co_filename if code else None,
                code.co_firstlineno if code else None,
            )
        fn = inner


def _passes_through(wrapper, inner):
    """Whether ``wrapper``'s source calls ``inner`` once with its own arguments, unchanged,
    returns that result unchanged, and assigns nothing but local names of its own."""
    try:
        tree = ast.parse(textwrap.dedent("".join(inspect.getsourcelines(wrapper.__code__)[0])))  # not __wrapped__'s
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef) or node.name != wrapper.__code__.co_name:
        return False
    args = node.args
    params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    params += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    scope = Scope(wrapper, set(wrapper.__code__.co_varnames))
    calls = [
        n for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and scope.lookup(n.func.id) is inner
    ]
    if len(calls) != 1:
        return False
    call = calls[0]
    forwarded = [ast.Name(a.arg, ast.Load()) for a in args.posonlyargs + args.args]
    if args.vararg:
        forwarded.append(ast.Starred(ast.Name(args.vararg.arg, ast.Load()), ast.Load()))
    keywords = [ast.keyword(a.arg, ast.Name(a.arg, ast.Load())) for a in args.kwonlyargs]
    if args.kwarg:
        keywords.append(ast.keyword(None, ast.Name(args.kwarg.arg, ast.Load())))
    if ast.dump(ast.Module(body=[ast.Expr(ast.Call(call.func, forwarded, keywords))], type_ignores=[])) != ast.dump(
        ast.Module(body=[ast.Expr(call)], type_ignores=[])
    ):
        return False
    result = None
    stores = {}
    for n in ast.walk(node):
        if isinstance(n, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.AugAssign, ast.Global, ast.Nonlocal)) and n is not node:
            return False
        if isinstance(n, (ast.Subscript, ast.Attribute, ast.Starred)) and isinstance(n.ctx, ast.Store):
            return False
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            if n.id in params:
                return False
            stores[n.id] = stores.get(n.id, 0) + 1
        if isinstance(n, ast.Assign) and n.value is call and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            result = n.targets[0].id
    returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
    if not returns:
        return False
    for r in returns:
        if r.value is call:
            continue
        if result is None or stores.get(result) != 1 or not (isinstance(r.value, ast.Name) and r.value.id == result):
            return False
    return True


def code_matches_source(fn):
    """Whether ``fn``'s source text, as ``linecache`` holds it now, compiles to the code that runs.

    The code that runs was compiled from the text as it was then; s2s reads the
    text as it is now.  Python compiles a text in one of two ways, and the
    check tries both: whole, as an import or a script does (a function's
    bytecode depends on its module: names bound by imports, enclosing classes
    and functions), or one top-level statement at a time, as IPython runs a
    notebook cell (the cell's text is in ``linecache`` under the cell's name,
    ``<ipython-input-N-hash>`` or ipykernel's ``/tmp/ipykernel_<pid>/<hash>.py``,
    with no file on disk; the ``__future__`` features of earlier cells are in
    the code's flags).  ``fn``'s code object must be among the code compiled,
    found by qualified name, and start at the same line: ``inspect`` reads the
    lines the code object names, which after an edit above the function hold
    other text.  Either way the text compiled is the text s2s reads.
    """
    code = fn.__code__
    if any(n.startswith("@py") for n in code_names(code)):
        return True  # pytest rewrote the asserts of this test module: its bytecode is not the file's
    text = "".join(linecache.getlines(code.co_filename, fn.__globals__))
    qualname = getattr(code, "co_qualname", code.co_name)
    for flags in (None, code.co_flags & FUTURE_FLAGS):
        compiled = _compiled(code.co_filename, text, flags)
        if compiled is not None and any(
            c.co_firstlineno == code.co_firstlineno and _same_code(c, code) for c in compiled.get(qualname, ())
        ):
            return True
    return False


# The __future__ features that still change what Python 3 compiles; a code object's
# flags record those it was compiled with.
FUTURE_FLAGS = __future__.annotations.compiler_flag | __future__.barry_as_FLUFL.compiler_flag


@functools.lru_cache(maxsize=32)
def _compiled(filename, text, flags=None):
    """``{qualname: [code objects]}`` of the module ``text``, or None if it does not compile.

    ``flags=None`` compiles the text whole, as an import does; else each top-level
    statement alone, with these ``__future__`` flags, as IPython compiles a cell.
    """
    try:
        if flags is None:
            units = [compile(text, filename, "exec", dont_inherit=True)]
        else:
            tree = compile(text, filename, "exec", ast.PyCF_ONLY_AST | flags, dont_inherit=True)
            units = [compile(ast.Module([s], []), filename, "exec", flags, dont_inherit=True) for s in tree.body]
    except (SyntaxError, ValueError):
        return None
    out = {}
    todo = list(units)
    while todo:
        c = todo.pop()
        out.setdefault(getattr(c, "co_qualname", c.co_name), []).append(c)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return out


def code_names(code):
    """The global and attribute names a code object and the code nested in it use."""
    names = set(code.co_names)
    for k in code.co_consts:
        if isinstance(k, types.CodeType):
            names |= code_names(k)
    return names


def _same_code(a, b):
    if (a.co_code, a.co_names, a.co_varnames, a.co_freevars, a.co_cellvars) != (
        b.co_code, b.co_names, b.co_varnames, b.co_freevars, b.co_cellvars
    ):
        return False
    return len(a.co_consts) == len(b.co_consts) and all(_same_const(x, y) for x, y in zip(a.co_consts, b.co_consts))


def _same_const(x, y):
    if type(x) is not type(y):
        return False
    if isinstance(x, types.CodeType):
        return _same_code(x, y)
    if isinstance(x, tuple):
        return len(x) == len(y) and all(_same_const(a, b) for a, b in zip(x, y))
    if isinstance(x, (float, complex)):
        return repr(x) == repr(y)
    return x == y


def parse(fn):
    """Parse a user function into a :class:`Parsed`, or raise ``S2SError``."""
    fn = unwrap(fn)
    if not isinstance(fn, types.FunctionType):
        raise S2SError(refusal(fn))
    made = getattr(fn, "__s2s_parse__", None)
    if made is not None:  # a function s2s wrote from the user's code (s2s.normalize.made)
        return made()
    if fn.__name__ == "<lambda>":
        return _parse_lambda(fn)
    filename = inspect.getsourcefile(fn) or fn.__code__.co_filename
    if _shared_pseudo_file(fn.__code__.co_filename):
        raise S2SError(f"cannot read the source of {fn.__qualname__}: it was compiled from a string "
                       f"({fn.__code__.co_filename}), whose text no file keeps; s2s needs functions defined in a file",
                       filename, fn.__code__.co_firstlineno)
    try:
        lines, firstlineno = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        raise S2SError(
            f"cannot read the source of {fn.__qualname__}: {exc}; s2s needs "
            "functions defined in a file",
            filename,
            fn.__code__.co_firstlineno,
        ) from None
    raw = "".join(lines)
    if not code_matches_source(fn):
        raise S2SError(_stale(fn, filename), filename, firstlineno)
    source = textwrap.dedent(raw)
    indent = len(lines[0]) - len(lines[0].lstrip()) - (
        len(source.splitlines()[0]) - len(source.splitlines()[0].lstrip())
    )
    loc = Located(filename, firstlineno - 1, indent)
    try:
        module = gast.parse(source)
    except SyntaxError as exc:
        raise S2SError(
            f"cannot parse {fn.__qualname__}: {exc.msg}",
            filename,
            (exc.lineno or 1) + firstlineno - 1,
        ) from None
    node = module.body[0]
    if isinstance(node, gast.AsyncFunctionDef):
        raise loc.error(node, "async functions cannot be differentiated")
    if not isinstance(node, gast.FunctionDef) or node.name != fn.__name__:
        raise S2SError(
            f"the source of {fn.__qualname__} is not a plain `def` "
            "(was it created by exec or a lambda?)",
            filename,
            firstlineno,
        )
    node.decorator_list = []
    node.returns = None
    _check_parameter_names(node, loc)
    local_names = set(fn.__code__.co_varnames) | set(fn.__code__.co_cellvars)
    return Parsed(fn, node, loc, source, Scope(fn, local_names))


def _stale(fn, filename):
    """Why the source of ``fn`` in ``filename`` is not the code that runs, and what to do."""
    refuses = "s2s differentiates source text, so it refuses rather than differentiate code that does not run"
    if os.path.exists(filename):
        return (
            f"the source of {fn.__qualname__} in {filename} is not the code that runs: the file changed "
            "after it was imported (or the function was compiled from other text under this file name). "
            f"{refuses}: reload the module (importlib.reload) or restart Python"
        )
    return (
        f"the source of {fn.__qualname__} in {filename} is not the code that runs: the code was compiled "
        "from other text than the text kept under that name (in IPython: an AST transformer changed the "
        f"cell's code). {refuses}: define {fn.__name__} in a module file and import it"
    )


def _shared_pseudo_file(filename):
    """Whether ``filename`` names no text of one function's own: ``<string>``, ``<stdin>`` and the
    like are shared by every ``exec``, so what ``linecache`` may hold under them is not this code's
    (IPython's ``<ipython-input-N-hash>`` cells are kept one per cell)."""
    return filename.startswith("<") and filename.endswith(">") and not filename.startswith("<ipython-input-")


def _parse_lambda(fn):
    """A lambda as a :class:`Parsed` ``def lambda_<line>(...): return <body>``, where its
    source can be located: the one lambda of its line in the file (or the one with its
    parameters), and the code that runs compiled from that file's text."""
    code = fn.__code__
    filename = inspect.getsourcefile(fn) or code.co_filename
    text = "".join(linecache.getlines(code.co_filename, fn.__globals__))
    where = f"the lambda at {os.path.basename(filename)}:{code.co_firstlineno}"
    try:
        module = gast.parse(text) if text else None
    except SyntaxError:
        module = None
    if module is None or _shared_pseudo_file(code.co_filename) or not code_matches_source(fn):
        raise S2SError(f"cannot read the source of {where} as the code that runs; define the function with `def`",
                       filename, code.co_firstlineno)
    params = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    found = [n for n in gast.walk(module) if isinstance(n, gast.Lambda) and n.lineno == code.co_firstlineno]
    if len(found) > 1:
        found = [n for n in found if [a.id for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == params]
    if len(found) != 1:
        raise S2SError(f"{where} cannot be told apart from the other lambdas on its line; define the function "
                       "with `def`, or put each lambda on a line of its own", filename, code.co_firstlineno)
    lam = found[0]
    node = gast.copy_location(gast.FunctionDef(
        name=function_name(fn), args=lam.args, body=[gast.copy_location(gast.Return(value=lam.body), lam)],
        decorator_list=[], returns=None, type_comment=None, type_params=[],
    ), lam)
    loc = Located(filename, 0, 0)
    _check_parameter_names(node, loc)
    source = ast.get_source_segment(text, gast.gast_to_ast(lam)) or ""
    local_names = set(code.co_varnames) | set(code.co_cellvars)
    return Parsed(fn, node, loc, source, Scope(fn, local_names), firstlineno=code.co_firstlineno)


def _check_parameter_names(node, loc):
    """Refuse parameters named like what generated code refers to (``np``, ``math``,
    runtime helpers, the builtins it calls): they would shadow it.  Local
    variables with such names are renamed by :mod:`s2s.normalize` instead."""
    reserved = generated_names() | GENERATED_BUILTINS
    args = node.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs:
        if arg.id in reserved:
            what = {"np": "numpy as `np`", "math": "the math module as `math`"}.get(
                arg.id, f"`{arg.id}` ({'a builtin' if arg.id in GENERATED_BUILTINS else 'an s2s runtime helper'})"
            )
            raise loc.error(
                arg,
                f"parameter `{arg.id}` of {node.name} shadows a name generated code uses: it spells "
                f"{what}; rename the parameter",
            )
