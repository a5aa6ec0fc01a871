"""``osiris-gen update``: re-render every recorded generation with the installed kit and
merge 3-way into each file: base = what was rendered last time (the record), ours = the
file on disk, theirs = the new rendering. The record then holds the new renderings.

A scenario entry of ``check.yaml`` is never merged: it is the user's once written. A
generation whose record notes none (recorded by an older kit) gets it appended when its
key is absent, as a new generation would."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .errors import BlockedError, GenerationError
from .filewriter import WRITES, Action, Policy, RenderedFile, add_entries, write_atomically
from .merge import merge3
from .record import RECORD_NAME, Generation, Record, load, save
from .rendering import render
from .worktree import uncommitted


class State(Enum):
    CREATE = "create"  # rendered for the first time (a new file of the templates)
    REPLACE = "update"  # untouched since it was generated: the new rendering
    MERGE = "merge"  # edited: the templates' changes merged with the edits
    CONFLICT = "conflict"  # both changed the same lines: written with markers
    UNCHANGED = "unchanged"
    DELETED = "deleted"  # deleted by the user: left deleted
    RETIRED = "retired"  # no longer rendered: left as is and no longer recorded
    EXTEND = "extend"  # scenario entries appended to check.yaml


WRITTEN = (State.CREATE, State.REPLACE, State.MERGE, State.CONFLICT, State.EXTEND)


@dataclass(frozen=True)
class FileUpdate:
    name: str  # relative to the project root, as the record names it
    path: Path
    state: State
    current: str | None  # on disk now; None when missing
    result: str | None  # what the update writes; None when it writes nothing
    conflicts: int = 0

    def diff(self) -> str:
        """Unified diff from the file on disk to what the update writes."""
        if self.state not in WRITTEN:
            return ""
        before = (self.current or "").splitlines(keepends=True)
        old_name = str(self.path) if self.current is not None else "/dev/null"
        return "".join(difflib.unified_diff(
            before, (self.result or "").splitlines(keepends=True), old_name, str(self.path)))


@dataclass(frozen=True)
class Plan:
    root: Path
    files: list[FileUpdate]
    record: Record  # the record once written: the new renderings are the next base

    @property
    def conflicted(self) -> list[FileUpdate]:
        return [f for f in self.files if f.state is State.CONFLICT]


def plan_update(root: Path) -> Plan:
    """What an update would do to each recorded or newly rendered file (reads only)."""
    record = load(root)
    if record is None:
        raise GenerationError(
            f"Nothing to update: {root / RECORD_NAME} does not exist. osiris-gen records what "
            f"it generates there, in the folder it ran in; run update in that folder.")
    rendered = {key: render(generation.request(root)).files
                for key, generation in record.generations.items()}
    renewed = Record({key: Generation.of(record.generations[key].request(root), files, root)
                      for key, files in rendered.items()})
    base, new = record.files(), renewed.files()
    files = [_file_update(name, root / name, base.get(name), new.get(name))
             for name in sorted(base.keys() | new.keys())]
    missing = [f for key, generated in rendered.items() if record.generations[key].scenario is None
               for f in generated if f.policy is Policy.ENTRY]
    return Plan(root, files + _scenario_updates(missing, root), renewed)


def apply_update(plan: Plan, force: bool) -> None:
    """Write the merged files and the new record; nothing when a file to write has changes
    git does not hold yet, unless ``force``."""
    written = [f for f in plan.files if f.state in WRITTEN]
    dirty = [] if force else uncommitted([Path(f.name) for f in written], plan.root)
    if dirty:
        listing = "\n".join(f"  {line}" for line in dirty)
        raise BlockedError(
            f"Nothing was written: these files have changes git does not hold yet:\n{listing}\n"
            f"Commit or stash them first (the update merges into them), or run again with "
            f"--force.")
    for change in written:
        write_atomically(change.path, change.result)
    save(plan.record, plan.root)


def _scenario_updates(entries: list[RenderedFile], root: Path) -> list[FileUpdate]:
    """The scenario entries the record never noted, appended where their key is absent."""
    by_file: dict[Path, list[RenderedFile]] = {}
    for entry in entries:
        by_file.setdefault(entry.path, []).append(entry)
    updates = []
    for path, added in sorted(by_file.items()):
        change = add_entries(added)
        if change.action is Action.BLOCKED:
            raise BlockedError(f"Nothing was written: {path} cannot take the new entry: "
                               f"{change.reason}")
        if change.action in WRITES:
            name = Path(os.path.relpath(os.path.abspath(path), root)).as_posix()
            state = State.CREATE if change.current is None else State.EXTEND
            updates.append(FileUpdate(name, path, state, change.current, change.file.content))
    return updates


def _file_update(name: str, path: Path, base: str | None, new: str | None) -> FileUpdate:
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if new is None:
        return FileUpdate(name, path, State.RETIRED, current, None)
    if current is None:
        if base is None:
            return FileUpdate(name, path, State.CREATE, None, new)
        return FileUpdate(name, path, State.DELETED, None, None)
    if current == new:
        return FileUpdate(name, path, State.UNCHANGED, current, None)
    if current == base:
        return FileUpdate(name, path, State.REPLACE, current, new)
    # A file never rendered here before merges from nothing: every difference conflicts.
    merged = merge3(base or "", current, new)
    if merged.conflicts:
        return FileUpdate(name, path, State.CONFLICT, current, merged.text, merged.conflicts)
    if merged.text == current:
        return FileUpdate(name, path, State.UNCHANGED, current, None)
    return FileUpdate(name, path, State.MERGE, current, merged.text)
