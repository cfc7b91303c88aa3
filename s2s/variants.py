"""Specialized variants: which one a call runs, and how it is spelled.

A call of a transformed function runs the generated code specialized to the
parameters that hold Python numbers and, in reverse mode, to the *pattern* of
its arrays' dimensions (:mod:`s2s.shapes`; :mod:`s2s.api` builds and caches
one variant per pattern).  This module takes the arguments of a call
(:func:`spec_of`) or a command-line spelling (:func:`parse_spec`, ``s2s grad
--shapes``) to one *spec*, ``{parameter: shape or "int"/"float"}`` in
signature order (a container parameter, a dict, tuple, list, NamedTuple,
dataclass or object of a user's class, has its entries' specs, a
:class:`Fields`), and a spec to the variant's key (:func:`key_of`: the names
of the Python-number parameters, and each array's dimensions as symbols,
equal sizes one letter, sizes up to 4 the number, a size ``k`` times another
``"4c"`` for the ``k`` the function splits arrays by, :mod:`s2s.splits`) and to the suffix of the file
name that keeps the variant next to the general file (:func:`file_suffix`).
:func:`spell_key` writes a key back as ``--shapes`` text, so that a variant's
header says how to regenerate it.  :func:`kept_variants` bounds how many
variants a process keeps per transformed function (the least recently used
go first).  No dependencies: the transform's header, the API and the command
line all read it.
"""

import ast
import collections
import dataclasses
import functools
import hashlib
import json
import os

NUMBERS = ("int", "float")
# dimension symbols; no "x", which separates dimensions in the spelling "784x256"
LETTERS = "abcdefghijklmnopqrstuvwyz"


class Fields(collections.namedtuple("Fields", "kind items")):
    """The spec of a container parameter: ``kind`` ``"{}"`` (a dict's entries by key), ``"."``
    (a dataclass's, NamedTuple's or object's attributes by name) or ``"[]"`` (a tuple's or
    list's items by position; one item ``("*", spec)`` where more than :data:`SMALL` items
    share a spec, whatever their number); ``items`` pairs each key with its spec, None where nothing is known of it."""


SMALL = 4  # dimensions of this size or less are part of a variant's key as sizes, not symbols
MAX_FIELDS = 64  # a container with more entries than this is not looked into (a call reads its specs)


def spec_of(arguments):
    """The spec of a call's bound ``arguments`` (name -> value, in signature order)."""
    spec = {}
    for name, value in arguments.items():
        found = value_spec(value)
        if found is not None:
            spec[name] = found
    return spec


def value_spec(value, depth=0):
    """A number's ``"int"``/``"float"``, an array's shape, a container's :class:`Fields`, or None."""
    if isinstance(value, (int, float)):
        return "float" if isinstance(value, float) else "int"
    shape = getattr(value, "shape", None)
    if type(shape) is tuple and all(type(n) is int for n in shape):
        return shape
    if depth < 4:
        fields = _fields(value, depth + 1)
        if fields is not None and any(s is not None for _, s in fields.items):
            return fields
    return None


def _fields(value, depth):
    t = type(value)
    if t is dict:
        if len(value) <= MAX_FIELDS and all(type(k) in (str, int) for k in value):
            return Fields("{}", tuple((k, value_spec(v, depth)) for k, v in value.items()))
        return None
    names = _attribute_names(t)
    if names is not None:  # a NamedTuple's or a dataclass's fields
        return Fields(".", tuple((k, value_spec(getattr(value, k, None), depth)) for k in names))
    if t is tuple or t is list:
        if len(value) > MAX_FIELDS:
            return None
        return sequence_fields([value_spec(v, depth) for v in value])
    if t.__module__ != "builtins" and isinstance(getattr(value, "__dict__", None), dict) and not callable(value):
        attributes = vars(value)  # an instance of a user's class (``self``, a model object)
        if len(attributes) <= MAX_FIELDS and not isinstance(value, type):
            return Fields(".", tuple((k, value_spec(v, depth)) for k, v in attributes.items()))
    return None


def spec_key(spec):
    """The class of a value with spec ``spec`` (:mod:`s2s.variants`): ``("dims", ...)`` for
    an array's symbols or a number, the :class:`~s2s.variants.Fields` of a container, None
    for nothing known."""
    if spec is None or isinstance(spec, Fields):
        return spec
    return ("dims", ()) if spec in NUMBERS else ("dims", tuple(spec))


