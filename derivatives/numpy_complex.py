"""Complex values: the parts of a complex number (``np.real``, ``np.imag``, ``np.angle``,
``np.abs``, the ``.real``/``.imag`` attributes) and ``complex(a, b)``; adjoint and tangent
side by side.

The convention is JAX's and autograd's.  A tangent is the ordinary one.  An adjoint is
the linear transpose of the tangent map, not its conjugate transpose: the adjoint of a
complex ``z = a + ib`` is ``dL/da - i dL/db``, so a holomorphic function's adjoint is
``dz * f'(x)`` with no conjugate, and ``|z|**2`` has the adjoint ``2 * conj(z)``.
The adjoint of a real value is the real part of the complex one it collects where a
real value flows into a complex one (``x * 1j``); a real value's adjoint may carry an
imaginary part until then, which no rule on real values reads (their coefficients
are real), which each function with a real result and a complex argument drops
(``np.real(dy)``), and which the transforms drop from the gradient of a real argument
(:func:`s2s.api._match_types`).

See :mod:`s2s.template` for how a template reads; every template is numpy with rules of
its own, so second order needs nothing more.
"""

import builtins

import numpy as np

from s2s.rules import adjoint, limits, nondifferentiable, tangent


@adjoint(np.real)
def real(y, val):
    dval = np.real(dy)


@tangent(np.real)
def real_(y, val):
    dy = np.real(dval)


@adjoint(np.imag)
def imag(y, val):
    """``-1j * dy``: the imaginary part's adjoint in ``dL/da - i dL/db``."""
    dval = -1j * np.real(dy)


@tangent(np.imag)
def imag_(y, val):
    dy = np.imag(dval)


@adjoint(np.angle)
def angle(y, z, deg=False):
    """``angle = atan2(b, a)``: ``-1j * conj(z) / |z|**2``; 0 at ``z == 0``."""
    dz = -1j * np.real(dy) * np.conj(z) / np.where(z == 0, 1.0, np.real(z * np.conj(z)))


@tangent(np.angle)
def angle_(y, z, deg=False):
    dy = np.imag(np.conj(z) * dz) / np.where(z == 0, 1.0, np.real(z * np.conj(z)))


limits(np.angle, defaults_only=("deg",))


@adjoint(np.absolute, builtins.abs)  # np.abs is np.absolute
def absolute(y, x):
    """Real ``x``: ``sign(x)``; complex: ``conj(x) / |x|``, 0 at 0 (the smallest subgradient)."""
    dx = dy * np.sign(x) if not np.iscomplexobj(x) else np.real(dy) * np.conj(x) / np.where(y == 0, 1.0, y)


@tangent(np.absolute, builtins.abs)
def absolute_(y, x):
    dy = dx * np.sign(x) if not np.iscomplexobj(x) else np.real(np.conj(x) * dx) / np.where(y == 0, 1.0, y)


@adjoint(builtins.complex)
def complex_(z, real=0, imag=0):
    """Real parts: the real part of ``dz`` (taken where the gradient is) and of ``1j * dz``."""
    dreal = dz
    dimag = 1j * dz


@tangent(builtins.complex)
def complex__(z, real=0, imag=0):
    dz = dreal + 0j
    dz = 1j * dimag


nondifferentiable(np.iscomplexobj, np.isrealobj, np.iscomplex, np.isreal)
