"""Writes the upstream DataFrame into a SQLite table in one transaction."""

import sqlite3

from osiris.core.driver import DriverRegistry

from .identifiers import quote_identifier, quote_list


def insert_sql(table: str, columns: list[str]) -> str:
    placeholders = ", ".join("?" for _ in columns)
    return f"INSERT INTO {quote_identifier(table)} ({quote_list(columns)}) VALUES ({placeholders})"


def upsert_sql(table: str, columns: list[str], keys: list[str]) -> str:
    updates = ", ".join(f"{quote_identifier(c)} = excluded.{quote_identifier(c)}" for c in columns if c not in keys)
    return f"{insert_sql(table, columns)} ON CONFLICT ({quote_list(keys)}) DO UPDATE SET {updates}"


class SqliteWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("sqlite.writer needs inputs['df'] from an upstream step")
            df = inputs["df"]
            table, columns = config["table"], list(df.columns)
            rows = df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)
            mode = config.get("write_mode", "append")
            conn = sqlite3.connect(config["path"], timeout=30)
            try:
                with conn:  # one transaction: committed on success, rolled back on error
                    if mode == "append":
                        conn.executemany(insert_sql(table, columns), rows)
                    elif mode == "overwrite":
                        conn.execute(f"DELETE FROM {quote_identifier(table)}")
                        conn.executemany(insert_sql(table, columns), rows)
                    elif mode == "upsert":
                        keys = config["upsert_keys"]
                        conn.executemany(upsert_sql(table, columns, keys), rows)
                    else:
                        raise ValueError(f"write_mode must be append, overwrite or upsert, not {mode!r}")
            finally:
                conn.close()
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        for key in ("path", "table"):
            if not config.get(key):
                raise ValueError(f"sqlite.writer needs config['{key}']")


DriverRegistry.register("sqlite.writer", SqliteWriterDriver())
