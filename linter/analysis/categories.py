"""Which classes are drivers, and of which category: the catalogue's "Which
classes are drivers" section, in the one place every rule uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath

from ...contract.rules import CATEGORIES, EXTRACTOR, TRANSFORMER, WRITER
from ...contract.targets import FACTS, Target, TargetFacts

KNOWN = frozenset(CATEGORIES)
ALL = frozenset({*CATEGORIES, None})  # None: category unknown

_CLASS_SUFFIXES = {"ExtractorDriver": EXTRACTOR, "WriterDriver": WRITER,
                   "TransformerDriver": TRANSFORMER, "ProcessorDriver": TRANSFORMER}


# How a message says where a category came from (``resolve``'s second value).
EVIDENCE = {"file": "its file name", "key": "its registration key", "class": "its class name",
            "spec": "its component spec's modes"}


def with_article(category: str) -> str:
    """"an extractor", "a writer", "a transformer": for messages."""
    return f"an {category}" if category == EXTRACTOR else f"a {category}"


@dataclass(frozen=True)
class Naming:
    """What names a driver's category under a target: the file name, the registration
    key's type part, the class name and, for osiris-pipeline, the modes of the component
    spec that registers it (``spec_categories``: key -> category)."""

    facts: TargetFacts
    spec_categories: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def file_suffixes(self) -> dict[str, str]:
        words = {EXTRACTOR: (EXTRACTOR,), WRITER: (WRITER,),
                 TRANSFORMER: self.facts.transformer_files}
        return {f"_{word}_driver.py": category
                for category, names in words.items() for word in names}

    @cached_property
    def key_types(self) -> dict[str, str]:
        return {EXTRACTOR: EXTRACTOR, WRITER: WRITER,
                **{word: TRANSFORMER for word in self.facts.transformer_suffixes}}

    def file_suffix(self, category: str) -> str:
        """``_extractor_driver.py`` for extractors: the end of the file name wanted."""
        return next(suffix for suffix, c in self.file_suffixes.items() if c == category)

    def named_suffixes(self, category: str) -> list[str]:
        """Every file name end that names ``category`` (transformer/processor)."""
        return [suffix for suffix, c in self.file_suffixes.items() if c == category]

    def from_file(self, path: str) -> str | None:
        name = PurePath(path).name
        return next((c for suffix, c in self.file_suffixes.items() if name.endswith(suffix)),
                    None)

    def from_key(self, key: str | None) -> str | None:
        """The key's type part: ``"pg.extractor"``; under osiris-pipeline also its last
        word (``"filesystem.csv_extractor"``)."""
        if not key or "." not in key:
            return None
        kind = key.split(".", 1)[1]
        if kind not in self.key_types and self.facts.compound_key_types:
            kind = kind.rpartition("_")[2]
        return self.key_types.get(kind)

    def resolve(self, path: str, class_name: str,
                keys: list[str]) -> tuple[str | None, str | None]:
        """(category, where it came from): the file name, then the registration key, then
        the class name, then the modes of the spec registering it; the first that names a
        category wins."""
        if category := self.from_file(path):
            return category, "file"
        for key in keys:
            if category := self.from_key(key):
                return category, "key"
        if category := from_class(class_name):
            return category, "class"
        for key in keys:
            if category := self.spec_categories.get(key):
                return category, "spec"
        return None, None


def from_class(name: str) -> str | None:
    return next((c for suffix, c in _CLASS_SUFFIXES.items() if name.endswith(suffix)), None)


CONTRACT = Naming(FACTS[Target.CONTRACT])


def is_driver(path: str, class_name: str, registered: bool) -> bool:
    """For a class that defines ``run``."""
    return PurePath(path).name.endswith("_driver.py") or registered or class_name.endswith("Driver")


def is_test_file(path: str) -> bool:
    name = PurePath(path).name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def is_abstract_name(class_name: str) -> bool:
    return class_name.startswith(("Base", "Abstract"))
