"""numpy: elementwise functions, reductions, shapes, products and numpy's long tail."""

from . import normal, uniform

CALLS = [
    ("np.tanh(x)", {"x": normal(4)}),
    ("np.logaddexp(x, z)", {"x": normal(3), "z": normal(3)}),
    ("np.sum(x * z, axis=0)", {"x": normal(3, 2), "z": normal(3, 2)}),
    ("np.cumsum(x)", {"x": normal(5)}),
    ("np.kron(x, z)", {"x": normal(2, 2), "z": normal(2, 3)}),
    ("np.convolve(x, z, mode='same')", {"x": normal(6), "z": normal(3)}),
    ("np.median(x, axis=1)", {"x": normal(3, 5)}),
    ("np.interp(t, [0.0, 1.0, 2.0], z)", {"t": uniform(0.1, 1.9, 4), "z": normal(3)}),
    ("np.polyval(c, x)", {"c": normal(4), "x": normal(5)}),
    ("np.einsum('ij,jk->ik', x, z)", {"x": normal(2, 3), "z": normal(3, 2)}),
]
