"""Writes general-ledger entries into PostgreSQL (psycopg 3)."""

from typing import Any

import psycopg
from osiris.core.driver import DriverRegistry
from psycopg import sql

COLUMNS = ("entry_id", "account", "debit", "credit", "booked_on")


class LedgerWriterDriver:
    """Emits ``rows_read`` (copied from an extractor) instead of ``rows_written``."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("ledger.writer needs inputs['df']")
            df = inputs["df"]
            table = sql.Identifier("ledger", "entries")
            insert = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                table,
                sql.SQL(", ").join(map(sql.Identifier, COLUMNS)),
                sql.SQL(", ").join(sql.Placeholder() * len(COLUMNS)),
            )
            rows = list(df.loc[:, list(COLUMNS)].itertuples(index=False, name=None))
            connection = config["resolved_connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        match config.get("write_mode", "append"):
                            case "append":
                                cur.executemany(insert, rows)
                            case "overwrite":
                                cur.execute(sql.SQL("DELETE FROM {}").format(table))
                                cur.executemany(insert, rows)
                            case "upsert":
                                keys = config["primary_key"]
                                delete = sql.SQL("DELETE FROM {} WHERE ({}) = ({})").format(
                                    table,
                                    sql.SQL(", ").join(map(sql.Identifier, keys)),
                                    sql.SQL(", ").join(sql.Placeholder() * len(keys)),
                                )
                                cur.executemany(delete, df[keys].itertuples(index=False, name=None))
                                cur.executemany(insert, rows)
                            case _:
                                raise ValueError(f"Unknown write_mode {config.get('write_mode')!r}")
            ctx.log_metric("rows_read", len(rows))
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
            raise ValueError("ledger.writer needs a connection")


DriverRegistry.register("ledger.writer", LedgerWriterDriver())
