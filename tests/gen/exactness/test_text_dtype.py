"""Text in pandas' own string dtype (README, "Types"): every extractor returns text in
the dtype pandas gives strings (str on pandas 3, NaN for NULL), '' apart from NULL; every
writer takes text as that dtype or as objects, and writes a missing value as NULL, never
as the text 'nan'."""

from __future__ import annotations

import pandas as pd
import pytest

from .conftest import BACKENDS
from .frames import TEXT, assert_same_frame, values_of

TEXTS = ["", None, "nan", "NULL", "None", "héllo ☃"]


@pytest.mark.parametrize("dtype", [TEXT, object], ids=["text-dtype", "object"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_text_of_either_dtype_comes_back_in_the_text_dtype(store_of, backend, dtype):
    store = store_of(backend)
    df = pd.DataFrame({"id": range(len(TEXTS)), "t": pd.Series(TEXTS, dtype=dtype)})
    store.write(df)
    back = store.read()
    assert back["t"].dtype == TEXT
    assert values_of(back.sort_values("id")["t"]) == TEXTS
    assert_same_frame(back, df, order_by="id")


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_generated_text_dtype_is_the_one_pandas_gives_strings(generated, backend):
    assert generated[backend]["extractor"].TEXT_DTYPE == TEXT
