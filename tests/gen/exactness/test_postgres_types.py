"""PostgreSQL (issue 12): what the generated writer writes, the generated extractor
reads back exactly, in the extractors' types (frames.expected_back), or the run fails
with an error naming the column."""

from __future__ import annotations

import datetime as dt
import decimal

import pandas as pd
import psycopg
import pytest

from .frames import TEXT, assert_same_frame, values_of

D = decimal.Decimal


def run_sql(settings: dict, *statements: str) -> None:
    with psycopg.connect(**settings, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture
def store(store_of):
    return store_of("postgres")


def test_nullable_integers_of_every_width_come_back_exact(store):
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


def test_integer_columns_of_an_existing_table_are_Int64(store, postgres_settings):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (id int, a smallint, b integer, c bigint)',
            f'INSERT INTO "{store.table}" VALUES (1, 1, NULL, 9223372036854775807)')
    back = store.read()
    assert back.dtypes.tolist() == ["Int64"] * 4
    assert back["c"].tolist() == [2**63 - 1] and back["b"].isna().all()


def test_decimals_without_declared_precision_come_back_exact(store):
    values = [D("12345678901234567890.123456789"), None, D("-0.000000000000000000001"),
              D("1.50"), D("1E+40")]
    df = pd.DataFrame({"id": range(5), "amount": pd.Series(values, dtype=object)})
    store.write(df)
    back = store.read()
    assert back["amount"].dtype == object
    got = back.sort_values("id")["amount"].tolist()
    assert got[1] is None
    assert [str(v) for v in got if v is not None] == [
        "12345678901234567890.123456789", "-1E-21", "1.50",
        "10000000000000000000000000000000000000000"]


@pytest.mark.parametrize("column_type, text", [
    ("NUMERIC", "NaN"),
    ("NUMERIC(10, 2)", "-12345678.90"),
    ("NUMERIC(38, 0)", "99999999999999999999999999999999999999"),
    ("NUMERIC(60, 20)", "1234567890123456789012345678901234567890.12345678901234567890"),
    ("NUMERIC(1000, 500)", "1." + "1" * 500),
])
def test_declared_numerics_of_an_existing_table_come_back_exact(
        store, postgres_settings, column_type, text):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (id int, n {column_type})',
            f"INSERT INTO \"{store.table}\" VALUES (1, '{text}'), (2, NULL)")
    back = store.read().sort_values("id")
    assert back["n"].dtype == object
    assert back["n"].tolist()[1] is None
    value = back["n"].tolist()[0]
    assert isinstance(value, D) and str(value) == text


def test_floats_keep_infinities_and_nan_is_null(store):
    df = pd.DataFrame({"id": range(5),
                       "x": [1.5, float("inf"), float("-inf"), float("nan"), -0.0],
                       "tiny": [5e-324, 1.7976931348623157e308, 0.1, None, 1 / 3]})
    store.write(df)
    assert_same_frame(store.read(), df, order_by="id")


def test_real_and_double_of_an_existing_table_are_float64(store, postgres_settings):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (id int, r real, d double precision)',
            f"INSERT INTO \"{store.table}\" VALUES (1, 'NaN', '-Infinity'), (2, 0.5, NULL)")
    back = store.read().sort_values("id")
    assert back.dtypes.tolist() == ["Int64", "float64", "float64"]
    assert back["d"].tolist()[0] == float("-inf") and back["r"].tolist()[1] == 0.5


def test_booleans_text_and_dates_with_nulls(store):
    df = pd.DataFrame({
        "id": range(5),
        "flag": pd.Series([True, None, False, True, None], dtype="boolean"),
        "name": pd.Series(["", None, "héllo wörld ✓ 漢字 🎉", "a,b\n\"c\"", "NULL"],
                          dtype=object),
        "other": pd.Series([" x ", "\\.", "\\N", "NA", None], dtype=object),
        "day": [dt.date(1, 1, 1), dt.date(9999, 12, 31), None, dt.date(1900, 1, 1),
                dt.date(2024, 2, 29)],
    })
    store.write(df)
    back = store.read()
    assert values_of(back.sort_values("id")["name"])[:2] == ["", None]
    assert_same_frame(back, df, order_by="id")


def test_text_holding_nul_is_refused_naming_the_column(store):
    df = pd.DataFrame({"id": [1, 2], "note": ["fine", "bad\x00byte"]})
    with pytest.raises(ValueError, match=r"'note'.*NUL"):
        store.write(df)


STAMPS = [dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
          dt.datetime(1900, 1, 1), None]


