"""The rule library's coverage, generated from the registry: `python scripts/coverage.py`.

Writes COVERAGE.md (one row per library function: adjoint, tangent, second order,
dispatch-clean) and the summary table between the `coverage` markers in README.md;
`--check` only says whether both are up to date (tests/test_coverage.py runs it).

- *second order*: the function has a tangent rule and every function its adjoint
  template calls has one too, so forward over reverse (``s2s.hvp``) goes through;
- *dispatch-clean*: its templates call only numpy functions that dispatch on their
  arguments (``__array_function__``/``__array_ufunc__``), ufuncs and the runtime
  helpers; not numpy's array constructors without ``like=`` (``np.eye(n)``), and not
  scipy, which converts to numpy arrays.  Such templates run on cupy and dask arrays.

Peers: the functions autograd registers derivatives for, and the names jax.numpy and
jax.scipy expose, are read from scripts/peers.json (written by `--peers` where autograd
and JAX are installed).
"""

import argparse
import builtins
import importlib
import json
import math
import pathlib
import sys
import types

import gast
import numpy as np
import scipy.linalg  # noqa: F401  (loads the optional rule modules)
import scipy.special  # noqa: F401
import scipy.stats  # noqa: F401

from s2s import libraries, runtime
from s2s.naming import spelling
from s2s.rules import BUILTIN

ROOT = pathlib.Path(__file__).resolve().parent.parent
PEERS = ROOT / "scripts" / "peers.json"
BASELINE = (150, "7a80ab1")  # library functions with rules before issue 16, counted the same way
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
CONSTRUCTORS = {"eye", "ones", "zeros", "empty", "full", "identity", "arange", "linspace", "array", "asarray", "tri"}
NAMESPACES = [  # (title, prefix): a function belongs to the first whose prefix its spelling starts with
    ("numpy.linalg", "np.linalg."), ("numpy.fft", "np.fft."), ("numpy", "np."),
    ("scipy.special", "scipy.special."), ("scipy.linalg", "scipy.linalg."), ("scipy.stats", "scipy.stats."),
    ("math", "math."), ("builtins", ""),
]


def library_rules():
    """{spelling: rule} for every library function with a derivative (not the runtime helpers)."""
    BUILTIN.lookup(np.sin)  # loads the rule modules
    found = {}
    for rule in BUILTIN.rules.values():
        if rule.nondifferentiable or rule.adjoint is None and rule.tangent is None:
            continue
        if rule.name is None or rule.name in runtime.__all__:
            continue
        found[rule.name] = rule
    return dict(sorted(found.items()))


def resolve(spelling):
    """The object a dotted name in a template means, or None."""
    head, *rest = spelling.split(".")
    obj = {"np": np, "numpy": np, "math": math, "scipy": sys.modules["scipy"]}.get(head)
    if obj is None:
        obj = getattr(runtime, head, None) if head in runtime.__all__ else getattr(builtins, head, None)
    for i, part in enumerate(rest):
        if isinstance(obj, types.ModuleType) and part not in vars(obj):
            try:  # scipy.signal, scipy.integrate: submodules loaded on first use
                obj = importlib.import_module(".".join([obj.__name__, part]))
                continue
            except ImportError:
                return None
        obj = getattr(obj, part, None)
    return obj


def calls(template):
    """(spelling, keywords) of each call in a template's body."""
    for stmt in template.body:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Call):
                yield spelling(node.func), {k.arg for k in node.keywords}


def second_order(rule):
    if rule.tangent is None or rule.adjoint is None:
        return False
    for spelling, _ in calls(rule.adjoint):
        fn = resolve(spelling)
        if fn is None or isinstance(fn, type):
            continue  # GradTuple and other constructors of values
        inner = BUILTIN.lookup(fn)
        if inner is None or not inner.nondifferentiable and inner.tangent is None:
            return False
    return True


def dispatch_clean(rule):
    for template in (rule.adjoint, rule.tangent):
        if template is None:
            continue
        for spelling, keywords in calls(template):
            if spelling.startswith("scipy.") and not isinstance(resolve(spelling), np.ufunc):
                return False  # scipy.linalg and scipy.stats convert to numpy arrays
            name = spelling.rpartition(".")[2]
            if spelling.startswith("np.") and name in CONSTRUCTORS and "like" not in keywords:
                return False
    return True


def namespace(spelling):
    return next(title for title, prefix in NAMESPACES if spelling.startswith(prefix))


def rows():
    for spelling, rule in library_rules().items():
        yield spelling, namespace(spelling), rule.adjoint is not None, rule.tangent is not None, second_order(rule), dispatch_clean(rule)


def peer_coverage():
    """{peer: (their functions that numpy or scipy has, how many of those have rules here,
    [those that do not])}.  A peer's name counts as covered when the numpy or scipy function
    it names (aliases included: ``numpy.abs`` is ``np.absolute``) has a rule here, a
    derivative or a declaration that it has none (``np.argmax``)."""
    if not PEERS.exists():
        return {}
    peers = json.loads(PEERS.read_text())
    out = {}
    for peer, theirs in peers.items():
        if peer.startswith("_"):
            continue
        known = [(name, fn) for name, fn in ((n, resolve(n)) for n in theirs) if callable(fn) and not isinstance(fn, type)]
        missing = sorted(name for name, fn in known if BUILTIN.lookup(fn) is None)
        out[peer] = (len(known), len(known) - len(missing), missing)
    return out


