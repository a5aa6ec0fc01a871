"""Writes cost allocations into the controlling SQLite file."""

import sqlite3

from osiris.core.driver import DriverRegistry

COLUMNS = "allocation_id, cost_center, account, amount, period"
INSERT = f"INSERT INTO allocations ({COLUMNS}) VALUES (?, ?, ?, ?, ?)"


class AllocationsWriterDriver:
    """Its upsert is ``INSERT OR REPLACE``, which replaces on whatever unique index the
    table happens to have: the configured key columns are never looked at."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("allocations.writer needs inputs['df']")
            df = inputs["df"]
            rows = list(df[["allocation_id", "cost_center", "account", "amount", "period"]].itertuples(index=False, name=None))
            mode = config.get("write_mode", "append")
            conn = sqlite3.connect(config["path"], timeout=30)
            try:
                with conn:
                    if mode == "append":
                        conn.executemany(INSERT, rows)
                    elif mode == "overwrite":
                        conn.execute("DELETE FROM allocations")
                        conn.executemany(INSERT, rows)
                    elif mode == "upsert":
                        conn.executemany(f"INSERT OR REPLACE INTO allocations ({COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows)
                    else:
                        raise ValueError(f"Unknown write_mode {mode!r}")
            finally:
                conn.close()
            ctx.log_metric("rows_written", len(rows))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("allocations.writer needs config['path']")


DriverRegistry.register("allocations.writer", AllocationsWriterDriver())
