"""Loading: generated source to a file on disk to a live module.

Takes module source text and the names it must be given from the user's code.
Guarantees an atomic write (temporary file, then rename) to ``out_dir`` or to
the per-user cache directory, and a module compiled with its real file path,
so tracebacks, ``inspect.getsource`` and debuggers show the generated file;
the text compiled stays in ``linecache`` under that path, so they show it
even once the file is gone (pruned from the cache, never written).  Every
generated file carries a digest of its own text (:func:`seal`), by which
:func:`verify` tells a file as s2s wrote it from one cut short or edited.
The cache directory's contents are :mod:`s2s.cache`'s.
"""

import hashlib
import importlib.util
import inspect
import json
import linecache
import os
import sys
import tempfile
import types

from .frontend import code_names
from .jit import no_file_to_cache_beside, py_function, without_disk_cache

META_TAG = "s2s-meta: "


def cache_path():
    """Where the per-user cache directory is (``$S2S_CACHE_DIR`` or the XDG cache), made or not."""
    return os.environ.get("S2S_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "s2s"
    )


def cache_dir():
    """The per-user cache directory (:func:`cache_path`), made if need be, mode 0700.

    Raises ``OSError`` where it cannot be made, and ``PermissionError`` where it
    belongs to another user."""
    path = cache_path()
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.stat(path)
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise PermissionError(
            f"the s2s cache directory {path} belongs to another user (uid {info.st_uid}); s2s runs the code "
            "it finds there, so it refuses to use it: set S2S_CACHE_DIR to a directory of your own"
        )
    if info.st_mode & 0o077:  # made by something else, or before s2s made it private
        os.chmod(path, 0o700)
    return path


def reachable(fn):
    """User functions ``fn`` may call, found from code objects: ``{key: function}``.

    The key is ``module:qualname``, and for a second function of that name
    (redefined in a later notebook cell, the first one still called under
    another name) its file and line too.  This over-approximates the call graph
    (any global function name the code mentions), which is what a cache key
    needs: a change to any of them gives a new key.
    """
    seen = {}
    todo = [fn]
    while todo:
        f = inspect.unwrap(todo.pop())
        f = py_function(f) or f  # a numba-compiled function: its Python source
        if not isinstance(f, types.FunctionType):
            continue
        key = f"{f.__module__}:{f.__qualname__}"
        if seen.get(key, f) is not f:
            key += f"@{f.__code__.co_filename}:{f.__code__.co_firstlineno}"
        if key in seen:
            continue
        seen[key] = f
        names = code_names(f.__code__)
        todo.extend(f.__globals__[n] for n in names if isinstance(f.__globals__.get(n), types.FunctionType) or py_function(f.__globals__.get(n)))
        for cell in f.__closure__ or ():
            try:
                if isinstance(cell.cell_contents, types.FunctionType):
                    todo.append(cell.cell_contents)
            except ValueError:
                pass
    return seen


def source_key(fn, options):
    """A hash of the source of ``fn`` and what it may call, plus the options."""
    from .errors import S2SError
    from .frontend import code_matches_source, refusal, unwrap

    if not isinstance(unwrap(fn), types.FunctionType):  # unwrap refuses wrappers that are not pass-throughs
        raise S2SError(refusal(fn))
    h = hashlib.sha256()
    for key, f in sorted(reachable(fn).items()):
        try:
            src = inspect.getsource(f)
        except (OSError, TypeError):
            src = None
        if src is None or not code_matches_source(f):
            # no source, or a file changed since import: never the key of a module generated
            # from that text (the front end refuses to generate one)
            src = "code:" + repr(f.__code__.co_code)
        h.update(key.encode() + b"\0" + src.encode() + b"\0")
    h.update(json.dumps(options, sort_keys=True).encode())
    return h.hexdigest()


_TOOLCHAIN = None


def toolchain_fingerprint():
    """A hash of s2s's own sources and rule library: generated code depends on them."""
    global _TOOLCHAIN
    if _TOOLCHAIN is None:
        import s2s.derivatives

        h = hashlib.sha256()
        for package in (os.path.dirname(os.path.abspath(__file__)), os.path.dirname(s2s.derivatives.__file__)):
            for directory, _, names in sorted(os.walk(package)):  # subpackages included
                for name in sorted(n for n in names if n.endswith(".py")):
                    with open(os.path.join(directory, name), "rb") as f:
                        h.update(os.path.relpath(os.path.join(directory, name), package).encode() + b"\0" + f.read())
        _TOOLCHAIN = h.hexdigest()
    return _TOOLCHAIN


