"""Import every driver module under a path or dotted package, so that their
import-time ``DriverRegistry.register(...)`` calls run.

A module that fails to import is reported with its file, line and error, and
the others still load: one broken driver must not hide the rest.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import osiris_fallback
from .errors import OsirisError

SKIPPED_DIRS = {"__pycache__", "build", "dist", "site-packages", "node_modules"}


@dataclass(frozen=True)
class ImportFailure:
    module: str
    path: Path | None
    line: int | None
    error: str  # "ExceptionType: message"

    def describe(self) -> str:
        where = str(self.path) if self.path else self.module
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: cannot import {self.module}: {self.error}"


@dataclass
class DiscoveryResult:
    modules: list[str] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)


def load_drivers(target: str | Path) -> DiscoveryResult:
    """Import the modules under ``target``: a file, a folder, or a dotted package name."""
    osiris_fallback.install()
    path = Path(target)
    if path.exists():
        return _import_all(_modules_under_path(path.resolve()))
    if isinstance(target, str) and all(part.isidentifier() for part in target.split(".")):
        return _import_all(_modules_in_package(target))
    raise OsirisError(
        f"Driver path {str(target)!r} is neither an existing file or folder nor a dotted "
        f"package name; pass the folder that holds your *_driver.py files (e.g. --drivers drivers/)."
    )


def is_test_file(path: Path) -> bool:
    name = path.name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _modules_under_path(path: Path) -> list[tuple[str, Path | None]]:
    files = [path] if path.is_file() else sorted(_python_files(path))
    modules = []
    for file in files:
        root, name = _module_name(file)
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        modules.append((name, file))
    return modules


def _python_files(folder: Path):
    for entry in folder.iterdir():
        if entry.is_dir():
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS or _is_virtualenv(entry):
                continue
            yield from _python_files(entry)
        elif entry.suffix == ".py" and not is_test_file(entry):
            yield entry


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").exists()


def _module_name(file: Path) -> tuple[Path, str]:
    """The sys.path root and dotted name under which ``file`` imports, honouring packages."""
    parts = [] if file.name == "__init__.py" else [file.stem]
    folder = file.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def _modules_in_package(package: str) -> list[tuple[str, Path | None]]:
    forget_module(package)
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError) as exc:
        spec = None
        reason = _summary(exc)
    else:
        reason = "no such module"
    if spec is None:
        raise OsirisError(
            f"Cannot find driver package {package!r} ({reason}); pass a folder path or a "
            f"package importable from the current environment."
        )
    origin = Path(spec.origin) if spec.origin and spec.has_location else None
    modules: list[tuple[str, Path | None]] = [(package, origin)]
    modules += _submodules(package, spec.submodule_search_locations or [])
    return modules


def _submodules(package: str, locations: list[str]) -> list[tuple[str, Path | None]]:
    """Walk a package on disk without importing it (pkgutil.walk_packages would)."""
    found: list[tuple[str, Path | None]] = []
    for info in pkgutil.iter_modules(locations):
        if is_test_file(Path(info.name + ".py")):
            continue
        name = f"{package}.{info.name}"
        found.append((name, None))
        if info.ispkg:
            found += _submodules(name, [str(Path(info.module_finder.path) / info.name)])
    return found


def _import_all(modules: list[tuple[str, Path | None]]) -> DiscoveryResult:
    result = DiscoveryResult()
    for name, _ in modules:
        forget_module(name)
    for name, file in modules:
        try:
            importlib.import_module(name)
        except (Exception, SystemExit) as exc:
            result.failures.append(failure_of(name, file, exc))
        else:
            result.modules.append(name)
    return result


def forget_module(name: str) -> None:
    """Drop a module so that importing it runs its registrations again."""
    for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[loaded]


def failure_of(name: str, file: Path | None, exc: BaseException) -> ImportFailure:
    frames = traceback.extract_tb(exc.__traceback__)
    file = file or _file_of(sys.modules.get(name))
    line = None
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = Path(exc.filename), exc.lineno
    else:
        own = [f for f in frames if file and Path(f.filename) == file]
        line = own[-1].lineno if own else None
    return ImportFailure(name, file, line, _summary(exc))


def _summary(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}{_registry_hint(exc)}"


def _registry_hint(exc: BaseException) -> str:
    """Why an import-time registration fails when osiris-pipeline is installed."""
    if not (isinstance(exc, TypeError) and "register()" in str(exc)
            and "osiris.core.driver" in sys.modules and not osiris_fallback.provided_by_kit()):
        return ""
    return (" (osiris-pipeline is installed, and its DriverRegistry.register is an instance "
            "method taking a factory: register this driver through a component spec, "
            "components/<key>/spec.yaml with x-runtime.driver: package.module.Class, and "
            "pass --components; or run it where osiris-pipeline is not installed)")


def _file_of(module) -> Path | None:
    location = getattr(module, "__file__", None)
    return Path(location) if location else None
