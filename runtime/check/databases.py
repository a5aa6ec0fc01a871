"""The embedded databases (sqlite, duckdb) the check reads and probes: write a
fixture table, copy a database file, take a fingerprint of its schema and row
counts, and prove that a statement really changes it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class EmbeddedDatabase:
    client: str  # "sqlite3" or "duckdb", as in ConnectCall.client
    path: Path

    @contextmanager
    def connection(self) -> Iterator[Any]:
        if self.client == "duckdb":
            import duckdb

            with duckdb.connect(str(self.path)) as conn:
                yield conn
        else:
            with closing(sqlite3.connect(self.path)) as conn:
                yield conn
                conn.commit()

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        with self.connection() as conn:
            if self.client == "duckdb":
                conn.register("osiris_check_frame", frame)
                conn.execute(f"CREATE OR REPLACE TABLE {quote(name)} AS SELECT * FROM osiris_check_frame")
                conn.unregister("osiris_check_frame")
            else:
                frame.to_sql(name, conn, if_exists="replace", index=False)

    def copy_to(self, path: Path) -> EmbeddedDatabase:
        shutil.copyfile(self.path, path)
        return EmbeddedDatabase(self.client, path)

    def row_counts(self) -> dict[str, int]:
        """Row count per table: a change of schema or of row counts shows in it."""
        with self.connection() as conn:
            if self.client == "duckdb":
                names = [r[0] for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
            else:
                names = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()]
            return {name: conn.execute(f"SELECT COUNT(*) FROM {quote(name)}").fetchone()[0]
                    for name in names}

    def changed_by(self, statement: str, scratch: Path) -> bool:
        """Whether ``statement`` changes a copy of this database (made at ``scratch``)."""
        copy = self.copy_to(scratch)
        before = copy.row_counts()
        try:
            with copy.connection() as conn:
                conn.execute(statement)
        except Exception as error:
            if not is_database_error(error):
                raise
            return False  # the engine refused it: it cannot change anything
        return copy.row_counts() != before


def write_probes(database: EmbeddedDatabase) -> list[str]:
    """Statements an extractor must refuse, on the first table that has rows: a plain
    DELETE, one behind a CTE (``WITH ... DELETE`` starts like a read), and a DROP."""
    tables = [name for name, rows in database.row_counts().items() if rows]
    if not tables:
        return []
    table = quote(tables[0])
    return [f"DELETE FROM {table}",
            f"WITH recent AS (SELECT 1) DELETE FROM {table}",
            f"DROP TABLE {table}"]


def is_database_error(error: BaseException) -> bool:
    """An error raised by the sqlite3 or duckdb engine itself."""
    return type(error).__module__.lstrip("_").split(".")[0] in ("sqlite3", "duckdb")
