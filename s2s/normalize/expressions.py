"""Expressions in A-normal form (part of :class:`~.anf.Normalizer`).

Takes a user expression after desugaring.  ``atom`` returns an atom for it
(a local name at its current version, a constant, or a global reference
carrying ``s2s_global`` and spelled ``np.…``/``math.…`` where it names those
modules), emitting one ``tmp = rhs`` statement per operation it contains,
operands first, left to right; ``rhs`` returns one operation on atoms.  Two
constructs are lowered here because their operands must be evaluated in that
order: a ternary ``a if c else b`` becomes an ``if`` statement assigning one
name, a chained comparison ``a < b < c`` the ``and`` of two single
comparisons.  Every call carries ``s2s_target``, the object it calls.
Unsupported expressions raise ``S2SError`` at the user's line.

    y = np.tanh(W @ x + b)    ->   W_at_x = W @ x
                                   W_at_x_plus_b = W_at_x + b
                                   y = np.tanh(W_at_x_plus_b)
"""

import builtins
import copy
import inspect
import types

import gast

from ..jit import py_function
from .. import markers
from ..frontend import MISSING, canonical_module
from ..libraries import is_library
from ..rules import ValueMethod, canonical_name
from .array_methods import IN_PLACE_METHODS
from .refuse import UNSUPPORTED_EXPRESSIONS
from .temporaries import describe
from .tree import dotted, dotted_expr, name_node, runtime_call

REFUSED_BUILTINS = ("eval", "exec", "compile", "globals", "locals", "vars", "__import__", "setattr", "delattr")


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant)) or hasattr(node, "s2s_global")


