"""Extracts settled card payments for a day from PostgreSQL (psycopg 3)."""

import datetime as dt
from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry

COLUMNS = ["payment_id", "order_id", "amount", "currency", "settled_at"]


class PaymentsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            cfg = self._validate_config(config)
            if cfg["day"].weekday() >= 5 and not cfg["include_weekends"]:
                return {"df": pd.DataFrame(columns=COLUMNS)}
            connection = cfg["connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT payment_id, order_id, amount, currency, settled_at FROM payments "
                        "WHERE settled_at::date = %s AND status = 'settled'",
                        (cfg["day"],),
                    )
                    rows = cur.fetchall()
            if not rows:
                return {"df": pd.DataFrame(columns=COLUMNS)}
            df = pd.DataFrame(rows, columns=COLUMNS)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if "resolved_connection" not in config:
            raise ValueError("payments.extractor needs a connection")
        return {
            "connection": config["resolved_connection"],
            "day": dt.date.fromisoformat(config["day"]) if config.get("day") else dt.date.today(),
            "include_weekends": bool(config.get("include_weekends", False)),
        }


DriverRegistry.register("payments.extractor", PaymentsExtractorDriver())
