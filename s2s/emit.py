"""Emission: generated trees to Python source text.

Takes the generated ``gast.FunctionDef`` list and the module's facts (header
lines, imports).  Guarantees source text printed by the standard library's
``ast.unparse``, with a header, and a ``# file:line  code`` comment before
each block of statements that differentiates one primal line.  Output depends
only on its input, so generation is deterministic.
"""

import ast
import os
import re

import gast

_MARK_LINE = re.compile(r"^(\s*)__s2s_comment_(\d+)__$")


def _with_comments(body, filename, comments):
    """``body`` with a marker statement wherever a new primal line starts.

    Nested blocks (branches and loop bodies) get their own markers, so every
    statement sits under the comment of the line it comes from.
    """
    out = []
    last = None
    for stmt in body:
        line = getattr(stmt, "s2s_line", None)
        if line is not None and line != last:
            comments.append(f"{os.path.basename(filename)}:{line}  {stmt.s2s_text}")
            marker = f"__s2s_comment_{len(comments) - 1}__"
            out.append(gast.Expr(value=gast.Name(id=marker, ctx=gast.Load(), annotation=None, type_comment=None)))
        last = line if line is not None else last
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and not isinstance(stmt, gast.FunctionDef):
                setattr(stmt, field, _with_comments(block, filename, comments))
        out.append(stmt)
    return out


class _SignedConstants(ast.NodeTransformer):
    """``Constant(-0.7)`` (made by constant folding) as ``-(0.7)``.

    ``ast.unparse`` prints a negative constant without parentheses, so
    ``Constant(-0.7) ** 2`` would read back as ``-(0.7 ** 2)``; a unary minus
    node is parenthesized where precedence needs it.
    """

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (value < 0 or str(value).startswith("-")):
            return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
        return node


def function_source(fdef, filename):
    """Source of one generated function, comments included."""
    comments = []
    fdef.body = _with_comments(fdef.body, filename, comments)
    tree = _SignedConstants().visit(gast.gast_to_ast(gast.Module(body=[fdef], type_ignores=[])))
    ast.fix_missing_locations(tree)
    lines = []
    for line in ast.unparse(tree).splitlines():
        m = _MARK_LINE.match(line)
        lines.append(f"{m.group(1)}# {comments[int(m.group(2))]}" if m else line)
    return "\n".join(lines)


def module_source(header, imports, functions, filename):
    """The whole generated module: header, imports, then the functions."""
    parts = ["\n".join("# " + h if h else "#" for h in header), "\n".join(imports)]
    parts += [function_source(f, filename) for f in functions]
    return "\n\n\n".join(parts) + "\n"
