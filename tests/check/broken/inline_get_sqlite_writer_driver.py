"""OSD030: logs the password read inline from the resolved connection."""

import logging
import sqlite3
from contextlib import closing

from osiris.core.driver import DriverRegistry


class InlineGetSqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            missing = [k for k in ("table", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"inline_get_sqlite.writer needs config {missing}")
            if inputs is None or "df" not in inputs:
                raise ValueError("inline_get_sqlite.writer needs inputs['df']")
            logging.info("connecting as %s", config["resolved_connection"].get("password"))
            df = inputs["df"]
            with closing(sqlite3.connect(config["resolved_connection"]["path"])) as conn, conn:
                df.to_sql(config["table"], conn, if_exists="append", index=False)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("inline_get_sqlite.writer", InlineGetSqliteWriterDriver())
