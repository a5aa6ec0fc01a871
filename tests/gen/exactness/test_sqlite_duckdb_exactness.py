"""Issue 12 for the embedded databases: what the generated SQLite and DuckDB writers
write, their extractors give back exactly (README "Types"), or the run fails with an
error naming the column; a wrong type, an upsert without a matching unique key and a
failing rollback end in clear errors, before anything is written."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import sqlite3
import time

import duckdb
import numpy as np
import pandas as pd
import pytest

from .frames import assert_same_frame, expected_back

EMBEDDED = ("sqlite", "duckdb")
D = decimal.Decimal


def stamps(*values, tz: str | None = None) -> pd.Series:
    series = pd.Series(pd.array(list(values), dtype="datetime64[us]"))
    return series.dt.tz_localize("UTC").dt.tz_convert(tz) if tz else series


def every_type() -> pd.DataFrame:
    """One column per kind the convention names, with its extremes and a missing value."""
    return pd.DataFrame({
        "id": pd.Series([1, 2, 3, 4], dtype="int64"),
        "i8": pd.Series([-128, 127, None, 0], dtype="Int8"),
        "i16": pd.Series([-32768, 32767, None, 1], dtype="Int16"),
        "i32": pd.Series([-2**31, 2**31 - 1, None, 2], dtype="Int32"),
        "i64": pd.Series([-2**63, 2**63 - 1, None, 9007199254740993], dtype="Int64"),
        "f": pd.Series([float("nan"), float("inf"), float("-inf"), 0.1], dtype="float64"),
        "dec": pd.Series([D("12345678901234567890.123456789"), D("0.123456789012345"),
                          None, D("-0.0000001")], dtype=object),
        "b": pd.Series([True, False, None, True], dtype="boolean"),
        "t": pd.Series(["héllo ☃ 𝄞 中文", "", None, "NULL"], dtype=object),
        "d": pd.Series([dt.date(1, 1, 1), dt.date(9999, 12, 31), None, dt.date(1900, 1, 1)],
                       dtype=object),
        "ts": stamps(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                     None, dt.datetime(1900, 1, 1, 0, 0, 0, 1)),
        "tz": stamps(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                     None, dt.datetime(1900, 1, 1), tz="Asia/Kolkata"),
    })


@pytest.fixture
def kolkata(monkeypatch):
    """A session time zone that is not UTC (1900-01-01 there is +05:21:10)."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("backend", EMBEDDED)
def test_every_type_comes_back_exactly(store_of, backend, kolkata):
    store = store_of(backend)
    df = every_type()
    assert store.write(df)["rows_written"] == 4
    assert_same_frame(store.read(), df, order_by="id")
    # the same through a query over the table, and column by column
    assert_same_frame(store.read(query=f"SELECT * FROM {store.table}"), df, order_by="id")


@pytest.mark.parametrize("backend", EMBEDDED)
def test_a_zero_row_frame_creates_the_table_and_reads_back_with_its_dtypes(store_of, backend):
    store = store_of(backend)
    df = every_type().head(0)
    assert store.write(df)["rows_written"] == 0
    back = store.read()
    assert back.dtypes.to_dict() == expected_back(df).dtypes.to_dict()
    assert_same_frame(back, df)


@pytest.mark.parametrize("backend", EMBEDDED)
def test_a_query_keeps_the_types_of_the_columns_it_selects(store_of, backend):
    store = store_of(backend)
    store.write(every_type())
    back = store.read(query=f"SELECT dec, ts, b FROM {store.table} WHERE id > 100")
    assert back.dtypes.to_dict() == {"dec": object, "ts": "datetime64[us]", "b": "boolean"}


@pytest.mark.parametrize("backend", EMBEDDED)
def test_appending_keeps_what_was_there_and_upsert_replaces_by_key(store_of, backend):
    store = store_of(backend)
    df = every_type()
    store.write(df, "upsert", primary_key="id")
    changed = df.iloc[[1, 3]].copy()
    changed["t"] = ["two", None]
    changed["id"] = [2, 5]
    assert store.write(changed, "upsert", primary_key="id")["rows_written"] == 2
    expected = pd.concat([df.iloc[[0, 2, 3]], changed], ignore_index=True)
    assert_same_frame(store.read(), expected, order_by="id")


@pytest.mark.parametrize("backend", EMBEDDED)
def test_a_column_of_another_type_is_refused_naming_it(store_of, backend):
    store = store_of(backend)
    store.write(pd.DataFrame({"id": [1], "n": [5]}))
    for wrong in (["abc"], [1.5], [D("1.5")], [True]):
        with pytest.raises(ValueError, match=r"'n'.*INTEGER|'n'.*BIGINT"):
            store.write(pd.DataFrame({"id": [2], "n": pd.Series(wrong, dtype=object
                                      if isinstance(wrong[0], (str, D)) else None)}))
    assert store.read()["n"].tolist() == [5]
    # a column of missing values fits any column
    store.write(pd.DataFrame({"id": [3], "n": pd.Series([None], dtype=object)}))
    assert store.read()["n"].tolist() == [5, pd.NA]


