"""Compliant duckdb writer: registers a copy of the input and inserts it in a transaction."""

import duckdb
from osiris.core.driver import DriverRegistry

WRITE_MODES = ("append", "overwrite")


class DuckdbStoreWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if not inputs or "df" not in inputs:
                raise ValueError("duckdb.writer needs inputs['df'] from an upstream step")
            df = inputs["df"].copy()
            table = '"' + config["table"].replace('"', '""') + '"'
            with duckdb.connect(config["resolved_connection"]["path"]) as conn:
                conn.register("incoming", df)
                conn.execute("BEGIN")
                try:
                    conn.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM incoming LIMIT 0")
                    if config.get("write_mode", "append") == "overwrite":
                        conn.execute(f"DELETE FROM {table}")
                    conn.execute(f"INSERT INTO {table} SELECT * FROM incoming")
                    conn.execute("COMMIT")
                except Exception:
                    conn.execute("ROLLBACK")
                    raise
                finally:
                    conn.unregister("incoming")
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise

    def _validate_config(self, config: dict) -> None:
        missing = [k for k in ("table", "resolved_connection") if not config.get(k)]
        if missing:
            raise ValueError(f"duckdb.writer needs config {missing}")
        if config.get("write_mode", "append") not in WRITE_MODES:
            raise ValueError(f"write_mode must be one of {WRITE_MODES}")


DriverRegistry.register("duckdb.writer", DuckdbStoreWriterDriver())
