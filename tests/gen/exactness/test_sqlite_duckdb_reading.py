"""Issue 12 for the embedded extractors: a 1,000,000-row read peaks well under 2x the
frame it returns (they type the result a chunk at a time), and a query that writes is
refused before the database is opened, so not even a file is created."""

from __future__ import annotations

import decimal
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import Ctx
from .frames import TEXT
from .test_sqlite_duckdb_exactness import EMBEDDED, database, sql

ROWS = 1_000_000
# The writers' column types, one value in ten NULL in each column but the key.
TABLES = {
    "sqlite": [
        "CREATE TABLE {table} (id INTEGER, quantity INTEGER, price REAL, code TEXT, "
        "amount DECIMAL_TEXT, created_at TIMESTAMP)",
        "WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {last}) "
        "INSERT INTO {table} SELECT x, "
        "CASE WHEN x % 10 = 1 THEN NULL ELSE x * 7919 - 3000000000 END, "
        "CASE WHEN x % 10 = 2 THEN NULL ELSE x * 0.37 END, "
        "CASE WHEN x % 10 = 3 THEN NULL ELSE 'customer-' || (x % 5000) END, "
        "CASE WHEN x % 10 = 4 THEN NULL ELSE printf('%d.%02d', x * 13 % 100000, x % 100) END, "
        "CASE WHEN x % 10 = 5 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', "
        "1767225600 + x * 31, 'unixepoch') || printf('.%06d', x * 7 % 1000000) END FROM n",
    ],
    "duckdb": [
        "CREATE TABLE {table} AS SELECT range AS id, "
        "CASE WHEN range % 10 = 1 THEN NULL ELSE range * 7919 - 3000000000 END AS quantity, "
        "CASE WHEN range % 10 = 2 THEN NULL ELSE range * 0.37 END::DOUBLE AS price, "
        "CASE WHEN range % 10 = 3 THEN NULL ELSE 'customer-' || (range % 5000) END AS code, "
        "CASE WHEN range % 10 = 4 THEN NULL "
        "ELSE (range * 13 % 10000000 / 100)::DECIMAL(18, 2) END AS amount, "
        "CASE WHEN range % 10 = 5 THEN NULL ELSE TIMESTAMP '2026-01-01' "
        "+ to_microseconds(range * 31000007) END AS created_at FROM range({rows})",
    ],
}
# Runs the generated extractor in a process of its own: its peak resident memory
# above what it held before reading (Linux VmHWM, reset first), and the frame's size.
READER = textwrap.dedent("""
    import importlib, json, sys
    root, module_name, config = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    sys.path.insert(0, root)
    from osiris_driver_kit.runtime import osiris_fallback
    osiris_fallback.install()
    module = importlib.import_module(module_name)
    driver = next(v for k, v in vars(module).items() if k.endswith("Driver"))()

    class Ctx:
        def log_metric(self, *args, **kwargs): pass
        def log_event(self, *args, **kwargs): pass

    def memory(field):
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1]) * 1024

    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    before = memory("VmRSS")
    df = driver.run("read", config, None, Ctx())["df"]
    print(json.dumps({"peak": memory("VmHWM") - before, "rows": len(df),
                      "size": int(df.memory_usage(deep=True).sum()),
                      "dtypes": df.dtypes.astype(str).tolist()}))
""")


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("backend", EMBEDDED)
def test_a_million_row_read_peaks_under_twice_its_frame(store_of, generated, backend):
    store = store_of(backend)
    for statement in TABLES[backend]:
        sql(store, statement.format(table=store.table, rows=ROWS, last=ROWS - 1))
    module = generated[backend]["extractor"]
    done = subprocess.run(
        [sys.executable, "-c", READER, str(Path(module.__file__).parents[1]),
         module.__name__, json.dumps(store.target)],
        capture_output=True, text=True, check=True)
    read = json.loads(done.stdout.strip().splitlines()[-1])
    assert read["rows"] == ROWS
    assert read["dtypes"] == ["Int64", "Int64", "float64", str(TEXT), "object",
                              "datetime64[us]"]
    # Issue 12's bar is 2x; reading the whole result first took 3.0x (SQLite) and
    # 1.95x-2.01x (DuckDB), typing it a chunk at a time 1.45x and 1.54x. Text in
    # pandas' str dtype (pandas 3) shrank the frame (193 -> 150 MB) more than the
    # peaks (282 -> 231 MB, 297 -> 264 MB, most of DuckDB's rest its own buffers):
    # 1.55x and 1.77x.
    assert read["peak"] < 1.9 * read["size"], (
        f"peak {read['peak'] / 2**20:.0f} MB for a frame of {read['size'] / 2**20:.0f} MB")


@pytest.mark.parametrize("backend", EMBEDDED)
def test_a_chunked_read_is_the_whole_result(store_of, backend):
    """Chunks end and begin inside runs of NULLs and inside an undeclared column whose
    kind only its last values decide."""
    store = store_of(backend)
    for statement in TABLES[backend]:
        sql(store, statement.format(table=store.table, rows=120_000, last=119_999))
    back = store.read(query=f"SELECT id, quantity, amount, created_at, "
                            f"CASE WHEN id = 119999 THEN 0.5 ELSE id END AS mixed "
                            f"FROM {store.table} ORDER BY id")
    assert back["id"].tolist() == list(range(120_000))
    assert back["quantity"].isna().sum() == 12_000
    assert back["amount"].isna().sum() == 12_000 and back["created_at"].isna().sum() == 12_000
    # SQLite: no declared type, the values decide; DuckDB: DECIMAL, as Decimal objects
    assert back["mixed"].dtype == {"sqlite": "float64", "duckdb": object}[backend]
    assert back["mixed"].iloc[-1] == 0.5 and back["mixed"].iloc[-2] == 119_998
    assert isinstance(back["amount"].iloc[3], decimal.Decimal)


@pytest.mark.parametrize("backend", EMBEDDED)
@pytest.mark.parametrize("query", ["DELETE FROM exact", "SELECT 1; DROP TABLE exact",
                                   "CREATE TABLE made AS SELECT 1 AS x"])
def test_a_query_that_writes_is_refused_before_the_database_is_opened(
        store_of, backend, query):
    store = store_of(backend)
    path = Path(database(store))
    driver = store.driver("extractor")

    def never(config):
        raise AssertionError("the extractor connected before checking the query")
    driver._connect = never
    config = {"resolved_connection": {"path": str(path)}, "query": query}
    with pytest.raises(ValueError) as raised:
        driver.run("read", config, None, Ctx())
    assert "ReadOnly" in type(raised.value).__name__
    # and with the real connect, against a path that does not exist: no file is made
    missing = path.parent / "missing" / path.name
    config["resolved_connection"]["path"] = str(missing)
    with pytest.raises(ValueError) as raised:
        store.driver("extractor").run("read", config, None, Ctx())
    assert "ReadOnly" in type(raised.value).__name__
    assert not missing.parent.exists() and not path.exists()
