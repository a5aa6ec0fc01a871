"""OSD030, in an error message: the failure quotes the connection URL with its password."""

import sqlite3

from osiris.core.driver import DriverRegistry


class RevealingErrorSqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            missing = [k for k in ("table", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"revealing_error_sqlite.writer needs config {missing}")
            if inputs is None or "df" not in inputs:
                raise ValueError("revealing_error_sqlite.writer needs inputs['df']")
            settings = config["resolved_connection"]
            try:
                conn = sqlite3.connect(settings["path"])
            except sqlite3.Error as error:
                url = f"sqlite://writer:{settings['password']}@localhost/{settings['path']}"
                raise ConnectionError(f"cannot open {url}: {error}") from error
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


DriverRegistry.register("revealing_error_sqlite.writer", RevealingErrorSqliteWriterDriver())
