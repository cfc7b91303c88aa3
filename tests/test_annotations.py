"""Node annotations are declared in s2s/annotations.py, and the code keeps to the table.

Statically: every ``s2s_*`` attribute the package's source sets or reads is
declared, every declared one is written and read somewhere (or listed below as
known dead), and the table names the modules that write and read it.
Dynamically: the trees of real transforms (examples, loops, jumps, hooks,
checkpoints; reverse and forward mode) carry only declared annotations, with
values of the declared types, at every call from the driver into a pass.
"""

import ast
import functools
import importlib.util
import inspect
import os
import re

import gast
import pytest

import s2s
import s2s.derivatives
import s2s.transform as transform
from s2s.annotations import ANNOTATIONS, OTHER_NAMES, AnnotationError, check

PACKAGE = os.path.dirname(os.path.abspath(s2s.__file__))
ROOT = os.path.dirname(PACKAGE)


ANNOTATION = re.compile(r"s2s_\w+")


def sources():
    """``(module, path)`` for each source file of s2s and its rule library (``derivatives``),
    but the table itself."""
    for top, prefix in ((PACKAGE, ""), (os.path.dirname(s2s.derivatives.__file__), "derivatives.")):
        for directory, _, names in sorted(os.walk(top)):
            for name in sorted(n for n in names if n.endswith(".py")):
                path = os.path.join(directory, name)
                module = os.path.relpath(path, top)[:-3].replace(os.sep, ".")
                module = module.split(".")[0]  # the pass: s2s/normalize/anf.py is normalize
                if prefix + module != "annotations":
                    yield prefix + module, path


def scan():
    """``(writes, reads)``: ``{annotation: {modules}}`` from the source.

    A write is ``x.s2s_a = ...`` (or ``del``), ``setattr(x, "s2s_a", ...)`` or a keyword
    ``s2s_a=`` of a call (a node constructor); a read is ``x.s2s_a``, ``getattr`` or
    ``hasattr``.  A name string used otherwise (``for attr in ("s2s_line", ...)``, to copy
    it) counts as both."""
    writes, reads = {}, {}
    for module, path in sources():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        named = set()  # the strings that name an annotation in a getattr/setattr/hasattr
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("s2s_"):
                (reads if isinstance(node.ctx, ast.Load) else writes).setdefault(node.attr, set()).add(module)
            elif isinstance(node, ast.Call):
                function = node.func.id if isinstance(node.func, ast.Name) else None
                if function in ("getattr", "hasattr", "setattr", "delattr") and len(node.args) >= 2:
                    key = node.args[1]
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.startswith("s2s_"):
                        named.add(id(key))
                        (reads if function in ("getattr", "hasattr") else writes).setdefault(key.value, set()).add(module)
                for keyword in node.keywords:
                    if keyword.arg and keyword.arg.startswith("s2s_"):
                        writes.setdefault(keyword.arg, set()).add(module)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in named
                and ANNOTATION.fullmatch(node.value) and node.value not in OTHER_NAMES
            ):
                writes.setdefault(node.value, set()).add(module)
                reads.setdefault(node.value, set()).add(module)
    return writes, reads


def test_every_annotation_the_source_uses_is_declared():
    writes, reads = scan()
    undeclared = sorted(
        f"{name} ({'written' if name in writes else 'read'} in {', '.join(sorted(writes.get(name, ()) | reads.get(name, ())))})"
        for name in set(writes) | set(reads) if name not in ANNOTATIONS
    )
    assert not undeclared, "annotations used but not declared in s2s/annotations.py: " + "; ".join(undeclared)


def test_every_declared_annotation_is_written_and_read():
    writes, reads = scan()
    unwritten = sorted(name for name in ANNOTATIONS if name not in writes)
    assert not unwritten, f"declared in s2s/annotations.py but never written (remove them): {unwritten}"
    dead = sorted(name for name in ANNOTATIONS if name not in reads)
    assert not dead, f"written but never read (remove their writes and their records): {dead}"


def test_the_table_names_the_modules_that_write_and_read_each_annotation():
    writes, reads = scan()
    wrong = []
    for name, declared in sorted(ANNOTATIONS.items()):
        for role, found, said in (("writers", writes.get(name, set()), declared.writers), ("readers", reads.get(name, set()), declared.readers)):
            if found != set(said):
                wrong.append(f"{name} {role}: the table says {sorted(said)}, the source has {sorted(found)}")
    assert not wrong, "s2s/annotations.py is out of step with the source:\n" + "\n".join(wrong)


def test_other_names_are_not_annotations():
    assert not set(OTHER_NAMES) & set(ANNOTATIONS)


# -- check() ----------------------------------------------------------------------------


def test_check_refuses_an_undeclared_annotation_and_a_value_of_another_type():
    tree = gast.parse("x = f(y)")
    check(tree)
    call = tree.body[0].value
    call.s2s_target = print
    check(tree)
    call.s2s_new = True
    with pytest.raises(AnnotationError, match="s2s_new"):
        check(tree)
    del call.s2s_new
    tree.body[0].s2s_line = "12"
    with pytest.raises(AnnotationError, match="s2s_line"):
        check(tree)


def test_check_looks_into_the_trees_an_annotation_holds():
    hook = gast.parse("pass").body[0]
    inner = gast.parse("dy = dy * 2").body[0]
    inner.s2s_new = 1
    hook.s2s_hook_body = [inner]
    with pytest.raises(AnnotationError, match="s2s_new"):
        check(hook)


