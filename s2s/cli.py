"""The ``s2s`` command line (see shared/API.md).

    s2s grad FILE.py::FUNC [--wrt NAMES] [--mode reverse|forward|jacobian] [--shapes SPEC] [--compile numba] [-o DIR]
    s2s show FILE.py::FUNC [--wrt NAMES] [--mode reverse|forward|jacobian] [--shapes SPEC] [--compile numba]
    s2s check DIR [--update]
    s2s cache info|clear|prune [--max-size SIZE]

``--shapes W=784x256,b=256,lr=float`` writes the variant that a call with
arguments of those shapes runs (:mod:`s2s.variants`) instead of the general
code, named after the shapes; its header records them, so ``s2s check``
regenerates it like any other file.  ``--compile numba`` writes a module numba
compiles (:mod:`s2s.jit`); a target compiled with numba (``@numba.njit``) is
written so whether or not the flag is given.

Errors in the user's code print as ``file:line:col: message`` and exit 2;
no internal traceback reaches the user.  ``s2s check`` exits 1 if a file is
stale or was edited after s2s wrote it (its digest says so), 2 if one cannot
be checked (its origin cannot be imported).  ``s2s cache`` shows where the
derivative cache is, its size and entries, and clears or prunes it
(:mod:`s2s.cache`).
"""

import argparse
import difflib
import importlib.util
import inspect
import os
import sys

from . import jit
from .errors import S2SError
from . import cache
from .load import HEADER, cache_dir, cache_path, read_meta, refuse_overwrite, verify, write_atomic
from .variants import dims_of_record

KINDS = ("grad", "value_and_grad", "vjp")


class UsageError(Exception):
    """A problem with the command line or the target file, printed on one line."""


class ImportFailed(UsageError):
    """Importing the target file raised ``error``."""

    def __init__(self, path, error):
        super().__init__(f"{path}: importing it raised {type(error).__name__}: {error}")
        self.path, self.error = path, error


def load_file_module(path):
    """Import the Python file at ``path`` as a module named after its stem."""
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file")
    directory = os.path.dirname(os.path.abspath(path))
    name = os.path.splitext(os.path.basename(path))[0]
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise S2SError(f"syntax error: {exc.msg}", exc.filename or path, exc.lineno, (exc.offset or 1) - 1) from None
    except Exception as exc:  # the user's module failed while importing: report, don't trace
        raise ImportFailed(path, exc) from None
    return module


def load_target(target):
    """``FILE.py::FUNC`` -> the function object."""
    if "::" not in target:
        raise UsageError(f"{target}: expected FILE.py::FUNCTION")
    path, func = target.rsplit("::", 1)
    module = load_file_module(path)
    obj = module
    for part in func.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise UsageError(f"{path}: no function named {func!r}")
    if not callable(obj):
        raise UsageError(f"{path}: {func!r} is not a function")
    return obj


def parse_wrt(text):
    if text is None:
        return 0
    items = [w.strip() for w in text.split(",") if w.strip()]
    items = [int(w) if w.lstrip("-").isdigit() else w for w in items]
    if not items:
        raise UsageError("--wrt is empty")
    return items[0] if len(items) == 1 else tuple(items)


def transform_target(args):
    """The target function, its generated module, the file name's suffix for its shapes, and
    whether the module is compiled."""
    from .variants import file_suffix, key_of, parse_spec

    fn, compile = jit.request(load_target(args.target), args.compile)
    kind, wrt, optimize = kind_of(args), parse_wrt(args.wrt), not args.no_optimize
    if args.shapes is None:
        return fn, generate(fn, kind, wrt, optimize, compile=compile), "", compile is not None
    try:
        spec = parse_spec(args.shapes, list(inspect.signature(fn).parameters))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    scalars, dims = key_of(spec, kind)
    if not scalars and not dims:
        raise UsageError(f"--shapes {args.shapes!r} selects the general code (it names no array or number, or only arrays in forward mode, where only numbers specialize): drop it")
    return fn, generate(fn, kind, wrt, optimize, scalars, dims, compile), file_suffix(spec), compile is not None


def generate(fn, kind, wrt, optimize, scalars=(), dims=(), compile=None):
    """The module a transform generates for ``fn``, or its variant for ``scalars``
    and ``dims``: what a call with such arguments runs (see :func:`s2s.api.forward_or_reverse`)."""
    from .api import forward_or_reverse
    from .transform import resolve_wrt, transform

    _, wrt_names = resolve_wrt(fn, wrt)
    return forward_or_reverse(
        lambda forward: transform(fn, kind, wrt, optimize, scalars=scalars, dims=dims, by_forward=forward, compile=compile),
        kind, wrt_names, scalars,
    )


