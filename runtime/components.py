"""Register the drivers that component specs name, as osiris-pipeline does.

osiris-pipeline never registers a driver at import: ``components/<name>/spec.yaml``
names it (``x-runtime.driver: package.module.Class``) and its registry keeps a factory
that imports the module and builds a fresh instance for every step. ``osiris-run
--components DIR`` does the same, with or without osiris-pipeline installed. Each named
class is imported before anything runs, so a spec naming a module or class that does not
exist is reported with the other validation problems.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..contract.components import ComponentSpec, find_component_specs
from ..contract.targets import Target
from . import osiris_fallback
from .discovery import failure_of, forget_module
from .driver import Registry
from .errors import OsirisError


class SpecDriverFactory:
    """What osiris-pipeline registers for a spec: each call builds a fresh driver. The
    module is imported on first use (``load``), so specs a pipeline does not use cost
    nothing and cannot fail it; the runner loads the ones it uses before anything runs."""

    def __init__(self, spec: ComponentSpec) -> None:
        self.spec = spec
        self._class: type | None = None

    def load(self) -> type:
        """The driver class; OsirisError naming the spec, the module and the fix if the
        module cannot be imported or has no such class."""
        if self._class is None:
            spec = self.spec
            forget_module(spec.module)  # a new run sees the current source
            try:
                module = importlib.import_module(spec.module)
            except (Exception, SystemExit) as exc:
                raise OsirisError(f"{failure_of(spec.module, None, exc).describe()} "
                                  f"(named by x-runtime.driver in {spec.path})") from None
            driver_class = getattr(module, spec.class_name, None)
            if not isinstance(driver_class, type):
                raise OsirisError(f"{spec.path}: x-runtime.driver names {spec.driver}, but "
                                  f"{spec.module} has no class {spec.class_name}; fix the path "
                                  f"or the class name.")
            self._class = driver_class
        return self._class

    def __call__(self):
        return self.load()()


@dataclass
class ComponentsResult:
    problems: list[str] = field(default_factory=list)  # specs that could not be read
    # Every readable spec by registry key, those left to self-registering drivers included:
    # planning checks each step's config against its driver's configSchema.
    specs: dict[str, ComponentSpec] = field(default_factory=dict)


def register_components(folder: Path, registry: Registry) -> ComponentsResult:
    """Register a factory for every spec under ``folder`` that names a driver. The
    folder's parent (the project root) goes on ``sys.path``, as the module paths of
    ``x-runtime.driver`` are relative to it. A spec whose driver already registered
    itself at import under the same key (a contract-style driver) is left to it."""
    if not folder.is_dir():
        raise OsirisError(f"Components folder {str(folder)!r} does not exist; pass the folder "
                          f"that holds <name>/spec.yaml files (e.g. --components components/).")
    osiris_fallback.install()
    root = str(folder.resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    result = ComponentsResult()
    for spec in find_component_specs(folder.resolve()):
        if spec.error:
            result.problems.append(f"{spec.path}: cannot read the spec: {spec.error}")
            continue
        result.specs[spec.name] = spec
        if spec.driver and spec.module:
            taken = registry.registration(spec.name) if spec.name in registry else None
            if taken is not None and taken.origin == spec.driver:
                continue
            try:
                registry.register(spec.name, SpecDriverFactory(spec),
                                  runtime=Target.OSIRIS_PIPELINE, origin=spec.driver)
            except OsirisError as exc:
                result.problems.append(f"{spec.path}: {exc}")
    return result
