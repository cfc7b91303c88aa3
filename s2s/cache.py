"""The per-user derivative cache: entries read back as written, healed, bounded.

Takes the name of an entry (:func:`entry_name`: function, transform, key) and
the source a transform generated.  Guarantees:

- what :func:`read` hands back is exactly what s2s wrote, checked against the
  digest every generated file carries (:func:`s2s.load.verify`); an entry that
  cannot be read, decoded, verified or parsed is reported in one warning naming
  the file and read as missing, so the caller regenerates it in place: the
  cache is s2s's own, nothing in it is the user's to keep;
- a cache directory that cannot be made or written (a read-only home, a full
  disk, a directory of another user) costs one warning per directory and
  process, never the derivative: :func:`locate` and :func:`store` then give a
  path under ``<s2s memory>``, and the module is loaded from its text;
- the directory stays under its size cap (``$S2S_CACHE_SIZE``, default
  100M): each store counts what it wrote, and past the cap the least recently
  used entries go (used: written, or read by :func:`read`, which sets the
  entry's access time) until a quarter of the cap is free.  An entry's size
  counts numba's cache of its functions (``__pycache__/<entry>.*.nbi``,
  ``.nbc``, for ``compile="numba"``), which goes with it.

Processes share the directory without locks: entries appear by atomic rename,
pruning unlinks, and an entry that vanishes between a listing and its use is
one that was never there (the module already loaded keeps its text in memory,
:func:`s2s.load.load_module`).  Only files named like entries, numba's files
named after them, and temporary files of writes interrupted an hour ago or
more are ever removed.
"""

import os
import re
import sys
import time
import typing
import warnings

from .errors import CacheWarning
from .load import TEMPORARY_PREFIX, cache_dir, cache_path, read_meta, verify, write_atomic

STEM = r"\w+_(?:grad|value_and_grad|vjp|jvp)_[0-9a-f]{16}"
ENTRY = re.compile(STEM + r"\.py")
PYCACHE = "__pycache__"
COMPILED = re.compile(f"({STEM})\\.[^/\\\\]+\\.nb[ic]")  # numba's cache of an entry compile="numba" wrote
TEMPORARY = re.compile(re.escape(TEMPORARY_PREFIX) + r"\w+\.py")
ABANDONED = 3600  # seconds after which a temporary file is a write that will never finish
MEMORY = "<s2s memory>"
DEFAULT_CAP = "100M"
RESCAN = 64  # stores between two listings of the directory (other processes write too)
UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}

_warned = set()  # (what, directory): the warnings given once per process
_usage = {}  # directory -> [bytes as last counted plus written since, stores since]


def entry_name(function, kind, key):
    """``loss_grad_0123456789abcdef.py``: the file of one transform of one function."""
    return f"{function}_{kind}_{key[:16]}.py"


def parse_size(text):
    """``"100M"`` -> bytes (``k``, ``M``, ``G``, ``T``: powers of 1024; ``100MB``, ``100MiB``
    and a plain number of bytes are read too).  Raises ``ValueError`` with what is wrong."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([kmgt]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if match is None:
        raise ValueError(f"{text!r} is not a size: write bytes, or a number with k, M, G or T (200M, 2G)")
    return int(float(match.group(1)) * UNITS[match.group(2).lower()])


def size_cap():
    """The cache directory's cap in bytes: ``$S2S_CACHE_SIZE``, else 100 MiB."""
    text = os.environ.get("S2S_CACHE_SIZE") or DEFAULT_CAP
    try:
        return parse_size(text)
    except ValueError as exc:
        _warn_once(("size", text), f"S2S_CACHE_SIZE: {exc}; s2s caps its cache at {DEFAULT_CAP}")
        return parse_size(DEFAULT_CAP)


def human(size):
    """``3.1 MiB``: a size in bytes as people read it."""
    if size < 1024:
        return f"{size} B"
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            break
    return f"{size:.1f} {unit}"


def locate(name):
    """The path of the entry ``name``: in the cache directory, or, where that cannot be
    made or is refused, under ``<s2s memory>`` (one warning)."""
    try:
        return os.path.join(cache_dir(), name)
    except OSError as exc:
        _unusable(cache_path(), exc)
        return os.path.join(MEMORY, name)


def in_memory(path):
    """Whether ``path`` (from :func:`locate` or :func:`store`) names no file: the module lives in memory."""
    return path.startswith(MEMORY + os.sep)


