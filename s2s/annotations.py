"""The annotations passes leave on tree nodes, declared in one place.

The passes hand each other gast trees; what a tree cannot say in Python syntax
rides on its nodes as attributes named ``s2s_*`` (``call.s2s_target``: the
object a call calls).  ``ANNOTATIONS`` declares each one: its value's type,
the modules that write it and those that read it (paths inside the package,
``normalize`` for any module of ``s2s/normalize/``, ``derivatives.numpy_linear``), and
what it means.
:func:`check` raises on a node carrying an undeclared one or a value of
another type; ``tests/test_annotations.py`` keeps the table and the source in
step (every write declared, every declared annotation written and read) and
checks the trees of real transforms after each pass.

``OTHER_NAMES`` lists the ``s2s_`` names that are not node annotations (names
in generated code, attributes of functions and modules), so that a reader
searching for ``s2s_`` can tell them apart.

Dependency-free: imports nothing of s2s, so any pass and any test may use it.
"""

import ast
from typing import NamedTuple

NoneType = type(None)


class Annotation(NamedTuple):
    name: str
    types: tuple  # what ``isinstance`` accepts for the value
    writers: tuple  # modules that set it
    readers: tuple  # modules that read it
    meaning: str


ANNOTATIONS = {a.name: a for a in (
    # where a statement came from: emit writes `# file.py:N  code` above it
    Annotation("s2s_line", (int, NoneType), ("elements", "forward", "layout", "normalize", "optimize", "reverse"), ("elements", "emit", "forward", "layout", "optimize", "reverse"),
               "the user's file line a statement comes from (None: no comment above it)"),
    Annotation("s2s_text", (str, NoneType), ("elements", "forward", "layout", "normalize", "optimize", "reverse"), ("elements", "emit", "forward", "layout", "optimize", "reverse"),
               "the code of that line, for the comment"),
    # element loops: the float_lists statement a loop starts with binds the same numbers again
    Annotation("s2s_take", (bool,), ("elements",), ("floats", "numbers"),
               "an element loop's float_lists assignment (its names hold the numbers they held: not a new value)"),
    # what a name or a call means
    Annotation("s2s_global", (object,), ("normalize",), ("activity", "forward", "normalize", "reverse", "shapes", "transform"),
               "the object a global reference (a Name or an Attribute chain) stands for"),
    Annotation("s2s_canonical", (bool,), ("normalize",), ("normalize", "transform"),
               "the reference is spelled as generated modules import it (np.…, math.…, a builtin, a runtime helper): nothing to bind"),
    Annotation("s2s_target", (object,), ("normalize",), ("activity", "forward", "normalize", "reverse", "shapes", "splits", "transform"),
               "the object a Call calls (its rule is looked up by it)"),
    Annotation("s2s_shift", (bool,), ("normalize",), ("activity",),
               "the Call's value is a shift the function does not depend on (``m`` of ``m + log(sum(exp(z - m)))``): it carries no derivative"),
    Annotation("s2s_checkpoint", (bool,), ("normalize",), ("reverse",),
               "the call was written s2s.checkpoint(f)(...): its forward sweep is re-run in the backward sweep"),
    # loops and jumps
    Annotation("s2s_always", (tuple,), ("normalize",), ("normalize",),
               "(then, else): whether each branch of an If always jumps (returns, breaks)"),
    Annotation("s2s_source", (tuple,), ("normalize",), ("normalize",),
               "(body, orelse) of the user's If before jumps rewrote it"),
    Annotation("s2s_break", (str, NoneType), ("normalize",), ("forward", "normalize", "reverse"),
               "the flag a loop's `break` sets (None: the loop has no break)"),
    Annotation("s2s_revolve", (int, NoneType), ("normalize",), ("normalize", "reverse"),
               "the snapshots of a loop checkpointed with s2s.checkpoint(range(n), snapshots=s) (None: not checkpointed)"),
    Annotation("s2s_carry", (bool,), ("normalize",), ("reverse",),
               "the copy at the end of a loop body of a value carried to the next iteration"),
    Annotation("s2s_cond", (bool,), ("normalize",), ("forward", "reverse"),
               "a statement at the end of a while body that recomputes the loop condition"),
    # insert_grad_of hooks
    Annotation("s2s_grad_of", (str,), ("normalize",), ("forward", "reverse", "transform"),
               "the primal name whose adjoint an insert_grad_of hook edits (on the hook's placeholder statement)"),
    Annotation("s2s_hook_name", (str,), ("normalize",), ("reverse",), "the name the hook's body calls the adjoint"),
    Annotation("s2s_hook_body", (list,), ("normalize",), ("reverse",), "the hook's statements"),
    Annotation("s2s_hook_locals", (set,), ("normalize",), ("reverse",), "the names the hook's body assigns"),
    # on a normalized FunctionDef
    Annotation("s2s_namer", (object,), ("normalize",), ("entry", "transform"),
               "the naming.Namer that named the function's versions: differentiation continues from it"),
    # on calls in generated code
    Annotation("s2s_basic", (bool,), ("reverse",), ("optimize", "reverse"),
               "an adjoint ``unindex(g, d, index)`` whose index is basic indexing of an array (integers, slices): ``d[index] += g`` adds it in place"),
    Annotation("s2s_pure", (bool,), ("reverse",), ("optimize",),
               "an array method call the transformer wrote (``g.sum(axis=0)``): pure, like a library call"),
    # on generated FunctionDefs
    Annotation("s2s_floats", (set,), ("reverse",), ("optimize",),
               "the names of a backward sweep that hold floating values (adjoints, active values)"),
    Annotation("s2s_complex", (bool,), ("transform",), ("optimize", "transform"),
               "a backward sweep (or the entry it is inlined into) whose real values' adjoints may be complex: accumulated out of place"),
    Annotation("s2s_unit", (str,), ("transform",), ("optimize",),
               "the backward sweep's seed parameter, known to be the number one"),
    Annotation("s2s_compiled", (bool,), ("transform",), ("optimize",),
               "a function of compiled code (numba): an entry's contribution is added in place by add_at"),
    Annotation("s2s_fresh_calls", (frozenset,), ("transform",), ("optimize",),
               "the backward sweeps of a compiled recursion, whose returned adjoints the caller owns"),
)}

