"""What every generated program is checked against.

``check(program)`` runs, in order:

1. the primal: it must run (else the generator is wrong), and its value be
   finite and moderate (else the program is discarded with ``assume``);
2. central finite differences of ``<f(x), w>`` at two step sizes, and
   one-sided ones; where they disagree the function is not smooth at these
   inputs (a condition sits on its boundary, ``abs``/``max``/``norm`` at a
   kink): discarded, a generator matter;
3. reverse mode (``s2s.value_and_grad`` for a scalar output, ``s2s.vjp`` with
   the cotangent ``w`` otherwise) against those differences;
4. ``optimize=False`` against ``optimize=True``: the same values;
5. forward mode: ``s2s.jvp``'s value equals ``f``'s, and its tangent satisfies
   the dot-product identity ``<jvp(x; v), w> == <v, vjp(x; w)>``.

An exception raised by s2s is reported as a refusal (``S2SError``) or a crash
(anything else, from inside s2s or the code it generated), with the program.
"""

import inspect
import re

import numpy as np
import hypothesis

import s2s

from .generator import load
from .known import skip_if_known

EPS_SMALL, EPS_LARGE = 1e-6, 1e-4


class FuzzFailure(AssertionError):
    """A program on which s2s is wrong.  Each kind of failure gets its own
    subclass (see ``failure``), so that hypothesis, which keeps distinct
    exception types apart, shrinks each bug on its own."""


_KINDS = {}


def failure(kind, message):
    """A FuzzFailure subclass for ``kind`` (paths, positions and numbers dropped)."""
    kind = re.sub(r"\S*\.py:\d+:\d+: ", "", kind)
    kind = re.sub(r"(?<![A-Za-z])\d+", "N", kind)[:160]
    cls = _KINDS.get(kind)
    if cls is None:
        cls = _KINDS[kind] = type(f"FuzzFailure{len(_KINDS)}", (FuzzFailure,), {"kind": kind})
    return cls(message)


def _indices(f, wrt):
    names = list(inspect.signature(f).parameters)
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    return [w if isinstance(w, int) else names.index(w) for w in items]


def _as_tuple(wrt, value):
    return tuple(value) if isinstance(wrt, tuple) else (value,)


def _phi(f, args, w):
    with np.errstate(all="ignore"):
        return float(np.sum(np.asarray(f(*args), dtype=np.float64) * w))


def finite_differences(f, args, index, w, eps, phi):
    """Central differences of ``<f(args), w>`` with respect to ``args[index]``,
    and the one-sided differences' largest disagreement (a kink: ``abs``, ``max``
    or ``norm`` at a tie or at zero, where central differences see a smooth
    function)."""
    x = args[index]
    if isinstance(x, float):
        up = list(args)
        up[index] = x + eps
        down = list(args)
        down[index] = x - eps
        hi, lo = _phi(f, up, w), _phi(f, down, w)
        return (hi - lo) / (2 * eps), abs((hi - phi) - (phi - lo)) / eps
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    kink = 0.0
    for i in np.ndindex(x.shape):
        values = []
        for sign in (1, -1):
            moved = x.copy()
            moved[i] += sign * eps
            a = list(args)
            a[index] = moved
            values.append(_phi(f, a, w))
        hi, lo = values
        g[i] = (hi - lo) / (2 * eps)
        kink = max(kink, abs((hi - phi) - (phi - lo)) / eps)
    return g, kink


