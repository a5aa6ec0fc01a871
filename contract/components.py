"""Component specs (``components/<name>/spec.yaml``), as osiris-pipeline reads them.

osiris-pipeline registers a driver through its spec: ``x-runtime.driver`` names
``package.module.Class``, and its registry builds a fresh instance from it for every step.
The runtime registers such drivers, the linter counts them as registered, and the target
detection looks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SPEC_GLOB = "*/spec.yaml"

# The category a spec's ``modes`` give its driver, first match wins.
CATEGORY_OF_MODE = {"extract": "extractor", "write": "writer", "transform": "transformer"}


@dataclass(frozen=True)
class ComponentSpec:
    path: Path
    name: str  # the registry key: the spec's ``name``, else its folder's name
    driver: str | None  # x-runtime.driver, "package.module.Class"
    modes: tuple[str, ...] = ()
    error: str | None = None  # why the file could not be read, when it could not

    @property
    def module(self) -> str | None:
        return self.driver.rpartition(".")[0] or None if self.driver else None

    @property
    def class_name(self) -> str | None:
        return self.driver.rpartition(".")[2] if self.driver else None

    @property
    def category(self) -> str | None:
        for mode in self.modes:
            if mode in CATEGORY_OF_MODE:
                return CATEGORY_OF_MODE[mode]
        return None


def components_dir(root: Path) -> Path:
    return root / "components"


def find_component_specs(root: Path) -> list[ComponentSpec]:
    """The specs under ``root/components`` (or ``root`` itself when it is that folder),
    in name order; none when there is no such folder."""
    folder = root if root.name == "components" else components_dir(root)
    if not folder.is_dir():
        return []
    return [read_spec(path) for path in sorted(folder.glob(SPEC_GLOB))]


def read_spec(path: Path) -> ComponentSpec:
    """One spec; a file that is not valid YAML (or not a mapping) says why in ``error``."""
    import yaml  # only projects with specs pay for it

    fallback = path.parent.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return ComponentSpec(path, fallback, None, error=f"{type(exc).__name__}: {exc}")
    if not isinstance(data, dict):
        return ComponentSpec(path, fallback, None, error="the file does not hold a mapping")
    runtime = data.get("x-runtime")
    driver = runtime.get("driver") if isinstance(runtime, dict) else None
    modes = data.get("modes")
    return ComponentSpec(
        path,
        data["name"] if isinstance(data.get("name"), str) else fallback,
        driver if isinstance(driver, str) and driver.strip() else None,
        tuple(m for m in modes if isinstance(m, str)) if isinstance(modes, list) else (),
    )