OTHER_NAMES = {
    "__s2s_checkpoint__": "attribute of a user function decorated with @s2s.checkpoint (api writes, reverse reads)",
    "__s2s_watch__": "global of a loaded generated module: what to re-check before running it (load)",
    "__s2s_comment_": "prefix of the placeholder names emit replaces with `# file.py:N  code` comments",
    "s2s_generated_": "prefix of the module names load gives generated modules",
}


class AnnotationError(Exception):
    """A node carries an ``s2s_*`` attribute that ``ANNOTATIONS`` does not declare, or a value of another type."""


def check(tree):
    """Raise :class:`AnnotationError` if a node of ``tree`` (a node or a list of nodes),
    or of a tree an annotation holds (a hook's body), carries an undeclared ``s2s_*``
    attribute or a declared one with a value of another type."""
    stack = list(tree) if isinstance(tree, (list, tuple)) else [tree]
    seen = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for key, value in vars(node).items():
            if not key.startswith("s2s_"):
                continue
            declared = ANNOTATIONS.get(key)
            where = f"{type(node).__name__} at line {getattr(node, 'lineno', '?')}"
            if declared is None:
                raise AnnotationError(f"{where} carries `{key}`, which s2s/annotations.py does not declare")
            if not isinstance(value, declared.types):
                raise AnnotationError(f"{where} carries `{key}` = {value!r}, not of its declared type {declared.types}")
            stack.extend(_nodes_in(value))
        stack.extend(ast.iter_child_nodes(node))


def _nodes_in(value):
    """The tree nodes inside an annotation's value (a list of statements, a pair of lists)."""
    if isinstance(value, ast.AST):
        return [value]
    if isinstance(value, (list, tuple)):
        return [n for item in value for n in _nodes_in(item)]
    return []
