"""The effective configuration of one run: which codes are enabled for which
files, what the required metrics are called, what to exclude."""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path, PurePosixPath

from ...contract.components import ComponentSpec
from ...contract.rules import ROW_METRICS
from ...contract.targets import FACTS, Target, TargetFacts
from ..analysis.categories import Naming
from .pythons import RUNNING, Version


class ConfigError(Exception):
    """The configuration or the command line names something that does not exist."""


@dataclass(frozen=True)
class Settings:
    root: Path  # paths in findings and globs are relative to it
    enabled: frozenset[str]
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = ()
    metric_names: dict[str, str] = field(default_factory=lambda: dict(ROW_METRICS))
    report_unused_suppressions: bool = False
    target: Target = Target.CONTRACT
    target_reason: str = "default"  # why this target applies, for the output
    specs: tuple[ComponentSpec, ...] = ()  # osiris-pipeline's component specs
    python: Version = RUNNING  # target-version: the Python the linted code runs on

    @property
    def facts(self) -> TargetFacts:
        return FACTS[self.target]

    @cached_property
    def naming(self) -> Naming:
        return Naming(self.facts, {s.name: s.category for s in self.specs if s.category})

    @cached_property
    def specs_by_name(self) -> dict[str, ComponentSpec]:
        return {spec.name: spec for spec in self.specs}

    def codes_for(self, relative_path: str) -> frozenset[str]:
        """The enabled codes minus those ``per-file-ignores`` removes for this file."""
        codes = self.enabled
        for pattern, ignored in self.per_file_ignores:
            if matches(relative_path, pattern):
                codes = codes - ignored
        return codes

    def fingerprint(self) -> str:
        """Changes whenever a setting that changes a file's findings changes."""
        import hashlib  # only a cached run needs it
        import json

        data = [sorted(self.enabled), [(p, sorted(c)) for p, c in self.per_file_ignores],
                sorted(self.metric_names.items()), self.report_unused_suppressions,
                self.target.value, [(s.name, s.driver, s.modes, s.write_modes) for s in self.specs],
                self.python]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]


def matches(relative_path: str, pattern: str) -> bool:
    """Glob matching as ruff does it: against the whole relative path or the file name;
    a pattern naming a folder matches everything in it."""
    path = PurePosixPath(relative_path)
    pattern = pattern.rstrip("/")
    return (fnmatch(str(path), pattern) or fnmatch(path.name, pattern)
            or any(fnmatch(str(parent), pattern) for parent in path.parents if str(parent) != "."))


def select_codes(all_codes: list[str], select: list[str] | None, ignore: list[str],
                 extend_select: list[str], default: list[str]) -> frozenset[str]:
    """ruff's selection: ``select`` (or the default), plus ``extend-select``, minus
    ``ignore``. Entries are codes, prefixes (``OSD0``) or ``ALL``."""
    chosen = _expand(all_codes, select if select is not None else default)
    return frozenset((chosen | _expand(all_codes, extend_select)) - _expand(all_codes, ignore))


def _expand(all_codes: list[str], selectors: list[str]) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        matched = {c for c in all_codes if selector == "ALL" or c.startswith(selector)}
        if not matched:
            raise ConfigError(f"unknown rule code, prefix or name {selector!r}; "
                              f"see `osiris-lint --list-rules` for the codes")
        codes |= matched
    return codes
