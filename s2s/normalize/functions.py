"""Function values: nested ``def``s lifted out, functions passed to the user's functions specialized.

Takes a function body (gast statements), after the calls through tables of
functions became branches (:mod:`.tables`).
Guarantees: no ``FunctionDef`` remains, and every function value the body
uses is one s2s can see statically, called by a reference that names it
(``s2s_global`` set).  Three rewrites:

* **Lifting.** A nested ``def`` (or a lambda bound once to a name and used as
  a value, not only called: :mod:`.lambdas` inlines those) becomes a function
  of its own (:mod:`.made`), whose extra keyword-only parameters are the
  enclosing function's variables it reads; each call passes them, read where
  the call stands, as the closure would read them when called.  One that is
  returned, stored, rebinds a variable with ``nonlocal``, calls itself, or has a
  default computed at run time, is refused with the rewrite.
* **Calls of a function value.** ``helper(x)`` becomes ``helper(x, w=w)``.
* **Specialization.** A call of one of the user's functions with a function
  as an argument (a lambda, a nested ``def``, a module-level function,
  ``np.tanh``), for a parameter the callee calls or passes on, becomes a call
  of the callee specialized for it: the parameter is gone, calls of it in the
  callee's body call the function, and the variables it reads are the
  specialized callee's keyword-only parameters (so derivatives flow into them).

    def loss(w, X, y):                      def loss(w, X, y):
        def predict(X):                         r = predict(X, w=w) - y
            return X @ w              ->        s = integrate_rhs(y0, 0.1)
        r = predict(X) - y
        s = integrate(rhs, y0, 0.1)         (integrate_rhs: integrate with `fn(y, t)` calling rhs)
"""

import copy
import functools
import inspect
import sys
import types

import gast

from ..errors import S2SError
from ..frontend import parse
from ..libraries import is_library
from ..naming import Namer, function_name
from .expressions import respell
from .made import make_function
from .tree import map_statements, name_node

MODULES = {"np": "numpy", "math": "math", "scipy": "scipy"}


class Value:
    """A function value: the object, a reference that spells it, and the keyword
    arguments each call adds (``{its parameter: the name holding the value here}``)."""

    def __init__(self, obj, ref, captured=()):
        self.obj = obj
        self.ref = ref
        self.captured = dict(captured)

    def reference(self, location):
        ref = gast.copy_location(copy.deepcopy(self.ref), location)
        for n in gast.walk(ref):
            gast.copy_location(n, location)
        ref.s2s_global = self.obj
        return ref

    def keywords(self, location, given=()):
        return [gast.keyword(arg=k, value=gast.copy_location(name_node(v), location)) for k, v in self.captured.items() if k not in given]


def desugar(body, parsed):
    values = dict(getattr(parsed.fn, "__s2s_values__", {}))
    return _Rewrite(parsed, values).body(body)


# (callee, parameter, function) -> the callee specialized for a function of the user's or a
# library's: made once per process, so that every caller shares it (None while it is being made)
_SPECIALIZED = {}


