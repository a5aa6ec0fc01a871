"""The harness itself: a plain frame goes through every backend's generated pair."""

import pandas as pd
import pytest

from .conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_plain_frame_goes_in_and_comes_out(store_of, backend):
    store = store_of(backend)
    df = pd.DataFrame({"id": [1, 2], "name": ["a", "b"]})
    assert store.write(df)["rows_written"] == 2
    back = store.read()
    assert back["id"].tolist() == [1, 2] and back["name"].tolist() == ["a", "b"]
