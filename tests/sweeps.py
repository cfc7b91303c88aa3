"""The two sweeps of one function in a generated module, as text, whatever the layout.

A function that other generated code calls (a callee, a recursion) has two
functions, ``f_forward`` and ``f_backward``; the function transformed, where
nothing else calls it, is one function, the entry (``grad_f``), whose forward
sweep runs up to the comment quoting ``f``'s ``return`` line and whose backward
sweep starts there (s2s.layout.fuse_entry).
"""

import inspect


def sweeps(source, fn):
    """``(forward, backward)``: the text of ``fn``'s two sweeps in generated ``source``."""
    name = fn.__name__
    if f"def {name}_forward(" in source:
        start, middle = source.index(f"def {name}_forward("), source.index(f"def {name}_backward(")
        return source[start:middle], _function_at(source, middle)
    entry = next(line for line in source.splitlines() if line.startswith("def ") and f"_{name}(" in line)
    text = _function_at(source, source.index(entry))
    lines = [line.strip() for line in inspect.getsource(fn).splitlines() if line.strip()]
    ret = next(line for line in reversed(lines) if line.startswith("return"))
    split = next(k for k, line in enumerate(text.splitlines()) if line.strip().startswith("#") and line.endswith("  " + ret))
    lines = text.splitlines()
    return "\n".join(lines[:split]), "\n".join(lines[split:])


def _function_at(source, start):
    end = source.find("\n\n\ndef ", start)
    return source[start:] if end < 0 else source[start:end]


def sweep_trees(source, fn):
    """:func:`sweeps` parsed: ``(forward, backward)``, each the statements of one sweep (gast)."""
    import textwrap

    import gast

    out = []
    for text in sweeps(source, fn):
        body = gast.parse(textwrap.dedent(text)).body
        out.append(body[0].body if len(body) == 1 and isinstance(body[0], gast.FunctionDef) else body)
    return tuple(out)
