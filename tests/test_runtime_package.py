"""The runtime package: one module per role, one public surface.

Generated code imports its helpers from ``s2s.runtime`` (``__all__``); the
modules of the package hold them by role and each says what it holds.
"""

import importlib
import pkgutil

import s2s.runtime as runtime


def modules():
    return [importlib.import_module(f"s2s.runtime.{m.name}") for m in pkgutil.iter_modules(runtime.__path__)]


def test_each_module_has_a_docstring_and_stays_small():
    for module in modules():
        assert module.__doc__, module.__name__
        with open(module.__file__) as f:
            assert len(f.readlines()) <= 600, module.__name__


def test_helpers_name_the_package_as_their_module():
    """Messages (``no derivative rule for s2s.runtime.unindex``) and pickles name the import path."""
    for name in runtime.__all__:
        assert getattr(runtime, name).__module__ == "s2s.runtime", name


def test_the_modules_share_only_their_declared_internals():
    """Every public function of a role module is exported (it then names ``s2s.runtime`` as its
    module) or is one of the few internals the role modules share."""
    internal = {"is_host", "library_array", "broadcast_like", "library_zeros", "transposed", "on_diagonal", "inverse_permutation", "is_record"}
    found = set()
    for module in modules():
        for name, value in vars(module).items():
            if callable(value) and not name.startswith("_") and getattr(value, "__module__", None) == module.__name__:
                found.add(name)
    assert found == internal