def _stamp_frame() -> pd.DataFrame:
    naive = pd.Series(pd.array(STAMPS, dtype="datetime64[us]"))
    return pd.DataFrame({
        "id": range(4),
        "naive": naive,
        "aware": naive.dt.tz_localize("UTC"),
        "kolkata": pd.Series(pd.array(STAMPS[2:] * 2, dtype="datetime64[us]"))
        .dt.tz_localize("Asia/Kolkata"),
    })


@pytest.mark.parametrize("zone", [None, "Asia/Kolkata", "America/St_Johns"])
def test_timestamps_at_the_ends_of_the_range_in_any_session_zone(store, monkeypatch, zone):
    """PGTZ sets the session zone of a libpq connection; the drivers pin it to UTC,
    or a timestamptz of 1900 comes back as +05:21:10 (which pyarrow refuses)."""
    if zone:
        monkeypatch.setenv("PGTZ", zone)
    df = _stamp_frame()
    store.write(df)
    assert_same_frame(store.read(), df, order_by="id")


def test_timestamps_written_in_a_non_utc_session_keep_their_instant(
        store, monkeypatch, postgres_settings):
    monkeypatch.setenv("PGTZ", "Asia/Kolkata")
    store.write(_stamp_frame())
    monkeypatch.delenv("PGTZ")
    with psycopg.connect(**postgres_settings, options="-c TimeZone=UTC") as conn:
        rows = conn.execute(
            f'SELECT aware::text, kolkata::text FROM "{store.table}" WHERE id = 2').fetchone()
    assert rows == ("1900-01-01 00:00:00+00", "1899-12-31 18:38:50+00")


@pytest.mark.parametrize("column_type", ["timestamp", "timestamptz", "date"])
@pytest.mark.parametrize("value", ["infinity", "-infinity"])
def test_an_infinite_timestamp_is_a_clear_error(store, postgres_settings, column_type, value):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (id int, "when" {column_type})',
            f"INSERT INTO \"{store.table}\" VALUES (1, NULL), (2, '{value}')")
    with pytest.raises(ValueError, match=r"'when'.*infinity"):
        store.read()


def test_zero_rows_keep_their_column_types(store):
    df = pd.DataFrame({
        "id": pd.Series([], dtype="int64"), "small": pd.Series([], dtype="Int16"),
        "x": pd.Series([], dtype="float64"), "flag": pd.Series([], dtype="boolean"),
        "name": pd.Series([], dtype=object),
        "naive": pd.Series([], dtype="datetime64[us]"),
        "aware": pd.Series([], dtype="datetime64[us, UTC]"),
    })
    assert store.write(df)["rows_written"] == 0
    back = store.read()
    assert back.dtypes.to_dict() == {
        "id": "Int64", "small": "Int64", "x": "float64", "flag": "boolean",
        "name": TEXT, "naive": "datetime64[us]", "aware": "datetime64[us, UTC]"}
    assert_same_frame(back, df)


def test_zero_rows_of_an_existing_table_have_the_column_types(store, postgres_settings):
    run_sql(postgres_settings, f'CREATE TABLE "{store.table}" '
            "(i smallint, n numeric(10, 2), u numeric, d date, b boolean, t text)")
    back = store.read()
    assert back.dtypes.tolist() == ["Int64", object, object, object, "boolean", TEXT]
    assert len(back) == 0


def test_types_without_an_arrow_counterpart_come_back_as_text(store, postgres_settings):
    uuid = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (id int, j jsonb, u uuid, i interval)',
            f"INSERT INTO \"{store.table}\" VALUES (1, '{{\"a\": 1}}', '{uuid}', '1 day'), "
            "(2, NULL, NULL, NULL)")
    back = store.read().sort_values("id")
    assert back.dtypes.tolist() == ["Int64", TEXT, TEXT, TEXT]
    assert values_of(back["j"]) == ['{"a": 1}', None]
    assert back["u"].tolist()[0] == uuid and back["i"].tolist()[0] == "1 day"


def test_a_write_query_to_an_unreachable_host_is_refused_before_connecting(generated):
    from .conftest import Ctx
    module = generated["postgres"]["extractor"]
    driver = next(value() for name, value in vars(module).items()
                  if name.endswith("Driver") and isinstance(value, type))
    config = {"query": "DELETE FROM orders",
              "resolved_connection": {"host": "192.0.2.1", "port": 5432, "user": "u",
                                      "password": "pw", "database": "d",
                                      "connect_timeout": 30}}
    with pytest.raises(ValueError, match="DELETE is not allowed"):
        driver.run("read", config, None, Ctx())


