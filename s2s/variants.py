"""Specialized variants: which one a call runs, and how it is spelled.

A call of a transformed function runs the generated code specialized to the
parameters that hold Python numbers and, in reverse mode, to the *pattern* of
its arrays' dimensions (:mod:`s2s.shapes`; :mod:`s2s.api` builds and caches
one variant per pattern).  This module takes the arguments of a call
(:func:`spec_of`) or a command-line spelling (:func:`parse_spec`, ``s2s grad
--shapes``) to one *spec*, ``{parameter: shape or "int"/"float"}`` in
signature order, and a spec to the variant's key (:func:`key_of`: the names
of the Python-number parameters, and each array's dimensions as symbols,
equal sizes one letter, size 1 the number 1) and to the suffix of the file
name that keeps the variant next to the general file (:func:`file_suffix`).
:func:`spell_key` writes a key back as ``--shapes`` text, so that a variant's
header says how to regenerate it.  :func:`kept_variants` bounds how many
variants a process keeps per transformed function (the least recently used
go first).  No dependencies: the transform's header, the API and the command
line all read it.
"""

import os

NUMBERS = ("int", "float")
# dimension symbols; no "x", which separates dimensions in the spelling "784x256"
LETTERS = "abcdefghijklmnopqrstuvwyz"


def spec_of(arguments):
    """The spec of a call's bound ``arguments`` (name -> value, in signature order)."""
    spec = {}
    for name, value in arguments.items():
        if isinstance(value, (int, float)):
            spec[name] = "float" if isinstance(value, float) else "int"
            continue
        shape = getattr(value, "shape", None)
        if type(shape) is tuple and all(type(n) is int for n in shape):
            spec[name] = shape
    return spec


def key_of(spec, kind):
    """``(scalars, dims)``: the variant a call with ``spec`` runs.

    ``scalars`` names the Python-number parameters; ``dims`` pairs each array
    parameter with its dimensions as symbols (forward and vector mode: none,
    its code depends on the numbers only).  Symbols are given in parameter order, so
    calls whose sizes follow one pattern share a key."""
    scalars = tuple(name for name, s in spec.items() if s in NUMBERS)
    if kind in ("jvp", "jacobian"):
        return scalars, ()
    letters = {1: 1}
    dims = tuple(
        (name, tuple(letters.setdefault(n, _letter(len(letters) - 1)) for n in shape))
        for name, shape in spec.items()
        if shape not in NUMBERS
    )
    return scalars, dims


def _letter(i):
    return LETTERS[i] if i < len(LETTERS) else f"n{i}"


def parse_spec(text, parameters):
    """``"W=784x256,b=256,lr=float,s=()"`` -> a spec in the order of ``parameters``.

    A dimension is a size or a symbol (a name standing for a size: ``n``);
    ``()`` is a 0-d array, ``int``/``float`` a Python number.  Raises
    ``ValueError`` with what is wrong."""
    given = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, eq, value = (s.strip() for s in item.partition("="))
        if not eq or not name or not value:
            raise ValueError(f"--shapes entry {item!r}: expected NAME=784x256, NAME=() or NAME=float")
        if name not in parameters:
            raise ValueError(f"--shapes names {name!r}, which is not a parameter (parameters: {', '.join(parameters)})")
        if name in given:
            raise ValueError(f"--shapes names {name!r} twice")
        given[name] = value if value in NUMBERS else () if value == "()" else tuple(_dimension(d, item) for d in value.split("x"))
    return {p: given[p] for p in parameters if p in given}


def _dimension(text, item):
    if text.isdigit():
        return int(text)
    if text.isidentifier():
        return text
    raise ValueError(f"--shapes entry {item!r}: {text!r} is neither a size nor a symbol")


def spell_key(scalars, dims):
    """The ``--shapes`` text that :func:`parse_spec` reads back to the key ``(scalars, dims)``."""
    return ",".join([f"{p}={'x'.join(map(str, d)) or '()'}" for p, d in dims] + [f"{p}=float" for p in scalars])


def file_suffix(spec):
    """``_at_W_784x256_b_256``: the shapes in a variant's file name (``()`` spelled ``0d``)."""
    return "_at_" + "_".join(f"{p}_{s if s in NUMBERS else 'x'.join(map(str, s)) or '0d'}" for p, s in spec.items())


KEPT_VARIANTS = 32


def kept_variants():
    """How many variants a transformed function keeps in a process (``$S2S_MAX_VARIANTS``,
    default 32), besides its general code: one more pattern of shapes than that evicts
    the least recently used (a later call with it loads it again, from the disk cache)."""
    text = os.environ.get("S2S_MAX_VARIANTS", "")
    return int(text) if text.strip().isdigit() and int(text) > 0 else KEPT_VARIANTS
