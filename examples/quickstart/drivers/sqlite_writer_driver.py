"""Writes the input DataFrame into a sqlite table, all in one transaction."""

import sqlite3
from pathlib import Path

from osiris.core.driver import DriverRegistry

WRITE_MODES = ("append", "overwrite", "upsert")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class SqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("sqlite.writer needs inputs['df'] from an upstream step")
            df = inputs["df"].copy()
            Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(config["path"], timeout=10)
            with conn:  # one transaction: committed on success, rolled back on error
                self._write(conn, df, config)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise
        finally:
            if conn is not None:
                conn.close()

    def _validate_config(self, config: dict) -> None:
        missing = [key for key in ("path", "table") if not config.get(key)]
        if missing:
            raise ValueError(f"sqlite.writer needs config {missing}")
        mode = config.get("write_mode", "append")
        if mode not in WRITE_MODES:
            raise ValueError(f"write_mode must be one of {WRITE_MODES}, not {mode!r}")
        if mode == "upsert" and not config.get("primary_key"):
            raise ValueError("write_mode 'upsert' needs config['primary_key']: the key columns")

    def _write(self, conn, df, config: dict) -> None:
        table, mode = config["table"], config.get("write_mode", "append")
        df.head(0).to_sql(table, conn, if_exists="append", index=False)  # create if missing
        columns = ", ".join(quote(c) for c in df.columns)
        marks = ", ".join("?" for _ in df.columns)
        statement = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"
        if mode == "overwrite":
            conn.execute(f"DELETE FROM {quote(table)}")
        elif mode == "upsert":
            keys = ", ".join(quote(k) for k in config["primary_key"])
            index = quote(f"{table}_upsert_key")
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {quote(table)} ({keys})")
            updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in df.columns)
            statement += f" ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        rows = df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)
        conn.executemany(statement, rows)


DriverRegistry.register("sqlite.writer", SqliteWriterDriver())