def test_a_table_name_is_quoted_without_a_connection(generated):
    """Table mode builds its SELECT before connecting too: a host that cannot be
    reached fails on connecting, after the (valid) query was built."""
    from .conftest import Ctx
    module = generated["postgres"]["extractor"]
    driver = next(value() for name, value in vars(module).items()
                  if name.endswith("Driver") and isinstance(value, type))
    config = {"table": 'public.we"ird', "columns": ["a", 'b"c'], "limit": 3,
              "resolved_connection": {"host": "127.0.0.1", "port": 1, "user": "u",
                                      "password": "pw", "database": "d"}}
    with pytest.raises(ConnectionError, match="127.0.0.1:1"):
        driver.run("read", config, None, Ctx())


def test_table_mode_reads_quoted_names_and_limit(store, postgres_settings):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" ("we""ird" int, "Mixed Case" text)',
            f"INSERT INTO \"{store.table}\" VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    back = store.read(columns=['we"ird', "Mixed Case"], limit=2)
    assert list(back.columns) == ['we"ird', "Mixed Case"] and len(back) == 2


def test_upsert_into_a_table_without_a_unique_key_is_refused_before_writing(
        store, postgres_settings):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (id int, name text, UNIQUE (id, name))',
            f"INSERT INTO \"{store.table}\" VALUES (1, 'old')")
    df = pd.DataFrame({"id": [1, 2], "name": ["new", "two"]})
    with pytest.raises(ValueError, match=rf"{store.table}.*\(id\)"):
        store.write(df, "upsert", primary_key=["id"])
    assert store.read()["name"].tolist() == ["old"]


@pytest.mark.parametrize("constraint", [
    "PRIMARY KEY (b, a)", "UNIQUE (a, b)", "CONSTRAINT k UNIQUE (b, a)"])
def test_upsert_uses_any_unique_key_on_exactly_the_key_columns(
        store, postgres_settings, constraint):
    run_sql(postgres_settings,
            f'CREATE TABLE "{store.table}" (a int, b text, v text, {constraint})',
            f"INSERT INTO \"{store.table}\" VALUES (1, 'x', 'old'), (2, 'y', 'keep')")
    df = pd.DataFrame({"a": [1, 3], "b": ["x", "z"], "v": ["new", "added"]})
    assert store.write(df, "upsert", primary_key=["a", "b"])["rows_written"] == 2
    back = store.read().sort_values("a")
    assert back["v"].tolist() == ["new", "keep", "added"]


def test_upsert_into_a_schema_qualified_table_checks_its_key(store, postgres_settings):
    run_sql(postgres_settings, f'CREATE TABLE public."{store.table}" (id int PRIMARY KEY, v text)')
    df = pd.DataFrame({"id": [1], "v": ["a"]})
    store.write(df, "upsert", primary_key="id", table=f"public.{store.table}")
    store.write(df.assign(v="b"), "upsert", primary_key="id", table=f"public.{store.table}")
    assert store.read()["v"].tolist() == ["b"]


def test_upsert_creates_the_table_with_its_primary_key(store):
    df = pd.DataFrame({"id": [1, 2], "v": ["a", "b"]})
    store.write(df, "upsert", primary_key="id")
    store.write(pd.DataFrame({"id": [2], "v": ["B"]}), "upsert", primary_key="id")
    assert store.read().sort_values("id")["v"].tolist() == ["a", "B"]


@pytest.mark.parametrize("mode", ["overwrite", "replace"])
def test_an_empty_frame_does_not_empty_the_table(store, mode):
    store.write(pd.DataFrame({"id": [1]}))
    with pytest.raises(ValueError, match="empty DataFrame"):
        store.write(pd.DataFrame({"id": pd.Series([], dtype="int64")}), mode)
    assert store.read()["id"].tolist() == [1]


def test_a_zero_column_frame_is_refused(store):
    with pytest.raises(ValueError, match="no columns"):
        store.write(pd.DataFrame(index=range(3)))


def test_a_key_repeated_in_one_frame_is_refused_before_writing(store):
    store.write(pd.DataFrame({"id": [1], "v": ["old"]}), "upsert", primary_key="id")
    with pytest.raises(ValueError, match="share a primary_key"):
        store.write(pd.DataFrame({"id": [1, 1], "v": ["a", "b"]}), "upsert", primary_key="id")
    assert store.read()["v"].tolist() == ["old"]
