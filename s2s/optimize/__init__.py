"""The optimizer: exact rewrites that make generated code shorter, faster and readable.

Takes a generated ``gast.FunctionDef`` (a forward or backward sweep, or a
forward-mode function); ``optimize`` returns it simplified in place, every
value it computes the same, bit for bit.

The package reads as the optimizer:

* ``facts`` -- the one analysis: def-use counts (loads and stores per name),
  the blocks of a body.  It returns facts and never edits.
* ``expressions`` -- what a rewrite asks of one expression (pure? arithmetic?
  a simple test?).
* one module per family of rewrites: ``arithmetic`` (exact algebra, the seed
  of ``grad``), ``copies``, ``inlining``, ``dead``, ``loops`` (invariant
  hoisting), ``common`` (common subexpressions), ``accumulate``, ``inplace``
  (accumulations and item writes into arrays no one else holds).
* ``pipeline`` -- the run list: which rewrites run, in what order, which to a
  fixed point; the only place facts are recomputed.

Every rewrite has one calling convention::

    rewrite(fdef, facts) -> bool

It edits ``fdef`` in place, reads the def-use facts ``facts`` (a
``facts.DefUse``, true of ``fdef`` as given; it never edits them, and keeps a
copy of its own where it must update counts as it goes) and returns whether
it changed anything, so the pipeline knows when to recompute the facts and
when a fixed point is reached.  Its docstring shows a before/after pair, and
tests/test_optimize_rewrites.py checks exactly that pair.  To add a rewrite:
write it in the module of its family (or a new one) with that signature, a
docstring with its example and a test of the example, and put it in
``pipeline.PIPELINE`` where its inputs are ready.
"""

from .expressions import arithmetic_of
from .facts import DefUse, def_use, names
from .loops import hoist_invariants
from .pipeline import optimize

__all__ = ["DefUse", "arithmetic_of", "def_use", "hoist_invariants", "names", "optimize"]
