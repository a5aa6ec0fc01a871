"""OSD031: runs whatever query it is given."""

import sqlite3

import pandas as pd
from osiris.core.driver import DriverRegistry


class UncheckedSqlSqliteExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            missing = [k for k in ("query", "resolved_connection") if not config.get(k)]
            if missing:
                raise ValueError(f"unchecked_sql_sqlite.extractor needs config {missing}")
            conn = sqlite3.connect(config["resolved_connection"]["path"])
            with conn:
                cursor = conn.execute(config["query"])
                rows = cursor.fetchall()
            columns = [c[0] for c in cursor.description or []]
            df = pd.DataFrame(rows, columns=columns)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise
        finally:
            if conn is not None:
                conn.close()


DriverRegistry.register("unchecked_sql_sqlite.extractor", UncheckedSqlSqliteExtractorDriver())
