"""Front end: from a Python function object to a parsed, located tree.

Takes a function whose source ``inspect`` can find.  Guarantees: the returned
:class:`Parsed` holds a ``gast.FunctionDef`` without decorators, positions that
map back to the user's file (:class:`~s2s.errors.Located`), the source hash,
and a :class:`Scope` that resolves every free name against the function's
closure, globals and builtins.  Local names are never resolved.
"""

import builtins
import hashlib
import inspect
import math
import textwrap
import types

import gast
import numpy

from .errors import Located, S2SError

MISSING = object()


class Parsed:
    """A user function, parsed: ``node`` (gast.FunctionDef), ``loc``, ``scope``."""

    def __init__(self, fn, node, loc, source, scope):
        self.fn = fn
        self.node = node
        self.loc = loc
        self.source = source
        self.scope = scope
        self.name = node.name
        self.filename = loc.filename
        self.firstlineno = loc.line_offset + 1
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


def parse(fn):
    """Parse a user function into a :class:`Parsed`, or raise ``S2SError``."""
    fn = inspect.unwrap(fn)
    if not isinstance(fn, types.FunctionType):
        raise S2SError(
            f"s2s can only transform Python functions defined in source files, "
            f"not {fn!r} ({type(fn).__name__})"
        )
    if fn.__name__ == "<lambda>":
        raise S2SError(
            "s2s cannot transform a lambda: define the function with `def` in a file",
            fn.__code__.co_filename,
            fn.__code__.co_firstlineno,
        )
    filename = inspect.getsourcefile(fn) or fn.__code__.co_filename
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
    local_names = set(fn.__code__.co_varnames) | set(fn.__code__.co_cellvars)
    return Parsed(fn, node, loc, source, Scope(fn, local_names))