class Expressions:
    """Uses the normalizer's ``version``, ``fixed``, ``scope``, ``namer``, ``bind``, ``load``, ``if_statement``."""

    def atom(self, node, hint=None):
        """An atom for ``node``, emitting statements for what it computes."""
        if isinstance(node, gast.Constant):
            return node
        if isinstance(node, gast.Name) and (node.id in self.version or node.id in self.fixed):
            return self.load(node)
        if isinstance(node, gast.IfExp):
            return self.if_expression(node, hint)
        if hasattr(node, "s2s_global"):  # a reference a desugaring pass resolved (a function s2s made)
            return node
        glob = self.global_ref(node)
        if glob is not None:
            return glob
        if isinstance(node, gast.UnaryOp) and isinstance(node.operand, gast.Constant) and isinstance(node.op, (gast.USub, gast.UAdd)):
            value = node.operand.value
            if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
                return gast.Constant(value=-value if isinstance(node.op, gast.USub) else value, kind=None)
        rhs = self.rhs(node)
        return self.bind(rhs, hint or describe(rhs))

    def if_expression(self, node, hint):
        """``a if c else b`` as an ``if`` statement assigning one name."""
        name = self.namer.fresh(hint or "choice")
        self.namer.taken.discard(name)
        branch = gast.copy_location(gast.If(
            test=node.test,
            body=[gast.copy_location(gast.Assign(targets=[name_node(name, True)], value=node.body, type_comment=None), node)],
            orelse=[gast.copy_location(gast.Assign(targets=[name_node(name, True)], value=node.orelse, type_comment=None), node)],
        ), node)
        stmt = self.stmt
        self.if_statement(branch)
        self.stmt = stmt
        return self.load_name(name)

    def global_ref(self, node):
        """A global reference atom for a free ``Name``/``Attribute`` chain, else None."""
        if not isinstance(node, (gast.Name, gast.Attribute)):
            return None
        root = self.scope.root(node)
        if root is None or root.id in self.version or root.id in self.scope.locals or root.id in self.fixed:
            if isinstance(node, gast.Name):
                raise self.loc.error(node, f"`{node.id}` is used before it is assigned")
            return None
        obj = self.scope.resolve(node)
        if obj is MISSING:
            raise self.loc.error(node, f"cannot resolve `{gast.unparse(node) if hasattr(gast, 'unparse') else dotted(node)}`: no such global, closure variable or builtin")
        expr = respell(node, self.scope)
        expr.s2s_global = obj
        return expr

    def rhs(self, node):
        """An ANF right-hand side for ``node`` (one operation on atoms), located at ``node``."""
        out = self._rhs(node)
        if not hasattr(out, "lineno"):
            gast.copy_location(out, node)
        return out

    def _rhs(self, node):
        kind = type(node).__name__
        if kind in UNSUPPORTED_EXPRESSIONS:
            raise self.loc.error(node, f"s2s does not support {UNSUPPORTED_EXPRESSIONS[kind]}")
        if is_atom(node) or isinstance(node, (gast.Name, gast.IfExp)):
            return self.atom(node)
        if isinstance(node, gast.BinOp):
            return gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        if isinstance(node, gast.BoolOp):
            return gast.BoolOp(op=node.op, values=[self.atom(v) for v in node.values])
        if isinstance(node, gast.Compare):
            return self.compare(node)
        if isinstance(node, gast.Call):
            return self.call(node)
        if isinstance(node, gast.Attribute):
            glob = self.global_ref(node)
            if glob is not None:
                return glob
            return gast.Attribute(value=self.atom(node.value), attr=node.attr, ctx=gast.Load())
        if isinstance(node, gast.Subscript):
            return gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice), ctx=gast.Load())
        if isinstance(node, gast.Lambda):  # one bound to a name and called is inlined (normalize/lambdas.py)
            raise self.loc.error(node, "s2s does not support a lambda used as a value (passed to a function, stored or "
                                       "returned): call it only where it is bound, or define the function with `def` at module level")
        if isinstance(node, gast.JoinedStr):  # an f-string: its formatted values become atoms
            return self.formatted(node)
        if isinstance(node, (gast.Tuple, gast.List)):
            if any(isinstance(e, gast.Starred) for e in node.elts):
                raise self.loc.error(node, "starred expressions (`*x`) are not supported")
            return type(node)(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        raise self.loc.error(node, f"s2s does not support `{kind}` expressions")

    def formatted(self, node):
        """``f"{a + b:.3f}"`` as ``f"{a_plus_b:.3f}"``: each formatted value an atom (a string
        carries no derivative; only the values in it are computed first)."""
        values = []
        for part in node.values:
            if isinstance(part, gast.FormattedValue):
                spec = part.format_spec and self.formatted(part.format_spec)
                part = gast.FormattedValue(value=self.atom(part.value), conversion=part.conversion, format_spec=spec)
            values.append(part)
        return gast.JoinedStr(values=values)

    def own_method(self, func):
        """For ``model.predict`` where the class of ``model`` is known (``self`` in a method of
        class ``C``, a parameter annotated ``model: C``, a name assigned once ``model = C(...)``;
        ``C`` a class of the user's whose ``predict`` is a plain function): ``(reference to
        C.predict, the function, model)``, having emitted a check that ``model``'s class has that
        very function (a subclass that overrides it is refused at run time, never differentiated
        with the wrong code)."""
        if not (isinstance(func.value, gast.Name) and func.value.id in self.version):
            return None
        owner, path = self.receiver_class(func.value.id)
        if not isinstance(owner, type) or not isinstance(inspect.getattr_static(owner, func.attr, None), types.FunctionType):
            return None
        ref = dotted_expr(f"{path}.{func.attr}")
        ref.s2s_global = getattr(owner, func.attr)
        self_atom = self.load(func.value)
        guard = runtime_call("same_method", [self_atom, gast.Constant(value=func.attr, kind=None), copy.deepcopy(ref)], func)
        self.emit(gast.Expr(value=guard))
        return copy.deepcopy(ref), ref.s2s_global, self.load(func.value)

    def receiver_class(self, name):
        """``(class, its spelling)`` of the local ``name`` where the function says it, else ``(None, None)``."""
        params = self.node.args.posonlyargs + self.node.args.args + self.node.args.kwonlyargs
        qualname = self.parsed.fn.__qualname__.split(".")
        if params[:1] and name == params[0].id and len(qualname) > 1 and "<locals>" not in qualname and params[0] in self.node.args.posonlyargs + self.node.args.args:
            owner = self.parsed.fn.__globals__.get(qualname[0])
            for part in qualname[1:-1]:
                owner = getattr(owner, part, None)
            return owner, ".".join(qualname[:-1])
        said = [p.annotation for p in params if p.id == name and isinstance(p.annotation, (gast.Name, gast.Attribute))]
        made = [n.value.func for n in gast.walk(self.node) if isinstance(n, gast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], gast.Name) and n.targets[0].id == name and isinstance(n.value, gast.Call)
                and isinstance(n.value.func, (gast.Name, gast.Attribute))]
        stores = sum(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load) for n in gast.walk(self.node))
        for ref in said + (made if stores == 1 and len(made) == 1 else []):
            root = self.scope.root(ref)
            owner = self.scope.resolve(ref) if root is not None and root.id not in self.scope.locals else None
            if isinstance(owner, type) and not is_library(owner):
                return owner, dotted(ref)
        return None, None

    def method_advice(self, func):
        """For ``self.predict(...)`` in a method of class ``C``: the call to write instead."""
        params = self.node.args.posonlyargs + self.node.args.args
        qualname = self.parsed.fn.__qualname__.split(".")
        if "<locals>" in qualname:  # a class defined in a function: named from there
            qualname = qualname[len(qualname) - qualname[::-1].index("<locals>"):]
        if not (params and isinstance(func.value, gast.Name) and func.value.id == params[0].id and len(qualname) > 1):
            return None
        owner = ".".join(qualname[:-1])
        return (f"s2s cannot tell which class's `{func.attr}` `{params[0].id}.{func.attr}(...)` calls (a subclass may "
                f"override it): call `{owner}.{func.attr}({params[0].id}, ...)`, the function itself")

    def index(self, node):
        if isinstance(node, gast.Slice):
            return gast.Slice(
                lower=node.lower and self.atom(node.lower),
                upper=node.upper and self.atom(node.upper),
                step=node.step and self.atom(node.step),
            )
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node)

    def compare(self, node):
        operands = [self.atom(node.left)] + [self.atom(c) for c in node.comparators]
        parts = [
            gast.Compare(left=operands[i], ops=[op], comparators=[operands[i + 1]])
            for i, op in enumerate(node.ops)
        ]
        if len(parts) == 1:
            return parts[0]
        return gast.BoolOp(op=gast.And(), values=[self.bind(p, describe(p)) for p in parts])

    def call(self, node):
        for arg in node.args:
            if isinstance(arg, gast.Starred):
                raise self.loc.error(arg, "calls with `*args` are not supported")
        for kw in node.keywords:
            if kw.arg is None:
                raise self.loc.error(kw.value, "calls with `**kwargs` are not supported")
        func = node.func
        if isinstance(func, gast.Call) and self.scope.resolve(func.func) is markers.checkpoint:
            # s2s.checkpoint(g)(x): a call of g (recomputation is not implemented yet)
            if len(func.args) != 1 or func.keywords:
                raise self.loc.error(func, "s2s.checkpoint takes one function: `s2s.checkpoint(g)(x)`")
            func = func.args[0]
            recomputed = True
        else:
            recomputed = False
        if hasattr(func, "s2s_global"):  # a reference a desugaring pass resolved (np.sum for x.sum())
            target = func.s2s_global
        else:
            root = self.scope.root(func)
            if root is not None and root.id in self.scope.locals and root.id not in self.version and root.id not in self.fixed:
                raise self.loc.error(root, f"`{root.id}` is used before it is assigned (it is a local variable of {self.node.name})")
            own = self.own_method(func) if isinstance(func, gast.Attribute) else None
            target = None
            if own is not None:  # self.predict(w, X): Ridge.predict(self, w, X), guarded against overriding
                func, target, owner = own
                node = gast.copy_location(gast.Call(func=func, args=[owner] + list(node.args), keywords=node.keywords), node)
            elif isinstance(func, gast.Attribute) and (root is None or self.is_local(root) or root.id in self.fixed):
                if func.attr in IN_PLACE_METHODS:
                    raise self.loc.error(func, f"`.{func.attr}(...)` changes the array in place, and s2s differentiates "
                                               f"values: write `{IN_PLACE_METHODS[func.attr]}` instead")
                frozen = isinstance(func.value, gast.Call) and self.frozen_distribution(func.value.func, func.attr)
                advice = frozen or self.method_advice(func)
                if advice:
                    raise self.loc.error(func, advice)
                # a method of a value of unknown type: run as written where no derivative flows through it
                held = gast.unparse(func.value)
                target = ValueMethod(func.attr, (
                    f"s2s cannot see which function `{held}.{func.attr}(...)` calls (the type of `{held}` is known only when "
                    f"it runs): for a class of yours, annotate the parameter (`{held}: MyModel`) or call the method through "
                    f"its class (`MyModel.{func.attr}({held}, ...)`); for an array, call the numpy function (`np.…({held}, ...)`)"))
                func = gast.copy_location(gast.Attribute(value=self.atom(func.value), attr=func.attr, ctx=gast.Load()), func)
            if own is None and not isinstance(target, ValueMethod):
                if isinstance(func, gast.Name) and func.id in self.version:
                    raise self.loc.error(func, f"`{func.id}` holds a function s2s cannot see when it transforms "
                                               f"{self.node.name} on its own: call the function by its name, or pass it to "
                                               f"{self.node.name} in the code differentiated (`s2s.grad(lambda x: "
                                               f"{self.node.name}(my_function, x, ...))`): s2s specializes {self.node.name} for a "
                                               "module-level function, nested `def` or lambda passed to it")
                func = self.global_ref(func)
                if func is None:
                    raise self.loc.error(node.func, "s2s can only call functions named by a global, closure or builtin name")
                target = func.s2s_global
            if any(target is getattr(builtins, b) for b in REFUSED_BUILTINS):
                raise self.loc.error(node, f"s2s does not support `{target.__name__}`: it cannot see the code it runs")
            frozen = self.frozen_distribution(node.func)
            if frozen:
                raise self.loc.error(node, frozen)
        target = py_function(target) or target  # a numba-compiled function: differentiated through its Python source
        call = gast.Call(
            func=func,
            args=[self.atom(a) for a in node.args],
            keywords=[gast.keyword(arg=k.arg, value=self.atom(k.value)) for k in node.keywords],
        )
        call.s2s_target = target
        call.s2s_checkpoint = recomputed
        gast.copy_location(call, node)
        return call

    def frozen_distribution(self, maker, method="logpdf"):
        """The refusal of a frozen scipy.stats distribution, made by calling ``maker``
        (``norm(mu, s)``), or None: its methods are a value's, which s2s cannot see into."""
        if not type(self.scope.resolve(maker)).__module__.startswith("scipy.stats"):
            return None
        name = dotted(maker)
        return (f"s2s cannot differentiate the methods of a frozen distribution {name}(<the parameters>): "
                f"call {name}.{method}(x, <the parameters>) instead")


def respell(node, scope):
    """The chain ``node``, spelled ``np.…``/``math.…`` where it names numpy or math.

    A chain rooted at the numpy or math module keeps the user's attribute path
    under the canonical root; a library function with a rule imported by name
    (``from numpy import tanh``) gets the rule's spelling.  Both are marked
    ``s2s_canonical``: generated modules import numpy and math themselves.
    """
    parts = dotted(node).split(".")
    canonical = False
    mod = canonical_module(scope.lookup(parts[0]))
    if mod is not None:
        parts[0] = mod
        canonical = True
    else:
        spelled = canonical_name(scope.resolve(node))
        if spelled is not None:
            parts = spelled.split(".")
            canonical = True
    expr = dotted_expr(".".join(parts))
    expr.s2s_canonical = canonical
    return expr