def key_spec(key):
    """The spec (:mod:`s2s.variants`) a class stands for: the inverse of :func:`spec_key`, None
    for a class that is no known shape (a slice of a dimension, the shape of one name)."""
    if isinstance(key, Fields):
        return key
    if isinstance(key, tuple) and key[0] == "dims" and all(isinstance(d, (str, int)) for d in key[1]):
        return key[1] or "float"
    return None


# a ``dims`` entry of a callee's request for a parameter the call passes an integer (a loop
# index, ``i + 1``, ``0``): its indexing is basic, read one entry at a time (s2s.shapes.integer_names)
INTEGER = "int"


def passable(key):
    """What a callee may be told of an argument of class ``key`` (a ``dims`` entry of
    :meth:`s2s.transform.Program.request`): an array's symbols (not slices of them, nor a
    part's own symbol ``"d/4"``, :mod:`s2s.splits`, which no spelling reads back), a
    container's fields (those of its entries told so); None for nothing."""
    if isinstance(key, Fields):
        return Fields(key.kind, tuple((k, passable(spec_key(v)) if v not in NUMBERS else v) for k, v in key.items))
    if isinstance(key, tuple) and key[0] == "dims" and all(type(d) is int or isinstance(d, str) and "/" not in d for d in key[1]):
        return key[1]
    return None


def _sort(spec):
    return "unknown" if spec is None else "container" if isinstance(spec, Fields) else "leaf"


def sequence_fields(items):
    """The :class:`Fields` of a tuple or list whose items have specs ``items``, or None: item by
    item, or (more than :data:`SMALL` items, all alike) one spec for all."""
    if len(items) > SMALL and all(s == items[0] for s in items):
        return Fields("[]", (("*", items[0]),))  # their number is no part of the key, as an array's size
    if len({_sort(s) for s in items}) > 1:
        return None  # leaves beside containers (a tree's nodes, a record of a name and a number): not a layout
    return Fields("[]", tuple(enumerate(items)))


@functools.lru_cache(maxsize=256)
def _attribute_names(t):
    """The field names of a NamedTuple or dataclass type, else None (asked once per type)."""
    if issubclass(t, tuple) and hasattr(t, "_fields"):
        return tuple(t._fields)
    if dataclasses.is_dataclass(t):
        return tuple(f.name for f in dataclasses.fields(t))
    return None


def key_of(spec, kind, factors=()):
    """``(scalars, dims)``: the variant a call with ``spec`` runs (see :func:`_key_of`; a
    spec seen before is looked up: a call that cannot take the quick path asks each time)."""
    cache_key = (kind, tuple(spec.items()), factors)
    found = _KEYS.get(cache_key)
    if found is None:
        if len(_KEYS) >= 4096:
            _KEYS.clear()
        found = _KEYS[cache_key] = _key_of(spec, kind, factors)
    return found


_KEYS = {}


def _key_of(spec, kind, factors=()):
    """``(scalars, dims)``: the variant a call with ``spec`` runs.

    ``scalars`` names the Python-number parameters; ``dims`` pairs each array
    parameter with its dimensions as symbols, and each container parameter with
    its :class:`Fields`, their arrays' dimensions as symbols and numbers
    ``"float"`` (forward and vector mode: none, its code depends on the numbers
    only).  Symbols are given in parameter order, so calls whose sizes follow
    one pattern share a key; sizes up to :data:`SMALL` stay numbers (the state
    of an ODE, a point in space: ``np.array([x, y])`` then has the shape of
    the parameter it is added to).  A size ``k`` times another size of the call,
    ``k`` one of ``factors`` (the numbers of equal parts the function splits arrays
    into: :func:`split_factors`), is spelled so, ``"4c"``: an LSTM's four gates
    ``np.split(z, 4, axis=1)`` of ``z`` of shape ``(a, "4c")`` are then known to have
    the shape ``(a, c)`` of its state."""
    scalars = tuple(name for name, s in spec.items() if s in NUMBERS)
    if kind in ("jvp", "jacobian"):
        return scalars, ()
    letters = {}
    derived = _multiples(spec, sorted(set(factors)))

    def symbol(n):  # letters in order of appearance (of a size or of a multiple of it)
        if type(n) is int and n <= SMALL:
            return n
        if n in derived:
            times, base = derived[n]
            return spell_multiple(times, symbol(base))
        return letters.setdefault(n, _letter(len(letters)))

    def symbols(s):
        if s is None or s in NUMBERS:
            return s and "float"
        if isinstance(s, Fields):
            return Fields(s.kind, tuple((k, symbols(v)) for k, v in s.items))
        return tuple(symbol(n) for n in s)

    return scalars, tuple((name, symbols(s)) for name, s in spec.items() if s not in NUMBERS)


