"""The rule library: adjoint and tangent templates for numpy, math, builtins and the
runtime helpers generated code calls.

Installed as ``s2s.derivatives``; the modules are listed in
:data:`s2s.rules.RULE_MODULES`.  A rule is one definition where a family fits
(:mod:`s2s.families`: ``elementwise``, ``linear``), else an ``@adjoint`` and a
``@tangent`` template side by side; see :mod:`s2s.template` for how a template reads.
"""
