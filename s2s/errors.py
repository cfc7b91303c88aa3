"""The one user-facing error type.

Every problem s2s reports about a user's code is an :class:`S2SError`.  It is a
``SyntaxError`` subclass, so it carries ``filename``, ``lineno``, ``offset``
(1-based column) and ``text`` (the source line), and Python's own traceback
printer shows the line with a caret.  ``col_offset`` is the 0-based column, as
in ``ast``.  Internal errors are bugs and are never turned into this type.
:class:`CacheWarning` is the one warning s2s gives of its own accord: about
its cache, which it heals or does without (:mod:`s2s.cache`).
"""

import ast
import linecache
import types

import gast

from .libraries import spell


class CacheWarning(UserWarning):
    """Something wrong with s2s's cache that s2s worked around (a damaged entry made again,
    a directory it cannot write): the derivative is right, the message says what happened."""


class S2SError(SyntaxError):
    """An error in code given to s2s, located at the user's file:line:col."""

    def __init__(self, message, filename=None, lineno=None, col_offset=0, text=None):
        if text is None and filename and lineno:
            text = linecache.getline(filename, lineno) or None
        super().__init__(message, (filename, lineno, (col_offset or 0) + 1, text))
        self.message = message
        self.col_offset = col_offset or 0

    def location(self):
        """``file:line:col`` (1-based column), as compilers print it."""
        return f"{self.filename}:{self.lineno}:{self.col_offset + 1}"

    def __str__(self):
        if self.filename is None:
            return self.message
        out = f"{self.location()}: {self.message}"
        if self.text:
            line = self.text.rstrip("\n")
            stripped = line.lstrip()
            caret = " " * max(0, self.col_offset - (len(line) - len(stripped)))
            out += f"\n    {stripped}\n    {caret}^"
        return out


class Located:
    """Where a function's source came from, to turn tree positions into errors.

    ``line_offset`` maps a line of the parsed (dedented) source to the file;
    ``col_offset`` is the indentation removed by dedenting.
    """

    def __init__(self, filename, line_offset, col_offset):
        self.filename = filename
        self.line_offset = line_offset
        self.col_offset = col_offset

    def lineno(self, node):
        return getattr(node, "lineno", 1) + self.line_offset

    def error(self, node, message):
        """An :class:`S2SError` pointing at ``node``."""
        lineno = self.lineno(node)
        col = getattr(node, "col_offset", 0) + self.col_offset
        return S2SError(message, self.filename, lineno, col)


def gast_text(node):
    """Source text of a generated expression, for messages."""
    return ast.unparse(gast.gast_to_ast(node))


def describe(fn):
    """``numpy.sin``: a function's name for messages; a library's function or bound method
    as the user writes it (``scipy.linalg.expm``, ``scipy.stats.norm.ppf``, not
    ``scipy.linalg._matfuncs.expm`` or ``rv_continuous.ppf``)."""
    if fn is None:
        return "this operation"
    module = getattr(fn, "__module__", None)
    qual = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    where = f"{module}.{qual}" if module and module != "builtins" else qual
    bound = not isinstance(getattr(fn, "__self__", None), (types.ModuleType, type(None)))
    if "._" in where or bound:  # scipy.linalg._matfuncs.expm, ufunc.reduce: name it as users write it
        return spell(fn) or where
    return where
