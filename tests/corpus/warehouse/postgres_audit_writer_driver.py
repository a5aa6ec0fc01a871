"""Writes audit records into PostgreSQL, one autocommitted statement at a time."""

from typing import Any

import psycopg
from osiris.core.driver import DriverRegistry
from psycopg import sql

AUDIT_COLUMNS = ("event_id", "actor", "action", "subject", "occurred_at")


class PostgresAuditWriterDriver:
    """Copies audit events from the upstream step into ``audit.events``.

    Runs in autocommit mode: an error half-way leaves the rows written so far
    committed, which is what the contract's transaction rule forbids.
    """

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("postgres_audit.writer needs inputs['df']")
            df = inputs["df"].loc[:, list(AUDIT_COLUMNS)]
            table = sql.Identifier("audit", config.get("table", "events"))
            insert = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                table,
                sql.SQL(", ").join(sql.Identifier(column) for column in AUDIT_COLUMNS),
                sql.SQL(", ").join(sql.Placeholder() * len(AUDIT_COLUMNS)),
            )
            mode = config.get("write_mode", "append")
            connection = config["resolved_connection"]
            conn = psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
                autocommit=True,
            )
            try:
                with conn.cursor() as cur:
                    if mode == "append":
                        cur.executemany(insert, df.itertuples(index=False, name=None))
                    elif mode == "overwrite":
                        cur.execute(sql.SQL("DELETE FROM {}").format(table))
                        cur.executemany(insert, df.itertuples(index=False, name=None))
                    elif mode == "upsert":
                        keys = config["upsert_keys"]
                        upsert = sql.SQL("{} ON CONFLICT ({}) DO NOTHING").format(
                            insert, sql.SQL(", ").join(sql.Identifier(key) for key in keys)
                        )
                        cur.executemany(upsert, df.itertuples(index=False, name=None))
                    else:
                        raise ValueError(f"Unknown write_mode {mode!r}: use append, overwrite or upsert")
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
        if "resolved_connection" not in config:
            raise ValueError("postgres_audit.writer needs a connection")


DriverRegistry.register("postgres_audit.writer", PostgresAuditWriterDriver())
