"""numpy.fft: every rule of derivatives/numpy_fft.py, in both modes and to second order.

Each case is a real-valued loss of real arguments through a transform (``np.abs(..)**2``,
``np.real``, ``np.imag``, ``irfft`` of a spectrum) times a fixed random weight ``w``,
summed.  For each (``check_modes`` of tests/rulecheck.py): ``s2s.grad`` against central
finite differences in float64 (real and float-typed), ``s2s.jvp`` against central
differences, ``s2s.vjp`` by the dot-product identity, ``s2s.hvp`` against central
differences of the gradient.  The cases cover ``n``/``s``, ``axis``/``axes``, the three
``norm`` and both parities of length; ``RULE_CASES`` are also tests/test_rules.py's (and so
second order's, tests/test_rules_hvp.py).  Then: complex arguments get JAX's gradient,
the library stays whole, ``out=`` is refused at the line, realistic programs
(convolution, power spectra, a spectral derivative, phase retrieval) differentiate, and
the rules run on duck arrays (no host array made) and dask arrays.
"""

import numpy as np
import pytest

import s2s
from gradcheck import numeric_grad
from rulecheck import Draws, check_modes, rules_of

A = Draws(2026).normal


# -- one function per rule and option: the result times w, summed ---------------------------


def fft_power(x, w): return np.sum(np.abs(np.fft.fft(x)) ** 2 * w)
def fft_n_ortho(x, w): return np.sum(np.real(np.fft.fft(x, n=7, norm="ortho") ** 2) * w)
def fft_crop_axis(x, w): return np.sum(np.abs(np.fft.fft(x, n=3, axis=0)) * w)
def ifft_forward(x, w): return np.sum(np.imag(np.fft.ifft(x * (1 + 1j), n=8, norm="forward") ** 2) * w)
def ifft_plain(x, w): return np.sum(np.real(np.fft.ifft(x) ** 2) * w)
def rfft_power(x, w): return np.sum(np.abs(np.fft.rfft(x)) ** 2 * w)
def rfft_odd_pad(x, w): return np.sum(np.abs(np.fft.rfft(x, n=9, norm="ortho")) ** 2 * w)
def rfft_crop_forward(x, w): return np.sum(np.imag(np.fft.rfft(x, n=6, axis=0, norm="forward") ** 2) * w)
def irfft_even(x, y, w): return np.sum(np.fft.irfft(x + 1j * y) ** 2 * w)
def irfft_odd(x, y, w): return np.sum(np.fft.irfft(x * (1 - 2j) + y, n=7, norm="ortho") ** 2 * w)
def irfft_pad_forward(x, w): return np.sum(np.fft.irfft(x * 1j + x ** 2, n=12, axis=0, norm="forward") * w)
def irfft_crop(x, w): return np.sum(np.fft.irfft(np.exp(1j * x), n=4) * w)
def fft2_power(x, w): return np.sum(np.abs(np.fft.fft2(x)) ** 2 * w)
def fft2_s_ortho(x, w): return np.sum(np.abs(np.fft.fft2(x, s=(3, 6), norm="ortho")) ** 2 * w)
def ifft2_axes(x, w): return np.sum(np.real(np.fft.ifft2(x * 1j + x ** 2, axes=(0, 2))) * w)
def ifft2_s(x, w): return np.sum(np.imag(np.fft.ifft2(x, s=(5, 2), norm="forward")) ** 2 * w)
def fftn_all(x, w): return np.sum(np.abs(np.fft.fftn(x)) ** 2 * w)
def fftn_s_axes(x, w): return np.sum(np.abs(np.fft.fftn(x, s=(4, 3), axes=(2, 0))) ** 2 * w)
def ifftn_forward(x, w): return np.sum(np.real(np.fft.ifftn(x ** 2, axes=(1,), norm="forward")) * w)
def ifftn_s(x, w): return np.sum(np.abs(np.fft.ifftn(x, s=(2, 6), axes=(0, 1), norm="ortho")) ** 2 * w)
def rfft2_power(x, w): return np.sum(np.abs(np.fft.rfft2(x)) ** 2 * w)
def rfft2_s(x, w): return np.sum(np.abs(np.fft.rfft2(x, s=(3, 5), norm="ortho")) ** 2 * w)
def rfftn_axes(x, w): return np.sum(np.abs(np.fft.rfftn(x, axes=(0, 2), norm="forward")) ** 2 * w)
def rfftn_s(x, w): return np.sum(np.real(np.fft.rfftn(x, s=(5, 4), axes=(0, 1))) ** 2 * w)
def irfft2_roundtrip(x, w): return np.sum(np.fft.irfft2(np.fft.rfft2(x) * (1 + 0.5j)) ** 2 * w)
def irfft2_s(x, y, w): return np.sum(np.fft.irfft2(x + 1j * y, s=(4, 7), norm="ortho") ** 2 * w)
def irfftn_axes(x, y, w): return np.sum(np.fft.irfftn(x * (2 + 1j) - 1j * y, axes=(0, 2), norm="forward") ** 2 * w)
def irfftn_s(x, w): return np.sum(np.fft.irfftn(np.exp(1j * x), s=(3, 8), axes=(0, 1)) * w)
def fftshift_all(x, w): return np.sum(np.fft.fftshift(x ** 2) * w)
def fftshift_axes(x, w): return np.sum(np.abs(np.fft.fftshift(np.fft.fft2(x), axes=(0,))) * w)
def ifftshift_all(x, w): return np.sum(np.fft.ifftshift(np.sin(x)) * w)
def ifftshift_axes(x, w): return np.sum(np.fft.ifftshift(x ** 3, axes=1) * w)
def fftfreq_spacing(d, w): return np.sum(np.fft.fftfreq(8, d) ** 2 * w)
def rfftfreq_spacing(d, w): return np.sum(np.fft.rfftfreq(9, d=d) * w)


