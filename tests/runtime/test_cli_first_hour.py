"""What a user meets in the first hour with osiris-run and osiris-gen: --version, options
anywhere on the line, relative paths that follow the pipeline file, ignored run records."""

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
FIXTURE_DRIVERS = Path(__file__).parent / "fixture_drivers"
PIPELINE = """
steps:
  - {id: extract, driver: list.extractor, config: {rows: [{id: 1}, {id: 2}]}}
  - {id: save, driver: csv.writer, needs: [extract], config: {path: out/ids.csv}}
"""


def run(cwd, command, *args):
    return subprocess.run([str(BIN / command), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}, timeout=120)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pipeline.yaml").write_text(PIPELINE)
    return tmp_path


@pytest.mark.parametrize("command", ["osiris-run", "osiris-gen", "osiris-lint"])
def test_every_command_tells_the_installed_version(tmp_path, command):
    done = run(tmp_path, command, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{command} {version('osiris-driver-kit')}\n"


def test_options_may_come_before_the_pipeline_file(project):
    done = run(project, "osiris-run", "-q", "--drivers", str(FIXTURE_DRIVERS), "pipeline.yaml")
    assert done.returncode == 0, done.stderr
    assert "[1/2]" not in done.stdout and "Run succeeded" in done.stdout


@pytest.mark.parametrize("args", [
    ["--bogus", "pipeline.yaml"],
    ["pipeline.yaml", "--bogus"],
    ["run", "pipeline.yaml", "--bogus"],
])
def test_a_bad_option_shows_the_usage_of_osiris_run_itself(project, args):
    done = run(project, "osiris-run", *args)
    assert done.returncode == 2
    assert "Usage: osiris-run [OPTIONS] PIPELINE" in done.stderr
    assert "Try 'osiris-run --help' for help." in done.stderr
    assert "No such option" in done.stderr and "--bogus" in done.stderr
    assert "osiris-run run" not in done.stderr and not (project / ".osiris").exists()


def test_a_bad_check_option_shows_the_usage_of_check(project):
    done = run(project, "osiris-run", "check", "--bogus")
    assert done.returncode == 2
    assert "Usage: osiris-run check [OPTIONS] [DRIVERS_PATH]" in done.stderr


def test_the_help_names_both_commands(project):
    done = run(project, "osiris-run", "--help")
    assert done.returncode == 0
    assert "osiris-run [OPTIONS] PIPELINE" in done.stdout and "osiris-run check" in done.stdout


def test_relative_paths_in_a_pipeline_follow_its_folder(tmp_path):
    """Started from elsewhere, the step's output lands beside the pipeline file; the run
    folder stays where --runs-dir (relative to the current folder) says."""
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pipeline.yaml").write_text(PIPELINE)
    (tmp_path / "elsewhere").mkdir()
    done = run(tmp_path / "elsewhere", "osiris-run", "../project/pipeline.yaml",
               "--drivers", str(FIXTURE_DRIVERS), "--runs-dir", "runs")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "project" / "out" / "ids.csv").read_text() == "id\n1\n2\n"
    assert not (tmp_path / "elsewhere" / "out").exists()
    [run_dir] = (tmp_path / "elsewhere" / "runs").iterdir()
    assert f"Run succeeded: {run_dir}" in done.stdout
    assert (run_dir / "summary.json").is_file()


def test_run_records_are_ignored_by_git(project):
    done = run(project, "osiris-run", "pipeline.yaml", "--drivers", str(FIXTURE_DRIVERS))
    assert done.returncode == 0, done.stderr
    assert (project / ".osiris" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(list((project / ".osiris" / "runs").iterdir())) == 1
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=project, capture_output=True, text=True, check=True).stdout
    assert ".osiris" not in status and "pipeline.yaml" in status


def test_a_gitignore_of_the_users_own_is_kept(project):
    (project / ".osiris").mkdir()
    (project / ".osiris" / ".gitignore").write_text("runs/\n")
    assert run(project, "osiris-run", "pipeline.yaml", "-d", str(FIXTURE_DRIVERS)).returncode == 0
    assert (project / ".osiris" / ".gitignore").read_text() == "runs/\n"


def test_a_runs_dir_of_the_users_choice_gets_no_gitignore(project):
    done = run(project, "osiris-run", "pipeline.yaml", "-d", str(FIXTURE_DRIVERS),
               "--runs-dir", "records")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []
    assert not (project / "records" / ".gitignore").exists()
