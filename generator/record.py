"""The record of what osiris-gen rendered in a project, ``.osiris-gen.json`` at its root:
the kit version, the template set's hash, each generation's answers and, for each file
it owns, the text rendered. ``osiris-gen update`` re-renders the answers and merges 3-way
with that text as the base, as ``copier update`` does.

A generation that adds its driver's scenario to a shared ``check.yaml`` notes that file
(``scenario``): the entry is the user's from then on, and ``osiris-gen update`` adds it again
only to projects whose record predates it (a deleted entry stays deleted).

The project root is the current folder, or, when the output folders lie outside it, the
deepest folder holding them all. The file is deterministic (sorted keys, no times), so a
generation that changes nothing leaves it untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..contract.targets import Target
from ..linter import __version__
from .errors import GenerationError
from .filewriter import Policy, RenderedFile, write_atomically
from .rendering import Request, templates_digest

RECORD_NAME = ".osiris-gen.json"


@dataclass(frozen=True)
class Generation:
    """A request's answers (folders relative to the root) and the files it owns."""

    answers: dict[str, str | None]
    files: dict[str, str]  # path relative to the root -> the text rendered
    scenario: str | None = None  # the check file its scenario entry went to (or was found in)

    @classmethod
    def of(cls, request: Request, files: Iterable[RenderedFile], root: Path) -> Generation:
        """Create-only files (the package's ``__init__.py``) are the user's: not recorded;
        nor is the text of a scenario entry, only the file it belongs to."""
        files = list(files)
        folders = {"drivers_dir": request.drivers_dir, "tests_dir": request.tests_dir,
                   "components_dir": request.components_dir}
        answers = {"category": request.category, "backend": request.backend,
                   "family": request.family, "target": request.target.value,
                   **{name: _relative(path, root) if path else None
                      for name, path in folders.items()}}
        owned = {_relative(f.path, root): f.content for f in files if f.policy is Policy.OWNED}
        scenario = next((_relative(f.path, root) for f in files if f.policy is Policy.ENTRY), None)
        return cls(answers, owned, scenario)

    @property
    def key(self) -> str:
        """One generation per drivers folder and registry key: a re-run replaces it."""
        return f"{self.answers['drivers_dir']}:{self.answers['family']}.{self.answers['category']}"

    def request(self, root: Path) -> Request:
        folder = {name: root / value if value is not None else None
                  for name, value in self.answers.items() if name.endswith("_dir")}
        return Request(self.answers["category"], self.answers["backend"], self.answers["family"],
                       folder["drivers_dir"], folder["tests_dir"], folder["components_dir"],
                       Target(self.answers["target"]))


@dataclass
class Record:
    generations: dict[str, Generation] = field(default_factory=dict)

    def files(self) -> dict[str, str]:
        """Every recorded file and its text; a file several generations share (the
        support module) holds the text of the last one."""
        return {name: text for key in sorted(self.generations)
                for name, text in self.generations[key].files.items()}

    def dumps(self) -> str:
        files = self.files()
        data = {
            "kit_version": __version__,
            "templates_sha256": templates_digest(),
            "generations": [{"answers": g.answers, "files": sorted(g.files),
                             **({"scenario": g.scenario} if g.scenario else {})}
                            for _, g in sorted(self.generations.items())],
            "files": {name: {"sha256": hashlib.sha256(text.encode()).hexdigest(),
                             "content": text} for name, text in files.items()},
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def project_root(folders: Iterable[Path]) -> Path:
    cwd = Path.cwd()
    absolute = [Path(os.path.abspath(folder)) for folder in folders]
    if all(folder.is_relative_to(cwd) for folder in absolute):
        return cwd
    return Path(os.path.commonpath([folder.parent for folder in absolute]))


def load(root: Path) -> Record | None:
    """The record in ``root``; None when there is none."""
    path = root / RECORD_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = {name: entry["content"] for name, entry in data["files"].items()}
        generations = [Generation(g["answers"], {n: files[n] for n in g["files"]},
                                  g.get("scenario")) for g in data["generations"]]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as error:
        raise GenerationError(f"{path} is not a record osiris-gen can read ({error}); "
                              f"restore it from version control.") from None
    return Record({g.key: g for g in generations})


def save(record: Record, root: Path) -> None:
    """Written only when its text changes, so a no-op leaves the file as it was."""
    path = root / RECORD_NAME
    text = record.dumps()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomically(path, text)


def remember(generation: Generation, root: Path) -> None:
    record = load(root) or Record()
    record.generations[generation.key] = generation
    save(record, root)


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()