def _call(what, source, fuzzing, fn, *args):
    """Run an s2s transform or the function it returned; name what went wrong."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - an S2SError is a refusal, anything else a crash
        how = "REFUSED" if isinstance(e, s2s.S2SError) else "CRASHED"
        first = str(e).splitlines()[0] if str(e) else ""
        message = f"s2s {how} ({what}): {type(e).__name__}: {e}\n{source}"
        if fuzzing:
            skip_if_known(message)
        raise failure(f"{how} {type(e).__name__}: {first}", message) from e


def _close(actual, expected, rtol, atol):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return actual.shape == expected.shape and bool(np.all(np.abs(actual - expected) <= atol + rtol * np.abs(expected)))


CALLS = {"checked": 0, "passed": 0}  # programs checked, and passed (the rest were discarded): to size profiles


def check(program, forward=True):
    """Check a generated program (inside a hypothesis test)."""
    module = load(program.source)
    check_function(module.f, program.args(), program.wrt, program.seed, program.source, forward=forward)


def check_function(f, args, wrt, seed=0, source=None, forward=True, fuzzing=True):
    """All the oracles on ``f(*args)`` with respect to ``wrt``.

    ``fuzzing`` (inside a hypothesis test): discard, with ``hypothesis.reject``,
    inputs where ``f`` is not finite or not smooth and failures that match a
    known bug (tests/fuzz/known.py).  Regression tests pass False: then
    unsuitable inputs are an error and known bugs fail."""
    CALLS["checked"] += 1
    if source is None:
        source = inspect.getsource(f)
    args = list(args)
    saved = [np.copy(a) for a in args]
    try:
        with np.errstate(all="ignore"):
            out = f(*args)
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"generator bug: the program itself fails: {type(e).__name__}: {e}\n{source}")
    for a, b in zip(args, saved):
        assert np.array_equal(a, b), "generator bug: the program mutates its inputs\n" + source
    out_shape = np.shape(out)
    out_array = np.asarray(out, dtype=np.float64)

    def assume(condition):
        if not condition:
            if fuzzing:
                hypothesis.reject()
            raise AssertionError("unsuitable inputs: the function is not smooth or not finite there\n" + source)

    assume(np.all(np.isfinite(out_array)) and np.max(np.abs(out_array), initial=0.0) < 1e6)

    def call(what, fn, *a):
        return _call(what, source, fuzzing, fn, *a)

    def fail(kind, message):
        message = f"{message}\n{source}"
        if fuzzing:
            skip_if_known(message)
        raise failure(kind, message)

    rng = np.random.default_rng(seed + 1)
    scalar = out_shape == ()
    w = 1.0 if scalar else rng.normal(size=out_shape)
    indices = _indices(f, wrt)
    phi = _phi(f, args, w)

    # 2. finite differences, stable at two step sizes
    numeric = []
    for i in indices:
        small, kink = finite_differences(f, args, i, w, EPS_SMALL, phi)
        large, _ = finite_differences(f, args, i, w, EPS_LARGE, phi)
        assume(np.all(np.isfinite(small)) and np.all(np.isfinite(large)))
        scale = 1.0 + np.max(np.abs(small), initial=0.0) + 1e-2 * abs(phi)
        assume(_close(small, large, 1e-3, 1e-4 * scale))
        assume(kink <= 1e-3 * scale)
        numeric.append(small)

    # 3. reverse mode against finite differences
    if scalar:
        vag = call("value_and_grad transform", lambda: s2s.value_and_grad(f, wrt=wrt))
        value, grads = call("value_and_grad call", vag, *args)
        if not _close(value, out, 1e-12, 1e-12):
            fail("WRONG VALUE value_and_grad", f"WRONG VALUE from value_and_grad: {value!r} != f(...) = {out!r}")
    else:
        vjp = call("vjp transform", lambda: s2s.vjp(f, wrt=wrt))
        grads = call("vjp call", vjp, *args, w)
    grads = _as_tuple(wrt, grads)
    names = list(inspect.signature(f).parameters)
    for i, g, fd in zip(indices, grads, numeric):
        if np.shape(g) != np.shape(args[i]):
            fail("WRONG SHAPE gradient", f"WRONG SHAPE of the gradient wrt {names[i]}: {np.shape(g)} != {np.shape(args[i])}")
        if isinstance(args[i], float) and not isinstance(g, float):
            fail("WRONG TYPE gradient", f"gradient wrt the float {names[i]} is a {type(g).__name__}, not a float")
        scale = 1.0 + np.max(np.abs(fd), initial=0.0) + 1e-4 * abs(phi)
        if not _close(g, fd, 1e-5, 1e-6 * scale):
            fail("WRONG GRADIENT", f"WRONG GRADIENT wrt {names[i]} (reverse mode, {'value_and_grad' if scalar else 'vjp'}):\n"
                 f"  s2s:                {np.asarray(g).tolist()}\n  finite differences: {np.asarray(fd).tolist()}")

    # 4. optimize=False gives the same values
    if scalar:
        plain = call("value_and_grad(optimize=False) transform", lambda: s2s.value_and_grad(f, wrt=wrt, optimize=False))
        value0, grads0 = call("value_and_grad(optimize=False) call", plain, *args)
        if not _close(value0, value, 1e-12, 1e-14):
            fail("OPTIMIZE value", f"optimize=False VALUE differs: {value0!r} != {value!r}")
    else:
        plain = call("vjp(optimize=False) transform", lambda: s2s.vjp(f, wrt=wrt, optimize=False))
        grads0 = call("vjp(optimize=False) call", plain, *args, w)
    for i, g0, g in zip(indices, _as_tuple(wrt, grads0), grads):
        if not _close(g0, g, 1e-10, 1e-12 * (1.0 + np.max(np.abs(g), initial=0.0))):
            fail("OPTIMIZE gradient", f"optimize=False GRADIENT wrt {names[i]} differs:\n"
                 f"  optimize=False: {np.asarray(g0).tolist()}\n  optimize=True:  {np.asarray(g).tolist()}")

    if forward:
        # 5. forward mode: value, and <J v, w> == <v, J^T w>
        tangents = [float(rng.normal()) if isinstance(args[i], float) else rng.normal(size=np.shape(args[i]))
                    for i in indices]
        jvp = call("jvp transform", lambda: s2s.jvp(f, wrt=wrt))
        value, tangent = call("jvp call", jvp, *args, *tangents)
        if not _close(value, out, 1e-12, 1e-12):
            fail("WRONG VALUE jvp", f"WRONG VALUE from jvp: {value!r} != f(...) = {out!r}")
        if np.shape(tangent) != out_shape:
            fail("WRONG SHAPE jvp", f"WRONG SHAPE of the jvp tangent: {np.shape(tangent)} != {out_shape}")
        lhs = float(np.sum(np.asarray(tangent, dtype=np.float64) * w))
        terms = [float(np.sum(np.asarray(g, dtype=np.float64) * t)) for g, t in zip(grads, tangents)]
        rhs = sum(terms)
        size = abs(lhs) + sum(abs(t) for t in terms)
        if not abs(lhs - rhs) <= 1e-8 * size + 1e-10:
            # which of the two is wrong: a directional finite difference
            moved = [list(args), list(args)]
            for i, t in zip(indices, tangents):
                moved[0][i] = args[i] + EPS_SMALL * t
                moved[1][i] = args[i] - EPS_SMALL * t
            fd = (_phi(f, moved[0], w) - _phi(f, moved[1], w)) / (2 * EPS_SMALL)
            fail("WRONG TANGENT", f"WRONG TANGENT (dot-product identity): <jvp, w> = {lhs!r}, <v, vjp> = {rhs!r}, "
                 f"directional finite difference = {fd!r}")
    CALLS["passed"] += 1
