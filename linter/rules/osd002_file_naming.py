"""OSD002 file-naming."""

from __future__ import annotations

from pathlib import PurePath

from ..analysis import categories
from ..analysis.drivers import DriverClass
from ..engine.rule import Example, FileContext, Rule

CATEGORY_WORDS = ("_extractor", "_writer", "_transformer", "_processor")
PLACEHOLDERS = {categories.EXTRACTOR: "{source}", categories.WRITER: "{destination}",
                categories.TRANSFORMER: "{operation}"}


class FileNaming(Rule):
    code = "OSD002"
    message = "{problem}"
    explanation = """
## What it checks
That every driver lives in a file named as the contract says:
`{source}_extractor_driver.py`, `{destination}_writer_driver.py` or
`{operation}_transformer_driver.py`, with a non-empty first part. It flags, at the
`class` line:
- a driver in a file with any other name (`postgres.py`, `pg_driver.py`,
  `_writer_driver.py`, `orders_processor_driver.py`);
- a file whose name says one category while a registration key of its driver says
  another (`postgres_extractor_driver.py` registering `"postgres.writer"`);
- a driver whose category cannot be determined at all: the message says why (the file
  name, the registration keys and the class name each name no category).

## Why
The category decides what the runner passes to a driver and what it expects back;
tools, reviewers and the other rules find it from the file name first. A file named for
one category and registered as another runs with the wrong contract.

## Accepted
Files that hold no driver (helpers, `__init__.py`, clients), and abstract base classes
(`Base*`, `Abstract*`, `abc.ABC` subclasses), which are never registered themselves.

## Decisions
- Test files (`test_*.py`, `*_test.py`, `conftest.py`) are not checked: the stand-in
  drivers they define are named for the test.
- A class name that contradicts the file name (`PgWriterDriver` in
  `pg_extractor_driver.py`) is not reported: the catalogue compares the file name with
  the registration key only, and the file name decides the category.
- Keys are those of the registrations in the driver's own file and in the other linted
  modules (a package's `__init__.py`); a key registered in a module that is not linted
  in the same run is not seen.

## Not followed
Keys that are not string literals (OSD004 reports those), registrations in modules that
are not linted in the same run, and the names of the modules that import the driver.

## Example
```python
# file: postgres.py
class PostgresExtractorDriver:        # OSD002
    def run(self, step_id, config, inputs, ctx): ...
```
## Fix
Rename the file to `postgres_extractor_driver.py` (and its imports), or make the key's
type part agree with the file name.
"""
    targets = """
Under `osiris-pipeline`, `*_processor_driver.py` names a transformer too (as in
`duckdb_processor_driver.py`), the keys are component names whose type part may carry a
prefix (`filesystem.csv_extractor` says extractor), and a driver whose file, key and
class name say nothing takes its category from its component spec's `modes`
(extract, write, transform).
"""
    VALID = [
        Example("""
            from osiris.core.driver import DriverRegistry


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._read(config)}


            DriverRegistry.register("postgres.extractor", PostgresExtractorDriver())
        """, path="drivers/postgres_extractor_driver.py"),
        Example("""
            from .mysql_writer_driver import MySQLWriterDriver
            from osiris.core.driver import DriverRegistry

            DriverRegistry.register("mysql.writer", MySQLWriterDriver())
        """, path="drivers/__init__.py", others={"drivers/mysql_writer_driver.py": """
            class MySQLWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {}
        """}),
        Example("""
            import duckdb


            class DuckdbClient:
                def run(self, sql):
                    return duckdb.sql(sql).df()


            def connect(path):
                return duckdb.connect(path)
        """, path="duckdb_client.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class DedupTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": inputs["df"].drop_duplicates()}


            class BaseSqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    self.write(inputs["df"], config)
                    return {}


            DriverRegistry.register("dedup.processor", DedupTransformerDriver())
        """, path="dedup_transformer_driver.py"),
        Example("""
            class FakeWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}


            def test_fake_writer_returns_nothing():
                assert FakeWriterDriver().run("s", {}, None, None) == {}
        """, path="tests/test_runner.py"),
        Example("""
            class DuckDBProcessorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {"df": self._query(config["query"], inputs)}
        """, path="osiris/drivers/duckdb_processor_driver.py", target="osiris-pipeline"),
        Example("""
            class CsvReader:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {"df": self._read(config["path"])}
        """, path="acme/drivers/filesystem_csv_extractor_driver.py", others={
            "components/filesystem.csv_extractor/spec.yaml": """
    name: filesystem.csv_extractor
    modes: [extract]
    x-runtime:
      driver: acme.drivers.filesystem_csv_extractor_driver.CsvReader
