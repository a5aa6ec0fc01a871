"""``osiris.core.driver`` for contract-style drivers, only where nothing else provides it.

Drivers written to the contract start with ``from osiris.core.driver import
DriverRegistry``. The ``osiris`` package belongs to osiris-pipeline, so the kit installs
nothing under that name (installing it overwrote osiris-pipeline's files). Instead the
kit's entry points (``osiris-run``, ``osiris-run check``, the pytest plugin) call
:func:`install`, which appends a finder to the *end* of ``sys.meta_path``. Python asks it
only after every other finder has failed, so an installed osiris-pipeline, or an
``osiris`` folder on ``sys.path``, always wins; the finder fills in just the modules
``osiris``, ``osiris.core`` and ``osiris.core.driver`` that nothing else provides, and
``osiris.core.driver`` then re-exports the kit's registry (:mod:`.driver`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Iterator
from types import ModuleType

from . import driver as kit_driver

PACKAGES = ("osiris", "osiris.core")
DRIVER_MODULE = "osiris.core.driver"


class _FallbackLoader(importlib.abc.Loader):
    """Empty packages for ``osiris`` and ``osiris.core``; the kit's registry API for
    ``osiris.core.driver``."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        if module.__name__ == DRIVER_MODULE:
            exported = {name: getattr(kit_driver, name) for name in kit_driver.__all__}
            module.__dict__.update(exported)
            module.__all__ = list(kit_driver.__all__)
            module.__doc__ = f"Provided by osiris-driver-kit: {kit_driver.__name__}."
        else:
            module.__doc__ = "Provided by osiris-driver-kit: osiris-pipeline is not installed."


class _FoldersOnSysPath:
    """The ``__path__`` of a fallback package: its folders on ``sys.path`` *now*, looked
    up on every import as a namespace package's path is. So an ``osiris`` folder that
    joins ``sys.path`` later (an osiris-pipeline checkout whose drivers a component spec
    names) still provides ``osiris.drivers`` after a contract driver made ``osiris``."""

    def __init__(self, package: str) -> None:
        self._parts = package.split(".")

    def __iter__(self) -> Iterator[str]:
        for entry in list(sys.path):
            folder = os.path.join(entry or os.curdir, *self._parts)
            if os.path.isdir(folder):
                yield folder

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"_FoldersOnSysPath({'.'.join(self._parts)!r})"


class OsirisFallbackFinder(importlib.abc.MetaPathFinder):
    """Answers for the three contract modules when no other finder could."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in PACKAGES:
            spec = importlib.machinery.ModuleSpec(fullname, _FallbackLoader(), is_package=True)
            spec.submodule_search_locations = _FoldersOnSysPath(fullname)  # type: ignore[assignment]
            return spec
        if fullname == DRIVER_MODULE:
            return importlib.machinery.ModuleSpec(fullname, _FallbackLoader())
        return None


def install() -> None:
    """Make ``osiris.core.driver`` importable for contract-style drivers (idempotent)."""
    if not any(isinstance(finder, OsirisFallbackFinder) for finder in sys.meta_path):
        sys.meta_path.append(OsirisFallbackFinder())


def provided_by_kit(module_name: str = DRIVER_MODULE) -> bool:
    """True when ``module_name`` was imported through this fallback (osiris-pipeline absent)."""
    module = sys.modules.get(module_name)
    return module is not None and isinstance(getattr(module, "__loader__", None), _FallbackLoader)
