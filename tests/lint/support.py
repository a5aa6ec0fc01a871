"""Lint a set of in-memory files the way the CLI would, in a temporary project."""

from __future__ import annotations

import tempfile
from pathlib import Path

from osiris_driver_kit.contract.targets import detect_target
from osiris_driver_kit.linter.engine.lint_run import Linter
from osiris_driver_kit.linter.engine.settings import Settings
from osiris_driver_kit.linter.rules import rule_classes


def all_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in rule_classes())


def codes_but_untested_driver() -> frozenset[str]:
    """Every code but OSD050: the projects most tests build are drivers made for the
    other rules, with no tests of their own. OSD050 has its own examples and tests."""
    return all_codes() - {"OSD050"}


def lint_files(files: dict[str, bytes | str], codes: frozenset[str] | None = None,
               report_unused: bool = False, fix: str | None = None, root: Path | None = None,
               target: str | None = None):
    """Findings (and the Outcome) of linting ``files`` (relative path -> source): the
    Python files, under ``target`` (else the one detected from component specs among them)."""
    with tempfile.TemporaryDirectory() as folder:
        base = root or Path(folder)
        for relative, source in files.items():
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(source.encode() if isinstance(source, str) else source)
        detection = detect_target(base, target)
        settings = Settings(root=base, enabled=codes or codes_but_untested_driver(),
                            report_unused_suppressions=report_unused, target=detection.target,
                            target_reason=detection.reason, specs=detection.specs)
        linter = Linter(rule_classes(), settings, jobs=1, cache=None, fix=fix, cwd=base)
        outcome = linter.run(sorted(base / relative for relative in files
                                    if relative.endswith(".py")))
        return outcome
