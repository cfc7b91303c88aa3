"""Programs written against cupy (``import cupy as cp``), for tests/test_gpu.py.

Importing this module needs cupy; only the GPU tests import it.
"""

import cupy as cp
from cupy import ones, tanh


def cp_tanh_sum(x):
    return cp.sum(cp.tanh(x) * x)


def cp_logistic(w, X, y):
    z = X @ w
    return cp.mean(cp.logaddexp(0.0, -(2.0 * y - 1.0) * z))


def cp_mlp(W1, b1, W2, x):
    h = cp.tanh(x @ W1 + b1)
    return cp.sum(cp.exp(h @ W2) * 0.1)


def cp_norm_of_tanh(x):
    return cp.linalg.norm(cp.tanh(x))


def cp_imported_names(x):
    h = tanh(x) + ones(x.shape)  # from cupy import: made on the device, as the user wrote
    return cp.sum(h * h)