def _leaves(spec):
    """The shapes of a spec's arrays, in parameter order (a container's in its entries' order)."""
    for s in spec.values() if isinstance(spec, dict) else (spec,):
        if isinstance(s, Fields):
            for _, v in s.items:
                yield from _leaves(v)
        elif s is not None and s not in NUMBERS:
            yield s


def _multiples(spec, factors):
    """``{size: (k, base)}`` for the sizes of ``spec`` (numbers above :data:`SMALL`) that are ``k``
    times another of its sizes ``base``, ``k`` in ``factors`` (the smallest ``k``; ``base`` may be
    a multiple itself: 128 = 4 * 32 = 16 * 8 is ``"16c"`` where 8 is ``c``);
    a symbol of a spelled spec (``"4c"``, :func:`parse_spec`) is ``(4, "c")`` whatever the factors."""
    sizes = {n for s in _leaves(spec) for n in s if not (type(n) is int and n <= SMALL)}
    found = {}
    for n in sizes:
        if isinstance(n, str):
            times, base = multiple(n)
            if times > 1:
                found[n] = (times, base)
    numbers = sorted(n for n in sizes if type(n) is int)
    for n in numbers:  # ascending: a base is never itself a multiple
        for k in factors:
            if k > 1 and n % k == 0 and n // k in sizes and n // k > SMALL:
                found[n] = (k, n // k)
                break
    return found


def multiple(symbol):
    """``(4, "c")`` for the symbol ``"4c"`` (a size 4 times ``c``'s), ``(1, symbol)`` for any other."""
    digits = len(symbol) - len(symbol.lstrip("0123456789"))
    if 0 < digits < len(symbol) and symbol[digits:].isidentifier() and int(symbol[:digits]) > 1:
        return int(symbol[:digits]), symbol[digits:]
    return 1, symbol


def spell_multiple(times, base):
    """The symbol of a size ``times`` that of symbol ``base`` (:func:`multiple` reads it back)."""
    times_base, base = multiple(base)
    times *= times_base
    return base if times == 1 else f"{times}{base}"


def _letter(i):
    return LETTERS[i] if i < len(LETTERS) else f"n{i}"


def parse_spec(text, parameters):
    """``"W=784x256,b=256,lr=float,s=()"`` -> a spec in the order of ``parameters``.

    A dimension is a size or a symbol (a name standing for a size: ``n``);
    ``()`` is a 0-d array, ``int``/``float`` a Python number; containers are
    spelled as :func:`spell` writes them (``p={"k":float,"W":axb}``,
    ``p={.alpha:float}``, ``c=[float,float]``, ``layers=[*:axb]``, ``?`` for an entry
    nothing is known of).  Raises ``ValueError`` with what is wrong."""
    given = {}
    for item in (part.strip() for part in _split(text, ",")):
        if not item:
            continue
        name, eq, value = (s.strip() for s in item.partition("="))
        if not eq or not name or not value:
            raise ValueError(f"--shapes entry {item!r}: expected NAME=784x256, NAME=() or NAME=float")
        if name not in parameters:
            raise ValueError(f"--shapes names {name!r}, which is not a parameter (parameters: {', '.join(parameters)})")
        if name in given:
            raise ValueError(f"--shapes names {name!r} twice")
        given[name] = _parse_value(value, item)
    return {p: given[p] for p in parameters if p in given}


def _split(text, sep):
    """``text`` split at the ``sep`` characters outside brackets and quotes."""
    parts, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(text):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "[{(":
            depth += 1
        elif c in "]})":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _parse_value(text, item):
    text = text.strip()
    if text in NUMBERS:
        return text
    if text == "()":
        return ()
    if text == "?":
        return None
    if text[:1] in "[{" and text[-1:] == {"[": "]", "{": "}"}[text[0]]:
        inner = [part.strip() for part in _split(text[1:-1], ",") if part.strip()]
        if text[0] == "[" and len(inner) == 1 and inner[0].startswith("*:"):
            return Fields("[]", (("*", _parse_value(inner[0][2:], item)),))
        if text[0] == "[":
            return Fields("[]", tuple((i, _parse_value(part, item)) for i, part in enumerate(inner)))
        entries = [_split(part, ":") for part in inner]
        if not entries or any(len(e) != 2 for e in entries):
            raise ValueError(f"--shapes entry {item!r}: expected {{'key':spec,...}} or {{.attribute:spec,...}} in {text!r}")
        keys = [_parse_key(k.strip(), item) for k, _ in entries]
        attributes = {isinstance(k, str) and k.startswith(".") for k in keys}
        if len(attributes) != 1:
            raise ValueError(f"--shapes entry {item!r}: {text!r} mixes attributes (.name) and keys")
        kind = "." if attributes.pop() else "{}"
        return Fields(kind, tuple((k[1:] if kind == "." else k, _parse_value(v, item)) for k, (_, v) in zip(keys, entries)))
    return tuple(_dimension(d, item) for d in text.split("x"))


def _parse_key(text, item):
    if text.startswith(".") and text[1:].isidentifier():
        return text
    try:
        key = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        key = None
    if type(key) not in (str, int):
        raise ValueError(f"--shapes entry {item!r}: {text!r} is neither a quoted key, an integer nor .attribute")
    return key


def _dimension(text, item):
    if text.isdigit():
        return int(text)
    if text.isidentifier() or multiple(text)[0] > 1:  # a symbol, or a multiple of one: "4c"
        return text
    raise ValueError(f"--shapes entry {item!r}: {text!r} is neither a size nor a symbol")


def spell(s):
    """The ``--shapes`` spelling of one parameter's spec (or a key's symbols)."""
    if s is None:
        return "?"
    if s in NUMBERS:
        return s
    if isinstance(s, Fields):
        if s.kind == "[]":
            return "[" + ",".join(f"*:{spell(v)}" if k == "*" else spell(v) for k, v in s.items) + "]"
        return "{" + ",".join(f"{'.' + k if s.kind == '.' else json.dumps(k)}:{spell(v)}" for k, v in s.items) + "}"
    return "x".join(map(str, s)) or "()"


def spell_key(scalars, dims):
    """The ``--shapes`` text that :func:`parse_spec` reads back to the key ``(scalars, dims)``."""
    return ",".join([f"{p}={spell(d)}" for p, d in dims] + [f"{p}=float" for p in scalars])


def dims_record(dims):
    """``dims`` (of a key) as JSON: an array's symbols as a list, a container's spelled (:func:`spell`)."""
    return [[p, spell(d) if isinstance(d, Fields) else list(d)] for p, d in dims]


def dims_of_record(record):
    """The ``dims`` :func:`dims_record` wrote."""
    return tuple((p, _parse_value(d, d) if isinstance(d, str) else tuple(d)) for p, d in record)


def describe(dims):
    """``W1 (a, b), params {"k":float}``: what a variant's header says it is specialized to."""
    return ", ".join(f"{p} {spell(d)}" if isinstance(d, Fields) else f"{p} ({', '.join(map(str, d))}{',' if len(d) == 1 else ''})"
                     for p, d in dims)


def file_suffix(spec):
    """``_at_W_784x256_b_256``: the shapes in a variant's file name (``()`` spelled ``0d``,
    a container by its entries' shapes, or a digest of them where that is long)."""
    return "_at_" + "_".join(f"{p}_{_file_part(s)}" for p, s in spec.items())


def _file_part(s):
    if s in NUMBERS:
        return s
    if isinstance(s, Fields):
        text = "_".join(f"each_{_file_part(v)}" if k == "*" else _file_part(v) if s.kind == "[]" else f"{k}_{_file_part(v)}"
                        for k, v in s.items if v is not None)
        safe = "".join(c if c.isalnum() or c == "_" else "_" for c in text)
        if len(safe) > 40 or safe != text:
            return "f" + hashlib.sha256(spell(s).encode()).hexdigest()[:10]
        return safe
    return "x".join(map(str, s)) or "0d"


KEPT_VARIANTS = 32


def kept_variants():
    """How many variants a transformed function keeps in a process (``$S2S_MAX_VARIANTS``,
    default 32), besides its general code: one more pattern of shapes than that evicts
    the least recently used (a later call with it loads it again, from the disk cache)."""
    text = os.environ.get("S2S_MAX_VARIANTS", "")
    return int(text) if text.strip().isdigit() and int(text) > 0 else KEPT_VARIANTS
