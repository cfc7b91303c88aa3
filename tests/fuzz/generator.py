"""A hypothesis strategy for random, well-formed numpy programs from s2s's supported subset.

``programs()`` draws a :class:`Program`: the source text of a module holding an
entry point ``f(x, y, a, n)`` (``x``, ``y`` float64 arrays, ``a`` a Python
float, ``n`` an int in 0..3) and the helpers it calls, plus the inputs (normal
draws from a seed) and the ``wrt`` to differentiate with respect to.  The source
is built from drawn structure only, so hypothesis shrinks a failure to a small
program.  ``load(source)`` writes it to a file and imports it (s2s reads source
files).

What programs contain: arithmetic and numpy rules with broadcasting (shapes
from a small universe, tracked, combined only where numpy allows), reductions,
reshapes, transposes, slices, ``np.stack``/``concatenate``/``einsum``/``outer``,
``math`` functions and builtins on scalars; ``if``/``elif``/``else`` and
conditional expressions on data (``np.sum(e) > c``, ``(e > c).any()``, chained
comparisons, ``and``/``or``) and on ints; ``for`` over ``range`` (constant,
``n``, ``len(v)``), arrays, ``enumerate``, ``zip``, lists and tuple literals;
``while`` with a counter and a data condition; ``break``/``continue``/``return``
anywhere; lists (``append``, ``L[i] = e``, ``np.stack``, ``sum``, ``len``);
buffers written in place (``z[i] = e``, ``z[:, j] += e``, ``z *= e``);
accumulators (``s += e``); tuple unpacking and swaps; rebinding a name to a new
shape; module-level constants; helpers (positional and keyword arguments, a
default, returning a pair), recursion and mutual recursion bounded by an int.

Every function is smooth where it is used (``np.log`` and ``np.sqrt`` only of
``e * e + 1``, ``np.exp`` only of bounded values, division only by
``e * e + c``), and conditions compare with odd thresholds (0.31, -0.47, ...),
so with generic inputs no condition sits on its boundary; the oracles discard
the rare program that is not smooth at its inputs anyway.

Aliasing is kept out on purpose (s2s, like every source-transformation AD tool,
treats each name as its own value): only *buffers* (``zK = np.zeros_like(..)``,
``np.copy(..)``) and accumulators are written in place, and a buffer is copied
wherever it would otherwise be bound to a second name.  Constructs in
``known.AVOID`` (bugs s2s still has) are not generated.
"""

import atexit
import dataclasses
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile

import numpy as np
from hypothesis import strategies as st

from .known import AVOID

# Shapes values may have.  x and y take the first ones, the rest come from
# reductions, transposes and helpers.
SHAPES = [(), (3,), (2, 3), (2,), (1, 3), (2, 1), (3, 2)]
X_SHAPES = [(3,), (2, 3), (), (2,)]
Y_SHAPES = [(3,), (), (2, 3), (1, 3), (2, 1), (2,)]
OUT_SHAPES = [(), (3,), (2, 3)]
THRESHOLDS = ["0.31", "-0.47", "0.83", "-1.29", "1.73", "-0.11"]
CONSTANTS = ["0.5", "1.5", "-0.7", "2.0", "0.3", "-1.2", "3"]


@dataclasses.dataclass(frozen=True)
class Size:
    """How big programs get: the CI profile draws small ones (each transforms in
    a few milliseconds), the long profile bigger ones."""

    expr_depth: int = 2  # nesting of an assignment's or a return's expression
    sub_depth: int = 1  # nesting of other expressions (conditions, appends, item assignments)
    main_stmts: int = 4  # statements in f's body
    block_stmts: int = 2  # statements in a nested block
    nest: int = 2  # nesting of if/for/while
    helpers: int = 2  # helper functions (plain, returning a pair, recursive, mutually recursive)


SMALL = Size()
LARGE = Size(expr_depth=3, sub_depth=2, main_stmts=5, block_stmts=3, nest=3, helpers=2)


def broadcasts_to(s, target):
    try:
        return np.broadcast_shapes(s, target) == target
    except ValueError:
        return False


@dataclasses.dataclass
class Var:
    name: str
    shape: tuple
    buffer: bool = False  # written in place: copy before binding elsewhere
    accumulator: bool = False  # a Python/numpy scalar updated with ``+=``: never rebound to a bare name


@dataclasses.dataclass
class ListVar:
    name: str
    shape: tuple  # shape of each element


class Scope:
    """What a block can see: values, lists and ints (name -> exclusive bound)."""

    def __init__(self, fn, vars=(), lists=(), ints=None, in_loop=False, out_shape=None):
        self.fn = fn
        self.vars = list(vars)
        self.lists = list(lists)
        self.ints = dict(ints or {})
        self.in_loop = in_loop
        self.out_shape = out_shape
        self.fixed = set()  # names the block must not rebind (counters, globals, arrays being iterated)

    def child(self, in_loop=None):
        s = Scope(self.fn, self.vars, self.lists, self.ints, self.in_loop if in_loop is None else in_loop, self.out_shape)
        s.fixed = set(self.fixed)
        return s

    def of_shape(self, shape):
        return [v for v in self.vars if v.shape == shape]