def kind_of(args):
    """The transform: ``jvp`` for ``--mode forward``, ``jacobian`` (vector mode, what
    ``s2s.jacobian`` runs) for ``--mode jacobian``, else ``--transform``."""
    if args.mode in ("forward", "jacobian"):
        if args.transform != "grad":
            raise UsageError(f"--mode {args.mode} generates a {'jvp' if args.mode == 'forward' else 'vector-mode jvp'}; --transform applies to reverse mode")
        return "jvp" if args.mode == "forward" else "jacobian"
    return args.transform


def output_path(fn, kind, wrt, out_dir, shapes="", compiled=False):
    stem = os.path.splitext(os.path.basename(inspect.getsourcefile(fn)))[0]
    suffix = "" if wrt == 0 else "_wrt_" + "_".join(str(w) for w in (wrt if isinstance(wrt, tuple) else (wrt,)))
    suffix += "_numba" if compiled else ""
    return os.path.join(out_dir, f"{stem}_{kind}_{fn.__name__}{suffix}{shapes}.py")


def cmd_grad(args):
    fn, generated, shapes, compiled = transform_target(args)
    path = output_path(fn, kind_of(args), parse_wrt(args.wrt), args.out_dir, shapes, compiled)
    try:
        refuse_overwrite(path)
    except FileExistsError as exc:
        raise UsageError(str(exc)) from None
    write_atomic(path, generated.source)
    print(path)
    return 0


def cmd_show(args):
    generated = transform_target(args)[1]
    text = generated.source
    if sys.stdout.isatty():
        try:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers import PythonLexer

            text = highlight(text, PythonLexer(), TerminalFormatter())
        except ImportError:
            pass
    sys.stdout.write(text)
    return 0


def regenerate(meta):
    """Regenerate a file's source from its header record (a variant for the shapes it records)."""
    wrt = meta["wrt"]
    fn = load_target(f"{meta['origin']}::{meta['function']}")
    fn = jit.py_function(fn) or fn
    dims = dims_of_record(meta.get("dims", ()))
    wrt = tuple(wrt) if isinstance(wrt, list) else wrt
    return generate(fn, meta["kind"], wrt, meta["optimize"], tuple(meta.get("scalars", ())), dims, meta.get("compile")).source


