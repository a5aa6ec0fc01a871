"""Registration problems, seen while the driver modules are imported.

``ObservingRegistry`` stands in for the registry during the import. Where the
real registry would raise (a malformed key, a key already taken, something that
is no driver) and so end the module's import with a RegistryError, it records a
finding and lets the import go on, so every problem of the module is reported.
Afterwards, ``unregistered_drivers`` finds the driver classes that registered
nothing (OSD003)."""

from __future__ import annotations

import abc
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...contract.targets import Target
from .. import driver as driver_module
from ..driver import Registry, check_key
from ..errors import RegistryError
from .category import category_from_class, category_from_file, category_from_key
from .model import Finding, Rule

UNREGISTERED = Rule.of("OSD003")
REGISTRATION_FORM = Rule.of("OSD004")
DUPLICATE = Rule.of("OSD005")
_REGISTRY_FILES = {Path(driver_module.__file__).resolve(), Path(__file__).resolve()}


@dataclass(frozen=True)
class RegistrationCall:
    key: Any
    target: Any
    site: str  # "path:line" of the DriverRegistry.register(...) call


class ObservingRegistry(Registry):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[RegistrationCall] = []
        self.findings: list[Finding] = []
        self._first_site: dict[str, str] = {}

    def register(self, key: Any, target: Any, *, runtime: Target = Target.CONTRACT,
                 origin: str | None = None) -> None:
        """A component spec's factory (``runtime`` osiris-pipeline, registered by the
        kit itself) has no form to judge; its key may still be taken twice."""
        call = RegistrationCall(key, target, _call_site())
        self.calls.append(call)
        problem = _form_problem(key, target) if runtime is Target.CONTRACT else None
        if problem:
            self.findings.append(REGISTRATION_FORM.finding(
                str(key), f"{problem}.", 'DriverRegistry.register("family.type", MyDriver()): a '
                'lowercase family.type key and a fresh instance of the driver class.', call.site))
            if not _accepted_by_runtime(key, target):
                return
        first = self._first_site.setdefault(key, call.site)
        if first != call.site:
            expected = "one registration per key; give one of the drivers another key."
            self.findings += [DUPLICATE.finding(key, f"{key!r} is registered here and at {other}.",
                                                expected, site)
                              for site, other in ((first, call.site), (call.site, first))]
            return
        super().register(key, target, runtime=runtime, origin=origin)


def _malformed(key: Any) -> bool:
    try:
        check_key(key)
    except RegistryError:
        return True
    return False


def _accepted_by_runtime(key: Any, target: Any) -> bool:
    """A well-formed key and a driver instance or factory (a class is one): checkable."""
    return not _malformed(key) and (callable(getattr(target, "run", None)) or callable(target))


def _form_problem(key: Any, target: Any) -> str | None:
    if _malformed(key):
        return f"the key {key!r} is not 'family.type' in lowercase letters, digits and '_'"
    if isinstance(target, type):
        return (f"{key!r} registers the class {target.__name__} itself, not an instance "
                f"{target.__name__}()")
    if not callable(getattr(target, "run", None)):
        return f"{key!r} registers {target!r}, which has no run() method"
    declared = category_from_key(key)
    own = category_from_file(_file_name(type(target))) or category_from_class(type(target).__name__)
    if declared and own and declared != own:
        return f"{key!r} says {declared}, but {type(target).__name__} is a {own}"
    return None


def unregistered_drivers(module_names: list[str], calls: list[RegistrationCall],
                         named: frozenset[str] = frozenset()) -> list[Finding]:
    """Driver classes defined in the imported modules that no registration used and
    no component spec names (``named``: ``module.Class`` of each x-runtime.driver)."""
    used = {id(c.target if isinstance(c.target, type) else type(c.target)) for c in calls}
    findings = []
    for module_name in module_names:
        module = sys.modules.get(module_name)
        for cls in _driver_classes(module):
            if id(cls) not in used and f"{cls.__module__}.{cls.__qualname__}" not in named:
                findings.append(UNREGISTERED.finding(
                    cls.__name__, f"{cls.__name__} defines run() but registered nothing at import.",
                    f'DriverRegistry.register("family.type", {cls.__name__}()) at module level '
                    f"after the class.", _class_site(cls)))
    return findings


def _driver_classes(module: Any) -> list[type]:
    if module is None:
        return []
    file_name = _file_name(module) or ""
    return [cls for name, cls in vars(module).items()
            if isinstance(cls, type) and cls.__module__ == module.__name__
            and callable(getattr(cls, "run", None))
            and (name.endswith("Driver") or file_name.endswith("_driver.py"))
            and not name.startswith(("Base", "Abstract"))
            and not issubclass(cls, abc.ABC) and not inspect.isabstract(cls)
            and not getattr(cls, "_is_protocol", False)]


def _file_name(obj: Any) -> str | None:
    try:
        return Path(inspect.getfile(obj)).name
    except (TypeError, OSError):
        return None


def _class_site(cls: type) -> str | None:
    try:
        return f"{inspect.getsourcefile(cls)}:{inspect.getsourcelines(cls)[1]}"
    except (TypeError, OSError):
        return None


def _call_site() -> str:
    frame = sys._getframe(1)
    while frame.f_back is not None and Path(frame.f_code.co_filename).resolve() in _REGISTRY_FILES:
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
