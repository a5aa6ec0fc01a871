"""Read 1,000,000 CSV rows through the generated CSV extractor, side by side with
pandas.read_csv of the same file.

    python bench/csv_read_bench.py [--rows 1000000] [--repeat 3]

The extractor and writer are generated with osiris-gen into a temporary folder; the
writer writes the file (8 columns: an integer key, integers with NULLs, floats with
NaN, text with '' and NULL, decimals, dates, naive and tz-aware timestamps). Each
timing is the best of --repeat interleaved rounds (a round reads once with every
path). Each read runs in a fresh process that reports its seconds and its peak
resident memory above what it held before reading, set against the frame's
memory_usage(deep=True). The extractor's frame is checked against the frame written
(exact values and types). An upsert of 1,000 rows into the file, whose untouched rows
the writer keeps byte for byte, is timed too. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import platform
import tempfile
import time
from pathlib import Path

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

# pandas' own string dtype, the extractors' text (str on pandas 3).
TEXT = pd.Series(["text"]).dtype
READERS = {
    "generated extractor (exact kinds)": "extractor",
    "pandas.read_csv (defaults)": "read_csv",
}


def sample_frame(rows: int) -> pd.DataFrame:
    """The frame as the extractor gives it back: every kind it infers, with NULLs."""
    rng = np.random.default_rng(12)
    missing = rng.random(rows) < 0.1
    words = np.array(["ledger", "invoice", "shipment", "Zürich", "a,b", 'say "hi"', ""])
    names = [str(w) for w in words[rng.integers(0, len(words), rows)]]
    for at in np.flatnonzero(missing):
        names[at] = None
    micros = rng.integers(-2_000_000_000, 2_000_000_000, rows) * 1_000_000
    micros += rng.integers(0, 1_000_000, rows)
    stamps = pd.Series(micros.astype("datetime64[us]"))
    first = dt.date(1900, 1, 1).toordinal()
    days = [dt.date.fromordinal(first + n) for n in rng.integers(0, 60_000, rows)]
    return pd.DataFrame({
        "id": pd.Series(np.arange(rows), dtype="Int64"),
        "quantity": pd.Series(pd.array(rng.integers(-10**12, 10**12, rows), dtype="Int64"))
        .mask(missing),
        "price": pd.Series(rng.random(rows) * 1000).mask(rng.random(rows) < 0.1),
        "name": pd.Series(names, dtype=TEXT),
        "amount": pd.Series([None if gone else decimal.Decimal(int(c)).scaleb(-6)
                             for c, gone in zip(rng.integers(-10**18, 10**18, rows),
                                                rng.random(rows) < 0.1, strict=True)],
                            dtype=object),
        "day": pd.Series(days, dtype=object),
        "at": stamps,
        "at_tz": stamps.dt.tz_localize("UTC"),
    })


def _read_in_this_process(reader: str, path: Path, drivers: Path) -> None:
    with DriverRegistry.isolated() as registry:
        load_drivers(drivers)
        extractor = registry.get("csv.extractor")
        readers = {
            "extractor": lambda: extractor.run(
                step_id="bench", config={"path": str(path)}, inputs=None,
                ctx=RecordingContext(Path(tempfile.gettempdir())))["df"],
            "read_csv": lambda: pd.read_csv(path),
        }
        report_read(readers[reader])


def bench_reads(path: Path, drivers: Path, repeat: int) -> list[tuple[str, dict]]:
    """A reader's fastest round counts."""
    runs = interleaved_rounds(list(READERS), repeat, lambda title: fresh_process_read(
        __file__, READERS[title], "--path", str(path), "--drivers", str(drivers)))
    return [(title, min(measured, key=lambda run: run["seconds"]))
            for title, measured in runs.items()]


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def print_table(header: tuple[str, ...], rows: list[tuple]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--read-one", choices=sorted(READERS.values()), help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--drivers", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_one:
        _read_in_this_process(args.read_one, args.path, args.drivers)
        return
    with tempfile.TemporaryDirectory() as folder, DriverRegistry.isolated() as registry:
        drivers = Path(folder) / "bench_drivers"
        for category in ("extractor", "writer"):
            generate(Request(category, "csv", "csv", drivers, None, None))
        failures = load_drivers(drivers).failures
        assert not failures, [f.describe() for f in failures]
        ctx = RecordingContext(Path(folder))
        df, path = sample_frame(args.rows), Path(folder) / "bench.csv"
        writer = registry.get("csv.writer")
        write = timed(lambda: writer.run(step_id="bench", inputs={"df": df}, ctx=ctx,
                                         config={"path": str(path), "write_mode": "overwrite"}))
        reads = bench_reads(path, drivers, args.repeat)
        back = registry.get("csv.extractor").run(
            step_id="bench", config={"path": str(path)}, inputs=None, ctx=ctx)["df"]
        pd.testing.assert_frame_equal(back, df, check_exact=True)
        del back
        changes = df.sample(min(1000, len(df)), random_state=1)
        upsert = min(timed(lambda: writer.run(
            step_id="bench", inputs={"df": changes}, ctx=ctx,
            config={"path": str(path), "write_mode": "upsert", "primary_key": "id"}))
            for _ in range(args.repeat))
        size_mb = path.stat().st_size / 2**20
    print(f"### CSV reads, {args.rows:,} rows x {len(df.columns)} columns "
          f"({size_mb:,.0f} MB file; Python {platform.python_version()}, "
          f"pandas {pd.__version__})\n")
    read_csv = dict(reads)["pandas.read_csv (defaults)"]["seconds"]
    print_table(("path", "seconds", "x read_csv", "DataFrame MB", "peak MB",
                 "peak / DataFrame"), [
        (name, f"{r['seconds']:.2f}", f"{r['seconds'] / read_csv:.1f}",
         f"{r['size'] / 2**20:,.0f}", f"{r['peak'] / 2**20:,.0f}",
         f"{r['peak'] / r['size']:.2f}") for name, r in reads])
    print("The extractor's frame equals the frame written (exact values and types).\n")
    print_table(("generated writer", "seconds"), [
        ("overwrite (the file above)", f"{write:.2f}"),
        (f"upsert of {len(changes):,} rows (every other row kept byte for byte)",
         f"{upsert:.2f}"),
    ])


if __name__ == "__main__":
    main()
