"""Numpy's statistics and finite differences: ``cov``, ``corrcoef``, ``gradient``,
``ediff1d``, ``ptp``, ``unwrap``; adjoint and tangent side by side (or one definition of
a family).

``np.cov(m, y)`` stacks ``m``'s and ``y``'s variables as the rows of ``x``
(``s2s.runtime.cov_rows``) and is ``centered @ (centered * w).T`` with ``centered`` the
rows less their (weighted) means and ``w`` each observation's weight over the
normalization (``cov_weights``: ``bias``, ``ddof``, ``fweights``, ``aweights``).  Its
derivative in ``x`` is ``(dc + dc.T) @ (centered * w)``: the centering contributes
nothing, the weighted rows of ``centered`` summing to zero.  The weights are data
(refused where they carry a derivative).  ``np.corrcoef`` divides by the standard
deviations, whose derivative adds a term on the diagonal.  Values are real.

``np.gradient`` and ``np.ediff1d`` are linear in their array (the spacing, coordinates
and the values ``to_end``/``to_begin`` are data); ``np.ptp`` is ``max - min`` (ties as
``np.max``'s rule); ``np.unwrap`` adds multiples of the period, constant where it is
differentiable.  ``np.histogram`` has no rule: its counts are piecewise constant and its
edges move with the data; it is refused at the user's line.  Parameter names and
defaults are numpy's, so keyword calls bind.
"""

import numpy as np

from s2s import runtime
from s2s.families import elementwise, linear
from s2s.rules import adjoint, limits, nondifferentiable, tangent


