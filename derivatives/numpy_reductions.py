"""Numpy reductions of the long tail that read values: NaN-skipping sums and means, the
weighted average, the trapezoid rule, polynomial evaluation; adjoint and tangent side by
side.

See :mod:`s2s.template` for how a template reads (``d<result>`` the incoming adjoint in an
adjoint, each ``d<result> = ...`` one tangent term).  Every template is numpy with rules
of its own (and layout helpers without a derivative), so second order needs nothing more.
Parameter names and defaults are numpy's, so keyword calls bind.
"""

import numpy as np

from s2s.rules import adjoint, limits, tangent


@adjoint(np.nansum)
def nansum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    """NaN entries were skipped: they get no adjoint."""
    da = np.where(np.isnan(a), 0.0, unreduce(dy, a, axis, keepdims))


@tangent(np.nansum)
def nansum_(y, a, axis=None, dtype=None, out=None, keepdims=False):
    dy = np.sum(np.where(np.isnan(a), 0.0, da), axis=axis, keepdims=keepdims)


@adjoint(np.nanmean)
def nanmean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    da = np.where(np.isnan(a), 0.0, unreduce(dy, a, axis, keepdims) / np.sum(~np.isnan(a), axis=axis, keepdims=True))


@tangent(np.nanmean)
def nanmean_(y, a, axis=None, dtype=None, out=None, keepdims=False):
    dy = np.nanmean(np.where(np.isnan(a), np.nan, da), axis=axis, keepdims=keepdims)


@adjoint(np.average)
def average(y, a, axis=None, weights=None, returned=False, *, keepdims=False):
    """``weights`` shaped like ``a``, or 1-D along ``axis``; not ``returned=True``."""
    da = unreduce(dy, a, axis, keepdims) * (np.size(y) / np.size(a)) if weights is None else unreduce(dy / np.sum(np.reshape(weights, weights_shape(weights, a, axis)), axis=axis, keepdims=keepdims), a, axis, keepdims) * np.reshape(weights, weights_shape(weights, a, axis))
    dweights = np.reshape(unbroadcast(unreduce(dy / np.sum(np.reshape(weights, weights_shape(weights, a, axis)), axis=axis, keepdims=keepdims), a, axis, keepdims) * (a - unreduce(y, a, axis, keepdims)), np.reshape(weights, weights_shape(weights, a, axis))), np.shape(weights))


@tangent(np.average)
def average_(y, a, axis=None, weights=None, returned=False, *, keepdims=False):
    dy = np.average(da, axis=axis, weights=weights, keepdims=keepdims)
    dy = np.sum(np.reshape(dweights, weights_shape(weights, a, axis)) * (a - unreduce(y, a, axis, keepdims)), axis=axis, keepdims=keepdims) / np.sum(np.reshape(weights, weights_shape(weights, a, axis)), axis=axis, keepdims=keepdims)


limits(np.average, defaults_only=("returned",))


@adjoint(np.polyval)
def polyval(y, p, x):
    """``p`` an array of coefficients, highest power first."""
    dp = np.tensordot(dy, np.expand_dims(x, -1) ** np.arange(np.size(p) - 1, -1, -1), axes=np.ndim(x))
    dx = dy * np.polyval(p[:-1] * np.arange(np.size(p) - 1, 0, -1), x)


@tangent(np.polyval)
def polyval_(y, p, x):
    dy = np.polyval(dp, x)
    dy = dx * np.polyval(p[:-1] * np.arange(np.size(p) - 1, 0, -1), x)


@adjoint(np.trapezoid)
def trapezoid(r, y, x=None, dx=1.0, axis=-1):
    """With respect to ``y`` only (the derivative of ``x`` would be named like the parameter
    ``dx``); ``x`` None or 1-D along ``axis``, ``dx`` a number."""
    spacing = np.full_like(y, dx, shape=(np.shape(y)[axis] - 1,)) if x is None else np.diff(x)
    dy = np.expand_dims(dr, axis) * np.reshape(0.5 * (np.pad(spacing, (0, 1)) + np.pad(spacing, (1, 0))), along_axis(y, axis))


@tangent(np.trapezoid)
def trapezoid_(r, y, x=None, dx=1.0, axis=-1):
    dr = np.trapezoid(dy, x, dx, axis)


limits(np.trapezoid, without=("x", "dx"))


@adjoint(np.quantile)
def quantile(y, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    """A scalar ``q``, ``axis`` None or one axis, the linear method: the adjoint flows to the
    one or two entries the quantile interpolates between."""
    da = unreduce(dy, a, axis, keepdims) * quantile_weights(a, q, axis)


@tangent(np.quantile)
def quantile_(y, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    dy = np.sum(da * quantile_weights(a, q, axis), axis=axis, keepdims=keepdims)


@adjoint(np.percentile)
def percentile(y, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    da = unreduce(dy, a, axis, keepdims) * quantile_weights(a, q / 100.0, axis)


@tangent(np.percentile)
def percentile_(y, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    dy = np.sum(da * quantile_weights(a, q / 100.0, axis), axis=axis, keepdims=keepdims)


limits(np.quantile, np.percentile, without=("q",), defaults_only=("method", "out"))


@adjoint(np.median)
def median(y, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    da = unreduce(dy, a, axis, keepdims) * quantile_weights(a, 0.5, axis)


@tangent(np.median)
def median_(y, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    dy = np.sum(da * quantile_weights(a, 0.5, axis), axis=axis, keepdims=keepdims)


@adjoint(np.interp)
def interp(y, x, xp, fp, left=None, right=None, period=None):
    """With respect to ``x`` and ``fp`` (not ``xp``); not with ``left``, ``right``, ``period``."""
    dx = dy * (interp_weights(x, xp, True) @ fp)
    dfp = np.tensordot(dy, interp_weights(x, xp), axes=np.ndim(x))


@tangent(np.interp)
def interp_(y, x, xp, fp, left=None, right=None, period=None):
    dy = dx * (interp_weights(x, xp, True) @ fp)
    dy = interp_weights(x, xp) @ dfp


limits(np.median, defaults_only=("out",))
limits(np.interp, without=("xp",), defaults_only=("left", "right", "period"))
