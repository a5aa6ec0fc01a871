"""Writes month-end accruals into the accounting PostgreSQL database (psycopg 3)."""

from typing import Any

import psycopg
from osiris.core.driver import DriverRegistry

INSERT = "INSERT INTO accruals (accrual_id, account, amount, period) VALUES (%s, %s, %s, %s)"
UPSERT = INSERT + " ON CONFLICT (accrual_id) DO UPDATE SET account = EXCLUDED.account, amount = EXCLUDED.amount"


class AccrualsWriterDriver:
    """Has no error handling at all: a failure never reaches the run's events."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        self._validate_config(config)
        if inputs is None or "df" not in inputs:
            raise ValueError("accruals.writer needs inputs['df']")
        df = inputs["df"]
        rows = list(df[["accrual_id", "account", "amount", "period"]].itertuples(index=False, name=None))
        mode = config.get("write_mode", "append")
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
                    if mode == "append":
                        cur.executemany(INSERT, rows)
                    elif mode == "overwrite":
                        cur.execute("DELETE FROM accruals WHERE period = %s", (config["period"],))
                        cur.executemany(INSERT, rows)
                    elif mode == "upsert":
                        if config.get("key_columns") != ["accrual_id"]:
                            raise ValueError("accruals.writer upserts on key_columns ['accrual_id'] only")
                        cur.executemany(UPSERT, rows)
                    else:
                        raise ValueError(f"Unknown write_mode {mode!r}")
        ctx.log_metric("rows_written", len(rows))
        return {}

    def _validate_config(self, config: dict) -> None:
        for key in ("period", "resolved_connection"):
            if not config.get(key):
                raise ValueError(f"accruals.writer needs config['{key}']")


DriverRegistry.register("accruals.writer", AccrualsWriterDriver())
