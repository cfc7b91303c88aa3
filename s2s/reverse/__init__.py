"""Reverse mode (see :mod:`s2s.reverse.mode`): the names other modules use."""

from .calls import known_reduction, others_conform
from .forward_sweep import CallSite
from .mode import Callee, ReverseMode
from .syntax import assign, assigned, call, describe, gast_text, index_expr, name, saved_tuple

__all__ = [
    "Callee", "CallSite", "ReverseMode", "assign", "assigned", "call",
    "describe", "gast_text", "index_expr", "known_reduction", "name", "others_conform", "saved_tuple",
]