def yes(flag):
    return "yes" if flag else "—"


def coverage_md(table, peers):
    lines = [
        "# Rule coverage", "",
        "Generated from the rule registry by `python scripts/coverage.py`; do not edit by hand.",
        "See the README's *Rules* section for what the columns mean.", "",
        "| function | adjoint | tangent | second order | dispatch-clean |", "|---|---|---|---|---|",
    ]
    for spelling, _, adjoint, tangent, second, clean in table:
        lines.append(f"| `{spelling}` | {yes(adjoint)} | {yes(tangent)} | {yes(second)} | {yes(clean)} |")
    for peer, (count, have, missing) in peers.items():
        lines += ["", f"## {peer}: {have} of its {count} numpy and scipy functions have rules here", ""]
        lines.append("Without a rule here: " + (", ".join(f"`{m}`" for m in missing) if missing else "none") + ".")
    return "\n".join(lines) + "\n"


def readme_section(table, peers):
    lines = [
        START,
        "| library | functions | adjoint | tangent | second order | dispatch-clean |", "|---|---|---|---|---|---|",
    ]
    for title, _ in NAMESPACES:
        group = [r for r in table if r[1] == title]
        if group:
            counts = [sum(r[i] for r in group) for i in (2, 3, 4, 5)]
            lines.append(f"| {title} | {len(group)} | " + " | ".join(map(str, counts)) + " |")
    counts = [sum(r[i] for r in table) for i in (2, 3, 4, 5)]
    lines.append(f"| **all** | **{len(table)}** | " + " | ".join(f"**{c}**" for c in counts) + " |")
    lines.append("")
    lines.append(f"{len(table)} library functions have rules, {len(table) / BASELINE[0]:.2f}x the {BASELINE[0]} "
                 f"of commit {BASELINE[1]}, before the library issue (#16).")
    if peers:
        lines.append("")
        lines.append("Against the peers' lists (per function, in [COVERAGE.md](COVERAGE.md)): " + "; ".join(
            f"{peer}: {have} of its {count}" for peer, (count, have, _) in peers.items()) + ".")
    lines.append(END)
    return "\n".join(lines)


def write_peers():
    """Snapshot the peers' function lists (needs autograd and JAX installed)."""
    import autograd.numpy  # noqa: F401
    import autograd.numpy.fft  # noqa: F401
    import autograd.numpy.linalg  # noqa: F401
    import autograd.scipy.linalg  # noqa: F401
    import autograd.scipy.special  # noqa: F401
    import autograd.scipy.stats  # noqa: F401
    import autograd.scipy.signal  # noqa: F401
    import jax
    from autograd.core import primitive_vjps

    def name_of(fun):
        owner = getattr(fun, "__self__", None)
        spelled = libraries.spell(fun)
        if spelled:
            return spelled.replace("np.", "numpy.", 1) if spelled.startswith("np.") else spelled
        module = getattr(fun, "__module__", "") or ""
        return f"{module}.{getattr(fun, '__name__', '?')}" if owner is None else None

    public = {"autograd.scipy.signal.convolve": "scipy.signal.convolve", "scipy.integrate._odepack_py.odeint": "scipy.integrate.odeint"}
    names = {n for n in (name_of(getattr(p, "fun", p)) for p in primitive_vjps) if n}
    autograd_names = sorted(public.get(n, n) for n in names if n in public or not n.startswith("autograd."))  # not its internals
    jax_names = set()
    for mod, ours in [("jax.numpy", "numpy"), ("jax.numpy.linalg", "numpy.linalg"), ("jax.numpy.fft", "numpy.fft"),
                      ("jax.scipy.special", "scipy.special"), ("jax.scipy.linalg", "scipy.linalg")]:
        module = __import__(mod, fromlist=["_"])
        for name in dir(module):
            if not name.startswith("_") and callable(getattr(module, name)) and not isinstance(getattr(module, name), type):
                jax_names.add(f"{ours}.{name}")
    PEERS.write_text(json.dumps({
        "_how": f"autograd: the functions autograd.core.primitive_vjps has vjps for; JAX {jax.__version__}: "
                "the public functions of jax.numpy, jax.numpy.linalg, jax.numpy.fft, jax.scipy.special and "
                "jax.scipy.linalg (differentiable or not)",
        "autograd": autograd_names, "JAX": sorted(jax_names),
    }, indent=1) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether COVERAGE.md and README.md are up to date")
    parser.add_argument("--peers", action="store_true", help="snapshot the peers' lists first (needs autograd, JAX)")
    args = parser.parse_args(argv)
    if args.peers:
        write_peers()
    table = list(rows())
    peers = peer_coverage()
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(START), readme.index(END) + len(END)
    new_readme = readme[:start] + readme_section(table, peers) + readme[end:]
    new_coverage = coverage_md(table, peers)
    coverage_path = ROOT / "COVERAGE.md"
    stale = [p.name for p, new in ((ROOT / "README.md", new_readme), (coverage_path, new_coverage))
             if not p.exists() or p.read_text() != new]
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)}; run python scripts/coverage.py")
            return 1
        return 0
    (ROOT / "README.md").write_text(new_readme)
    coverage_path.write_text(new_coverage)
    print(f"{len(table)} functions with rules; wrote {', '.join(stale) or 'nothing (up to date)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
