"""Issue 12's property: any frame the SQLite or DuckDB writer accepts, its extractor
gives back exactly (README "Types"), whatever hypothesis draws."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from .frames import Capabilities, assert_same_frame, frames

CAPABILITIES = {
    # Decimals are text in SQLite: wider than any DECIMAL.
    "sqlite": Capabilities(decimal_digits=(60, 30), nul_in_text=True),
    "duckdb": Capabilities(decimal_digits=(38, 18), nul_in_text=True),
}


@pytest.mark.parametrize("backend", sorted(CAPABILITIES))
def test_what_is_written_comes_back_exactly(store_of, backend):
    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(frames(CAPABILITIES[backend]))
    def round_trip(df):
        store = store_of(backend)
        assert store.write(df)["rows_written"] == len(df)
        assert_same_frame(store.read(), df, order_by="id")

    round_trip()