class _Rewrite:
    def __init__(self, parsed, values, made=None):
        self.parsed = parsed
        self.loc = parsed.loc
        self.values = values  # name -> Value, for the names of this function that hold function values
        self.made = {} if made is None else made  # as _SPECIALIZED, for the functions made while rewriting one body

    @functools.cached_property
    def names(self):
        return {n.id for n in gast.walk(self.parsed.node) if isinstance(n, gast.Name)} | set(self.parsed.scope.locals)

    @functools.cached_property
    def local_names(self):
        """The function's variables (comprehension variables included: their own scope before Python 3.12)."""
        return set(self.parsed.scope.locals) | {n.id for n in gast.walk(self.parsed.node)
                                                if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}

    # -- the body -------------------------------------------------------------
    def body(self, body):
        if not self.values and not any(isinstance(n, (gast.FunctionDef, gast.Lambda)) or self.interesting(n) for s in body for n in gast.walk(s)):
            return body
        lifted = self.liftable(body)

        def statement(stmt):
            if isinstance(stmt, gast.FunctionDef):
                self.values[stmt.name] = self.lift(stmt, stmt.name, stmt.args, stmt.body)
                return []
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in lifted:
                lam = stmt.value
                ret = gast.copy_location(gast.Return(value=lam.body), lam)
                self.values[stmt.targets[0].id] = self.lift(lam, stmt.targets[0].id, lam.args, [ret])
                return []
            if isinstance(stmt, gast.With):
                return [stmt]
            return [_Calls(self).visit(copy.deepcopy(stmt))]

        return map_statements(body, statement)

    def interesting(self, node):
        """Whether a node may pass a function to one of the user's functions."""
        return isinstance(node, gast.Call) and any(isinstance(a, (gast.Name, gast.Attribute)) and self.function_global(a) is not None
                                                   for a in node.args + [k.value for k in node.keywords])

    def liftable(self, body):
        """The names bound once to a lambda used as a value (not only called) or taking
        ``*args`` (:mod:`.lambdas` inlines the others), having refused a nested ``def``
        whose name is bound again."""
        stores, loads, calls, lambdas, starred, defs = {}, {}, {}, set(), set(), []
        for node in (n for stmt in body for n in gast.walk(stmt)):
            if isinstance(node, gast.FunctionDef):
                defs.append(node)
                stores[node.name] = stores.get(node.name, 0) + 1
            if isinstance(node, gast.Name):
                table = loads if isinstance(node.ctx, gast.Load) else stores
                table[node.id] = table.get(node.id, 0) + 1
            if isinstance(node, gast.Call):
                if isinstance(node.func, gast.Name):
                    calls[node.func.id] = calls.get(node.func.id, 0) + 1
            if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Lambda):
                lambdas.add(node.targets[0].id)
                if node.value.args.vararg or node.value.args.kwarg:
                    starred.add(node.targets[0].id)
        for d in defs:
            if stores[d.name] != 1:
                raise self.loc.error(d, f"the nested function `{d.name}` is bound more than once: give each function a name of its own")
        return {n for n in lambdas if stores.get(n) == 1 and (loads.get(n, 0) > calls.get(n, 0) or n in starred)}

    # -- lifting ----------------------------------------------------------------
    def lift(self, node, fname, args, body):
        """The :class:`Value` of a nested function, lifted into a function of its own."""
        what = f"the nested function `{fname}`"
        if getattr(node, "decorator_list", None):
            raise self.loc.error(node, f"{what} is decorated: s2s differentiates the function as written; define it at module level")
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            if not isinstance(default, gast.Constant):
                raise self.loc.error(default, f"the default of {what} is computed when it is defined: give the argument at each call")
        params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs} | {a.id for a in (args.vararg, args.kwarg) if a}
        stored = {n.id for s in body for n in gast.walk(s) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
        stored |= {n.name for s in body for n in gast.walk(s) if isinstance(n, gast.FunctionDef)}
        if fname in {n.id for s in body for n in gast.walk(s) if isinstance(n, gast.Name)} - stored - params:
            raise self.loc.error(node, f"{what} calls itself: define it at module level (s2s differentiates recursion there)")
        captured, inner = [], {}
        loads = [n for s in body for n in gast.walk(s) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]
        for n in sorted(loads, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):  # in reading order
            if n.id in params | stored:
                continue
            if n.id in self.values:  # another function value: called with what it reads
                inner[n.id] = self.values[n.id]
                free = self.values[n.id].captured.values()
            elif n.id in self.local_names:
                free = [n.id]
            else:
                continue
            captured += [v for v in free if v not in captured]
        new_args = copy.deepcopy(args)
        new_args.kwonlyargs = new_args.kwonlyargs + [name_node(c, store=False) for c in captured]
        for a in new_args.kwonlyargs[len(args.kwonlyargs):]:
            a.ctx = gast.Param()
        new_args.kw_defaults = new_args.kw_defaults + [None] * len(captured)
        fdef = gast.copy_location(gast.FunctionDef(name=fname, args=new_args, body=copy.deepcopy(body), decorator_list=[], returns=None,
                                                   type_comment=None, type_params=[]), node)
        inner_values = {k: Value(v.obj, v.ref, {p: p for p in v.captured}) for k, v in inner.items()}
        qualname = f"{self.parsed.fn.__qualname__}.<locals>.{fname}"
        fn = self.make(fdef, inner_values, qualname)
        return Value(fn, name_node(fname), {c: c for c in captured})

    def make(self, fdef, values, qualname):
        """A made function from ``fdef``, its function values rewritten first."""
        closure = {}
        for value in values.values():
            root = value.ref
            while isinstance(root, gast.Attribute):
                root = root.value
            closure[root.id] = value.obj if root is value.ref else sys.modules[MODULES.get(root.id, root.id)]
        inner = _Rewrite(_Stub(self.parsed, fdef, closure), dict(values), self.made)
        fdef.body = inner.body(fdef.body)
        for n in gast.walk(fdef):  # what the rewrite referred to: functions it made, functions passed
            if hasattr(n, "s2s_global") and isinstance(n, gast.Name) and not getattr(n, "s2s_canonical", False):
                closure.setdefault(n.id, n.s2s_global)
        fn = make_function(fdef, self.loc, self.parsed.source, self.parsed.fn, closure, qualname)
        fn.__s2s_values__ = values
        return fn

    # -- function values as arguments ----------------------------------------------
    def function_global(self, node):
        """The object a global reference passed as an argument names, if it is a function."""
        if not isinstance(node, (gast.Name, gast.Attribute)) or isinstance(node, gast.Name) and node.id in self.values:
            return None
        root = self.parsed.scope.root(node)
        if root is None or root.id in self.parsed.scope.locals:
            return None
        obj = node.s2s_global if hasattr(node, "s2s_global") else self.parsed.scope.resolve(node)
        if isinstance(obj, type) or not callable(obj):
            return None
        return obj

    def value_of(self, node):
        """The :class:`Value` an argument passes, or None where it passes no function."""
        if isinstance(node, gast.Name) and node.id in self.values:
            return self.values[node.id]
        if isinstance(node, gast.Lambda):
            line = self.loc.line_offset + node.lineno
            ret = gast.copy_location(gast.Return(value=node.body), node)
            fname, k = f"lambda_{line}", 2
            while fname in self.names:  # a second lambda on the line
                fname, k = f"lambda_{line}_{k}", k + 1
            self.names.add(fname)
            return self.lift(node, fname, node.args, [ret])
        obj = self.function_global(node)
        if obj is None:
            return None
        if is_library(obj):
            ref = respell(node, self.parsed.scope)
            return Value(obj, ref) if getattr(ref, "s2s_canonical", False) else None
        return Value(obj, name_node(function_name(obj))) if isinstance(obj, types.FunctionType) else None

    def specialized(self, call):
        """``call`` of a user function, specialized for the functions it passes, or None."""
        callee = call.func.s2s_global if hasattr(call.func, "s2s_global") else self.parsed.scope.resolve(call.func)
        if not (isinstance(callee, types.FunctionType) and not is_library(callee)):
            return None
        positional = []
        for a in call.args:
            if isinstance(a, gast.Starred):
                break
            positional.append(a)
        arguments = [(i, a) for i, a in enumerate(positional)] + [(k.arg, k.value) for k in call.keywords if k.arg is not None]
        found = [(where, node, self.value_of(node)) for where, node in arguments]
        found = [(where, node, v) for where, node, v in found if v is not None]
        if not found:
            return None
        params = list(inspect.signature(callee).parameters)
        try:
            callee_parsed = parse(callee)
        except S2SError:  # a callee s2s cannot read: evaluated as written, refused where a derivative needs it
            return None
        chosen = []
        for where, node, value in found:
            param = params[where] if isinstance(where, int) and where < len(params) else where
            if param in params and _uses_as_function(callee_parsed.node, param):
                chosen.append((where, param, value))
            elif isinstance(node, gast.Lambda) or value.captured or isinstance(node, gast.Name) and node.id in self.values:
                raise self.loc.error(node, f"`{callee.__name__}` does not call the function passed here: s2s differentiates a "
                                           "function passed to one of yours where that function calls it or passes it on")
        if not chosen:
            return None
        fn = callee
        extra = []
        for where, param, value in chosen:
            fn, added = self.specialize(fn, param, value)
            extra += [gast.keyword(arg=a, value=gast.copy_location(name_node(value.captured[c]), call)) for c, a in added.items()]
        drop = {w for w, _, _ in chosen}
        args = [a for i, a in enumerate(call.args) if i not in drop]
        keywords = [k for k in call.keywords if k.arg not in drop] + extra
        func = gast.copy_location(name_node(fn.__name__), call.func)
        func.s2s_global = fn
        return gast.copy_location(gast.Call(func=func, args=args, keywords=keywords), call)

    def specialize(self, callee, param, value):
        """``(callee specialized with ``param`` holding ``value``, {captured: its keyword parameter})``."""
        key = (callee, param, value.obj)
        cache = self.made if hasattr(value.obj, "__s2s_parse__") else _SPECIALIZED
        if key in cache:
            if cache[key] is None:
                raise self.loc.error(self.parsed.node, f"`{callee.__name__}` passes its function argument `{param}` on to "
                                                       "itself: s2s specializes it for each function passed, which never ends here")
            return cache[key]
        cache[key] = None
        try:
            cache[key] = self.make_specialized(callee, param, value)
        except BaseException:
            del cache[key]
            raise
        return cache[key]

    def make_specialized(self, callee, param, value):
        parsed = parse(callee)
        node = parsed.node
        taken = ({n.id for n in gast.walk(node) if isinstance(n, gast.Name)} | set(parsed.scope.locals)) - {param}
        namer = Namer(taken)
        ref_name = getattr(value.ref, "id", None)
        ref = value.ref
        if ref_name is not None:  # a name of its own in the callee
            ref_name = namer.fresh(ref_name)
            ref = name_node(ref_name)
        added = {c: namer.fresh(c) for c in value.captured}
        args = copy.deepcopy(node.args)
        positional = args.posonlyargs + args.args
        if param in [a.id for a in positional]:
            i = [a.id for a in positional].index(param)
            n_defaults = len(args.defaults)
            first_default = len(positional) - n_defaults
            if i >= first_default:
                del args.defaults[i - first_default]
            if i < len(args.posonlyargs):
                del args.posonlyargs[i]
            else:
                del args.args[i - len(args.posonlyargs)]
        else:
            i = [a.id for a in args.kwonlyargs].index(param)
            del args.kwonlyargs[i]
            del args.kw_defaults[i]
        for a in added.values():
            args.kwonlyargs.append(gast.Name(id=a, ctx=gast.Param(), annotation=None, type_comment=None))
            args.kw_defaults.append(None)
        body = _Rename(param, ref_name or param).visit(copy.deepcopy(gast.Module(body=node.body, type_ignores=[]))).body
        suffix = ref_name or gast.unparse(value.ref).split(".")[-1]
        fname = Namer(set(callee.__globals__) | set(self.parsed.fn.__globals__)).fresh(f"{callee.__name__}_{suffix}")
        fdef = gast.copy_location(gast.FunctionDef(name=fname, args=args, body=body, decorator_list=[], returns=None,
                                                   type_comment=None, type_params=[]), node)
        inner = Value(value.obj, ref, {c: added[c] for c in value.captured})
        values = {ref_name or param: inner}
        stub = _Rewrite(parsed, {}, self.made)
        fn = stub.make(fdef, values, f"{callee.__qualname__}<{suffix}>")
        return fn, {c: added[c] for c in value.captured}


class _Stub:
    """The parsed form the rewrite of a made function's body reads: the user's location,
    scope and globals, the made function's names."""

    def __init__(self, parsed, fdef, closure):
        self.fn = parsed.fn
        self.loc = parsed.loc
        self.source = parsed.source
        self.node = fdef
        self.scope = _ClosureScope(parsed.scope, fdef, closure)


class _ClosureScope:
    def __init__(self, scope, fdef, closure):
        self.scope = scope
        args = fdef.args
        self.locals = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        self.locals |= {n.id for n in gast.walk(fdef) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
        self.closure = closure

    def root(self, node):
        return self.scope.root(node)

    def resolve(self, node):
        root = self.root(node)
        if root is not None and root.id in self.closure:
            obj = self.closure[root.id]
            for attr in reversed(_attrs(node)):
                obj = getattr(obj, attr, None)
            return obj
        return self.scope.resolve(node)

    def lookup(self, name):
        return self.closure[name] if name in self.closure else self.scope.lookup(name)


def _attrs(node):
    out = []
    while isinstance(node, gast.Attribute):
        out.append(node.attr)
        node = node.value
    return out


def _uses_as_function(fdef, param):
    """Whether ``fdef`` calls its parameter ``param`` or passes it to a call."""
    for n in gast.walk(fdef):
        if isinstance(n, gast.Call):
            if isinstance(n.func, gast.Name) and n.func.id == param:
                return True
            if any(isinstance(a, gast.Name) and a.id == param for a in n.args + [k.value for k in n.keywords]):
                return True
    return False


class _Rename(gast.NodeTransformer):
    def __init__(self, old, new):
        self.old, self.new = old, new

    def visit_Name(self, node):
        if node.id == self.old:
            node.id = self.new
        return node


class _Calls(gast.NodeTransformer):
    """Calls of function values and calls passing them, in one statement."""

    def __init__(self, rewrite):
        self.rewrite = rewrite

    def visit_Call(self, node):
        values = self.rewrite.values
        if isinstance(node.func, gast.Name) and node.func.id in values:
            node.args = [self.visit(a) for a in node.args]
            node.keywords = [self.visit(k) for k in node.keywords]
            value = values[node.func.id]
            given = {k.arg for k in node.keywords}
            return gast.copy_location(gast.Call(func=value.reference(node.func), args=node.args,
                                                keywords=node.keywords + value.keywords(node, given)), node)
        node = self.rewrite.specialized(node) or node  # the functions it passes are gone from its arguments
        node.args = [self.passed(a) for a in node.args]
        node.keywords = [gast.keyword(arg=k.arg, value=self.passed(k.value)) for k in node.keywords]
        return self.generic_visit(node)

    def passed(self, node):
        """An argument: a function value passed to a library function is passed by reference."""
        value = self.rewrite.values.get(node.id) if isinstance(node, gast.Name) else None
        if value is None:
            return node
        if value.captured:
            raise self.rewrite.loc.error(node, f"the function `{node.id}` reads `{next(iter(value.captured))}` of the function "
                                               "around it and is passed here to a function s2s does not read: define it at module "
                                               "level and pass what it reads as arguments")
        return value.reference(node)

    def visit_Name(self, node):
        if node.id in self.rewrite.values and isinstance(node.ctx, gast.Load) and not hasattr(node, "s2s_global"):
            raise self.rewrite.loc.error(node, f"the function `{node.id}` is used here as a value (returned or stored): s2s "
                                               "differentiates calls of it, and calls of your functions it is passed to; define it "
                                               "at module level and return or store the values it computes")
        return node

    def visit_Lambda(self, node):
        return node  # a lambda only called is inlined (normalize/lambdas.py); one passed was lifted by visit_Call
