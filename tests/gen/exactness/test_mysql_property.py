"""MySQL/MariaDB (issue 12), property: any frame of the kinds the extractors know,
written by the generated writer, comes back exactly from the generated extractor.
MariaDB stores no +/-infinity (refused: test_mysql_types), DECIMAL holds at most
65 digits, 30 after the point, and tz-aware timestamps come back naive UTC."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings

from .frames import Capabilities, assert_same_frame, frames

MYSQL = Capabilities(infinity=False, decimal_digits=(35, 30), nul_in_text=True)


def naive_utc(df: pd.DataFrame) -> pd.DataFrame:
    """What DATETIME keeps of a tz-aware column: its UTC instant, without the zone."""
    return pd.DataFrame({
        name: column.dt.tz_convert("UTC").dt.tz_localize(None)
        if isinstance(column.dtype, pd.DatetimeTZDtype) else column
        for name, column in df.items()})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=frames(MYSQL))
def test_any_frame_comes_back_exact(store_of, df):
    store = store_of("mysql")  # a table of its own for each example
    try:
        store.write(df)
        back = store.read()
    finally:
        for drop in store.cleanup:
            drop()
    assert_same_frame(back, naive_utc(df), order_by="id")
