"""OSD023: opens the database before looking at the config it needs."""

import sqlite3

from osiris.core.driver import DriverRegistry


class ConnectFirstSqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("connect_first_sqlite.writer needs inputs['df']")
            conn = sqlite3.connect(config.get("resolved_connection", {}).get("path", ":memory:"))
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


DriverRegistry.register("connect_first_sqlite.writer", ConnectFirstSqliteWriterDriver())
