"""MySQL/MariaDB (issue 12), property: any frame of the kinds the extractors know,
written by the generated writer, comes back exactly from the generated extractor.
MariaDB stores no +/-infinity (refused: test_mysql_types), DECIMAL holds at most
65 digits, 30 after the point, and the TIMESTAMP columns tz-aware values go into
hold 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC (outside it: refused)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings

from .frames import Capabilities, assert_same_frame, frames

MYSQL = Capabilities(infinity=False, decimal_digits=(35, 30), nul_in_text=True,
                     instants=(dt.datetime(1970, 1, 1, 0, 0, 1),
                               dt.datetime(2038, 1, 19, 3, 14, 7, 999999)))


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
    assert_same_frame(back, df, order_by="id")
