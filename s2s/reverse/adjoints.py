"""Adjoint accumulation: the first contribution to an adjoint assigns it, later ones add.

Part of :class:`s2s.reverse.ReverseMode` (a mixin; the state it shares is
declared in ``ReverseMode.__init__``).  Reads ``activity``, ``namer``,
``classes``, ``scalar``, ``once``, ``params``, ``block``/``top``/``block_defs``
(the block being built) and ``origin`` (the primal statement being
differentiated); writes ``out`` (the backward block being built),
``defined`` (adjoints holding a value here), ``uniform`` (adjoints held as one
number), ``partial`` (adjoints held with reduced axes of length 1),
``contributed`` and ``backward_locals``.
"""

import math

import gast
import numpy

from ..naming import spelling
from ..shapes import is_integer
from .syntax import assign, call, name


class Adjoints:
    """Naming, emitting and accumulating adjoints, uniform adjoints included."""

    def adjoint(self, primal):
        adj = self.namer.adjoint(primal)
        self.backward_locals.add(adj)
        return adj

    def fresh(self, base):
        new = self.namer.fresh(base)
        self.backward_locals.add(new)
        return new

    def emit(self, stmt):
        stmt.s2s_line = self.origin.s2s_line
        stmt.s2s_text = self.origin.s2s_text
        self.out.append(stmt)

    def active(self, atom):
        return isinstance(atom, gast.Name) and not hasattr(atom, "s2s_global") and atom.id in self.activity

    def contribute(self, atom, value):
        """Add ``value`` to the adjoint of ``atom`` if it is an active name.

        A *uniform* contribution, every entry the same number (the adjoint of a
        full reduction, ``unreduce(g, t, None, False)``), is kept as that
        number when ``atom`` has a shape class (:mod:`s2s.shapes`), is
        assigned once and the block being built assigns it: the adjoint is then "``g`` everywhere in
        ``atom``'s shape", and the elementwise rule of ``atom``'s definition
        multiplies by the number instead of by a broadcast array
        (:meth:`apply_rule`).  Held so, the adjoint is a number or (after an
        array was added to it) an array of ``atom``'s shape; it never leaves
        the block.  A parameter's adjoint may be one too, in the function's
        body; it becomes an array before the backward sweep returns it.
        """
        if not self.active(atom):
            return
        adj = self.adjoint(atom.id)
        self.mark_basic(atom, adj, value)
        cls = self.classes.get(atom.id)
        axes = self.partial_axes(value, cls)
        if axes is not None:  # the same along ``axes`` of atom's shape: see hold_partial
            value = self.hold_partial(atom, adj, self.expand(value), axes)
        elif self.uniform_value(value):
            value = self.strip_unreduce(value)
            if adj in self.defined:
                value = gast.BinOp(left=name(adj), op=gast.Add(), right=value)  # an array and a number
            elif self.holds(atom):
                self.uniform[adj] = (atom.id, self.block)
            else:
                value = self.unreduce_all(value, atom.id)
        else:
            if self.kind(value, cls) == "full":  # partial parts broadcast against the full ones
                value = self.expand(value)
            else:
                for n in {n.id for n in gast.walk(value) if isinstance(n, gast.Name) and n.id in self.partial}:
                    self.materialize(n)  # read as they are: arrays of their primals' shapes first
            if adj in self.defined:  # an array of atom's shape now (elsewhere: also what was held)
                value = gast.BinOp(left=name(adj), op=gast.Add(), right=value)
                for held in (self.uniform, self.partial):
                    if held.get(adj, (None, None))[1] == self.block:
                        del held[adj]
        self.defined.add(adj)
        self.contributed.add(adj)
        self.emit(assign(adj, value))

    def holds(self, atom):
        """Whether ``atom``'s adjoint may be held as a number or with reduced axes: ``atom`` has a
        shape class, is assigned once, and by the block being built (or is a parameter and
        the block is the function's body)."""
        return atom.id in self.classes and atom.id in self.once and (
            atom.id in self.block_defs or (atom.id in self.params and self.block == self.top))

    def hold_partial(self, atom, adj, value, axes):
        """The value to assign to ``atom``'s adjoint for a contribution ``value`` that is the same
        along ``axes`` of ``atom``'s shape (the adjoint of a reduction over them,
        ``unreduce(g, t, 1, False)``), written with those axes of length 1 (``g[:, None]``).

        Held so where :meth:`holds` allows, like a uniform adjoint (see :meth:`contribute`): the
        elementwise rule of ``atom``'s definition then multiplies by it and numpy broadcasts, where
        ``unreduce`` would have built the array of ``atom``'s shape (``np.broadcast_to``) first.
        Else the array, ``unreduce(value, atom, axes, True)``."""
        if adj in self.defined:  # added to what the adjoint holds: an array, or held along the same axes
            if adj in self.uniform:
                self.materialize(adj)
            return gast.BinOp(left=name(adj), op=gast.Add(), right=value)
        if self.holds(atom):
            self.partial[adj] = (atom.id, self.block, axes)
            return value
        return _unreduce_kept(value, atom.id, axes)

    def partial_axes(self, node, cls):
        """The axes along which ``node`` is the same, where it is an elementwise expression of
        numbers (see :meth:`kind`), held partial adjoints and reduction adjoints
        ``unreduce(g, t, axis, keepdims)`` over some of the axes of ``t`` of shape class
        ``cls``, all over the same axes, with at least one of the latter two; else None."""
        found = set()

        def walk(n):
            if isinstance(n, gast.Name) and n.id in self.partial:
                found.add(self.partial[n.id][2] if self.classes.get(self.partial[n.id][0]) == cls else None)
                return True
            axes = self.reduced_axes(n)
            if axes is not None:
                found.add(axes if self.classes.get(n.args[1].id) == cls else None)
                return True
            if isinstance(n, gast.BinOp) and not isinstance(n.op, gast.MatMult):
                return walk(n.left) and walk(n.right)
            if isinstance(n, gast.UnaryOp) and not isinstance(n.op, gast.Not):
                return walk(n.operand)
            if isinstance(n, gast.Call) and isinstance(_numpy_function(n.func), numpy.ufunc) and not n.keywords:
                return all(walk(a) for a in n.args)
            return self.kind(n, None) == "uniform"

        if cls is None or not walk(node) or len(found) != 1:
            return None
        return found.pop()

    def reduced_axes(self, node):
        """``unreduce(g, t, axis, keepdims)``, ``g`` not a number, over some of the axes of a name
        ``t`` whose rank the variant knows (:mod:`s2s.shapes`): the axes, as a sorted tuple of
        nonnegative ints; else None."""
        if not (is_call(node, "unreduce") and len(node.args) == 4 and not node.keywords and isinstance(node.args[1], gast.Name)):
            return None
        g, t, axis, keepdims = node.args
        key = self.classes.get(t.id) if not hasattr(t, "s2s_global") else None
        if not (isinstance(key, tuple) and key[0] == "dims" and isinstance(keepdims, gast.Constant) and isinstance(keepdims.value, bool)):
            return None
        rank = len(key[1])
        parts = axis.elts if isinstance(axis, gast.Tuple) else [axis]
        if not all(isinstance(a, gast.Constant) and type(a.value) is int and -rank <= a.value < rank for a in parts):
            return None
        axes = tuple(sorted({a.value % rank for a in parts}))
        if len(axes) == rank or self.kind(g, None) == "uniform":
            return None  # a number everywhere: uniform (see kind)
        return axes

    def expand(self, node):
        """``node`` with each reduction adjoint ``unreduce(g, t, axis, keepdims)`` over some of
        ``t``'s axes written as ``g`` with those axes of length 1, which numpy broadcasts
        (``g`` where ``keepdims``, else ``g[:, None]``), and each uniform one as ``g``."""
        axes = self.reduced_axes(node)
        if axes is not None:
            g, t, _, keepdims = node.args
            if keepdims.value:
                return g
            rank = len(self.classes[t.id][1])
            index = [gast.Constant(value=None, kind=None) if i in axes else gast.Slice(lower=None, upper=None, step=None) for i in range(rank)]
            while isinstance(index[-1], gast.Slice):
                index.pop()
            return gast.Subscript(value=g, slice=index[0] if len(index) == 1 else gast.Tuple(elts=index, ctx=gast.Load()), ctx=gast.Load())
        if is_call(node, "unreduce") and len(node.args) == 4 and self.kind(node, None) == "uniform":
            return node.args[0]
        return _each_child(node, self.expand)

    def mark_basic(self, atom, adj, value):
        """An entry or slice ``unindex(g, x, index)`` of an array ``x`` whose dimensions are
        known, by an index of integers and slices (:mod:`s2s.shapes`), added to an adjoint
        that holds a value: it places ``g`` in zeros shaped like the adjoint itself, which
        is then read for its shape only (``x`` need not be saved for it), and is marked
        basic, so that the optimizer adds it in place, ``dx[index] += g``, where the
        adjoint is owned (:mod:`s2s.optimize.inplace`); ``zeroed(g, index)``, the adjoint
        of an array written at ``index``, is marked so too."""
        if is_call(value, "zeroed") and len(value.args) == 2 and self.basic_index(atom, value.args[1]):
            value.s2s_basic = True  # the adjoint of an array: zeroed in place where it is owned
        if not (is_call(value, "unindex") and len(value.args) == 3 and adj in self.defined and adj not in self.uniform and adj not in self.partial):
            return
        if self.basic_index(atom, value.args[2]):
            value.args[1] = name(adj)
            value.s2s_basic = True

    def basic_index(self, atom, index):
        """Whether ``atom[index]`` is basic indexing of an array whose dimensions are
        known (:mod:`s2s.shapes`), by integers and slices of integers."""
        key = self.classes.get(atom.id) if isinstance(atom, gast.Name) else None
        parts = index_parts(index)
        if not (isinstance(key, tuple) and key[0] == "dims" and parts is not None and len(parts) <= len(key[1])):
            return False
        return all(is_integer(p, self.integers) or _constant_slice(p, self.integers) for p in parts)

    def materialize(self, adj):
        """A uniform or partial adjoint (see :meth:`contribute`) as an array of its primal's shape."""
        primal, _ = self.uniform.pop(adj, (None, None))
        if primal is not None:
            self.emit(assign(adj, self.unreduce_all(name(adj), primal)))
        self.materialize_partial(adj)

    def materialize_partial(self, adj):
        primal, _, axes = self.partial.pop(adj, (None, None, None))
        if primal is not None:
            self.emit(assign(adj, _unreduce_kept(name(adj), primal, axes)))

    def unreduce_all(self, value, primal):
        """``unreduce(value, primal, None, False)``: the number ``value`` everywhere in ``primal``'s shape."""
        return call("unreduce", value, name(primal), gast.Constant(value=None, kind=None), gast.Constant(value=False, kind=None))

    def uniform_value(self, node):
        """Whether ``node`` is one number standing for an array: arithmetic of
        full-reduction adjoints ``unreduce(g, t, None, False)``, uniform adjoints,
        scalars and sizes, with at least one of the first two."""
        return self.kind(node, None) == "uniform" and any(
            _is_unreduce_all(n) or (isinstance(n, gast.Name) and n.id in self.uniform) for n in gast.walk(node)
        )

    def kind(self, node, cls):
        """``"uniform"`` (a number), ``"full"`` (an array of shape class ``cls``)
        or None (anything else) for an elementwise expression of a rule's output."""
        if isinstance(node, gast.Constant):
            return "uniform" if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else None
        if isinstance(node, gast.Name):
            if hasattr(node, "s2s_global"):
                return None
            if node.id in self.uniform or node.id in self.scalar:
                return "uniform"
            if node.id in self.partial:
                return "partial" if cls is not None and self.classes.get(self.partial[node.id][0]) == cls else None
            return "full" if cls is not None and self.classes.get(node.id) == cls else None
        if _is_unreduce_all(node):
            return "uniform" if self.kind(node.args[0], None) == "uniform" or isinstance(node.args[0], gast.Name) else None
        if is_call(node, "unreduce") and len(node.args) == 4 and not node.keywords:
            if self.kind(node.args[0], None) == "uniform":
                return "uniform"  # a number, over some axes or all of them: a number everywhere
            axes = self.reduced_axes(node)
            return "partial" if axes is not None and cls is not None and self.classes.get(node.args[1].id) == cls else None
        if isinstance(node, gast.Call) and spelling(node.func) in SIZES:
            return "uniform"
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Attribute) and node.value.attr == "shape":
            return "uniform"  # a dimension (see size_from_parameters)
        if isinstance(node, gast.BinOp) and not isinstance(node.op, gast.MatMult):
            parts = [node.left, node.right]
        elif isinstance(node, gast.UnaryOp) and not isinstance(node.op, gast.Not):
            parts = [node.operand]
        elif isinstance(node, gast.Call) and isinstance(_numpy_function(node.func), numpy.ufunc) and not node.keywords:
            parts = node.args
        else:
            return None
        kinds = {self.kind(p, cls) for p in parts}
        if None in kinds:
            return None
        return "full" if "full" in kinds else "partial" if "partial" in kinds else "uniform"

    def strip_unreduce(self, node):
        """``node`` with each ``unreduce(g, t, None, False)`` (and each of a number ``g``) replaced by ``g``."""
        if _is_unreduce_all(node) or (is_call(node, "unreduce") and len(node.args) == 4 and self.kind(node, None) == "uniform"):
            return node.args[0]
        return _each_child(node, self.strip_unreduce)

    def fold_sizes(self, node):
        """``node`` (an AST, or a rule's :class:`~s2s.template.Contribution`) with each
        ``size_of(x)`` of a name whose size the variant knows written as that number: 1 for
        a scalar, the product of its dimensions where they are all sizes (:mod:`s2s.shapes`).
        The shape ``x`` then need not be saved for it (``np.mean``'s adjoint)."""
        if hasattr(node, "param") and hasattr(node, "value"):
            node.value = self.fold_sizes(node.value)
            return node
        if isinstance(node, gast.Call) and spelling(node.func) in ("size_of", "np.size") and len(node.args) == 1 and not node.keywords:
            arg = node.args[0]
            key = self.classes.get(arg.id) if isinstance(arg, gast.Name) and not hasattr(arg, "s2s_global") else None
            if isinstance(arg, gast.Name) and arg.id in self.scalar:
                return gast.Constant(value=1, kind=None)
            if isinstance(key, tuple) and key[0] == "dims" and all(type(d) is int for d in key[1]):
                return gast.Constant(value=math.prod(key[1]), kind=None)
            if isinstance(key, tuple) and key[0] == "dims":  # symbols: the parameters' dimensions they stand for
                return self.size_from_parameters(key[1], node)
            return node
        if isinstance(node, gast.Call) and spelling(node.func) in ("matmul_dx", "matmul_dy") and len(node.args) == 3 and not node.keywords:
            node.args = [self.fold_sizes(a) for a in node.args]
            return self.known_product(node)
        return _each_child(node, self.fold_sizes)

    def size_from_parameters(self, dims, node):
        """The product of ``dims`` (sizes and symbols) read from parameters' shapes
        (``x.shape[0] * 3``), so the value whose size it is need not be kept; ``node`` where a
        symbol is no parameter's dimension."""
        product = None
        for d in dims:
            if type(d) is int:
                factor = gast.Constant(value=d, kind=None)
            else:
                where = next(((p, i) for p in self.signature for i, e in enumerate(self.classes.get(p, (None, ()))[1])
                              if self.classes[p][0] == "dims" and e == d and p not in self.scalar), None)
                if where is None:
                    return node
                shape = gast.Attribute(value=name(where[0]), attr="shape", ctx=gast.Load())
                factor = gast.Subscript(value=shape, slice=gast.Constant(value=where[1], kind=None), ctx=gast.Load())
            product = factor if product is None else gast.BinOp(left=product, op=gast.Mult(), right=factor)
        return product if product is not None else gast.Constant(value=1, kind=None)

    def known_product(self, node):
        """``matmul_dx(g, x, y)`` or ``matmul_dy(g, x, y)`` (the adjoints of ``x @ y``) where the
        variant knows that ``x`` and ``y`` are vectors or matrices: the product it computes,
        written out (``g @ y.T``, ``x.T @ g``, ``g * y``, ``x[:, None] * g``), so the
        call tests no ranks and reads only the operand it multiplies by."""
        g, x, y = node.args
        ranks = [self.rank(a) for a in (x, y)]
        if None in ranks:
            return node
        def outer(a, b):  # of two vectors: ``a[:, None] * b``, np.outer's product without its call
            column = gast.Tuple(elts=[gast.Slice(lower=None, upper=None, step=None), gast.Constant(value=None, kind=None)], ctx=gast.Load())
            return gast.BinOp(left=gast.Subscript(value=a, slice=column, ctx=gast.Load()), op=gast.Mult(), right=b)

        def T(m):
            return gast.Attribute(value=m, attr="T", ctx=gast.Load())

        def matmul(a, b):
            return gast.BinOp(left=a, op=gast.MatMult(), right=b)

        if spelling(node.func) == "matmul_dx":
            made = {(2, 2): lambda: matmul(g, T(y)), (1, 1): lambda: gast.BinOp(left=g, op=gast.Mult(), right=y),
                    (1, 2): lambda: matmul(y, g), (2, 1): lambda: outer(g, y)}
        else:
            made = {(2, 2): lambda: matmul(T(x), g), (1, 1): lambda: gast.BinOp(left=g, op=gast.Mult(), right=x),
                    (1, 2): lambda: outer(x, g), (2, 1): lambda: matmul(T(x), g)}
        return made[tuple(ranks)]()

    def rank(self, node):
        """1 or 2 where ``node`` is a name the variant knows to hold a vector or a matrix, else None."""
        key = self.classes.get(node.id) if isinstance(node, gast.Name) and not hasattr(node, "s2s_global") else None
        if isinstance(key, tuple) and key[0] == "dims" and len(key[1]) in (1, 2) and node.id not in self.scalar:
            return len(key[1])
        return None

    def zero_fill(self, primal):
        """``dv = zeros_like(v)``: a zero adjoint where a path contributed nothing."""
        adj = self.adjoint(primal)
        self.emit(assign(adj, call("zeros_like", name(primal))))
        self.defined.add(adj)


