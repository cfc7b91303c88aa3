"""Functions of one number for backward sweeps: ``math``'s speed, numpy's answers at the edges.

A backward sweep on scalars computes factors of its adjoints (``dx = dy * np.cos(x)`` for
``y = np.sin(x)``) that no one compares with the function's own values, so they may be
``math``'s functions (a Python float, a fifth of a numpy scalar function's call) where they
agree with numpy's but for rounding.  Where they do not agree, numpy answers: ``math`` raises
on an infinite argument (``math.cos(inf)``), outside its domain (``math.log(-1.0)``,
``math.sqrt(-1.0)``) and on overflow (``math.cosh(1000.0)``) where numpy gives nan or inf
(with its warning), so those calls, and every argument that is not a Python float or a
float64 scalar (arrays, float32, complex, 0-d arrays), go to numpy's function.

:mod:`s2s.families` spells the derivatives of the elementwise functions that have a
``math`` twin with these (``float_cos(x)``) in the adjoint of a call on scalars
(:mod:`s2s.reverse.calls`).
"""

import math

import numpy as np


def _on_floats(np_fn, math_fn):
    def fn(x):
        kind = type(x)
        if kind is float or kind is np.float64:
            try:
                return math_fn(x)
            except (ValueError, OverflowError):  # inf, outside the domain, overflow: numpy's nan or inf
                pass
        return np_fn(x)

    fn.__name__ = fn.__qualname__ = f"float_{np_fn.__name__}"
    fn.__doc__ = f"``np.{np_fn.__name__}(x)``, as ``math.{math_fn.__name__}(x)`` where ``x`` is a Python float or float64 that math takes."
    return fn


float_cos = _on_floats(np.cos, math.cos)
float_sin = _on_floats(np.sin, math.sin)
float_cosh = _on_floats(np.cosh, math.cosh)
float_sinh = _on_floats(np.sinh, math.sinh)
float_log = _on_floats(np.log, math.log)
float_sqrt = _on_floats(np.sqrt, math.sqrt)

# np.name -> the helper that computes it on a float (s2s.families)
ON_FLOATS = {f.__name__[len("float_"):]: f.__name__ for f in (float_cos, float_sin, float_cosh, float_sinh, float_log, float_sqrt)}
