"""Compliant sqlite writer: all three write modes, one transaction, input untouched."""

import sqlite3

from osiris.core.driver import DriverRegistry

WRITE_MODES = ("append", "overwrite", "upsert")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class SqliteStoreWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        conn = None
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("sqlite.writer needs inputs['df'] from an upstream step")
            df = inputs["df"]
            conn = sqlite3.connect(config["resolved_connection"]["path"], timeout=10)
            with conn:
                self._write(conn, df, config)
            ctx.log_metric("rows_written", len(df))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise
        finally:
            if conn is not None:
                conn.close()

    def _validate_config(self, config: dict) -> None:
        if not config.get("table"):
            raise ValueError("sqlite.writer needs config['table']")
        if not (config.get("resolved_connection") or {}).get("path"):
            raise ValueError("sqlite.writer needs a connection with a 'path' (resolved_connection)")
        if config.get("write_mode", "append") not in WRITE_MODES:
            raise ValueError(f"write_mode must be one of {WRITE_MODES}")
        if config.get("write_mode") == "upsert" and not config.get("primary_key"):
            raise ValueError("write_mode 'upsert' needs config['primary_key']")

    def _write(self, conn, df, config: dict) -> None:
        table, mode = quote(config["table"]), config.get("write_mode", "append")
        df.head(0).to_sql(config["table"], conn, if_exists="append", index=False)
        columns = ", ".join(quote(c) for c in df.columns)
        statement = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' for _ in df.columns)})"
        if mode == "overwrite":
            conn.execute(f"DELETE FROM {table}")
        elif mode == "upsert":
            keys = ", ".join(quote(k) for k in config["primary_key"])
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {quote(config['table'] + '_key')} "
                         f"ON {table} ({keys})")
            updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in df.columns)
            statement += f" ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        conn.executemany(statement, df.astype(object).where(df.notna(), None).itertuples(
            index=False, name=None))


DriverRegistry.register("sqlite.writer", SqliteStoreWriterDriver())
