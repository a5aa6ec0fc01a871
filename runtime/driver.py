"""The driver protocol and the process-wide driver registry.

Drivers register themselves at import time, exactly as the contract writes it::

    DriverRegistry.register("postgres.extractor", PostgresExtractorDriver())

The registry is process-wide because that is how the contract's import-time
registration works; tests swap in a fresh one with ``DriverRegistry.isolated()``
so that registrations never leak from one test into another.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from ..contract.targets import Target
from .errors import DriverNotFoundError, RegistryError

__all__ = ["Driver", "DriverFactory", "DriverRegistry", "Registration", "Registry", "check_key"]

KEY_PATTERN = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


@runtime_checkable
class Driver(Protocol):
    """What the runner calls. It always passes the arguments by keyword, so a
    keyword-only ``run(self, *, step_id, config, inputs=None, ctx=None)`` works too."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        """Execute one pipeline step and return ``{"df": DataFrame}`` or ``{}``."""


DriverFactory = Callable[[], Driver]


@dataclass(frozen=True)
class Registration:
    """One registry entry: a shared driver instance or a zero-argument factory."""

    key: str
    target: Driver | DriverFactory
    origin: str  # "module.QualName" of the driver (or factory), to recognise re-imports
    runtime: Target = Target.CONTRACT  # whose runtime the driver is written for

    def driver(self) -> Driver:
        if _is_driver_instance(self.target):
            return self.target  # type: ignore[return-value]
        built = self.target()  # type: ignore[operator]
        if not _is_driver_instance(built):
            raise RegistryError(
                f"The factory registered as {self.key!r} ({self.origin}) returned "
                f"{type(built).__name__}, which has no run() method; register a driver "
                f"instance, e.g. DriverRegistry.register({self.key!r}, MyDriver())."
            )
        return built


def _is_driver_instance(obj: object) -> bool:
    return not isinstance(obj, type) and callable(getattr(obj, "run", None))


def _origin(target: object) -> str:
    """Module-qualified name of what was registered: equal across re-imports."""
    source = type(target) if _is_driver_instance(target) else target
    module = getattr(source, "__module__", None) or "?"
    name = getattr(source, "__qualname__", None) or type(source).__qualname__
    return f"{module}.{name}"


class Registry:
    """A set of drivers by key. ``DriverRegistry`` forwards to the active one."""

    def __init__(self) -> None:
        self._entries: dict[str, Registration] = {}

    def register(self, key: str, target: Driver | DriverFactory, *,
                 runtime: Target = Target.CONTRACT, origin: str | None = None) -> None:
        """Register ``target`` under ``key``. Drivers registered through a component spec
        pass ``runtime=Target.OSIRIS_PIPELINE`` (the runner then calls them as
        osiris-pipeline does) and their ``origin``, the spec's ``x-runtime.driver``."""
        check_key(key)
        if not (_is_driver_instance(target) or callable(target)):
            raise RegistryError(
                f"Cannot register {target!r} as {key!r}: pass a driver instance "
                f"(an object with a run() method) or a zero-argument factory that returns one."
            )
        entry = Registration(key, target, origin or _origin(target), runtime)
        taken = self._entries.get(key)
        if taken is not None and taken.origin != entry.origin:
            raise RegistryError(
                f"Driver key {key!r} is already registered to {taken.origin}; "
                f"{entry.origin} cannot take it too. Give one of them another key."
            )
        # Same origin: the module was imported again; the newest definition wins.
        self._entries[key] = entry

    def get(self, key: str) -> Driver:
        return self.registration(key).driver()

    def registration(self, key: str) -> Registration:
        entry = self._entries.get(key)
        if entry is None:
            raise DriverNotFoundError(self.missing_message(key))
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def keys(self) -> list[str]:
        return sorted(self._entries)

    def registrations(self) -> list[Registration]:
        return [self._entries[key] for key in self.keys()]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def missing_message(self, key: str) -> str:
        """Why ``key`` cannot be found: the registered keys and the closest one."""
        if not self._entries:
            return (
                f"No driver is registered as {key!r}, and no driver is registered at all: "
                f"load your driver modules first (osiris-run --drivers PATH)."
            )
        closest = difflib.get_close_matches(key, self.keys(), n=1)
        hint = f" Did you mean {closest[0]!r}?" if closest else ""
        return (
            f"No driver is registered as {key!r}.{hint} "
            f"Registered: {', '.join(self.keys())}."
        )


def check_key(key: object) -> None:
    """Reject keys that are not ``family.type`` in lowercase letters, digits and ``_``."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise RegistryError(
            f"Invalid driver key {key!r}: a key is 'family.type' in lowercase letters, "
            f"digits and '_', e.g. 'postgres.extractor'."
        )


class DriverRegistry:
    """The process-wide registry, used as the contract writes it (class-level calls)."""

    _stack: ClassVar[list[Registry]] = [Registry()]

    @classmethod
    def active(cls) -> Registry:
        return cls._stack[-1]

    @classmethod
    def register(cls, key: str, driver: Driver | DriverFactory) -> None:
        """Register a driver instance (the contract's form) or a zero-argument factory."""
        cls.active().register(key, driver)

    @classmethod
    def get(cls, key: str) -> Driver:
        return cls.active().get(key)

    @classmethod
    def list_drivers(cls) -> list[str]:
        return cls.active().keys()

    @classmethod
    def unregister(cls, key: str) -> None:
        cls.active().unregister(key)

    @classmethod
    @contextmanager
    def isolated(cls, registry: Registry | None = None) -> Iterator[Registry]:
        """Route every registration inside the block to a fresh, empty registry (or to
        ``registry``, e.g. one that observes registrations for the contract check)."""
        fresh = registry if registry is not None else Registry()
        cls._stack.append(fresh)
        try:
            yield fresh
        finally:
            cls._stack.remove(fresh)
