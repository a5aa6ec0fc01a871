"""OSD031, hidden by the database: a read-only connection refuses writes, but the
driver itself never validates the query."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class ReadonlyUriSqliteExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            missing = [k for k in ("query", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"readonly_uri_sqlite.extractor needs config {missing}")
            path = config["resolved_connection"]["path"]
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            df = pd.read_sql_query(config["query"], conn)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise
        finally:
            if conn is not None:
                conn.close()


DriverRegistry.register("readonly_uri_sqlite.extractor", ReadonlyUriSqliteExtractorDriver())
