"""osiris-pipeline's registrations: the file and class each component spec's
``x-runtime.driver`` names, its module path resolved relative to the project root
(``osiris.drivers.x.Cls`` -> ``osiris/drivers/x.py``, class ``Cls``).

The linter reads specs once per run (with the target's detection). A spec registers its
class under its name, so the engine learns it as one of the file's external keys, and
OSD003 reports drivers no spec names and specs that name nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...contract.components import ComponentSpec
from .files import relative_to
from .settings import Settings


@dataclass(frozen=True)
class SpecDriver:
    spec: ComponentSpec
    display: str  # the spec file, as findings show it
    relative: str  # the spec file relative to the root, for per-file-ignores
    module_display: str | None  # the driver's module file, as findings show it, if it exists


def spec_drivers(settings: Settings, cwd: Path) -> list[SpecDriver]:
    """The specs that name a driver, each with its module file."""
    found = []
    for spec in settings.specs:
        candidates = spec.module_files(settings.root) if spec.driver else None
        if candidates is None:
            continue
        module_file = next((c.resolve() for c in candidates if c.is_file()), None)
        found.append(SpecDriver(spec, relative_to(spec.path, cwd),
                                relative_to(spec.path, settings.root),
                                relative_to(module_file, cwd) if module_file else None))
    return found


def keys_by_file(drivers: list[SpecDriver]) -> dict[str, dict[str, list[str]]]:
    """For each driver module (display path): the classes specs name in it and the keys
    they give them."""
    keys: dict[str, dict[str, list[str]]] = {}
    for driver in drivers:
        if driver.module_display is not None and driver.spec.class_name:
            keys.setdefault(driver.module_display, {}).setdefault(
                driver.spec.class_name, []).append(driver.spec.name)
    return keys


def module_of(relative_path: str) -> str:
    """``osiris.drivers.x`` for ``osiris/drivers/x.py``: the dotted path a spec names a
    module by, relative to the project root."""
    parts = relative_path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
