"""Safe file writing: decide what each rendered file would do to the disk, show it as a
unified diff, and write atomically (temp file + rename) only when nothing is blocked.

A file that exists with other content is never touched without ``force``: the user may
have edited it. Running the same command twice finds every file unchanged.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .errors import BlockedError


class Policy(Enum):
    OWNED = "owned"  # generated content: replaced only with --force
    CREATE_ONLY = "create-only"  # a package marker the user may extend: written when missing


class Action(Enum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    OVERWRITE = "overwrite"
    KEEP = "keep"  # create-only file that already exists
    BLOCKED = "blocked"


@dataclass(frozen=True)
class RenderedFile:
    path: Path
    content: str
    policy: Policy = Policy.OWNED


@dataclass(frozen=True)
class FileChange:
    file: RenderedFile
    action: Action
    current: str | None  # what is on disk now, None when missing

    def diff(self) -> str:
        """Unified diff from the file on disk (or nothing) to the rendered content."""
        if self.action in (Action.UNCHANGED, Action.KEEP):
            return ""
        before = (self.current or "").splitlines(keepends=True)
        after = self.file.content.splitlines(keepends=True)
        old_name = str(self.file.path) if self.current is not None else "/dev/null"
        return "".join(difflib.unified_diff(before, after, old_name, str(self.file.path)))


def plan_changes(files: list[RenderedFile], force: bool) -> list[FileChange]:
    return [_change(file, force) for file in files]


def _change(file: RenderedFile, force: bool) -> FileChange:
    try:
        current = file.path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return FileChange(file, Action.CREATE, None)
    if file.policy is Policy.CREATE_ONLY:
        return FileChange(file, Action.KEEP, current)
    if current == file.content:
        return FileChange(file, Action.UNCHANGED, current)
    return FileChange(file, Action.OVERWRITE if force else Action.BLOCKED, current)


def apply_changes(changes: list[FileChange]) -> None:
    """Write every created or overwritten file, or none at all when one is blocked."""
    blocked = [c.file.path for c in changes if c.action is Action.BLOCKED]
    if blocked:
        listing = "\n".join(f"  {path}" for path in blocked)
        raise BlockedError(
            f"Nothing was written: these files exist with other content:\n{listing}\n"
            f"Run again with --dry-run to see the differences, or with --force to overwrite them."
        )
    for change in changes:
        if change.action in (Action.CREATE, Action.OVERWRITE):
            write_atomically(change.file.path, change.file.content)


def write_atomically(path: Path, content: str) -> None:
    """Readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
