"""The rule library's templates are built on first use (s2s.template.Template, lazy=True):
each one still parses and passes the checks a user's template passes at registration."""

import importlib

import pytest

import s2s  # noqa: F401  (the rule registry)
from s2s import libraries
from s2s.rules import BUILTIN, RULE_MODULES
from s2s.template import Template


def _all_rules():
    for name in list(RULE_MODULES) + list(libraries.OPTIONAL_RULE_MODULES):
        if importlib.util.find_spec(f"s2s.derivatives.{name}") is not None:
            try:
                importlib.import_module(f"s2s.derivatives.{name}")
            except ImportError:  # an optional library that is not installed
                continue
    return list(BUILTIN.rules.values())


def test_every_library_template_builds_and_passes_the_checks():
    built = 0
    for rule in _all_rules():
        for template in (rule.adjoint, rule.tangent):
            if template is not None:
                assert template.body is not None and template.result  # builds it: parse and _check
                built += 1
    assert built > 500


def test_a_lazy_template_is_built_once_and_copies_like_any_object():
    import copy

    def square_adjoint(y, x):
        dx = 2 * x * dy  # noqa: F821 (the template's own names)

    template = Template(square_adjoint, "adjoint", lazy=True)
    assert "_pending" in template.__dict__
    duplicate = copy.copy(template)
    assert template.params == ["x"] and "_pending" not in template.__dict__
    assert duplicate.result == "y"
    with pytest.raises(AttributeError):
        template.no_such_attribute
