"""Find the DataFrames a driver keeps: reachable from its instance, its class or
its module. A registered driver is one shared instance, so a frame still held
there after a run is state that outlives the run (OSD022).

The walk follows what a driver module can hold on to: dicts, lists, tuples,
sets, instances and functions of the driver's own module (with their defaults
and closures), and the caches of ``functools`` (``lru_cache``, ``cache``,
``cached_property``). It does not wander into other modules or libraries."""

from __future__ import annotations

import collections
import gc
import sys
import types
from dataclasses import dataclass
from typing import Any

import pandas as pd

_LIMIT = 50_000  # objects visited at most: a driver module's reach is far smaller
_CONTAINERS = (dict, list, tuple, set, frozenset, collections.deque, types.MappingProxyType)


@dataclass(frozen=True)
class HeldFrame:
    path: str  # where it is held, e.g. "module global _CACHE['orders']"
    frame: Any  # the DataFrame or Series itself (kept, so that its id stays unique)

    def describe(self) -> str:
        return f"{self.path} ({type(self.frame).__name__} of {len(self.frame)} rows)"


def held_frames(instance: Any, cls: type) -> list[HeldFrame]:
    """Every DataFrame/Series reachable from ``instance`` (may be None), ``cls`` and
    the classes of its module in its MRO, and the module's globals."""
    module_name = cls.__module__
    module = sys.modules.get(module_name)
    roots: list[tuple[str, Any]] = []
    if instance is not None:
        roots.append(("self", instance))
    roots += [(base.__qualname__, base) for base in cls.__mro__ if base.__module__ == module_name]
    if module is not None:
        roots.append(("module global", vars(module)))
    return _Walk(module_name).run(roots)


class _Walk:
    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.seen: set[int] = set()
        self.found: list[HeldFrame] = []

    def run(self, roots: list[tuple[str, Any]]) -> list[HeldFrame]:
        stack = list(reversed(roots))
        while stack and len(self.seen) < _LIMIT:
            path, obj = stack.pop()
            if id(obj) in self.seen:
                continue
            self.seen.add(id(obj))
            if isinstance(obj, (pd.DataFrame, pd.Series)):
                self.found.append(HeldFrame(path, obj))
                continue
            stack.extend(reversed(list(self._children(path, obj))))
        return self.found

    def _children(self, path: str, obj: Any):
        if isinstance(obj, type):
            if obj.__module__ == self.module_name:
                yield from ((f"class attribute {obj.__qualname__}.{name}", value)
                            for name, value in vars(obj).items() if not _is_dunder(name))
        elif isinstance(obj, (dict, types.MappingProxyType)):
            separator = " " if path == "module global" else ""
            for key, value in list(obj.items()):
                if not (isinstance(value, types.ModuleType) or _is_dunder(key)):
                    label = key if separator else f"[{key!r}]"
                    yield f"{path}{separator}{label}", value
        elif isinstance(obj, _CONTAINERS):
            yield from ((f"{path}[{i}]", item) for i, item in enumerate(list(obj)))
        elif isinstance(obj, types.FunctionType):
            if obj.__module__ == self.module_name:
                yield f"{path} (default arguments)", obj.__defaults__ or ()
                yield f"{path} (keyword defaults)", obj.__kwdefaults__ or {}
                yield from ((f"{path} (closure)", c.cell_contents)
                            for c in obj.__closure__ or () if _filled(c))
        elif isinstance(obj, (types.MethodType, staticmethod, classmethod)):
            yield path, obj.__func__
        elif type(obj).__module__ == "functools":  # lru_cache / cache / cached_property
            yield from ((f"{path} (cache)", r) for r in gc.get_referents(obj)
                        if not isinstance(r, (type, types.ModuleType)))
        elif type(obj).__module__ == self.module_name and hasattr(obj, "__dict__"):
            yield from ((f"{path}.{name}", value) for name, value in vars(obj).items())


def _is_dunder(key: object) -> bool:
    return isinstance(key, str) and key.startswith("__") and key.endswith("__")


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True