@dataclasses.dataclass
class Helper:
    name: str
    params: list  # [(name, shape)]
    out: tuple
    keyword: bool  # has a keyword parameter ``w=<const>`` of shape ()
    recursive: bool = False
    pair: bool = False  # returns a tuple of two values, of shapes ``out``


class FnGen:
    """Generates one function's body; ``g`` is the module generator (draw, names, helpers)."""

    def __init__(self, g, helpers):
        self.g = g
        self.helpers = helpers
        self.counter = 0
        self.lines = []

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def draw(self, strategy):
        return self.g.draw(strategy)

    def choice(self, options):
        return options[self.draw(st.integers(0, len(options) - 1))]

    def flag(self):
        return self.draw(st.booleans())

    # ------------------------------------------------------------------ expressions

    def leaf(self, scope, shape, bind):
        """A value of ``shape`` with no further expression budget."""
        exact = scope.of_shape(shape)
        if shape == ():
            options = exact + ["const"]
        else:
            options = exact
        if options:
            v = self.choice(options)
            if v == "const":
                return self.choice(CONSTANTS)
            if v.buffer and bind:
                return f"np.copy({v.name})"
            return v.name
        # part of a variable, its transpose, or one that broadcasts up to ``shape``
        options = [v for v in scope.vars if v.shape != shape and broadcasts_to(v.shape, shape) and not v.buffer]
        options += [v for v in scope.vars if len(v.shape) == 2 and v.shape[::-1] == shape and not v.buffer]
        if self.subscript_options(scope, shape):
            options.append("subscript")
        if not options:
            return f"np.full({shape}, {self.choice(CONSTANTS)})"
        v = self.choice(options)
        if v == "subscript":
            return self.subscript(scope, shape, 0)
        if v.shape == shape[::-1]:
            return f"{v.name}.T"
        return f"np.broadcast_to({v.name}, {shape})"

    def shape(self, scope):
        """A shape for a new value: those of the values in scope first."""
        seen = []
        for v in scope.vars:
            if v.shape not in seen:
                seen.append(v.shape)
        return self.choice(seen + [s for s in SHAPES if s not in seen])

    def expr(self, scope, shape, depth=None, bind=True):
        """An expression of ``shape``.  ``bind``: its value may be bound to a
        name or be a view (so a buffer must be copied); arithmetic operands,
        whose results are new arrays, pass ``bind=False``."""
        if depth is None:
            depth = self.g.size.expr_depth
        if depth <= 0:
            return self.leaf(scope, shape, bind)
        kinds = ["leaf", "unary", "binary", "reduce", "reshape", "subscript", "ifexp", "call", "list", "special"]
        kind = self.choice(kinds)
        d = depth - 1
        if kind == "leaf":
            return self.leaf(scope, shape, bind)
        if kind == "unary":
            return self.unary(scope, shape, d)
        if kind == "binary":
            return self.binary(scope, shape, d)
        if kind == "reduce":
            r = self.reduce(scope, shape, d)
            return r if r is not None else self.binary(scope, shape, d)
        if kind == "reshape":
            r = self.reshape(scope, shape, d)
            return r if r is not None else self.unary(scope, shape, d)
        if kind == "subscript":
            r = self.subscript(scope, shape, d)
            return r if r is not None else self.leaf(scope, shape, bind)
        if kind == "ifexp":
            cond = self.cond(scope, d)
            return f"({self.expr(scope, shape, d, bind)} if {cond} else {self.expr(scope, shape, d, bind)})"
        if kind == "call":
            r = self.call(scope, shape, d)
            return r if r is not None else self.unary(scope, shape, d)
        if kind == "list":
            r = self.from_list(scope, shape)
            return r if r is not None else self.binary(scope, shape, d)
        r = self.special(scope, shape, d)
        return r if r is not None else self.binary(scope, shape, d)

    def unary(self, scope, shape, d):
        e = self.expr(scope, shape, d, bind=False)
        forms = [
            "np.sin({e})", "np.tanh({e})", "-{e}", "np.cos({e})", "np.exp(np.sin({e}))",
            "np.log({e} * {e} + 1.0)", "np.sqrt({e} * {e} + 1.0)", "np.arctan({e})", "{e} ** 2",
            "np.square({e})", "np.log(np.exp({e}) + 1.0)", "np.exp(-{e} * {e})", "({e}) ** 3",
            "np.log1p({e} * {e})", "np.sinh(np.sin({e}))", "np.logaddexp({e}, 0.3)",
            "np.clip({e}, -0.9, 0.8)", "np.abs({e})", "np.reciprocal({e} * {e} + 2.0)",
        ]
        if shape != ():
            forms.append("{e}.copy()")
        if shape == ():
            forms += ["math.sin({e})", "math.exp(math.cos({e}))", "math.tanh({e})", "float({e})", "abs({e})",
                      "max({e}, 0.31)", "min(-0.47, {e})", "math.sqrt({e} * {e} + 1.0)", "math.log(math.exp({e}) + 1.0)"]
        forms += ["({e} * {e} + 1.0) ** 0.5", "np.power({e} * {e} + 0.5, 1.5)", "2.0 ** {e}", "np.exp2(np.sin({e}))"]
        if "negative_literal_power" in AVOID and e.startswith("-") and e[1:].replace(".", "").isdigit():
            forms = [f for f in forms if "{e} **" not in f and "{e}) **" not in f]
        return self.choice(forms).format(e=f"({e})" if not e.isidentifier() else e)

    def operand_shapes(self, shape):
        subs = [s for s in SHAPES if broadcasts_to(s, shape)]
        s1 = self.choice([shape] + [s for s in subs if s != shape])
        s2 = shape if s1 != shape else self.choice([shape] + [s for s in subs if s != shape])
        if self.flag():
            s1, s2 = s2, s1
        return s1, s2

    def binary(self, scope, shape, d):
        s1, s2 = self.operand_shapes(shape)
        e1, e2 = self.expr(scope, s1, d, bind=False), self.expr(scope, s2, d, bind=False)
        form = self.choice([
            "({a} + {b})", "({a} * {b})", "({a} - {b})", "({a} / ({b} * {b} + 1.0))",
            "np.maximum({a}, {b})", "np.minimum({a}, {b})", "np.add({a}, {b})", "np.multiply({a}, {b})",
            "np.logaddexp({a}, {b})", "np.hypot({a}, {b})", "np.arctan2({a}, {b} * {b} + 0.5)",
            "np.where({a} > 0.31, {a}, {b})", "({a} - {b}) ** 2", "(({a} > 0.31) * {b})",
        ])
        return form.format(a=e1, b=e2)

    def reduce(self, scope, shape, d):
        """Something of a bigger shape reduced to ``shape``."""
        options = []
        if shape == ():
            for s in [(3,), (2, 3), (2,), (1, 3), (2, 1), (3, 2)]:
                options += [(s, "np.sum({e})"), (s, "np.mean({e})"), (s, "({e}).sum()"), (s, "np.max({e})"),
                            (s, "np.prod({e})"), (s, "np.var({e})"), (s, "np.linalg.norm({e})"), (s, "np.min({e})")]
            options += [((3,), "np.dot({e}, {f})"), ((2,), "({e}) @ ({f})"), ((3,), "np.inner({e}, {f})"),
                        ((3,), "({e}).dot({f})"), ((2,), "np.sum({e} * {f})")]
        elif shape == (3,):
            options += [((2, 3), "np.sum({e}, axis=0)"), ((2, 3), "({e}).mean(axis=0)"), ((3, 2), "({e}) @ ({f2})"),
                        ((2, 3), "np.max({e}, axis=0)"), ((2,), "({f23}).T @ ({e})"), ((1, 3), "np.squeeze({e})"),
                        ((3,), "np.cumsum({e})"), ((2, 3), "np.prod({e}, axis=0)"), ((3, 2), "np.sum({e}, axis=1)"),
                        ((3,), "({e})[::-1]"), ((2, 3), "np.einsum('ij,i->j', {e}, {f2})")]
        elif shape == (2,):
            options += [((2, 3), "np.sum({e}, axis=1)"), ((2, 3), "({e}) @ ({f3})"), ((2, 3), "np.mean({e}, axis=-1)"),
                        ((2, 1), "({e})[:, 0]"), ((2,), "np.cumsum({e})"), ((3, 2), "np.sum({e}, axis=0)"),
                        ((2,), "({e})[::-1]"), ((2, 3), "np.einsum('ij,j->i', {e}, {f3})"),
                        ((2, 3), "np.dot({e}, {f3})")]
        elif shape == (1, 3):
            options += [((2, 3), "np.sum({e}, axis=0, keepdims=True)"), ((2, 3), "({e}).max(axis=0, keepdims=True)")]
        elif shape == (2, 1):
            options += [((2, 3), "np.mean({e}, axis=1, keepdims=True)"), ((2, 3), "np.sum({e}, axis=-1, keepdims=True)")]
        elif shape == (2, 3):
            options += [((2, 3), "np.cumsum({e}, axis=1)"), ((2, 3), "({e})[:, ::-1]"), ((2, 3), "({e})[::-1]")]
        if not options:
            return None
        s, form = self.choice(options)
        if " @ " in form:
            form = "(" + form + ")"
        e = self.expr(scope, s, d)
        return form.format(
            e=e,
            f=self.expr(scope, s, d) if "{f}" in form else "",
            f2=self.expr(scope, (2,), d) if "{f2}" in form else "",
            f3=self.expr(scope, (3,), d) if "{f3}" in form else "",
            f23=self.expr(scope, (2, 3), d) if "{f23}" in form else "",
        )

    def reshape(self, scope, shape, d):
        options = {
            (2, 3): [((3, 2), "({e}).T"), ((3, 2), "np.transpose({e})"), ((3, 2), "({e}).reshape(2, 3)"),
                     ((2,), "np.outer({e}, {f3})"), ((3,), "np.stack([{e}, {g}])"), ((3,), "np.vstack([{e}, {g}])"),
                     ((1, 3), "np.concatenate([{e}, {h13}], axis=0)"), ((3, 2), "np.swapaxes({e}, 0, 1)")],
            (3, 2): [((2, 3), "({e}).T"), ((2, 3), "({e}).reshape(3, 2)"), ((3,), "np.outer({e}, {f2})"),
                     ((2, 3), "np.moveaxis({e}, 0, 1)")],
            (3,): [((1, 3), "({e}).reshape(3)"), ((1, 3), "({e})[0]"), ((2, 3), "({e}).T @ {f2}"), ((), "np.stack([{e}, {e}, {g}])"),
                   ((1, 3), "np.ravel({e})"), ((), "np.array([{e}, 1.0, {g}])"), ((2,), "np.concatenate([{e}, {h1}])")],
            (2,): [((2, 1), "({e}).reshape(-1)"), ((), "np.stack([{e}, {g}])"), ((2, 1), "np.squeeze({e}, axis=1)"),
                   ((3,), "({e})[1:]"), ((3,), "({e})[:2]"), ((2, 3), "np.diagonal({e})")],
            (1, 3): [((3,), "({e})[None, :]"), ((3,), "np.expand_dims({e}, 0)"), ((3,), "({e}).reshape(1, 3)"),
                     ((2, 3), "({e})[1:]")],
            (2, 1): [((2,), "({e})[:, None]"), ((2,), "({e}).reshape(2, 1)"), ((2, 3), "({e})[:, 1:2]")],
            (): [((), "np.stack([{e}, {g}])[1]"), ((1, 3), "({e})[0, 2]")],
        }.get(shape)
        if not options:
            return None
        s, form = self.choice(options)
        if " @ " in form:
            form = "(" + form + ")"
        e = self.expr(scope, s, d)
        return form.format(
            e=e,
            g=self.expr(scope, s, d) if "{g}" in form else "",
            f2=self.expr(scope, (2,), d) if "{f2}" in form else "",
            f3=self.expr(scope, (3,), d) if "{f3}" in form else "",
            h13=self.expr(scope, (1, 3), d) if "{h13}" in form else "",
            h1=self.expr(scope, (1,), 0) if "{h1}" in form else "",
        )

    def index(self, scope, size):
        """An index into an axis of ``size``: a constant or a loop counter known to be in range."""
        counters = [name for name, bound in scope.ints.items() if bound is not None and bound <= size]
        consts = [str(k) for k in range(size)] + ["-1"]
        return self.choice(consts + counters)

    def subscript_options(self, scope, shape):
        options = []
        for v in scope.vars:
            s = v.shape
            if len(s) == len(shape) + 1 and s[1:] == shape:
                options.append((v, "row"))
            if len(s) == 2 and shape == (s[0],):
                options.append((v, "col"))
            if len(s) == 2 and shape == ():
                options.append((v, "elem"))
            if len(s) == 1 and shape == (s[0] - 1,) and s[0] > 1:
                options.append((v, "tail"))
        return options

    def subscript(self, scope, shape, d):
        """Read part of a variable (subscripts of expressions are in ``reshape``)."""
        options = self.subscript_options(scope, shape)
        if not options:
            return None
        v, how = self.choice(options)
        if how == "row":
            text = f"{v.name}[{self.index(scope, v.shape[0])}]"
        elif how == "col":
            text = f"{v.name}[:, {self.index(scope, v.shape[1])}]"
        elif how == "elem":
            text = f"{v.name}[{self.index(scope, v.shape[0])}, {self.index(scope, v.shape[1])}]"
        else:
            text = f"{v.name}[1:]" if self.flag() else f"{v.name}[:-1]"
        if v.buffer:
            return f"np.copy({text})"
        return text

    def call(self, scope, shape, d):
        options = [h for h in self.helpers if h.out == shape and not h.pair]
        if not options:
            return None
        return self.call_helper(scope, self.choice(options), d)

    def call_helper(self, scope, h, d):
        args = [self.expr(scope, s, d, bind=True) for _, s in h.params]
        if not h.recursive and self.draw(st.integers(0, 3)) == 0:
            args = [f"{name}={arg}" for (name, _), arg in zip(h.params, args)]
        if h.recursive:
            args.append(self.int_arg(scope))
        if h.keyword and self.flag():
            args.append(f"w={self.expr(scope, (), d, bind=True)}")
        return f"{h.name}({', '.join(args)})"

    def int_arg(self, scope):
        return self.choice(["0", "1", "2"] + [name for name, bound in scope.ints.items() if bound is not None])

    def from_list(self, scope, shape):
        options = [L for L in scope.lists if L.shape == shape]
        if not options:
            return None
        L = self.choice(options)
        return self.choice([
            "np.sum(np.stack({L}), axis=0)", "{L}[-1]", "{L}[0]", "np.mean(np.stack({L}), axis=0)", "sum({L})",
            "np.stack({L})[-1]", "np.max(np.stack({L}), axis=0)", "{L}[len({L}) - 1]",
            "(np.sum(np.stack({L}), axis=0) / len({L}))",
        ]).format(L=L.name)

    def special(self, scope, shape, d):
        """Int counters and the float argument mixed in."""
        ints = [name for name in scope.ints]
        options = []
        if ints:
            options.append("int")
        if scope.lists:
            options.append("len")
        if any(v.shape for v in scope.vars):
            options.append("shape")
        if any(v.name == "a" and v.shape == () for v in scope.vars) and shape != ():
            options.append("a")
        if not options:
            return None
        kind = self.choice(options)
        e = self.expr(scope, shape, d, bind=False)
        if kind == "int":
            i = self.choice(ints)
            return self.choice(["({e} * ({i} + 1))", "({e} + float({i}))", "({e} / ({i} + 1.0))"]).format(e=e, i=i)
        if kind == "len":
            return f"({e} * len({self.choice(scope.lists).name}))"
        if kind == "shape":
            v = self.choice([v for v in scope.vars if v.shape])
            return f"({e} / {v.name}.shape[{self.draw(st.integers(0, len(v.shape) - 1))}])"
        return self.choice(["(a * {e})", "({e} - a)", "np.sin(a + {e})"]).format(e=e)

    # ------------------------------------------------------------------ conditions

    def cond(self, scope, d=1):
        kinds = ["data", "int", "both"] if scope.ints else ["data"]
        kind = self.choice(kinds)
        if kind == "int":
            return self.int_cond(scope)
        c = self.data_cond(scope, d)
        if kind == "both":
            op = self.choice(["and", "or"])
            return f"({c} {op} {self.int_cond(scope)})"
        return c

    def int_cond(self, scope):
        i = self.choice(list(scope.ints))
        return self.choice(["{i} > 1", "{i} % 2 == 0", "{i} == 0", "{i} >= 1", "not {i} < 2"]).format(i=i)

    def data_cond(self, scope, d=1):
        c = self.choice(THRESHOLDS)
        form = self.choice(["np.sum({e}) > {c}", "np.mean({e}) < {c}", "({e} > {c}).any()", "({e} < {c}).all()",
                            "{s} > {c}", "{c} < {s} < 2.5", "not {s} < {c}", "np.max({e}) > {c}", "np.all({e} < {c})"])
        shape = self.choice(SHAPES)
        if shape == () and ".a" in form:  # a Python float compared is a bool: no .any()
            form = "np.any({e} > {c})"
        return form.format(
            e=self.expr(scope, shape, min(d, 1), bind=False) if "{e}" in form else "",
            s=self.expr(scope, (), min(d, 1), bind=False) if "{s}" in form else "",
            c=c,
        )

    # ------------------------------------------------------------------ statements

    def emit(self, indent, text):
        self.lines.append("    " * indent + text)

    def block(self, scope, indent, nest, min_stmts=1, max_stmts=None):
        if max_stmts is None:
            max_stmts = self.g.size.block_stmts
        count = self.draw(st.integers(min_stmts, max_stmts))
        for _ in range(count):
            self.stmt(scope, indent, nest)

    def new_var(self, scope, name, shape, buffer=False):
        scope.vars = [v for v in scope.vars if v.name != name] + [Var(name, shape, buffer)]

    def stmt(self, scope, indent, nest):
        kinds = ["assign", "reassign", "augassign", "buffer", "setitem", "list", "if", "for", "while", "return", "jump",
                 "unpack"]
        kind = self.choice(kinds)
        control = kind in ("if", "for", "while")
        if control and nest >= self.g.size.nest:
            kind = "assign"
        if kind == "return" and scope.out_shape is None:
            kind = "assign"
        if kind == "jump" and not scope.in_loop:
            kind = "reassign"
        if kind == "unpack":
            names = [self.fresh("v"), self.fresh("v")]
            pairs = [h for h in self.helpers if h.pair]
            if pairs and self.flag():
                h = self.choice(pairs)
                shapes = h.out
                self.emit(indent, f"{names[0]}, {names[1]} = {self.call_helper(scope, h, self.g.size.sub_depth)}")
            else:
                shapes = (self.shape(scope), self.shape(scope))
                values = [self.expr(scope, s, self.g.size.sub_depth) for s in shapes]
                self.emit(indent, f"{names[0]}, {names[1]} = {values[0]}, {values[1]}")
            for name, shape in zip(names, shapes):
                self.new_var(scope, name, shape)
            return

        if kind == "reassign":
            targets = [v for v in scope.vars if not v.buffer and not v.accumulator and v.name not in scope.fixed]
            if targets:
                v = self.choice(targets)
                how = self.draw(st.integers(0, 5))
                same = [u for u in targets if u.shape == v.shape and u.name != v.name]
                if how == 4 and same:  # swap two values
                    u = self.choice(same)
                    self.emit(indent, f"{v.name}, {u.name} = {u.name}, {v.name}")
                elif how == 5 and indent == 1 and not scope.in_loop:  # straight-line code: a new shape
                    shape = self.shape(scope)
                    self.emit(indent, f"{v.name} = {self.expr(scope, shape)}")
                    self.new_var(scope, v.name, shape)
                else:
                    self.emit(indent, f"{v.name} = {self.expr(scope, v.shape)}")
                return
            kind = "assign"
        if kind == "augassign":
            targets = [v for v in scope.vars if (v.buffer or v.accumulator) and v.name not in scope.fixed]
            if not targets or self.draw(st.integers(0, 3)) == 0:
                name = self.fresh("s")
                init = self.choice(["0.0", "np.sum({e})", "1.0"])
                self.emit(indent, f"{name} = " + init.format(e=self.expr(scope, self.choice(SHAPES), self.g.size.sub_depth, bind=False)))
                scope.vars = scope.vars + [Var(name, (), accumulator=True)]
                return
            if targets:
                v = self.choice(targets)
                s = self.choice([s for s in SHAPES if broadcasts_to(s, v.shape)])
                op = self.choice(["+=", "-=", "*="])
                self.emit(indent, f"{v.name} {op} {self.expr(scope, s, self.g.size.sub_depth)}")
                return
            kind = "buffer"
        if kind == "setitem":
            targets = [v for v in scope.vars if v.buffer and v.shape != ()]
            if targets:
                self.setitem(scope, indent, self.choice(targets))
                return
            kind = "buffer"
        if kind == "list":
            if scope.lists and self.flag():
                L = self.choice(scope.lists)
                if self.flag():
                    self.emit(indent, f"{L.name}.append({self.expr(scope, L.shape, self.g.size.sub_depth)})")
                else:
                    where = self.choice(["0", "-1", f"len({L.name}) - 1"])
                    self.emit(indent, f"{L.name}[{where}] = {self.expr(scope, L.shape, self.g.size.sub_depth)}")
                return
            shape = self.shape(scope)
            name = self.fresh("L")
            self.emit(indent, f"{name} = [{self.expr(scope, shape, self.g.size.sub_depth)}]")
            scope.lists = scope.lists + [ListVar(name, shape)]
            return
        if kind == "buffer":
            shape = self.shape(scope)
            if shape == ():
                shape = (3,)
            name = self.fresh("z")
            same = [v for v in scope.vars if v.shape == shape]
            form = self.choice(["np.zeros({s})", "np.copy({e})", "np.zeros_like({v})", "({e}).copy()", "np.ones({s}) * 0.5"])
            if form == "np.zeros_like({v})" and not same:
                form = "np.zeros({s})"
            self.emit(indent, f"{name} = " + form.format(
                s=shape, v=self.choice(same).name if same else "", e=self.expr(scope, shape, self.g.size.sub_depth) if "{e}" in form else ""))
            self.new_var(scope, name, shape, buffer=True)
            return
        if kind == "if":
            self.if_stmt(scope, indent, nest)
            return
        if kind == "for":
            self.for_stmt(scope, indent, nest)
            return
        if kind == "while":
            self.while_stmt(scope, indent, nest)
            return
        if kind == "return":
            self.emit(indent, f"if {self.cond(scope)}:")
            self.emit(indent + 1, f"return {self.expr(scope, scope.out_shape, self.g.size.sub_depth)}")
            return
        if kind == "jump":
            self.emit(indent, f"if {self.cond(scope)}:")
            self.emit(indent + 1, self.choice(["break", "continue"]))
            return
        # assign a new variable
        shape = self.shape(scope)
        name = self.fresh("v")
        self.emit(indent, f"{name} = {self.expr(scope, shape, bind=True)}")
        self.new_var(scope, name, shape)

    def setitem(self, scope, indent, v):
        s = v.shape
        options = ["row"]
        if len(s) == 2:
            options += ["col", "elem"]
        if len(s) == 1 and s[0] > 1:
            options += ["slice"]
        how = self.choice(options)
        op = self.choice(["=", "+=", "-=", "*="])
        if how == "row":
            target, shape = f"{v.name}[{self.index(scope, s[0])}]", s[1:]
        elif how == "col":
            target, shape = f"{v.name}[:, {self.index(scope, s[1])}]", (s[0],)
        elif how == "elem":
            target, shape = f"{v.name}[{self.index(scope, s[0])}, {self.index(scope, s[1])}]", ()
        else:
            target, shape = f"{v.name}[1:]", (s[0] - 1,)
        self.emit(indent, f"{target} {op} {self.expr(scope, shape, self.g.size.sub_depth)}")

    def if_stmt(self, scope, indent, nest):
        self.emit(indent, f"if {self.cond(scope)}:")
        self.block(scope.child(), indent + 1, nest + 1)
        n_elif = self.draw(st.integers(0, 1))
        for _ in range(n_elif):
            self.emit(indent, f"elif {self.cond(scope)}:")
            self.block(scope.child(), indent + 1, nest + 1)
        if self.flag():
            self.emit(indent, "else:")
            self.block(scope.child(), indent + 1, nest + 1)

    def for_stmt(self, scope, indent, nest):
        body = scope.child(in_loop=True)
        iterables = [v for v in scope.vars if v.shape != () and not v.buffer]
        kinds = ["range"] + (["array", "enumerate", "len"] if iterables else []) + (["zip"] if len(iterables) > 1 else [])
        kinds += ["list"] if scope.lists else []
        kinds += ["tuple"]
        kind = self.choice(kinds)
        if kind == "range":
            i = self.fresh("i")
            bound_options = [("2", 2), ("3", 3), ("1, 3", 3)]
            if "n" in scope.ints:
                bound_options += [("n", 3), ("1, n", 3)]
            text, bound = self.choice(bound_options)
            self.emit(indent, f"for {i} in range({text}):")
            body.ints[i] = bound
            body.fixed.add(i)
        elif kind in ("array", "enumerate"):
            v = self.choice(iterables)
            r = self.fresh("row")
            if kind == "array":
                self.emit(indent, f"for {r} in {v.name}:")
            else:
                i = self.fresh("i")
                self.emit(indent, f"for {i}, {r} in enumerate({v.name}):")
                body.ints[i] = v.shape[0]
                body.fixed.add(i)
            self.new_var(body, r, v.shape[1:])
            if "rebind_iterated" in AVOID:
                body.fixed.add(v.name)
        elif kind == "len":
            v = self.choice(iterables)
            i = self.fresh("i")
            self.emit(indent, f"for {i} in range({self.choice(['len({v})', '{v}.shape[0]', '1, len({v})'])}):".format(v=v.name))
            body.ints[i] = v.shape[0]
            body.fixed.add(i)
        elif kind == "tuple":
            shape = self.shape(scope)
            r = self.fresh("row")
            items = [self.expr(scope, shape, self.g.size.sub_depth) for _ in range(self.draw(st.integers(1, 3)))]
            brackets = "({})" if self.flag() else "[{}]"
            self.emit(indent, f"for {r} in {brackets.format(', '.join(items) + (',' if len(items) == 1 else ''))}:")
            self.new_var(body, r, shape)
        elif kind == "zip":
            v = self.choice(iterables)
            w = self.choice([u for u in iterables if u is not v] or iterables)
            r, q = self.fresh("row"), self.fresh("q")
            self.emit(indent, f"for {r}, {q} in zip({v.name}, {w.name}):")
            self.new_var(body, r, v.shape[1:])
            self.new_var(body, q, w.shape[1:])
            if "rebind_iterated" in AVOID:
                body.fixed |= {v.name, w.name}
        else:
            L = self.choice(scope.lists)
            r = self.fresh("row")
            self.emit(indent, f"for {r} in {L.name}:")
            body.lists = [M for M in body.lists if M is not L]  # never append to the list being iterated
            self.new_var(body, r, L.shape)
        self.block(body, indent + 1, nest + 1)

    def while_stmt(self, scope, indent, nest):
        k = self.fresh("k")
        self.emit(indent, f"{k} = 0")
        limit = self.choice(["3", "2"] + (["n"] if "n" in scope.ints else []))
        if self.flag():
            self.emit(indent, f"while {k} < {limit}:")
        else:
            self.emit(indent, f"while {k} < {limit} and {self.data_cond(scope)}:")
        # the increment comes first, so a ``continue`` in the body cannot skip it
        self.emit(indent + 1, f"{k} = {k} + 1")
        body = scope.child(in_loop=True)
        body.ints[k] = 4
        body.fixed.add(k)
        self.block(body, indent + 1, nest + 1)


