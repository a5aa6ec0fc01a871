"""MySQL/MariaDB (issue 12): what the generated writer writes, the generated extractor
reads back exactly, in the extractors' types (frames.expected_back), or the run fails
with an error naming the column. Tz-aware timestamps go into TIMESTAMP columns, which
are instants and come back datetime64[us, UTC]; DATETIME has no time zone, so a
tz-aware value bound for one is refused, as is one outside TIMESTAMP's range."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pymysql
import pytest

from .frames import TEXT, assert_same_frame, values_of

D = decimal.Decimal


def run_sql(settings: dict, *statements: str) -> list[tuple]:
    """Run statements on one autocommit connection; the rows of the last."""
    conn = pymysql.connect(**settings, autocommit=True, charset="utf8mb4")
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return list(cursor.fetchall())
    finally:
        conn.close()


def column_types(settings: dict, table: str) -> dict[str, str]:
    rows = run_sql(settings, "SELECT column_name, column_type FROM information_schema.columns"
                   f" WHERE table_schema = DATABASE() AND table_name = '{table}'")
    return {name: kind.lower() for name, kind in rows}


@pytest.fixture
def store(store_of):
    return store_of("mysql")


def test_nullable_integers_of_every_width_come_back_exact(store, mysql_settings):
    df = pd.DataFrame({
        "id": pd.Series([1, 2, 3], dtype="int64"),
        "i8": pd.Series([-128, None, 127], dtype="Int8"),
        "i16": pd.Series([None, -32768, 32767], dtype="Int16"),
        "i32": pd.Series([-2**31, 2**31 - 1, None], dtype="Int32"),
        "i64": pd.Series([9007199254740993, None, 2**63 - 1], dtype="Int64"),
        "low": pd.Series([-2**63, 0, None], dtype="Int64"),
    })
    store.write(df)
    back = store.read()
    assert back["i64"].tolist()[0] == 9007199254740993
    assert_same_frame(back, df, order_by="id")
    # A frame read back is written again with BIGINT columns, never DOUBLE.
    copy = store_copy(store, mysql_settings, back)
    assert set(column_types(mysql_settings, copy).values()) == {"bigint(20)"}


def store_copy(store, settings, df) -> str:
    """Write ``df`` to a second table next to the store's; its name (dropped after)."""
    table = store.table + "_copy"
    store.cleanup.append(lambda: run_sql(settings, f"DROP TABLE IF EXISTS `{table}`"))
    store.driver("writer").run("copy", {**store.target, "table": table}, {"df": df},
                               _Ctx())
    return table


class _Ctx:
    def log_metric(self, *args, **kwargs):
        pass

    def log_event(self, *args, **kwargs):
        pass


def test_integer_columns_of_an_existing_table_are_Int64(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, a tinyint, b smallint, c mediumint, "
            "d bigint, e year, u bigint unsigned)",
            f"INSERT INTO `{store.table}` VALUES (1, -128, NULL, 8388607, "
            "9223372036854775807, 2024, 5)")
    back = store.read()
    assert back.dtypes.tolist() == ["Int64"] * 7
    assert back.iloc[0].tolist()[:5] == [1, -128, pd.NA, 8388607, 2**63 - 1]


def test_an_unsigned_bigint_above_int64_is_an_error_naming_the_column(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, u bigint unsigned)",
            f"INSERT INTO `{store.table}` VALUES (1, 18446744073709551615)")
    with pytest.raises(ValueError, match="'u'.*CAST"):
        store.read()


@pytest.mark.parametrize("column_type, text", [
    ("DECIMAL(10, 2)", "-12345678.90"),
    ("DECIMAL(65, 0)", "9" * 65),
    ("DECIMAL(65, 30)", "9" * 35 + "." + "9" * 30),
    ("DECIMAL(38, 10)", "0.0000000001"),
])
def test_declared_decimals_come_back_exact(store, mysql_settings, column_type, text):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, n {column_type})",
            f"INSERT INTO `{store.table}` VALUES (1, '{text}'), (2, NULL)")
    back = store.read().sort_values("id")
    assert back["n"].dtype == object
    assert back["n"].tolist() == [D(text), None]


