"""Spectra: the layout the adjoints of ``numpy.fft`` need (derivatives/numpy_fft.py).

``fit_to`` crops or zero-pads an array along some axes to another's shape (the ``n=``
and ``s=`` of ``np.fft``, and their transpose); ``fft_axes`` and ``fft_sizes`` are the
axes and lengths an n-dimensional transform uses, as numpy chooses them;
``half_spectrum_weights`` says how often each entry of a half spectrum (``rfft``)
stands in the full one, ``dual_norm`` which ``norm`` scales a forward transform as
another inverts.  ``fit_to`` reads only the shape of its second argument.
"""

import numpy as np

from .dispatch import library_array


def fft_axes(a, s=None, axes=None):
    """The axes (non-negative) ``np.fft.fftn(a, s, axes)`` transforms: all of them,
    or the last ``len(s)``, where ``axes`` is None.  An axis named twice is refused: the
    derivatives that ask (with ``s``, and of the real transforms) do not cover it."""
    ndim = np.ndim(a)
    if axes is None:
        axes = range(ndim) if s is None else range(ndim - len(s), ndim)
    axes = tuple(int(ax) % ndim for ax in axes)
    if len(set(axes)) < len(axes):
        raise ValueError(
            f"s2s differentiates an n-dimensional FFT with s= or a real transform only over distinct axes, not {axes}: "
            "apply the transform once per axis (np.fft.fft(np.fft.fft(x, axis=0), axis=0)), or register a rule with @s2s.adjoint")
    return axes


def fft_sizes(a, s, axes):
    """The lengths of ``a``'s transform along ``axes`` (from :func:`fft_axes`): ``s``, or ``a``'s own."""
    return tuple(s) if s is not None else tuple(np.shape(a)[ax] for ax in axes)


def fit_to(v, like, axes):
    """``v`` cropped, or zero-padded at the end, along ``axes`` to the shape of ``like``;
    linear in ``v``, its transpose is ``fit_to(dy, v, axes)``."""
    shape = np.shape(like)
    for ax in axes:
        have, want = np.shape(v)[ax], shape[ax]
        if have > want:
            v = v[(slice(None),) * (ax % np.ndim(v)) + (slice(0, want),)]
        elif have < want:
            widths = [(0, 0)] * np.ndim(v)
            widths[ax] = (0, want - have)
            v = np.pad(v, widths)
    return v


def half_spectrum_weights(signal, axis):
    """The weight of each entry along ``axis`` of the half spectrum (``np.fft.rfft``) of the
    real ``signal``: 2 for an entry that stands for a conjugate pair of the full spectrum,
    1 for the mean (and for the Nyquist entry where the length is even); shaped to
    broadcast against the half spectrum, in ``signal``'s array library."""
    n = np.shape(signal)[axis]
    other = library_array(signal)
    k = np.arange(n // 2 + 1) if other is None else np.arange(n // 2 + 1, like=other)
    weights = 2.0 - (k == 0) - (2 * k == n)
    shape = [1] * np.ndim(signal)
    shape[axis] = n // 2 + 1
    return np.reshape(weights, shape)


def dual_norm(norm):
    """The ``norm`` whose forward transform scales as ``norm``'s inverse one does."""
    return {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}[norm]
