"""Writes journal entries into the accounting SQLite file."""

import sqlite3

from osiris.core.driver import DriverRegistry

INSERT = "INSERT INTO journal (entry_id, account, amount, booked_on, memo) VALUES (?, ?, ?, ?, ?)"
UPSERT = INSERT + " ON CONFLICT (entry_id) DO UPDATE SET account = excluded.account, amount = excluded.amount"


class JournalWriterDriver:
    """Forgets to return: the caller gets None instead of {}."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("journal.writer needs inputs['df']")
            df = inputs["df"]
            rows = list(df[["entry_id", "account", "amount", "booked_on", "memo"]].itertuples(index=False, name=None))
            mode = config.get("write_mode", "append")
            conn = sqlite3.connect(config["path"], timeout=30)
            try:
                with conn:
                    if mode == "append":
                        conn.executemany(INSERT, rows)
                    elif mode == "overwrite":
                        conn.execute("DELETE FROM journal")
                        conn.executemany(INSERT, rows)
                    elif mode == "upsert":
                        if config.get("key_columns", ["entry_id"]) != ["entry_id"]:
                            raise ValueError("journal.writer upserts on entry_id only")
                        conn.executemany(UPSERT, rows)
                    else:
                        raise ValueError(f"Unknown write_mode {mode!r}")
            finally:
                conn.close()
            ctx.log_metric("rows_written", len(rows))
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("path"):
            raise ValueError("journal.writer needs config['path']")


DriverRegistry.register("journal.writer", JournalWriterDriver())
