"""Scratch storage on a database server (PostgreSQL, MySQL/MariaDB) for a scenario that
asks for it (``scratch``, see ``scenario.py``): the check's own tables, created on the
scenario's server before the runs and dropped after them, whatever ends them.

PostgreSQL gets a schema ``osiris_check_<random>``; MySQL/MariaDB a database of that
name, or, where the user may not create one, tables prefixed ``osiris_check_<random>_``
in the connection's database. Extractors read the fixture's frames (``fixtures.py``)
from its tables; a writer's ``table`` is moved into it (an empty copy of the real
table's structure when that table exists). Nothing the scenario names is ever written.
The embedded databases' counterpart is ``databases.py``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

import pandas as pd

from .fixtures import EMPTY_TABLE, OTHER_TABLE, ROWS_TABLE, WRITTEN_TABLE, input_frame, other_frame
from .scenario import Scenario
from .subject import DriverUnderCheck

PREFIX = "osiris_check_"
QUERY_KEYS = ("query", "sql")
CONNECT_TIMEOUT = 5  # seconds, unless the scenario's connection says otherwise
LOCK_TIMEOUT = 10  # seconds a DROP waits for a lock a driver left behind


@dataclass(frozen=True)
class Server:
    title: str
    client: str
    default_port: int


SERVERS = {"postgres": Server("PostgreSQL", "psycopg", 5432),
           "mysql": Server("MySQL/MariaDB", "pymysql", 3306)}
# The client modules a driver module imports, and the names in its key or class name.
_CLIENTS = {"psycopg": "postgres", "psycopg2": "postgres", "pymysql": "mysql",
            "MySQLdb": "mysql", "mysql": "mysql"}
_NAMES = (("postgres", "postgres"), ("supabase", "postgres"), ("mysql", "mysql"),
          ("mariadb", "mysql"))


class ServerUnavailable(Exception):
    """The scratch storage could not be made; the message says why and what to set."""


def server_backend(subject: DriverUnderCheck) -> str | None:
    """``postgres`` or ``mysql`` when the driver's module imports their client (or its
    key or class name names one); None for anything else."""
    module = sys.modules.get(subject.cls.__module__)
    for value in vars(module).values() if module is not None else ():
        name = value.__name__ if isinstance(value, ModuleType) else \
            getattr(value, "__module__", None)
        backend = _CLIENTS.get(name.split(".")[0]) if isinstance(name, str) else None
        if backend:
            return backend
    names = f"{subject.key or ''} {subject.cls.__name__}".lower()
    return next((backend for word, backend in _NAMES if word in names), None)


def wants_scratch(scenario: Scenario, subject: DriverUnderCheck, backend: str | None) -> bool:
    """``scratch: true``, or by default a writer of a known server: its scenario's
    table is never the one written."""
    if scenario.scratch is not None:
        return scenario.scratch
    return subject.category == "writer" and backend is not None


@dataclass
class ScratchOutcome:
    """What happened to the scratch storage, read after the runs."""

    name: str | None = None
    kind: str = "schema"  # "schema", "database" or "table prefix"
    server: str = ""  # "PostgreSQL at 127.0.0.1:5432"
    left_behind: str | None = None  # why it could not be dropped

    def describe(self) -> str:
        return f"the scratch {self.kind} {self.name} of {self.server}"


@contextmanager
def scratch_scenario(scenario: Scenario, subject: DriverUnderCheck, backend: str | None,
                     outcome: ScratchOutcome) -> Iterator[Scenario]:
    """The scenario pointed at fresh scratch storage on its server, dropped on leaving
    (an exception or an interruption too). ServerUnavailable when it cannot be made."""
    if backend is None:
        raise ServerUnavailable(
            f"{scenario.origin} asks for scratch storage, which the check makes on PostgreSQL "
            f"and MySQL/MariaDB only, and {subject.cls.__name__} imports neither psycopg nor "
            f"pymysql; remove 'scratch: true' and give tables the check may use")
    settings = _settings(scenario.config)
    storage = _connect(backend, settings, scenario)
    outcome.name = storage.name
    outcome.server = f"{SERVERS[backend].title} at {settings.get('host', 'localhost')}:" \
                     f"{settings.get('port', SERVERS[backend].default_port)}"
    try:
        try:
            storage.create()
            outcome.kind = storage.kind
            pointed = (_extractor_scenario(scenario, storage) if subject.category == "extractor"
                       else _writer_scenario(scenario, storage, settings))
        except Exception as error:  # whatever the server refused: the check cannot go on
            raise ServerUnavailable(
                f"the check could not make its scratch {storage.kind} {storage.name} on "
                f"{SERVERS[backend].title} as user {settings.get('user', '?')} "
                f"({type(error).__name__}: {' '.join(str(error).split())}); let the user create "
                f"{'schemas' if backend == 'postgres' else 'databases or tables'}, or "
                f"{_elsewhere(scenario)}") from None
        yield pointed
    finally:
        outcome.left_behind = storage.drop()


def _elsewhere(scenario: Scenario) -> str:
    """How to point the check at another server or user."""
    if scenario.variables:
        return f"point the check at another server or user by setting {', '.join(scenario.variables)}"
    return "change the connection of the scenario in check.yaml"


def _settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The connection settings as drivers read them: ``resolved_connection`` first,
    then the config's own keys."""
    resolved = config.get("resolved_connection")
    resolved = resolved if isinstance(resolved, Mapping) else {}
    keys = ("host", "port", "user", "password", "database", "dbname", "connect_timeout")
    merged = {key: resolved.get(key, config.get(key)) for key in keys}
    if merged["database"] is None:
        merged["database"] = merged["dbname"]
    return {key: value for key, value in merged.items() if value not in (None, "")}


