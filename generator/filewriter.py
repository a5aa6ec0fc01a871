"""Safe file writing: decide what each rendered file would do to the disk, show it as a
unified diff, and write atomically (temp file + rename) only when nothing is blocked.

A file that exists with other content is never touched without ``force``: the user may
have edited it. Running the same command twice finds every file unchanged. An entry of
a shared YAML file (a driver's scenario in ``check.yaml``) is appended to it when its key
is absent, every byte already there kept (comments too); an entry whose key is there is
the user's and never changed, even with ``force``.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..runtime.yamlfile import InputFileError, load_yaml_text
from .errors import BlockedError


class Policy(Enum):
    OWNED = "owned"  # generated content: replaced only with --force
    CREATE_ONLY = "create-only"  # a package marker the user may extend: written when missing
    ENTRY = "entry"  # one top-level key of a shared YAML file: appended when the key is absent


class Action(Enum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    OVERWRITE = "overwrite"
    KEEP = "keep"  # create-only file that already exists, or an entry whose key is there
    EXTEND = "extend"  # an entry appended to the file
    BLOCKED = "blocked"

WRITES = (Action.CREATE, Action.OVERWRITE, Action.EXTEND)


@dataclass(frozen=True)
class RenderedFile:
    path: Path
    content: str
    policy: Policy = Policy.OWNED
    key: str | None = None  # ENTRY: the top-level key the content defines
    preamble: str = ""  # ENTRY: what a new file starts with, before the entry


@dataclass(frozen=True)
class FileChange:
    file: RenderedFile
    action: Action
    current: str | None  # what is on disk now, None when missing
    reason: str | None = None  # BLOCKED: why, when it is not "exists with other content"

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
    current = _read(file.path)
    if file.policy is Policy.ENTRY:
        return _entry_change(file, current)
    if current is None:
        return FileChange(file, Action.CREATE, None)
    if file.policy is Policy.CREATE_ONLY:
        return FileChange(file, Action.KEEP, current)
    if current == file.content:
        return FileChange(file, Action.UNCHANGED, current)
    return FileChange(file, Action.OVERWRITE if force else Action.BLOCKED, current)


def add_entries(entries: list[RenderedFile]) -> FileChange:
    """Entries of one shared file (``Policy.ENTRY``) added in turn: one change of it."""
    first = entries[0]
    original = text = _read(first.path)
    for entry in entries:
        change = _entry_change(entry, text)
        if change.action is Action.BLOCKED:
            return change
        text = change.file.content if change.action in WRITES else text
    if text == original:
        return FileChange(first, Action.KEEP, original)
    return FileChange(_with(first, text), Action.CREATE if original is None else Action.EXTEND,
                      original)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _with(file: RenderedFile, content: str) -> RenderedFile:
    return RenderedFile(file.path, content, file.policy, file.key, file.preamble)


def _entry_change(file: RenderedFile, current: str | None) -> FileChange:
    """A new file: the preamble and the entry. An existing one: kept when it has the
    key; else the entry appended, once sure that the result reads as the same mapping
    plus the entry (a flow mapping or a document end would not)."""
    if current is None:
        text = f"{file.preamble}\n{file.content}" if file.preamble else file.content
        return FileChange(_with(file, text), Action.CREATE, None)
    try:
        before = load_yaml_text(current, file.path, "check file")
    except InputFileError as error:
        return _unextendable(file, current, f"it cannot be read ({_first_line(error)})")
    if before is not None and not isinstance(before, Mapping):
        return _unextendable(file, current, "it is not a mapping of keys to entries")
    if before is not None and file.key in before:
        return FileChange(file, Action.KEEP, current)
    separator = "" if not current or current.endswith("\n\n") else \
        "\n" if current.endswith("\n") else "\n\n"
    extended = current + separator + file.content
    expected = {**(before or {}), **load_yaml_text(file.content, file.path, "entry")}
    try:
        after = load_yaml_text(extended, file.path, "check file")
    except InputFileError:
        after = None
    if after != expected:
        return _unextendable(file, current, "its entries cannot be extended by appending one")
    return FileChange(_with(file, extended), Action.EXTEND, current)


def _unextendable(file: RenderedFile, current: str, why: str) -> FileChange:
    return FileChange(file, Action.BLOCKED, current, (
        f"{why}; fix it, or move it away and run again (the entry to add for "
        f"{file.key!r}:\n{file.content.strip()})"))


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())


def apply_changes(changes: list[FileChange]) -> None:
    """Write every created, overwritten or extended file, or none at all when one is
    blocked."""
    blocked = [c for c in changes if c.action is Action.BLOCKED]
    if blocked:
        edited = [c for c in blocked if c.reason is None]
        listing = "\n".join(f"  {c.file.path}" for c in edited)
        hint = ("Run again with --dry-run to see the differences, or with --force to "
                "overwrite them." if edited else "")
        parts = [f"these files exist with other content:\n{listing}\n{hint}"] if edited else []
        parts += [f"{c.file.path} cannot take the new entry: {c.reason}"
                  for c in blocked if c.reason is not None]
        raise BlockedError("Nothing was written: " + "\n".join(parts))
    for change in changes:
        if change.action in WRITES:
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