def case(f, args, wrt=0, id=None):
    return pytest.param(f, args, wrt, id=id or f.__name__)


RULE_CASES = [
    case(fft_power, [A(6)]), case(fft_n_ortho, [A(5)]), case(fft_crop_axis, [A(5, 2)]),
    case(ifft_forward, [A(5)]), case(ifft_plain, [A(3, 4)]),
    case(rfft_power, [A(8)]), case(rfft_odd_pad, [A(6)]), case(rfft_crop_forward, [A(8, 2)]),
    case(irfft_even, [A(5), A(5)], (0, 1)), case(irfft_odd, [A(4), A(4)], (0, 1)),
    case(irfft_pad_forward, [A(4, 2)]), case(irfft_crop, [A(6)]),
    case(fft2_power, [A(3, 4)]), case(fft2_s_ortho, [A(4, 4)]), case(ifft2_axes, [A(3, 2, 4)]), case(ifft2_s, [A(3, 4)]),
    case(fftn_all, [A(2, 3, 4)]), case(fftn_s_axes, [A(3, 2, 2)]), case(ifftn_forward, [A(3, 4)]), case(ifftn_s, [A(3, 4)]),
    case(rfft2_power, [A(4, 6)]), case(rfft2_s, [A(4, 4)]), case(rfftn_axes, [A(3, 2, 5)]), case(rfftn_s, [A(4, 6)]),
    case(irfft2_roundtrip, [A(4, 6)]), case(irfft2_s, [A(3, 4), A(3, 4)], (0, 1)),
    case(irfftn_axes, [A(3, 2, 4), A(3, 2, 4)], (0, 1)), case(irfftn_s, [A(4, 4)]),
    case(fftshift_all, [A(5)]), case(fftshift_axes, [A(4, 3)]), case(ifftshift_all, [A(2, 5)]), case(ifftshift_axes, [A(3, 4)]),
    case(fftfreq_spacing, [0.3]), case(rfftfreq_spacing, [0.7]),
]


def weighted(args, f):
    """``args`` with the weight ``w``, shaped like what ``f`` multiplies by it."""
    from test_rules import weight

    return list(args) + [weight(f, args)]