class ModuleGen:
    def __init__(self, draw, size):
        self.draw = draw
        self.size = size
        self.helpers = []
        self.chunks = []
        self.globals = []  # module-level constants (no gradient): Var objects

    def helper(self, index):
        kind = self.choice(["plain", "plain", "pair", "recursive", "mutual"])
        if kind in ("recursive", "mutual"):
            self.recursive(index, mutual=kind == "mutual")
            return
        fn = FnGen(self, list(self.helpers))
        name = f"h{index}"
        count = self.draw(st.integers(1, 2))
        params = [(f"p{k}", fn.choice(SHAPES)) for k in range(count)]
        out = fn.choice(SHAPES)
        pair = kind == "pair"
        if pair:
            out = (out, fn.choice(SHAPES))
        keyword = fn.flag()
        scope = Scope(fn, [Var(p, s) for p, s in params] + self.globals, out_shape=None if pair else out)
        scope.fixed |= {v.name for v in self.globals}
        if keyword:
            scope.vars.append(Var("w", ()))
        signature = ", ".join([p for p, _ in params] + (["w=0.5"] if keyword else []))
        fn.emit(0, f"def {name}({signature}):")
        fn.block(scope, 1, 1, 0, self.size.block_stmts)
        if pair:
            fn.emit(1, f"return {fn.expr(scope, out[0])}, {fn.expr(scope, out[1])}")
        else:
            fn.emit(1, f"return {fn.expr(scope, out)}")
        self.helpers.append(Helper(name, params, out, keyword, pair=pair))
        self.chunks.append("\n".join(fn.lines))

    def recursive(self, index, mutual):
        """``rec{index}(p, k)``: recursion on ``k`` (mutual: through ``rec{index}b``)."""
        shape = self.choice(SHAPES)
        name = f"rec{index}"
        names = [name, name + "b"] if mutual else [name]
        chunks = []
        for me, callee in zip(names, names[1:] + names[:1]):
            fn = FnGen(self, list(self.helpers))
            keyword = me == name and fn.flag()
            scope = Scope(fn, [Var("p", shape)] + self.globals, ints={"k": None}, out_shape=shape)
            scope.fixed |= {v.name for v in self.globals}
            if keyword:
                scope.vars.append(Var("w", ()))
            fn.emit(0, f"def {me}(p, k{', w=0.5' if keyword else ''}):")
            fn.emit(1, "if k <= 0:")
            fn.emit(2, f"return {fn.expr(scope, shape, self.size.sub_depth)}")
            fn.block(scope, 1, 1, 0, self.size.block_stmts)
            t = fn.fresh("t")
            fn.emit(1, f"{t} = {callee}({fn.expr(scope, shape, self.size.sub_depth)}, k - 1)")
            fn.new_var(scope, t, shape)
            fn.emit(1, f"return {fn.expr(scope, shape)}")
            chunks.append("\n".join(fn.lines))
            if me == name:
                entry = Helper(name, [("p", shape)], shape, keyword, recursive=True)
        self.helpers.append(entry)
        self.chunks.extend(chunks)

    def choice(self, options):
        return options[self.draw(st.integers(0, len(options) - 1))]

    def main(self, sx, sy, out):
        fn = FnGen(self, list(self.helpers))
        scope = Scope(fn, [Var("x", sx), Var("y", sy), Var("a", ())] + self.globals, ints={"n": 4}, out_shape=out)
        scope.fixed |= {v.name for v in self.globals}
        fn.emit(0, "def f(x, y, a, n):")
        fn.block(scope, 1, 0, 1, self.size.main_stmts)
        fn.emit(1, f"return {fn.expr(scope, out, bind=True)}")
        self.chunks.append("\n".join(fn.lines))


