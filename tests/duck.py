"""A strict duck array: the test stand-in for cupy and dask on a machine with neither.

``Duck`` wraps a numpy array and takes part in numpy's dispatch protocols
(``__array_ufunc__`` and ``__array_function__``), as cupy and dask arrays do,
so ``np.tanh(duck)`` or ``np.sum(duck)`` give a ``Duck``.  It is stricter than
either library about everything that would pull data to the host or rely on
numpy-only behaviour, so code that passes with it is device-agnostic:

* ``np.asarray(duck)``, ``np.array(duck)`` and every other implicit conversion
  to a host array raise :class:`HostConversion` (``__array__`` raises; so does
  ``np.array([duck, duck])``);
* ``bool()``, ``float()``, ``int()``, ``complex()`` and ``operator.index()``
  of a duck array raise :class:`ConcreteValue`: a value that decides control
  flow, or that becomes a Python number, has to be brought to the host, which
  cupy does with a device synchronisation and dask with a ``.compute()``;
* a float numpy array mixed into an operation with a duck array raises
  :class:`HostConversion` (cupy refuses host arrays there too; dask accepts
  them, and so does a duck array inside ``accepting_host_arrays()``); numpy
  scalars, Python numbers and integer/boolean numpy arrays (indices) are
  accepted, and so is the explicit copy ``np.asarray(host, like=duck)``
  (``cupy.asarray(host)``);
* ``np.add.at`` and the other ufunc methods except ``__call__`` and ``outer``
  are refused (dask has no scatter-add; neither does a lazy graph);
* results are never views of their operands: like a dask array, writing into
  ``np.diagonal(duck)`` or into ``duck[1:]`` does not write through, and there
  is no ``setflags``;
* numpy reductions give 0-d ``Duck`` arrays, never numpy scalars, as cupy and
  dask do.

Item assignment (``duck[i] = v``) is supported, as in cupy and dask.
``to_numpy`` is the one explicit way back to the host (``cupy.asnumpy``,
``dask_array.compute()``).
"""

import contextlib

import numpy as np

__all__ = [
    "ConcreteValue", "Duck", "HostConversion", "accepting_host_arrays", "duck", "host_leaks", "is_duck", "to_numpy",
]

_accept_host = [False]


@contextlib.contextmanager
def accepting_host_arrays():
    """Within the block, float host numpy arrays may be mixed into duck operations
    (dask accepts them; cupy does not)."""
    old = _accept_host[0]
    _accept_host[0] = True
    try:
        yield
    finally:
        _accept_host[0] = old


class HostConversion(TypeError):
    """A duck array was converted to (or mixed with) a host numpy array."""


class ConcreteValue(TypeError):
    """A duck array's value was needed as a Python bool, int or float."""


def _host_ok(value):
    """A host numpy array a device library accepts next to its arrays: indices (and, in
    ``accepting_host_arrays``, anything)."""
    return value.dtype.kind in "biu" or _accept_host[0]


def _unwrap(value):
    if isinstance(value, Duck):
        return value._a
    if isinstance(value, np.ndarray):
        if not _host_ok(value):
            raise HostConversion(
                f"a host numpy array (dtype {value.dtype}, shape {value.shape}) was mixed into an "
                "operation on duck arrays; cupy refuses this: create it with like=, *_like or from the inputs"
            )
        return value
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _wrap(value):
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise HostConversion("a duck array operation produced an object array")
        return Duck(value.copy() if value.base is not None else value)
    if isinstance(value, np.generic):  # a numpy scalar: device libraries give 0-d arrays
        return Duck(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value  # shapes, Python numbers, None


def _index(key):
    """A subscript with duck arrays in it, as numpy takes it."""
    if isinstance(key, Duck):
        return key._a
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, list):
        return [_index(k) for k in key]
    if isinstance(key, np.ndarray) and not _host_ok(key):
        raise HostConversion("a float numpy array used as an index")
    return key


def _binary(ufunc, reflected=False):
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