"""}, target="osiris-pipeline"),
    ]
    INVALID = [
        Example("""
            import pandas as pd
            import sqlalchemy as sa
            from osiris.core.driver import DriverRegistry


            class PostgresExtractorDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    engine = sa.create_engine(config["url"])
                    return {"df": pd.read_sql(config["query"], engine)}


            DriverRegistry.register("postgres.extractor", PostgresExtractorDriver())
        """, path="drivers/postgres.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class SqliteDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    inputs["df"].to_sql(config["table"], self._connect(config))
                    return {}


            DriverRegistry.register("sqlite.writer", SqliteDriver())
        """, path="sqlite_extractor_driver.py"),
        Example("""
            import requests


            class HttpSyncDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    requests.post(config["url"], json=inputs["df"].to_dict("records"), timeout=30)
                    return {}
        """, path="http_sync_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class CsvExtractorDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._read(config["path"])}


            class CsvWriterDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    inputs["df"].to_csv(config["path"], index=False)
                    return {}


            DriverRegistry.register("csv.extractor", CsvExtractorDriver())
            DriverRegistry.register("csv.writer", CsvWriterDriver())
        """, path="csv_driver.py"),
        Example("""
            class ApiExtractorDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._fetch(config)}
        """, path="_extractor_driver.py"),
        Example("""
            import psycopg


            class PgExtractorDriver:  # expect: OSD002
                def run(self, step_id, config, inputs, ctx):
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        return {"df": self._read(conn, config["query"])}
        """, path="osiris_pg/pg_extractor_driver.py", others={"osiris_pg/__init__.py": """
            from osiris.core.driver import DriverRegistry

            from .pg_extractor_driver import PgExtractorDriver

            DriverRegistry.register("pg.writer", PgExtractorDriver())
        """}),
        Example("""
            class SheetDriver:  # expect: OSD002
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {"df": self._read(config["sheet"])}
        """, path="acme/sheets.py", others={
            "components/google.sheets/spec.yaml": """
    name: google.sheets
    modes: [extract]
    x-runtime:
      driver: acme.sheets.SheetDriver
"""}, target="osiris-pipeline"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if file.is_test or driver.abstract:
            return
        problem = _problem(driver, file)
        if problem:
            file.report(self, driver.node.name, problem=problem)


def _problem(driver: DriverClass, file: FileContext) -> str | None:
    name = PurePath(file.path).name
    keys = _keys(driver, file)
    naming = file.settings.naming
    wanted = _listed([f"{PLACEHOLDERS[c]}{s}" for s, c in naming.file_suffixes.items()])
    if driver.category is None:
        ends = _listed(list(naming.file_suffixes))
        return (f"the category of driver {driver.name} cannot be determined: the file name "
                f"{name!r} does not end in {ends}, {_keys_say(keys)}, and the class name does "
                f"not end in ExtractorDriver, WriterDriver, TransformerDriver or "
                f"ProcessorDriver; the contract wants it in a file named {wanted}")
    suffixes = naming.named_suffixes(driver.category)
    if not any(name.endswith(s) and name != s for s in suffixes):
        evidence = categories.EVIDENCE[driver.category_source or "class"]
        kind = categories.with_article(driver.category)
        return (f"driver {driver.name} is {kind} ({evidence} says so) in a file named "
                f"{name!r}; the contract wants it in "
                f"{_suggested_name(name, keys, driver.category, naming)}")
    for key in keys:
        said = naming.from_key(key)
        if said is not None and said != driver.category:
            return (f"the file name {name!r} says {driver.category} but driver {driver.name} is "
                    f"registered as {key!r}, {categories.with_article(said)}; the contract "
                    f"wants the file name and the key's type part to name the same category")
    return None



def _listed(items: list[str]) -> str:
    """"a, b or c"."""
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _keys(driver: DriverClass, file: FileContext) -> list[str]:
    """The driver's literal keys: its own file's registrations (also those inside
    functions) and any the project pass found elsewhere."""
    found = [r.key for r in file.registrations if r.key and r.target_name == driver.name]
    return list(dict.fromkeys([*found, *driver.keys]))


def _keys_say(keys: list[str]) -> str:
    if not keys:
        return "it has no registration key in this file"
    listed = ", ".join(repr(k) for k in keys)
    return (f"its registration key {listed} names no category (the type part should be "
            f"extractor, writer, transformer or processor)")


def _suggested_name(name: str, keys: list[str], category: str, naming: categories.Naming) -> str:
    """``postgres_extractor_driver.py``: the key's family, else the file's own stem."""
    family = next((k.split(".")[0] for k in keys if "." in k and k.split(".")[0]), "")
    if not family:
        family = PurePath(name).stem.removesuffix("_driver")
        for word in CATEGORY_WORDS:
            family = family.removesuffix(word)
    return f"{family.lower() or PLACEHOLDERS[category]}{naming.file_suffix(category)}"