@pytest.mark.parametrize("f, args, wrt", RULE_CASES)
def test_rule_in_both_modes_and_to_second_order(f, args, wrt):
    check_modes(f, weighted(args, f), wrt)


# -- complex arguments: JAX's gradient, dL/da - i dL/db ------------------------------------------


def spectrum_loss(z, w): return np.sum(np.abs(np.fft.ifft(z * w, n=6, norm="ortho")) ** 2) + np.sum(np.real(np.fft.fft2(np.outer(z, z))) ** 2)
def half_spectrum_loss(z): return np.sum(np.fft.irfft(z, n=7) ** 2 * np.arange(7.0))


@pytest.mark.parametrize("f, args", [(spectrum_loss, [A(4) + 1j * A(4), A(4)]), (half_spectrum_loss, [A(4) + 1j * A(4)])])
def test_complex_argument_gets_da_minus_i_db(f, args):
    z = args[0]
    g = s2s.grad(f)(*args)
    real_part = numeric_grad(lambda a, *rest: f(a + 1j * z.imag, *rest), [z.real] + args[1:], 0)
    imag_part = numeric_grad(lambda b, *rest: f(z.real + 1j * b, *rest), [z.imag] + args[1:], 0)
    np.testing.assert_allclose(g, real_part - 1j * imag_part, rtol=1e-5, atol=1e-7)


# -- the library stays whole; what it does not cover is refused ----------------------------------


def test_every_rule_has_a_case_and_a_tangent():
    rules = rules_of("s2s.derivatives.numpy_fft", loading=np.fft.fft)
    called = {getattr(np.fft, name) for p in RULE_CASES for name in p.values[0].__code__.co_names if hasattr(np.fft, name)}
    assert not sorted(r.name for key, r in rules.items() if key not in called)
    assert not sorted(r.name for r in rules.values() if r.tangent is None)
    assert len(rules) == 16


def fft_into(x, buffer):
    return np.sum(np.abs(np.fft.fft(x, out=buffer)))


def test_out_is_refused_at_the_line():
    with pytest.raises(s2s.S2SError, match=r"test_rules_fft.py:\d+.*np.fft.fft.*`out`"):
        s2s.grad(fft_into)(A(4), np.zeros(4, dtype=complex))


def repeated_axes(x):
    return np.sum(np.abs(np.fft.rfftn(x, axes=(0, 0))))


def repeated_axes_no_s(x):
    return np.sum(np.abs(np.fft.fftn(x, axes=(1, 0, 1))) ** 2)


def test_repeated_axes():
    """Transforms along one axis commute and are symmetric: ``fftn`` over repeated axes is
    covered; where ``s`` or a real transform is involved, it is refused at run time."""
    with pytest.raises(ValueError, match="only over distinct axes"):
        s2s.grad(repeated_axes)(A(4, 3))
    check_modes(repeated_axes_no_s, [A(3, 4)])


# -- realistic programs ------------------------------------------------------------------------


def circular_convolution_loss(signal, kernel, target):
    """Circular convolution by the convolution theorem, least squares to a target."""
    blurred = np.fft.irfft(np.fft.rfft(signal) * np.fft.rfft(kernel), n=signal.shape[-1])
    return np.mean((blurred - target) ** 2)


def linear_convolution(signal, kernel):
    """Zero-padded to avoid wrap-around, then cropped: scipy.signal.fftconvolve's 'full'."""
    n = signal.size + kernel.size - 1
    return np.sum(np.fft.irfft(np.fft.rfft(signal, n) * np.fft.rfft(kernel, n), n) ** 2)


def welch_like_power(frames):
    """Mean periodogram of Hann-windowed frames, in decibels."""
    window = np.hanning(frames.shape[1])
    spectrum = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2 / np.sum(window ** 2)
    return np.sum(10.0 * np.log10(np.mean(spectrum, axis=0) + 1e-3))


