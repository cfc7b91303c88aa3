"""Functions s2s must refuse, each at the line marked `# refused: <words>`."""

import numpy as np

counter = 0


def uses_try(x):
    try:  # refused: `try` statements
        y = x * 2.0
    except ValueError:
        y = x
    return y


def uses_with(x):
    with open("f") as f:  # refused: `with` blocks
        y = x * 2.0
    return y


def uses_yield(x):
    yield x * 2.0  # refused: `yield`


async def uses_async(x):  # refused: async functions
    return x


def uses_global(x):
    global counter  # refused: `global` declarations
    counter = 1
    return x


def uses_nonlocal(x):
    total = 0.0

    def add(v):
        nonlocal total  # refused: `nonlocal` declarations (return the new value
        total = total + v
    add(x)
    return total


def returns_nested(x):
    def inner(y):
        return y * x
    return inner  # refused: the function `inner` is used here as a value


def uses_lambda(x):
    f = lambda v: v * 2.0
    return np.sum(list(map(f, x)))  # refused: no derivative rule for map


def uses_del(x):
    y = x * 2.0
    del y  # refused: `del` statements
    return x


def uses_varargs(x, *rest):  # refused: `*rest` in the signature of the function differentiated
    return x


def uses_kwargs(x, **options):  # refused: `**options` in a differentiated function
    return x


def uses_setcomp(x):
    ys = {v * 2.0 for v in x}  # refused: set comprehensions
    return np.sum(list(ys))


def uses_class(x):
    class Box:  # refused: class definitions
        pass
    return x


def uses_eval(x):
    y = eval("x * 2.0")  # refused: `eval`
    return y


def uses_exec(x):
    exec("y = x")  # refused: `exec`
    return x


def uses_attribute_assignment(x, obj):
    obj.value = x  # refused: assignment to an attribute
    return x


def uses_no_rule(x):
    return np.sum(np.fft.hfft(x))  # refused: no derivative rule for numpy.fft.hfft


def uses_import(x):
    import math  # refused: imports inside the function
    return x


def uses_walrus(x):
    y = (z := x * 2.0) + z  # refused: assignment expressions
    return y


def uses_set(x):
    s = {1, 2}  # refused: set literals
    return x


def uses_unknown_method(x):
    return x.frobnicate()  # refused: which function `x.frobnicate(...)` calls


def uses_undefined_name(x):
    return x * undefined_thing  # refused: cannot resolve `undefined_thing`


def uses_and_or(x, y):
    z = x or y  # refused: cannot differentiate through `and`/`or`
    return np.sum(z)


def no_return(x):  # refused: must return a value on every path
    y = x * 2.0
