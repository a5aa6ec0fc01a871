"""Peak memory of reading 1,000,000 rows through the generated SQLite and DuckDB
extractors, against the DataFrame they return and against pandas.read_sql / DuckDB's
own .df().

    python bench/embedded_read_memory.py [--rows 1000000] [--repeat 3]

The generated writers load one frame (an int64 key; integers with NULLs; floats with
NaN; text with NULLs; Decimals with NULLs; timestamps with NaT) into a SQLite file
and a DuckDB file. Each read then runs in a fresh process that reports its peak
resident memory above what it held before reading (Linux VmHWM after resetting it,
minus VmRSS), and the deep memory_usage of the frame it got. Issue 12's bar: the
extractor's peak is under 2x its frame. Of --repeat rounds, a path's fastest time
and its highest peak count. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import decimal
import sqlite3
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.rendering import Request
from osiris_driver_kit.runtime.context import RecordingContext
from osiris_driver_kit.runtime.discovery import load_drivers
from osiris_driver_kit.runtime.driver import DriverRegistry
from read_memory import (  # bench/read_memory.py, beside this script
    fresh_process_read,
    interleaved_rounds,
    report_read,
)

BACKENDS = ("sqlite", "duckdb")
TABLE = "bench_rows"
# title -> (backend, reader)
READERS = {
    "SQLite: generated extractor": ("sqlite", "extractor"),
    "SQLite: pandas.read_sql (sqlite3)": ("sqlite", "read_sql"),
    "DuckDB: generated extractor": ("duckdb", "extractor"),
    "DuckDB: conn.sql(...).df()": ("duckdb", "df"),
}


def sample_frame(rows: int) -> pd.DataFrame:
    """An int64 key and five columns with missing values: Int64, float64, text,
    Decimal, datetime64[us]."""
    rng = np.random.default_rng(12)
    missing = rng.random(rows) < 0.1
    words = np.array([f"customer-{n:05d}" for n in range(5000)], dtype=object)
    text = words[rng.integers(0, len(words), rows)]
    text[missing] = None
    cents = rng.integers(-10_000_000, 10_000_000, rows)
    amounts = [None if gone else decimal.Decimal(int(c)).scaleb(-2)
               for c, gone in zip(cents, missing, strict=True)]
    stamps = pd.Timestamp("2026-01-01") + pd.to_timedelta(
        rng.integers(0, 31_536_000_000_000, rows), unit="us")
    return pd.DataFrame({
        "id": np.arange(rows, dtype=np.int64),
        "quantity": pd.Series(rng.integers(-2**40, 2**40, rows), dtype="Int64").mask(
            missing),
        "price": np.where(missing, np.nan, rng.random(rows) * 100),
        "code": pd.Series(text, dtype=object),
        "amount": pd.Series(amounts, dtype=object),
        "created_at": pd.Series(stamps, dtype="datetime64[us]").where(~missing),
    })


def _read_in_this_process(reader: str, backend: str, path: Path, drivers: Path) -> None:
    with DriverRegistry.isolated() as registry:
        load_drivers(drivers)
        extractor = registry.get(f"{backend}.extractor")
        config = {"resolved_connection": {"path": str(path)}, "table": TABLE}
        readers = {
            "extractor": lambda: extractor.run(
                step_id="bench", config=config, inputs=None,
                ctx=RecordingContext(Path(tempfile.gettempdir())))["df"],
            "read_sql": lambda: _read_sql(path),
            "df": lambda: _duckdb_df(path),
        }
        report_read(readers[reader])


def _read_sql(path: Path) -> pd.DataFrame:
    conn = sqlite3.connect(path)
    try:
        return pd.read_sql(f"SELECT * FROM {TABLE}", conn)
    finally:
        conn.close()


def _duckdb_df(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.sql(f"SELECT * FROM {TABLE}").df()


def bench_reads(paths: dict[str, Path], drivers: Path, repeat: int) -> list[tuple[str, dict]]:
    """A reader's fastest time and highest peak count."""
    def read(title: str) -> dict:
        backend, reader = READERS[title]
        return fresh_process_read(__file__, reader, "--backend", backend,
                                  "--path", str(paths[backend]), "--drivers", str(drivers))

    runs = interleaved_rounds(list(READERS), repeat, read)
    return [(title, {**min(measured, key=lambda run: run["seconds"]),
                     "peak": max(run["peak"] for run in measured)})
            for title, measured in runs.items()]


def print_table(header: tuple[str, ...], rows: list[tuple]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def report(rows: int, reads: list[tuple[str, dict]]) -> None:
    print(f"### SQLite and DuckDB reads, {rows:,} rows x 6 columns\n")
    print_table(("path", "seconds", "DataFrame MB", "peak MB", "peak / DataFrame", "under 2x"), [
        (name, f"{r['seconds']:.2f}", f"{r['size'] / 2**20:,.0f}", f"{r['peak'] / 2**20:,.0f}",
         f"{r['peak'] / r['size']:.2f}", "yes" if r["peak"] < 2 * r["size"] else "**no**")
        for name, r in reads])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--read-one", choices=("extractor", "read_sql", "df"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--backend", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--drivers", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_one:
        _read_in_this_process(args.read_one, args.backend, args.path, args.drivers)
        return
    with tempfile.TemporaryDirectory() as folder, DriverRegistry.isolated() as registry:
        drivers = Path(folder) / "bench_drivers"
        for backend in BACKENDS:
            for category in ("writer", "extractor"):
                generate(Request(category, backend, backend, drivers, None, None))
        failures = load_drivers(drivers).failures
        assert not failures, [f.describe() for f in failures]
        df = sample_frame(args.rows)
        paths = {backend: Path(folder) / f"bench.{backend}" for backend in BACKENDS}
        for backend, path in paths.items():
            config = {"resolved_connection": {"path": str(path)}, "table": TABLE}
            registry.get(f"{backend}.writer").run(
                step_id="bench", config=config, inputs={"df": df},
                ctx=RecordingContext(Path(folder)))
        del df
        reads = bench_reads(paths, drivers, args.repeat)
    for title, measured in reads:
        assert measured["rows"] == args.rows, (title, measured)
    report(args.rows, reads)


if __name__ == "__main__":
    main()
