"""Functions s2s writes from the user's code: a nested ``def`` lifted out of its
function, a function of the user's specialized for a function argument.

Takes a ``gast.FunctionDef`` built from a user's parsed tree (its positions
relative to that tree's :class:`~s2s.errors.Located`), the user function it
comes from (for its globals, module and file) and the objects its free names
that are not the module's globals must hold.  Returns a real Python function
compiled from that tree: generated code calls it where no derivative flows
through a call, and it runs as the user's code would (free names read when it
is called, from a closure).  It carries ``__s2s_parse__``, which
:func:`s2s.frontend.parse` calls instead of reading a source file: a fresh
:class:`~s2s.frontend.Parsed` of the same tree, located in the user's file.
"""

import ast
import copy

import gast

from ..frontend import Parsed, Scope


def make_function(node, loc, source, origin, closure, qualname):
    """The function ``node`` defines, compiled in ``origin``'s globals with the free
    names ``closure`` (``{name: object}``) bound around it; ``source`` is the text
    ``node``'s positions refer to (the comments of generated code quote it)."""
    tree = gast.gast_to_ast(copy.deepcopy(node))
    ast.increment_lineno(tree, loc.line_offset)  # tracebacks point into the user's file
    factory = ast.parse(f"def make({', '.join(closure)}):\n    return {node.name}").body[0]
    factory.body.insert(0, tree)
    module = ast.fix_missing_locations(ast.Module(body=[factory], type_ignores=[]))
    namespace = {}
    exec(compile(module, loc.filename, "exec", dont_inherit=True), origin.__globals__, namespace)  # noqa: S102 (the user's own code, rearranged)
    fn = namespace["make"](*closure.values())
    fn.__qualname__ = qualname
    fn.__module__ = origin.__module__
    firstlineno = loc.line_offset + node.lineno
    local_names = set(fn.__code__.co_varnames) | set(fn.__code__.co_cellvars)

    def parse():
        return Parsed(fn, copy.deepcopy(node), loc, source, Scope(fn, local_names), firstlineno)

    fn.__s2s_parse__ = parse
    return fn
