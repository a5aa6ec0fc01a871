"""Which driver modules the project's tests reach (OSD050): the modules they import
and the strings they name, read from every test module under the project root,
linted or not. A pre-commit hook lints only the changed driver; its tests are
still found, as in CI.

Text is enough here, and it keeps the scan cheap: an import statement's names, and
the dotted words and registry keys in quotes (``"csv.writer"``,
``DRIVER_MODULE = "drivers.csv_writer_driver"``, ``importlib.import_module(...)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...analysis import categories
from ...engine.files import MissingPathError, discover
from ...engine.source import read

_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#]*)", re.M)
_QUOTED = re.compile(r"""(["'])([\w][\w.\-]*)\1""")
_NAME = re.compile(r"[\w.]+")


@dataclass
class ReachOfTests:
    """What the test modules import (every part of each dotted name) and name in quotes."""

    test_files: int = 0
    imported: set[str] = field(default_factory=set)  # module and name parts: "csv_writer_driver"
    quoted: set[str] = field(default_factory=set)  # "csv.writer", "drivers.csv_writer_driver"

    def reaches(self, module: str, keys: list[str]) -> bool:
        """Whether a test imports ``module`` (by its last part: tests import it from where
        they put it on ``sys.path``) or names it or one of ``keys`` in quotes."""
        last = module.rpartition(".")[2]
        return (last in self.imported or any(k in self.quoted for k in keys)
                or any(q == last or q.endswith("." + last) for q in self.quoted))

    def read(self, text: str) -> None:
        self.test_files += 1
        for source, names in _FROM_IMPORT.findall(text):
            self.imported.update(source.split("."))
            self.imported.update(_NAME.findall(names))
        for names in _IMPORT.findall(text):
            for name in _NAME.findall(names):
                self.imported.update(name.split("."))
        self.quoted.update(literal for _, literal in _QUOTED.findall(text))


def reach_of_tests(root: Path, exclude: tuple[str, ...]) -> ReachOfTests:
    """The reach of every test module under ``root`` (``.gitignore`` and ``exclude`` apply)."""
    reach = ReachOfTests()
    try:
        files = discover([root], root, exclude)
    except MissingPathError:
        return reach
    for path in files:
        if categories.is_test_file(path.name) or "tests" in path.relative_to(root).parts[:-1]:
            try:
                reach.read(read(path).decode("utf-8", errors="replace"))
            except OSError:
                continue  # unreadable: the lint of that file, if asked for, says so
    return reach
