"""The rules: one module per rule, named ``osdNNN_<name>.py``, each defining one
``Rule`` subclass with its explanation and its VALID and INVALID examples."""

from __future__ import annotations

import importlib
import pkgutil

from ..engine.rule import Rule


def rule_classes() -> list[type[Rule]]:
    """Every rule class, sorted by code. Adding a rule means adding its module here."""
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("osd"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found += [value for value in vars(module).values()
                      if isinstance(value, type) and issubclass(value, Rule)
                      and value.__module__ == module.__name__ and hasattr(value, "code")]
    return sorted(found, key=lambda rule: rule.code)