SIZES = {"np.size", "np.ndim", "size_of", "len"}


def _each_child(node, rewrite):
    """``node`` with each child node replaced by ``rewrite(child)`` (in place)."""
    for field, value in gast.iter_fields(node):
        if isinstance(value, gast.AST):
            setattr(node, field, rewrite(value))
        elif isinstance(value, list):
            setattr(node, field, [rewrite(v) if isinstance(v, gast.AST) else v for v in value])
    return node


def is_call(node, fname):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == fname


def index_parts(index):
    """The parts of an index expression (a tuple's elements, else the index alone); None for an empty tuple."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return parts or None


def _constant_slice(node, integers):
    """``a:b:c`` (or ``slice(a, b, c)``) of integers and Nones."""
    if isinstance(node, gast.Slice):
        bounds = [node.lower, node.upper, node.step]
    elif is_call(node, "slice") and not node.keywords:
        bounds = list(node.args)
    else:
        return False
    return all(b is None or (isinstance(b, gast.Constant) and b.value is None) or is_integer(b, integers) for b in bounds)


def _unreduce_kept(value, primal, axes):
    """``unreduce(value, primal, axes, True)``: ``value``, with ``axes`` of length 1, broadcast to ``primal``'s shape."""
    axis = gast.Constant(value=axes[0], kind=None) if len(axes) == 1 else gast.Tuple(elts=[gast.Constant(value=a, kind=None) for a in axes], ctx=gast.Load())
    return call("unreduce", value, name(primal), axis, gast.Constant(value=True, kind=None))


def _is_unreduce_all(node):
    """``unreduce(g, t, None, False)``: the adjoint of a reduction of all of ``t`` to a number."""
    return (
        isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "unreduce"
        and len(node.args) == 4 and not node.keywords
        and isinstance(node.args[2], gast.Constant) and node.args[2].value is None
        and isinstance(node.args[3], gast.Constant) and node.args[3].value is False
    )


def _numpy_function(func):
    """The numpy object ``np.name`` spells, or None."""
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id == "np":
        return getattr(numpy, func.attr, None)
    return None

