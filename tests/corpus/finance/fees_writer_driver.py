"""Writes payment-provider fees into the finance PostgreSQL database (psycopg 3)."""

from typing import Any

import psycopg
from osiris.core.driver import DriverRegistry

INSERT = "INSERT INTO provider_fees (fee_id, provider, payment_id, amount, charged_at) VALUES (%s, %s, %s, %s, %s)"


class FeesWriterDriver:
    """Its step_failed event lacks the error_type that the run summary shows."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("fees.writer needs inputs['df']")
            df = inputs["df"]
            rows = list(df[["fee_id", "provider", "payment_id", "amount", "charged_at"]].itertuples(index=False, name=None))
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
                                cur.executemany(INSERT, rows)
                            case "overwrite":
                                cur.execute("TRUNCATE TABLE provider_fees")
                                cur.executemany(INSERT, rows)
                            case "upsert":
                                if config.get("key_columns") != ["fee_id"]:
                                    raise ValueError("fees.writer upserts on key_columns ['fee_id'] only")
                                cur.executemany("DELETE FROM provider_fees WHERE fee_id = %s", [(row[0],) for row in rows])
                                cur.executemany(INSERT, rows)
                            case _:
                                raise ValueError(f"Unknown write_mode {config.get('write_mode')!r}")
            ctx.log_metric("rows_written", len(rows))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e)})
            raise

    def _validate_config(self, config: dict) -> None:
        if "resolved_connection" not in config:
            raise ValueError("fees.writer needs a connection")


DriverRegistry.register("fees.writer", FeesWriterDriver())