@dataclasses.dataclass
class Program:
    source: str
    shapes: tuple  # (x shape, y shape)
    out_shape: tuple
    seed: int
    n: int
    wrt: object  # as passed to s2s: a name, an int or a tuple of them

    def __repr__(self):
        return (f"Program(shapes={self.shapes}, out_shape={self.out_shape}, seed={self.seed}, n={self.n}, "
                f"wrt={self.wrt!r}, source=\n{self.source})")

    def args(self):
        rng = np.random.default_rng(self.seed)
        x = rng.normal(size=self.shapes[0])
        y = rng.normal(size=self.shapes[1])
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        a = float(rng.normal())
        return [x, y, a, self.n]


@st.composite
def programs(draw, size=SMALL):
    g = ModuleGen(draw, size)
    header = "import math\n\nimport numpy as np\n"
    if draw(st.booleans()):
        header += "\nC0 = 0.37\nW0 = np.array([0.5, -1.0, 2.0])\nM0 = np.array([[0.3, -0.2, 0.1], [1.1, 0.4, -0.6]])\n"
        g.globals = [Var("C0", ()), Var("W0", (3,)), Var("M0", (2, 3))]
    n_helpers = draw(st.integers(0, size.helpers))
    for k in range(n_helpers):
        g.helper(k)
    sx = draw(st.sampled_from(X_SHAPES))
    sy = draw(st.sampled_from(Y_SHAPES))
    out = draw(st.sampled_from(OUT_SHAPES))
    g.main(sx, sy, out)
    source = header + "\n\n" + "\n\n\n".join(g.chunks) + "\n"
    names = draw(st.lists(st.sampled_from(["x", "y", "a"]), min_size=1, max_size=3, unique=True))
    form = draw(st.integers(0, 2))
    if len(names) == 1 and form == 0:
        wrt = names[0]
    elif form == 1:
        wrt = tuple(["x", "y", "a"].index(n) for n in names)
    else:
        wrt = tuple(names)
    if len(names) == 1 and form == 1:
        wrt = wrt[0]
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(0, 3))
    return Program(source, (sx, sy), out, seed, n, wrt)


_DIR = None


def load(source):
    """Write ``source`` to a module file (named by its hash) and import it."""
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="s2s-fuzz-")
        atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    name = f"s2s_fuzz_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    path = os.path.join(_DIR, name + ".py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
