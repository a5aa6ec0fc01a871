"""The public osiris-pipeline drivers and specs vendored under ``public/`` (see its
SOURCE.md), copied into a fresh folder per test so that runs never write beside them."""

import shutil
from pathlib import Path

import pytest

PUBLIC = Path(__file__).parent / "public"


@pytest.fixture
def public_project(tmp_path):
    """A copy of the vendored keboola/osiris drivers and component specs."""
    project = tmp_path / "osiris-project"
    shutil.copytree(PUBLIC, project, ignore=shutil.ignore_patterns("__pycache__"))
    return project