class Duck:
    """A numpy array behind numpy's dispatch protocols, and nothing else (see the module)."""

    __slots__ = ("_a",)
    __hash__ = None

    def __init__(self, array):
        if isinstance(array, Duck):
            array = array._a
        self._a = np.array(array)  # the only place a duck array is made from host data

    # -- the protocols -------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method not in ("__call__", "outer"):
            raise HostConversion(
                f"np.{ufunc.__name__}.{method} on a duck array: in-place ufunc methods are not "
                "available on lazy or device arrays (dask has no np.add.at)"
            )
        out = kwargs.get("out")
        if out is not None:
            if not all(isinstance(o, Duck) for o in out):
                raise HostConversion("out= must be duck arrays")
            kwargs["out"] = tuple(o._a for o in out)
        result = getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        if not all(issubclass(t, (Duck, np.ndarray)) for t in types):
            return NotImplemented
        if func in (np.asarray, np.array):  # only like=duck dispatches them here: a copy to the device (cp.asarray)
            with accepting_host_arrays():
                return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    def __array__(self, dtype=None, copy=None):
        raise HostConversion(
            "implicit conversion of a duck array to a host numpy array "
            "(np.asarray/np.array of it, or numpy code that does not dispatch)"
        )

    # -- concrete values --------------------------------------------------------
    def _concrete(self, what):
        raise ConcreteValue(
            f"{what} of a duck array of shape {self.shape}: the value is needed on the host "
            "(an `if`/`while` on array data, or a conversion to a Python number)"
        )

    def __bool__(self):
        self._concrete("bool()")

    def __float__(self):
        self._concrete("float()")

    def __int__(self):
        self._concrete("int()")

    def __complex__(self):
        self._concrete("complex()")

    def __index__(self):
        self._concrete("operator.index()")

    # -- what an array is ----------------------------------------------------------
    @property
    def shape(self):
        return self._a.shape

    @property
    def ndim(self):
        return self._a.ndim

    @property
    def size(self):
        return self._a.size

    @property
    def dtype(self):
        return self._a.dtype

    @property
    def T(self):
        return np.transpose(self)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return f"Duck({self._a!r})"

    def __getitem__(self, key):
        return _wrap(self._a[_index(key)])

    def __setitem__(self, key, value):
        if isinstance(value, np.ndarray) and not _host_ok(value):
            raise HostConversion("a host float numpy array assigned into a duck array")
        self._a[_index(key)] = value._a if isinstance(value, Duck) else value

    # -- operators: all through the ufuncs ------------------------------------------
    __add__, __radd__ = _binary(np.add), _binary(np.add, True)
    __sub__, __rsub__ = _binary(np.subtract), _binary(np.subtract, True)
    __mul__, __rmul__ = _binary(np.multiply), _binary(np.multiply, True)
    __truediv__, __rtruediv__ = _binary(np.true_divide), _binary(np.true_divide, True)
    __floordiv__, __rfloordiv__ = _binary(np.floor_divide), _binary(np.floor_divide, True)
    __mod__, __rmod__ = _binary(np.mod), _binary(np.mod, True)
    __pow__, __rpow__ = _binary(np.power), _binary(np.power, True)
    __matmul__, __rmatmul__ = _binary(np.matmul), _binary(np.matmul, True)
    __and__, __rand__ = _binary(np.bitwise_and), _binary(np.bitwise_and, True)
    __or__, __ror__ = _binary(np.bitwise_or), _binary(np.bitwise_or, True)
    __xor__, __rxor__ = _binary(np.bitwise_xor), _binary(np.bitwise_xor, True)
    __lt__ = _binary(np.less)
    __le__ = _binary(np.less_equal)
    __gt__ = _binary(np.greater)
    __ge__ = _binary(np.greater_equal)
    __eq__ = _binary(np.equal)
    __ne__ = _binary(np.not_equal)

    def __neg__(self):
        return np.negative(self)

    def __pos__(self):
        return np.positive(self)

    def __abs__(self):
        return np.absolute(self)

    def __invert__(self):
        return np.invert(self)

    # -- methods, as numpy functions (what cupy and dask arrays offer) ------------------
    def sum(self, *args, **kwargs):
        return np.sum(self, *args, **kwargs)

    def mean(self, *args, **kwargs):
        return np.mean(self, *args, **kwargs)

    def prod(self, *args, **kwargs):
        return np.prod(self, *args, **kwargs)

    def max(self, *args, **kwargs):
        return np.max(self, *args, **kwargs)

    def min(self, *args, **kwargs):
        return np.min(self, *args, **kwargs)

    def var(self, *args, **kwargs):
        return np.var(self, *args, **kwargs)

    def std(self, *args, **kwargs):
        return np.std(self, *args, **kwargs)

    def cumsum(self, *args, **kwargs):
        return np.cumsum(self, *args, **kwargs)

    def clip(self, *args, **kwargs):
        return np.clip(self, *args, **kwargs)

    def dot(self, other):
        return np.dot(self, other)

    def reshape(self, *shape, **kwargs):
        return np.reshape(self, shape[0] if len(shape) == 1 else shape, **kwargs)

    def transpose(self, *axes):
        return np.transpose(self, (axes[0] if len(axes) == 1 else axes) or None)

    def ravel(self):
        return np.ravel(self)

    flatten = ravel

    def squeeze(self, axis=None):
        return np.squeeze(self, axis=axis)

    def copy(self):
        return np.copy(self)

    def astype(self, dtype, copy=True):
        return np.astype(self, dtype, copy=copy)

    def any(self, *args, **kwargs):
        return np.any(self, *args, **kwargs)

    def all(self, *args, **kwargs):
        return np.all(self, *args, **kwargs)


def duck(value):
    """``value`` with every numpy array in it (tuples and lists included) made a ``Duck``."""
    if isinstance(value, np.ndarray):
        return Duck(value)
    if isinstance(value, tuple):
        return tuple(duck(v) for v in value)
    if isinstance(value, list):
        return [duck(v) for v in value]
    return value


def is_duck(value):
    return isinstance(value, Duck)


def to_numpy(value):
    """The explicit way back to the host: every ``Duck`` in ``value`` as a numpy array."""
    if isinstance(value, Duck):
        return value._a.copy()
    if isinstance(value, tuple):
        return tuple(to_numpy(v) for v in value)
    if isinstance(value, list):
        return [to_numpy(v) for v in value]
    return value


def host_leaks(value):
    """The numpy arrays and numpy scalars in ``value`` (tuples and lists searched): what
    a duck computation should not have produced."""
    if isinstance(value, (np.ndarray, np.generic)):
        return [type(value).__name__]
    if isinstance(value, (tuple, list)):
        return [leak for v in value for leak in host_leaks(v)]
    return []

