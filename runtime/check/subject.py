"""The driver under check: its class, key, category, where its ``run`` is, and how
the runner gets it (the shared registered instance, or a factory's new one)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...contract.targets import Target
from ..driver import Registration
from .category import category_of


@dataclass(frozen=True)
class DriverUnderCheck:
    name: str  # the registry key, or the class name when checked without one
    key: str | None
    cls: type
    make: Callable[[], Any]  # what the runner calls for each step
    shared: Any  # the one registered instance, None for a factory
    # Whose runtime calls it: osiris-pipeline's gives a ctx without log_event and
    # inputs["df_<step id>"] without inputs["df"].
    runtime: Target = Target.CONTRACT

    @classmethod
    def registered(cls, registration: Registration) -> DriverUnderCheck:
        driver = registration.driver()
        shared = driver if driver is registration.target else None
        return cls(registration.key, registration.key, type(driver), registration.driver, shared,
                   registration.runtime)

    @classmethod
    def instance(cls, driver: Any, key: str | None = None) -> DriverUnderCheck:
        return cls(key or type(driver).__name__, key, type(driver), lambda: driver, driver)

    @property
    def category(self) -> str | None:
        return category_of(self.file.name if self.file else None, self.key, self.cls.__name__)

    @property
    def file(self) -> Path | None:
        try:
            return Path(inspect.getfile(self.cls))
        except (TypeError, OSError):  # built in, or defined where no file is known
            return None

    @property
    def location(self) -> str | None:
        """``path:line`` of ``def run``, where run-time findings point."""
        code = getattr(getattr(self.cls, "run", None), "__code__", None)
        if code is None:
            return str(self.file) if self.file else None
        return f"{code.co_filename}:{code.co_firstlineno}"
