"""Default scenarios, for drivers without an entry in the check file.

Extractors and writers need storage the check can create: sqlite and duckdb
files, and CSV files. The storage is recognised in the registration key (or the
class name); any other backend needs a scenario in ``check.yaml`` (one for a database
server says where the server is, and ``server_fixtures.py`` makes its scratch storage
there). Transformers get an empty config. Configs offer the common conventions at
once: a top-level ``path`` and ``resolved_connection.path``/``database`` (with a made-up
password, so that secret exposure can be seen), a ``query`` for SQL extractors, a
``table`` for SQL writers. The input table has integer, text and float columns."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pandas as pd

from .databases import EmbeddedDatabase
from .scenario import Scenario

ROWS_TABLE, OTHER_TABLE, EMPTY_TABLE = "osiris_check_rows", "osiris_check_other", "osiris_check_empty"
WRITTEN_TABLE = "osiris_check_written"
_STORAGE = {"sqlite": ("sqlite3", ".db"), "duckdb": ("duckdb", ".duckdb"), "csv": ("csv", ".csv")}


class NoDefaultScenario(Exception):
    """No default fixture fits the driver (the message says why and what to write)."""


def input_frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3], "customer": ["ada", "grace", "linus"],
                         "amount": [19.9, 5.0, 42.5]})


def other_frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [10, 11], "customer": ["edsger", "barbara"], "amount": [1.5, 2.25]})


def default_scenario(name: str, category: str | None, folder: Path) -> Scenario:
    """The fixture for driver ``name`` (key or class name), its files created in ``folder``."""
    if category == "transformer":
        return Scenario({}, "the default transformer fixture (empty config)", input_frame())
    storage = next((kind for kind in _STORAGE if kind in name.lower()), None)
    if category not in ("extractor", "writer") or storage is None:
        raise NoDefaultScenario(
            f"the check has default data only for csv, sqlite and duckdb extractors and writers "
            f"and for transformers; describe a scenario for {name} in check.yaml "
            f"(config, and input for writers; for a PostgreSQL or MySQL/MariaDB driver, "
            f"'scratch: true' and the server's resolved_connection, as osiris-gen writes it)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    build = _extractor if category == "extractor" else _writer
    return build(storage, folder)


def _extractor(storage: str, folder: Path) -> Scenario:
    origin = f"the default {storage} extractor fixture"
    frames = {ROWS_TABLE: input_frame(), OTHER_TABLE: other_frame(), EMPTY_TABLE: input_frame()[0:0]}
    if storage == "csv":
        for table, frame in frames.items():
            frame.to_csv(folder / f"{table}.csv", index=False)
        return Scenario({"path": str(folder / f"{ROWS_TABLE}.csv")}, origin,
                        other_config={"path": str(folder / f"{OTHER_TABLE}.csv")},
                        empty_config={"path": str(folder / f"{EMPTY_TABLE}.csv")},
                        failing={"path": str(folder / "missing.csv")})
    client, suffix = _STORAGE[storage]
    database = EmbeddedDatabase(client, folder / f"source{suffix}")
    for table, frame in frames.items():
        database.write_table(table, frame)
    config = {"query": f"SELECT * FROM {ROWS_TABLE}", **_located(database.path)}
    return Scenario(config, origin,
                    other_config={"query": f"SELECT * FROM {OTHER_TABLE}"},
                    empty_config={"query": f"SELECT * FROM {EMPTY_TABLE}"},
                    failing={"query": "SELECT * FROM osiris_check_missing_table"})


def _writer(storage: str, folder: Path) -> Scenario:
    origin = f"the default {storage} writer fixture"
    blocker = folder / "not_a_folder"
    blocker.write_text("a file where the failing run expects a folder\n")
    target = f"written{_STORAGE[storage][1]}"
    if storage == "csv":
        return Scenario({"path": str(folder / target)}, origin, input_frame(),
                        failing={"path": str(blocker / target)})
    config = {"table": WRITTEN_TABLE, "write_mode": "append", **_located(folder / target)}
    return Scenario(config, origin, input_frame(), failing=_located(blocker / target))


def _located(path: Path) -> dict[str, Any]:
    return {"path": str(path), "resolved_connection": {
        "path": str(path), "database": str(path),
        "password": f"osiris-check-{secrets.token_hex(8)}"}}
