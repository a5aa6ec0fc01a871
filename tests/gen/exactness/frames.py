"""What "the same frame came back" means for issue 12, and hypothesis frames to try it on.

Every generated extractor returns one pandas type per SQL type family (README, "Types"):
integers as Int64, booleans as boolean, floats as float64, decimals and dates as
objects (Decimal, datetime.date; None for NULL), text in pandas' own string dtype
(`TEXT`: str on pandas 3, NaN for NULL; object on pandas 2, None for NULL; '' is never
missing), timestamps as datetime64[us] (tz-aware ones in UTC). `expected_back` turns
what was written into that form, so a round trip is one assert_frame_equal with exact
values. Text is written both as object columns and in `TEXT`."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import strategies as st

INT_DTYPES = ("Int8", "Int16", "Int32", "Int64", "int64")
# The dtype pandas itself gives strings (pd.Series(["a"]), read_csv, read_sql).
TEXT = pd.Series(["text"]).dtype


def expected_back(df: pd.DataFrame) -> pd.DataFrame:
    """The frame an exact round trip returns for ``df``."""
    out = {}
    for name, column in df.items():
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            column = column.astype("boolean")
        elif pd.api.types.is_integer_dtype(dtype):
            column = column.astype("Int64")
        elif isinstance(dtype, pd.DatetimeTZDtype):
            column = column.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        elif pd.api.types.is_datetime64_dtype(dtype):
            column = column.astype("datetime64[us]")
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            # Text, or a column without values (written as text); else Decimal or date.
            text = pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")
            column = column.astype(object).where(column.notna(), None)
            if text:
                column = column.astype(TEXT)
        out[name] = column
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def values_of(column: pd.Series) -> list:
    """The column's values, None for each missing one (NaN in a str column)."""
    return column.astype(object).where(column.notna(), None).tolist()


def assert_same_frame(back: pd.DataFrame, written: pd.DataFrame, order_by: str | None = None):
    """``back`` is exactly ``written`` in the extractors' types (rows sorted by
    ``order_by`` first when the backend does not keep the order)."""
    expected = expected_back(written)
    if order_by is not None:
        back = back.sort_values(order_by, kind="stable").reset_index(drop=True)
        expected = expected.sort_values(order_by, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), expected, check_exact=True)


@dataclass(frozen=True)
class Capabilities:
    """What a backend can store, so the frames tried on it stay within that."""

    nan: bool = True  # float NaN (written as NULL, read back as NaN either way)
    infinity: bool = True  # float +/-inf
    decimal_digits: tuple[int, int] = (38, 18)  # (precision, scale) of generated Decimals
    nul_in_text: bool = False  # "\x00" inside text
    earliest: dt.datetime = dt.datetime(1, 1, 1)
    latest: dt.datetime = dt.datetime(9999, 12, 31, 23, 59, 59, 999999)
    timezones: bool = True  # tz-aware timestamps keep their instant
    instants: tuple[dt.datetime, dt.datetime] | None = None  # UTC range of tz-aware ones, if narrower


def _ints(dtype: str):
    info = np.iinfo(dtype.lower())
    extremes = st.sampled_from([info.min, info.max, 0, -1, 1])
    return st.one_of(extremes, st.integers(int(info.min), int(info.max)))


def _decimals(caps: Capabilities, scale: int):
    """Decimals that one DECIMAL(precision, scale) column of the backend holds all of:
    at most ``scale`` places and ``precision - scale`` whole digits each."""
    precision = caps.decimal_digits[0]

    @st.composite
    def value(draw):
        places = draw(st.integers(0, scale))
        whole = draw(st.integers(0, precision - scale))
        digits = draw(st.integers(0, 10 ** (whole + places) - 1)) if whole + places else 0
        sign = draw(st.sampled_from([1, -1]))
        return decimal.Decimal(sign * digits).scaleb(-places)
    return value()


def _text(caps: Capabilities):
    alphabet = st.characters(blacklist_categories=("Cs",),
                             blacklist_characters="" if caps.nul_in_text else "\x00")
    return st.one_of(st.sampled_from(["", "NULL", "NA", "None", "00501", " x ", "a,b\n\"c\""]),
                     st.text(alphabet, max_size=20))


def _timestamps(caps: Capabilities, aware: bool = False):
    earliest, latest = (caps.instants if aware and caps.instants
                        else (caps.earliest, caps.latest))
    return st.datetimes(min_value=earliest, max_value=latest)


@st.composite
def column(draw, caps: Capabilities, rows: int) -> pd.Series:
    """One column of ``rows`` values of one kind, NULLs (None/NA/NaT/NaN) among them."""
    kind = draw(st.sampled_from(["int", "float", "decimal", "bool", "text", "date",
                                 "timestamp", "timestamptz"]))
    missing = st.none()
    if kind == "int":
        dtype = draw(st.sampled_from(INT_DTYPES))
        nullable = dtype != "int64"
        values = draw(st.lists(st.one_of(_ints(dtype), missing) if nullable else _ints(dtype),
                               min_size=rows, max_size=rows))
        return pd.Series(values, dtype=dtype)
    if kind == "float":
        values = draw(st.lists(st.floats(allow_nan=caps.nan, allow_infinity=caps.infinity,
                                         width=64), min_size=rows, max_size=rows))
        return pd.Series(values, dtype="float64")
    if kind == "bool":
        values = draw(st.lists(st.one_of(st.booleans(), missing), min_size=rows, max_size=rows))
        return pd.Series(values, dtype="boolean")
    if kind == "decimal":
        scale = draw(st.integers(0, caps.decimal_digits[1]))
        values = draw(st.lists(st.one_of(_decimals(caps, scale), missing),
                               min_size=rows, max_size=rows))
        return pd.Series(values, dtype=object)
    if kind == "text":
        values = draw(st.lists(st.one_of(_text(caps), missing), min_size=rows, max_size=rows))
        return pd.Series(values, dtype=draw(st.sampled_from([object, TEXT])))
    if kind == "date":
        dates = st.dates(min_value=caps.earliest.date(), max_value=caps.latest.date())
        values = draw(st.lists(st.one_of(dates, missing), min_size=rows, max_size=rows))
        return pd.Series(values, dtype=object)
    aware = kind == "timestamptz" and caps.timezones
    stamps = draw(st.lists(st.one_of(_timestamps(caps, aware), missing),
                           min_size=rows, max_size=rows))
    series = pd.Series(pd.array(stamps, dtype="datetime64[us]"))
    if aware:
        zone = draw(st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns"]))
        # Localising near the ends of the range could leave it; UTC then converts.
        series = series.dt.tz_localize("UTC").dt.tz_convert(zone)
    return series


@st.composite
def frames(draw, caps: Capabilities = Capabilities(), max_rows: int = 12) -> pd.DataFrame:
    """A frame of 1-5 columns of mixed kinds and 0-``max_rows`` rows; column ``id`` is a
    unique int64 key, so rows can be matched whatever order the backend returns."""
    rows = draw(st.integers(0, max_rows))
    width = draw(st.integers(1, 5))
    data = {"id": pd.Series(range(rows), dtype="int64")}
    for index in range(width):
        data[f"c{index}"] = draw(column(caps, rows))
    return pd.DataFrame(data)