TEMPORARY_PREFIX = ".s2s-"


def write_atomic(path, text):
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half.

    The bytes on disk are ``text`` encoded as UTF-8, newlines as they are (so
    :func:`verify` reads back what :func:`seal` hashed).  A write that fails (a
    full disk) leaves no temporary file behind and raises its ``OSError``."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".py", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            _write(f, text.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass  # renamed already, or the directory is gone: nothing of ours is left
        raise


def _write(f, data):
    """``f.write(data)``: the one place bytes reach a disk (the tests fill it up here)."""
    f.write(data)


HEADER = "# Generated by s2s "


def is_generated(path):
    """Whether ``path`` is a file s2s wrote (it starts with s2s's header)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read(len(HEADER)) == HEADER


def refuse_overwrite(path):
    """Raise ``FileExistsError`` if ``path`` exists and is not a file s2s generated."""
    if os.path.lexists(path) and not (os.path.isfile(path) and is_generated(path)):
        raise FileExistsError(
            f"{path} exists and was not generated by s2s (it does not start with {HEADER.strip()!r}); "
            "s2s does not overwrite it: move it away or choose another output directory"
        )


DIGEST_TAG = "s2s-digest: "
DIGEST_NOTE = " (sha256 of this file without this line)"


def _digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(source):
    """``source`` with a last header line recording the sha256 of the rest of the file."""
    end = 0
    while source.startswith("#", end) and source.find("\n", end) >= 0:
        end = source.find("\n", end) + 1
    return f"{source[:end]}# {DIGEST_TAG}{_digest(source)}{DIGEST_NOTE}\n{source[end:]}"


def verify(text):
    """Whether ``text`` is a generated file as s2s wrote it: True where its digest
    matches the rest of its text, False where it does not (cut short, edited,
    lines appended), None where it has no digest line (written by an s2s
    before digests, or not by s2s at all, or cut short within its header)."""
    start = 0
    while text.startswith("#", start):
        end = text.find("\n", start)
        if end < 0:
            return None
        if text.startswith("# " + DIGEST_TAG, start):
            recorded = text[start + len("# " + DIGEST_TAG):end].split(" ", 1)[0]
            return _digest(text[:start] + text[end + 1:]) == recorded
        start = end + 1
    return None


def read_meta(source):
    """The machine-readable header record of a generated file, or None."""
    for line in source.splitlines():
        if line.startswith("# " + META_TAG):
            return json.loads(line[len("# " + META_TAG):])
        if not line.startswith("#"):
            break
    return None


def load_module(path, source, namespace):
    """Compile ``source`` as the module at ``path`` with ``namespace`` pre-bound.

    A module numba compiles keeps numba's cache beside its file, where there is
    one: without the file (loaded from memory, or an entry another process
    pruned while it loaded) numba compiles the same code uncached."""
    # the text compiled, for tracebacks and for transforming generated code again, whatever
    # becomes of the file (mtime None: linecache.checkcache keeps it)
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    compiled = "@numba.njit(" in source
    try:
        return _execute(path, without_disk_cache(source) if compiled and not os.path.isfile(path) else source, namespace)
    except RuntimeError as exc:
        if not (compiled and no_file_to_cache_beside(exc)):
            raise
        return _execute(path, without_disk_cache(source), namespace)


def _execute(path, source, namespace):
    name = "s2s_generated_" + os.path.splitext(os.path.basename(path))[0].replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(namespace)
    code = compile(source, path, "exec", dont_inherit=True)
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


def unload(function):
    """Let go of the module the generated ``function`` was loaded in, where it is the
    last one loaded from its file: its ``sys.modules`` entry and its text in ``linecache``."""
    name = function.__module__
    module = sys.modules.get(name)
    if module is None or module.__dict__ is not function.__globals__:
        return
    del sys.modules[name]
    entry = linecache.cache.get(module.__file__)
    if entry is not None and len(entry) == 4 and entry[1] is None:
        del linecache.cache[module.__file__]


class Watch:
    """What a loaded generated module took from the user's code, checked at each call.

    Generated code refers to the user's globals and closure variables by name,
    bound into its module when it is loaded; the user's function reads them
    when it runs.  So that a derivative transformed once never answers for an
    older state of the program, :meth:`check` rebinds data values (a float, an
    array, of the same type and shape) to their current values, and refuses
    with an ``S2SError`` when a function it was generated from, or a name whose
    kind of value the code depends on, was rebound since.
    """

    def __init__(self, module, fn, record):
        functions = reachable(fn)
        self.fn = inspect.unwrap(fn)
        self.globals = module.__dict__
        self.bindings = [(name, functions[where]) for name, where in sorted(record.items()) if where in functions]
        # generated code transformed again (hvp, grad of grad) reads what the first module bound
        self.upstream = list({id(w): w for w in (f.__globals__.get("__s2s_watch__") for f in functions.values()) if w is not None}.values())
        self.links = []  # (user function, name, mapping or cell, object): the functions they called then
        for f in functions.values():
            for n in sorted(code_names(f.__code__)):
                obj = f.__globals__.get(n)
                if isinstance(obj, types.FunctionType):
                    self.links.append((f, n, f.__globals__, obj))
            for n, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
                try:
                    obj = cell.cell_contents
                except ValueError:  # an empty cell: nothing bound yet
                    continue
                if isinstance(obj, types.FunctionType):
                    self.links.append((f, n, cell, obj))

    def watches(self):
        """Whether :meth:`check` has anything to check (a module that took nothing from the
        user's code: the wrapper's quick calls skip it)."""
        return bool(self.upstream or self.links or self.bindings)

    def check(self):
        for watch in self.upstream:
            watch.check()
        for f, name, where, obj in self.links:
            try:
                now = where.get(name) if isinstance(where, dict) else where.cell_contents
            except ValueError:
                now = None
            if now is not obj:
                self._stale(f, name, obj, now)
        for name, owner in self.bindings:
            if name in owner.__code__.co_freevars:
                try:
                    now = owner.__closure__[owner.__code__.co_freevars.index(name)].cell_contents
                except ValueError:
                    now = None
            else:
                now = owner.__globals__.get(name, self.globals.get(name))
            old = self.globals.get(name)
            if now is old:
                continue
            if not _same_kind(now, old):
                self._stale(owner, name, old, now)
            self.globals[name] = now

    def _stale(self, owner, name, old, now):
        from .errors import S2SError

        code = owner.__code__
        if isinstance(old, types.FunctionType) and _kind(old) == _kind(now):  # a notebook cell run again, a reload
            change = f"was defined again after s2s generated the derivative of {self.fn.__qualname__}"
        else:
            change = f"was {_kind(old)} when s2s generated the derivative of {self.fn.__qualname__} and is {_kind(now)} now"
        raise S2SError(
            f"`{name}` in {owner.__qualname__} {change}; the generated code was written for "
            f"the old one: transform {self.fn.__qualname__} again",
            code.co_filename,
            code.co_firstlineno,
        )


def _kind(value):
    if isinstance(value, types.FunctionType):
        return f"the function {value.__module__}.{value.__qualname__}"
    shape = getattr(value, "shape", None)
    return f"a {type(value).__name__}" + ("" if shape is None else f" of shape {tuple(shape)}")


def _same_kind(a, b):
    """Whether generated code written for ``b`` also serves ``a``: plain data of the same type and shape."""
    if type(a) is not type(b) or callable(a) or isinstance(a, (types.ModuleType, type)):
        return False
    if getattr(a, "shape", None) != getattr(b, "shape", None) or getattr(a, "dtype", None) != getattr(b, "dtype", None):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same_kind(x, y) for x, y in zip(a, b))
    return True


def check_bindings(generated):
    """Run the :class:`Watch` of the module ``generated`` (a generated function) comes from."""
    watch = generated.__globals__.get("__s2s_watch__")
    if watch is not None:
        watch.check()


def watch(module, fn, source):
    """Attach a :class:`Watch` to a freshly loaded generated ``module``."""
    meta = read_meta(source)
    module.__dict__["__s2s_watch__"] = Watch(module, fn, meta["bindings"] if meta else {})
