"""OSD030, in an event: the 'connected' event carries the whole connection settings."""

import sqlite3

from osiris.core.driver import DriverRegistry


class ConnectEventSqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            missing = [k for k in ("table", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"connect_event_sqlite.writer needs config {missing}")
            if inputs is None or "df" not in inputs:
                raise ValueError("connect_event_sqlite.writer needs inputs['df']")
            conn = sqlite3.connect(config["resolved_connection"]["path"])
            ctx.log_event("connected", {"connection": config["resolved_connection"]})
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


DriverRegistry.register("connect_event_sqlite.writer", ConnectEventSqliteWriterDriver())