def spectral_derivative_energy(u, length):
    """du/dx of a periodic field by multiplying its spectrum by i k; its energy."""
    k = 2.0 * np.pi * np.fft.rfftfreq(u.size, d=length / u.size)
    du = np.fft.irfft(1j * k * np.fft.rfft(u), n=u.size)
    return 0.5 * np.sum(du ** 2) * length / u.size


def phase_retrieval(x, magnitudes):
    """Fourier magnitudes of a 2-D image against measured ones (Gerchberg-Saxton's loss)."""
    return np.sum((np.abs(np.fft.fft2(x, norm="ortho")) - magnitudes) ** 2)


def low_pass_smoothness(image):
    """High-frequency energy of an image: the centred spectrum outside a disc."""
    spectrum = np.fft.fftshift(np.fft.fft2(image))
    rows, cols = np.indices(image.shape)
    outside = (rows - image.shape[0] // 2) ** 2 + (cols - image.shape[1] // 2) ** 2 > 4
    return np.sum(np.where(outside, np.abs(spectrum) ** 2, 0.0)) / image.size


def autocorrelation_peak(x):
    """Wiener-Khinchin: the autocorrelation is the inverse transform of the power spectrum."""
    f = np.fft.fft(x - np.mean(x), n=2 * x.size)
    acf = np.real(np.fft.ifft(f * np.conj(f)))
    return acf[1] / acf[0]


PROGRAMS = [
    case(circular_convolution_loss, [A(16), A(16), A(16)], (0, 1)),
    case(linear_convolution, [A(10), A(4)], (0, 1)),
    case(welch_like_power, [A(4, 16)]),
    case(spectral_derivative_energy, [np.sin(np.linspace(0, 2 * np.pi, 16, endpoint=False)) + 0.1 * A(16), 2 * np.pi]),
    case(phase_retrieval, [A(4, 5), np.abs(A(4, 5))]),
    case(low_pass_smoothness, [A(6, 6)]),
    case(autocorrelation_peak, [A(12)]),
]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS)
def test_programs(f, args, wrt):
    check_modes(f, args, wrt)


def test_spectral_derivative_of_a_sine_is_exact():
    """d/du of 0.5 * integral (u')^2 is -u'': for u = sin, sin itself (times dx)."""
    x = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    g = s2s.grad(spectral_derivative_energy)(np.sin(x), 2 * np.pi)
    np.testing.assert_allclose(g, np.sin(x) * (2 * np.pi / 32), atol=1e-12)


# -- on duck arrays (tests/duck.py: the strict stand-in for cupy) and dask arrays ---------------


@pytest.mark.parametrize("f, args, wrt", [p for p in RULE_CASES if not isinstance(p.values[1][0], float)])
def test_duck_arrays(f, args, wrt):
    from duck import Duck, to_numpy

    args = weighted(args, f)
    expected = s2s.grad(f, wrt=wrt)(*args)
    got = s2s.grad(f, wrt=wrt)(*[Duck(a) for a in args])
    for e, g in zip(expected if isinstance(wrt, tuple) else (expected,), got if isinstance(wrt, tuple) else (got,)):
        assert isinstance(g, Duck)
        np.testing.assert_allclose(to_numpy(g), e, rtol=1e-12, atol=1e-12)



@pytest.mark.parametrize("f, args, wrt", [case(rfft_power, [A(8)]), case(irfft_odd, [A(4), A(4)], (0, 1)), case(fft2_s_ortho, [A(4, 4)]), case(fftshift_axes, [A(4, 3)])])
def test_dask_arrays(f, args, wrt):
    da = pytest.importorskip("dask.array")
    args = weighted(args, f)
    expected = s2s.grad(f, wrt=wrt)(*args)
    got = s2s.grad(f, wrt=wrt)(*[da.from_array(a, chunks=-1) for a in args])
    for e, g in zip(expected if isinstance(wrt, tuple) else (expected,), got if isinstance(wrt, tuple) else (got,)):
        assert isinstance(g, da.Array)
        np.testing.assert_allclose(g.compute(), e, rtol=1e-10, atol=1e-12)