def read(path):
    """``(text, meta)`` of the entry at ``path`` as s2s wrote it, or None where there is none.

    A damaged entry (unreadable, not UTF-8, cut short, edited, appended to) is
    reported in one warning naming it and is None too: the caller regenerates
    it, and :func:`store` writes it again in its place.  Reading an entry marks
    it used (its access time; the modification time stays when s2s wrote it)."""
    if in_memory(path):
        return None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:  # never written, or pruned, perhaps by another process a moment ago
        return None
    except OSError as exc:
        return _damaged(path, f"could not be read ({exc.strerror or exc})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _damaged(path, "is not UTF-8 text")
    if not text:
        return _damaged(path, "is empty")
    digest = verify(text)
    if digest is None:
        return _damaged(path, "has no s2s digest (cut short, or not written by s2s)")
    if not digest:
        return _damaged(path, "does not match its digest (cut short, or changed after s2s wrote it)")
    try:
        meta = read_meta(text)
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or "entry" not in meta or "bindings" not in meta:
        return _damaged(path, "has no s2s-meta record")
    _mark_used(path)
    return text, meta


def store(path, text):
    """Write ``text`` as the entry at ``path``, and keep the directory under its cap.

    Returns the path a module compiled from ``text`` is to carry: ``path``, or,
    where it cannot be written (read-only, a full disk), the same name under
    ``<s2s memory>`` (one warning per directory and process)."""
    if in_memory(path):
        return path
    try:
        write_atomic(path, text)
    except OSError as exc:
        _unusable(os.path.dirname(path), exc)
        return os.path.join(MEMORY, os.path.basename(path))
    _count(os.path.dirname(path), len(text.encode("utf-8")), path)
    return path


def _count(directory, size, written):
    """Add ``size`` bytes written to what the directory holds; prune past the cap."""
    cap = size_cap()
    usage = _usage.get(directory)
    if usage is None or usage[1] >= RESCAN:
        usage = _usage[directory] = [listing(directory)[1], 0]  # what everyone wrote, this included
    else:
        usage[0] += size
        usage[1] += 1
    if usage[0] > cap:
        usage[0] = prune(directory, cap - cap // 4, keep=written)[2]


class Entry(typing.NamedTuple):
    """A file of the cache directory (sorted: least recently used first)."""

    used: int  # the later of its access and modification times, ns
    size: int  # bytes, numba's files for it included
    path: str
    kind: str  # "entry", "temporary" (a write, perhaps in progress) or "orphan" (numba's, of an entry gone)
    compiled: tuple = ()  # numba's cache of the entry's functions, in __pycache__


def listing(directory):
    """``(entries, bytes)``: what of ``directory`` is the cache's, as :class:`Entry` items, and its size."""
    found = {}
    for name, path, used, size in _files(directory):
        if ENTRY.fullmatch(name) or TEMPORARY.fullmatch(name):
            found[name] = Entry(used, size, path, "entry" if ENTRY.fullmatch(name) else "temporary")
    orphans = []
    for name, path, used, size in _files(os.path.join(directory, PYCACHE)):
        match = COMPILED.fullmatch(name)
        owner = found.get(match.group(1) + ".py") if match else None
        if owner is not None:
            found[match.group(1) + ".py"] = owner._replace(size=owner.size + size, compiled=owner.compiled + (path,))
        elif match:
            orphans.append(Entry(used, size, path, "orphan"))
    entries = list(found.values()) + orphans
    return entries, sum(e.size for e in entries)


def _files(directory):
    """``(name, path, last used, size)`` of each file in ``directory``, skipping those removed meanwhile."""
    try:
        scan = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    for item in scan:
        try:
            info = item.stat(follow_symlinks=False)
        except FileNotFoundError:  # pruned by another process since the listing
            continue
        yield item.name, item.path, max(info.st_atime_ns, info.st_mtime_ns), info.st_size


def prune(directory, limit, keep=None):
    """Remove the least recently used entries of ``directory`` until it holds at most
    ``limit`` bytes (``keep``, the entry just written, stays), temporary files of
    writes abandoned an hour ago or more, and numba's files of entries gone.
    Returns ``(removed, bytes freed, bytes left)``."""
    entries, total = listing(directory)
    removed = freed = 0
    abandoned = time.time_ns() - ABANDONED * 10**9
    for entry in sorted(entries):
        if entry.kind == "temporary" and entry.used > abandoned:
            continue  # a write in progress
        if entry.kind == "entry" and (total <= limit or entry.path == keep):
            continue
        if _remove(entry.path):
            removed += 1
            freed += entry.size
        for path in entry.compiled:
            _remove(path)
        total -= entry.size
    return removed, freed, total


def clear(directory):
    """Remove every entry of ``directory`` (and abandoned temporary files): ``(removed, bytes freed)``."""
    return prune(directory, -1)[:2]


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False  # another process removed it first
    except OSError:
        return False  # a read-only directory: left as it is
    return True


def _mark_used(path):
    """Set the access time of ``path`` to now (LRU order), leaving its modification time."""
    try:
        os.utime(path, ns=(time.time_ns(), os.stat(path).st_mtime_ns))
    except OSError:
        pass  # read-only, or pruned meanwhile: the order of pruning is a hint


def _damaged(path, why):
    _warn(f"the s2s cache entry {path} {why}; s2s regenerates it")
    return None


def _unusable(directory, exc):
    reason = exc.strerror or str(exc)
    _warn_once(("directory", directory), (
        f"s2s cannot write its cache in {directory} ({reason}); derivatives are built and loaded "
        "from memory, and made again in each process: set S2S_CACHE_DIR to a writable directory of your own"
    ))


def _warn_once(key, message):
    if key not in _warned:
        _warned.add(key)
        _warn(message)


def _warn(message):
    """A :class:`CacheWarning` pointing at the first line outside s2s (the user's call)."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CacheWarning, stacklevel=level)
