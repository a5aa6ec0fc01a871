"""OSD030: logs the resolved connection, password included."""

import logging
import sqlite3

from osiris.core.driver import DriverRegistry

logger = logging.getLogger(__name__)


class LoggedDsnSqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            missing = [k for k in ("table", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"logged_dsn_sqlite.writer needs config {missing}")
            if inputs is None or "df" not in inputs:
                raise ValueError("logged_dsn_sqlite.writer needs inputs['df']")
            logger.info("connecting with %s", config["resolved_connection"])
            conn = sqlite3.connect(config["resolved_connection"]["path"])
            df = inputs["df"]
            with conn:
                df.to_sql(config["table"], conn, if_exists="append", index=False)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise
        finally:
            if conn is not None:
                conn.close()


DriverRegistry.register("logged_dsn_sqlite.writer", LoggedDsnSqliteWriterDriver())
