"""One distribution, installed under its own name (``osiris_driver_kit``): nothing under
``osiris``, which belongs to osiris-pipeline."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_folder_is_listed_under_its_kit_name():
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    for name, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            assert ".".join((name, *relative)) in listed, f"{init.parent} is not in packages"


def test_the_console_scripts_are_declared():
    assert set(PYPROJECT["project"]["scripts"]) == {"osiris-gen", "osiris-lint", "osiris-run"}


@pytest.mark.slow
def test_the_wheel_installs_only_the_kit_package_and_nothing_under_osiris(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("*.whl")
    top_level = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"osiris_driver_kit"}
