"""Which array library a value belongs to, and making new arrays there.

Internal to the runtime.  numpy functions dispatch on their array arguments
(``__array_function__``), but a Python or numpy scalar, or a new array made
from shapes alone, lands in host numpy; these helpers put it in the library of
the arrays it is combined with (cupy refuses to mix its arrays with host ones).
"""

import numpy as np


def is_host(value):
    """A numpy array or numpy scalar (or a Python number): data in host memory."""
    return isinstance(value, (np.ndarray, np.generic, float, int, complex, bool))


def library_array(*values):
    """The first of ``values`` that is an array of another library (cupy, dask, ...):
    what ``like=`` takes so that new arrays are made there; None for numpy."""
    for value in values:
        if not is_host(value) and hasattr(value, "__array_function__"):
            return value
    return None


def broadcast_like(value, shape, like=None):
    """``np.broadcast_to(value, shape)``, made in the library of ``like`` when ``value``
    is a Python or numpy scalar: numpy would make a host array of it, which cupy
    refuses to mix with its arrays."""
    if like is not None and is_host(value) and library_array(like) is not None:
        value = np.asarray(value, like=like)
    return np.broadcast_to(value, shape)


def library_zeros(like, grad):
    """Zeros shaped like ``like``, made in the library of ``grad`` where ``like`` is
    a host array and ``grad`` is not (a constant of the program indexed by a value)."""
    other = library_array(grad)
    if other is not None and library_array(like) is None:
        return np.zeros_like(other, shape=np.shape(like))
    if hasattr(like, "dtype") and np.iscomplexobj(grad) and not np.iscomplexobj(like):  # a real array's complex adjoint
        return np.zeros_like(like, dtype=np.result_type(like, grad))
    return np.zeros_like(like)
