"""Safe file writing: nothing overwritten without force, all or nothing, atomic."""

import os

import pytest
from osiris_driver_kit.generator.errors import BlockedError
from osiris_driver_kit.generator.filewriter import (
    Action,
    Policy,
    RenderedFile,
    apply_changes,
    plan_changes,
    write_atomically,
)


def test_new_files_are_created_and_a_second_run_finds_them_unchanged(tmp_path):
    files = [RenderedFile(tmp_path / "pkg" / "a.py", "a = 1\n")]
    apply_changes(plan_changes(files, force=False))
    assert (tmp_path / "pkg" / "a.py").read_text() == "a = 1\n"
    assert [c.action for c in plan_changes(files, force=False)] == [Action.UNCHANGED]


def test_a_changed_file_blocks_everything_until_forced(tmp_path):
    (tmp_path / "edited.py").write_text("mine\n")
    files = [RenderedFile(tmp_path / "new.py", "new\n"), RenderedFile(tmp_path / "edited.py", "gen\n")]
    with pytest.raises(BlockedError, match="edited.py") as raised:
        apply_changes(plan_changes(files, force=False))
    assert "--force" in str(raised.value)
    assert not (tmp_path / "new.py").exists()
    assert (tmp_path / "edited.py").read_text() == "mine\n"
    apply_changes(plan_changes(files, force=True))
    assert (tmp_path / "edited.py").read_text() == "gen\n"


def test_a_create_only_file_is_never_replaced(tmp_path):
    (tmp_path / "__init__.py").write_text("from .x import y\n")
    [change] = plan_changes([RenderedFile(tmp_path / "__init__.py", '"""doc"""\n',
                                          Policy.CREATE_ONLY)], force=True)
    assert change.action is Action.KEEP
    apply_changes([change])
    assert (tmp_path / "__init__.py").read_text() == "from .x import y\n"


def test_the_diff_shows_what_would_change(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    [change] = plan_changes([RenderedFile(tmp_path / "a.py", "x = 2\n")], force=False)
    assert "-x = 1\n+x = 2\n" in change.diff()
    [new] = plan_changes([RenderedFile(tmp_path / "b.py", "y\n")], force=False)
    assert new.diff().startswith("--- /dev/null")


def test_an_atomic_write_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "script.py"
    target.write_text("old\n")
    os.chmod(target, 0o750)
    write_atomically(target, "new\n")
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]
