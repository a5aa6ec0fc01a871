"""What a whole-module rule gathers during the engine's walk of one file, for its
``check_file``: one rule instance lints many files, one after the other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from ..engine.rule import FileContext

T = TypeVar("T")


class PerFile(Generic[T]):
    """``gathered(file)`` is the same object for the whole of one file and a fresh
    ``factory()`` for the next; ``take(file)`` hands it over and forgets it."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._file: FileContext | None = None  # kept alive, so identity is unambiguous
        self._data: T | None = None

    def __call__(self, file: FileContext) -> T:
        if file is not self._file:
            self._file, self._data = file, self._factory()
        return self._data

    def take(self, file: FileContext) -> T | None:
        data = self._data if file is self._file else None
        self._file, self._data = None, None
        return data
