"""Central finite differences in float64, to check generated gradients."""

import numpy as np


def numeric_grad(f, args, index, eps=1e-6):
    """d f(*args) / d args[index] by central differences (f scalar or array: vjp with ones)."""
    args = list(args)
    x = args[index]
    if isinstance(x, float):
        def at(v):
            a = list(args)
            a[index] = v
            return np.sum(f(*a))
        return (at(x + eps) - at(x - eps)) / (2 * eps)
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        args[index] = x.copy()
        up = np.sum(f(*args))
        x[i] = old - eps
        args[index] = x.copy()
        down = np.sum(f(*args))
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def assert_close(actual, expected, rtol=1e-6, atol=1e-8):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=rtol, atol=atol)


def check_grad(f, args, wrt=0, rtol=1e-6, atol=1e-8, **options):
    """Assert that ``s2s.grad(f, wrt)`` matches central differences; return the gradient.

    With ``optimize=False``, also that the optimized gradient is bit for bit the same."""
    import s2s

    g = s2s.grad(f, wrt=wrt, **options)
    got = g(*args)
    wrts = wrt if isinstance(wrt, tuple) else (wrt,)
    gots = got if isinstance(wrt, tuple) else (got,)
    names = list(__import__("inspect").signature(f).parameters)
    if options.get("optimize") is False:  # the optimized code must compute exactly the same values
        optimized = s2s.grad(f, wrt=wrt, **{**options, "optimize": True})(*args)
        for value, same in zip(gots, optimized if isinstance(wrt, tuple) else (optimized,)):
            np.testing.assert_array_equal(value, same, err_msg="optimize=True and optimize=False differ")
    for w, value in zip(wrts, gots):
        index = w if isinstance(w, int) else names.index(w)
        expected = numeric_grad(f, args, index)
        assert np.shape(value) == np.shape(args[index]), (np.shape(value), np.shape(args[index]))
        assert_close(value, expected, rtol, atol)
    return got


def fresh(args):
    """Copies of the array arguments, so a call cannot change the caller's."""
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]


def inner(a, b):
    """The float64 inner product of two arrays of one shape (dot-product identity checks)."""
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))
