"""Names a generated driver is known by: registry key, module file, class, spec folder.

The contract fixes them all from two words, the family (``postgres``) and the category
(``extractor``), so they are derived here once and used by every template. Only the
key's type can differ by target: osiris-pipeline calls its transformers processors.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from ..contract.rules import CATEGORIES
from ..contract.targets import Target
from .errors import UsageError

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Longer names would push the generated registration and messages past 88 columns.
MAX_NAME_LENGTH = 25
# The key type of a category where a target's runtime does not use the category's own
# word: osiris-pipeline's transformer is "duckdb.processor" in duckdb_processor_driver.py.
KEY_TYPES = {Target.OSIRIS_PIPELINE: {"transformer": "processor"}}


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise UsageError(f"Unknown category {category!r}; choose one of: {', '.join(CATEGORIES)}.")
    return category


def check_name(name: str, what: str = "backend name", choices: str = "") -> str:
    """A lowercase snake_case Python identifier, as registry keys and module names need;
    ``choices`` (the known names) ends the error message."""
    listing = f" {choices}" if choices else ""
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(
            f"Invalid {what} {name!r}: use at most {MAX_NAME_LENGTH} characters.{listing}"
        )
    if not _SNAKE_CASE.match(name) or keyword.iskeyword(name):
        suggestion = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        hint = f" (e.g. {suggestion!r})" if suggestion and _SNAKE_CASE.match(suggestion) else ""
        raise UsageError(
            f"Invalid {what} {name!r}: use lowercase snake_case letters, digits and '_', "
            f"starting with a letter{hint}.{listing}"
        )
    return name


@dataclass(frozen=True)
class DriverNames:
    family: str
    category: str
    target: Target = Target.CONTRACT

    @property
    def type(self) -> str:
        """The key's second word: the category, as the target's runtime names it."""
        return KEY_TYPES.get(self.target, {}).get(self.category, self.category)

    @property
    def key(self) -> str:
        """The registry key, ``family.type`` (contract rule OSD004)."""
        return f"{self.family}.{self.type}"

    @property
    def module(self) -> str:
        """``{source}_extractor_driver`` and friends (contract rule OSD002)."""
        return f"{self.family}_{self.type}_driver"

    @property
    def class_name(self) -> str:
        words = [*self.family.split("_"), self.type, "driver"]
        return "".join(word.capitalize() for word in words)

    @property
    def test_module(self) -> str:
        return f"test_{self.module}"
