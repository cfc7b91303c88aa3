"""Normalization: from the user's parsed function to the form the AD passes read.

Takes a :class:`~s2s.frontend.Parsed` function; returns a new
``gast.FunctionDef`` in A-normal form with single assignment (described in
:mod:`.anf`).  The passes, in order:

1. :mod:`.refuse` - refuse what s2s does not differentiate; copy the body.
2. :mod:`.aliasing` - refuse in-place writes another name would see
   (reads the user's tree, rewrites nothing).
3. Desugaring, one construct per pass, each ``desugar(body, parsed) -> body``
   (listed in :data:`DESUGARING`): the constructs that become simpler ones
   without naming anything.
4. :mod:`.recursion` - a linear recursion (one call of itself, once per
   call) as a descent loop that pushes frames and an ascent loop that pops them.
5. :mod:`.jumps` - early ``return``, ``break`` and ``continue`` made
   explicit with flags.
6. :mod:`.anf` - one operation per statement, single assignment, names for
   temporaries, versions across branches and loops.
7. :mod:`.shifts` - marks a maximum subtracted before ``exp`` that the value does
   not depend on (a log-sum-exp's, a softmax's): it carries no derivative.

Adding a desugaring is one module with a ``desugar`` function and one entry
in :data:`DESUGARING` (and, if :mod:`.refuse` refused the construct so far,
its removal from the tables there).
"""

import gast

from . import aliasing
from .jumps import lower
from ..naming import Namer
from . import array_methods, augmented, comprehensions, dicts, fields, functions, lambdas, list_methods, records, recursion, refuse, shifts, starred, tables, varargs
from .anf import Normalizer
from .tree import name_node, runtime_call

DESUGARING = (
    lambdas.desugar,  # f = lambda v: v * k; f(x)  ->  x * k
    comprehensions.desugar,  # [f(v) for v in vs]  ->  a loop that builds the list
    tables.desugar,  # MODELS[name](h)  ->  if name == "lin": lin(h) elif ...: else: raise KeyError(name)
    functions.desugar,  # def helper(v): ... nested, integrate(rhs, y0)  ->  made functions, specialized callees
    starred.desugar,  # f(y, *theta)  ->  a, b = theta; f(y, a, b)
    varargs.desugar,  # rk4(rhs, y0, t, a, b) of rk4(rhs, y0, t, *args)  ->  rk4_2args(rhs, y0, t, a, b)
    dicts.desugar,  # {"a": x}  ->  dict_of(("a",), [x]); d.items()  ->  items_of(d)
    records.desugar,  # State(x, v)  ->  record_of(State, ("x", "v"), [x, v])
    fields.desugar,  # unattributes(p, a=ga, b=gb)  ->  unattribute(ga, p, "a") + unattribute(gb, p, "b")
    augmented.desugar,  # x += v          ->  x = x + v
    list_methods.desugar,  # xs.append(v)  ->  xs = appended(xs, v); v = xs.pop()
    array_methods.desugar,  # x.sum(axis=0)  ->  np.sum(x, axis=0)
)


def normalize(parsed, compiled=False):
    """The ANF, single-assignment form of ``parsed.node`` (a new FunctionDef); ``compiled``:
    for a derivative numba compiles (what :mod:`.recursion` may push)."""
    body = refuse.checked_body(parsed)
    body = guarded(aliasing.check(parsed), parsed) + body
    for desugar in DESUGARING:
        body = desugar(body, parsed)
    body = recursion.loops(body, parsed, compiled)
    # temporaries never take a name the user's code or the desugaring uses (``rk4_2args``,
    # a function made for a call); the returned value is named after the function
    # (``loss``) unless the function uses that name
    used = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)}
    namer = Namer(used | {n.id for stmt in body for n in gast.walk(stmt) if isinstance(n, gast.Name)})
    result = namer.fresh(parsed.node.name)
    lowered, flags = lower(body, namer.fresh, result, parsed.loc, parsed.node)
    fdef = Normalizer(parsed, namer, flags).run(lowered)
    shifts.mark(fdef)
    return fdef


def guarded(guards, parsed):
    """``require_number(x, message)`` for each parameter a write is exact for only where it is a number."""
    return [gast.copy_location(gast.Expr(value=runtime_call("require_number", [name_node(p), gast.Constant(value=m, kind=None)], parsed.node)), parsed.node)
            for p, m in guards]
