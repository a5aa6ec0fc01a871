"""Load and read 1,000,000 rows through the generated PostgreSQL and MySQL drivers,
side by side with DataFrame.to_sql, pandas.read_sql and the fastest known paths.

    pip install -e '.[bench]'
    python bench/write_read_bench.py [--rows 1000000] [--repeat 3] [--skip-mysql]

PostgreSQL and MariaDB come from PG* / MYSQL_* (defaults as in DEVELOPERS.md). Every
table gets a unique name and is dropped at the end. Each timing is the best of
--repeat rounds; a round runs every path once (for PostgreSQL after VACUUM ANALYZE
of the bench tables and a CHECKPOINT, so that no path pays for the one before), and
the load other users put on a shared server falls on all paths alike. Every
write starts from the same pandas DataFrame. Each read runs in a fresh process that
reports its peak memory above what it held before reading. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import decimal
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.rendering import Request
from osiris_driver_kit.runtime.context import RecordingContext
from osiris_driver_kit.runtime.discovery import load_drivers
from osiris_driver_kit.runtime.driver import DriverRegistry
from psycopg import sql
from pyarrow import csv as pa_csv
from read_memory import (  # bench/read_memory.py, beside this script
    fresh_process_read,
    interleaved_rounds,
    report_read,
)


def from_environment(prefix: str, port: int, user: str) -> dict:
    """Connection settings from the PG* or MYSQL_* variables (DEVELOPERS.md defaults)."""
    def get(name: str, default: str) -> str:
        return os.environ.get(prefix + name, default)
    return {"host": get("HOST", "127.0.0.1"), "port": int(get("PORT", str(port))),
            "user": get("USER", user), "password": get("PASSWORD", ""),
            "database": get("DATABASE", "test")}


PG = from_environment("PG", 5432, "postgres")
MYSQL = from_environment("MYSQL_", 3306, "root")
BACKENDS = (("extractor", "postgres"), ("writer", "postgres"), ("writer", "mysql"))


def sample_frame(rows: int) -> pd.DataFrame:
    """8 columns: two integers, a float, short and long text, a timestamp, a bool, a numeric."""
    rng = np.random.default_rng(5)
    words = np.array(["ledger", "invoice", "shipment", "customer", "warehouse", "refund"])
    long_texts = [" ".join(rng.choice(words, 18)) for _ in range(1000)]
    cents = rng.integers(0, 10_000_000, rows)
    return pd.DataFrame({
        "id": np.arange(rows, dtype=np.int64),
        "quantity": rng.integers(0, 1000, rows, dtype=np.int32),
        "price": rng.random(rows) * 100,
        "code": [f"SKU-{n:06d}" for n in rng.integers(0, 999_999, rows)],
        "description": [long_texts[n] for n in rng.integers(0, 1000, rows)],
        "created_at": pd.Timestamp("2026-01-01")
        + pd.to_timedelta(rng.integers(0, 31_536_000, rows), unit="s"),
        "active": rng.random(rows) < 0.5,
        "amount": [decimal.Decimal(int(c)).scaleb(-2) for c in cents],
    })


@dataclass
class Case:
    label: str
    action: Callable[[], None]
    prepare: Callable[[], None] = lambda: None


def best_of_interleaved(cases: list[Case], repeat: int,
                        settle: Callable[[], None]) -> list[tuple[str, float]]:
    """Each round runs every case once, after its ``prepare`` and ``settle``; a case's
    fastest round counts. Interleaving spreads the load that other users put on the
    shared server over all cases instead of a few."""
    times: dict[str, list[float]] = {case.label: [] for case in cases}
    for _ in range(repeat):
        for case in cases:
            case.prepare()
            settle()
            started = time.perf_counter()
            case.action()
            times[case.label].append(time.perf_counter() - started)
    return [(label, min(runs)) for label, runs in times.items()]


class Postgres:
    def __init__(self) -> None:
        self.tables: list[str] = []

    def table(self, purpose: str) -> str:
        name = f"osiris_bench_{purpose}_{uuid.uuid4().hex[:8]}"
        self.tables.append(name)
        return name

    def execute(self, statement) -> None:
        with psycopg.connect(**libpq(PG), autocommit=True) as conn:
            conn.execute(statement)

    def drop(self, table: str) -> None:
        self.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))

    def settle(self) -> None:
        """Leave no work behind for the next timing: VACUUM ANALYZE the bench tables (so
        that autovacuum does not start on them during it), then CHECKPOINT."""
        with psycopg.connect(**libpq(PG), autocommit=True) as conn:
            for table in self.tables:
                if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0]:
                    conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
            conn.execute("CHECKPOINT")

    def drop_all(self) -> None:
        for table in self.tables:
            self.drop(table)

    def count(self, table: str) -> int:
        with psycopg.connect(**libpq(PG)) as conn:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            return conn.execute(query).fetchone()[0]


def libpq(settings: dict) -> dict:
    return {**{k: v for k, v in settings.items() if k != "database"},
            "dbname": settings["database"]}


def url(scheme: str, settings: dict) -> str:
    password = f":{settings['password']}" if settings["password"] else ""
    return (f"{scheme}://{settings['user']}{password}@{settings['host']}:{settings['port']}"
            f"/{settings['database']}")


def copy_by_hand(conn: psycopg.Connection, table: str, df: pd.DataFrame) -> None:
    """The fastest psycopg path: COPY fed with pyarrow-encoded CSV, 50,000 rows a write
    (measured faster than letting pyarrow write into the COPY batch by batch)."""
    names = sql.SQL(", ").join(map(sql.Identifier, df.columns))
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(table), names)
    options = pa_csv.WriteOptions(include_header=False)
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for batch in pa.Table.from_pandas(df, preserve_index=False).to_batches(50_000):
            encoded = pa.BufferOutputStream()
            pa_csv.write_csv(batch, encoded, options)
            copy.write(encoded.getvalue())


def upsert_by_hand(table: str, df: pd.DataFrame) -> None:
    """Staging table + COPY + one INSERT ... ON CONFLICT, written directly."""
    names = [str(c) for c in df.columns]
    columns = sql.SQL(", ").join(map(sql.Identifier, names))
    updates = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(n))
                                 for n in names if n != "id")
    with psycopg.connect(**libpq(PG)) as conn, conn.transaction():
        conn.execute(sql.SQL("CREATE TEMP TABLE hand_staging ON COMMIT DROP AS "
                             "SELECT {} FROM {} WITH NO DATA").format(columns, sql.Identifier(table)))
        copy_by_hand(conn, "hand_staging", df)
        conn.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM hand_staging "
                             "ON CONFLICT (id) DO UPDATE SET {}").format(
            sql.Identifier(table), columns, columns, updates))


def bench_postgres_writes(registry, df: pd.DataFrame, pg: Postgres, repeat: int,
                          output: Path) -> tuple[list[tuple[str, float]], str]:
    import adbc_driver_postgresql.dbapi as adbc
    import sqlalchemy

    writer = registry.get("postgres.writer")
    ctx = RecordingContext(output)

    def write(table: str, mode: str) -> Callable[[], None]:
        config = {"resolved_connection": PG, "table": table, "write_mode": mode,
                  "primary_key": ["id"]}
        return lambda: writer.run(step_id="bench", config=config, inputs={"df": df}, ctx=ctx)

    loaded, overwritten, upserted, by_hand, ingested, to_sql_table = (
        pg.table(purpose) for purpose in ("append", "overwrite", "upsert", "copy", "adbc", "to_sql"))
    write(overwritten, "append")()
    write(upserted, "upsert")()  # creates the table with its primary key

    def copy_into_new_table() -> None:
        with psycopg.connect(**libpq(PG)) as conn, conn.transaction():
            conn.execute(sql.SQL("CREATE TABLE {} AS SELECT * FROM {} WITH NO DATA").format(
                sql.Identifier(by_hand), sql.Identifier(overwritten)))
            copy_by_hand(conn, by_hand, df)

    def adbc_ingest() -> None:
        with adbc.connect(url("postgresql", PG)) as conn, conn.cursor() as cursor:
            cursor.adbc_ingest(ingested, pa.Table.from_pandas(df, preserve_index=False),
                               mode="create")
            conn.commit()

    engine = sqlalchemy.create_engine(url("postgresql+psycopg", PG))
    results = best_of_interleaved([
        Case("generated writer, append (new table)", write(loaded, "append"),
             lambda: pg.drop(loaded)),
        Case("generated writer, overwrite (table full)", write(overwritten, "overwrite")),
        Case("generated writer, upsert (table full, every key matches)",
             write(upserted, "upsert")),
        Case("by hand: staging + COPY + INSERT ... ON CONFLICT",
             lambda: upsert_by_hand(upserted, df)),
        Case("by hand: psycopg COPY fed by pyarrow CSV", copy_into_new_table,
             lambda: pg.drop(by_hand)),
        Case("ADBC adbc_ingest (binary COPY)", adbc_ingest, lambda: pg.drop(ingested)),
        Case("DataFrame.to_sql (SQLAlchemy + psycopg)",
             lambda: df.to_sql(to_sql_table, engine, index=False),
             lambda: pg.drop(to_sql_table)),
    ], repeat, pg.settle)
    engine.dispose()
    for table in (loaded, overwritten, upserted, by_hand, ingested, to_sql_table):
        assert pg.count(table) == len(df), table
    return results, loaded


def bench_mysql_writes(registry, df: pd.DataFrame, repeat: int,
                       output: Path) -> list[tuple[str, float]]:
    import pymysql
    import sqlalchemy

    writer = registry.get("mysql.writer")
    ctx = RecordingContext(output)
    names = [f"osiris_bench_{side}_{uuid.uuid4().hex[:8]}" for side in ("gen", "to_sql")]

    def drop(table: str) -> Callable[[], None]:
        def dropping() -> None:
            with pymysql.connect(**MYSQL) as conn, conn.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS `{table}`")
        return dropping

    config = {"resolved_connection": MYSQL, "table": names[0], "write_mode": "append"}
    engine = sqlalchemy.create_engine(url("mysql+pymysql", MYSQL))
    try:
        return best_of_interleaved([
            Case("generated writer, append (new table)",
                 lambda: writer.run(step_id="bench", config=config, inputs={"df": df}, ctx=ctx),
                 drop(names[0])),
            Case("DataFrame.to_sql (SQLAlchemy + PyMySQL)",
                 lambda: df.to_sql(names[1], engine, index=False), drop(names[1])),
        ], repeat, lambda: None)
    finally:
        engine.dispose()
        for name in names:
            drop(name)()


READERS = {
    "generated extractor (COPY TO STDOUT parsed by pyarrow)": "extractor",
    "pandas.read_sql (SQLAlchemy + psycopg)": "read_sql",
    "ADBC fetch_arrow_table().to_pandas()": "adbc",
}


def _read_in_this_process(reader: str, table: str, drivers: Path) -> None:
    import adbc_driver_postgresql.dbapi as adbc
    import sqlalchemy

    with DriverRegistry.isolated() as registry:
        load_drivers(drivers)
        extractor = registry.get("postgres.extractor")
        engine = sqlalchemy.create_engine(url("postgresql+psycopg", PG))
        readers = {
            "extractor": lambda: extractor.run(
                step_id="bench", config={"resolved_connection": PG, "table": table},
                inputs=None, ctx=RecordingContext(Path(tempfile.gettempdir())))["df"],
            "read_sql": lambda: pd.read_sql(f'SELECT * FROM "{table}"', engine),
            "adbc": lambda: _adbc_read(adbc, table),
        }
        report_read(readers[reader])


def _adbc_read(adbc, table: str) -> pd.DataFrame:
    with adbc.connect(url("postgresql", PG)) as conn, conn.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')
        return cursor.fetch_arrow_table().to_pandas()


def bench_reads(table: str, drivers: Path, repeat: int) -> list[tuple[str, dict]]:
    """Interleaved rounds, like the writes; a reader's fastest round counts."""
    runs = interleaved_rounds(list(READERS), repeat, lambda title: fresh_process_read(
        __file__, READERS[title], "--table", table, "--drivers", str(drivers)))
    return [(title, min(measured, key=lambda run: run["seconds"]))
            for title, measured in runs.items()]


