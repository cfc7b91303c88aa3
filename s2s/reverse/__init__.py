"""Reverse mode (see :mod:`s2s.reverse.mode`): the names other modules use."""

from .calls import others_conform
from .forward_sweep import CallSite
from .mode import Callee, ReverseMode
from .syntax import assign, call, name

__all__ = ["Callee", "CallSite", "ReverseMode", "assign", "call", "name", "others_conform"]
