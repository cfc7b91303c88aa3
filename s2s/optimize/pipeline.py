"""The optimizer's pipeline: which rewrites run, in what order, and how often.

Takes a generated ``gast.FunctionDef``; returns it simplified in place,
computing exactly the same values.  The def-use facts are computed here and
recomputed here, after every rewrite that reports a change, so each rewrite
is handed facts true of the tree it gets.
"""

from .accumulate import gather_fields, merge_accumulations
from .arithmetic import drop_unit_seed, simplify_arithmetic
from .common import share_common_subexpressions
from .copies import coalesce_copies, fold_loop_copies, propagate_copies
from .dead import remove_dead
from .entries import drop_dead_zeroing
from .facts import def_use
from .inplace import write_in_place
from .inlining import inline_if_test, inline_single_use, inline_while_test
from .loops import hoist_invariants

ONCE, TO_FIXED_POINT = "once", "to a fixed point"

PIPELINE = (
    (simplify_arithmetic, ONCE),
    (coalesce_copies, TO_FIXED_POINT),  # a coalesced copy can leave the next one coalescible
    (propagate_copies, ONCE),
    (gather_fields, ONCE),  # before merging: it reads the additions one by one
    (merge_accumulations, ONCE),
    (inline_single_use, ONCE),
    (hoist_invariants, ONCE),
    (drop_unit_seed, ONCE),
    (simplify_arithmetic, ONCE),  # again, on the expressions inlining and the seed's removal made
    (propagate_copies, ONCE),  # the copies that simplification made (dlap = lap)
    (remove_dead, ONCE),
    (fold_loop_copies, ONCE),
    (inline_while_test, ONCE),
    (inline_if_test, ONCE),
    (share_common_subexpressions, TO_FIXED_POINT),  # a shared name can make two larger expressions alike
    (write_in_place, ONCE),  # owned names are judged on the final code
    (propagate_copies, ONCE),  # the moves ``t = y`` that writing in place left
    (drop_dead_zeroing, ONCE),  # ``y_bar[i] = 0`` (in place now) that nothing reads again
)


def optimize(fdef):
    """Simplify ``fdef`` in place by the rewrites of ``PIPELINE``, in order, and return it."""
    facts = def_use(fdef)
    for rewrite, how in PIPELINE:
        while rewrite(fdef, facts):
            facts = def_use(fdef)  # the one place facts are recomputed
            if how is ONCE:
                break
    return fdef
