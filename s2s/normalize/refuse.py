"""Refusal of the constructs s2s does not differentiate.

Takes the user's function (a :class:`~s2s.frontend.Parsed`).  Guarantees,
for the body it returns (the user's statements, docstring dropped): no ``*args``/``**kwargs`` parameter
(a call of the user's function with ``*args`` calls one specialized for it, :mod:`.varargs`), none of the
statements in :data:`UNSUPPORTED_STATEMENTS` other than an
``insert_grad_of`` block, none of the expressions in
:data:`UNSUPPORTED_EXPRESSIONS` other than starred ones (refused where they
stand, by normalization).  Otherwise it raises ``S2SError`` at the first
offending node.  A construct another pass learns to rewrite leaves these
tables.
"""

import gast

from .tree import is_docstring, is_grad_hook

UNSUPPORTED_STATEMENTS = {
    "Try": "`try` statements",
    "TryStar": "`try` statements",
    "With": "`with` blocks",
    "AsyncWith": "`async with` blocks",
    "AsyncFor": "`async for` loops",
    "Delete": "`del` statements",
    "Global": "`global` declarations",
    "Nonlocal": "`nonlocal` declarations (return the new value from the nested function and assign it where it is called)",
    "ClassDef": "class definitions",
    "AsyncFunctionDef": "nested async function definitions",
    "Import": "imports inside the function",
    "ImportFrom": "imports inside the function",
    "Match": "`match` statements",
}

UNSUPPORTED_EXPRESSIONS = {
    "SetComp": "set comprehensions",
    "Yield": "`yield` (generators)",
    "YieldFrom": "`yield from` (generators)",
    "Await": "`await`",
    "NamedExpr": "assignment expressions (`:=`)",
    "Set": "set literals",
    "Starred": "starred expressions (`*x`)",
}


def checked_body(parsed):
    """The statements of ``parsed.node`` without its docstring, once they are supported."""
    node = parsed.node
    args = node.args
    if args.vararg or args.kwarg:
        raise parsed.loc.error(args.vararg or args.kwarg, _starred_parameter(parsed.node))
    body = list(node.body)
    if body and is_docstring(body[0]):
        body = body[1:]
    for stmt in body:
        for n in gast.walk(stmt):
            kind = type(n).__name__
            if kind in UNSUPPORTED_STATEMENTS and not is_grad_hook(n, parsed.scope):
                what = UNSUPPORTED_STATEMENTS[kind]
                if kind == "With":
                    what += " (other than `with s2s.insert_grad_of(x) as dx:`)"
                raise parsed.loc.error(n, f"s2s does not support {what}")
            if kind in UNSUPPORTED_EXPRESSIONS and kind != "Starred":
                raise parsed.loc.error(n, f"s2s does not support {UNSUPPORTED_EXPRESSIONS[kind]}")
    return body


def _starred_parameter(fdef):
    """Why ``fdef``'s ``*args`` or ``**kwargs`` is refused, with the rewrite."""
    args = fdef.args
    named = [a.id for a in args.posonlyargs + args.args]
    if args.vararg:
        return (f"`*{args.vararg.id}` in the signature of the function differentiated (`*args` is supported in the functions "
                f"it calls): name the arguments, `def {fdef.name}({', '.join(named + ['a', 'b'])})`, or differentiate a "
                f"function that calls `{fdef.name}` with them")
    return (f"`**{args.kwarg.id}` in a differentiated function (`**kwargs` is not supported): name the arguments, "
            f"`def {fdef.name}({', '.join(named + ['*', 'a', 'b'])})`")