def _connect(backend: str, settings: dict[str, Any], scenario: Scenario) -> _Storage:
    server = SERVERS[backend]
    host, port = settings.get("host", "localhost"), int(settings.get("port", server.default_port))
    try:
        return (_PostgresStorage if backend == "postgres" else _MysqlStorage)(settings)
    except ImportError as error:
        raise ServerUnavailable(f"the check needs {server.client} to make scratch storage on "
                                f"{server.title} ({error}); install it") from None
    except Exception as error:  # whatever the client raises: the server cannot be used
        user, database = settings.get("user", "?"), settings.get("database", "?")
        where = f"{server.title} at {host}:{port} (user {user}, database {database})"
        raise ServerUnavailable(f"{where} is not reachable for the check's scratch storage "
                                f"({type(error).__name__}: {' '.join(str(error).split())}); "
                                f"start it, or {_elsewhere(scenario)}") from None


def _extractor_scenario(scenario: Scenario, storage: _Storage) -> Scenario:
    frames = {ROWS_TABLE: input_frame(), OTHER_TABLE: other_frame(),
              EMPTY_TABLE: input_frame()[0:0]}
    for table, frame in frames.items():
        storage.write_table(table, frame)
    key = next((k for k in QUERY_KEYS if isinstance(scenario.config.get(k), str)), "query")

    def reading(table: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
        return {**(overrides or {}), key: f"SELECT * FROM {storage.table(table)}"}

    return replace(
        scenario, config=storage.pointed(reading(ROWS_TABLE, scenario.config)),
        other_config=reading(OTHER_TABLE, scenario.other_config),
        empty_config=reading(EMPTY_TABLE, scenario.empty_config),
        origin=f"{scenario.origin} (scratch {storage.kind} {storage.name})")


def _writer_scenario(scenario: Scenario, storage: _Storage, settings: dict[str, Any]) -> Scenario:
    named = str(scenario.config.get("table") or WRITTEN_TABLE)
    base = named.split(".")[-1]
    storage.copy_structure(named, base, settings)
    config = storage.pointed({**scenario.config, "table": storage.table(base)})
    return replace(scenario, config=config,
                   origin=f"{scenario.origin} (scratch {storage.kind} {storage.name})")


class _Storage:
    """One scratch schema or database (or table prefix) on a server."""

    kind = "schema"

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.name = f"{PREFIX}{secrets.token_hex(6)}"
        self.created = False

    def create(self) -> None:
        raise NotImplementedError

    def table(self, base: str) -> str:
        """How a driver's ``table`` or query names the scratch table ``base``."""
        raise NotImplementedError

    def pointed(self, config: dict[str, Any]) -> dict[str, Any]:
        """``config`` with its connection pointed where ``table`` resolves."""
        return config

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        raise NotImplementedError

    def copy_structure(self, named: str, base: str, settings: dict[str, Any]) -> None:
        raise NotImplementedError

    def drop(self) -> str | None:
        raise NotImplementedError


def _column_type(column: pd.Series, types: tuple[str, str, str]) -> str:
    integer, floating, text = types
    if pd.api.types.is_integer_dtype(column.dtype):
        return integer
    return floating if pd.api.types.is_float_dtype(column.dtype) else text


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """Python values (not numpy's) the clients bind."""
    return [tuple(row) for row in frame.astype(object).to_numpy().tolist()]


class _PostgresStorage(_Storage):
    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.conn = self._open()

    def _open(self) -> Any:
        import psycopg

        settings = self.settings
        return psycopg.connect(
            host=settings.get("host"), port=int(settings.get("port", 5432)),
            user=settings.get("user"), password=settings.get("password"),
            dbname=settings.get("database"), autocommit=True,
            connect_timeout=int(settings.get("connect_timeout", CONNECT_TIMEOUT)))

    def create(self) -> None:
        from psycopg import sql

        self.conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.name)))
        self.created = True

    def table(self, base: str) -> str:
        return f"{self.name}.{base}"

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        from psycopg import sql

        target = sql.Identifier(self.name, name)
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(_column_type(
                frame[c], ("BIGINT", "DOUBLE PRECISION", "TEXT")))) for c in frame.columns)
        self.conn.execute(sql.SQL("CREATE TABLE {} ({})").format(target, columns))
        if len(frame):
            marks = sql.SQL(", ").join([sql.Placeholder()] * len(frame.columns))
            with self.conn.cursor() as cursor:
                cursor.executemany(sql.SQL("INSERT INTO {} VALUES ({})").format(target, marks),
                                   _rows(frame))

    def copy_structure(self, named: str, base: str, settings: dict[str, Any]) -> None:
        """An empty copy of the real table (columns, constraints, indexes; no defaults,
        so no sequence of the user's is ever advanced) when it exists."""
        from psycopg import sql

        found = self.conn.execute("SELECT to_regclass(%s)::text", (named,)).fetchone()
        if found and found[0]:
            self.conn.execute(sql.SQL(
                "CREATE TABLE {} (LIKE {} INCLUDING CONSTRAINTS INCLUDING INDEXES)").format(
                sql.Identifier(self.name, base), sql.SQL(found[0])))

    def drop(self) -> str | None:
        if not self.created:
            self._close()
            return None
        from psycopg import sql

        statement = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.name))
        for attempt in (1, 2):  # a broken connection gets one more, fresh
            try:
                if attempt == 2:
                    self._close()
                    self.conn = self._open()
                self.conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}s'")
                self.conn.execute(statement)
                self._close()
                return None
            except Exception as error:  # reported, never raised: the runs' result stands
                problem = f"{type(error).__name__}: {' '.join(str(error).split())}"
        self._close()
        return f"{problem}; drop it with DROP SCHEMA {self.name} CASCADE"

    def _close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # closing a broken connection: nothing left to release
            pass


