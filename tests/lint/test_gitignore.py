"""Which files a folder holds for osiris-lint follows git: nested .gitignore files,
negations and last-match-wins, checked against `git ls-files` itself."""

import shutil
import subprocess

import pytest
from osiris_driver_kit.linter.engine.files import discover

LAYOUT = {
    ".gitignore": "*_old.py\nbuild_*/\n!keep_old.py\n",
    "drivers/.gitignore": "!revived_old.py\nscratch.py\n",
    "drivers/revived_old.py": "",
    "drivers/dead_old.py": "",
    "drivers/scratch.py": "",
    "drivers/csv_writer_driver.py": "",
    "drivers/deep/.gitignore": "!scratch.py\nlocal_*.py\n!local_keep.py\n",
    "drivers/deep/scratch.py": "",
    "drivers/deep/local_a.py": "",
    "drivers/deep/local_keep.py": "",
    "keep_old.py": "",
    "top_old.py": "",
    "build_x/inside.py": "",
}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_discovery_lists_the_python_files_git_does(tmp_path):
    for relative, text in LAYOUT.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "*.py"],
                            cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    found = sorted(p.relative_to(tmp_path).as_posix() for p in discover([tmp_path], tmp_path, ()))
    assert found == sorted(listed.split())
    assert "drivers/revived_old.py" in found and "drivers/deep/local_keep.py" in found
    assert "drivers/dead_old.py" not in found and "drivers/deep/local_a.py" not in found