@pytest.mark.parametrize("backend", EMBEDDED)
def test_upsert_without_a_unique_key_on_the_key_columns_is_refused(store_of, backend):
    store = store_of(backend)
    store.write(pd.DataFrame({"id": [1, 2], "k": [1, 2], "v": ["a", "b"]}))  # no key
    with pytest.raises(ValueError, match=r"(?s)unique.*\bid\b.*exact") as raised:
        store.write(pd.DataFrame({"id": [1], "k": [1], "v": ["x"]}), "upsert", primary_key="id")
    assert store.table in str(raised.value)
    assert store.read()["v"].tolist() == ["a", "b"]


@pytest.mark.parametrize("backend", EMBEDDED)
def test_upsert_on_a_key_the_table_has_works(store_of, backend):
    store = store_of(backend)
    sql(store, f"CREATE TABLE {store.table} (id BIGINT, k BIGINT, v VARCHAR, UNIQUE (k, id))")
    sql(store, f"INSERT INTO {store.table} VALUES (1, 1, 'a'), (2, 2, 'b')")
    store.write(pd.DataFrame({"id": [1, 3], "k": [1, 3], "v": ["x", "c"]}), "upsert",
                primary_key=["id", "k"])
    assert store.read().sort_values("id")["v"].tolist() == ["x", "b", "c"]
    with pytest.raises(ValueError, match="unique"):
        store.write(pd.DataFrame({"id": [1], "k": [1], "v": ["x"]}), "upsert", primary_key="id")


@pytest.mark.parametrize("backend", EMBEDDED)
def test_the_writer_keeps_the_input_frame_as_it_was(store_of, backend):
    df = every_type()
    store_of(backend).write(df)
    pd.testing.assert_frame_equal(df, every_type())


@pytest.mark.parametrize("backend", EMBEDDED)
@pytest.mark.parametrize("mode", ["append", "overwrite", "upsert"])
def test_a_constraint_violation_mid_frame_leaves_the_table_as_it_was(store_of, backend, mode):
    store = store_of(backend)
    sql(store, f"CREATE TABLE {store.table} (id BIGINT PRIMARY KEY, v BIGINT NOT NULL "
               "CHECK (v < 1000))")
    sql(store, f"INSERT INTO {store.table} VALUES (1, 1), (2, 2)")
    rows = 30_000
    bad = pd.DataFrame({"id": np.arange(10, 10 + rows), "v": np.arange(rows) % 900})
    bad.loc[rows - 5, "v"] = 5000  # row N violates the CHECK, after 2+ batches
    with pytest.raises(Exception, match="(?i)check|constraint"):
        store.write(bad, mode, primary_key="id")
    assert sorted(sql(store, f"SELECT id, v FROM {store.table}")) == [(1, 1), (2, 2)]


def database(store) -> str:
    return store.target["resolved_connection"]["path"]


def sql(store, statement: str) -> list[tuple]:
    """Run one statement on the store's file, committed; its rows."""
    if store.backend == "sqlite":
        conn = sqlite3.connect(database(store))
        try:
            with conn:
                return conn.execute(statement).fetchall()
        finally:
            conn.close()
    with duckdb.connect(database(store)) as conn:
        return conn.execute(statement).fetchall()


@pytest.mark.parametrize("backend", EMBEDDED)
@pytest.mark.parametrize("values", [["a", 5], [5, "a"], ["a", b"x"], ["a", 1.5, None]],
                         ids=["int-after-text", "text-after-int", "bytes", "float"])
def test_a_text_column_holding_other_values_is_refused_naming_it(store_of, backend, values):
    store = store_of(backend)
    bad = pd.DataFrame({"id": range(len(values)), "t": pd.Series(values, dtype=object)})
    other = next(v for v in values if not isinstance(v, str))
    with pytest.raises(ValueError, match=rf"'t' holds {re.escape(repr(other))} .*astype\(str\)"):
        store.write(bad)
    store.write(pd.DataFrame({"id": [9], "t": ["kept"]}))
    with pytest.raises(ValueError, match="'t' holds"):
        store.write(bad)  # into the existing table as well
    assert store.read()["t"].tolist() == ["kept"]


@pytest.mark.parametrize("backend", EMBEDDED)
@pytest.mark.parametrize(("tz", "as_objects"), [(None, False), ("Asia/Kolkata", False),
                                               (None, True)],
                         ids=["naive", "tz-aware", "Timestamp-objects"])
def test_timestamps_finer_than_a_microsecond_are_refused_naming_them(
        store_of, backend, tz, as_objects):
    store = store_of(backend)
    ns = pd.Series(pd.to_datetime(["2020-01-01 00:00:00.000001", "2020-01-01 00:00:00.000000001"])
                   ).astype("datetime64[ns]")
    ns = ns.dt.tz_localize(tz) if tz else ns
    stamps = ns.astype(object) if as_objects else ns
    with pytest.raises(ValueError, match=r"'ts'.*finer than a microsecond.*floor\('us'\)"):
        store.write(pd.DataFrame({"id": [1, 2], "ts": stamps}))
    store.write(pd.DataFrame({"id": [1, 2], "ts": ns.dt.floor("us")}))  # rounded: written
    assert_same_frame(store.read(), pd.DataFrame({"id": [1, 2], "ts": ns.dt.floor("us")}),
                      order_by="id")
