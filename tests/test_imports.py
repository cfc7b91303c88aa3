"""No import cycle among the modules of the ``s2s`` package.

The graph is built statically with ``ast``: an edge for every import that
runs when a module is imported (module level, class bodies, ``if``/``try``
at module level; not inside functions), between modules of the package,
packages' ``__init__`` included (``from . import x`` is an edge to the
submodule ``x`` if there is one, else to the package itself).
"""

import ast
import pathlib

import s2s

ROOT = pathlib.Path(s2s.__file__).parent


def modules():
    """``{dotted name: path}`` of every module of the package."""
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = ("s2s",) + path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_time_imports(tree):
    """The Import/ImportFrom nodes that run when the module is imported."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


def imported(name, path, node, known):
    """The package modules an import node in module ``name`` (file ``path``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    if node.level:
        base = package.split(".")
        base = base[: len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module
    out = set()
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        if sub in known:
            out.add(sub)
        elif source in known:
            out.add(source)
    return out


def import_graph():
    known = modules()
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        edges = set()
        for node in import_time_imports(tree):
            edges |= imported(name, path, node, known)
        graph[name] = edges - {name}
    return graph


def find_cycle(graph):
    """One cycle as a list of modules (first == last), or None."""
    state = {}  # name -> "open" while on the stack, "done" after
    stack = []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for nxt in sorted(graph[name]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_the_graph_sees_relative_imports():
    graph = import_graph()
    assert "s2s.api" in graph["s2s"]  # from .api import ... in a package __init__
    assert "s2s.transform" in graph["s2s.api"]


def test_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_every_subpackage_is_installed():
    """``pip install .`` (not editable) ships only the packages pyproject.toml lists."""
    tomllib = __import__("pytest").importorskip("tomllib")
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(("s2s",) + p.parent.relative_to(ROOT).parts) for p in ROOT.rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
