"""A file is a syntax error (OSD900) exactly when CPython of the configured
``target-version`` refuses it (issue 15: "CPython's verdicts")."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from osiris_driver_kit.linter.engine import pythons

TYPE_ALIAS = "type Rows = list[dict]\n"  # Python 3.12
MATCH = "def f(x):\n    match x:\n        case 1:\n            return 1\n"  # Python 3.10


def findings(project, *args) -> list[tuple[str, str, int]]:
    done = project.lint("--no-cache", "--output-format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return sorted((f["path"], f["code"], f["line"]) for f in json.loads(done.stdout))


@pytest.fixture
def newer_syntax(project):
    project.write("alias.py", TYPE_ALIAS)
    project.write("matching.py", MATCH)
    return project


def test_syntax_newer_than_the_target_version_is_a_syntax_error(newer_syntax):
    assert findings(newer_syntax, "--target-version", "py311") == [("alias.py", "OSD900", 1)]
    assert findings(newer_syntax, "--target-version", "py39") == [
        ("alias.py", "OSD900", 1), ("matching.py", "OSD900", cpython_line(MATCH, (3, 9)))]


def cpython_line(text: str, version: tuple[int, int]) -> int:
    with pytest.raises(SyntaxError) as refused:
        ast.parse(text, feature_version=version)
    return refused.value.lineno


def test_the_configured_target_version_applies_and_the_command_line_wins(newer_syntax):
    newer_syntax.write("pyproject.toml", '[tool.osiris-lint]\ntarget-version = "py39"\n')
    assert ("matching.py", "OSD900", cpython_line(MATCH, (3, 9))) in findings(newer_syntax)
    assert findings(newer_syntax, "--target-version", "py311") == [("alias.py", "OSD900", 1)]


def working_python(version: str) -> str | None:
    """``python<version>`` on PATH, or a pyenv install of it (whose shim may not run)."""
    found = [shutil.which(f"python{version}"),
             *map(str, Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))]
    return next((p for p in found if p and subprocess.run(
        [p, "-c", ""], capture_output=True, check=False).returncode == 0), None)


def test_a_newer_target_is_judged_by_its_own_interpreter(monkeypatch):
    interpreter = working_python("3.12")
    if interpreter is None:
        pytest.skip("no working Python 3.12 here")
    monkeypatch.setattr(pythons, "RUNNING", (3, 11))
    monkeypatch.setattr(pythons.shutil, "which", lambda name: interpreter)
    assert pythons.refusal(TYPE_ALIAS, "alias.py", (3, 12)) is None
    assert pythons.refusal("def f(:\n", "broken.py", (3, 12))[:2] == (1, 7)


def test_a_newer_target_without_its_interpreter_is_reported_as_unjudged(monkeypatch):
    monkeypatch.setattr(pythons, "RUNNING", (3, 11))
    monkeypatch.setattr(pythons.shutil, "which", lambda name: None)
    with pytest.raises(LookupError, match="no python3.13 is on PATH"):
        pythons.refusal(TYPE_ALIAS, "alias.py", (3, 13))
    assert pythons.refusal("x = 1\n", "plain.py", (3, 13)) is None  # the running one accepts it


def test_an_interpreter_that_does_not_run_leaves_the_file_unjudged(monkeypatch, tmp_path):
    """A pyenv shim for a version that is installed but not selected exits 127."""
    shim = tmp_path / "python3.13"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    monkeypatch.setattr(pythons, "RUNNING", (3, 11))
    monkeypatch.setattr(pythons.shutil, "which", lambda name: str(shim))
    with pytest.raises(LookupError, match="could not judge this file .pyenv: python3.13"):
        pythons.refusal(TYPE_ALIAS, "alias.py", (3, 13))


@pytest.mark.parametrize("spelling", ["3.11", "py2", "py36", "python3.11", ""])
def test_versions_are_spelled_as_in_ruff(spelling):
    with pytest.raises(ValueError, match="write it as ruff does"):
        pythons.parse_version(spelling)
