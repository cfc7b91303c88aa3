"""numpy.fft: the transforms are linear; each definition's body is the transpose, its return
the transform itself (:func:`s2s.families.linear`), so the tangent is the transform of the
tangent.

Complex values follow the convention of JAX and autograd (see also
:mod:`s2s.derivatives.numpy_complex`): an adjoint is the linear transpose of the tangent
map, not its conjugate transpose.  The adjoint of a complex ``z = a + ib`` is
``dL/da - i dL/db``; the gradient of a real argument is the real part of what its complex
intermediates give it, and a real result's adjoint is real.  So:

* ``fft``, ``ifft`` (and ``fft2``, ``fftn``, ``ifft2``, ``ifftn``): the DFT matrix is
  symmetric, so the transpose is the same transform with the same ``norm``;
  ``n=``/``s=`` crop or zero-pad the input, whose transpose zero-pads or crops back
  (``fit_to``).
* ``rfft`` (``rfft2``, ``rfftn``): a real signal to the first ``n // 2 + 1`` rows of the
  DFT; the transpose is the real part of the full ``fft`` of the adjoint zero-padded to
  the signal's length.
* ``irfft`` (``irfft2``, ``irfftn``): a half spectrum to a real signal; the imaginary parts
  of the mean and Nyquist entries are ignored and every other entry stands for a
  conjugate pair, so the transpose is ``conj(rfft(dy))`` with the inverse's scaling
  (``dual_norm``) and each pair's entry counted twice (``half_spectrum_weights``).
* ``fftshift``, ``ifftshift``: permutations; each is the other's transpose.
* ``fftfreq``, ``rfftfreq``: ``k / (n d)``, in the spacing ``d``.

Covered: ``n``, ``axis``, ``s``, ``axes`` and ``norm`` (None, "backward", "ortho",
"forward"), either parity of length; not ``out=`` (declared with :func:`limits`), nor
repeated ``axes`` with ``s=`` or in the real transforms (refused at run time).  Every
template is numpy.fft, ``np.real``, ``np.conj`` and the helpers of
``s2s.runtime.spectra`` (``fit_to`` has rules in derivatives/runtime_rules.py, the others
read only shapes and options), so second order needs nothing more.
"""

import numpy as np

from s2s import runtime
from s2s.families import linear
from s2s.rules import adjoint, limits, nondifferentiable, tangent


@linear(np.fft.fft)
def fft(y, a, n=None, axis=-1, norm=None, out=None):
    da = np.fft.fft(dy, axis=axis, norm=norm) if n is None else fit_to(np.fft.fft(dy, axis=axis, norm=norm), a, (axis,))
    return np.fft.fft(a, n=n, axis=axis, norm=norm)


@linear(np.fft.ifft)
def ifft(y, a, n=None, axis=-1, norm=None, out=None):
    da = np.fft.ifft(dy, axis=axis, norm=norm) if n is None else fit_to(np.fft.ifft(dy, axis=axis, norm=norm), a, (axis,))
    return np.fft.ifft(a, n=n, axis=axis, norm=norm)


@linear(np.fft.fft2)
def fft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    da = np.fft.fft2(dy, axes=axes, norm=norm) if s is None else fit_to(np.fft.fft2(dy, axes=axes, norm=norm), a, fft_axes(a, s, axes))
    return np.fft.fft2(a, s=s, axes=axes, norm=norm)


@linear(np.fft.ifft2)
def ifft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    da = np.fft.ifft2(dy, axes=axes, norm=norm) if s is None else fit_to(np.fft.ifft2(dy, axes=axes, norm=norm), a, fft_axes(a, s, axes))
    return np.fft.ifft2(a, s=s, axes=axes, norm=norm)


@linear(np.fft.fftn)
def fftn(y, a, s=None, axes=None, norm=None, out=None):
    da = np.fft.fftn(dy, axes=axes, norm=norm) if s is None else fit_to(np.fft.fftn(dy, axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes))
    return np.fft.fftn(a, s=s, axes=axes, norm=norm)


