"""Extractor reading a query from the sqlite file of its resolved connection."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class SqliteExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            if "query" not in config or "resolved_connection" not in config:
                raise ValueError("config needs 'query' and a 'connection'")
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


DriverRegistry.register("sqlite.extractor", SqliteExtractorDriver())