def test_decimals_written_come_back_exact(store):
    values = [D("12345678901234567890.123456789"), None, D("-0.000000000000000000001"),
              D("1.50"), D("1E+40")]
    df = pd.DataFrame({"id": range(5), "amount": pd.Series(values, dtype=object)})
    store.write(df)
    back = store.read()
    assert_same_frame(back, df, order_by="id")


def test_every_kind_comes_back_exact(store):
    df = pd.DataFrame({
        "id": pd.Series([1, 2, 3, 4], dtype="int64"),
        "flag": pd.Series([True, None, False, True], dtype="boolean"),
        "plain_flag": pd.Series([True, False, False, True], dtype="bool"),
        "ratio": pd.Series([1.5, np.nan, -0.0, 1e308], dtype="float64"),
        "text": pd.Series(["", None, "😀 emoji, ñ, 中文", "NULL"], dtype=object),
        "day": pd.Series([dt.date(1000, 1, 1), None, dt.date(9999, 12, 31),
                          dt.date(1, 1, 1)], dtype=object),
        "at": pd.Series(pd.array([dt.datetime(1000, 1, 1), None,
                                  dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                                  dt.datetime(1, 1, 1)], dtype="datetime64[us]")),
    })
    store.write(df)
    back = store.read()
    assert_same_frame(back, df, order_by="id")
    assert values_of(back.sort_values("id")["text"])[:2] == ["", None]


def kolkata(*stamps: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(stamps), format="ISO8601")).dt.tz_localize(
        "Asia/Kolkata").astype("datetime64[us, Asia/Kolkata]")


def test_tz_aware_timestamps_come_back_as_the_same_instants_in_utc(store, mysql_settings):
    df = pd.DataFrame({"id": [1, 2, 3, 4], "at": kolkata(
        "1970-01-01 05:30:01", "2024-06-30 23:59:59.123456", None,
        "2038-01-19 08:44:07.999999")})
    store.write(df, "upsert", primary_key="id")
    assert_same_frame(store.read(), df, order_by="id")
    assert column_types(mysql_settings, store.table)["at"] == "timestamp(6)"
    # Upserting again keeps them: the column is no auto-updated CURRENT_TIMESTAMP.
    store.write(df.iloc[:2], "upsert", primary_key="id")
    assert_same_frame(store.read(), df, order_by="id")


@pytest.mark.parametrize("stamp", ["1900-01-01 00:00:00", "1970-01-01 05:30:00.5",
                                   "9999-12-31 23:59:59"])
def test_tz_aware_timestamps_outside_timestamp_range_are_refused_before_writing(
        store, mysql_settings, stamp):
    df = pd.DataFrame({"id": [1, 2], "at": kolkata("2024-01-01 00:00:00", stamp)})
    with pytest.raises(ValueError, match=r"'at'.*outside.*TIMESTAMP.*tz_localize\(None\)"):
        store.write(df)
    assert column_types(mysql_settings, store.table) == {}  # nothing created


def test_tz_aware_timestamps_into_a_datetime_column_are_refused(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, at datetime(6))",
            f"INSERT INTO `{store.table}` VALUES (1, '2020-01-01 00:00:00')")
    df = pd.DataFrame({"id": [2], "at": kolkata("2024-01-01 00:00:00")})
    with pytest.raises(ValueError, match=r"'at' is tz-aware.*DATETIME.*TIMESTAMP\(6\)"):
        store.write(df, "overwrite")
    assert run_sql(mysql_settings, f"SELECT id FROM `{store.table}`") == [(1,)]


def test_timestamp_columns_are_instants_and_come_back_utc(store, mysql_settings):
    run_sql(mysql_settings,
            "SET time_zone = '+05:30'",
            f"CREATE TABLE `{store.table}` (id int, at timestamp(6) NULL)",
            f"INSERT INTO `{store.table}` VALUES (1, '2024-01-01 05:30:00'), (2, NULL)")
    back = store.read().sort_values("id")
    assert str(back["at"].dtype) == "datetime64[us, UTC]"
    assert back["at"].tolist()[0] == pd.Timestamp("2024-01-01 00:00", tz="UTC")


