"""A driver as it is right after import, for comparison with the shared instance
that has already run (OSD022): the driver's module is executed again as a new,
unlisted module object, so its globals, its classes and the instance it
registers are all new. Registrations it makes land in a throwaway registry."""

from __future__ import annotations

import importlib.util
from typing import Any

from ..driver import DriverRegistry


class FreshDriverUnavailable(Exception):
    """Why no fresh copy of a driver could be made (the reason is the message)."""


def fresh_driver(cls: type, key: str | None) -> Any:
    module_name, qualname = cls.__module__, cls.__qualname__
    if "<locals>" in qualname:
        raise FreshDriverUnavailable(f"{qualname} is defined inside a function")
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError) as error:
        raise FreshDriverUnavailable(f"module {module_name} cannot be found again: {error}") from None
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        raise FreshDriverUnavailable(f"module {module_name} cannot be loaded again from source")
    module = importlib.util.module_from_spec(spec)
    with DriverRegistry.isolated() as registry:
        try:
            spec.loader.exec_module(module)
        except Exception as error:  # whatever stops the module from loading twice
            raise FreshDriverUnavailable(
                f"loading {module_name} a second time failed ({type(error).__name__}: {error})"
            ) from None
        origin = f"{module_name}.{qualname}"
        registered = sorted((r for r in registry.registrations() if r.origin == origin),
                            key=lambda r: r.key != key)  # its own key first
        if registered:
            return registered[0].driver()
    return _construct(module, qualname)


def _construct(module: Any, qualname: str) -> Any:
    target: Any = module
    for part in qualname.split("."):
        target = getattr(target, part)
    try:
        return target()
    except TypeError as error:
        raise FreshDriverUnavailable(
            f"{qualname} is not registered by its own module and cannot be built without "
            f"arguments ({error})"
        ) from None
