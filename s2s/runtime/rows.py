"""The list of rows of a recursive group in compiled code (:func:`s2s.jit.recursion_groups`).

A call of the group's head pushes its forward sweep's saved tuple on the list
the group's functions pass along, and the backward sweep pops it.  numba
types that list where it is made, from a comprehension that calls the head's
forward sweep with ``None`` for the list and runs no iteration; numba compiles
that call for typing only, and there ``push_row`` does nothing.
"""


def push_row(rows, row):
    """``rows.append(row)``; nothing where ``rows`` is None (the call that gives the list its type)."""
    if rows is not None:
        rows.append(row)
