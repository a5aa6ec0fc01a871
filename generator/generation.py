"""One generation: render the files of a request, refuse a second registration of
its key, then show or write the changes and record what was rendered (``record.py``).
The CLI and the quick start both use it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BlockedError
from .filewriter import WRITES, FileChange, apply_changes, plan_changes
from .record import Generation, project_root, remember
from .registrations import modules_registering
from .rendering import Rendering, Request, render


@dataclass(frozen=True)
class Outcome:
    rendering: Rendering
    changes: list[FileChange]

    @property
    def written(self) -> list[FileChange]:
        return [c for c in self.changes if c.action in WRITES]


def generate(request: Request, *, force: bool = False, dry_run: bool = False,
             root: Path | None = None) -> Outcome:
    """``root``: the project whose record notes the generation; by default the current
    folder, or the deepest folder holding the output folders when they lie outside it."""
    rendering = render(request)
    _refuse_second_registration(request, rendering)
    changes = plan_changes(rendering.files, force)
    if not dry_run:
        apply_changes(changes)
        folders = (request.drivers_dir, request.tests_dir, request.components_dir)
        root = root or project_root(folder for folder in folders if folder is not None)
        remember(Generation.of(request, rendering.files, root), root)
    return Outcome(rendering, changes)


def _refuse_second_registration(request: Request, rendering: Rendering) -> None:
    key = request.names.key
    driver_file = rendering.driver_file.resolve()
    others = [p for p in modules_registering(key, request.drivers_dir) if p.resolve() != driver_file]
    if others:
        where = ", ".join(str(path) for path in others)
        raise BlockedError(
            f"Nothing was written: {where} already registers {key!r}, and a key may be "
            f"registered only once. Pass --family NAME to register the new driver as "
            f"'NAME.{request.category}', or remove that registration first."
        )