@adjoint(np.cov)
def cov(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    x = cov_rows(m, rowvar) if y is None else np.concatenate([cov_rows(m, rowvar), cov_rows(y, rowvar)], axis=0)
    w = cov_weights(x, fweights, aweights, ddof, bias)
    spread = (x - np.average(x, axis=1, weights=w, keepdims=True)) * w
    g = np.reshape(dc, (np.shape(x)[0], np.shape(x)[0]))
    dx = (g + np.transpose(g)) @ spread
    dm = uncov_rows(dx[:np.shape(cov_rows(m, rowvar))[0]], m, rowvar)
    dy = uncov_rows(dx[np.shape(cov_rows(m, rowvar))[0]:], y, rowvar)


@tangent(np.cov)
def cov_(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    x = cov_rows(m, rowvar) if y is None else np.concatenate([cov_rows(m, rowvar), cov_rows(y, rowvar)], axis=0)
    w = cov_weights(x, fweights, aweights, ddof, bias)
    spread = np.transpose((x - np.average(x, axis=1, weights=w, keepdims=True)) * w)
    by_m = (cov_rows(dm, rowvar) if y is None else np.concatenate([cov_rows(dm, rowvar), np.zeros_like(cov_rows(y, rowvar))], axis=0)) @ spread
    dc = np.reshape(by_m + np.transpose(by_m), np.shape(c))
    by_y = np.concatenate([np.zeros_like(cov_rows(m, rowvar)), cov_rows(dy, rowvar)], axis=0) @ spread
    dc = np.reshape(by_y + np.transpose(by_y), np.shape(c))


limits(np.cov, without=("fweights", "aweights"), defaults_only=("dtype",))


@adjoint(np.corrcoef)
def corrcoef(r, x, y=None, rowvar=True, *, dtype=None):
    # r = s / sqrt(outer(d, d)), s = centered @ centered.T, d = diag(s): ds gets dr / sqrt(outer(d, d)),
    # less on its diagonal the sums of dr * r along each row and column over 2 d
    rows = cov_rows(x, rowvar) if y is None else np.concatenate([cov_rows(x, rowvar), cov_rows(y, rowvar)], axis=0)
    centered = rows - np.mean(rows, axis=1, keepdims=True)
    scatter = centered @ np.transpose(centered)
    g = np.reshape(dr, np.shape(scatter))
    weighted = g * np.reshape(r, np.shape(scatter))
    dscatter = g / np.sqrt(np.outer(np.diagonal(scatter), np.diagonal(scatter))) - np.diag((np.sum(weighted, axis=0) + np.sum(weighted, axis=1)) / (2.0 * np.diagonal(scatter)))
    drows = (dscatter + np.transpose(dscatter)) @ centered
    dx = uncov_rows(drows[:np.shape(cov_rows(x, rowvar))[0]], x, rowvar)
    dy = uncov_rows(drows[np.shape(cov_rows(x, rowvar))[0]:], y, rowvar)


@tangent(np.corrcoef)
def corrcoef_(r, x, y=None, rowvar=True, *, dtype=None):
    """``ds / sqrt(outer(d, d)) - r * (dd_i / 2 d_i + dd_j / 2 d_j)``, ``ds = dx c.T + c dx.T``."""
    rows = cov_rows(x, rowvar) if y is None else np.concatenate([cov_rows(x, rowvar), cov_rows(y, rowvar)], axis=0)
    centered = rows - np.mean(rows, axis=1, keepdims=True)
    scatter = centered @ np.transpose(centered)
    d = np.diagonal(scatter)
    unit = np.reshape(r, np.shape(scatter))
    by_x = (cov_rows(dx, rowvar) if y is None else np.concatenate([cov_rows(dx, rowvar), np.zeros_like(cov_rows(y, rowvar))], axis=0)) @ np.transpose(centered)
    ratio_x = np.diagonal(by_x) / d
    dr = np.reshape((by_x + np.transpose(by_x)) / np.sqrt(np.outer(d, d)) - unit * (np.expand_dims(ratio_x, 1) + np.expand_dims(ratio_x, 0)), np.shape(r))
    by_y = np.concatenate([np.zeros_like(cov_rows(x, rowvar)), cov_rows(dy, rowvar)], axis=0) @ np.transpose(centered)
    ratio_y = np.diagonal(by_y) / d
    dr = np.reshape((by_y + np.transpose(by_y)) / np.sqrt(np.outer(d, d)) - unit * (np.expand_dims(ratio_y, 1) + np.expand_dims(ratio_y, 0)), np.shape(r))


limits(np.corrcoef, defaults_only=("dtype",))


@linear(np.gradient)
def gradient(y, f, *varargs, axis=None, edge_order=1):
    """Spacings (numbers or coordinates) are data."""
    df = ungradient(dy, f, varargs, axis, edge_order)
    return gradient_tuple(f, varargs, axis, edge_order)


limits(np.gradient, without=("varargs",))


@linear(np.ediff1d)
def ediff1d(y, ary, to_end=None, to_begin=None):
    dary = np.reshape(undiff(dy[ediff1d_span(y, to_end, to_begin)], 1, -1), np.shape(ary))
    return np.ediff1d(ary, None if to_end is None else np.multiply(to_end, 0.0), None if to_begin is None else np.multiply(to_begin, 0.0))  # zeros of their kind


limits(np.ediff1d, without=("to_end", "to_begin"))


@adjoint(np.ptp)
def ptp(y, a, axis=None, out=None, keepdims=False):
    da = extremum_adjoint(dy, np.max(a, axis=axis, keepdims=keepdims), a, axis, keepdims) - extremum_adjoint(dy, np.min(a, axis=axis, keepdims=keepdims), a, axis, keepdims)


@tangent(np.ptp)
def ptp_(y, a, axis=None, out=None, keepdims=False):
    """The tangent at the maximum less the tangent at the minimum (ties share evenly)."""
    at_max = extremum_adjoint(np.ones_like(y), np.max(a, axis=axis, keepdims=keepdims), a, axis, keepdims)
    dy = np.sum(da * (at_max - extremum_adjoint(np.ones_like(y), np.min(a, axis=axis, keepdims=keepdims), a, axis, keepdims)), axis=axis, keepdims=keepdims)


limits(np.ptp, defaults_only=("out",))


@elementwise(np.unwrap)
def unwrap(y, p, discont=None, axis=-1, *, period=2 * np.pi):
    return 1.0


limits(np.unwrap, without=("discont", "period"))


# -- the helpers' own rules (second order) ----------------------------------------------------


@linear(runtime.cov_rows)
def cov_rows(y, m, rowvar=True):
    dm = uncov_rows(dy, m, rowvar)


@linear(runtime.uncov_rows)
def uncov_rows(y, grad, m, rowvar=True):
    dgrad = cov_rows(dy, rowvar)


@linear(runtime.gradient_tuple)
def gradient_tuple(y, f, spacing=(), axis=None, edge_order=1):
    df = ungradient(dy, f, spacing, axis, edge_order)


@linear(runtime.ungradient)
def ungradient(y, grad, f, spacing=(), axis=None, edge_order=1):
    dgrad = gradient_tuple(dy, spacing, axis, edge_order)


nondifferentiable(runtime.cov_weights, runtime.ediff1d_span)