def print_table(header: tuple[str, ...], rows: list[tuple]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def report(rows: int, pg_writes, mysql_writes, reads) -> None:
    times = dict(pg_writes)
    fastest = min(times["ADBC adbc_ingest (binary COPY)"],
                  times["by hand: psycopg COPY fed by pyarrow CSV"])
    to_sql = times["DataFrame.to_sql (SQLAlchemy + psycopg)"]
    print(f"### PostgreSQL writes, {rows:,} rows x 8 columns\n")
    print_table(("path", "seconds", "rows/s", "x fastest path", "to_sql / this"), [
        (name, f"{s:.2f}", f"{rows / s:,.0f}", f"{s / fastest:.2f}", f"{to_sql / s:.1f}")
        for name, s in pg_writes])
    upsert = times["generated writer, upsert (table full, every key matches)"]
    hand = times["by hand: staging + COPY + INSERT ... ON CONFLICT"]
    print(f"Upsert: generated writer / by hand = {upsert / hand:.2f}\n")
    if mysql_writes:
        mysql = dict(mysql_writes)
        print(f"### MariaDB writes, {rows:,} rows x 8 columns\n")
        base = mysql["DataFrame.to_sql (SQLAlchemy + PyMySQL)"]
        print_table(("path", "seconds", "rows/s", "to_sql / this"), [
            (name, f"{s:.2f}", f"{rows / s:,.0f}", f"{base / s:.1f}") for name, s in mysql_writes])
    print(f"### PostgreSQL reads, {rows:,} rows x 8 columns\n")
    read_sql = dict(reads)["pandas.read_sql (SQLAlchemy + psycopg)"]["seconds"]
    print_table(("path", "seconds", "read_sql / this", "DataFrame MB", "peak MB", "peak / DataFrame"), [
        (name, f"{r['seconds']:.2f}", f"{read_sql / r['seconds']:.1f}", f"{r['size'] / 2**20:,.0f}",
         f"{r['peak'] / 2**20:,.0f}", f"{r['peak'] / r['size']:.2f}") for name, r in reads])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-mysql", action="store_true")
    parser.add_argument("--read-one", choices=sorted(set(READERS.values())), help=argparse.SUPPRESS)
    parser.add_argument("--table", help=argparse.SUPPRESS)
    parser.add_argument("--drivers", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_one:
        _read_in_this_process(args.read_one, args.table, args.drivers)
        return
    with tempfile.TemporaryDirectory() as folder, DriverRegistry.isolated() as registry:
        drivers = Path(folder) / "bench_drivers"
        for category, backend in BACKENDS:
            generate(Request(category, backend, backend, drivers, None, None))
        failures = load_drivers(drivers).failures
        assert not failures, [f.describe() for f in failures]
        df = sample_frame(args.rows)
        pg = Postgres()
        try:
            pg_writes, loaded = bench_postgres_writes(registry, df, pg, args.repeat, Path(folder))
            reads = bench_reads(loaded, drivers, args.repeat)
        finally:
            pg.drop_all()
        mysql_writes = [] if args.skip_mysql else bench_mysql_writes(
            registry, df, args.repeat, Path(folder))
    report(args.rows, pg_writes, mysql_writes, reads)


if __name__ == "__main__":
    main()
