"""PostgreSQL (issue 12): any frame hypothesis makes within what PostgreSQL stores
(NaN and infinities, Decimals of up to 60 digits with 20 after the point, timestamps
over the whole pandas range in several zones) comes back exactly from the real server,
in the extractors' types."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from .frames import Capabilities, assert_same_frame, frames

POSTGRES = Capabilities(nan=True, infinity=True, decimal_digits=(60, 20), nul_in_text=False)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(df=frames(POSTGRES))
def test_any_frame_comes_back_exactly(store_of, df):
    store = store_of("postgres")  # a fresh table per example, all dropped after the test
    assert store.write(df)["rows_written"] == len(df)
    assert_same_frame(store.read(), df, order_by="id")
