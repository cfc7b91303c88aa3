"""Loading: generated source to a file on disk to a live module.

Takes module source text and the names it must be given from the user's code.
Guarantees an atomic write (temporary file, then rename) to ``out_dir`` or to
the per-user cache directory, and a module compiled with its real file path,
so tracebacks, ``inspect.getsource`` and debuggers show the generated file.
"""

import hashlib
import importlib.util
import inspect
import json
import os
import sys
import tempfile
import types

META_TAG = "s2s-meta: "


def cache_dir():
    """The per-user cache directory (``$S2S_CACHE_DIR`` or the XDG cache), mode 0700."""
    path = os.environ.get("S2S_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "s2s"
    )
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def reachable(fn):
    """User functions ``fn`` may call, found from code objects: ``{key: function}``.

    The key is ``module:qualname``.  This over-approximates the call graph
    (any global function name the code mentions), which is what a cache key
    needs: a change to any of them gives a new key.
    """
    seen = {}
    todo = [fn]
    while todo:
        f = inspect.unwrap(todo.pop())
        if not isinstance(f, types.FunctionType):
            continue
        key = f"{f.__module__}:{f.__qualname__}"
        if key in seen:
            continue
        seen[key] = f
        names = _code_names(f.__code__)
        todo.extend(f.__globals__[n] for n in names if isinstance(f.__globals__.get(n), types.FunctionType))
        for cell in f.__closure__ or ():
            try:
                if isinstance(cell.cell_contents, types.FunctionType):
                    todo.append(cell.cell_contents)
            except ValueError:
                pass
    return seen


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def source_key(fn, options):
    """A hash of the source of ``fn`` and what it may call, plus the options."""
    h = hashlib.sha256()
    for key, f in sorted(reachable(fn).items()):
        try:
            src = inspect.getsource(f)
        except (OSError, TypeError):
            src = repr(f.__code__.co_code)
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
            for name in sorted(os.listdir(package)):
                if name.endswith(".py"):
                    with open(os.path.join(package, name), "rb") as f:
                        h.update(name.encode() + b"\0" + f.read())
        _TOOLCHAIN = h.hexdigest()
    return _TOOLCHAIN


def write_atomic(path, text):
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".s2s-", suffix=".py", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_meta(source):
    """The machine-readable header record of a generated file, or None."""
    for line in source.splitlines():
        if line.startswith("# " + META_TAG):
            return json.loads(line[len("# " + META_TAG):])
        if not line.startswith("#"):
            break
    return None


def load_module(path, source, namespace):
    """Compile ``source`` as the module at ``path`` with ``namespace`` pre-bound."""
    name = "s2s_generated_" + os.path.splitext(os.path.basename(path))[0].replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(namespace)
    code = compile(source, path, "exec", dont_inherit=True)
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module
