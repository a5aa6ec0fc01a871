"""Component specs (``components/<name>/spec.yaml``), as osiris-pipeline reads them.

osiris-pipeline registers a driver through its spec: ``x-runtime.driver`` names
``package.module.Class``, and its registry builds a fresh instance from it for every step.
The runtime registers such drivers, the linter counts them as registered, and the target
detection looks for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_GLOB = "*/spec.yaml"
MODE_KEYS = ("write_mode", "mode")  # the config keys osiris-pipeline's writers read the mode from

# The category a spec's ``modes`` give its driver, first match wins.
CATEGORY_OF_MODE = {"extract": "extractor", "write": "writer", "transform": "transformer"}


@dataclass(frozen=True)
class ComponentSpec:
    path: Path
    name: str  # the registry key: the spec's ``name``, else its folder's name
    driver: str | None  # x-runtime.driver, "package.module.Class"
    modes: tuple[str, ...] = ()
    error: str | None = None  # why the file could not be read, when it could not
    # The values its config's write mode (``write_mode`` or ``mode``) may take, when its
    # configSchema declares such an option; None when it declares none.
    write_modes: tuple[str, ...] | None = None
    # The configSchema itself (a JSON Schema), which osiris-run checks step configs against;
    # None when the spec has none. Left out of comparisons: a dict cannot be hashed.
    config_schema: dict[str, Any] | None = field(default=None, compare=False, repr=False)

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

    def module_files(self, root: Path) -> tuple[Path, Path] | None:
        """Where the driver's module lives when the project at ``root`` holds it: the module
        path resolved relative to the root, as a module file or a package."""
        if not self.module:
            return None
        base = root.joinpath(*self.module.split("."))
        return base.with_name(base.name + ".py"), base / "__init__.py"

    def driver_line(self) -> int:
        """The line of ``driver:`` under ``x-runtime:`` (1 when it cannot be found), read from
        the text so that no YAML parser is needed to point at it."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return 1
        inside = False
        for number, line in enumerate(lines, start=1):
            if line.startswith("x-runtime:"):
                inside = True
            elif inside and line[:1] not in ("", " ", "\t", "#"):
                inside = False
            elif inside and line.strip().startswith("driver:"):
                return number
        return 1


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
    schema = data.get("configSchema")
    return ComponentSpec(
        path,
        data["name"] if isinstance(data.get("name"), str) else fallback,
        driver if isinstance(driver, str) and driver.strip() else None,
        tuple(m for m in modes if isinstance(m, str)) if isinstance(modes, list) else (),
        write_modes=_write_modes(schema),
        config_schema=schema if isinstance(schema, dict) else None,
    )


def _write_modes(schema) -> tuple[str, ...] | None:
    """The enum of the config's ``write_mode`` (or ``mode``) property, if it declares one."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    for key in MODE_KEYS:
        option = properties.get(key) if isinstance(properties, dict) else None
        if isinstance(option, dict):
            values = option.get("enum")
            return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()
    return None
