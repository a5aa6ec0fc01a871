"""Issue 12's harness: the generated writer and extractor of each backend, in-process,
against a fresh target (a table on the real servers, a file for SQLite, DuckDB and CSV).

`store` gives one target per test; `store.write(df, mode)` runs the generated writer
and returns its metrics, `store.read()` runs the generated extractor and returns its
frame. Tests compare what comes back with what went in."""

from __future__ import annotations

import importlib
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from osiris_driver_kit.contract.targets import Target
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.rendering import Request

BACKENDS = ("postgres", "mysql", "sqlite", "duckdb", "csv")


class Ctx:
    """What the contract's ctx gives a driver; the metrics are kept."""

    def __init__(self) -> None:
        self.metrics: dict[str, Any] = {}
        self.events: list[tuple[str, Any]] = []

    def log_metric(self, name, value, **tags):
        self.metrics[name] = value

    def log_event(self, name, data=None, **kwargs):
        self.events.append((name, data))


@dataclass
class Store:
    """One target of one backend: where the writer writes and the extractor reads."""

    backend: str
    drivers: dict[str, Any]  # category -> generated module
    target: dict  # the step config naming the target (table or path, connection)
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    @property
    def table(self) -> str | None:
        return self.target.get("table")

    @property
    def path(self) -> Path | None:
        return Path(self.target["path"]) if "path" in self.target else None

    def driver(self, category: str):
        module = self.drivers[category]
        return getattr(module, next(name for name in dir(module) if name.endswith("Driver")
                                    and isinstance(getattr(module, name), type)))()

    def write(self, df: pd.DataFrame, mode: str = "append", **config) -> dict:
        """Run the generated writer; return the metrics it logged."""
        ctx = Ctx()
        step = {**self.target, "write_mode": mode, **config}
        self.driver("writer").run("write", step, {"df": df}, ctx)
        return ctx.metrics

    def read(self, **config) -> pd.DataFrame:
        """Run the generated extractor on the target (or on `query`)."""
        step = {**self.target, **config}
        if "query" in config:
            step.pop("table", None)
        return self.driver("extractor").run("read", step, None, Ctx())["df"]


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """backend -> {"extractor": module, "writer": module}, generated once."""
    root = tmp_path_factory.mktemp("exactness")
    package = f"exact_{uuid.uuid4().hex[:8]}"
    for backend in BACKENDS:
        for category in ("extractor", "writer"):
            # A family of its own: the registry keys differ from other tests' drivers.
            generate(Request(category, backend, f"exact_{backend}", root / package,
                             root / "tests", root / "components", Target.CONTRACT))
    sys.path.insert(0, str(root))
    try:
        yield {backend: {category: importlib.import_module(
            f"{package}.exact_{backend}_{category}_driver") for category in ("extractor", "writer")}
            for backend in BACKENDS}
    finally:
        sys.path.remove(str(root))


def _postgres_store(request, drivers, tmp_path) -> Store:
    import psycopg

    settings = request.getfixturevalue("postgres_settings")
    table = f"exact_{uuid.uuid4().hex[:10]}"
    connection = {**{k: v for k, v in settings.items() if k != "dbname"},
                  "database": settings["dbname"]}
    store = Store("postgres", drivers, {"table": table, "resolved_connection": connection})

    def drop() -> None:
        with psycopg.connect(**settings, autocommit=True) as conn:
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')
    store.cleanup.append(drop)
    return store


def _mysql_store(request, drivers, tmp_path) -> Store:
    import pymysql

    settings = request.getfixturevalue("mysql_settings")
    table = f"exact_{uuid.uuid4().hex[:10]}"
    store = Store("mysql", drivers, {"table": table, "resolved_connection": dict(settings)})

    def drop() -> None:
        conn = pymysql.connect(**settings)
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS `{table}`")
            conn.commit()
        finally:
            conn.close()
    store.cleanup.append(drop)
    return store


def _file_database_store(backend: str, suffix: str):
    def make(request, drivers, tmp_path) -> Store:
        path = tmp_path / f"exact{suffix}"
        return Store(backend, drivers, {"table": "exact",
                                        "resolved_connection": {"path": str(path)}})
    return make


def _csv_store(request, drivers, tmp_path) -> Store:
    return Store("csv", drivers, {"path": str(tmp_path / "exact.csv")})


STORES = {
    "postgres": _postgres_store,
    "mysql": _mysql_store,
    "sqlite": _file_database_store("sqlite", ".sqlite"),
    "duckdb": _file_database_store("duckdb", ".duckdb"),
    "csv": _csv_store,
}


def make_store(backend: str, request, generated, tmp_path) -> Store:
    return STORES[backend](request, generated[backend], tmp_path)


@pytest.fixture
def store_of(request, generated, tmp_path):
    """A factory: store_of("postgres") -> a fresh Store, dropped after the test."""
    made: list[Store] = []

    def factory(backend: str) -> Store:
        folder = tmp_path / f"{backend}{len(made)}"
        folder.mkdir()
        store = make_store(backend, request, generated, folder)
        made.append(store)
        return store

    yield factory
    for store in made:
        for step in store.cleanup:
            step()
