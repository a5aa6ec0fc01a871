"""Watch the database clients' ``connect`` functions while a driver runs.

The check must know whether a driver opened a connection (OSD023: a missing
config key must fail before that) and which embedded database it reads (OSD031:
the write statement is tried on a copy of it). So during a run the module-level
``connect`` of sqlite3, duckdb, psycopg, psycopg2 and pymysql is wrapped: each
call is recorded, sqlite/duckdb files can be redirected to a copy, and sqlite
connections trace the statements they execute. A driver that bound ``connect``
to another name at import time (``from sqlite3 import connect``) is not seen.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CLIENTS = ("sqlite3", "duckdb", "psycopg", "psycopg2", "pymysql")
EMBEDDED = ("sqlite3", "duckdb")


@dataclass(frozen=True)
class ConnectCall:
    client: str  # "sqlite3", "duckdb", ...
    database: Path | None  # the file of an embedded database, as the driver named it

    def describe(self) -> str:
        return f"{self.client}.connect({str(self.database) if self.database else '...'})"


@dataclass
class ConnectSpy:
    """Context manager; ``redirect`` maps database files to the copies to open instead."""

    redirect: dict[Path, Path] = field(default_factory=dict)
    calls: list[ConnectCall] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # executed on sqlite connections
    _originals: list[tuple[Any, Any]] = field(default_factory=list)

    def __enter__(self) -> ConnectSpy:
        for module in _client_modules():
            original = module.connect
            module.connect = self._wrap(module.__name__, original)
            self._originals.append((module, original))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for module, original in reversed(self._originals):
            module.connect = original
        self._originals.clear()

    def _wrap(self, client: str, original):
        @functools.wraps(original)
        def connect(*args: Any, **kwargs: Any):
            database = _database_file(client, args, kwargs)
            self.calls.append(ConnectCall(client, database))
            if database is not None and database.resolve() in self.redirect:
                args, kwargs = _pointed_at(client, self.redirect[database.resolve()], args, kwargs)
            connection = original(*args, **kwargs)
            if client == "sqlite3":
                connection.set_trace_callback(self.statements.append)
            return connection
        return connect


@functools.lru_cache(maxsize=1)
def _client_modules() -> tuple[Any, ...]:
    """The installed client modules (imported now, so a driver's own import sees the wrapper)."""
    return tuple(importlib.import_module(name) for name in CLIENTS
                 if importlib.util.find_spec(name) is not None)


def _database_argument(args: tuple, kwargs: dict) -> Any:
    return args[0] if args else kwargs.get("database")


def _database_file(client: str, args: tuple, kwargs: dict) -> Path | None:
    if client not in EMBEDDED:
        return None
    target = _database_argument(args, kwargs)
    if target is None:
        return None
    text = str(target)
    if client == "sqlite3" and kwargs.get("uri") and text.startswith("file:"):
        text = urlsplit(text).path
    if not text or text == ":memory:" or text.startswith(("md:", "motherduck:")):
        return None
    return Path(text)


def _pointed_at(client: str, copy: Path, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    target = str(_database_argument(args, kwargs))
    if client == "sqlite3" and kwargs.get("uri") and target.startswith("file:"):
        query = urlsplit(target).query
        replacement: Any = f"file:{copy}" + (f"?{query}" if query else "")
    else:
        replacement = str(copy)
    if args:
        return (replacement, *args[1:]), kwargs
    return args, {**kwargs, "database": replacement}
