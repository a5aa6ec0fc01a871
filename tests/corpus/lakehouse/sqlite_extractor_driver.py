"""Extracts stock counts from a SQLite file."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class SqliteExtractorDriver:
    """Switches the connection to read-only before it runs the query."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            conn = sqlite3.connect(cfg["path"], timeout=cfg["timeout"])
            try:
                conn.execute("PRAGMA query_only = ON")
                df = pd.read_sql_query(
                    "SELECT id, sku, quantity, warehouse, counted_at FROM stock_counts "
                    "WHERE counted_at >= :since ORDER BY id",
                    conn,
                    params={"since": cfg["since"]},
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

    def _validate_config(self, config: dict) -> dict:
        connection = config.get("resolved_connection") or {}
        path = config.get("path") or connection.get("path")
        if not path:
            raise ValueError("sqlite.extractor needs config['path'] or a connection with a 'path'")
        return {"path": path, "since": config.get("since", "1970-01-01"), "timeout": float(config.get("timeout", 5))}


DriverRegistry.register("sqlite.extractor", SqliteExtractorDriver())