# -- the trees of real transforms --------------------------------------------------------


@functools.cache
def example(name):
    path = os.path.join(ROOT, "examples", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"annotations_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases():
    """``(function, kind, wrt, options)``: the examples' golden transforms, then the corpus
    of loops and branches in both modes, Revolve loops, hooks and checkpointed calls."""
    from programs import revolve, shape_facts, user_rules
    from test_complex import power_of_modulus
    from test_control import CASES

    out = []
    for name, function, wrt in (
        ("adaptive_solver", "orbit_loss", ("e", "phase")),
        ("control_flow", "rnn_loss", ("W", "U", "h0")),
        ("control_flow", "newton_sqrt", "a"),
        ("control_flow", "even_chain", "x"),
        ("control_flow", "power", "x"),
        ("control_flow", "exp_series", "x"),
        ("custom_rule", "smooth_hinge_loss", "w"),
        ("mlp", "loss", ("W1", "b1", "W2", "b2")),
        ("newton_cg", "logistic_loss", "w"),
        ("quantization", "quantized_mlp_loss", ("W1", "b1", "W2", "b2")),
        ("taxonomy_loss", "taxonomy_loss", ("W", "b")),
        ("tree_rnn", "loss", ("E", "W", "b", "u")),
    ):
        f = getattr(example(name), function)
        out += [(f, "grad", wrt, {}), (f, "vjp", wrt, {"optimize": False}), (f, "jvp", wrt[0] if isinstance(wrt, tuple) else wrt, {})]
    for f, _, wrt in CASES:
        out += [(f, "grad", wrt, {}), (f, "jvp", wrt, {})]
    out += [(revolve.rnn_checkpointed, "grad", ("W", "h"), {}), (revolve.two_carried_checkpointed, "grad", "x", {})]
    out += [(user_rules.uses_checkpoint, "grad", ("x", "W"), {})]
    out += [(power_of_modulus, "grad", 0, {})]  # complex intermediates
    # a variant: the bias's adjoint summed by the array's method (s2s_pure)
    out += [(shape_facts.bias, "grad", ("x", "b"), {"dims": (("x", ("a", "b")), ("b", ("b",)))})]
    out += [(scaled_sum_of_squares, "grad", (0, 1), {"compile": {"cache": True}})]  # a compiled recursion (generated, not compiled)
    out += [(f, "grad", 0, {}) for f in vars(user_rules).values() if callable(f) and "insert_grad_of" in _source(f)]
    out += [(f, "grad", 0, {}) for f in vars(shape_facts).values() if callable(f) and "insert_grad_of" in _source(f)]
    return out


def pairwise(c, lo, hi):
    if hi - lo == 1:
        return c[lo] * c[lo]
    mid = (lo + hi) // 2
    return pairwise(c, lo, mid) + pairwise(c, mid, hi)


def scaled_sum_of_squares(c, x):
    return x * pairwise(c, 0, len(c))


def _source(f):
    try:
        return inspect.getsource(f) if inspect.isfunction(f) else ""
    except (OSError, TypeError):
        return ""


def trees_in(value, depth=5):
    """The tree nodes in a pass's arguments or result: nodes, containers of them, and the
    fields of s2s's own objects (a parsed function, the program), a few levels deep."""
    if isinstance(value, ast.AST):
        return [value]
    if depth == 0:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, dict):
        items = list(value.values())
    elif type(value).__module__.startswith("s2s.") and hasattr(value, "__dict__"):
        items = list(vars(value).values())
    else:
        return []
    return [n for item in items for n in trees_in(item, depth - 1)]


def test_the_trees_of_real_transforms_carry_only_declared_annotations(monkeypatch):
    """Every function the driver (s2s.transform) calls from another s2s module is wrapped:
    the trees it takes are checked before it runs, and again after, with those it returns.  Every declared annotation
    must be seen, so that a change to the driver that hides the passes fails here."""
    seen = set()
    boundaries = set()

    def verify(when, values):
        for tree in trees_in(values):
            try:
                check(tree)
            except AnnotationError as error:
                raise AssertionError(f"{when}: {error}") from None
            seen.update(key for node in ast.walk(tree) for key in vars(node) if key.startswith("s2s_"))

    def checked(name, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            verify(f"before {name}", [args, kwargs])
            result = fn(*args, **kwargs)
            verify(f"after {name}", [args, kwargs, result])
            boundaries.add(name)
            return result

        return wrapper

    for name, value in list(vars(transform).items()):
        module = getattr(value, "__module__", "") or ""
        if callable(value) and not isinstance(value, type) and module.startswith("s2s.") and module != transform.__name__:
            monkeypatch.setattr(transform, name, checked(name, value))

    for f, kind, wrt, options in cases():
        transform.transform(f, kind, wrt, **options)

    inside_one_pass = {"s2s_always", "s2s_source"}  # jumps writes and reads them within one call of normalize
    assert len(boundaries) >= 5, f"the driver's calls into the passes were not found: {sorted(boundaries)}"
    unseen = sorted(set(ANNOTATIONS) - seen - inside_one_pass)
    assert not unseen, f"declared annotations no transform here produced (a case missing, or passes not checked): {unseen}"
