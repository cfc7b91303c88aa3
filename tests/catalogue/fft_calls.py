"""numpy.fft: transforms with real results (``np.abs``, ``np.real``, ``np.imag``, ``irfft`` of
a spectrum), the ``n``/``s``, ``axis``/``axes`` and ``norm`` options, shifts."""

from . import normal

CALLS = [
    ("np.abs(np.fft.fft(x)) ** 2", {"x": normal(8)}),
    ("np.real(np.fft.fft(x, n=12))", {"x": normal(7)}),
    ("np.imag(np.fft.ifft(x, norm='ortho'))", {"x": normal(6)}),
    ("np.abs(np.fft.fft(x, axis=0))", {"x": normal(5, 3)}),
    ("np.abs(np.fft.rfft(x)) ** 2", {"x": normal(9)}),
    ("np.abs(np.fft.rfft(x, n=6, norm='forward'))", {"x": normal(8)}),
    ("np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(z))", {"x": normal(8), "z": normal(8)}),
    ("np.fft.irfft(np.fft.rfft(x, n=16) * np.fft.rfft(z, n=16), n=16)[:11]", {"x": normal(8), "z": normal(4)}),
    ("np.fft.irfft(x + 1j * z)", {"x": normal(5), "z": normal(5)}),
    ("np.fft.irfft(x * 1j + z, n=7, norm='ortho')", {"x": normal(4), "z": normal(4)}),
    ("np.real(np.fft.ifft(np.fft.fft(x) * 2j * np.pi * np.fft.fftfreq(8)))", {"x": normal(8)}),
    ("np.abs(np.fft.fft2(x))", {"x": normal(4, 5)}),
    ("np.real(np.fft.ifft2(x, s=(6, 3)))", {"x": normal(4, 5)}),
    ("np.abs(np.fft.fftn(x, axes=(0, 2)))", {"x": normal(3, 2, 4)}),
    ("np.imag(np.fft.ifftn(x * (1 + 2j), norm='forward'))", {"x": normal(3, 4)}),
    ("np.abs(np.fft.rfft2(x)) ** 2", {"x": normal(4, 6)}),
    ("np.fft.irfft2(np.fft.rfft2(x) * np.fft.rfft2(z))", {"x": normal(4, 6), "z": normal(4, 6)}),
    ("np.abs(np.fft.rfftn(x, s=(4, 5), axes=(0, 1)))", {"x": normal(3, 6)}),
    ("np.fft.irfftn(np.fft.rfftn(x) * 0.5, s=(3, 8), axes=(0, 1))", {"x": normal(3, 8)}),
    ("np.fft.fftshift(np.abs(np.fft.fft(x)))", {"x": normal(7)}),
    ("np.fft.ifftshift(x, axes=1)", {"x": normal(3, 4)}),
    ("np.abs(np.fft.fftshift(np.fft.fft2(x), axes=(0, 1)))", {"x": normal(4, 3)}),
    ("np.angle(np.fft.fft(x)[1:4])", {"x": normal(8)}),
    ("np.fft.fft(x).real - np.fft.fft(x).imag", {"x": normal(6)}),
]

REFUSED = [
    ("np.real(np.fft.hfft(x))", {"x": normal(5)}, "np.fft.hfft"),
    ("np.fft.ihfft(x).real", {"x": normal(6)}, "np.fft.ihfft"),
]
