"""Which target a generation is for: the one given with ``--target``, else the one the
project shows, as the linter detects it (``contract.targets.detect_target``: osiris-gen
writes a component spec for contract drivers too, and specs whose drivers register
themselves at import make a contract project)."""

from __future__ import annotations

from pathlib import Path

from ..contract.targets import Detection, Target, detect_target
from .errors import UsageError


def choose_target(given: str | None, components_dir: Path) -> Detection:
    """``given`` (exit 2 naming the valid targets when it is none), else detected from
    the specs in ``components_dir``."""
    if given is not None:
        try:
            return Detection(Target.parse(given), "given with --target")
        except ValueError as error:
            raise UsageError(f"{error}.") from None
    return detect_target(components_dir)