@linear(np.fft.ifftn)
def ifftn(y, a, s=None, axes=None, norm=None, out=None):
    da = np.fft.ifftn(dy, axes=axes, norm=norm) if s is None else fit_to(np.fft.ifftn(dy, axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes))
    return np.fft.ifftn(a, s=s, axes=axes, norm=norm)


@linear(np.fft.rfft)
def rfft(y, a, n=None, axis=-1, norm=None, out=None):
    da = np.real(fit_to(np.fft.fft(dy, n=np.shape(a)[axis] if n is None else n, axis=axis, norm=norm), a, (axis,)))
    return np.fft.rfft(a, n=n, axis=axis, norm=norm)


@linear(np.fft.irfft)
def irfft(y, a, n=None, axis=-1, norm=None, out=None):
    da = fit_to(np.conj(np.fft.rfft(np.real(dy), axis=axis, norm=dual_norm(norm))) * half_spectrum_weights(dy, axis), a, (axis,))
    return np.fft.irfft(a, n=n, axis=axis, norm=norm)


@linear(np.fft.rfftn)
def rfftn(y, a, s=None, axes=None, norm=None, out=None):
    da = np.real(fit_to(np.fft.fftn(dy, s=fft_sizes(a, s, fft_axes(a, s, axes)), axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes)))
    return np.fft.rfftn(a, s=s, axes=axes, norm=norm)


@linear(np.fft.rfft2)
def rfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    da = np.real(fit_to(np.fft.fftn(dy, s=fft_sizes(a, s, fft_axes(a, s, axes)), axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes)))
    return np.fft.rfft2(a, s=s, axes=axes, norm=norm)


@linear(np.fft.irfftn)
def irfftn(y, a, s=None, axes=None, norm=None, out=None):
    da = fit_to(np.conj(np.fft.rfftn(np.real(dy), axes=fft_axes(dy, s, axes), norm=dual_norm(norm))) * half_spectrum_weights(dy, fft_axes(dy, s, axes)[-1]), a, fft_axes(dy, s, axes))
    return np.fft.irfftn(a, s=s, axes=axes, norm=norm)


@linear(np.fft.irfft2)
def irfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    da = fit_to(np.conj(np.fft.rfftn(np.real(dy), axes=fft_axes(dy, s, axes), norm=dual_norm(norm))) * half_spectrum_weights(dy, fft_axes(dy, s, axes)[-1]), a, fft_axes(dy, s, axes))
    return np.fft.irfft2(a, s=s, axes=axes, norm=norm)


@linear(np.fft.fftshift)
def fftshift(y, x, axes=None):
    dx = np.fft.ifftshift(dy, axes=axes)
    return np.fft.fftshift(x, axes=axes)


@linear(np.fft.ifftshift)
def ifftshift(y, x, axes=None):
    dx = np.fft.fftshift(dy, axes=axes)
    return np.fft.ifftshift(x, axes=axes)


@adjoint(np.fft.fftfreq, np.fft.rfftfreq)
def fftfreq(y, n, d=1.0, device=None):
    """The frequencies ``k / (n d)``: in the spacing ``d`` only (``n`` is an integer)."""
    dd = -np.sum(dy * y) / d


@tangent(np.fft.fftfreq, np.fft.rfftfreq)
def fftfreq_(y, n, d=1.0, device=None):
    dy = -y * dd / d


limits(np.fft.fft, np.fft.ifft, np.fft.fft2, np.fft.ifft2, np.fft.fftn, np.fft.ifftn, np.fft.rfft, np.fft.irfft,
       np.fft.rfft2, np.fft.rfftn, np.fft.irfft2, np.fft.irfftn, defaults_only=("out",))


nondifferentiable(runtime.fft_axes, runtime.fft_sizes, runtime.half_spectrum_weights, runtime.dual_norm)