# MySQL/MariaDB error codes meaning "you may not create a database".
_NOT_ALLOWED = {1044, 1142, 1227}


class _MysqlStorage(_Storage):
    kind = "database"

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.prefix: str | None = None  # set when tables are prefixed instead
        self.conn = self._open()

    def _open(self) -> Any:
        import pymysql

        settings = self.settings
        return pymysql.connect(
            host=settings.get("host"), port=int(settings.get("port", 3306)),
            user=settings.get("user"), password=settings.get("password", ""),
            connect_timeout=int(settings.get("connect_timeout", CONNECT_TIMEOUT)),
            autocommit=True, charset="utf8mb4")

    def _execute(self, statement: str, args: Any = None) -> list[tuple]:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, args)
            return list(cursor.fetchall())

    def create(self) -> None:
        import pymysql

        try:
            self._execute(f"CREATE DATABASE {_quote(self.name)}")
        except (pymysql.err.OperationalError, pymysql.err.ProgrammingError) as error:
            if error.args[0] not in _NOT_ALLOWED or not self.settings.get("database"):
                raise
            self.kind, self.prefix = "table prefix", f"{self.name}_"
        self.created = True

    @property
    def database(self) -> str:
        return self.settings["database"] if self.prefix else self.name

    def table(self, base: str) -> str:
        return f"{self.prefix}{base}" if self.prefix else base

    def pointed(self, config: dict[str, Any]) -> dict[str, Any]:
        """The connection's database becomes the scratch database (tables are unqualified)."""
        if self.prefix:
            return config
        resolved = config.get("resolved_connection")
        if isinstance(resolved, Mapping) or "database" not in config:
            return {**config, "resolved_connection": {**(resolved or {}), "database": self.name}}
        return {**config, "database": self.name}

    def _qualified(self, base: str) -> str:
        return f"{_quote(self.database)}.{_quote(self.table(base))}"

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        columns = ", ".join(f"{_quote(str(c))} {_column_type(frame[c], ('BIGINT', 'DOUBLE', 'LONGTEXT'))}"
                            for c in frame.columns)
        self._execute(f"CREATE TABLE {self._qualified(name)} ({columns})")
        if len(frame):
            marks = ", ".join(["%s"] * len(frame.columns))
            with self.conn.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {self._qualified(name)} VALUES ({marks})",
                                   _rows(frame))

    def copy_structure(self, named: str, base: str, settings: dict[str, Any]) -> None:
        database, _, table = named.rpartition(".")
        database = database or settings.get("database")
        if not database:
            return
        found = self._execute("SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                              "AND table_name = %s", (database, table))
        if found:
            self._execute(f"CREATE TABLE {self._qualified(base)} LIKE "
                          f"{_quote(database)}.{_quote(table)}")

    def drop(self) -> str | None:
        if not self.created:
            self._close()
            return None
        for attempt in (1, 2):
            try:
                if attempt == 2:
                    self._close()
                    self.conn = self._open()
                self._execute(f"SET SESSION lock_wait_timeout = {LOCK_TIMEOUT}")
                if self.prefix:
                    for table in self._prefixed_tables():
                        self._execute(f"DROP TABLE IF EXISTS {_quote(self.database)}.{_quote(table)}")
                else:
                    self._execute(f"DROP DATABASE IF EXISTS {_quote(self.name)}")
                self._close()
                return None
            except Exception as error:  # reported, never raised: the runs' result stands
                problem = f"{type(error).__name__}: {' '.join(str(error).split())}"
        self._close()
        what = (f"the tables {self.prefix}* of {self.database}" if self.prefix
                else f"DROP DATABASE {self.name}")
        return f"{problem}; drop {what} yourself"

    def _prefixed_tables(self) -> list[str]:
        rows = self._execute("SELECT table_name FROM information_schema.tables "
                             "WHERE table_schema = %s", (self.database,))
        return [row[0] for row in rows if str(row[0]).startswith(self.prefix or "\0")]

    def _close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # closing a broken connection: nothing left to release
            pass


def _quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"