def test_a_zero_row_frame_creates_typed_columns_and_reads_back_typed(store, mysql_settings):
    df = pd.DataFrame({
        "id": pd.Series([], dtype="int64"), "small": pd.Series([], dtype="Int16"),
        "flag": pd.Series([], dtype="boolean"), "ratio": pd.Series([], dtype="float64"),
        "at": pd.Series([], dtype="datetime64[us]"),
    })
    assert store.write(df)["rows_written"] == 0
    back = store.read()
    assert_same_frame(back, df)
    assert column_types(mysql_settings, store.table) == {
        "id": "bigint(20)", "small": "bigint(20)", "flag": "tinyint(1)", "ratio": "double",
        "at": "datetime(6)"}


def test_an_empty_result_has_the_dtypes_of_its_column_types(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (i int, b boolean, f double, d decimal(10,2), "
            "day date, at datetime(6), t varchar(10))")
    back = store.read()
    assert back.dtypes.astype(str).tolist() == [
        "Int64", "boolean", "float64", "object", "object", "datetime64[us]", str(TEXT)]


def test_text_of_every_column_type_is_text_and_binary_stays_bytes(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, c char(3), t text, j json, "
            "e enum('x', 'y'), s set('x', 'y'), vb varbinary(4), bl blob)",
            f"INSERT INTO `{store.table}` VALUES (1, 'abc', '', '{{\"a\": 1}}', 'y', "
            "'x,y', x'00ff', x'01'), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
    back = store.read().sort_values("id")
    assert back.dtypes.tolist()[1:] == [TEXT] * 5 + [object] * 2
    assert values_of(back["t"]) == ["", None]
    assert back["vb"].tolist() == [b"\x00\xff", None] and back["bl"].tolist()[0] == b"\x01"


def test_a_tinyint1_holding_more_than_a_bool_is_an_error(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, b boolean)",
            f"INSERT INTO `{store.table}` VALUES (1, 5)")
    with pytest.raises(ValueError, match="'b'.*5"):
        store.read()


def test_a_zero_date_is_an_error_naming_the_column(store, mysql_settings):
    run_sql(mysql_settings,
            "SET sql_mode = ''",
            f"CREATE TABLE `{store.table}` (id int, at datetime)",
            f"INSERT INTO `{store.table}` VALUES (1, '0000-00-00 00:00:00')")
    with pytest.raises(ValueError, match="'at'.*0000-00-00"):
        store.read()


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_floats_are_refused_before_writing(store, mysql_settings, value):
    df = pd.DataFrame({"id": [1, 2], "ratio": [1.0, value]})
    with pytest.raises(ValueError, match="'ratio'.*infinit"):
        store.write(df)
    assert column_types(mysql_settings, store.table) == {}  # nothing created


def test_text_keeps_four_byte_characters_in_a_created_table(store, mysql_settings):
    df = pd.DataFrame({"id": [1], "t": pd.Series(["🎉𝄞"], dtype=object)})
    store.write(df, "upsert", primary_key="id")
    assert store.read()["t"].tolist() == ["🎉𝄞"]
    create = run_sql(mysql_settings, f"SHOW CREATE TABLE `{store.table}`")[0][1]
    assert "ENGINE=InnoDB" in create and "utf8mb4" in create and "PRIMARY KEY" in create


def test_text_keys_differing_in_case_are_distinct_rows(store):
    df = pd.DataFrame({"k": pd.Series(["a", "A", "ß"], dtype=object), "v": [1, 2, 3]})
    store.write(df, "upsert", primary_key="k")
    store.write(df.assign(v=[4, 5, 6]), "upsert", primary_key="k")
    back = store.read().sort_values("v")
    assert back["k"].tolist() == ["a", "A", "ß"] and back["v"].tolist() == [4, 5, 6]
