"""CSV (issue 12), property-based: frames of every kind come back exact with their kinds
pinned in config['types'], and equal in value by inference alone; an upsert keeps the
rows it does not replace byte for byte, whatever their text and quoting."""

from __future__ import annotations

import decimal

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .frames import TEXT, Capabilities, assert_same_frame, expected_back, frames

CSV = Capabilities(nul_in_text=True)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def kinds(df: pd.DataFrame) -> dict[str, str]:
    """The kind each column was written as, for config['types']."""
    found = {}
    for name, column in df.items():
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            found[name] = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            found[name] = "integer"
        elif pd.api.types.is_float_dtype(dtype):
            found[name] = "float"
        elif isinstance(dtype, pd.DatetimeTZDtype):
            found[name] = "timestamptz"
        elif pd.api.types.is_datetime64_dtype(dtype):
            found[name] = "timestamp"
        else:
            inferred = pd.api.types.infer_dtype(column, skipna=True)
            found[name] = {"decimal": "decimal", "date": "date"}.get(inferred, "text")
    return found


@SETTINGS
@given(frames(CSV))
def test_frames_come_back_exact_with_their_kinds_pinned(store_of, df):
    store = store_of("csv")
    store.write(df)
    assert_same_frame(store.read(types=kinds(df)), df)


@SETTINGS
@given(frames(CSV))
def test_frames_come_back_equal_in_value_by_inference(store_of, df):
    """Without types only three things differ, all documented: a column with no value
    reads as text (all missing), and decimals read as the Int64 or float64 that holds
    them exactly."""
    store = store_of("csv")
    store.write(df)
    back, expected = store.read(), expected_back(df)
    for name, column in expected.items():
        if column.isna().all():
            assert back[name].isna().all() and back[name].dtype == TEXT
        elif kinds(df)[name] == "decimal":
            assert list(map(number, back[name])) == list(map(number, column))
        else:
            pd.testing.assert_series_equal(back[name], column, check_exact=True)


def number(value) -> decimal.Decimal | None:
    """A number of any type as a Decimal of the same value."""
    if pd.isna(value):
        return None
    return decimal.Decimal(repr(value) if isinstance(value, float) else str(value))


RAW = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


@st.composite
def hand_written(draw):
    """A CSV text of rows keyed by distinct texts, fields quoted or bare at random
    (bare only where RFC 4180 allows), LF or CRLF line ends; and keys to replace."""
    keys = draw(st.lists(st.text("0123456789 -NA", min_size=1, max_size=4), unique=True,
                         max_size=8))
    end = draw(st.sampled_from(["\n", "\r\n"]))

    def field(text: str) -> str:
        bare_ok = text and not set(text) & set(',"\r\n')
        return text if bare_ok and draw(st.booleans()) else '"' + text.replace('"', '""') + '"'
    rows = [(key, draw(RAW)) for key in keys]
    raw = [field(key) + "," + field(value) + end for key, value in rows]
    replaced = draw(st.sets(st.sampled_from(keys))) if keys else set()
    return "id,v" + end, raw, keys, replaced


@SETTINGS
@given(hand_written(), st.lists(st.text(max_size=5), min_size=1, max_size=3, unique=True))
def test_upsert_keeps_every_row_it_does_not_replace_byte_for_byte(store_of, case, fresh):
    header, raw, keys, replaced = case
    store = store_of("csv")
    store.path.write_bytes((header + "".join(raw)).encode())
    new_keys = sorted(replaced | {f"new {text}" for text in fresh})
    new = pd.DataFrame({"id": new_keys, "v": ["x"] * len(new_keys)})
    store.write(new, "upsert", primary_key="id")
    kept = "".join(line for key, line in zip(keys, raw, strict=False) if key not in replaced)
    written = "".join('"' + key.replace('"', '""') + '","x"' + header[4:] for key in new_keys)
    assert store.path.read_bytes() == (header + kept + written).encode()


@SETTINGS
@given(frames(CSV))
def test_reading_a_few_lines_at_a_time_gives_the_same_frame(store_of, df):
    """Kinds are decided over the whole file whatever its pieces."""
    store = store_of("csv")
    store.write(df)
    whole, extractor = store.read(), store.drivers["extractor"]
    chunk, extractor.READ_CHUNK = extractor.READ_CHUNK, 16
    try:
        pieces = store.read()
    finally:
        extractor.READ_CHUNK = chunk
    pd.testing.assert_frame_equal(pieces, whole, check_exact=True)


@st.composite
def raw_rows(draw):
    """CSV text of 1-3 columns, each field quoted or bare at random (bare only where
    RFC 4180 allows; an empty bare field is a missing value), any line end, with or
    without one after the last row; and the values it holds."""
    width = draw(st.integers(1, 3))
    values = draw(st.lists(st.lists(st.one_of(st.none(), RAW), min_size=width,
                                    max_size=width), max_size=6))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def field(text: str | None) -> str:
        if text is None:
            return ""
        bare_ok = text and not set(text) & set(',"\r\n')
        return text if bare_ok and draw(st.booleans()) else '"' + text.replace('"', '""') + '"'
    lines = [",".join(field(value) for value in row) for row in values]
    last_end = draw(st.booleans()) or (lines and lines[-1] == "")
    text = ",".join(f"c{i}" for i in range(width)) + end + end.join(lines)
    return text + (end if lines and last_end else ""), values, width


@SETTINGS
@given(raw_rows())
def test_fields_are_split_as_written(store_of, case):
    text, values, width = case
    store = store_of("csv")
    store.path.write_bytes(text.encode())
    back = store.read(types={f"c{i}": "text" for i in range(width)})
    assert back.astype(object).where(back.notna(), None).values.tolist() == values
