"""osiris-gen update as a copier user expects it: a project generated with one template
set, edited, then updated to another (a copy of the kit's templates, changed, named by
OSIRIS_GEN_TEMPLATES as a new kit release would ship it)."""

import json
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
from osiris_driver_kit.generator import merge
from osiris_driver_kit.generator.cli import app
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.merge import merge3
from osiris_driver_kit.generator.record import RECORD_NAME
from osiris_driver_kit.generator.rendering import TEMPLATES_ENV, Request
from typer.testing import CliRunner

KIT_TEMPLATES = Path(str(files("osiris_driver_kit.templates")))
OLD_SUMMARY = "writes a DataFrame to a CSV file atomically."
# What the next "release" changes: the driver's first line and the shared module's.
RELEASE = {
    "drivers/writer/csv.py.j2": (OLD_SUMMARY, "writes a DataFrame to a CSV file, atomically."),
    "support/driver_safety.py.j2": ("Shared by every driver", "Shared by all the drivers"),
}
MY_EDIT = ('DRIVER = "csv.writer"\n', 'DRIVER = "csv.writer"\nRETRIES = 3  # mine\n')


def osiris_gen(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def release(tmp_path, monkeypatch):
    """Make osiris-gen render with a copy of the kit's templates, changed as ``changes``
    says ({template: (old text, new text)})."""
    def use(name: str, changes: dict[str, tuple[str, str]]) -> None:
        folder = tmp_path / name
        shutil.copytree(KIT_TEMPLATES, folder, ignore=shutil.ignore_patterns("__pycache__"))
        for template, (old, new) in changes.items():
            text = (folder / template).read_text()
            assert old in text
            (folder / template).write_text(text.replace(old, new, 1))
        monkeypatch.setenv(TEMPLATES_ENV, str(folder))
    return use


@pytest.fixture
def project(tmp_path, monkeypatch, release):
    """``osiris-gen writer csv`` run in a fresh project folder with release 1."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    release("kit-1", {})
    made = osiris_gen("writer", "csv")
    assert made.exit_code == 0, made.output
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time: what 'nothing written' means."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts}


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                          cwd=folder, check=True, capture_output=True, text=True).stdout


DRIVER = Path("drivers/csv_writer_driver.py")
SUPPORT = Path("drivers/driver_safety.py")
COPIED = ["drivers/read_only_sql.py", "drivers/secret_names.py"]  # contract modules


def test_the_record_holds_version_template_hash_answers_and_each_rendered_file(project):
    record = json.loads((project / RECORD_NAME).read_text())
    assert record["kit_version"] and len(record["templates_sha256"]) == 64
    [generation] = record["generations"]
    assert generation["answers"] == {
        "category": "writer", "backend": "csv", "family": "csv", "target": "contract",
        "drivers_dir": "drivers", "tests_dir": "tests", "components_dir": "components"}
    assert generation["files"] == ["components/csv.writer/spec.yaml", DRIVER.as_posix(),
                                   SUPPORT.as_posix(), *COPIED, "tests/test_csv_writer_driver.py"]
    assert record["files"][DRIVER.as_posix()]["content"] == (project / DRIVER).read_text()
    assert "drivers/__init__.py" not in record["files"]  # create-only: the user's file


def test_running_the_same_generation_again_leaves_the_record_untouched(project):
    before = snapshot(project)
    assert osiris_gen("writer", "csv").exit_code == 0
    assert snapshot(project) == before


def test_the_edit_survives_and_the_template_change_lands(project, release):
    edit(project / DRIVER, *MY_EDIT)
    release("kit-2", RELEASE)
    updated = osiris_gen("update")
    assert updated.exit_code == 0, updated.output
    driver = (project / DRIVER).read_text()
    assert "RETRIES = 3  # mine" in driver
    assert "writes a DataFrame to a CSV file, atomically." in driver
    assert f"merge  {DRIVER}" in updated.output
    record = json.loads((project / RECORD_NAME).read_text())
    assert "RETRIES" not in record["files"][DRIVER.as_posix()]["content"]  # the new base
    assert ", atomically." in record["files"][DRIVER.as_posix()]["content"]


def test_untouched_files_are_replaced_by_the_new_rendering(project, release):
    release("kit-2", RELEASE)
    updated = osiris_gen("update")
    assert updated.exit_code == 0, updated.output
    assert f"update  {SUPPORT}" in updated.output
    assert "Shared by all the drivers" in (project / SUPPORT).read_text()
    assert "unchanged  tests/test_csv_writer_driver.py" in updated.output


def test_a_conflicting_edit_is_written_with_markers_and_exits_1(project, release):
    edit(project / DRIVER, OLD_SUMMARY, "writes the orders to a CSV file atomically.")
    release("kit-2", RELEASE)
    updated = osiris_gen("update")
    assert updated.exit_code == 1, updated.output
    assert f"conflict  {DRIVER}  (conflicts: 1)" in updated.output
    assert "1 file(s) with conflicts" in updated.output
    driver = (project / DRIVER).read_text()
    assert ("<<<<<<< yours\n\"\"\"CSV writer: writes the orders to a CSV file atomically.\n"
            "=======\n\"\"\"CSV writer: writes a DataFrame to a CSV file, atomically.\n"
            ">>>>>>> osiris-gen\n") in driver
    assert "Shared by all the drivers" in (project / SUPPORT).read_text()
    # The record moved to the new base: the next update leaves the markers to the user.
    again = osiris_gen("update")
    assert again.exit_code == 0 and f"unchanged  {DRIVER}" in again.output
    assert "<<<<<<< yours" in (project / DRIVER).read_text()


def test_dry_run_shows_a_diff_per_file_and_writes_nothing(project, release):
    edit(project / DRIVER, *MY_EDIT)
    release("kit-2", RELEASE)
    before = snapshot(project)
    preview = osiris_gen("update", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert snapshot(project) == before
    assert f"would merge  {DRIVER}" in preview.output
    assert f"would update  {SUPPORT}" in preview.output
    assert f'-"""CSV writer: {OLD_SUMMARY}' in preview.output
    assert '+"""CSV writer: writes a DataFrame to a CSV file, atomically.' in preview.output
    assert "Dry run: nothing was written." in preview.output


def test_uncommitted_changes_block_the_update_unless_forced(project, release):
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "generated")
    edit(project / DRIVER, *MY_EDIT)
    release("kit-2", RELEASE)
    before = snapshot(project)
    blocked = osiris_gen("update")
    assert blocked.exit_code == 1
    assert "Nothing was written" in blocked.output and f"M {DRIVER}" in blocked.output
    assert "--force" in blocked.output
    assert snapshot(project) == before
    git(project, "commit", "-qam", "my edit")
    assert osiris_gen("update").exit_code == 0
    assert ", atomically." in (project / DRIVER).read_text()


