"""Names for the temporaries normalization introduces: named after what they hold.

``describe(rhs)`` names the value one ANF operation computes: ``tanh_z`` for
``np.tanh(z)``, ``x_at_W1`` for ``x @ W1``, ``neg_x`` for ``-x``, ``x_item``
for ``x[i]``, ``x_slice`` for ``x[1:]`` or ``x[:, 0]``, ``cond`` for a
comparison; too long a name falls back to the operation's word
(:func:`s2s.naming.short`).
"""

import gast

from ..naming import OPERATOR_WORDS, short


def describe(rhs):
    """A name for the value ``rhs`` computes: ``tanh_z``, ``x_at_W1``, ``sum``."""
    def word(atom):
        if isinstance(atom, gast.Name):
            return atom.id
        if isinstance(atom, gast.Constant) and isinstance(atom.value, int) and not isinstance(atom.value, bool) and atom.value >= 0:
            return str(atom.value)
        return ""

    if isinstance(rhs, gast.BinOp):
        op = OPERATOR_WORDS.get(type(rhs.op).__name__, "value")
        return short(word(rhs.left), op, word(rhs.right), fallback=op if op != "at" else "matmul")
    if isinstance(rhs, gast.UnaryOp):
        op = OPERATOR_WORDS.get(type(rhs.op).__name__, "value")
        return short(op, word(rhs.operand), fallback=op)
    if isinstance(rhs, gast.Call):
        fname = rhs.func.attr if isinstance(rhs.func, gast.Attribute) else getattr(rhs.func, "id", "call")
        first = word(rhs.args[0]) if rhs.args else ""
        return short(fname, first, fallback=fname)
    if isinstance(rhs, gast.Attribute):
        return short(word(rhs.value), rhs.attr, fallback=rhs.attr)
    if isinstance(rhs, gast.Subscript):
        if _is_slice(rhs.slice):  # x[1:-1], x[:, 0]: several elements, a view
            return short(word(rhs.value), "slice", fallback="sliced")
        return short(word(rhs.value), "item", fallback="item")
    if isinstance(rhs, (gast.Tuple, gast.List)):
        return short(*(word(e) for e in rhs.elts), fallback="items")
    if isinstance(rhs, (gast.Compare, gast.BoolOp)):
        return "cond"
    if isinstance(rhs, gast.JoinedStr):
        return "message"
    return "tmp"


def _is_slice(index):
    """Whether a subscript with ``index`` selects with a slice (``x[a:b]``, ``x[:, i]``)."""
    if isinstance(index, gast.Tuple):
        return any(isinstance(e, gast.Slice) for e in index.elts)
    return isinstance(index, gast.Slice)
