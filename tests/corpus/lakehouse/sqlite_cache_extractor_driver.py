"""Extracts cached API responses from the local SQLite cache."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class SqliteCacheExtractorDriver:
    """Switches the cache to WAL so that reading does not block the process filling it."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            conn = sqlite3.connect(config["path"], timeout=10)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                df = pd.read_sql_query(
                    "SELECT url, status, body, fetched_at FROM responses WHERE fetched_at >= ?",
                    conn,
                    params=(config.get("since", "1970-01-01"),),
                )
            finally:
                conn.close()
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("sqlite_cache.extractor needs config['path']")


DriverRegistry.register("sqlite_cache.extractor", SqliteCacheExtractorDriver())