def test_force_writes_into_uncommitted_files(project, release):
    git(project, "init", "-q")
    edit(project / DRIVER, *MY_EDIT)  # everything is untracked
    release("kit-2", RELEASE)
    updated = osiris_gen("update", "--force")
    assert updated.exit_code == 0, updated.output
    assert "RETRIES = 3" in (project / DRIVER).read_text()
    assert ", atomically." in (project / DRIVER).read_text()


def test_a_file_the_user_deleted_stays_deleted(project, release):
    (project / "tests" / "test_csv_writer_driver.py").unlink()
    release("kit-2", RELEASE)
    updated = osiris_gen("update")
    assert updated.exit_code == 0, updated.output
    assert "deleted  tests/test_csv_writer_driver.py  (you deleted it: left deleted)" in (
        updated.output)
    assert not (project / "tests" / "test_csv_writer_driver.py").exists()


def test_a_no_op_update_changes_nothing(project):
    edit(project / DRIVER, *MY_EDIT)
    before = snapshot(project)
    updated = osiris_gen("update")
    assert updated.exit_code == 0, updated.output
    assert updated.output.count("unchanged") == 6
    assert snapshot(project) == before


def test_update_without_a_record_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = osiris_gen("update")
    assert result.exit_code == 1
    assert f"{RECORD_NAME} does not exist" in result.output


def test_the_record_lives_above_output_folders_outside_the_current_one(tmp_path):
    generate(Request("writer", "csv", "csv", tmp_path / "drivers", None, None))
    record = json.loads((tmp_path / RECORD_NAME).read_text())
    assert list(record["files"]) == [DRIVER.as_posix(), SUPPORT.as_posix(), *COPIED]


@pytest.fixture(params=["git", "difflib"])
def merging(request, monkeypatch):
    """merge3 with git merge-file, and with the fallback used where git is missing."""
    if request.param == "difflib":
        monkeypatch.setattr(merge.shutil, "which", lambda name: None)
    return merge3


BASE = "".join(f"line {n}\n" for n in range(1, 11))


def test_merge_keeps_both_sides_changes_to_different_lines(merging):
    ours = BASE.replace("line 2\n", "line 2 (mine)\n")
    theirs = BASE.replace("line 9\n", "line 9 (new)\n") + "line 11\n"
    merged = merging(BASE, ours, theirs)
    assert merged.conflicts == 0
    assert merged.text == ours.replace("line 9\n", "line 9 (new)\n") + "line 11\n"


def test_merge_marks_a_conflict_on_the_same_line(merging):
    merged = merging(BASE, BASE.replace("line 5", "line five"), BASE.replace("line 5", "LINE 5"))
    assert merged.conflicts == 1
    assert ("line 4\n<<<<<<< yours\nline five\n=======\nLINE 5\n>>>>>>> osiris-gen\nline 6\n"
            in merged.text)


def test_merge_takes_the_same_change_once(merging):
    same = BASE.replace("line 3", "line three")
    assert merging(BASE, same, same) == merge.Merged(same, 0)
