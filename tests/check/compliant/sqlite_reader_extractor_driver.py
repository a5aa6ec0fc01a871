"""Compliant sqlite extractor: validated config, read-only query, metric, step_failed."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry
from sql_guard import validate_read_only


class SqliteReaderExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            self._validate_config(config)
            validate_read_only(config["query"])
            conn = sqlite3.connect(config["resolved_connection"]["path"], timeout=10)
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

    def _validate_config(self, config: dict) -> None:
        if not config.get("query"):
            raise ValueError("sqlite.extractor needs config['query']: the SELECT to run")
        if not (config.get("resolved_connection") or {}).get("path"):
            raise ValueError("sqlite.extractor needs a connection with a 'path' (resolved_connection)")


DriverRegistry.register("sqlite.extractor", SqliteReaderExtractorDriver())
