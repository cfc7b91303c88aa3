"""Programs that call library functions as their authors wrote them: some on data only
(called as they are), some on differentiated values with no rule (refused at the line)."""

import statistics

import numpy as np
import scipy.linalg
import scipy.special


def pairwise_energy(positions):
    """Lennard-Jones energy over the upper triangle of pairs (np.triu_indices on a size)."""
    n = positions.shape[0]
    i, j = np.triu_indices(n, k=1)
    r2 = np.sum((positions[i] - positions[j]) ** 2, axis=1)
    inv6 = 1.0 / r2 ** 3
    return np.sum(4.0 * (inv6 * inv6 - inv6))


def poisson_loglik(log_rate, counts):
    """A Poisson log-likelihood: gammaln(counts + 1) is a constant of the data."""
    rate = np.exp(log_rate)
    return np.sum(counts * log_rate - rate - scipy.special.gammaln(counts + 1.0))


def kriging_mean(length, queries, sites, values, covariance):
    """A Gaussian-process posterior mean at queries; the training covariance is data,
    so cho_factor/cho_solve run on data only."""
    alpha = scipy.linalg.cho_solve(scipy.linalg.cho_factor(covariance), values)
    k = np.exp(-((queries[:, None] - sites[None, :]) ** 2) / (2.0 * length ** 2))
    return np.sum(k @ alpha)


def propagated(x0, generator, t):
    """A state propagated by a fixed transition matrix expm(t * generator)."""
    transition = scipy.linalg.expm(t * generator)
    return np.sum((transition @ x0) ** 2)


def spread(x):
    """statistics.fmean, a standard-library function, on a differentiated value."""
    return statistics.fmean(x * x)


def schur_trace(a):
    """scipy.linalg.schur of a differentiated matrix: no rule."""
    t, z = scipy.linalg.schur(a)
    return np.trace(t)


def quadrature_weights(n):
    """The user's own helper on data, with a construct s2s does not transform."""
    try:
        return np.polynomial.legendre.leggauss(n)[1]
    except ValueError:
        return np.full(n, 2.0 / n)


def integral_of_square(values):
    weights = quadrature_weights(values.shape[0])
    return np.sum(weights * values ** 2)


def tapered(x):
    """The same kind of helper on a differentiated value: refused at its construct."""
    return np.sum(clipped_or_raw(x))


def clipped_or_raw(x):
    try:
        return np.clip(x, -1.0, 1.0)
    except TypeError:
        return x


def l2_of_weights(params, rng, dropout=0.0):
    """Methods of values that carry no derivative (a name, a random generator) run as written."""
    total = 0.0
    for name in sorted(params):
        if name.startswith("W"):
            keep = rng.random(params[name].shape) >= dropout
            total = total + np.sum((params[name] * keep) ** 2)
    return total


def frobnicated(x):
    return np.sum(x.frobnicate())
