"""CSV (issue 12): the generated writer and extractor keep values exact. CSV has no
column types, so the writer writes each kind in one text form (text always quoted, a
missing value as an empty unquoted field) and the extractor infers a kind only from
what the text shows, or takes it from config['types']."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

from .frames import TEXT, assert_same_frame, values_of

D = decimal.Decimal
KINDS = {"id": "integer", "i8": "integer", "i64": "integer", "low": "integer",
         "f": "float", "amount": "decimal", "flag": "boolean", "name": "text",
         "day": "date", "at": "timestamp", "at_tz": "timestamptz"}


@pytest.fixture
def store(store_of):
    return store_of("csv")


def every_kind() -> pd.DataFrame:
    stamps = pd.Series(pd.array([dt.datetime(1, 1, 1), None, dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                                 dt.datetime(2024, 2, 29, 12, 30, 0, 5), dt.datetime(1900, 1, 1)],
                                dtype="datetime64[us]"))
    return pd.DataFrame({
        "id": pd.Series(range(5), dtype="int64"),
        "i8": pd.Series([-128, None, 127, 0, 1], dtype="Int8"),
        "i64": pd.Series([9007199254740993, None, 2**63 - 1, -1, 0], dtype="Int64"),
        "low": pd.Series([-2**63, 0, None, 5, 6], dtype="Int64"),
        "f": pd.Series([0.1, np.nan, np.inf, -np.inf, 1e-300], dtype="float64"),
        "amount": pd.Series([D("12345678901234567890.123456789"), None, D("-0.000000000000000000001"),
                             D("1.50"), D("1E+40")], dtype=object),
        "flag": pd.Series([True, None, False, True, False], dtype="boolean"),
        "name": pd.Series(["", None, "NULL", 'a,"b"\r\nc', "NA None ünï 🙂"], dtype=object),
        "day": pd.Series([dt.date(1, 1, 1), None, dt.date(9999, 12, 31), dt.date(2024, 2, 29),
                          dt.date(1970, 1, 1)], dtype=object),
        "at": stamps,
        "at_tz": stamps.dt.tz_localize("UTC").dt.tz_convert("Asia/Kolkata"),
    })


def test_every_kind_comes_back_exact_with_types(store):
    df = every_kind()
    assert store.write(df)["rows_written"] == 5
    assert_same_frame(store.read(types=KINDS), df)


def test_every_kind_comes_back_exact_by_inference_too(store):
    """No config: every column above shows its kind in its text (the decimals do not
    survive a float, the text is quoted), so inference gets them all."""
    df = every_kind()
    store.write(df)
    back = store.read()
    assert back["amount"].tolist()[0] == D("12345678901234567890.123456789")
    assert_same_frame(back, df)


def test_text_stays_text_and_missing_is_not_empty(store):
    df = pd.DataFrame({"zip": ["00501", "7", "", None, "NA", "NULL", "None", "nan", "True"]})
    store.write(df)
    back = store.read()
    assert back["zip"].dtype == TEXT
    assert values_of(back["zip"]) == ["00501", "7", "", None, "NA", "NULL", "None", "nan",
                                      "True"]


def test_a_hand_written_file_is_read_as_its_text_shows(store):
    store.path.write_text(
        "id,zip,n,amount,price,note,flag,big\r\n"
        '1,00501,1,-42.50,5,NA,true,12345678901234567890.123456789\r\n'
        '2,,2,,19.9,"",False,\r\n'
        '3,02134,,7,0.1,NULL,,1\r\n', encoding="utf-8")
    back = store.read()
    assert values_of(back["zip"]) == ["00501", None, "02134"]  # leading zeros: text
    assert str(back["n"].dtype) == "Int64" and back["n"].tolist()[:2] == [1, 2]
    assert back["amount"].dtype == "float64" and back["amount"].tolist()[0] == -42.5
    assert back["price"].tolist() == [5.0, 19.9, 0.1]
    assert back["note"].tolist() == ["NA", "", "NULL"]
    assert back["flag"].dtype == "boolean" and back["flag"].tolist()[:2] == [True, False]
    assert back["big"].tolist()[0] == D("12345678901234567890.123456789")


def test_a_decimal_a_float_could_hold_needs_types(store):
    """D('1.5') is written as 1.5, which reads as a float unless the column is pinned."""
    df = pd.DataFrame({"id": [1, 2], "amount": [D("1.5"), D("2.25")]})
    store.write(df)
    assert store.read()["amount"].tolist() == [1.5, 2.25]
    assert_same_frame(store.read(types={"amount": "decimal"}), df)


def test_a_header_only_file_is_a_zero_row_frame(store):
    store.path.write_text("id,name\n", encoding="utf-8")
    back = store.read()
    assert len(back) == 0 and list(back.columns) == ["id", "name"]
    typed = store.read(types={"id": "integer", "name": "text"})
    assert typed.dtypes.tolist() == ["Int64", TEXT]


def test_a_zero_row_frame_appends_a_header_that_reads_back(store):
    df = pd.DataFrame({"id": pd.Series([], dtype="Int64"), "at": pd.Series([], dtype="datetime64[us]")})
    assert store.write(df)["rows_written"] == 0
    back = store.read(types={"id": "integer", "at": "timestamp"})
    assert_same_frame(back, df)


def test_a_value_that_does_not_fit_its_pinned_type_names_column_and_line(store):
    store.path.write_text("id,n\n1,5\n2,five\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"'n', row 2.*five"):
        store.read(types={"n": "integer"})


def test_unknown_types_are_rejected(store):
    store.path.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="types"):
        store.read(types={"id": "int128"})


@pytest.mark.parametrize("mode", ["overwrite", "replace"])
def test_an_empty_overwrite_is_refused_and_the_file_kept(store, mode):
    store.write(pd.DataFrame({"id": range(100)}))
    before = store.path.read_bytes()
    with pytest.raises(ValueError, match="empty DataFrame"):
        store.write(pd.DataFrame({"id": pd.Series([], dtype="int64")}), mode)
    assert store.path.read_bytes() == before


def test_a_zero_column_frame_is_refused(store):
    with pytest.raises(ValueError, match="no columns"):
        store.write(pd.DataFrame(index=range(3)))
    assert not store.path.exists()


def test_nanoseconds_are_refused_not_cut(store):
    df = pd.DataFrame({"at": pd.Series(pd.to_datetime(["2024-01-01 00:00:00.000000001"]))})
    with pytest.raises(ValueError, match="'at'.*nanosecond"):
        store.write(df)
    assert not store.path.exists()


def test_a_column_of_mixed_values_is_refused(store):
    with pytest.raises(ValueError, match="'x'"):
        store.write(pd.DataFrame({"x": ["a", 1]}))


def test_a_byte_order_mark_needs_utf_8_sig(store):
    store.path.write_bytes(b"\xef\xbb\xbfid,name\n1,a\n")
    with pytest.raises(ValueError, match="utf-8-sig"):
        store.read()
    assert store.read(encoding="utf-8-sig")["id"].tolist() == [1]


@pytest.fixture
def small_pieces(store, monkeypatch):
    """The extractor reads the file a few lines at a time, so that kinds are decided
    over many pieces."""
    monkeypatch.setattr(store.drivers["extractor"], "READ_CHUNK", 64)
    return store


def test_a_kind_is_decided_over_the_whole_file_not_the_first_rows(small_pieces):
    """A later row that moves a column's kind on makes the rows before it read as
    that kind too (the extractor reads the file again for them), exactly."""
    rows = [f"{i},{i},{i},,{i}" for i in range(200)]
    rows += ["200,1.5,12345678901234567890.5,7,\"x\"", "201,,,,"]
    small_pieces.path.write_text("id,f,d,late,t\n" + "\n".join(rows) + "\n", encoding="utf-8")
    back = small_pieces.read()
    assert back["id"].dtype == "Int64" and back["id"].tolist() == list(range(202))
    assert back["f"].dtype == "float64" and back["f"].tolist()[199:201] == [199.0, 1.5]
    assert back["d"].tolist()[:2] == [D(0), D(1)] and back["d"].tolist()[200] == D(
        "12345678901234567890.5")
    assert str(back["late"].dtype) == "Int64" and back["late"].tolist()[200] == 7
    assert back["late"].isna().sum() == 201
    assert back["t"].dtype == TEXT and back["t"].tolist()[:2] == ["0", "1"]
    assert values_of(back["t"])[200:] == ["x", None]


def test_small_pieces_read_every_kind_back_exact(small_pieces):
    df = pd.concat([every_kind()] * 20, ignore_index=True)
    small_pieces.write(df)
    assert_same_frame(small_pieces.read(), df)
    assert_same_frame(small_pieces.read(types=KINDS), df)
    assert_same_frame(small_pieces.read(limit=37), df.head(37))


def test_a_misfit_in_a_later_piece_names_its_row(small_pieces):
    small_pieces.path.write_text("n\n" + "1\n" * 300 + "x\n1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"'n', row 301.*'x' is not an integer"):
        small_pieces.read(types={"n": "integer"})


def test_timestamps_are_read_as_their_text_shows(store):
    store.path.write_text(
        "at,tz\n"
        "2024-02-29 12:30:00.5,2024-02-29T12:30:00.000001+05:30\n"
        "0001-01-01T00:00:00,0001-01-01 05:30:00+05:30\n"
        ",9999-12-31 20:00:00-03:59\n"
        "9999-12-31 23:59:59.999999,2000-01-01 00:00:00Z\n", encoding="utf-8")
    back = store.read()
    assert back["at"].dtype == "datetime64[us]" and back["at"].tolist()[:2] == [
        pd.Timestamp("2024-02-29 12:30:00.5"), pd.Timestamp("0001-01-01")]
    assert str(back["tz"].dtype) == "datetime64[us, UTC]"
    assert [t.isoformat() for t in back["tz"]] == [
        "2024-02-29T07:00:00.000001+00:00", "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:00+00:00", "2000-01-01T00:00:00+00:00"]


@pytest.mark.parametrize("text", [
    "0000-01-01 00:00:00", "2023-02-29 00:00:00", "2024-01-01 24:00:00",
    "2024-01-01 23:59:60", "2024-01-01 00:00:00.1234567", "2024-01-01",
    "0001-01-01 00:00:00+00:01", "9999-12-31 23:59:59-00:01", "2024-01-01 00:00",
])
def test_what_is_not_a_timestamp_stays_text(store, text):
    """Invalid days and times, the year 0, a time outside 0001-9999 once in UTC."""
    store.path.write_text(f"at\n2024-01-01 00:00:00\n{text}\n", encoding="utf-8")
    assert store.read()["at"].tolist() == ["2024-01-01 00:00:00", text]


def test_mixed_offsets_are_neither_timestamp_kind(store):
    store.path.write_text("at\n2024-01-01 00:00:00\n2024-01-01 00:00:00Z\n", encoding="utf-8")
    assert store.read()["at"].dtype == TEXT
    with pytest.raises(ValueError, match=r"row 2.*without an offset"):
        store.read(types={"at": "timestamp"})
    with pytest.raises(ValueError, match=r"row 1.*with an offset"):
        store.read(types={"at": "timestamptz"})


@pytest.mark.parametrize("texts, kind", [
    (["0.1", "1e-300", "123456789012345"], "float64"),
    (["0.1", "0.30000000000000004", "1.7976931348623157e308", "5e-324"], "float64"),
    (["0.1", "0.300000000000000000", "19.90"], "float64"),
    (["0.1", "1e-400"], "object"),
    (["0.1", "0.12345678901234567"], "object"),
    (["1.5", "1e400"], "object"),
])
def test_a_float_column_only_takes_numbers_a_float_holds(store, texts, kind):
    """A number a float holds reads as float64 (its shortest text need not be the
    written one); one that a float would change keeps the column Decimal."""
    store.path.write_text("x\n" + "\n".join(texts) + "\n", encoding="utf-8")
    back = store.read()["x"]
    assert str(back.dtype) == kind
    expected = [float(t) for t in texts] if kind == "float64" else [D(t) for t in texts]
    if texts[-1] == "1e400":
        expected = [D(t) for t in texts]
    assert back.tolist() == expected