def read_generated(path):
    """``(text, meta, why)`` of a file in a checked directory: ``meta`` None for a file s2s
    did not write (skipped), ``{}`` for one whose record cannot be read; ``why`` says how
    a file s2s wrote was edited since (else None)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text, utf8 = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8 = data.decode("utf-8", "replace"), False
    text = text.replace("\r\n", "\n")  # as a text-mode read sees it (a checkout with CRLF line ends)
    if not text.startswith(HEADER):
        return text, None, None
    try:
        meta = read_meta(text) or {}
    except ValueError:
        return text, {}, "its s2s-meta line is not the record s2s wrote"
    if not utf8:
        return text, meta, "it is not UTF-8 text"
    return text, meta, "its text does not match the digest s2s wrote in it" if verify(text) is False else None


def cmd_check(args):
    if not os.path.isdir(args.directory):
        raise UsageError(f"{args.directory}: no such directory")
    stale = 0
    edited = 0
    checked = 0
    unchecked = 0
    for entry in sorted(os.listdir(args.directory)):
        path = os.path.join(args.directory, entry)
        if not entry.endswith(".py") or not os.path.isfile(path):
            continue
        current, meta, why = read_generated(path)
        if meta is None:
            continue
        checked += 1
        if not meta:  # no record to regenerate it from
            print(f"{path}: edited since s2s wrote it: {why}; regenerate it with the command in its header")
            edited += 1
            continue
        try:
            fresh = regenerate(meta)
        except ImportFailed as exc:
            print(f"{path}: cannot check: importing {exc.path} raised {type(exc.error).__name__}: {exc.error}")
            unchecked += 1
            continue
        except (UsageError, S2SError) as exc:
            print(f"{path}: stale: cannot regenerate from {meta['origin']}::{meta['function']}: {exc}")
            stale += 1
            continue
        if fresh == current:
            continue
        sys.stdout.writelines(
            difflib.unified_diff(current.splitlines(True), fresh.splitlines(True), path, path + " (regenerated)")
        )
        if args.update:
            write_atomic(path, fresh)
            print(f"{path}: regenerated" + (f" (edited since s2s wrote it: {why})" if why else ""))
        elif why:
            edited += 1
            print(f"{path}: edited since s2s wrote it: {why} (the diff above is from it to the file s2s writes)")
        else:
            stale += 1
            print(f"{path}: stale")
    print(f"s2s check: {checked} generated file(s), {stale} stale" + (f", {edited} edited" if edited else "")
          + (f", {unchecked} not checked" if unchecked else ""))
    return 2 if unchecked else 1 if stale or edited else 0


def cmd_cache(args):
    if args.action == "info":
        directory = cache_path()
        entries, size = cache.listing(directory)
        state = "" if os.path.isdir(directory) else " (not made yet)"
        print(f"cache: {directory}{state}")
        print(f"size: {cache.human(size)} in {_entries(sum(e.kind == 'entry' for e in entries))}")
        print(f"cap: {cache.human(cache.size_cap())} (S2S_CACHE_SIZE; past it the least recently used entries go)")
        return 0
    directory = cache_dir()
    if args.action == "clear":
        removed, freed = cache.clear(directory)
        print(f"s2s cache clear: removed {_entries(removed)} ({cache.human(freed)}) from {directory}")
        return 0
    try:
        limit = cache.size_cap() if args.max_size is None else cache.parse_size(args.max_size)
    except ValueError as exc:
        raise UsageError(f"--max-size: {exc}") from None
    removed, freed, left = cache.prune(directory, limit)
    print(f"s2s cache prune: removed the {_entries(removed, 'least recently used ')} ({cache.human(freed)}); "
          f"{cache.human(left)} left in {directory} (at most {cache.human(limit)})")
    return 0


def _entries(n, what=""):
    return f"{n} {what}{'entry' if n == 1 else 'entries'}"


def build_parser():
    parser = argparse.ArgumentParser(
        prog="s2s", description="Source-to-source automatic differentiation.",
        epilog="environment: S2S_CACHE_DIR (the derivative cache; default ~/.cache/s2s), S2S_CACHE_SIZE (its cap; "
        "default 100M), S2S_MAX_VARIANTS (shape variants a process keeps per function; default 32), "
        "S2S_VARIANTS_DIR (also write the variants calls build there)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (("grad", "write the derivative's source file and print its path"), ("show", "print the derivative's source")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("target", help="FILE.py::FUNCTION")
        p.add_argument("--wrt", help="comma-separated parameter names or positions (default: 0)")
        p.add_argument("--mode", choices=("reverse", "forward", "jacobian"), default="reverse")
        p.add_argument("--transform", choices=KINDS, default="grad", help="which reverse-mode function to generate")
        p.add_argument("--no-optimize", action="store_true", help="skip the simplification passes")
        p.add_argument(
            "--shapes", metavar="SPEC",
            help="the variant a call with these arguments runs: W=784x256,b=256,s=(),lr=float "
            "(every array argument; int/float: a Python number)",
        )
        p.add_argument("--compile", choices=jit.COMPILERS, help="a derivative numba compiles (the default for a numba-compiled target)")
        if name == "grad":
            p.add_argument("-o", "--out-dir", default="generated", help="output directory (default: generated/)")
    p = sub.add_parser("check", help="fail with a diff if any generated file in DIR is stale or was edited")
    p.add_argument("directory")
    p.add_argument("--update", action="store_true", help="regenerate stale and edited files instead of failing")
    p = sub.add_parser(
        "cache", help="the derivative cache: info (where it is, its size and entries), clear, prune",
        description="The derivative cache: $S2S_CACHE_DIR, else ~/.cache/s2s (or $XDG_CACHE_HOME/s2s), "
        "kept under $S2S_CACHE_SIZE (default 100M) by removing the least recently used entries.",
    )
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("info", help="where the cache is, its size and number of entries")
    actions.add_parser("clear", help="remove every entry")
    p = actions.add_parser("prune", help="remove the least recently used entries until the cache is under its cap")
    p.add_argument("--max-size", metavar="SIZE", help="prune to SIZE (200M, 1G) instead of the cap")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    command = {"grad": cmd_grad, "show": cmd_show, "check": cmd_check, "cache": cmd_cache}[args.command]
    try:
        return command(args)
    except S2SError as exc:
        print(str(exc), file=sys.stderr)
    except (UsageError, ValueError, TypeError, OSError) as exc:
        print(f"s2s: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
