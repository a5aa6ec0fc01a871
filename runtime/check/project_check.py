"""``osiris-run check PATH``: import every driver module under PATH into an
observing registry, register the drivers the component specs name (osiris-pipeline's
way, as ``osiris-run --components`` does), report what went wrong at import (failures,
OSD003-OSD005, unreadable specs), then check each registered driver with its scenario
or the default fixture."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..components import register_components
from ..discovery import ImportFailure, load_drivers
from ..driver import DriverRegistry
from .driver_check import check_driver
from .model import CheckReport, DriverReport, Finding
from .registrations import ObservingRegistry, unregistered_drivers
from .scenario import Scenario
from .subject import DriverUnderCheck

CHECK_FILE = "check.yaml"
COMPONENTS = "components"


def find_check_file(target: str | Path, explicit: Path | None) -> Path | None:
    """``--scenarios FILE``, else ``check.yaml`` in the drivers folder, else in the current one."""
    if explicit is not None:
        return explicit
    folder = Path(target) if Path(target).is_dir() else Path(target).parent
    for candidate in (folder / CHECK_FILE, Path(CHECK_FILE)):
        if candidate.is_file():
            return candidate
    return None


def find_components(target: str | Path, explicit: Path | None) -> Path | None:
    """``--components DIR``, else ``components`` beside the drivers folder, else in the
    current folder; None when there is none."""
    if explicit is not None:
        return explicit
    path = Path(target)
    folder = path if path.is_dir() else path.parent
    for candidate in (folder.resolve().parent / COMPONENTS, Path(COMPONENTS)):
        if candidate.is_dir():
            return candidate
    return None


def check_drivers(target: str | Path, scenarios: dict[str, Scenario], workdir: Path,
                  components: Path | None = None) -> CheckReport:
    """``components``: the folder of component specs whose x-runtime.driver registers
    drivers (osiris-pipeline's way); specs of drivers that registered themselves under
    the same key at import are left to them."""
    registry = ObservingRegistry()
    report = CheckReport()
    with DriverRegistry.isolated(registry):
        discovery = load_drivers(target)
        report.problems += [_import_problem(failure) for failure in discovery.failures]
        if components is not None:
            specs = register_components(components, registry)
            report.problems += [Finding(str(components), "component-spec", None, f"{problem}.",
                                        "component specs osiris-pipeline can read.")
                                for problem in specs.problems]
        report.problems += registry.findings
        named = frozenset(r.origin for r in registry.registrations())
        report.problems += unregistered_drivers(discovery.modules, registry.calls, named)
        for registration in registry.registrations():
            key = registration.key
            try:
                subject = DriverUnderCheck.registered(registration)
            except Exception as error:  # a factory that cannot build its driver
                report.drivers.append(_unbuildable(key, error))
                continue
            report.drivers.append(check_driver(subject, scenarios.get(key), workdir / key))
    report.problems += [_unused_scenario(key, registry.keys())
                        for key in sorted(set(scenarios) - set(registry.keys()))]
    return report


def _import_problem(failure: ImportFailure) -> Finding:
    location = f"{failure.path}:{failure.line}" if failure.path and failure.line else (
        str(failure.path) if failure.path else None)
    return Finding(failure.module, "import-failure", None,
                   f"Cannot import {failure.module}: {failure.error}.",
                   "every driver module imports cleanly, so that its registration runs.", location)


def _unbuildable(key: str, error: Exception) -> DriverReport:
    report = DriverReport(key, "?", None, None)
    report.problems.append(Finding(key, "not-checked", None,
                                   f"Not checked: building the driver failed with "
                                   f"{type(error).__name__}: {error}.",
                                   "a registration that yields a driver instance."))
    return report


def _unused_scenario(key: str, registered: list[str]) -> Finding:
    close = difflib.get_close_matches(key, registered, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return Finding(key, "unknown-scenario", None,
                   f"check.yaml has a scenario for {key!r}, but no driver is registered under "
                   f"that key{hint}.",
                   f"scenario keys that name registered drivers ({', '.join(registered) or 'none'}).")
