"""The rule library: adjoint templates for numpy, math and builtins.

Installed as ``s2s.derivatives``.  Each module registers templates with
:func:`s2s.rules.adjoint`; see :mod:`s2s.template` for how a template reads.
"""
