"""CSV (issue 12): upsert and append keep every row they do not replace byte for byte,
whatever its text (leading zeros, NA/None/NULL, -42.50, quoting, CRLF line ends), and
refuse a file they could not keep that way, leaving it unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

HAND_WRITTEN = (
    "id,zip,amount,note\r\n"
    "1,00501,-42.50,NA\r\n"
    '"7",02134,1e3,"a, ""quoted""\r\nnote"\r\n'
    "3,,NULL,None\r\n"
    "4, 12 ,0.10,\r\n"
)


@pytest.fixture
def store(store_of):
    return store_of("csv")


def lines(path) -> list[bytes]:
    return path.read_bytes().split(b"\r\n")


def test_upsert_replaces_only_matching_keys_and_keeps_the_rest_byte_for_byte(store):
    store.path.write_bytes(HAND_WRITTEN.encode())
    new = pd.DataFrame({"id": [7, 9], "zip": ["99999", None], "amount": [1.5, None],
                        "note": ["", "x"]})
    assert store.write(new, "upsert", primary_key="id")["rows_written"] == 2
    assert store.path.read_bytes() == (
        b"id,zip,amount,note\r\n"
        b"1,00501,-42.50,NA\r\n"
        b"3,,NULL,None\r\n"
        b"4, 12 ,0.10,\r\n"
        b'7,"99999",1.5,""\r\n'
        b'9,,,"x"\r\n')


def test_upsert_matches_keys_by_their_text(store):
    """The file's "007" is not the key 7 (written as 7): both rows stay."""
    store.path.write_text("id,v\n007,a\n", encoding="utf-8")
    store.write(pd.DataFrame({"id": [7], "v": ["b"]}), "upsert", primary_key=["id"])
    assert store.path.read_text(encoding="utf-8") == 'id,v\n007,a\n7,"b"\n'


def test_upsert_on_a_composite_text_key(store):
    store.write(pd.DataFrame({"a": ["x", "x"], "b": ["1", "2"], "v": [1, 2]}))
    store.write(pd.DataFrame({"a": ["x"], "b": ["2"], "v": [20]}), "upsert", primary_key=["a", "b"])
    assert store.read().values.tolist() == [["x", "1", 1], ["x", "2", 20]]


def test_append_keeps_the_file_and_its_line_ends(store):
    store.path.write_bytes(HAND_WRITTEN.encode()[:-2])  # no line end after the last row
    store.write(pd.DataFrame({"id": [5], "zip": ["1"], "amount": [2.0], "note": [None]}))
    assert store.path.read_bytes() == (HAND_WRITTEN + '5,"1",2.0,\r\n').encode()


@pytest.mark.parametrize("mode", ["append", "upsert"])
def test_a_different_header_is_refused_and_the_file_kept(store, mode):
    store.path.write_bytes(HAND_WRITTEN.encode())
    with pytest.raises(ValueError, match="columns"):
        store.write(pd.DataFrame({"id": [1], "zip": ["1"]}), mode, primary_key="id")
    assert store.path.read_bytes() == HAND_WRITTEN.encode()


@pytest.mark.parametrize("mode", ["append", "upsert"])
def test_a_byte_order_mark_is_refused_unless_the_encoding_says_so(store, mode):
    data = b"\xef\xbb\xbfid,v\r\n1,a\r\n"
    store.path.write_bytes(data)
    new = pd.DataFrame({"id": [2], "v": ["b"]})
    with pytest.raises(ValueError, match="utf-8-sig"):
        store.write(new, mode, primary_key="id")
    assert store.path.read_bytes() == data
    store.write(new, mode, primary_key="id", encoding="utf-8-sig")
    assert store.path.read_bytes() == data + b'2,"b"\r\n'


def test_a_file_that_is_not_csv_is_refused_not_rewritten(store):
    data = b'id,v\n1,"never closed\n2,b\n'
    store.path.write_bytes(data)
    with pytest.raises(ValueError, match="line 2"):
        store.write(pd.DataFrame({"id": [2], "v": ["c"]}), "upsert", primary_key="id")
    assert store.path.read_bytes() == data


def test_a_row_with_a_wrong_field_count_is_named(store):
    data = b"id,v\n1,a\n2,b,c\n"
    store.path.write_bytes(data)
    with pytest.raises(ValueError, match="line 3"):
        store.read()
    with pytest.raises(ValueError, match="line 3"):
        store.write(pd.DataFrame({"id": [2], "v": ["c"]}), "upsert", primary_key="id")
    assert store.path.read_bytes() == data
